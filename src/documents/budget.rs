//! How much memory an image takes in the pipeline, from its header alone (before any pixel is
//! decoded): what `pipeline::inspect` weighs against the per-image and the shared budgets.

use super::image::Kind;
use crate::platform::config::UploadSettings;

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

/// Rows of coefficients a baseline decode hands to its per-component threads at once, at most
/// as far as the budget goes: the threads' work at 1/8 scale is a fraction of the entropy
/// decoding that feeds them, so few wait.
const ROWS_IN_FLIGHT: u64 = 8;

/// The most memory a photo kept as it was taken holds at once: the file (the stored pieces are
/// slices of it, held until they are written), the decoder's coefficients (every one of a
/// progressive image until its last scan; a few rows of a baseline one), the DCT-scaled pixels
/// (a plane per component and the RGB image) and the thumbnail's pixels.
pub fn kept(
    progressive: bool,
    (width, height): (u32, u32),
    file_bytes: u64,
    scaled: (u32, u32),
    thumbnail: (u32, u32),
) -> u64 {
    let area = |(w, h): (u32, u32)| u64::from(w) * u64::from(h);
    let coefficients = if progressive {
        area((width, height)) * 3 * 2
    } else {
        u64::from(width) * 16 * 3 * 2 * ROWS_IN_FLIGHT
    };
    file_bytes + coefficients + area(scaled) * 3 * 2 + area(thumbnail) * 3 * 2
}

/// The size a JPEG of `size` decodes to when its inverse DCT is scaled to the smallest of 1/8,
/// 1/4, 1/2 and 1 that still reaches `at_least` on one side (as the decoder chooses it).
pub fn dct_scaled(size: (u32, u32), at_least: (u32, u32)) -> (u32, u32) {
    let scaled = |n: u32, eighths: u32| (n * eighths).div_ceil(8);
    let eighths = [1, 2, 4]
        .into_iter()
        .find(|&e| scaled(size.0, e) >= at_least.0 || scaled(size.1, e) >= at_least.1)
        .unwrap_or(8);
    (scaled(size.0, eighths), scaled(size.1, eighths))
}
