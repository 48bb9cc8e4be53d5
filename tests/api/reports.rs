//! Issue 15, a case's written report: uploaded by the specialist as a PDF (sniffed, size-limited),
//! required to complete the case, read by the insured and — where the plan sends it to the
//! insurer — by that insurer's viewers, every staff read audited.

use figment::providers::Serialized;
use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::{content_type, jpeg, multipart};
use crate::helpers::{Backend, TestApp, error_body, spawn_app_with};
use crate::on_both_backends;
use crate::registry::PLAN5;

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

/// Posts `file` as a case's report; the answer.
pub async fn upload_report(
    app: &TestApp,
    token: &str,
    case: &str,
    name: &str,
    file: &[u8],
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/staff/cases/{case}/reports")))
        .bearer_auth(token)
        .header("Content-Type", content_type())
        .body(multipart(&[], name, file))
        .send()
        .await
        .expect("sent")
}

async fn reports_of(app: &TestApp, token: &str, case: &str) -> reqwest::Response {
    get(app, &format!("/api/v1/cases/{case}/reports"), Some(token)).await
}

async fn second_opinion_reports_reach_the_insured_and_the_insurer(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default(
                "clock.now",
                "2026-11-23T10:00:00+08:00",
            ))
            .merge(Serialized::default("uploads.max_report_bytes", 4096))
    })
    .await;
    let specialist = staff(&app, "rp-specialist", "specialist", Some("starr")).await;
    let colleague = staff(&app, "rp-colleague", "specialist", Some("starr")).await;
    let viewer = staff(&app, "rp-viewer", "insurer_viewer", Some("starr")).await;
    let other_viewer = staff(&app, "rp-other", "insurer_viewer", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "rp", PLAN2, "2026-01-05", "11010519800101061").await;
    let (stranger, _) = insured(&app, "rp-x", PLAN2, "2026-01-05", "11010519800101062").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "second_opinion_domestic", "city": "310100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let ready = approved(&app, &user, &specialist, &case).await;
    let case_id = id(&case);
    let started = ok(
        &app,
        &format!("/api/v1/staff/cases/{case_id}/start"),
        &specialist,
        &json!({"version": version(&ready)}),
    )
    .await;

    // Completing without the report is refused and changes nothing.
    let complete_path = format!("/api/v1/staff/cases/{case_id}/complete");
    let at_start = json!({"version": version(&started)});
    let refused = post(&app, &complete_path, Some(&specialist), &at_start).await;
    let (status, code, _) = error_body(refused).await;
    assert_eq!((status, code.as_str()), (422, "report_required"));

    // Not a PDF, too large, or from someone who may not: refused, nothing stored.
    let photo = jpeg(24, 16, 3);
    let (status, code, _) =
        error_body(upload_report(&app, &specialist, &case_id, "x.pdf", &photo).await).await;
    assert_eq!((status, code.as_str()), (415, "report_not_pdf"));
    let mut big = PDF.to_vec();
    big.splice(9..9, std::iter::repeat_n(b' ', 5000));
    let (status, code, _) =
        error_body(upload_report(&app, &specialist, &case_id, "x.pdf", &big).await).await;
    assert_eq!((status, code.as_str()), (413, "report_too_large"));
    let (status, code, _) =
        error_body(upload_report(&app, &colleague, &case_id, "x.pdf", PDF).await).await;
    assert_eq!((status, code.as_str()), (403, "not_assignee"));
    let (status, code, _) =
        error_body(upload_report(&app, &viewer, &case_id, "x.pdf", PDF).await).await;
    assert_eq!((status, code.as_str()), (403, "forbidden_role"));
    let (status, code, _) =
        error_body(upload_report(&app, &other_viewer, &case_id, "x.pdf", PDF).await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM case_report").await, 0);

    // The report: stored, the insured told, on the timeline; then the case completes.
    let response = upload_report(&app, &specialist, &case_id, "second-opinion.pdf", PDF).await;
    assert_eq!(response.status().as_u16(), 201);
    let report: Value = response.json().await.expect("JSON");
    assert_eq!(report["file_name"], "second-opinion.pdf");
    assert_eq!(report["size_bytes"], PDF.len());
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE kind = 'report_ready'"
        )
        .await,
        1
    );
    let current: Value = get(
        &app,
        &format!("/api/v1/staff/cases/{case_id}"),
        Some(&specialist),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert!(
        current["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .any(|e| e["action"] == "report_uploaded")
    );
    let done = ok(
        &app,
        &format!("/api/v1/staff/cases/{case_id}/complete"),
        &specialist,
        &json!({"version": version(&current)}),
    )
    .await;
    assert_eq!(done["status"], "completed");

    // The insured lists and downloads it, with the photos' headers.
    let list: Value = reports_of(&app, &user, &case_id)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["items"][0]["id"], report["id"]);
    let report_id = report["id"].as_str().expect("id");
    let file = get(&app, &format!("/api/v1/reports/{report_id}"), Some(&user)).await;
    assert_eq!(file.status().as_u16(), 200);
    let headers = file.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "private, no-store");
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("text")
            .starts_with("attachment")
    );
    assert_eq!(file.bytes().await.expect("bytes").as_ref(), PDF);
    // Nobody else's.
    for token in [&stranger, &other_viewer] {
        assert_eq!(
            reports_of(&app, token, &case_id).await.status().as_u16(),
            404
        );
        let response = get(&app, &format!("/api/v1/reports/{report_id}"), Some(token)).await;
        assert_eq!(response.status().as_u16(), 404);
    }
    // seed 001 服务报告发送史带: the insurer's viewer reads it; every staff read is audited.
    assert_eq!(
        reports_of(&app, &viewer, &case_id).await.status().as_u16(),
        200
    );
    let read = get(&app, &format!("/api/v1/reports/{report_id}"), Some(&viewer)).await;
    assert_eq!(read.status().as_u16(), 200);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('report_read', 'reports_listed')"
        )
        .await,
        2
    );

    // A service without a report takes none.
    let escort = approved(
        &app,
        &user,
        &specialist,
        &created(
            &app,
            &user,
            &json!({"policy_id": policy, "service": "escort", "city": "110100",
                    "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
        )
        .await,
    )
    .await;
    let (status, code, _) =
        error_body(upload_report(&app, &specialist, &id(&escort), "x.pdf", PDF).await).await;
    assert_eq!((status, code.as_str()), (422, "report_not_expected"));
}

/// Plan 5's overseas second opinion ends with a report for the insured, not sent to the
/// insurer: the insurer's viewers may not read it.
async fn a_report_not_sent_to_the_insurer_stays_with_the_insured(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let plan = app.state.plans.get(PLAN5).expect("plan 5").clone();
    let insurer = plan.insurer.code.clone();
    let specialist = staff(&app, "p5-specialist", "specialist", Some(&insurer)).await;
    let viewer = staff(&app, "p5-viewer", "insurer_viewer", Some(&insurer)).await;
    let (user, policy) = insured(&app, "p5r", PLAN5, "2026-01-05", "11010519800101063").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "second_opinion_overseas",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    crate::second_opinion::forms_uploaded(&app, &user, &id(&case)).await;
    let ready = approved(&app, &user, &specialist, &case).await;
    ok(
        &app,
        &format!("/api/v1/staff/cases/{}/start", id(&case)),
        &specialist,
        &json!({"version": version(&ready)}),
    )
    .await;
    let response = upload_report(&app, &specialist, &id(&case), "opinion.pdf", PDF).await;
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        reports_of(&app, &user, &id(&case)).await.status().as_u16(),
        200
    );
    let (status, code, _) = error_body(reports_of(&app, &viewer, &id(&case)).await).await;
    assert_eq!((status, code.as_str()), (403, "forbidden_role"));
}

on_both_backends!(
    second_opinion_reports_reach_the_insured_and_the_insurer,
    a_report_not_sent_to_the_insurer_stays_with_the_insured,
);
