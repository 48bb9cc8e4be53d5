//! How much memory an image takes in the pipeline, from its header alone (before any pixel is
//! decoded): what `pipeline::inspect` weighs against the per-image and the shared budgets.

use super::pipeline::Kind;
use crate::config::UploadSettings;

/// The most memory the pipeline holds for an image at once, from its header alone. The phases
/// follow each other, so the peak is the largest of them:
/// - decoding: the output (width × height × channels × bytes per sample) and the decoder's
///   working memory (a progressive JPEG keeps every 16-bit coefficient of the image until its
///   last scan; a baseline one a few rows; a WebP its YUV planes; a PNG two rows);
/// - downscaling: the decoded image and the smaller one;
/// - turning it upright (after downscaling): a second copy when the orientation rotates by 90°;
/// - encoding: the smaller image, an 8-bit copy unless it is 8-bit RGB already, and the encoded
///   bytes (never more than 4 per pixel).
pub fn budget(
    source: Kind,
    progressive: bool,
    width: u32,
    height: u32,
    color: image::ColorType,
    rotates: bool,
    settings: &UploadSettings,
) -> u64 {
    let pixels = u64::from(width) * u64::from(height);
    let bytes_per_pixel = u64::from(color.bytes_per_pixel());
    let decoded = pixels * bytes_per_pixel;
    let working = match source {
        Kind::Jpeg if progressive => pixels * 3 * 2,
        Kind::Jpeg => u64::from(width) * 16 * 3 * 2,
        Kind::Webp => pixels * 3 / 2,
        Kind::Png => u64::from(width) * bytes_per_pixel * 2 + (1 << 16),
    };
    let longest = width.max(height);
    let out_pixels = if longest > settings.max_side {
        let scale = f64::from(settings.max_side) / f64::from(longest);
        ((f64::from(width) * scale).round() as u64) * ((f64::from(height) * scale).round() as u64)
    } else {
        pixels
    };
    let out = out_pixels * bytes_per_pixel;
    let eight_bit_copy = if color == image::ColorType::Rgb8 {
        0
    } else {
        out_pixels * 4
    };
    let decoding = decoded + working;
    let downscaled = longest > settings.max_side;
    let downscaling = if downscaled { decoded + out } else { decoded };
    // Turned upright after downscaling: the copy is of the smaller image.
    let upright = match (rotates, downscaled) {
        (true, true) => out * 2,
        (true, false) => decoded * 2,
        (false, _) => 0,
    };
    let encoding = out + eight_bit_copy + out_pixels * 4;
    decoding.max(upright).max(downscaling).max(encoding)
}

/// Whether a JPEG is progressive (a start-of-frame marker of a progressive process).
pub(super) fn progressive(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|w| w[0] == 0xFF && matches!(w[1], 0xC2 | 0xC6 | 0xCA | 0xCE))
}
