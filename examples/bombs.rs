//! Writes the decompression-bomb corpus of the upload tests into a directory, one file per bomb
//! (`scripts/bench-bombs`).
//!
//!     cargo run --release --example bombs -- DIR

#[path = "../tests/api/bomb_corpus.rs"]
mod bomb_corpus;

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_owned()));
    std::fs::create_dir_all(&dir)?;
    for (name, bytes) in bomb_corpus::all() {
        std::fs::write(dir.join(name), bytes)?;
    }
    Ok(())
}
