//! Medical-record photo uploads (issue 6): streamed, sniffed by content, stored without
//! EXIF/GPS and upright (upright JPEG photos as taken, the rest re-encoded), deduplicated, limited, private to the owner and the specialists in
//! scope (each staff read audited), reviewable, and never half-stored.

use std::time::Duration;

use figment::providers::Serialized;
use image::GenericImageView;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::case_support::*;
use crate::doc_support::*;
use crate::helpers::{Backend, TestApp, error_body, spawn_app_with};
use crate::on_both_backends;

const NOW: &str = "2026-11-23T10:00:00+08:00";

/// An app with small limits, so that the limits are reachable in a test.
async fn app(backend: Backend, max_file_bytes: usize, max_documents: i32) -> TestApp {
    spawn_app_with(backend, move |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default("clock.now", NOW))
            .merge(Serialized::default("cases.sweep_interval_secs", 86_400))
            .merge(Serialized::default(
                "uploads.max_file_bytes",
                max_file_bytes,
            ))
            .merge(Serialized::default(
                "uploads.max_documents_per_case",
                max_documents,
            ))
    })
    .await
}

/// A plan-3 insured with an expert-outpatient draft: (token, case id).
async fn draft(app: &TestApp, who: &str, id17: &str) -> (String, String) {
    plan3_draft(app, who, id17).await
}

async fn fetch(app: &TestApp, path: &str, token: &str) -> reqwest::Response {
    get(app, path, Some(token)).await
}

async fn bytes_of(app: &TestApp, path: &str, token: &str) -> (String, Vec<u8>) {
    let response = fetch(app, path, token).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let headers = response.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    // Private either way: never kept (with the header), or for the signed address's life.
    let cache = headers["cache-control"].to_str().expect("text");
    assert!(
        cache == "private, no-store" || cache.starts_with("private, max-age="),
        "{cache}"
    );
    let media = headers["content-type"].to_str().expect("type").to_owned();
    (media, response.bytes().await.expect("bytes").to_vec())
}

async fn documents_and_objects(app: &TestApp) -> (i64, usize) {
    (
        count(app, "SELECT COUNT(*) FROM document").await,
        objects(app).await.len(),
    )
}

async fn photos_are_stored_clean_upright_and_as_what_they_are(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 30).await;
    let (user, case) = draft(&app, "doc-clean", "11010519800101040").await;
    consent(&app, &user).await;

    // A portrait photo stored sideways by the sensor (EXIF orientation 6) with GPS.
    let original = jpeg_with_gps_and_orientation(60, 40);
    assert!(has_gps(&original) && has_exif(&original));
    let doc = uploaded(&app, &user, &case, "outpatient_record", &original).await;
    assert_eq!(doc["media_type"], "image/jpeg");
    assert_eq!(
        (doc["width"].as_i64(), doc["height"].as_i64()),
        (Some(40), Some(60))
    );
    assert_eq!(doc["review_state"], "pending");
    let (media, stored) = bytes_of(&app, doc["url"].as_str().expect("url"), &user).await;
    assert_eq!(media, "image/jpeg");
    assert!(!has_exif(&stored) && !has_gps(&stored), "EXIF/GPS survived");
    let img = image::load_from_memory(&stored).expect("a JPEG");
    assert_eq!(img.dimensions(), (40, 60), "upright: portrait");
    // The red left edge of the sensor image is the top once turned 90° clockwise.
    let top = img.get_pixel(20, 5);
    let bottom = img.get_pixel(20, 55);
    assert!(top[0] > 150 && top[2] < 100, "top is red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 100,
        "bottom is blue: {bottom:?}"
    );
    let (thumb_media, thumb) =
        bytes_of(&app, doc["thumbnail_url"].as_str().expect("thumb"), &user).await;
    assert_eq!(thumb_media, "image/jpeg");
    assert!(image::load_from_memory(&thumb).is_ok());

    // A PNG named .jpg (and sent as image/jpeg) is stored as the PNG it is.
    let response = upload_with(
        &app,
        &user,
        &case,
        "blood_test",
        "scan.jpg",
        &png(30, 20, 2),
        None,
    )
    .await;
    assert_eq!(response.status().as_u16(), 201);
    let doc: Value = response.json().await.expect("JSON");
    assert_eq!(doc["media_type"], "image/png");
    let (media, stored) = bytes_of(&app, doc["url"].as_str().expect("url"), &user).await;
    assert_eq!(media, "image/png");
    assert_eq!(
        image::guess_format(&stored).ok(),
        Some(image::ImageFormat::Png)
    );

    // WebP photos are taken and stored as JPEG.
    let doc = uploaded(&app, &user, &case, "ct", &webp(30, 20, 3)).await;
    assert_eq!(doc["media_type"], "image/jpeg");

    // Polyglots: whatever follows the JPEG's end (an HTML page, a ZIP) is not stored.
    for (seed, tail) in [
        (
            4,
            b"<html><script>alert(document.cookie)</script></html>".to_vec(),
        ),
        (5, b"PK\x03\x04\x14\x00\x00\x00\x08\x00payload.exe".to_vec()),
    ] {
        let mut polyglot = jpeg(30, 20, seed);
        polyglot.extend_from_slice(&tail);
        let doc = uploaded(&app, &user, &case, "other", &polyglot).await;
        let (_, stored) = bytes_of(&app, doc["url"].as_str().expect("url"), &user).await;
        assert!(
            !stored.windows(4).any(|w| w == &tail[..4]),
            "the tail was stored"
        );
        assert!(image::load_from_memory(&stored).is_ok());
    }
    assert_eq!(documents_and_objects(&app).await, (5, 10));
}

/// Where the scan data of a JPEG starts (its first start-of-scan segment).
fn first_scan(jpeg: &[u8]) -> usize {
    jpeg.windows(2)
        .position(|w| w == [0xFF, 0xDA])
        .expect("a scan")
}

fn holds(bytes: &[u8], part: &[u8]) -> bool {
    bytes.windows(part.len()).any(|w| w == part)
}

async fn upright_phone_photos_are_kept_as_taken_without_their_metadata(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 30).await;
    let (user, case) = draft(&app, "doc-kept", "11010519800101058").await;
    consent(&app, &user).await;

    // An upright photo (EXIF orientation 1) with GPS, a comment, an ICC profile and a ZIP
    // after its end; baseline and progressive.
    for (seed, plain) in [
        (21, jpeg(800, 600, 21)),
        (22, progressive_jpeg(800, 600, 22)),
    ] {
        let comment = "拍摄于患者家中".as_bytes();
        let original = [
            &plain[..2],
            &exif_app1(1),
            &segment(0xFE, comment),
            &segment(0xE2, b"ICC_PROFILE\0\x01\x01a colour profile"),
            &plain[2..],
            b"PK\x03\x04\x14\x00payload.exe",
        ]
        .concat();
        assert!(has_gps(&original), "seed {seed}");
        let doc = uploaded(&app, &user, &case, "outpatient_record", &original).await;
        assert_eq!(
            (doc["width"].as_i64(), doc["height"].as_i64()),
            (Some(800), Some(600))
        );
        let (media, stored) = bytes_of(&app, doc["url"].as_str().expect("url"), &user).await;
        assert_eq!(media, "image/jpeg");
        assert!(!has_exif(&stored) && !has_gps(&stored), "EXIF/GPS survived");
        for dropped in [comment, b"ICC_PROFILE", b"PK\x03\x04"] {
            assert!(!holds(&stored, dropped), "{dropped:?} survived");
        }
        // Not a second lossy generation: the compressed image itself, byte for byte.
        assert!(
            stored.ends_with(&plain[first_scan(&plain)..]),
            "seed {seed}"
        );
        assert_eq!(
            image::load_from_memory(&stored).expect("a JPEG").to_rgb8(),
            image::load_from_memory(&plain).expect("a JPEG").to_rgb8(),
        );
        // The thumbnail, from a decode at a quarter of the size: left red, right blue.
        let (_, thumb) = bytes_of(&app, doc["thumbnail_url"].as_str().expect("thumb"), &user).await;
        let thumb = image::load_from_memory(&thumb).expect("a JPEG").to_rgb8();
        assert_eq!(thumb.dimensions(), (320, 240));
        let (left, right) = (thumb.get_pixel(40, 100), thumb.get_pixel(280, 100));
        assert!(left[0] > 180 && left[2] < 80, "left is red: {left:?}");
        assert!(right[2] > 180 && right[0] < 80, "right is blue: {right:?}");
    }

    assert_eq!(documents_and_objects(&app).await, (2, 4));
}

async fn refused_files_leave_nothing_behind(backend: Backend) {
    let app = app(backend, 200_000, 30).await;
    let (user, case) = draft(&app, "doc-refused", "11010519800101041").await;
    consent(&app, &user).await;
    let mut truncated = jpeg(64, 48, 9);
    truncated.truncate(truncated.len() / 2);
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08free".to_vec();
    let big: Vec<u8> = {
        let mut b = jpeg(8, 8, 10);
        b.resize(300_000, 0);
        b
    };
    for (what, file, status, code) in [
        (
            "an HTML page named .jpg",
            b"<!DOCTYPE html><html><body>hi</body></html>".to_vec(),
            415,
            "unsupported_file_type",
        ),
        (
            "an image bomb",
            jpeg_declaring(50_000, 50_000),
            422,
            "image_too_large",
        ),
        ("a truncated JPEG", truncated, 422, "image_damaged"),
        ("a zero-byte file", Vec::new(), 422, "file_empty"),
        ("a HEIC photo", heic, 415, "heic_not_supported"),
        ("a file over the limit", big, 413, "file_too_large"),
    ] {
        let (s, c, details) = error_body(upload(&app, &user, &case, "ct", &file).await).await;
        assert_eq!((s, c.as_str()), (status, code), "{what}: {details}");
        if code == "heic_not_supported" {
            assert!(details["hint"].as_str().expect("a hint").contains("JPEG"));
        }
    }
    // A wrong or missing category, a body that is not multipart, no file part.
    let (s, c, _) = error_body(upload(&app, &user, &case, "selfie", &jpeg(8, 8, 11)).await).await;
    assert_eq!((s, c.as_str()), (422, "category_invalid"));
    let response = app
        .client
        .post(app.url(&format!("/api/v1/cases/{case}/documents")))
        .bearer_auth(&user)
        .header("Content-Type", "image/jpeg")
        .body(jpeg(8, 8, 12))
        .send()
        .await
        .expect("sent");
    let (s, c, _) = error_body(response).await;
    assert_eq!((s, c.as_str()), (415, "multipart_required"));
    let response = app
        .client
        .post(app.url(&format!("/api/v1/cases/{case}/documents")))
        .bearer_auth(&user)
        .header("Content-Type", content_type())
        .body(format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nct\r\n--{BOUNDARY}--\r\n"))
        .send()
        .await
        .expect("sent");
    let (s, c, _) = error_body(response).await;
    assert_eq!((s, c.as_str()), (422, "file_required"));
    assert_eq!(documents_and_objects(&app).await, (0, 0));
    assert_eq!(
        count(
            &app,
            "SELECT COALESCE(SUM(document_count), 0) FROM service_case"
        )
        .await,
        0
    );
}

/// Sends a request by hand, so that the test controls how much of the body ever leaves.
async fn raw(app: &TestApp, head: &str, body: &[u8]) -> tokio::net::TcpStream {
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    // The server may answer and close before taking it all: that is the point.
    let _ = stream.write_all(body).await;
    stream
}

fn head(case: &str, token: &str, length: usize) -> String {
    format!(
        "POST /api/v1/cases/{case}/documents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: {}\r\nContent-Length: {length}\r\n\r\n",
        content_type()
    )
}

async fn cut_off_and_oversized_bodies_leave_nothing(backend: Backend) {
    let app = app(backend, 1024 * 1024, 30).await;
    let (user, case) = draft(&app, "doc-cut", "11010519800101042").await;
    consent(&app, &user).await;

    // The phone loses its network halfway through the photo.
    let body = multipart(&[("category", "ct")], "tmp.jpg", &jpeg(200, 150, 13));
    let stream = raw(
        &app,
        &head(&case, &user, body.len()),
        &body[..body.len() / 2],
    )
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(documents_and_objects(&app).await, (0, 0));

    // 50 MB announced: the 413 comes once the limit is crossed, with most of the body unsent.
    let declared = 50 * 1024 * 1024;
    let mut start = multipart(&[("category", "ct")], "tmp.jpg", &[]);
    start.truncate(start.len() - format!("\r\n--{BOUNDARY}--\r\n").len());
    start.extend_from_slice(&jpeg(8, 8, 14));
    start.resize(1024 * 1024 + 64 * 1024, 0x55);
    let mut stream = raw(&app, &head(&case, &user, declared), &start).await;
    let mut answer = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("an answer before the body is complete")
        .expect("read");
    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("file_too_large"), "{answer}");
    drop(stream);
    assert_eq!(documents_and_objects(&app).await, (0, 0));

    // And the same case still takes a whole photo.
    uploaded(&app, &user, &case, "ct", &jpeg(200, 150, 13)).await;
    assert_eq!(documents_and_objects(&app).await, (1, 2));
}

async fn twenty_concurrent_uploads_to_a_ten_document_case_leave_ten(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 10).await;
    let (user, case) = draft(&app, "doc-race", "11010519800101043").await;
    consent(&app, &user).await;
    let uploads = (0..20u32).map(|seed| {
        let (app, user, case) = (&app, user.clone(), case.clone());
        async move {
            upload(app, &user, &case, "other", &jpeg(64, 48, 100 + seed))
                .await
                .status()
                .as_u16()
        }
    });
    let mut statuses = futures_util::future::join_all(uploads).await;
    statuses.sort_unstable();
    let created = statuses.iter().filter(|s| **s == 201).count();
    let full = statuses.iter().filter(|s| **s == 409).count();
    assert_eq!((created, full), (10, 10), "{statuses:?}");
    assert_eq!(documents_and_objects(&app).await, (10, 20));
    let list: Value = fetch(&app, &format!("/api/v1/cases/{case}/documents"), &user)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["items"].as_array().expect("items").len(), 10);
    assert_eq!(list["limit"], 10);
    let (s, c, details) =
        error_body(upload(&app, &user, &case, "ct", &jpeg(64, 48, 999)).await).await;
    assert_eq!((s, c.as_str()), (409, "too_many_documents"));
    assert_eq!(details["limit"], 10);

    // Deleting one gives its place back.
    let first = list["items"][0]["id"].as_str().expect("id").to_owned();
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{case}/documents/{first}")))
        .bearer_auth(&user)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 204);
    uploaded(&app, &user, &case, "ct", &jpeg(64, 48, 999)).await;
    assert_eq!(documents_and_objects(&app).await, (11, 20));
}

async fn the_same_photo_twice_and_retries_are_one_document(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 30).await;
    let (user, case) = draft(&app, "doc-dedupe", "11010519800101044").await;
    consent(&app, &user).await;
    let photo = jpeg(64, 48, 20);
    let first = uploaded(&app, &user, &case, "ct", &photo).await;
    let again = upload(&app, &user, &case, "ct", &photo).await;
    assert_eq!(again.status().as_u16(), 200);
    let again: Value = again.json().await.expect("JSON");
    assert_eq!(
        (again["id"].clone(), again["duplicate"].clone()),
        (first["id"].clone(), json!(true))
    );

    // A retry with the same Idempotency-Key replays the first answer.
    let other = jpeg(64, 48, 21);
    let key = "upload-0a1b2c3d4e5f";
    let one = upload_with(&app, &user, &case, "mri", "a.jpg", &other, Some(key)).await;
    assert_eq!(one.status().as_u16(), 201);
    let one: Value = one.json().await.expect("JSON");
    let two = upload_with(&app, &user, &case, "mri", "a.jpg", &other, Some(key)).await;
    assert_eq!(two.status().as_u16(), 201);
    assert_eq!(two.headers()["idempotent-replayed"], "true");
    let two: Value = two.json().await.expect("JSON");
    assert_eq!(one["id"], two["id"]);
    // The same key with another photo is refused.
    let (s, c, _) = error_body(
        upload_with(
            &app,
            &user,
            &case,
            "mri",
            "b.jpg",
            &jpeg(64, 48, 22),
            Some(key),
        )
        .await,
    )
    .await;
    assert_eq!((s, c.as_str()), (422, "idempotency_key_reused"));
    assert_eq!(documents_and_objects(&app).await, (2, 4));
}

async fn uploads_need_the_separate_consent(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 30).await;
    let (user, case) = draft(&app, "doc-consent", "11010519800101045").await;
    let (s, c, details) =
        error_body(upload(&app, &user, &case, "ct", &jpeg(16, 16, 30)).await).await;
    assert_eq!((s, c.as_str()), (403, "consent_required"));
    assert_eq!(details["purpose"], "medical_records");
    consent(&app, &user).await;
    uploaded(&app, &user, &case, "ct", &jpeg(16, 16, 30)).await;
    let response = app
        .post_json(
            "/api/v1/me/consents/medical_records/withdraw",
            &json!({}),
            Some(&user),
        )
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let (s, c, _) = error_body(upload(&app, &user, &case, "ct", &jpeg(16, 16, 31)).await).await;
    assert_eq!((s, c.as_str()), (403, "consent_required"));
    assert_eq!(documents_and_objects(&app).await, (1, 2));
}

async fn documents_are_private_and_staff_reads_are_audited(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 30).await;
    let (owner, case) = draft(&app, "doc-owner", "11010519800101046").await;
    let (other, _) = draft(&app, "doc-other", "11010519800101047").await;
    consent(&app, &owner).await;
    let doc = uploaded(&app, &owner, &case, "outpatient_record", &jpeg(64, 48, 40)).await;
    let doc_id = doc["id"].as_str().expect("id").to_owned();
    let specialist = staff(&app, "doc-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let foreign = staff(&app, "doc-foreign", "specialist", Some(PLAN1_INSURER)).await;
    let viewer = staff(&app, "doc-viewer", "insurer_viewer", Some(PLAN3_INSURER)).await;

    for path in [
        format!("/api/v1/documents/{doc_id}"),
        format!("/api/v1/documents/{doc_id}/thumbnail"),
        format!("/api/v1/cases/{case}/documents"),
    ] {
        for (who, token, status) in [
            ("another user", other.as_str(), 404),
            ("another insurer's specialist", foreign.as_str(), 404),
            ("an insurer viewer", viewer.as_str(), 403),
        ] {
            let response = fetch(&app, &path, token).await;
            assert_eq!(response.status().as_u16(), status, "{who}: {path}");
        }
        assert_eq!(
            get(&app, &path, None).await.status().as_u16(),
            401,
            "{path}"
        );
        assert_eq!(
            fetch(&app, &path, &owner).await.status().as_u16(),
            200,
            "{path}"
        );
    }
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{case}/documents/{doc_id}")))
        .bearer_auth(&other)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 404);
    // The owner's reads are not staff reads: nothing audited yet.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log").await, 0);

    let (media, _) = bytes_of(&app, &format!("/api/v1/documents/{doc_id}"), &specialist).await;
    assert_eq!(media, "image/jpeg");
    bytes_of(
        &app,
        &format!("/api/v1/documents/{doc_id}/thumbnail"),
        &specialist,
    )
    .await;
    assert_eq!(
        fetch(
            &app,
            &format!("/api/v1/cases/{case}/documents"),
            &specialist
        )
        .await
        .status()
        .as_u16(),
        200
    );
    let audited: Vec<(String, String)> = {
        use sea_orm::{EntityTrait, QueryOrder};
        entity::audit_log::Entity::find()
            .order_by_asc(entity::audit_log::Column::Id)
            .all(&app.db)
            .await
            .expect("audit")
            .into_iter()
            .map(|a| (a.action, a.subject_kind))
            .collect()
    };
    assert_eq!(
        audited,
        [
            ("document_read", "document"),
            ("thumbnail_read", "document"),
            ("documents_listed", "case"),
        ]
        .map(|(a, k)| (a.to_owned(), k.to_owned()))
    );
}

async fn specialists_review_and_the_user_learns_what_to_retake(backend: Backend) {
    let app = app(backend, 10 * 1024 * 1024, 30).await;
    let (user, case) = draft(&app, "doc-review", "11010519800101048").await;
    consent(&app, &user).await;

    // plan 3, suspected: an outpatient record is required before submitting.
    let (s, c, details) = error_body(
        post(
            &app,
            &format!("/api/v1/cases/{case}/submit"),
            Some(&user),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((s, c.as_str()), (422, "materials_missing"));
    assert_eq!(details["missing"], json!(["outpatient_record"]));
    let record = uploaded(&app, &user, &case, "outpatient_record", &jpeg(64, 48, 50)).await;
    let blurry = uploaded(&app, &user, &case, "blood_test", &jpeg(64, 48, 51)).await;
    let extra = uploaded(&app, &user, &case, "other", &jpeg(64, 48, 52)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{case}/submit"),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(submitted["status"], "submitted");

    let specialist = staff(&app, "doc-reviewer", "specialist", Some(PLAN3_INSURER)).await;
    ok(
        &app,
        &format!("/api/v1/staff/cases/{case}/claim"),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    let review = |doc: &Value, body: Value| {
        let path = format!(
            "/api/v1/staff/documents/{}/review",
            doc["id"].as_str().expect("id")
        );
        let (app, specialist) = (&app, specialist.clone());
        async move { post(app, &path, Some(&specialist), &body).await }
    };
    let (s, c, _) = error_body(review(&blurry, json!({"decision": "reject"})).await).await;
    assert_eq!((s, c.as_str()), (422, "reason_required"));
    let (s, c, _) =
        error_body(review(&blurry, json!({"decision": "reject", "reason": "other"})).await).await;
    assert_eq!((s, c.as_str()), (422, "note_required"));
    let accepted = review(&record, json!({"decision": "accept"})).await;
    assert_eq!(accepted.status().as_u16(), 200);
    let rejected = review(
        &blurry,
        json!({"decision": "reject", "reason": "blurry", "note": "化验单数值看不清"}),
    )
    .await;
    assert_eq!(rejected.status().as_u16(), 200);

    let list: Value = fetch(&app, &format!("/api/v1/cases/{case}/documents"), &user)
        .await
        .json()
        .await
        .expect("JSON");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items[0]["review_state"], "accepted");
    assert_eq!(items[0]["deletable"], false);
    assert_eq!(items[1]["review_state"], "rejected");
    assert_eq!(items[1]["review_reason"], "blurry");
    let message = items[1]["review_message"].as_str().expect("message");
    assert!(
        message.contains("模糊") && message.contains("化验单数值看不清"),
        "{message}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE kind = 'document_rejected'"
        )
        .await,
        1
    );

    // Reviewed documents stay; a pending one may go.
    let delete = |doc: &Value| {
        let path = format!(
            "/api/v1/cases/{case}/documents/{}",
            doc["id"].as_str().expect("id")
        );
        let (app, user) = (&app, user.clone());
        async move {
            app.client
                .delete(app.url(&path))
                .bearer_auth(&user)
                .send()
                .await
                .expect("sent")
        }
    };
    let (s, c, _) = error_body(delete(&record).await).await;
    assert_eq!((s, c.as_str()), (409, "document_reviewed"));
    assert_eq!(delete(&extra).await.status().as_u16(), 204);
    let response = fetch(&app, extra["url"].as_str().expect("url"), &user).await;
    assert_eq!(response.status().as_u16(), 404);
    assert_eq!(documents_and_objects(&app).await, (3, 4));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM document WHERE deleted_at IS NOT NULL"
        )
        .await,
        1
    );
}

on_both_backends!(
    photos_are_stored_clean_upright_and_as_what_they_are,
    upright_phone_photos_are_kept_as_taken_without_their_metadata,
    refused_files_leave_nothing_behind,
    cut_off_and_oversized_bodies_leave_nothing,
    twenty_concurrent_uploads_to_a_ten_document_case_leave_ten,
    the_same_photo_twice_and_retries_are_one_document,
    uploads_need_the_separate_consent,
    documents_are_private_and_staff_reads_are_audited,
    specialists_review_and_the_user_learns_what_to_retake,
);
