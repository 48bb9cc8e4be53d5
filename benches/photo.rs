//! A stand-in for a phone camera photo of a medical record: 4000×3000, smooth light paper
//! with dark print and sensor noise, so that JPEG compresses it as it compresses a real photo
//! (about 4 MB at quality 92). Deterministic: the same arguments give the same bytes.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};

pub fn photo(width: u32, height: u32, quality: u8, noise: u32, seed: u64) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(paper(width, height, noise, seed))
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .expect("encode");
    out
}

/// The same photo with its chroma at half resolution both ways (4:2:0), as phone cameras
/// write it (`image`'s encoder writes 4:4:4).
#[allow(dead_code)] // the examples use it, not the bench
pub fn photo_420(width: u32, height: u32, quality: u8, noise: u32, seed: u64) -> Vec<u8> {
    let image = paper(width, height, noise, seed);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder
        .encode(
            image.as_raw(),
            u16::try_from(width).expect("a photo's width"),
            u16::try_from(height).expect("a photo's height"),
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encode");
    out
}

fn paper(width: u32, height: u32, noise: u32, seed: u64) -> RgbImage {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    RgbImage::from_fn(width, height, |x, y| {
        // Paper lit unevenly, lines of "text" every 40 px.
        let light = 200 + ((x + y) * 40 / (width + height)) as i32;
        let ink = (y % 40 < 6) && ((x / 9 + y / 40) % 5 != 0);
        let base = if ink { 40 } else { light };
        let n = (next() % u64::from(noise * 2 + 1)) as i32 - noise as i32;
        let v = |offset: i32| (base + offset + n).clamp(0, 255) as u8;
        Rgb([v(6), v(2), v(-4)])
    })
}

/// `jpeg` with an EXIF segment after its start marker that says only `orientation` (6: a
/// portrait photo the sensor stored sideways, as many phones write it).
pub fn oriented(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0*\0\0\0\x08\0\x01".to_vec();
    // Orientation, SHORT, one value; no next IFD.
    tiff.extend_from_slice(&[0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1]);
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let payload = [&b"Exif\0\0"[..], &tiff].concat();
    let length = u16::try_from(payload.len() + 2).expect("short");
    [
        &jpeg[..2],
        &[0xFF, 0xE1],
        &length.to_be_bytes(),
        &payload,
        &jpeg[2..],
    ]
    .concat()
}
