//! The route of a JPEG photo stored sideways or mirrored (an EXIF orientation other than 1, what
//! most phones write for a portrait): turned upright **without decoding it**, as jpegtran does.
//! Its quantised DCT coefficients are read (Huffman decoding only), each 8×8 block moved to
//! where the upright image has it and its coefficients transposed or negated (a block's
//! transpose is the transpose of its coefficients; a mirror negates the odd frequencies along
//! its axis), the quantisation tables transposed with them, and the coefficients written back
//! (Huffman coding only). No sample is requantised: the upright photo has exactly the detail the
//! camera stored.
//!
//! A JPEG's blocks start at its top left corner, so a mirror can only move whole MCUs (16 px of
//! 4:2:0 photos): an image whose side along a mirrored axis is not a whole number of MCUs has an
//! incomplete last MCU there that cannot go to the other side. As `jpegtran -trim` does, those
//! few pixels of edge (8 px of a 4000 × 3000 photo at 4:2:0 turned a quarter) are dropped; where
//! they are 1 % of that side or more (small images), the photo takes the decoding route instead
//! (see [`plan`]). The thumbnail comes from the coefficients read: each block's DC coefficient is its
//! mean, the image at 1/8 scale.

mod header;
mod place;
mod read;
mod values;
mod write;

use bytes::Bytes;
use image::RgbImage;
use image::metadata::Orientation;

pub(in crate::documents) use header::{Header, Unturnable};
use place::{Placement, Turn};

use super::image::{Kind, Processed, Refusal};
use super::jpeg;
use super::pixels::{encode_jpeg, resized, thumbnail_size};
use crate::platform::config::UploadSettings;

/// What turning a photo takes, decided from its headers: the size kept (a mirrored axis trimmed
/// to whole MCUs) and the memory it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::documents) struct Plan {
    turn: Turn,
    /// The stored image's size once trimmed, before turning.
    kept: (usize, usize),
    /// Bytes held at once: the coefficients, the turned file, the thumbnail's pixels.
    pub budget: u64,
}

/// How much of a side a trim may take: less than 1 %.
const MOST_TRIMMED: usize = 100;

/// Whether `jpeg` (up to its end-of-image marker, `header` its markers) is turned by this route
/// for `orientation`, and what it takes.
pub(in crate::documents) fn plan(
    header: &Header,
    orientation: Orientation,
    file_bytes: u64,
    thumbnail_side: u32,
) -> Result<Plan, Unturnable> {
    let turn = Turn::of(orientation).ok_or(Unturnable("upright"))?;
    let (mcu_w, mcu_h) = header.mcu_size();
    let trimmed = |side: usize, mcu: usize, mirrored: bool| {
        let lost = if mirrored { side % mcu } else { 0 };
        (lost == 0 || lost * MOST_TRIMMED < side)
            .then_some(side - lost)
            .ok_or(Unturnable("the trim would take 1 % of a side or more"))
    };
    let kept = (
        trimmed(header.width, mcu_w, turn.mirror_x)?,
        trimmed(header.height, mcu_h, turn.mirror_y)?,
    );
    let small = (kept.0.div_ceil(8) * kept.1.div_ceil(8) * 3) as u64;
    let thumbnail = u64::from(thumbnail_side).pow(2) * 3;
    // The coefficients; the turned file (about the size of the stored one: the typical tables
    // cost a few per cent more than a camera's own); the 1/8-scale image and the thumbnail's
    // pixels.
    let budget =
        read::size(header, file_bytes) + file_bytes + file_bytes / 4 + 2 * small + 2 * thumbnail;
    Ok(Plan { turn, kept, budget })
}

/// [`Route::Turned`](super::pipeline::Route::Turned): the photo turned upright block by block,
/// without its metadata, and its thumbnail.
pub(super) fn turned(
    upload: &Bytes,
    frame: &jpeg::Frame,
    orientation: Orientation,
    settings: &UploadSettings,
) -> Result<Processed, Refusal> {
    let image = &upload[..frame.end];
    let unturnable = |why: Unturnable| Refusal::Corrupt(format!("not turned: {}", why.0));
    let header = Header::parse(image).map_err(unturnable)?;
    let plan = plan(
        &header,
        orientation,
        image.len() as u64,
        settings.thumbnail_side,
    )
    .map_err(unturnable)?;
    let placement = Placement::new(&header, plan.turn, plan.kept);
    let coefficients = read::coefficients(image, &header, &placement)?;
    let (width, height) = plan.turn.swap(plan.kept);
    let bytes = write_turned(
        &header,
        &coefficients,
        &placement,
        (width, height),
        frame,
        image.len(),
    );
    let (thumbnail_width, thumbnail_height) =
        thumbnail_size((width as u32, height as u32), settings.thumbnail_side);
    let ids: Vec<u8> = header.components.iter().map(|c| c.id).collect();
    let eighth = (ids.len() == 1 || !frame.rgb(&ids))
        .then(|| dc_image(&header, &coefficients.planes, &placement, (width, height)))
        .transpose()?
        .filter(|e| e.width() >= thumbnail_width && e.height() >= thumbnail_height);
    let thumbnail = if let Some(eighth) = eighth {
        let scaled = eighth.dimensions();
        resized(
            &eighth.into_raw(),
            scaled,
            (thumbnail_width, thumbnail_height),
        )?
    } else {
        // A small image (its thumbnail needs more than the blocks' means), or RGB components.
        let decoded = image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
            .map_err(|e| Refusal::Corrupt(e.to_string()))?
            .into_rgb8();
        resized(
            decoded.as_raw(),
            (decoded.width(), decoded.height()),
            (thumbnail_width, thumbnail_height),
        )?
    };
    Ok(Processed {
        source: Kind::Jpeg,
        kind: Kind::Jpeg,
        bytes: vec![Bytes::from(bytes)],
        width: width as u32,
        height: height as u32,
        thumbnail: encode_jpeg(
            &thumbnail,
            (thumbnail_width, thumbnail_height),
            settings.thumbnail_quality,
            Vec::new(),
        )?,
        thumbnail_width,
        thumbnail_height,
    })
}

/// The turned JPEG: the colour markers the stored one had, its quantisation tables (transposed
/// with the blocks), and the turned blocks in scan order.
#[inline(never)]
fn write_turned(
    header: &Header,
    coefficients: &read::Coefficients,
    placement: &Placement,
    size: (usize, usize),
    frame: &jpeg::Frame,
    size_hint: usize,
) -> Vec<u8> {
    let planes = &coefficients.planes;
    let values = &coefficients.values;
    // About the stored file's size (the typical tables cost a few per cent more).
    let mut out = Vec::with_capacity(size_hint + size_hint / 8 + 4096);
    out.extend_from_slice(&jpeg::head(frame));
    let quant = header.quant.map(|table| {
        table.map(|q| {
            let mut turned = [0u16; 64];
            for (k, &value) in q.iter().enumerate() {
                turned[placement.to[k]] = value;
            }
            turned
        })
    });
    let components: Vec<(u8, usize, usize, usize)> = header
        .components
        .iter()
        .zip(&placement.sampling)
        .map(|(c, &(h, v))| (c.id, h, v, c.tq))
        .collect();
    write::headers(&mut out, size, &components, &quant);
    let mut scan = write::Scan::new(out, planes.len());
    for my in 0..placement.mcus.1 {
        for mx in 0..placement.mcus.0 {
            for (i, plane) in planes.iter().enumerate() {
                let (h, v) = placement.sampling[i];
                for y in 0..v {
                    for x in 0..h {
                        let at = (my * v + y) * plane.blocks_w + mx * h + x;
                        let block = plane.blocks.get(at).copied().unwrap_or_default();
                        scan.block(
                            i,
                            block.dc,
                            block.nonzero,
                            values.from(block.start as usize),
                        );
                    }
                }
            }
        }
    }
    scan.finish()
}

/// The turned image at 1/8 scale from the blocks' DC coefficients (each block's mean): RGB,
/// one pixel per luminance block.
fn dc_image(
    header: &Header,
    planes: &[read::Plane],
    placement: &Placement,
    (width, height): (usize, usize),
) -> Result<RgbImage, Refusal> {
    let (w, h) = (width.div_ceil(8), height.div_ceil(8));
    let max_h = placement.sampling.iter().map(|s| s.0).max().unwrap_or(1);
    let max_v = placement.sampling.iter().map(|s| s.1).max().unwrap_or(1);
    let grey = planes.len() == 1;
    let sample = |i: usize, x: usize, y: usize| -> f32 {
        let (ch, cv) = placement.sampling[i];
        let plane = &planes[i];
        let bx = (x * ch / max_h).min(plane.blocks_w - 1);
        let by = (y * cv / max_v).min(plane.blocks_h - 1);
        let q = header.quant[header.components[i].tq].map_or(1, |q| q[0]);
        f32::from(plane.blocks[by * plane.blocks_w + bx].dc) * f32::from(q) / 8.0 + 128.0
    };
    let clamp = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    let mut rgb = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            if grey {
                let l = clamp(sample(0, x, y));
                rgb.extend_from_slice(&[l, l, l]);
            } else {
                let (l, cb, cr) = (
                    sample(0, x, y),
                    sample(1, x, y) - 128.0,
                    sample(2, x, y) - 128.0,
                );
                rgb.extend_from_slice(&[
                    clamp(l + 1.402 * cr),
                    clamp(l - 0.344_136 * cb - 0.714_136 * cr),
                    clamp(l + 1.772 * cb),
                ]);
            }
        }
    }
    RgbImage::from_raw(w as u32, h as u32, rgb)
        .ok_or_else(|| Refusal::Corrupt("an empty image".into()))
}

#[cfg(test)]
mod tests;
