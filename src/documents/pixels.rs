//! Pixels to thumbnails and JPEGs: the sizes, a SIMD resize and a SIMD encoder, shared by both
//! routes of the pipeline.

use super::image::Refusal;

/// The largest size of the same proportions that fits a `side`-pixel square (never larger).
pub(super) fn thumbnail_size((width, height): (u32, u32), side: u32) -> (u32, u32) {
    if width <= side && height <= side {
        return (width, height);
    }
    let scale = f64::from(side) / f64::from(width.max(height));
    let fit = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, side);
    (fit(width), fit(height))
}

/// An 8-bit RGB image resized (SIMD convolution, bilinear: a thumbnail several times smaller).
pub(super) fn resized(rgb: &[u8], from: (u32, u32), to: (u32, u32)) -> Result<Vec<u8>, Refusal> {
    use fast_image_resize::images::{Image, ImageRef};
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    if from == to {
        return Ok(rgb.to_vec());
    }
    let fault = |e: &dyn std::fmt::Display| Refusal::Corrupt(e.to_string());
    let source = ImageRef::new(from.0, from.1, rgb, PixelType::U8x3).map_err(|e| fault(&e))?;
    let mut target = Image::new(to.0, to.1, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| fault(&e))?;
    Ok(target.into_vec())
}

/// Baseline JPEG of 8-bit RGB pixels (SIMD colour conversion and DCT where the CPU has them),
/// written after `out`'s contents; nothing but the image: no EXIF, no comment, no trailer.
pub(super) fn encode_jpeg(
    rgb: &[u8],
    (width, height): (u32, u32),
    quality: u8,
    mut out: Vec<u8>,
) -> Result<Vec<u8>, Refusal> {
    let side = |n: u32| u16::try_from(n).map_err(|_| Refusal::Corrupt("image too large".into()));
    jpeg_encoder::Encoder::new(&mut out, quality)
        .encode(
            rgb,
            side(width)?,
            side(height)?,
            jpeg_encoder::ColorType::Rgb,
        )
        .map_err(|e| Refusal::Corrupt(e.to_string()))?;
    Ok(out)
}
