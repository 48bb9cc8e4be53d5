//! The day of the visit (issue 31 §3): where someone goes with the insured — plan 2's escort
//! (seed 001 陪诊 「为被保人预约就医陪同人员」), plan 4's guide (seed 003 一4 「确认导医服务的等候
//! 地点、时间」) — the booking names them by name and phone and a meeting time before the visit;
//! the insured's case, the booking's message and the day-before reminder name both times, the
//! place and the person. A meeting after the visit is refused; a consented new time moves the
//! meeting with it.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";
const VISIT: &str = "2026-11-27T14:00:00+08:00";

async fn schedule(
    app: &TestApp,
    specialist: &str,
    case: &Value,
    extra: Value,
) -> reqwest::Response {
    let mut body = json!({
        "version": version(case), "at": VISIT,
        "hospital": "北京大学第一医院", "department": "肿瘤内科",
        "meeting_point": "门诊楼一层大厅服务台",
    });
    for (key, value) in extra.as_object().expect("an object") {
        body[key] = value.clone();
    }
    post(
        app,
        &format!("/api/v1/staff/cases/{}/schedule", id(case)),
        Some(specialist),
        &body,
    )
    .await
}

async fn an_escorted_visit_names_who_meets_the_insured_where_and_when(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "day-specialist", "specialist", Some("starr")).await;
    let (user, policy) = insured(&app, "day-a", PLAN2, "2026-01-05", "11010519800101050").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "escort", "city": "110100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;

    let refusals = [
        (
            json!({"meeting_at": "2026-11-27T13:30:00+08:00"}),
            "escort_required",
        ),
        (
            json!({"meeting_at": "2026-11-27T13:30:00+08:00", "escort_name": "李陪诊"}),
            "escort_required",
        ),
        (
            json!({"meeting_at": "2026-11-27T13:30:00+08:00", "escort_name": "李陪诊",
                   "escort_phone": "call me"}),
            "escort_invalid",
        ),
        (
            json!({"escort_name": "李陪诊", "escort_phone": "13800000001"}),
            "meeting_time_required",
        ),
        (
            json!({"meeting_at": "2026-11-27T14:30:00+08:00", "escort_name": "李陪诊",
                   "escort_phone": "13800000001"}),
            "meeting_time_invalid",
        ),
        (
            json!({"meeting_at": "2026-11-20T13:30:00+08:00", "escort_name": "李陪诊",
                   "escort_phone": "13800000001"}),
            "meeting_time_invalid",
        ),
    ];
    for (extra, expected) in refusals {
        let (status, code, _) =
            error_body(schedule(&app, &specialist, &case, extra.clone()).await).await;
        assert_eq!((status, code.as_str()), (422, expected), "{extra}");
    }
    let mine = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    assert_eq!(mine["version"], case["version"], "nothing changed");

    let booked = json_of(
        schedule(
            &app,
            &specialist,
            &case,
            json!({"meeting_at": "2026-11-27T13:30:00+08:00", "escort_name": " 李陪诊 ",
                   "escort_phone": "138-0000-0001"}),
        )
        .await,
    )
    .await;
    let appointment = &booked["appointment"];
    assert_eq!(
        appointment["meeting_at"], "2026-11-27T13:30:00+08:00",
        "{booked}"
    );
    assert_eq!(appointment["meeting_point"], "门诊楼一层大厅服务台");
    assert_eq!(
        appointment["escort"],
        json!({"name": "李陪诊", "phone": "138-0000-0001"})
    );
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    let scheduled = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["kind"] == "case_scheduled")
        .expect("the booking's message")
        .clone();
    let body = scheduled["body"].as_str().expect("body");
    assert!(
        body.contains("11月27日 13:30")
            && body.contains("门诊楼一层大厅服务台")
            && body.contains("李陪诊")
            && body.contains("11月27日 14:00"),
        "{body}"
    );

    // The day before at 18:00 the reminder names the meeting too.
    set_clock(&app, "2026-11-26T18:05:00+08:00").await;
    green_channel::notifications::reminders::run_once(&app.state)
        .await
        .expect("reminders");
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    let reminder = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["kind"] == "appointment_reminder")
        .expect("the reminder")
        .clone();
    let body = reminder["body"].as_str().expect("body");
    assert!(
        body.contains("13:30") && body.contains("门诊楼一层大厅服务台") && body.contains("李陪诊"),
        "{body}"
    );

    // The insured consents to a new time: the meeting moves with the visit.
    let offered = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/offer", id(&booked)),
        &specialist,
        &json!({"version": version(&booked), "kind": "time",
                "options": [{"title": "改到下周一下午", "at": "2026-11-30T14:00:00+08:00"}]}),
    )
    .await;
    let moved = ok(
        &app,
        &format!("/api/v1/cases/{}/offer", id(&offered)),
        &user,
        &json!({"version": version(&offered), "option": 0}),
    )
    .await;
    assert_eq!(
        moved["appointment"]["at"], "2026-11-30T14:00:00+08:00",
        "{moved}"
    );
    assert_eq!(
        moved["appointment"]["meeting_at"],
        "2026-11-30T13:30:00+08:00"
    );
}

on_both_backends!(an_escorted_visit_names_who_meets_the_insured_where_and_when);

/// Where nobody goes with the insured (plan 1's visit), the booking asks for no escort.
async fn a_visit_without_an_escort_needs_none(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "day1-specialist", "specialist", None).await;
    let (user, policy) = insured(
        &app,
        "day1-a",
        crate::registry::PLAN1,
        "2026-01-05",
        "11010519800101051",
    )
    .await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let case = approved(&app, &user, &specialist, &case).await;
    let booked = json_of(schedule(&app, &specialist, &case, json!({})).await).await;
    assert_eq!(booked["status"], "scheduled", "{booked}");
    assert!(booked["appointment"]["escort"].is_null());
    assert!(booked["appointment"]["meeting_at"].is_null());
}

on_both_backends!(a_visit_without_an_escort_needs_none);
