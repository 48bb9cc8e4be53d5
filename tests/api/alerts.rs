//! The specialists' alerts: promises about to fall due or past, in the account's scope, the most
//! urgent first; a first contact made is no longer an alert.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;

async fn alerts(app: &TestApp, token: &str, query: &str) -> Value {
    let response = get(app, &format!("/api/v1/staff/alerts{query}"), Some(token)).await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

async fn first_contacts_due_soon_and_overdue_are_listed_in_scope(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let specialist = staff(&app, "alert-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let stranger = staff(
        &app,
        "alert-stranger",
        "insurer_viewer",
        Some(PLAN1_INSURER),
    )
    .await;
    let (user, policy) = insured(&app, "alerted", PLAN3, "2026-01-05", "11010519800101008").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    complete_materials(&app, &user, &id(&case)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &json!({}),
    )
    .await;

    // Plan 3 promises contact about 2 hours after the application: due 12:00.
    let list = alerts(&app, &specialist, "").await;
    assert_eq!(list["window_minutes"], 120);
    assert_eq!(list["items"].as_array().expect("items").len(), 1);
    let alert = &list["items"][0];
    assert_eq!(alert["promise"], "first_contact");
    assert_eq!(alert["number"], case["number"]);
    // The clock runs on while the test works: 119 whole minutes and some seconds, or 120.
    assert_eq!(alert["overdue"], false);
    assert!(
        matches!(alert["minutes_left"].as_i64(), Some(119 | 120)),
        "{alert}"
    );
    assert_eq!(
        (list["overdue"].as_u64(), list["due_soon"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(
        alerts(&app, &specialist, "?window_minutes=60").await["items"],
        json!([])
    );
    // Another insurer's viewer sees nothing of it.
    assert_eq!(alerts(&app, &stranger, "").await["items"], json!([]));

    set_clock(&app, "2026-11-23T12:30:00+08:00").await;
    let list = alerts(&app, &specialist, "?window_minutes=1").await;
    assert_eq!(list["items"][0]["overdue"], true);
    assert!(matches!(
        list["items"][0]["minutes_left"].as_i64(),
        Some(-30 | -29)
    ));
    assert_eq!(list["overdue"], 1);

    // Contact made: no longer an alert.
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&case)),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    ok(
        &app,
        &format!("/api/v1/staff/cases/{}/contact", id(&case)),
        &specialist,
        &json!({"version": version(&claimed)}),
    )
    .await;
    assert_eq!(alerts(&app, &specialist, "").await["items"], json!([]));

    for bad in ["?window_minutes=0", "?window_minutes=10081"] {
        let (status, code, _) = error_body(
            get(
                &app,
                &format!("/api/v1/staff/alerts{bad}"),
                Some(&specialist),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (400, "window_out_of_range"),
            "{bad}"
        );
    }
    assert_eq!(
        get(&app, "/api/v1/staff/alerts", Some(&user))
            .await
            .status()
            .as_u16(),
        401
    );
}

on_both_backends!(first_contacts_due_soon_and_overdue_are_listed_in_scope);
