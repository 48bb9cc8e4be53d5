//! One pipeline for every uploaded photo: the type is decided by content (magic bytes), the
//! headers are read (dimension, pixel and memory limits checked before any pixel is decoded),
//! then one of three routes ([`Route`]):
//! - a JPEG photo that is upright and within the size cap (what phones send) is **kept as it
//!   was taken**: its markers rewritten without EXIF, GPS, XMP, comments or anything after the
//!   image (the `jpeg` module), its compressed data untouched (no second lossy generation of
//!   small print), and the stored bytes decoded once at the smallest DCT scale that covers the
//!   thumbnail (the decoder scales the inverse DCT: 1/8 for a phone photo), which reads every
//!   coded block and gives the thumbnail;
//! - a JPEG photo stored sideways or mirrored (an EXIF orientation, as most phones write
//!   portraits) within the size cap is **turned upright without decoding it** (the `turn`
//!   module: its DCT blocks moved and transposed, as jpegtran does), no sample requantised;
//! - anything else (PNG, WebP, a progressive or unusual JPEG, a larger one) is decoded in full
//!   → its longest side capped → the orientation applied → re-encoded (which is what drops its
//!   metadata) → a thumbnail.
//!
//! CPU-bound: callers run it off the async executor, behind a limit sized to the cores.

use std::io::Cursor;

use bytes::Bytes;

use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader};

use crate::platform::config::UploadSettings;

pub use super::budget::budget;
use super::budget::{dct_scaled, kept};
use super::image::{Kind, Processed, Refusal, sniff};
use super::pixels::{encode_jpeg, resized, thumbnail_size};
use super::{jpeg, kept, turn};

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
    pub route: Route,
    /// The most memory the pipeline will hold for this image at once, in bytes.
    pub budget: u64,
    /// A JPEG's markers.
    frame: Option<jpeg::Frame>,
    /// How the stored image is turned to be upright (its EXIF orientation).
    orientation: image::metadata::Orientation,
}

/// How the pipeline treats an image (see the module's text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A JPEG kept as it was taken, without its metadata.
    Kept,
    /// A JPEG turned upright block by block, without its metadata.
    Turned,
    /// Decoded in full, capped, turned upright and re-encoded.
    Reencoded,
}

/// The bytes of the image itself (a JPEG's trailer, an HTML page or a ZIP after its end marker,
/// is never read).
fn image_of(bytes: &[u8], frame: Option<jpeg::Frame>) -> &[u8] {
    frame.map_or(bytes, |f| &bytes[..f.end])
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
    let frame = match source {
        Kind::Jpeg => Some(jpeg::frame(bytes)?),
        Kind::Png | Kind::Webp => None,
    };
    let image_bytes = image_of(bytes, frame);
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
    let upright = orientation == image::metadata::Orientation::NoTransforms;
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
    let is_progressive = frame.is_some_and(|f| f.progressive);
    let keepable = frame.is_some_and(|f| f.keepable) && width.max(height) <= settings.max_side;
    // A sideways photo is turned block by block where its coding allows (a progressive one
    // holds every coefficient anyway, and is rare from phones: it is decoded).
    let turned = (keepable && !upright && !is_progressive)
        .then(|| {
            turn::Header::parse(image_bytes).and_then(|header| {
                turn::plan(
                    &header,
                    orientation,
                    image_bytes.len() as u64,
                    settings.thumbnail_side,
                )
            })
        })
        .and_then(Result::ok);
    let route = match turned {
        _ if keepable && upright => Route::Kept,
        Some(_) => Route::Turned,
        None => Route::Reencoded,
    };
    let budget = match route {
        Route::Turned => turned.map_or(0, |plan| plan.budget),
        Route::Kept => {
            let thumbnail = thumbnail_size((width, height), settings.thumbnail_side);
            kept(
                is_progressive,
                (width, height),
                image_bytes.len() as u64,
                dct_scaled((width, height), thumbnail),
                thumbnail,
            )
        }
        Route::Reencoded => budget(
            source,
            is_progressive,
            width,
            height,
            color,
            rotates,
            settings,
        ),
    };
    if budget > settings.max_decode_bytes || expansion > settings.max_expansion {
        return Err(Refusal::TooManyPixels { width, height });
    }
    Ok(Inspected {
        source,
        width,
        height,
        route,
        budget,
        frame,
        orientation,
    })
}

/// Runs the whole pipeline on an upload: [`inspect`], then [`process_inspected`].
pub fn process(bytes: &Bytes, settings: &UploadSettings) -> Result<Processed, Refusal> {
    process_inspected(bytes, &inspect(bytes, settings)?, settings)
}

/// Runs the pipeline on an upload that [`inspect`] (of the same bytes) let through.
pub fn process_inspected(
    bytes: &Bytes,
    inspected: &Inspected,
    settings: &UploadSettings,
) -> Result<Processed, Refusal> {
    let source = inspected.source;
    if let (Route::Kept, Some(frame)) = (inspected.route, &inspected.frame) {
        return kept::kept_as_taken(bytes, frame, (inspected.width, inspected.height), settings);
    }
    if let (Route::Turned, Some(frame)) = (inspected.route, &inspected.frame) {
        return turn::turned(bytes, frame, inspected.orientation, settings);
    }
    let image_bytes = image_of(bytes, inspected.frame);
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
        bytes: vec![Bytes::from(out)],
        width,
        height,
        thumbnail,
        thumbnail_width,
        thumbnail_height,
    })
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
}
