//! The route of an upright JPEG photo within the size cap: kept as it was taken, without its
//! metadata ([`jpeg::stripped`]), and its thumbnail from one decode of the stored bytes with the
//! inverse DCT scaled down (jpeg-decoder: 1/8, 1/4 or 1/2), which also reads every coded block.

use bytes::Bytes;

use super::image::{Kind, Processed, Refusal};
use super::jpeg;
use super::pixels::{encode_jpeg, resized, thumbnail_size};
use crate::platform::config::UploadSettings;

/// [`Route::Kept`](super::pipeline::Route::Kept): the JPEG without its metadata, and its
/// thumbnail from one decode of those very bytes at the smallest DCT scale that covers it.
pub(super) fn kept_as_taken(
    upload: &Bytes,
    frame: &jpeg::Frame,
    (width, height): (u32, u32),
    settings: &UploadSettings,
) -> Result<Processed, Refusal> {
    let bytes = jpeg::stripped(upload, frame)?;
    let thumbnail = thumbnail_size((width, height), settings.thumbnail_side);
    let damaged = |e: jpeg_decoder::Error| Refusal::Corrupt(e.to_string());
    let side = |n: u32| u16::try_from(n).map_err(|_| Refusal::Corrupt("image too large".into()));
    let mut decoder = jpeg_decoder::Decoder::new(jpeg::Reader::new(&bytes));
    decoder.set_max_decoding_buffer_size(
        usize::try_from(settings.max_decode_bytes).unwrap_or(usize::MAX),
    );
    decoder.read_info().map_err(damaged)?;
    let declared = decoder
        .info()
        .map(|i| (u32::from(i.width), u32::from(i.height)));
    if declared != Some((width, height)) {
        return Err(Refusal::Corrupt(format!(
            "the frame declares {declared:?}, the headers {width}×{height}"
        )));
    }
    let scaled = decoder
        .scale(side(thumbnail.0)?, side(thumbnail.1)?)
        .map_err(damaged)?;
    let scaled = (u32::from(scaled.0), u32::from(scaled.1));
    let pixels = decoder.decode().map_err(damaged)?;
    let rgb = match decoder.info().map(|i| i.pixel_format) {
        Some(jpeg_decoder::PixelFormat::RGB24) => pixels,
        Some(jpeg_decoder::PixelFormat::L8) => pixels.iter().flat_map(|&l| [l, l, l]).collect(),
        other => return Err(Refusal::Corrupt(format!("unexpected pixels: {other:?}"))),
    };
    if rgb.len() as u64 != u64::from(scaled.0) * u64::from(scaled.1) * 3 {
        return Err(Refusal::Corrupt(
            "the decoder returned a short image".into(),
        ));
    }
    let thumb = resized(&rgb, scaled, thumbnail)?;
    Ok(Processed {
        source: Kind::Jpeg,
        kind: Kind::Jpeg,
        bytes,
        width,
        height,
        thumbnail: encode_jpeg(&thumb, thumbnail, settings.thumbnail_quality, Vec::new())?,
        thumbnail_width: thumbnail.0,
        thumbnail_height: thumbnail.1,
    })
}
