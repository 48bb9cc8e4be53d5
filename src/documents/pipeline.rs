//! One pipeline for every uploaded photo: the type is decided by content (magic bytes), then a
//! bounded decode (dimension, pixel and allocation limits checked from the header, before any
//! pixel is decoded) → the longest side capped → the EXIF orientation applied → a re-encode
//! (which is what drops EXIF, GPS, XMP and anything appended after the image) → a thumbnail.
//! CPU-bound: callers run it off the async executor, behind a limit sized to the cores.

use std::io::Cursor;

use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};

use crate::config::UploadSettings;

pub use super::budget::budget;
use super::budget::progressive;

/// What the bytes are, by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
}

impl Kind {
    pub fn media_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            Kind::Jpeg => ImageFormat::Jpeg,
            Kind::Png => ImageFormat::Png,
            Kind::Webp => ImageFormat::WebP,
        }
    }
}

/// Why a file is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the file is empty")]
    Empty,
    #[error("HEIC/HEIF is not accepted")]
    Heic,
    /// Not an image type we take; the sniffed type if it has one.
    #[error("not a JPEG, PNG or WebP image ({0:?})")]
    Unsupported(Option<&'static str>),
    #[error("the image declares {width}×{height} pixels")]
    TooManyPixels { width: u32, height: u32 },
    #[error("the image is damaged or incomplete: {0}")]
    Corrupt(String),
}

/// The image as stored, and its thumbnail.
#[derive(Debug, Clone)]
pub struct Processed {
    /// What was received.
    pub source: Kind,
    /// What is stored: JPEG (from JPEG or WebP photos) or PNG (screenshots stay lossless).
    pub kind: Kind,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// JPEG.
    pub thumbnail: Vec<u8>,
    pub thumbnail_width: u32,
    pub thumbnail_height: u32,
}

/// Decides the type by content alone.
pub fn sniff(bytes: &[u8]) -> Result<Kind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if is_heif(bytes) {
        return Err(Refusal::Heic);
    }
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("image/jpeg") => Ok(Kind::Jpeg),
        Some("image/png") => Ok(Kind::Png),
        Some("image/webp") => Ok(Kind::Webp),
        Some("image/heif" | "image/heic" | "image/heif-sequence" | "image/heic-sequence") => {
            Err(Refusal::Heic)
        }
        other => Err(Refusal::Unsupported(other)),
    }
}

/// An ISO-BMFF `ftyp` box naming a HEIF brand (what iPhones write).
fn is_heif(bytes: &[u8]) -> bool {
    if bytes.len() < 12 || &bytes[4..8] != b"ftyp" {
        return false;
    }
    matches!(
        &bytes[8..12],
        b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1"
    )
}

/// A JPEG's structure, walked marker by marker: the offset just past its end-of-image marker.
/// A file cut off before it (a truncated upload) is refused here, because the decoder would
/// quietly fill the missing rows with grey.
fn jpeg_end(bytes: &[u8]) -> Result<usize, Refusal> {
    let truncated = || Refusal::Corrupt("the JPEG ends before its end-of-image marker".to_owned());
    let mut at = 2; // past SOI
    loop {
        // Markers may be padded with 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(truncated());
        };
        at += 2;
        match marker {
            0xD9 => return Ok(at),
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let (Some(&hi), Some(&lo)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(truncated());
        };
        let length = usize::from(u16::from_be_bytes([hi, lo]));
        if length < 2 || at + length > bytes.len() {
            return Err(truncated());
        }
        at += length;
        if marker == 0xDA {
            // Entropy-coded data: runs until a marker that is neither stuffing nor a restart.
            loop {
                let Some(offset) = bytes[at..].iter().position(|&b| b == 0xFF) else {
                    return Err(truncated());
                };
                at += offset;
                match bytes.get(at + 1) {
                    None => return Err(truncated()),
                    Some(0x00 | 0xD0..=0xD7 | 0xFF) => at += 1,
                    Some(_) => break,
                }
            }
        }
    }
}

fn decode_error(error: ImageError) -> Refusal {
    match error {
        ImageError::Limits(e) => Refusal::Corrupt(format!("over the decoding limits: {e}")),
        other => Refusal::Corrupt(other.to_string()),
    }
}

/// What an upload's headers say, read before any pixel is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    pub source: Kind,
    pub width: u32,
    pub height: u32,
    /// The most memory the pipeline will hold for this image at once, in bytes.
    pub budget: u64,
}

/// The bytes of the image itself (a JPEG's trailer, an HTML page or a ZIP after its end marker,
/// is never read).
fn image_bytes(bytes: &[u8], source: Kind) -> Result<&[u8], Refusal> {
    Ok(match source {
        Kind::Jpeg => &bytes[..jpeg_end(bytes)?],
        Kind::Png | Kind::Webp => bytes,
    })
}

/// The decoder of `image_bytes`, with the dimension and allocation limits set.
fn decoder<'a>(
    image_bytes: &'a [u8],
    source: Kind,
    settings: &UploadSettings,
) -> Result<impl ImageDecoder + 'a, Refusal> {
    let mut reader = ImageReader::with_format(Cursor::new(image_bytes), source.format());
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(settings.max_dimension);
    limits.max_image_height = Some(settings.max_dimension);
    limits.max_alloc = Some(settings.max_decode_bytes);
    reader.limits(limits);
    reader.into_decoder().map_err(|e| match e {
        ImageError::Limits(_) => header_dimensions(image_bytes, source).map_or_else(
            || Refusal::TooManyPixels {
                width: settings.max_dimension.saturating_add(1),
                height: settings.max_dimension.saturating_add(1),
            },
            |(width, height)| Refusal::TooManyPixels { width, height },
        ),
        other => decode_error(other),
    })
}

/// Reads the type and the headers and decides whether the image may be decoded: the pixel and
/// dimension limits, then the memory it would take against `max_decode_bytes`. No pixel is
/// decoded.
pub fn inspect(bytes: &[u8], settings: &UploadSettings) -> Result<Inspected, Refusal> {
    let source = sniff(bytes)?;
    let image_bytes = image_bytes(bytes, source)?;
    let mut decoder = decoder(image_bytes, source, settings)?;
    let (width, height) = decoder.dimensions();
    if width == 0
        || height == 0
        || width > settings.max_dimension
        || height > settings.max_dimension
        || u64::from(width) * u64::from(height) > settings.max_pixels
    {
        return Err(Refusal::TooManyPixels { width, height });
    }
    let orientation = decoder.orientation().map_err(decode_error)?;
    let rotates = !matches!(
        orientation,
        image::metadata::Orientation::NoTransforms
            | image::metadata::Orientation::FlipHorizontal
            | image::metadata::Orientation::FlipVertical
            | image::metadata::Orientation::Rotate180
    );
    let color = decoder.color_type();
    let decoded = u64::from(width) * u64::from(height) * u64::from(color.bytes_per_pixel());
    // A small file that unpacks to a huge image (a decompression bomb) is refused for what it
    // is, whatever memory it would fit in: photos of medical records unpack to tens of times
    // their size, not hundreds.
    let expansion = decoded / (image_bytes.len() as u64).max(1);
    let is_progressive = source == Kind::Jpeg && progressive(image_bytes);
    let budget = budget(
        source,
        is_progressive,
        width,
        height,
        color,
        rotates,
        settings,
    );
    if budget > settings.max_decode_bytes || expansion > settings.max_expansion {
        return Err(Refusal::TooManyPixels { width, height });
    }
    Ok(Inspected {
        source,
        width,
        height,
        budget,
    })
}

/// Runs the whole pipeline on an upload (after [`inspect`], which it repeats: it is cheap).
pub fn process(bytes: &[u8], settings: &UploadSettings) -> Result<Processed, Refusal> {
    let Inspected { source, .. } = inspect(bytes, settings)?;
    let image_bytes = image_bytes(bytes, source)?;
    let mut decoder = decoder(image_bytes, source, settings)?;
    let orientation = decoder.orientation().map_err(decode_error)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(decode_error)?;

    let longest = image.width().max(image.height());
    if longest > settings.max_side {
        let scale = f64::from(settings.max_side) / f64::from(longest);
        let w = ((f64::from(image.width()) * scale).round() as u32).max(1);
        let h = ((f64::from(image.height()) * scale).round() as u32).max(1);
        // Area averaging: each output pixel the mean of the input pixels it covers. For the
        // reductions this makes (photos above 4096 px) it keeps small print as legible as a
        // two-pass filter, and it needs no full-width floating-point buffer (which for a
        // 50-megapixel photo is hundreds of megabytes).
        image = image.thumbnail_exact(w, h);
    }
    // Upright after downscaling: a rotation copies the smaller image, not the decoded one.
    image.apply_orientation(orientation);

    let kind = match source {
        Kind::Png => Kind::Png,
        Kind::Jpeg | Kind::Webp => Kind::Jpeg,
    };
    let (width, height) = (image.width(), image.height());
    let (thumbnail_width, thumbnail_height) =
        thumbnail_size((width, height), settings.thumbnail_side);
    // One thumbnail path for every kind: resized from the upright 8-bit RGB pixels.
    let (out, thumb) = match kind {
        Kind::Png => {
            let thumb = resized(
                &image.to_rgb8(),
                (width, height),
                (thumbnail_width, thumbnail_height),
            )?;
            let mut out = Vec::with_capacity(bytes.len());
            let encoded = if image.color().has_alpha() {
                DynamicImage::ImageRgba8(image.into_rgba8())
                    .write_with_encoder(PngEncoder::new(&mut out))
            } else {
                DynamicImage::ImageRgb8(image.into_rgb8())
                    .write_with_encoder(PngEncoder::new(&mut out))
            };
            encoded.map_err(|e| Refusal::Corrupt(e.to_string()))?;
            (out, thumb)
        }
        Kind::Jpeg | Kind::Webp => {
            // No copy: a decoded JPEG already is 8-bit RGB.
            let rgb = image.into_rgb8();
            let thumb = resized(&rgb, (width, height), (thumbnail_width, thumbnail_height))?;
            let out = encode_jpeg(
                &rgb,
                (width, height),
                settings.jpeg_quality,
                Vec::with_capacity(bytes.len()),
            )?;
            (out, thumb)
        }
    };
    let thumbnail = encode_jpeg(
        &thumb,
        (thumbnail_width, thumbnail_height),
        settings.thumbnail_quality,
        Vec::new(),
    )?;

    Ok(Processed {
        source,
        kind,
        bytes: out,
        width,
        height,
        thumbnail,
        thumbnail_width,
        thumbnail_height,
    })
}

/// The largest size of the same proportions that fits a `side`-pixel square (never larger).
fn thumbnail_size((width, height): (u32, u32), side: u32) -> (u32, u32) {
    if width <= side && height <= side {
        return (width, height);
    }
    let scale = f64::from(side) / f64::from(width.max(height));
    let fit = |n: u32| ((f64::from(n) * scale).round() as u32).clamp(1, side);
    (fit(width), fit(height))
}

/// An 8-bit RGB image resized (SIMD convolution, bilinear: a thumbnail several times smaller).
fn resized(rgb: &[u8], from: (u32, u32), to: (u32, u32)) -> Result<Vec<u8>, Refusal> {
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
fn encode_jpeg(
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

/// The dimensions a header declares, read without the decoder's limits (for the refusal).
fn header_dimensions(bytes: &[u8], kind: Kind) -> Option<(u32, u32)> {
    ImageReader::with_format(Cursor::new(bytes), kind.format())
        .into_dimensions()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_reads_content_not_names() {
        assert_eq!(sniff(b""), Err(Refusal::Empty));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Ok(Kind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok(Kind::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Ok(Kind::Webp));
        assert_eq!(
            sniff(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic"),
            Err(Refusal::Heic)
        );
        assert!(matches!(
            sniff(b"<!DOCTYPE html><html><script>alert(1)</script>"),
            Err(Refusal::Unsupported(_))
        ));
        assert_eq!(
            sniff(b"PK\x03\x04\x14\0\0\0\0\0"),
            Err(Refusal::Unsupported(Some("application/zip")))
        );
        assert!(matches!(
            sniff(b"GIF89a\x01\0\x01\0"),
            Err(Refusal::Unsupported(_))
        ));
    }

    #[test]
    fn a_jpeg_cut_anywhere_has_no_end() {
        let mut jpeg = Vec::new();
        DynamicImage::new_rgb8(40, 30)
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut jpeg, 80,
            ))
            .expect("encode");
        assert_eq!(jpeg_end(&jpeg), Ok(jpeg.len()));
        for cut in [3, 20, jpeg.len() / 2, jpeg.len() - 1] {
            assert!(jpeg_end(&jpeg[..cut]).is_err(), "cut at {cut}");
        }
        let mut tailed = jpeg.clone();
        tailed.extend_from_slice(b"<html>\xFF\xD9</html>");
        assert_eq!(jpeg_end(&tailed), Ok(jpeg.len()));
    }
}
