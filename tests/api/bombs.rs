//! Decompression bombs (PNG at every colour type and bit depth, baseline and progressive JPEG,
//! lossless WebP; each declaring 7000 × 7000 pixels, under the pixel limit) are refused from
//! their headers, before a pixel is decoded: 422 `image_too_large`. A 12-megapixel photo still
//! passes. The memory side (8 clients at once, peak RSS) is `scripts/bench-bombs`.

use green_channel::documents::image::{Kind, Refusal};
use green_channel::documents::pipeline;
use green_channel::platform::config::{Profile, Settings, UploadSettings};

use crate::bomb_corpus::{self, SIDE};
use crate::case_support::*;
use crate::doc_support::{consent, upload};
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;

#[path = "../../benches/photo.rs"]
mod photo;

/// The dimensions a file declares, as the image crate reads them.
fn declared(bytes: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

fn settings() -> UploadSettings {
    Settings::figment(Profile::Local)
        .extract_inner::<UploadSettings>("uploads")
        .expect("upload settings")
}

#[test]
fn every_bomb_is_refused_from_its_header() {
    let settings = settings();
    let corpus = bomb_corpus::all();
    assert_eq!(corpus.len(), 18);
    for (name, bytes) in &corpus {
        assert_eq!(
            declared(bytes),
            Some((SIDE, SIDE)),
            "{name} declares its size"
        );
        assert!(
            bytes.len() < 4096,
            "{name} is small ({} bytes)",
            bytes.len()
        );
        assert_eq!(
            pipeline::inspect(bytes, &settings),
            Err(Refusal::TooManyPixels {
                width: SIDE,
                height: SIDE
            }),
            "{name}"
        );
    }
}

#[test]
fn the_budget_counts_every_phase_and_lets_ordinary_photos_through() {
    use image::ColorType;
    let settings = settings();
    let jpeg = Kind::Jpeg;
    // A 12-megapixel phone photo: 36 MB decoded, nothing to downscale.
    let phone = pipeline::budget(jpeg, false, 4000, 3000, ColorType::Rgb8, false, &settings);
    assert!(phone < 100 << 20, "{phone}");
    // The same, progressive: every coefficient is held until the last scan.
    let progressive = pipeline::budget(jpeg, true, 4000, 3000, ColorType::Rgb8, false, &settings);
    assert!(progressive > phone);
    // A 48-megapixel photo fits the per-image budget (it is downscaled to 4096 px).
    let big = pipeline::budget(jpeg, false, 8000, 6000, ColorType::Rgb8, true, &settings);
    assert!(big <= settings.max_decode_bytes, "{big}");
    // 7000² RGBA at 16 bits is 392 MB decoded: over.
    let png = Kind::Png;
    let rgba16 = pipeline::budget(png, false, 7000, 7000, ColorType::Rgba16, false, &settings);
    assert!(rgba16 > settings.max_decode_bytes, "{rgba16}");
}

async fn bombs_are_refused_and_a_twelve_megapixel_photo_passes(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let (user, policy) = insured(&app, "bombs", PLAN3, "2026-01-05", "11010519800101008").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    consent(&app, &user).await;
    for (name, bytes) in bomb_corpus::all() {
        let (status, code, _) =
            error_body(upload(&app, &user, &id(&case), "outpatient_record", &bytes).await).await;
        assert_eq!((status, code.as_str()), (422, "image_too_large"), "{name}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM document").await,
        0,
        "nothing stored"
    );
    let photo = photo::photo(4000, 3000, 92, 10, 7);
    // Upright, it is kept as taken: its file, a few rows of coefficients and small pixels,
    // a fraction of what a full decode and re-encode holds.
    let settings = settings();
    let inspected = pipeline::inspect(&photo, &settings).expect("a photo");
    assert_eq!(inspected.route, pipeline::Route::Kept);
    let reencoded = pipeline::budget(
        Kind::Jpeg,
        false,
        4000,
        3000,
        image::ColorType::Rgb8,
        false,
        &settings,
    );
    assert!(inspected.budget < reencoded / 2, "{inspected:?}");
    // Stored sideways (EXIF orientation 6), it is turned upright block by block: its
    // coefficients and the turned file, less than a full decode holds. The stand-in is 4:4:4
    // (8-px MCUs, as `image`'s encoder writes it): 3000 is whole MCUs, nothing is trimmed.
    let sideways = photo::oriented(&photo, 6);
    let inspected = pipeline::inspect(&sideways, &settings).expect("a photo");
    assert_eq!(inspected.route, pipeline::Route::Turned);
    assert!(inspected.budget < reencoded, "{inspected:?}");
    for (bytes, size) in [(photo, (4000, 3000)), (sideways, (3000, 4000))] {
        let response = upload(&app, &user, &id(&case), "outpatient_record", &bytes).await;
        assert_eq!(response.status().as_u16(), 201);
        let body: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(
            (body["width"].as_u64(), body["height"].as_u64()),
            (Some(size.0), Some(size.1))
        );
        // Neither was requantised: the stored quantisation tables are the camera's (turned
        // with the blocks, the same values in another order), not the re-encoder's.
        let stored = get(&app, body["url"].as_str().expect("url"), Some(&user)).await;
        let stored = stored.bytes().await.expect("the stored photo");
        assert_eq!(quantisation(&stored), quantisation(&bytes));
    }
}

/// The values of a JPEG's quantisation tables (the DQT segments before its scan), sorted.
fn quantisation(jpeg: &[u8]) -> Vec<u8> {
    let mut values = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && jpeg[at + 1] != 0xDA {
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        if jpeg[at + 1] == 0xDB {
            for table in jpeg[at + 4..at + 2 + length].chunks(65) {
                values.extend_from_slice(&table[1..]);
            }
        }
        at += 2 + length;
    }
    values.sort_unstable();
    assert!(!values.is_empty(), "no quantisation table");
    values
}

on_both_backends!(bombs_are_refused_and_a_twelve_megapixel_photo_passes);
