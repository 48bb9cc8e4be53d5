//! Writes a stand-in phone photo: `photo_fixture OUT WIDTH HEIGHT QUALITY NOISE SEED
//! [ORIENTATION [SAMPLING]]` (an EXIF orientation other than 1: the photo as a phone stores it
//! sideways; SAMPLING `420`: its chroma at half resolution, as phone cameras write it, instead
//! of `444`).

#[path = "../benches/photo.rs"]
mod photo;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (out, width, height, quality, noise, seed, orientation, sampling) = match args.as_slice() {
        [out, w, h, q, n, s] => (out, w, h, q, n, s, "1", "444"),
        [out, w, h, q, n, s, o] => (out, w, h, q, n, s, o.as_str(), "444"),
        [out, w, h, q, n, s, o, f] => (out, w, h, q, n, s, o.as_str(), f.as_str()),
        _ => {
            eprintln!(
                "usage: photo_fixture OUT WIDTH HEIGHT QUALITY NOISE SEED [ORIENTATION [420|444]]"
            );
            std::process::exit(2);
        }
    };
    let parse = |v: &str| {
        v.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a number: {v}"))
    };
    let make = match sampling {
        "420" => photo::photo_420,
        "444" => photo::photo,
        other => {
            eprintln!("photo_fixture: SAMPLING is 420 or 444, not {other}");
            std::process::exit(2);
        }
    };
    let bytes = make(
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
