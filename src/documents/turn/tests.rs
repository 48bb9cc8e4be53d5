//! The turned JPEG against the same photo decoded and turned in pixels, and a turn undone by
//! its inverse giving back the very same image.

use bytes::Bytes;
use image::metadata::Orientation;
use image::{DynamicImage, GenericImageView, RgbImage};
use jpeg_encoder::{ColorType, Encoder, SamplingFactor};

use crate::documents::image::Refusal;
use crate::documents::pipeline::{self, Route};
use crate::platform::config::{Profile, Settings, UploadSettings};

fn settings() -> UploadSettings {
    Settings::figment(Profile::Local)
        .extract_inner::<UploadSettings>("uploads")
        .expect("upload settings")
}

/// A photo-like picture: gradients, print and edges in every corner, so that a block out of
/// place or a sign wrong shows.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        let ink = (y % 23 < 4 && (x / 7 + y / 23) % 3 != 0) || (x % 57 < 3);
        let r = (x * 255 / width) as u8;
        let g = (y * 255 / height) as u8;
        let b = ((x + 2 * y) % 256) as u8;
        if ink {
            image::Rgb([r / 6, g / 5, 40])
        } else {
            image::Rgb([r, g, b])
        }
    })
}

fn encoded(image: &RgbImage, sampling: Option<SamplingFactor>, restart: u16) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = Encoder::new(&mut out, 90);
    if restart > 0 {
        encoder.set_restart_interval(restart);
    }
    let (pixels, colour) = match sampling {
        Some(sampling) => {
            encoder.set_sampling_factor(sampling);
            (image.as_raw().clone(), ColorType::Rgb)
        }
        None => (
            DynamicImage::ImageRgb8(image.clone()).to_luma8().into_raw(),
            ColorType::Luma,
        ),
    };
    encoder
        .encode(&pixels, image.width() as u16, image.height() as u16, colour)
        .expect("encodes");
    out
}

/// The benches' stand-in photos; `oriented` puts an EXIF orientation after the start marker.
#[allow(dead_code)]
#[path = "../../../benches/photo.rs"]
mod photo;
use photo::oriented;

fn decoded(jpeg: &[u8]) -> RgbImage {
    image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .expect("decodes")
        .into_rgb8()
}

/// The stored bytes of a turned upload, after checking it took the turning route.
fn turned(jpeg: &[u8]) -> (Vec<u8>, (u32, u32), (u32, u32)) {
    let settings = settings();
    let inspected = pipeline::inspect(jpeg, &settings).expect("inspects");
    let header = super::Header::parse(jpeg);
    assert_eq!(
        inspected.route,
        Route::Turned,
        "{:?}",
        header.map(|h| super::plan(&h, Orientation::Rotate90, 1, 300))
    );
    assert!(inspected.budget < settings.max_decode_bytes);
    let processed = pipeline::process(&Bytes::from(jpeg.to_vec()), &settings).expect("turns");
    let stored = processed.bytes.concat();
    assert!(!stored.windows(4).any(|w| w == b"Exif"), "EXIF survived");
    (
        stored,
        (processed.width, processed.height),
        (processed.thumbnail_width, processed.thumbnail_height),
    )
}

fn orientation(exif: u16) -> Orientation {
    Orientation::from_exif(exif as u8).expect("an orientation")
}

/// Mean difference of two images of one size per channel value, and the largest away from the
/// edges (where a trimmed edge's neighbours no longer take part in upsampling the colours).
fn difference(a: &RgbImage, b: &RgbImage) -> (f64, u8) {
    assert_eq!(a.dimensions(), b.dimensions());
    let (mut sum, mut most) = (0u64, 0u8);
    let (w, h) = a.dimensions();
    for (x, y, pa) in a.enumerate_pixels() {
        let pb = b.get_pixel(x, y);
        for c in 0..3 {
            let d = pa[c].abs_diff(pb[c]);
            sum += u64::from(d);
            if x > 1 && y > 1 && x + 2 < w && y + 2 < h {
                most = most.max(d);
            }
        }
    }
    (sum as f64 / (u64::from(w) * u64::from(h) * 3) as f64, most)
}

#[test]
fn every_orientation_and_sampling_turns_as_the_pixels_would() {
    // 4:2:0 and 4:2:2 with sides that are not whole MCUs (the trim), 4:4:4, grey, and
    // restart markers.
    for (sampling, size, restart) in [
        (Some(SamplingFactor::R_4_2_0), (824, 856), 0),
        (Some(SamplingFactor::R_4_2_2), (848, 808), 7),
        (Some(SamplingFactor::R_4_4_4), (808, 812), 0),
        (None, (820, 404), 5),
        (Some(SamplingFactor::R_4_2_0), (64, 48), 1),
    ] {
        let picture = picture(size.0, size.1);
        let jpeg = encoded(&picture, sampling, restart);
        let stored_pixels = decoded(&jpeg);
        for exif in 2..=8 {
            let (stored, (width, height), thumbnail) = turned(&oriented(&jpeg, exif));
            let turned_pixels = decoded(&stored);
            assert_eq!(turned_pixels.dimensions(), (width, height));
            // The same pixels, trimmed to the kept area and turned in pixels.
            let (kept_w, kept_h) = if matches!(exif, 5..=8) {
                (height, width)
            } else {
                (width, height)
            };
            assert!(
                size.0 - kept_w < 16 && size.1 - kept_h < 16,
                "{exif}: {kept_w}×{kept_h}"
            );
            let mut expected =
                DynamicImage::ImageRgb8(stored_pixels.view(0, 0, kept_w, kept_h).to_image());
            expected.apply_orientation(orientation(exif));
            let (mean, most) = difference(&turned_pixels, &expected.into_rgb8());
            assert!(
                mean < 0.5 && most <= 8,
                "{sampling:?} {size:?} orientation {exif}: mean {mean:.3}, most {most}"
            );
            assert_eq!(
                thumbnail,
                crate::documents::pixels::thumbnail_size(
                    (width, height),
                    settings().thumbnail_side
                )
            );
        }
    }
}

#[test]
fn a_turn_undone_gives_back_the_same_image() {
    let picture = picture(96, 64);
    let jpeg = encoded(&picture, Some(SamplingFactor::R_4_2_0), 0);
    let original = decoded(&jpeg);
    for (there, back) in [(6, 8), (8, 6), (3, 3), (2, 2), (4, 4), (5, 5), (7, 7)] {
        let (once, ..) = turned(&oriented(&jpeg, there));
        let (twice, size, _) = turned(&oriented(&once, back));
        assert_eq!(size, (96, 64));
        assert_eq!(decoded(&twice), original, "{there} then {back}");
    }
}

#[test]
fn the_thumbnail_is_upright() {
    // Left half red, right half blue, stored sideways (orientation 6): upright, red on top.
    let picture = RgbImage::from_fn(3200, 1600, |x, _| {
        if x < 1600 {
            image::Rgb([220, 20, 20])
        } else {
            image::Rgb([20, 20, 220])
        }
    });
    let jpeg = oriented(&encoded(&picture, Some(SamplingFactor::R_4_2_0), 0), 6);
    let processed = pipeline::process(&Bytes::from(jpeg), &settings()).expect("turns");
    assert_eq!((processed.width, processed.height), (1600, 3200));
    let thumbnail = decoded(&processed.thumbnail);
    assert!(thumbnail.height() > thumbnail.width());
    let top = thumbnail.get_pixel(thumbnail.width() / 2, 5);
    let bottom = thumbnail.get_pixel(thumbnail.width() / 2, thumbnail.height() - 5);
    assert!(top[0] > 150 && top[2] < 100, "top {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "bottom {bottom:?}");
}

#[test]
fn small_or_progressive_photos_are_decoded_instead() {
    let settings = settings();
    // 60 × 40 at 4:2:0 turned a quarter would lose 8 of 40 rows: decoded and re-encoded whole.
    let small = oriented(
        &encoded(&picture(60, 40), Some(SamplingFactor::R_4_2_0), 0),
        6,
    );
    assert_eq!(
        pipeline::inspect(&small, &settings)
            .expect("inspects")
            .route,
        Route::Reencoded
    );
    let processed = pipeline::process(&Bytes::from(small), &settings).expect("re-encodes");
    assert_eq!((processed.width, processed.height), (40, 60));
    // Upright photos are kept as they are.
    let upright = encoded(&picture(64, 48), Some(SamplingFactor::R_4_2_0), 0);
    assert_eq!(
        pipeline::inspect(&upright, &settings)
            .expect("inspects")
            .route,
        Route::Kept
    );
    // A progressive one is decoded.
    let mut progressive = Vec::new();
    let mut encoder = Encoder::new(&mut progressive, 90);
    encoder.set_progressive(true);
    encoder
        .encode(picture(64, 48).as_raw(), 64, 48, ColorType::Rgb)
        .expect("encodes");
    let progressive = oriented(&progressive, 6);
    assert_eq!(
        pipeline::inspect(&progressive, &settings)
            .expect("inspects")
            .route,
        Route::Reencoded
    );
}

#[test]
fn a_damaged_scan_is_refused() {
    let jpeg = oriented(
        &encoded(&picture(96, 64), Some(SamplingFactor::R_4_2_0), 0),
        6,
    );
    let settings = settings();
    let scan = jpeg
        .windows(2)
        .rposition(|w| w == [0xFF, 0xDA])
        .expect("a scan");
    // Cut in the middle of the data, the end marker kept.
    let middle = scan + (jpeg.len() - scan) / 2;
    let cut = [&jpeg[..middle], &[0xFF, 0xD9][..]].concat();
    assert!(matches!(
        pipeline::process(&Bytes::from(cut), &settings),
        Err(Refusal::Corrupt(_))
    ));
    // Bytes overwritten with a pattern no Huffman table codes.
    let mut garbled = jpeg.clone();
    for byte in &mut garbled[scan + 20..scan + 60] {
        *byte = 0xFE;
    }
    assert!(matches!(
        pipeline::process(&Bytes::from(garbled), &settings),
        Err(Refusal::Corrupt(_))
    ));
}

#[test]
fn a_comment_before_the_exif_segment_still_turns() {
    let jpeg = oriented(
        &encoded(&picture(1608, 1608), Some(SamplingFactor::R_4_2_0), 0),
        6,
    );
    let commented = [&jpeg[..2], &[0xFF, 0xFE, 0x00, 0x07], b"bench", &jpeg[2..]].concat();
    let (_, size, _) = turned(&commented);
    assert_eq!(size, (1600, 1608));
}

#[test]
fn the_benches_phone_photo_turns() {
    let jpeg = oriented(&photo::photo(1608, 1208, 92, 10, 7), 6);
    let header = super::Header::parse(&jpeg);
    let plan = header
        .as_ref()
        .map(|h| super::plan(h, Orientation::Rotate90, jpeg.len() as u64, 320));
    assert!(matches!(plan, Ok(Ok(_))), "{header:?} {plan:?}");
}
