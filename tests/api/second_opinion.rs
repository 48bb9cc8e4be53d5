//! Plan 5's international second opinion to the end (issue 31 §2; seed 004 二(二)): the forms
//! the insured must fill are downloaded from the case, come back as their own category and
//! belong to the complete materials; once the opinion (its report) is on the case, its
//! explanation by a health-management expert is arranged at a time, the insured told, then
//! given; the case completes only after it.

use serde_json::json;

use crate::case_support::*;
use crate::doc_support::{consent, jpeg, uploaded};
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;
use crate::registry::PLAN5;
use crate::reports::{PDF, upload_report};

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

/// The filled-in forms, as the insured photographs them.
pub async fn forms_uploaded(app: &TestApp, user: &str, case: &str) {
    consent(app, user).await;
    uploaded(app, user, case, "second_opinion_forms", &jpeg(24, 16, 900)).await;
}

async fn the_forms_the_opinion_and_its_explanation(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let plan = app.state.plans.get(PLAN5).expect("plan 5").clone();
    let insurer = plan.insurer.code.clone();
    let specialist = staff(&app, "so-specialist", "specialist", Some(&insurer)).await;
    let foreign = staff(&app, "so-foreign", "specialist", Some("starr")).await;
    let (user, policy) = insured(&app, "so-a", PLAN5, "2026-01-05", "11010519800101080").await;
    let (stranger, _) = insured(&app, "so-b", PLAN5, "2026-01-05", "11010519800101081").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "second_opinion_overseas",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let titles: Vec<&str> = case["forms"]
        .as_array()
        .expect("forms")
        .iter()
        .filter_map(|f| f["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["重疾国际二次诊疗申请表", "医疗记录提供授权书"],
        "{case}"
    );

    // The insured downloads a form; staff in scope too (audited); nobody else.
    let path = format!("/api/v1/cases/{}/forms/0", id(&case));
    let form = get(&app, &path, Some(&user)).await;
    assert_eq!(form.status().as_u16(), 200);
    assert_eq!(form.headers()["content-type"], "application/pdf");
    let disposition = form.headers()["content-disposition"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(form.bytes().await.expect("bytes").starts_with(b"%PDF-"));
    assert_eq!(
        get(&app, &path, Some(&specialist)).await.status().as_u16(),
        200
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'form_read'"
        )
        .await,
        1
    );
    for (who, path) in [
        (&stranger, path.clone()),
        (&foreign, path.clone()),
        (&user, format!("/api/v1/cases/{}/forms/2", id(&case))),
    ] {
        assert_eq!(
            get(&app, &path, Some(who)).await.status().as_u16(),
            404,
            "{path}"
        );
    }

    // The records alone are not complete: the filled forms belong to them.
    crate::doc_support::complete_materials(&app, &user, &id(&case)).await;
    let submit = format!("/api/v1/cases/{}/submit", id(&case));
    let (status, code, details) =
        error_body(post(&app, &submit, Some(&user), &json!({})).await).await;
    assert_eq!((status, code.as_str()), (422, "materials_missing"));
    assert_eq!(details["missing"], json!(["second_opinion_forms"]));
    forms_uploaded(&app, &user, &id(&case)).await;
    let ready = submitted_and_approved(&app, &user, &specialist, &case).await;

    // The explanation follows the opinion.
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &ready,
            "explanation",
            json!({"at": "2026-12-20T10:00:00+08:00"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "report_required"));
    let started = json_of(act(&app, &specialist, &ready, "start", json!({})).await).await;
    assert_eq!(
        upload_report(&app, &specialist, &id(&case), "意见书.pdf", PDF)
            .await
            .status()
            .as_u16(),
        201
    );
    let started = staff_view(&app, &specialist, &started).await;
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &started,
            "explanation",
            json!({"given": true}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "explanation_not_arranged"));
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &started,
            "explanation",
            json!({"at": "2026-11-20T10:00:00+08:00"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "explanation_in_past"));
    let (status, code, _) =
        error_body(act(&app, &specialist, &started, "explanation", json!({})).await).await;
    assert_eq!((status, code.as_str()), (422, "explanation_field_required"));
    let arranged = json_of(
        act(
            &app,
            &specialist,
            &started,
            "explanation",
            json!({"at": "2026-11-25T15:00:00+08:00"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        arranged["explanation_at"], "2026-11-25T15:00:00+08:00",
        "{arranged}"
    );
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert_eq!(inbox["items"][0]["kind"], "explanation_arranged", "{inbox}");
    let body = inbox["items"][0]["body"].as_str().expect("body");
    assert!(
        body.contains("11月25日 15:00") && body.contains("解读"),
        "{body}"
    );

    // Not complete before the explanation; complete after it.
    let (status, code, _) =
        error_body(act(&app, &specialist, &arranged, "complete", json!({})).await).await;
    assert_eq!((status, code.as_str()), (422, "explanation_not_given"));
    set_clock(&app, "2026-11-25T16:00:00+08:00").await;
    let explained = json_of(
        act(
            &app,
            &specialist,
            &arranged,
            "explanation",
            json!({"given": true}),
        )
        .await,
    )
    .await;
    assert!(explained["explained_at"].is_string(), "{explained}");
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &explained,
            "explanation",
            json!({"given": true}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "already_explained"));
    let done = json_of(act(&app, &specialist, &explained, "complete", json!({})).await).await;
    assert_eq!(done["status"], "completed", "{done}");
}

on_both_backends!(the_forms_the_opinion_and_its_explanation);
