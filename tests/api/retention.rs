//! Issue 29 §2, records kept only as long as needed (PIPL Art. 19, 47): a case's medical-record
//! files and reports leave storage `retention.records_days` after it ends (or as soon as it has
//! ended once the owner withdrew the consent or deleted the account), the rows staying as
//! tombstones the case shows; weekly reports after their own period; an account deleted on
//! request; a removal cut short by a stopped process finished by the sweep.

use chrono::{DateTime, TimeDelta, Utc};
use entity::{service_case, weekly_report};
use figment::providers::Serialized;
use green_channel::platform::storage::ahead;
use green_channel::privacy::{retention, store as privacy};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use crate::case_support::{PLAN3, cancel, count, created, get, id, insured, staff};
use crate::console_actions::{console_page, sign_in};
use crate::doc_support::{consent, jpeg, objects, uploaded};
use crate::helpers::{Backend, TestApp, error_body, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    records_leave_storage_when_their_retention_ends,
    a_withdrawn_consent_clears_the_ended_cases,
    an_account_is_deleted_on_request,
    a_removal_cut_short_is_finished_by_the_sweep,
);

/// The app without its in-process worker: the test runs the retention round itself.
async fn app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |f| {
        f.merge(Serialized::default("worker.in_process", false))
    })
    .await
}

async fn case_of(app: &TestApp, token: &str, case: &str) -> Value {
    let response = get(app, &format!("/api/v1/cases/{case}"), Some(token)).await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

/// A new expert-outpatient draft of `policy` with one photo: (case id, the photo as answered).
async fn draft_with_photo(app: &TestApp, token: &str, policy: &str, seed: u32) -> (String, Value) {
    let case = created(
        app,
        token,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let case = id(&case);
    let photo = uploaded(app, token, &case, "outpatient_record", &jpeg(48, 32, seed)).await;
    (case, photo)
}

/// Moves when case `case` ended to `at`.
async fn ended_at(app: &TestApp, case: &str, at: DateTime<Utc>) {
    service_case::Entity::update_many()
        .col_expr(service_case::Column::ClosedAt, Expr::value(at))
        .filter(service_case::Column::PublicId.eq(uuid::Uuid::parse_str(case).expect("uuid")))
        .exec(&app.db)
        .await
        .expect("updated");
}

async fn round(app: &TestApp) -> retention::Removed {
    retention::run_once(&app.state).await.expect("a round")
}

/// The photo's address answers 410 `document_purged`.
async fn gone(app: &TestApp, token: &str, photo: &Value) {
    let url = photo["url"].as_str().expect("url");
    let (status, code, _) = error_body(get(app, url, Some(token)).await).await;
    assert_eq!((status, code.as_str()), (410, "document_purged"), "{url}");
}

async fn records_leave_storage_when_their_retention_ends(backend: Backend) {
    let app = app(backend).await;
    let (token, policy) = insured(&app, "keep", PLAN3, "2026-01-05", "11010519800101011").await;
    consent(&app, &token).await;
    let (case, photo) = draft_with_photo(&app, &token, &policy, 3).await;
    cancel(&app, &token, &case).await;
    assert_eq!(objects(&app).await.len(), 2);
    let now = app.state.clocks.business.now();
    let days = i64::from(app.state.settings.retention.records_days);
    assert_eq!(days, 180, "the default period");

    // Within the period nothing goes.
    assert_eq!(round(&app).await, retention::Removed::default());
    ended_at(
        &app,
        &case,
        now - TimeDelta::days(days) + TimeDelta::hours(1),
    )
    .await;
    assert_eq!(round(&app).await.cases, 0);
    assert_eq!(objects(&app).await.len(), 2);
    let read = get(&app, photo["url"].as_str().expect("url"), Some(&token)).await;
    assert_eq!(read.status().as_u16(), 200);

    // Past it the files go; the rows stay as tombstones the case shows.
    ended_at(
        &app,
        &case,
        now - TimeDelta::days(days) - TimeDelta::hours(1),
    )
    .await;
    assert_eq!(round(&app).await.cases, 1);
    assert!(objects(&app).await.is_empty(), "{:?}", objects(&app).await);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM object_intent").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM document WHERE purged_at IS NOT NULL"
        )
        .await,
        1
    );
    gone(&app, &token, &photo).await;
    let view = case_of(&app, &token, &case).await;
    assert!(view["records_purged_at"].is_string(), "{view}");
    let step = view["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|e| e["action"] == "records_purged")
        .expect("the removal is on the timeline")
        .clone();
    assert_eq!(step["note"], "已按保存期限删除");
    let listed = get(
        &app,
        &format!("/api/v1/cases/{case}/documents"),
        Some(&token),
    )
    .await;
    let listed: Value = listed.json().await.expect("JSON");
    assert_eq!(listed["items"], json!([]), "{listed}");

    // The specialist's case page says so, in words.
    staff(&app, "keep-lead", "supervisor", None).await;
    let cookie = sign_in(&app, "keep-lead").await;
    let page = console_page(&app, &cookie, &format!("/console/cases/{case}")).await;
    assert!(page.contains("已按保存期限删除"), "{page}");
    assert!(page.contains("删除医疗资料"), "the timeline names the step");

    // Done once.
    assert_eq!(round(&app).await, retention::Removed::default());

    // A weekly report goes after its own, longer period; a newer one stays.
    let kept_days = i64::from(app.state.settings.retention.weekly_reports_days);
    for (week, made) in [
        (
            "2023-W48",
            now - TimeDelta::days(kept_days) - TimeDelta::days(1),
        ),
        ("2026-W48", now - TimeDelta::days(5)),
    ] {
        let key = format!("reports/weekly/{week}.csv");
        app.state
            .storage
            .put(&key, bytes::Bytes::from_static(b"week"), "text/csv")
            .await
            .expect("written");
        weekly_report::Entity::insert(weekly_report::ActiveModel {
            public_id: Set(uuid::Uuid::new_v4()),
            insurer_id: Set(1),
            week: Set(week.to_owned()),
            format: Set("csv".to_owned()),
            storage_key: Set(key),
            size_bytes: Set(4),
            case_count: Set(0),
            generated_at: Set(made),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .expect("inserted");
    }
    assert_eq!(round(&app).await.weekly_reports, 1);
    let left = app.state.storage.list("reports/").await.expect("listed");
    assert_eq!(left, vec!["reports/weekly/2026-W48.csv".to_owned()]);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM weekly_report WHERE purged_at IS NOT NULL"
        )
        .await,
        1
    );
}

async fn a_withdrawn_consent_clears_the_ended_cases(backend: Backend) {
    let app = app(backend).await;
    let (token, policy) = insured(&app, "withdraw", PLAN3, "2026-01-05", "11010519800101012").await;
    consent(&app, &token).await;
    let (ended, ended_photo) = draft_with_photo(&app, &token, &policy, 4).await;
    cancel(&app, &token, &ended).await;
    let (open, open_photo) = draft_with_photo(&app, &token, &policy, 5).await;
    assert_eq!(objects(&app).await.len(), 4);

    // The consent states the period.
    let consents = get(&app, "/api/v1/me/consents", Some(&token)).await;
    let consents: Value = consents.json().await.expect("JSON");
    let text = consents[0]["text"].as_str().expect("text");
    assert!(text.contains("保存 180 天"), "{text}");

    let withdrawn = app
        .post_json(
            "/api/v1/me/consents/medical_records/withdraw",
            &json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(withdrawn.status().as_u16(), 200);
    // The ended case's records go now; the open case keeps what it needs.
    assert_eq!(round(&app).await.cases, 1);
    assert_eq!(objects(&app).await.len(), 2);
    gone(&app, &token, &ended_photo).await;
    let view = case_of(&app, &token, &ended).await;
    let note = view["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .find(|e| e["action"] == "records_purged")
        .expect("on the timeline")["note"]
        .clone();
    assert!(note.as_str().expect("note").contains("撤回"), "{note}");
    let read = get(&app, open_photo["url"].as_str().expect("url"), Some(&token)).await;
    assert_eq!(read.status().as_u16(), 200);
    // No new upload without the consent.
    let refused =
        crate::doc_support::upload(&app, &token, &open, "outpatient_record", &jpeg(40, 30, 6))
            .await;
    let (status, code, _) = error_body(refused).await;
    assert_eq!((status, code.as_str()), (403, "consent_required"));

    // Once the open case ends, its records go too.
    cancel(&app, &token, &open).await;
    assert_eq!(round(&app).await.cases, 1);
    assert!(objects(&app).await.is_empty());
}

async fn an_account_is_deleted_on_request(backend: Backend) {
    let app = app(backend).await;
    let (token, policy) = insured(&app, "leaving", PLAN3, "2026-01-05", "11010519800101013").await;
    let refresh_token = {
        let again = app.login_ok("dev:leaving").await;
        again["refresh_token"].as_str().expect("refresh").to_owned()
    };
    let phone = app.bind_phone(&token, "dev:13800138000").await;
    assert_eq!(phone.status().as_u16(), 200);
    consent(&app, &token).await;
    let (ended, _) = draft_with_photo(&app, &token, &policy, 7).await;
    cancel(&app, &token, &ended).await;
    let (open, _) = draft_with_photo(&app, &token, &policy, 8).await;

    let delete = |token: String| {
        let app = &app;
        async move {
            app.client
                .delete(app.url("/api/v1/me"))
                .bearer_auth(token)
                .send()
                .await
                .expect("sent")
        }
    };
    // Refused while a case (a draft too) is open; nothing changes.
    let (status, code, details) = error_body(delete(token.clone()).await).await;
    assert_eq!((status, code.as_str()), (409, "open_cases"));
    assert_eq!(
        details["cases"].as_array().map(Vec::len),
        Some(1),
        "{details}"
    );
    assert_eq!(app.me(&token).await.status().as_u16(), 200);

    cancel(&app, &token, &open).await;
    let deleted = delete(token.clone()).await;
    assert_eq!(deleted.status().as_u16(), 200);
    let deleted: Value = deleted.json().await.expect("JSON");
    assert_eq!(deleted["cases_cleared"], 2, "{deleted}");
    assert!(objects(&app).await.is_empty());

    // Every session has ended: the access token and the refresh token of another device.
    let (status, code, _) = error_body(app.me(&token).await).await;
    assert_eq!((status, code.as_str()), (401, "session_revoked"));
    assert_eq!(app.refresh(&refresh_token).await.status().as_u16(), 401);

    // The account is emptied; the cases keep what the insurer's reports need.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM app_user WHERE deleted_at IS NOT NULL AND phone_hash IS NULL AND phone_enc IS NULL AND openid LIKE 'deleted:%'").await,
        1
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM policy_binding").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notification").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM user_consent WHERE withdrawn_at IS NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM service_case WHERE contact_phone_enc IS NULL AND records_purged_at IS NOT NULL").await,
        2
    );

    // The same WeChat account signs in to a new, empty account.
    let fresh = app.login_ok("dev:leaving").await;
    let fresh_token = fresh["access_token"].as_str().expect("token");
    let me: Value = app.me(fresh_token).await.json().await.expect("JSON");
    assert_eq!(me["policies"], json!([]), "{me}");
    assert_eq!(app.user_count().await, 2);
}

async fn a_removal_cut_short_is_finished_by_the_sweep(backend: Backend) {
    let app = app(backend).await;
    let (token, policy) = insured(&app, "cut", PLAN3, "2026-01-05", "11010519800101014").await;
    consent(&app, &token).await;
    let (case, photo) = draft_with_photo(&app, &token, &policy, 9).await;
    cancel(&app, &token, &case).await;
    let now = app.state.clocks.business.now();
    ended_at(&app, &case, now - TimeDelta::days(400)).await;

    // The process stops right after the marking transaction commits.
    let due = privacy::records_due(&app.db, now - TimeDelta::days(180), 10)
        .await
        .expect("due");
    assert_eq!(due.len(), 1);
    let keys = retention::mark(&app.state, &due[0])
        .await
        .expect("marked")
        .expect("first");
    assert_eq!(keys.len(), 2);
    assert_eq!(objects(&app).await.len(), 2, "the objects are still there");
    gone(&app, &token, &photo).await;
    // A later round (after a restart) does not mark it twice …
    assert_eq!(round(&app).await.cases, 0);
    // … and the sweep removes what the stopped removal announced.
    let grace = TimeDelta::seconds(
        i64::try_from(app.state.settings.storage.orphan_grace_secs).expect("small"),
    );
    let swept = ahead::sweep(
        &app.db,
        &app.state.storage,
        now + grace + TimeDelta::minutes(1),
    )
    .await
    .expect("swept");
    assert_eq!(swept, 2);
    assert!(objects(&app).await.is_empty());
}
