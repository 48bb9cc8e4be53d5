//! Writes a stand-in phone photo: `photo_fixture OUT WIDTH HEIGHT QUALITY NOISE SEED
//! [ORIENTATION]` (an EXIF orientation other than 1: the photo as a phone stores it sideways).

#[path = "../benches/photo.rs"]
mod photo;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, width, height, quality, noise, seed, orientation) = match args.as_slice() {
        [out, w, h, q, n, s] => (out, w, h, q, n, s, "1"),
        [out, w, h, q, n, s, o] => (out, w, h, q, n, s, o.as_str()),
        _ => {
            eprintln!("usage: photo_fixture OUT WIDTH HEIGHT QUALITY NOISE SEED [ORIENTATION]");
            std::process::exit(2);
        }
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
    let bytes = match parse(orientation) {
        1 => bytes,
        other => photo::oriented(&bytes, u16::try_from(other).expect("an EXIF orientation")),
    };
    std::fs::write(out, &bytes)?;
    eprintln!("{out}: {} bytes", bytes.len());
    Ok(())
}
