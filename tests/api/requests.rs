//! What the insured asks of a booked visit (issue 27 §3): a change of time or hospital judged
//! by the plan's cancellation rule with the same words (seed 002 Q&A 「就诊前一天 12 点前…取消或
//! 更改即可」; seed 000 「申请成功后不允许改期、取消」), answered by the specialist's offer; and
//! a notice that they will be late, after which a late arrival does not count (seed 002
//! (一)2.9(5) 「无故迟到」).

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn booked(
    app: &TestApp,
    who: &str,
    plan: &str,
    id17: &str,
    specialist: &str,
) -> (String, String, Value) {
    let (user, policy) = insured(app, who, plan, "2026-01-05", id17).await;
    let body = if plan == PLAN3 {
        json!({"policy_id": policy, "service": "expert_outpatient",
               "diagnosis_state": "suspected", "illness_id": "CI-01"})
    } else {
        beijing_outpatient(&policy)
    };
    let case = created(app, &user, &body).await;
    let case = approved(app, &user, specialist, &case).await;
    let case = scheduled(app, specialist, &case, "2026-11-27T14:00:00+08:00").await;
    (user, policy, case)
}

async fn request(app: &TestApp, user: &str, case: &Value, body: Value) -> reqwest::Response {
    insured_step(app, user, case, "change-request", body).await
}

async fn mine(app: &TestApp, user: &str, case: &Value) -> Value {
    json_of(get(app, &format!("/api/v1/cases/{}", id(case)), Some(user)).await).await
}

async fn changes_follow_the_cancellation_rule_and_are_answered_by_an_offer(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "req-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, _, case) = booked(&app, "req-a", PLAN3, "11010519800101005", &specialist).await;

    // Before noon the day before: free, recorded, and the queue flags it.
    let asked = json_of(
        request(
            &app,
            &user,
            &case,
            json!({"kind": "time", "note": "周五上午有检查，想改到下周"}),
        )
        .await,
    )
    .await;
    assert_eq!(asked["change_request"]["kind"], "time", "{asked}");
    assert_eq!(asked["change_request"]["label"], "更改就诊时间");
    let last = asked["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .expect("event");
    assert_eq!(
        (last["action"].as_str(), last["reason_code"].as_str()),
        (Some("change_requested"), Some("time"))
    );
    let queue = json_of(get(&app, "/api/v1/staff/cases", Some(&specialist)).await).await;
    assert!(
        queue["items"][0]["change_requested_at"].is_string(),
        "{queue}"
    );
    // The specialist answers with a new time: the request is answered.
    let staff_view = json_of(
        get(
            &app,
            &format!("/api/v1/staff/cases/{}", id(&case)),
            Some(&specialist),
        )
        .await,
    )
    .await;
    let offered = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/offer", id(&case)),
        &specialist,
        &json!({"version": version(&staff_view), "kind": "time",
                "options": [{"title": "改至下周一下午", "at": "2026-11-30T14:00:00+08:00"}]}),
    )
    .await;
    assert!(offered["change_request"].is_null(), "{offered}");
    let view = mine(&app, &user, &case).await;
    let moved = json_of(
        post(
            &app,
            &format!("/api/v1/cases/{}/offer", id(&case)),
            Some(&user),
            &json!({"version": version(&view), "option": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(
        moved["appointment"]["at"], "2026-11-30T14:00:00+08:00",
        "{moved}"
    );

    // After noon the day before (Sunday 12:00 for Monday's visit): it would count; said first.
    set_clock(&app, "2026-11-29T12:30:00+08:00").await;
    let (status, code, details) =
        error_body(request(&app, &user, &moved, json!({"kind": "hospital"})).await).await;
    assert_eq!((status, code.as_str()), (409, "change_counts"));
    assert_eq!(details["counted"], true);
    assert!(mine(&app, &user, &moved).await["change_request"].is_null());
    let late = json_of(
        request(
            &app,
            &user,
            &moved,
            json!({"kind": "hospital", "accept_counted": true}),
        )
        .await,
    )
    .await;
    assert_eq!(late["change_request"]["kind"], "hospital", "{late}");
    let last = late["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .expect("event");
    assert_eq!(last["reason_code"], "late_change");
    // The specialist cannot: says so in words, the visit stays, the insured hears of it.
    let current = json_of(
        get(
            &app,
            &format!("/api/v1/staff/cases/{}", id(&case)),
            Some(&specialist),
        )
        .await,
    )
    .await;
    let refused = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/refuse-change", id(&case)),
        &specialist,
        &json!({"version": version(&current), "message": "该院下周已无号源，原预约不变"}),
    )
    .await;
    assert!(refused["change_request"].is_null(), "{refused}");
    assert_eq!(refused["appointment"]["at"], "2026-11-30T14:00:00+08:00");
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert_eq!(inbox["items"][0]["kind"], "change_refused", "{inbox}");
    let (status, code, _) = error_body(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/refuse-change", id(&case)),
            Some(&specialist),
            &json!({"version": version(&refused), "message": "again"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "no_change_requested"));
}

async fn plan_1_changes_nothing_once_booked(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "req1-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let (user, _, case) = booked(&app, "req-1", PLAN1, "11010519800101001", &specialist).await;
    let (status, code, details) =
        error_body(request(&app, &user, &case, json!({"kind": "time"})).await).await;
    assert_eq!((status, code.as_str()), (409, "change_not_allowed"));
    assert_eq!(details["hotline"], "400-606-5033");
    assert_eq!(mine(&app, &user, &case).await["version"], case["version"]);
}

async fn a_late_arrival_told_in_advance_does_not_count(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "late-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (told, told_policy, told_case) =
        booked(&app, "late-a", PLAN3, "11010519800101006", &specialist).await;
    let (silent, silent_policy, silent_case) =
        booked(&app, "late-b", PLAN3, "11010519800101007", &specialist).await;
    // Friday 13:30, half an hour before the visit: "I'll be about 40 minutes late".
    set_clock(&app, "2026-11-27T13:30:00+08:00").await;
    let noticed = json_of(
        post(
            &app,
            &format!("/api/v1/cases/{}/late", id(&told_case)),
            Some(&told),
            &json!({"version": version(&told_case), "minutes": 40}),
        )
        .await,
    )
    .await;
    assert!(noticed["late_notice_at"].is_string(), "{noticed}");
    // After the time: too late to tell.
    set_clock(&app, "2026-11-27T15:00:00+08:00").await;
    let (status, code, _) = error_body(
        post(
            &app,
            &format!("/api/v1/cases/{}/late", id(&silent_case)),
            Some(&silent),
            &json!({"version": version(&silent_case)}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "late_notice_too_late"));
    // Both arrive more than 30 minutes late: only the unannounced one is counted.
    for (user, policy, case, counted, left) in [
        (&told, &told_policy, &told_case, false, 1),
        (&silent, &silent_policy, &silent_case, true, 0),
    ] {
        let current = json_of(
            get(
                &app,
                &format!("/api/v1/staff/cases/{}", id(case)),
                Some(&specialist),
            )
            .await,
        )
        .await;
        let ended = ok(
            &app,
            &format!("/api/v1/staff/cases/{}/terminate", id(case)),
            &specialist,
            &json!({"version": version(&current), "reason": "late_arrival"}),
        )
        .await;
        assert_eq!(ended["outcome"]["counted"], counted, "{ended}");
        assert_eq!(
            service_left(&app, user, policy, "expert_outpatient").await,
            left
        );
    }
}

on_both_backends!(
    changes_follow_the_cancellation_rule_and_are_answered_by_an_offer,
    plan_1_changes_nothing_once_booked,
    a_late_arrival_told_in_advance_does_not_count,
);
