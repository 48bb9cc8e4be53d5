//! The message centre: every change the insured should hear of, in Chinese and in order, whether
//! or not a WeChat message went out; unread counts; reading one and all; nobody else's messages.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::registry::PLAN5;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn messages(app: &TestApp, token: &str) -> Value {
    let response = get(app, "/api/v1/notifications", Some(token)).await;
    assert_eq!(response.status().as_u16(), 200);
    response.json().await.expect("JSON")
}

async fn the_insured_reads_every_step_in_the_message_centre(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "inbox", PLAN5, "2026-01-05", "11010519800101008").await;
    let (other, _) = insured(&app, "inbox-2", PLAN5, "2026-01-05", "11010519800101009").await;
    let specialist = staff(&app, "inbox-specialist", "specialist", None).await;
    assert_eq!(messages(&app, &user).await["total"], 0);

    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    let id = id(&case);
    let number = case["number"].as_str().expect("number").to_owned();
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{id}/submit"),
        &user,
        &json!({}),
    )
    .await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{id}/claim"),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    let approved = ok(
        &app,
        &format!("/api/v1/staff/cases/{id}/approve"),
        &specialist,
        &json!({"version": version(&claimed)}),
    )
    .await;
    let scheduled = scheduled(&app, &specialist, &approved, "2026-11-30T09:30:00+08:00").await;
    // The visit has taken place.
    set_clock(&app, "2026-11-30T12:00:00+08:00").await;
    ok(
        &app,
        &format!("/api/v1/staff/cases/{id}/complete"),
        &specialist,
        &json!({"version": version(&scheduled)}),
    )
    .await;

    let inbox = messages(&app, &user).await;
    let kinds: Vec<&str> = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "case_completed",
            "case_scheduled",
            "case_approved",
            "specialist_assigned",
            "case_submitted"
        ],
        "newest first; a claim tells the insured who serves them (seed 002 (一)1.2)"
    );
    assert_eq!(inbox["unread"], 5);
    let scheduled_message = &inbox["items"][1];
    // The tele-doctor calls (seed 004 一): a time and no place.
    assert_eq!(scheduled_message["title"], "已安排通话");
    let body = scheduled_message["body"].as_str().expect("body");
    assert!(
        body.contains(&number)
            && body.contains("11月30日 09:30")
            && body.contains("致电您")
            && !body.contains("北京大学第一医院"),
        "{body}"
    );
    assert_eq!(scheduled_message["case_id"], id.as_str());
    assert_eq!(scheduled_message["case_number"], number.as_str());

    // Reading one: the count drops; again changes nothing.
    let message_id = inbox["items"][0]["id"].as_i64().expect("id");
    let read = ok(
        &app,
        &format!("/api/v1/notifications/{message_id}/read"),
        &user,
        &json!({}),
    )
    .await;
    assert!(read["read_at"].is_string());
    ok(
        &app,
        &format!("/api/v1/notifications/{message_id}/read"),
        &user,
        &json!({}),
    )
    .await;
    assert_eq!(messages(&app, &user).await["unread"], 4);

    // Nobody else's: another user sees none of them and cannot mark them.
    assert_eq!(messages(&app, &other).await["total"], 0);
    let (status, code, _) = crate::helpers::error_body(
        post(
            &app,
            &format!("/api/v1/notifications/{}/read", inbox["items"][1]["id"]),
            Some(&other),
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    assert_eq!(messages(&app, &user).await["unread"], 4);
    let anonymous = app.get("/api/v1/notifications").await;
    assert_eq!(anonymous.status().as_u16(), 401);
    // A console token is not a mini-program user's.
    let (status, code, _) =
        crate::helpers::error_body(get(&app, "/api/v1/notifications", Some(&specialist)).await)
            .await;
    assert_eq!((status, code.as_str()), (401, "token_audience_invalid"));

    // All read.
    let all = ok(&app, "/api/v1/notifications/read-all", &user, &json!({})).await;
    assert_eq!(all["marked"], 4);
    assert_eq!(messages(&app, &user).await["unread"], 0);
}

on_both_backends!(the_insured_reads_every_step_in_the_message_centre);

/// The templates to ask for and the grants the mini-program reports: each accept is one send;
/// an unknown template, an unknown choice or an empty result changes nothing.
async fn grants_are_recorded_from_the_mini_program_s_result(backend: Backend) {
    use crate::notify_support::{APPOINTMENT, PROGRESS, REMINDER};
    let app = app_at(backend, MONDAY).await;
    let (user, _) = insured(&app, "granted", PLAN5, "2026-01-05", "11010519800101008").await;
    let answer: Value = get(&app, "/api/v1/notifications/templates", Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    let submit = answer["moments"]
        .as_array()
        .expect("moments")
        .iter()
        .find(|m| m["moment"] == "submit")
        .expect("submit");
    assert_eq!(submit["template_ids"], json!([APPOINTMENT, PROGRESS]));
    assert!(
        answer["templates"]
            .as_array()
            .expect("templates")
            .iter()
            .all(|t| t["remaining"] == 0)
    );

    let recorded = ok(
        &app,
        "/api/v1/notifications/grants",
        &user,
        &json!({PROGRESS: "accept", APPOINTMENT: "reject", REMINDER: "filter", "errMsg": "requestSubscribeMessage:ok"}),
    )
    .await;
    assert_eq!(recorded["accepted"], 1);
    let progress = recorded["templates"]
        .as_array()
        .expect("templates")
        .iter()
        .find(|t| t["template_id"] == PROGRESS)
        .expect("progress");
    assert_eq!(progress["remaining"], 1);

    for (body, status, code) in [
        (
            json!({"tmpl-unknown": "accept", PROGRESS: "accept"}),
            422,
            "unknown_template",
        ),
        (json!({PROGRESS: "maybe"}), 422, "invalid_choice"),
        (json!({PROGRESS: 1}), 422, "invalid_choice"),
        (json!({}), 422, "no_choices"),
        (
            json!({"errMsg": "requestSubscribeMessage:ok"}),
            422,
            "no_choices",
        ),
        (json!([PROGRESS]), 422, "invalid_body"),
    ] {
        let (got, got_code, _) = crate::helpers::error_body(
            post(&app, "/api/v1/notifications/grants", Some(&user), &body).await,
        )
        .await;
        assert_eq!((got, got_code.as_str()), (status, code), "{body}");
    }
    let (user_id, _) = crate::notify_support::user_of(&app, &user).await;
    let left = crate::notify_support::remaining(&app, user_id).await;
    assert_eq!(left.get(PROGRESS), Some(&1), "refusals changed nothing");
    assert_eq!(left.len(), 1);
    // Banned by WeChat: the template's grants end.
    ok(
        &app,
        "/api/v1/notifications/grants",
        &user,
        &json!({PROGRESS: "ban"}),
    )
    .await;
    assert!(remaining_is_empty(&app, user_id).await);
}

async fn remaining_is_empty(app: &TestApp, user_id: i64) -> bool {
    crate::notify_support::remaining(app, user_id)
        .await
        .is_empty()
}

on_both_backends!(grants_are_recorded_from_the_mini_program_s_result);
