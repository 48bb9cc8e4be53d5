//! Objections and complaints (issue 31 §5; seed 002 (一)2.6 「若对于审核结果或者服务质量有异议」):
//! the insured raises them on the case through the one action path, the supervisors of the
//! case's insurer see them listed and answer on the case, the answer reaches the insured's
//! message centre, and the insurer's week counts them — also for a case that ended in an
//! earlier week.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn raise(
    app: &TestApp,
    user: &str,
    case: &Value,
    kind: &str,
    text: &str,
) -> reqwest::Response {
    insured_step(
        app,
        user,
        case,
        "objections",
        json!({"kind": kind, "text": text}),
    )
    .await
}

async fn answer(
    app: &TestApp,
    staff: &str,
    case: &Value,
    objection: &str,
    words: &str,
) -> reqwest::Response {
    let body = json!({"objection_id": objection, "answer": words});
    act(app, staff, case, "answer-objection", body).await
}

async fn listed(app: &TestApp, staff: &str) -> Vec<Value> {
    json_of(get(app, "/api/v1/staff/objections", Some(staff)).await).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

/// When the case ended, as the insurer's viewer reads it.
async fn closed_at(app: &TestApp, viewer: &str, case: &Value) -> Value {
    let path = format!("/api/v1/staff/cases/{}", id(case));
    json_of(get(app, &path, Some(viewer)).await).await["closed_at"].clone()
}

fn last_action(case: &Value) -> String {
    case["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .and_then(|e| e["action"].as_str())
        .expect("an event")
        .to_owned()
}

async fn objections_reach_the_supervisor_and_the_answer_reaches_the_insured(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "obj-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let supervisor = staff(&app, "obj-supervisor", "supervisor", Some(PLAN3_INSURER)).await;
    let foreign = staff(&app, "obj-foreign", "supervisor", Some(PLAN1_INSURER)).await;
    let viewer = staff(&app, "obj-viewer", "insurer_viewer", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "obj-a", PLAN3, "2026-01-05", "11010519800101040").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;
    // The case names where objections go by phone: plan 3's complaint line (seed 002 (一)2.6).
    let mine = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    assert_eq!(mine["complaint_line"]["number"], "400-678-8500", "{mine}");
    assert_eq!(mine["complaint_line"]["kind"], "complaint");
    assert_eq!(mine["objections"], json!([]));

    // Nothing decided yet: an objection is refused; a complaint about the service is not.
    let (status, code, _) =
        error_body(raise(&app, &user, &mine, "objection", "为什么还没安排").await).await;
    assert_eq!((status, code.as_str()), (409, "objection_not_allowed"));
    let (status, code, _) = error_body(raise(&app, &user, &mine, "complaint", "   ").await).await;
    assert_eq!((status, code.as_str()), (422, "objection_text_required"));
    let (status, code, details) =
        error_body(raise(&app, &user, &mine, "complaint", &"慢".repeat(501)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (422, "field_too_long"),
        "{details}"
    );
    let complained =
        json_of(raise(&app, &user, &mine, "complaint", "专员两天没有回电话").await).await;
    assert_eq!(
        complained["status"], "approved",
        "the case stays where it was"
    );
    assert_eq!(
        complained["objections"][0]["kind"], "complaint",
        "{complained}"
    );
    assert_eq!(complained["objections"][0]["label"], "对服务质量的投诉");
    assert_eq!(complained["objections"][0]["status_text"], "待答复");
    assert_eq!(last_action(&complained), "complaint_raised");
    // One complaint waits at a time.
    let (status, code, _) =
        error_body(raise(&app, &user, &complained, "complaint", "还是没有回电").await).await;
    assert_eq!((status, code.as_str()), (409, "objection_pending"));

    // The case's insurer's supervisors see it; a specialist, a viewer, another insurer do not.
    let items = listed(&app, &supervisor).await;
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(items[0]["number"], complained["number"]);
    assert_eq!(items[0]["objection"]["text"], "专员两天没有回电话");
    assert!(listed(&app, &foreign).await.is_empty());
    for refused in [&specialist, &viewer] {
        let response = get(&app, "/api/v1/staff/objections", Some(refused)).await;
        assert_eq!(response.status().as_u16(), 403);
    }
    let objection = complained["objections"][0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Only a supervisor answers, with words; the answer reaches the insured.
    let (status, code, _) =
        error_body(answer(&app, &specialist, &complained, &objection, "抱歉").await).await;
    assert_eq!((status, code.as_str()), (403, "forbidden_role"));
    let (status, code, _) =
        error_body(answer(&app, &supervisor, &complained, &objection, " ").await).await;
    assert_eq!((status, code.as_str()), (422, "answer_required"));
    let (status, code, _) = error_body(
        answer(
            &app,
            &supervisor,
            &complained,
            &uuid::Uuid::new_v4().to_string(),
            "抱歉",
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "unknown_objection"));
    let words = "已核实，专员今天下午三点前给您回电并安排就诊";
    let answered = json_of(answer(&app, &supervisor, &complained, &objection, words).await).await;
    assert_eq!(last_action(&answered), "objection_answered", "{answered}");
    let (status, code, _) =
        error_body(answer(&app, &supervisor, &answered, &objection, "再答").await).await;
    assert_eq!((status, code.as_str()), (409, "objection_answered"));
    assert!(listed(&app, &supervisor).await.is_empty());
    let mine = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    assert_eq!(mine["objections"][0]["answer"], words, "{mine}");
    assert_eq!(mine["objections"][0]["status_text"], "已答复");
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    assert_eq!(inbox["items"][0]["kind"], "objection_answered", "{inbox}");
    assert!(
        inbox["items"][0]["body"]
            .as_str()
            .expect("body")
            .contains(words),
        "{inbox}"
    );

    // Ended by the provider: now the insured may object to the decision; the ended case keeps
    // when it ended.
    let refused = json_of(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/terminate", id(&case)),
            Some(&specialist),
            &json!({"version": version(&mine), "reason": "provider_failed_customer_declined"}),
        )
        .await,
    )
    .await;
    let ended = closed_at(&app, &viewer, &case).await;
    assert!(ended.is_string(), "{ended}");
    set_clock(&app, "2026-11-24T10:00:00+08:00").await;
    let objected =
        json_of(raise(&app, &user, &refused, "objection", "我有二甲医院的疑似诊断").await).await;
    assert_eq!(objected["status"], "terminated");
    assert_eq!(last_action(&objected), "objection_raised");
    assert_eq!(closed_at(&app, &viewer, &case).await, ended);
    let items = listed(&app, &supervisor).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["objection"]["label"], "对审核结果的异议");
    // The console lists it for the supervisor and answers it on the case page.
    let objection = objected["objections"][1]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let answered = json_of(
        answer(
            &app,
            &supervisor,
            &objected,
            &objection,
            "已复核，维持原审核结果",
        )
        .await,
    )
    .await;
    assert_eq!(answered["status"], "terminated");
    assert_eq!(closed_at(&app, &viewer, &case).await, ended);
}

on_both_backends!(objections_reach_the_supervisor_and_the_answer_reaches_the_insured);

/// An objection to a case that ended in an earlier week is counted in the week it was raised,
/// and the case is listed in that week's report.
async fn the_week_of_an_objection_counts_it(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "objw-specialist", "specialist", Some("starr")).await;
    let viewer = staff(&app, "objw-viewer", "insurer_viewer", Some("starr")).await;
    let (user, policy) = insured(&app, "objw-a", PLAN2, "2026-01-05", "11010519800101041").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    crate::doc_support::complete_materials(&app, &user, &id(&case)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &json!({}),
    )
    .await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/claim", id(&case)),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    // Refused in W48.
    let refused = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/reject", id(&case)),
        &specialist,
        &json!({"version": version(&claimed), "reason": "not_a_covered_illness"}),
    )
    .await;
    // The next week (W49): the insured objects.
    set_clock(&app, "2026-12-01T10:00:00+08:00").await;
    assert_eq!(
        raise(&app, &user, &refused, "objection", "请复核")
            .await
            .status()
            .as_u16(),
        200
    );
    set_clock(&app, "2026-12-07T09:30:00+08:00").await;
    green_channel::reports::weekly::job::run_due(&app.state)
        .await
        .expect("the reports");
    let reports =
        json_of(get(&app, "/api/v1/staff/reports?week=2026-W49", Some(&viewer)).await).await;
    let csv = reports["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["format"] == "csv")
        .expect("a CSV")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let bytes = get(&app, &format!("/api/v1/staff/reports/{csv}"), Some(&viewer))
        .await
        .bytes()
        .await
        .expect("bytes");
    let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
    let plan = app.state.plans.get(PLAN2).expect("plan 2");
    let service = &plan.service("expert_outpatient").expect("service").name;
    let line = text
        .lines()
        .find(|l| l.contains(service.as_str()) && l.split(',').count() == 16)
        .expect("the service's summary line");
    let figures: Vec<&str> = line.split(',').collect();
    assert_eq!(&figures[14..], ["1", "0"], "{line}");
    assert!(
        text.contains(refused["number"].as_str().expect("number")),
        "the case is listed in the week of its objection: {text}"
    );
}

on_both_backends!(the_week_of_an_objection_counts_it);
