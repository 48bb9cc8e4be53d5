//! Issue 31 §1: medical records that are not photos. A real CT study (seven DICOM files in two
//! series) and a real PDF report go up the same multipart endpoint as photos, are recognised by
//! content, streamed to a temporary file under their own limits, read by their parsers (the
//! facts, never the patient), stored as they came and downloaded byte for byte, each staff read
//! audited; a web page or a script wearing their names is refused and leaves nothing behind.

use figment::providers::Serialized;
use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::*;
use crate::helpers::{Backend, TestApp, error_body, spawn_app_with};
use crate::on_both_backends;

const NOW: &str = "2026-11-23T10:00:00+08:00";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/records");
/// The test patient's name in the study's headers: it must never come back out.
const PATIENT: &str = "Doe^Peter";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{name}")).expect("fixture")
}

/// The study's files: (file name, series number, bytes).
fn study() -> Vec<(String, i64, Vec<u8>)> {
    let mut files: Vec<(String, i64, Vec<u8>)> =
        std::fs::read_dir(format!("{FIXTURES}/study-98892001"))
            .expect("study")
            .map(|e| e.expect("entry").path())
            .map(|p| {
                let name = p.file_name().expect("name").to_string_lossy().into_owned();
                let series = if name.starts_with("CT5N") { 5 } else { 4 };
                (name, series, std::fs::read(&p).expect("read"))
            })
            .collect();
    files.sort();
    files
}

async fn app(backend: Backend, max_pdf_bytes: u64) -> TestApp {
    spawn_app_with(backend, move |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default("clock.now", NOW))
            .merge(Serialized::default("cases.sweep_interval_secs", 86_400))
            .merge(Serialized::default("uploads.max_pdf_bytes", max_pdf_bytes))
            // Smaller than the report: a record file is spooled under its own limit, never
            // read into the photos' memory buffer.
            .merge(Serialized::default("uploads.max_file_bytes", 100_000))
    })
    .await
}

async fn draft(app: &TestApp, who: &str, id17: &str) -> (String, String) {
    let (token, case) = plan3_draft(app, who, id17).await;
    consent(app, &token).await;
    (token, case)
}

async fn sent(
    app: &TestApp,
    token: &str,
    case: &str,
    category: &str,
    name: &str,
    file: &[u8],
) -> (u16, Value) {
    let response = upload_with(app, token, case, category, name, file, None).await;
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

/// The case's documents as `token` lists them.
async fn listed(app: &TestApp, token: &str, case: &str) -> Value {
    get(app, &format!("/api/v1/cases/{case}/documents"), Some(token))
        .await
        .json()
        .await
        .expect("list")
}

/// The bytes and headers of a download.
async fn download(app: &TestApp, path: &str, token: &str) -> (String, String, Vec<u8>) {
    let response = get(app, path, Some(token)).await;
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let headers = response.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let text = |name: &str| headers[name].to_str().expect("text").to_owned();
    (
        text("content-type"),
        text("content-disposition"),
        response.bytes().await.expect("bytes").to_vec(),
    )
}

async fn a_study_and_a_report_are_kept_as_they_came(backend: Backend) {
    let app = app(backend, 50 * 1024 * 1024).await;
    let (owner, case) = draft(&app, "rec-owner", "11010519800101051").await;
    let report = fixture("report.pdf");

    // The report: its pages and first page read, no thumbnail, stored as it came.
    let (status, pdf) = sent(
        &app,
        &owner,
        &case,
        "pathology_report",
        "病理报告.pdf",
        &report,
    )
    .await;
    assert_eq!(status, 201, "{pdf}");
    assert_eq!(pdf["file_kind"], "pdf");
    assert_eq!(pdf["file_kind_label"], "PDF 文件");
    assert_eq!(pdf["media_type"], "application/pdf");
    assert_eq!(pdf["bytes"], report.len());
    assert_eq!(
        pdf["facts"],
        json!({"pages": 2, "page_width_mm": 210, "page_height_mm": 297})
    );
    assert_eq!(
        pdf["facts_lines"],
        json!(["共 2 页", "首页 210×297 毫米（A4）"])
    );
    assert!(
        pdf["thumbnail_url"].is_null() && pdf["width"].is_null(),
        "{pdf}"
    );

    // The study, file by file, as wx.chooseMessageFile picks them.
    let mut dicom_ids = Vec::new();
    for (name, series, bytes) in study() {
        let (status, doc) = sent(&app, &owner, &case, "ct", &name, &bytes).await;
        assert_eq!(status, 201, "{name}: {doc}");
        assert_eq!(doc["file_kind"], "dicom");
        assert_eq!(doc["media_type"], "application/dicom");
        assert_eq!(doc["facts"]["modality"], "CT");
        assert_eq!(doc["facts"]["study_date"], "2001-01-01");
        assert_eq!(doc["facts"]["series_number"], series, "{name}");
        let lines = doc["facts_lines"].as_array().expect("lines");
        assert_eq!(lines[0], "检查类型：CT");
        assert!(lines.contains(&json!("检查日期：2001-01-01")), "{doc}");
        assert!(!doc.to_string().contains("Doe"), "no patient tag: {doc}");
        dicom_ids.push((doc["id"].as_str().expect("id").to_owned(), bytes));
    }
    // The same file again is the same document.
    let (name, _, bytes) = &study()[0];
    let (status, again) = sent(&app, &owner, &case, "ct", name, bytes).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["duplicate"], true);

    // Counted apart from photos; no thumbnail objects.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM document").await, 8);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(MAX(record_file_count) AS BIGINT) FROM service_case"
        )
        .await,
        8
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(MAX(document_count) AS BIGINT) FROM service_case"
        )
        .await,
        0
    );
    assert_eq!(objects(&app).await.len(), 8);

    // The owner's list names them; nothing of the patient.
    let list: Value = listed(&app, &owner, &case).await;
    assert_eq!(list["items"].as_array().expect("items").len(), 8);
    assert!(!list.to_string().contains(PATIENT));

    // Byte for byte, as an attachment named by the case, never an id.
    let pdf_id = pdf["id"].as_str().expect("id");
    let (media, disposition, body) =
        download(&app, &format!("/api/v1/documents/{pdf_id}"), &owner).await;
    assert_eq!(media, "application/pdf");
    assert!(
        disposition.starts_with("attachment; filename=\"GC"),
        "{disposition}"
    );
    assert!(
        disposition.ends_with(".pdf\"") && !disposition.contains(pdf_id),
        "{disposition}"
    );
    assert_eq!(body, report);
    let thumbnail = get(
        &app,
        &format!("/api/v1/documents/{pdf_id}/thumbnail"),
        Some(&owner),
    )
    .await;
    assert_eq!(thumbnail.status().as_u16(), 404);
    // The signed address works as for a photo (wx.downloadFile sends no header).
    let signed = pdf["url"].as_str().expect("url");
    let response = get(&app, signed, None).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.bytes().await.expect("bytes").to_vec(), report);

    // A specialist downloads the study; every read audited, as a file read.
    let specialist = staff(&app, "rec-specialist", "specialist", Some(PLAN3_INSURER)).await;
    for (id, bytes) in &dicom_ids {
        let (media, disposition, body) =
            download(&app, &format!("/api/v1/documents/{id}"), &specialist).await;
        assert_eq!(media, "application/dicom");
        assert!(disposition.ends_with(".dcm\""), "{disposition}");
        assert_eq!(&body, bytes);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'record_file_read' AND subject_kind = 'document'").await,
        dicom_ids.len() as i64
    );
    let staff_list: Value = listed(&app, &specialist, &case).await;
    assert!(!staff_list.to_string().contains(PATIENT));
    // What is kept of the files' headers (the facts) names nobody; nor does any message.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM document WHERE facts IS NOT NULL"
        )
        .await,
        8
    );
    for table in [
        "document WHERE facts",
        "notification WHERE payload",
        "audit_log WHERE subject_id",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table} LIKE '%Doe%'");
        assert_eq!(count(&app, &sql).await, 0, "{table}");
    }

    // The owner deletes a file nobody has reviewed: the object and its place go.
    let (id, _) = &dicom_ids[0];
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{case}/documents/{id}")))
        .bearer_auth(&owner)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(objects(&app).await.len(), 7);
    assert_eq!(
        count(
            &app,
            "SELECT CAST(MAX(record_file_count) AS BIGINT) FROM service_case"
        )
        .await,
        7
    );
}

/// A PDF with an action that runs script when it is opened.
fn pdf_with_script() -> Vec<u8> {
    use lopdf::{Document, Object, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let action = doc.add_object(dictionary! {
        "S" => "JavaScript", "JS" => Object::string_literal("app.alert(1)"),
    });
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages, "OpenAction" => action,
    });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("pdf");
    out
}

async fn disguised_and_damaged_files_are_refused_and_leave_nothing(backend: Backend) {
    let app = app(backend, 8 * 1024).await;
    let (owner, case) = draft(&app, "rec-refused", "11010519800101052").await;
    let (_, _, dicom) = study().remove(0);
    let mut html_preamble = b"<html><body><script>alert(1)</script></body></html>".to_vec();
    html_preamble.resize(128, b' ');
    html_preamble.extend_from_slice(&dicom[128..]);
    let polyglot_pdf = [
        b"%PDF-1.4\n%<html><script>alert(1)</script>\n".as_slice(),
        &fixture("report.pdf")[9..],
    ]
    .concat();
    let small_pdf = {
        let mut doc = lopdf::Document::with_version("1.5");
        let pages = doc.new_object_id();
        let page = doc.add_object(lopdf::dictionary! { "Type" => "Page", "Parent" => pages });
        doc.objects.insert(
            pages,
            lopdf::Object::Dictionary(
                lopdf::dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
            ),
        );
        let catalog = doc.add_object(lopdf::dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("pdf");
        out
    };
    let cases: Vec<(&str, &str, Vec<u8>, u16, &str)> = vec![
        (
            "a web page named .pdf",
            "ct",
            b"<!doctype html><html><script>alert(1)</script></html>".to_vec(),
            415,
            "unsupported_file_type",
        ),
        (
            "a script named .dcm",
            "ct",
            b"#!/bin/sh\nrm -rf /\n".to_vec(),
            415,
            "unsupported_file_type",
        ),
        (
            "a PDF carrying a web page",
            "pathology_report",
            polyglot_pdf,
            413,
            "file_too_large",
        ),
        (
            "a DICOM file whose preamble is a web page",
            "ct",
            html_preamble,
            422,
            "record_file_unsafe",
        ),
        (
            "a PDF that runs script when opened",
            "pathology_report",
            pdf_with_script(),
            422,
            "record_file_unsafe",
        ),
        (
            "a PDF that is only a header",
            "pathology_report",
            b"%PDF-1.7\nnothing else here\n".to_vec(),
            422,
            "record_file_damaged",
        ),
        (
            "a DICOM file cut off in its header",
            "ct",
            dicom[..200].to_vec(),
            422,
            "record_file_damaged",
        ),
        (
            "a DICOM file as an admission slip",
            "admission_slip",
            dicom.clone(),
            422,
            "file_kind_not_accepted",
        ),
        (
            "a PDF over its limit",
            "pathology_report",
            fixture("report.pdf"),
            413,
            "file_too_large",
        ),
    ];
    for (what, category, bytes, status, code) in cases {
        let response = upload_with(&app, &owner, &case, category, "report.pdf", &bytes, None).await;
        // error_body checks the message is in Chinese.
        let (got, got_code, details) = error_body(response).await;
        assert_eq!(
            (got, got_code.as_str()),
            (status, code),
            "{what}: {details}"
        );
    }
    // The polyglot within the limit is found by its markup.
    let app = self::app(backend, 50 * 1024 * 1024).await;
    let (owner, case) = draft(&app, "rec-polyglot", "11010519800101053").await;
    let polyglot_pdf = [
        b"%PDF-1.4\n%<html><script>alert(1)</script>\n".as_slice(),
        &fixture("report.pdf")[9..],
    ]
    .concat();
    let (got, got_code, details) = error_body(
        upload_with(
            &app,
            &owner,
            &case,
            "pathology_report",
            "r.pdf",
            &polyglot_pdf,
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        (got, got_code.as_str()),
        (422, "record_file_unsafe"),
        "{details}"
    );
    let (status, body) = sent(&app, &owner, &case, "pathology_report", "r.pdf", &small_pdf).await;
    assert_eq!(status, 201, "a PDF without a MediaBox: {body}");
    assert_eq!(body["facts"]["pages"], 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM document").await, 1);
    assert_eq!(objects(&app).await.len(), 1);
}

async fn record_files_complete_the_materials(backend: Backend) {
    let app = app(backend, 50 * 1024 * 1024).await;
    let (owner, case) = draft(&app, "rec-materials", "11010519800101054").await;
    let list: Value = listed(&app, &owner, &case).await;
    let missing: Vec<String> = serde_json::from_value(list["missing"].clone()).expect("missing");
    assert!(!missing.is_empty(), "{list}");
    // A PDF in the first missing category takes it off the list, as a photo would.
    let (status, body) = sent(
        &app,
        &owner,
        &case,
        &missing[0],
        "r.pdf",
        &fixture("report.pdf"),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let list: Value = listed(&app, &owner, &case).await;
    assert!(
        !list["missing"]
            .as_array()
            .expect("missing")
            .contains(&json!(missing[0])),
        "{list}"
    );
}

on_both_backends!(
    a_study_and_a_report_are_kept_as_they_came,
    disguised_and_damaged_files_are_refused_and_leave_nothing,
    record_files_complete_the_materials,
);
