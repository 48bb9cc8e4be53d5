//! Decompression bombs: small files whose headers declare images that would take hundreds of
//! megabytes to decode — PNG at every colour type and bit depth, baseline and progressive JPEG,
//! lossless WebP. Shared by the upload tests and `examples/bombs.rs` (`scripts/bench-bombs`).
//! Each declares 7000 × 7000 pixels: under the pixel limit (50 M), so only the memory budget
//! and the expansion check stand between it and the decoder.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder};

pub const SIDE: u32 = 7000;

/// CRC-32 (ISO-HDLC), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A PNG declaring `SIDE`² pixels of `color_type` at `bit_depth`, with a few bytes of data.
pub fn png(color_type: u8, bit_depth: u8) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&SIDE.to_be_bytes());
    header.extend_from_slice(&[bit_depth, color_type, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    if color_type == 3 {
        chunk(&mut out, b"PLTE", &[0, 0, 0, 255, 255, 255]);
    }
    // A zlib stream's start: what follows would be long runs of zeros.
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0xED, 0xC1, 0x01, 0x0D, 0x00, 0x00],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

/// Every colour type at every bit depth PNG allows: (name, bytes).
pub fn pngs() -> Vec<(String, Vec<u8>)> {
    let kinds: [(u8, &str, &[u8]); 5] = [
        (0, "grey", &[1, 2, 4, 8, 16]),
        (2, "rgb", &[8, 16]),
        (3, "palette", &[1, 2, 4, 8]),
        (4, "grey-alpha", &[8, 16]),
        (6, "rgba", &[8, 16]),
    ];
    kinds
        .iter()
        .flat_map(|(color, name, depths)| {
            depths
                .iter()
                .map(move |depth| (format!("png-{name}-{depth}"), png(*color, *depth)))
        })
        .collect()
}

/// A small real JPEG whose frame header is rewritten to declare `SIDE`² pixels; progressive
/// when asked (the frame marker becomes SOF2).
pub fn jpeg(progressive: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 80)
        .write_image(&[128u8; 64 * 64 * 3], 64, 64, ExtendedColorType::Rgb8)
        .expect("a JPEG");
    let at = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    if progressive {
        bytes[at + 1] = 0xC2;
    }
    // FF C0, length (2), precision (1), height (2), width (2).
    let side = (SIDE as u16).to_be_bytes();
    bytes[at + 5..at + 7].copy_from_slice(&side);
    bytes[at + 7..at + 9].copy_from_slice(&side);
    bytes
}

/// A small lossless WebP whose header is rewritten to declare `SIDE`² pixels.
pub fn webp() -> Vec<u8> {
    let mut bytes = Vec::new();
    WebPEncoder::new_lossless(Cursor::new(&mut bytes))
        .write_image(&[90u8; 16 * 16 * 4], 16, 16, ExtendedColorType::Rgba8)
        .expect("a WebP");
    let at = bytes
        .windows(4)
        .position(|w| w == b"VP8L")
        .expect("a lossless chunk");
    // Chunk id (4), size (4), signature 0x2F, then 14 bits width − 1, 14 bits height − 1,
    // 1 bit alpha, 3 bits version, little-endian.
    let header = at + 9;
    let old = u32::from_le_bytes(bytes[header..header + 4].try_into().expect("4 bytes"));
    let side = SIDE - 1;
    let new = (old & 0xF000_0000) | side | (side << 14);
    bytes[header..header + 4].copy_from_slice(&new.to_le_bytes());
    bytes
}

/// The whole corpus: (name, bytes).
pub fn all() -> Vec<(String, Vec<u8>)> {
    let mut corpus = pngs();
    corpus.push(("jpeg-baseline".to_owned(), jpeg(false)));
    corpus.push(("jpeg-progressive".to_owned(), jpeg(true)));
    corpus.push(("webp-lossless".to_owned(), webp()));
    corpus
}
