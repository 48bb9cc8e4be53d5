//! Writes a stand-in phone photo: `photo_fixture OUT WIDTH HEIGHT QUALITY NOISE SEED`.

#[path = "../benches/photo.rs"]
mod photo;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, width, height, quality, noise, seed] = args.as_slice() else {
        eprintln!("usage: photo_fixture OUT WIDTH HEIGHT QUALITY NOISE SEED");
        std::process::exit(2);
    };
    let parse = |v: &str| {
        v.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a number: {v}"))
    };
    let bytes = photo::photo(
        parse(width) as u32,
        parse(height) as u32,
        parse(quality) as u8,
        parse(noise) as u32,
        parse(seed),
    );
    std::fs::write(out, &bytes)?;
    eprintln!("{out}: {} bytes", bytes.len());
    Ok(())
}
