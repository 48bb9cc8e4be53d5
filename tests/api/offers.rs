//! Offers (issue 27 §2): the specialist proposes 1–3 options of one kind through the one action
//! path; the insured sees them in the case and the message centre and accepts one or declines;
//! a decline means what the plan says (plan 3's named expert: the service ends, not counted —
//! seed 002 Q&A); a new time needs the insured's consent and moves the visit once given (seed
//! 002 Q&A, seed 004 四(三)); an offer nobody answers lapses after two working days.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn offer(app: &TestApp, specialist: &str, case: &Value, body: Value) -> reqwest::Response {
    let mut body = body;
    body["version"] = json!(version(case));
    post(
        app,
        &format!("/api/v1/staff/cases/{}/offer", id(case)),
        Some(specialist),
        &body,
    )
    .await
}

async fn answer(app: &TestApp, user: &str, case: &Value, body: Value) -> reqwest::Response {
    post(
        app,
        &format!("/api/v1/cases/{}/offer", id(case)),
        Some(user),
        &body,
    )
    .await
}

async fn mine(app: &TestApp, user: &str, case: &Value) -> Value {
    json_of(get(app, &format!("/api/v1/cases/{}", id(case)), Some(user)).await).await
}

async fn queue_total(app: &TestApp, specialist: &str, waiting: &str) -> i64 {
    json_of(
        get(
            app,
            &format!("/api/v1/staff/cases?waiting={waiting}"),
            Some(specialist),
        )
        .await,
    )
    .await["total"]
        .as_i64()
        .expect("total")
}

async fn remind_offers(app: &TestApp) -> usize {
    green_channel::notifications::reminders::run_once(&app.state)
        .await
        .expect("reminders")
        .offers
}

fn experts() -> Value {
    json!({"kind": "expert", "options": [
        {"title": "北京协和医院 肿瘤内科 李主任（主任医师）", "details": "周三上午门诊"},
        {"title": "北京大学第一医院 肿瘤内科 张主任（主任医师）"},
    ], "note": "您指定的王主任近期停诊"})
}

async fn plan_3_experts_are_offered_chosen_or_declined(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "offer-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let outpatient = |policy: &str| {
        json!({"policy_id": policy, "service": "expert_outpatient",
               "diagnosis_state": "suspected", "illness_id": "CI-01",
               "hospital_id": "3a-0006", "department_id": "oncology", "expert_name": "王主任"})
    };
    let (user, policy) = insured(&app, "offer-a", PLAN3, "2026-01-05", "11010519800101005").await;
    let case = created(&app, &user, &outpatient(&policy)).await;
    let case = approved(&app, &user, &specialist, &case).await;

    // Bad offers are refused and change nothing.
    for (body, code) in [
        (
            json!({"kind": "expert", "options": []}),
            "offer_options_count",
        ),
        (
            json!({"kind": "expert", "options": [{"title": "a"}, {"title": "b"}, {"title": "c"}, {"title": "d"}]}),
            "offer_options_count",
        ),
        (
            json!({"kind": "expert", "options": [{"title": " "}]}),
            "offer_option_invalid",
        ),
        (
            json!({"kind": "time", "options": [{"title": "改约"}]}),
            "offer_time_required",
        ),
        (
            json!({"kind": "institution", "options": [{"title": "梅奥诊所（美国）"}]}),
            "offer_not_in_plan",
        ),
    ] {
        let (status, got, _) = error_body(offer(&app, &specialist, &case, body).await).await;
        assert_eq!((status, got.as_str()), (422, code));
    }
    assert_eq!(mine(&app, &user, &case).await["version"], case["version"]);

    // Two experts of the same level (seed 002 Q&A).
    let response = offer(&app, &specialist, &case, experts()).await;
    assert_eq!(response.status(), 200);
    let offered = json_of(response).await;
    assert_eq!(offered["offer"]["kind"], "expert", "{offered}");
    let view = mine(&app, &user, &case).await;
    assert_eq!(view["offer"]["options"].as_array().map(Vec::len), Some(2));
    assert_eq!(view["offer"]["kind_label"], "专家");
    assert_eq!(view["offer"]["status"], "open");
    assert!(
        view["offer"]["decline_text"]
            .as_str()
            .unwrap_or_default()
            .contains("不计为已使用"),
        "{view}"
    );
    assert_eq!(view["awaiting"]["action"], "offer", "{view}");
    // The insured hears of it; the queue shows the case as waiting for them.
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert_eq!(inbox["items"][0]["kind"], "offer_made", "{inbox}");
    assert_eq!(queue_total(&app, &specialist, "insured").await, 1);
    assert_eq!(queue_total(&app, &specialist, "specialist").await, 0);

    // Answers that cannot be taken.
    let (status, code, _) = error_body(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "option": 2}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "offer_choice_invalid"));
    let (status, code, _) = error_body(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "option": 0, "decline": true}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "offer_choice_invalid"));
    let (status, code, _) = error_body(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view) - 1, "option": 0}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "case_modified"));

    // The second expert is chosen: recorded on the timeline, the case waits for the specialist.
    let chosen = json_of(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "option": 1}),
        )
        .await,
    )
    .await;
    assert!(chosen["offer"].is_null(), "{chosen}");
    let last = chosen["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .expect("an event");
    assert_eq!(last["action"], "offer_accepted");
    assert!(
        last["note"].as_str().unwrap_or_default().contains("张主任"),
        "{last}"
    );
    assert_eq!(queue_total(&app, &specialist, "insured").await, 0);
    let (status, code, _) = error_body(
        answer(
            &app,
            &user,
            &chosen,
            json!({"version": version(&chosen), "option": 0}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "offer_closed"));

    // A new offer declined: plan 3 ends the service, not counted (the use goes back).
    let again = offer(&app, &specialist, &chosen, experts()).await;
    assert_eq!(again.status(), 200);
    let view = mine(&app, &user, &case).await;
    assert_eq!(
        service_left(&app, &user, &policy, "expert_outpatient").await,
        0
    );
    let declined = json_of(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "decline": true}),
        )
        .await,
    )
    .await;
    assert_eq!(declined["status"], "terminated", "{declined}");
    assert_eq!(
        declined["outcome"]["code"],
        "provider_failed_customer_declined"
    );
    assert_eq!(declined["outcome"]["counted"], false);
    assert_eq!(
        service_left(&app, &user, &policy, "expert_outpatient").await,
        1
    );
    assert_eq!(
        count(
            &app,
            "select count(*) from case_offer where state = 'declined'"
        )
        .await,
        1
    );
}

async fn a_new_time_needs_the_insureds_consent(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "time-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let (user, policy) = insured(&app, "time-a", PLAN1, "2026-01-05", "11010519800101001").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let case = approved(&app, &user, &specialist, &case).await;
    let booked = scheduled(&app, &specialist, &case, "2026-11-27T14:00:00+08:00").await;
    let time = json!({"kind": "time", "options": [
        {"title": "专家临时出诊变动，改至下周一下午", "at": "2026-11-30T14:00:00+08:00"},
    ]});
    // A past time is refused.
    let past =
        json!({"kind": "time", "options": [{"title": "改约", "at": "2026-11-20T14:00:00+08:00"}]});
    let (status, code, _) = error_body(offer(&app, &specialist, &booked, past).await).await;
    assert_eq!((status, code.as_str()), (422, "appointment_in_past"));
    // Declined: nothing moves, the case stays with its specialist (plan 1 has no rule to end).
    let offered = json_of(offer(&app, &specialist, &booked, time.clone()).await).await;
    let view = mine(&app, &user, &offered).await;
    let declined = json_of(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "decline": true}),
        )
        .await,
    )
    .await;
    assert_eq!(declined["status"], "scheduled", "{declined}");
    assert_eq!(declined["appointment"]["at"], "2026-11-27T14:00:00+08:00");
    // Accepted: the visit moves to the time consented to.
    let offered = json_of(offer(&app, &specialist, &declined, time).await).await;
    let view = mine(&app, &user, &offered).await;
    let moved = json_of(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "option": 0}),
        )
        .await,
    )
    .await;
    assert_eq!(moved["status"], "scheduled");
    assert_eq!(
        moved["appointment"]["at"], "2026-11-30T14:00:00+08:00",
        "{moved}"
    );
}

async fn an_unanswered_offer_lapses_after_two_working_days(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "lapse-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "lapse-a", PLAN3, "2026-01-05", "11010519800101006").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;
    let offered = json_of(offer(&app, &specialist, &case, experts()).await).await;
    // Monday's offer: answer by the end of Wednesday (two working days).
    assert_eq!(
        offered["offer"]["expires_at"], "2026-11-25T23:59:59+08:00",
        "{offered}"
    );
    // Not answered: reminded at 09:00 that day, once.
    set_clock(&app, "2026-11-25T08:59:00+08:00").await;
    assert_eq!(remind_offers(&app).await, 0);
    set_clock(&app, "2026-11-25T09:00:00+08:00").await;
    assert_eq!(remind_offers(&app).await, 1);
    assert_eq!(remind_offers(&app).await, 0);
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert_eq!(inbox["items"][0]["kind"], "offer_reminder", "{inbox}");
    set_clock(&app, "2026-11-26T00:30:00+08:00").await;
    assert_eq!(
        green_channel::cases::expiry::sweep(&app.state)
            .await
            .expect("swept"),
        0,
        "no draft expires"
    );
    let view = mine(&app, &user, &case).await;
    assert!(view["offer"].is_null(), "{view}");
    let last = view["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .expect("an event");
    assert_eq!(last["action"], "offer_lapsed");
    assert_eq!(queue_total(&app, &specialist, "specialist").await, 1);
    let (status, code, _) = error_body(
        answer(
            &app,
            &user,
            &view,
            json!({"version": version(&view), "option": 0}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "offer_closed"));
}

on_both_backends!(
    plan_3_experts_are_offered_chosen_or_declined,
    a_new_time_needs_the_insureds_consent,
    an_unanswered_offer_lapses_after_two_working_days,
);

async fn queue_item(app: &TestApp, specialist: &str, case: &Value) -> Value {
    let queue = json_of(get(app, "/api/v1/staff/cases", Some(specialist)).await).await;
    queue["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == case["id"]))
        .cloned()
        .expect("in the queue")
}

/// While the insured chooses, the arrangement's promise does not run against the specialist;
/// proposing where to go keeps the start-or-not promise (plan 4 without a slip, seed 003 二3).
async fn choosing_is_the_insureds_time(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "clock-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "clock-a", PLAN3, "2026-01-05", "11010519800101011").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;
    let case = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/contact", id(&case)),
        &specialist,
        &json!({"version": version(&case)}),
    )
    .await;
    assert_eq!(case["due"]["sla_due_at"], "2026-11-30T23:59:59+08:00");
    // Friday: experts offered; they wait until the end of Tuesday.
    set_clock(&app, "2026-11-27T10:00:00+08:00").await;
    let offered = json_of(offer(&app, &specialist, &case, experts()).await).await;
    assert_eq!(offered["offer"]["expires_at"], "2026-12-01T23:59:59+08:00");
    // Tuesday: the 5 working days have passed, but the insured is choosing — as the queue says,
    // with whom and which plan (issue 28).
    set_clock(&app, "2026-12-01T09:00:00+08:00").await;
    let item = queue_item(&app, &specialist, &case).await;
    assert_eq!(item["overdue"], false);
    assert_eq!(item["waiting_for"], "用户选择方案", "{item}");
    assert_eq!(item["insured_name"], "张**");
    assert_eq!(item["plan_name"], "重大疾病绿通服务");
    let overdue =
        json_of(get(&app, "/api/v1/staff/cases?overdue=true", Some(&specialist)).await).await;
    assert_eq!(overdue["total"], 0, "{overdue}");
    // Unanswered, the offer lapses: the promise is the specialist's again.
    set_clock(&app, "2026-12-02T09:00:00+08:00").await;
    green_channel::cases::expiry::sweep(&app.state)
        .await
        .expect("swept");
    let item = queue_item(&app, &specialist, &case).await;
    assert_eq!(item["overdue"], true);
    assert_eq!(item["waiting_for"], "专员安排", "{item}");

    // Plan 4 without a slip: the hospitals proposed keep the 3-working-day start promise.
    let p4 = staff(&app, "clock-p4", "specialist", Some("haorensheng-partner")).await;
    set_clock(&app, MONDAY).await;
    let (holder, holder_policy) =
        insured(&app, "clock-p4", PLAN4, "2026-01-05", "11010519800101012").await;
    let stay = created(
        &app,
        &holder,
        &json!({"policy_id": holder_policy, "service": "inpatient_surgery",
                "diagnosis_state": "suspected", "illness_id": "CI-03"}),
    )
    .await;
    crate::doc_support::complete_materials(&app, &holder, &id(&stay)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&stay)),
        &holder,
        &json!({}),
    )
    .await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&stay)),
        &p4,
        &json!({"version": version(&submitted)}),
    )
    .await;
    let hospitals = json!({"kind": "hospital", "options": [
        {"title": "上海交通大学医学院附属瑞金医院 神经外科"},
        {"title": "复旦大学附属华山医院 神经外科"},
    ]});
    let proposed = json_of(offer(&app, &p4, &claimed, hospitals).await).await;
    assert_eq!(proposed["offer"]["kind"], "hospital", "{proposed}");
    // The insured picks the second: the specialist's page says which one to book.
    let view = mine(&app, &holder, &stay).await;
    let chosen = answer(
        &app,
        &holder,
        &view,
        json!({"version": version(&view), "option": 1}),
    )
    .await;
    let chosen_status = chosen.status().as_u16();
    assert_eq!(
        chosen_status,
        200,
        "{}",
        chosen.text().await.unwrap_or_default()
    );
    set_clock(&app, "2026-11-27T10:00:00+08:00").await;
    let item = queue_item(&app, &p4, &stay).await;
    assert_eq!(item["start_decision_overdue"], false, "{item}");
    let cookie = crate::console_actions::sign_in(&app, "clock-p4").await;
    let page = crate::console_actions::console_page(
        &app,
        &cookie,
        &format!("/console/cases/{}", id(&stay)),
    )
    .await;
    assert!(
        page.contains("用户已选择：医院：复旦大学附属华山医院 神经外科"),
        "{page}"
    );
}

on_both_backends!(choosing_is_the_insureds_time);
