//! Photos as phones make them, and uploads exactly as `wx.uploadFile` sends them.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A `w`×`h` photo: the left half red, the right half blue, with `seed` written in black and
/// white blocks along the bottom edge so that photos of different seeds have different bytes.
pub fn picture(w: u32, h: u32, seed: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if y + 4 >= h && x < 64 {
            let bit = (seed >> (x / 4)) & 1;
            return if bit == 1 {
                Rgb([255, 255, 255])
            } else {
                Rgb([0, 0, 0])
            };
        }
        if x < w / 2 {
            Rgb([220, 30, 30])
        } else {
            Rgb([30, 30, 220])
        }
    })
}

pub fn jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(picture(w, h, seed))
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .expect("encode JPEG");
    out
}

pub fn png(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(picture(w, h, seed))
        .write_with_encoder(PngEncoder::new(&mut out))
        .expect("encode PNG");
    out
}

pub fn webp(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(picture(w, h, seed))
        .write_to(&mut out, image::ImageFormat::WebP)
        .expect("encode WebP");
    out.into_inner()
}

/// The same picture as a progressive JPEG (what some phones and most web tools write).
pub fn progressive_jpeg(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 90);
    encoder.set_progressive(true);
    encoder
        .encode(
            picture(w, h, seed).as_raw(),
            u16::try_from(w).expect("small"),
            u16::try_from(h).expect("small"),
            jpeg_encoder::ColorType::Rgb,
        )
        .expect("encode progressive JPEG");
    out
}

/// A JPEG marker segment: `marker`, its length, `payload`.
pub fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).expect("short");
    [&[0xFF, marker][..], &length.to_be_bytes(), payload].concat()
}

/// An EXIF APP1 segment as a phone camera writes it: `orientation` (6: the sensor's image must
/// be turned 90° clockwise to be upright; 1: it is upright) and a GPS IFD with where the photo
/// was taken.
pub fn exif_app1(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes()); // IFD0 at 8
    // IFD0: 2 entries.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    // Orientation, SHORT, 1, the value.
    tiff.extend_from_slice(&0x0112u16.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&0u16.to_le_bytes());
    // GPS IFD pointer, LONG, 1, offset 38 (8 + 2 + 2×12 + 4).
    tiff.extend_from_slice(&0x8825u16.to_le_bytes());
    tiff.extend_from_slice(&4u16.to_le_bytes());
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no IFD1
    assert_eq!(tiff.len(), 38);
    // GPS IFD: GPSLatitudeRef "N", GPSLongitudeRef "E".
    tiff.extend_from_slice(&2u16.to_le_bytes());
    for (tag, value) in [(0x0001u16, b'N'), (0x0003u16, b'E')] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&2u16.to_le_bytes()); // ASCII
        tiff.extend_from_slice(&2u32.to_le_bytes());
        tiff.extend_from_slice(&[value, 0, 0, 0]);
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    segment(0xE1, &payload)
}

/// A landscape-stored portrait photo with GPS: the phone held upright, the sensor sideways.
pub fn jpeg_with_gps_and_orientation(w: u32, h: u32) -> Vec<u8> {
    let plain = jpeg(w, h, 1);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&exif_app1(6));
    out.extend_from_slice(&plain[2..]);
    out
}

/// Whether the bytes carry any EXIF at all.
pub fn has_exif(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .is_ok()
}

/// Whether the bytes carry EXIF with a GPS IFD.
pub fn has_gps(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .map(|e| {
            e.fields()
                .any(|f| f.ifd_num == exif::In::PRIMARY && f.tag.context() == exif::Context::Gps)
        })
        .unwrap_or(false)
}

/// A small JPEG whose header claims `w`×`h` pixels (an image bomb).
pub fn jpeg_declaring(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = jpeg(16, 16, 3);
    let sof = bytes
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("a baseline SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

pub const BOUNDARY: &str = "----WeChatUploadBoundaryq1w2e3r4";

/// A multipart body as `wx.uploadFile` builds it: the form fields, then the file part `file`
/// with a temporary file name and the type the client guessed from it.
pub fn multipart(fields: &[(&str, &str)], file_name: &str, file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    let guessed = if file_name.ends_with(".png") {
        "image/png"
    } else {
        "image/jpeg"
    };
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {guessed}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Uploads `file` as `category` to `case` (an id), with an optional Idempotency-Key.
pub async fn upload_with(
    app: &TestApp,
    token: &str,
    case: &str,
    category: &str,
    file_name: &str,
    file: &[u8],
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/v1/cases/{case}/documents")))
        .bearer_auth(token)
        .header("Content-Type", content_type())
        .body(multipart(&[("category", category)], file_name, file));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("sent")
}

pub async fn upload(
    app: &TestApp,
    token: &str,
    case: &str,
    category: &str,
    file: &[u8],
) -> reqwest::Response {
    upload_with(app, token, case, category, "tmp_photo.jpg", file, None).await
}

/// Uploads and expects 201: the document.
pub async fn uploaded(
    app: &TestApp,
    token: &str,
    case: &str,
    category: &str,
    file: &[u8],
) -> Value {
    let response = upload(app, token, case, category, file).await;
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 201, "{body}");
    body
}

/// The user accepts the current consent to process medical records.
pub async fn consent(app: &TestApp, token: &str) {
    let response = app
        .post_json(
            "/api/v1/me/consents",
            &json!({
                "purpose": "medical_records",
                "version": green_channel::consents::medical_records(&app.state.settings.retention).version,
            }),
            Some(token),
        )
        .await;
    assert!(
        [200, 201].contains(&response.status().as_u16()),
        "consent: {}",
        response.status()
    );
}

/// Consent, and one photo of every category any plan requires: the case's materials are
/// complete whatever its plan and diagnosis state.
pub async fn complete_materials(app: &TestApp, token: &str, case: &str) {
    consent(app, token).await;
    for (seed, category) in ["outpatient_record", "pathology_report", "admission_slip"]
        .into_iter()
        .enumerate()
    {
        let response = upload(
            app,
            token,
            case,
            category,
            &jpeg(24, 16, 1000 + seed as u32),
        )
        .await;
        assert!(
            [200, 201].contains(&response.status().as_u16()),
            "upload {category}: {}",
            response.status()
        );
    }
}

/// Every object key the app's store holds under `cases/`.
pub async fn objects(app: &TestApp) -> Vec<String> {
    app.state
        .storage
        .list("cases/")
        .await
        .expect("list objects")
}

/// A plan-3 insured with an expert-outpatient draft: (token, case id).
pub async fn plan3_draft(app: &TestApp, who: &str, id17: &str) -> (String, String) {
    use crate::case_support::{PLAN3, created, id, insured};
    let (token, policy) = insured(app, who, PLAN3, "2026-01-05", id17).await;
    let case = created(
        app,
        &token,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    (token, id(&case))
}
