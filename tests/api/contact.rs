//! Contact both ways (issue 27 §1): the application carries the phone the insured is reached on
//! (seed 002 (一)1.1, seed 004), sealed, shown in full only to the specialist who holds the case
//! and the supervisors (each read audited); the insured learns who serves them when a
//! specialist takes the case (seed 002 (一)1.2, seed 001); every line of the plan is listed with
//! its hours (seed 002 (一)2.3, 2.6; seed 004).

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-12-07T10:00:00+08:00";

async fn staff_view(app: &crate::helpers::TestApp, token: &str, case: &str) -> Value {
    json_of(get(app, &format!("/api/v1/staff/cases/{case}"), Some(token)).await).await
}

async fn audited_reads(app: &crate::helpers::TestApp) -> i64 {
    count(
        app,
        "select count(*) from audit_log where action = 'contact_phone_read'",
    )
    .await
}

async fn messages(app: &crate::helpers::TestApp, token: &str) -> Vec<Value> {
    json_of(get(app, "/api/v1/notifications", Some(token)).await).await["items"]
        .as_array()
        .expect("items")
        .clone()
}

async fn the_insured_and_the_specialist_reach_each_other(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "contact", PLAN1, "2026-01-05", "11010519800101001").await;
    let (verified, verified_policy) =
        insured(&app, "verified", PLAN1, "2026-01-05", "11010519800101005").await;
    let holder = staff(&app, "holder", "specialist", Some(PLAN1_INSURER)).await;
    let colleague = staff(&app, "colleague", "specialist", Some(PLAN1_INSURER)).await;
    let supervisor = staff(&app, "boss", "supervisor", Some(PLAN1_INSURER)).await;
    let viewer = staff(&app, "viewer", "insurer_viewer", Some(PLAN1_INSURER)).await;

    // A number that is not one: refused, nothing made.
    let mut body = beijing_outpatient(&policy);
    body["contact_phone"] = json!("12345");
    let (status, code, _) = error_body(create(&app, &user, "bad-phone", &body).await).await;
    assert_eq!((status, code.as_str()), (422, "contact_phone_invalid"));
    assert_eq!(count(&app, "select count(*) from service_case").await, 0);

    // Left out: the policy's number (13912345678 in these tests) — or, once the user has
    // verified one with WeChat's phone button, that one.
    let bound = app.bind_phone(&verified, "dev:13800001234").await;
    assert_eq!(bound.status(), 200);
    let first = created(&app, &verified, &beijing_outpatient(&verified_policy)).await;
    assert_eq!(first["contact_phone"], "138****1234", "{first}");
    // Given: that one, stored sealed (never as text).
    body["contact_phone"] = json!(" 13712345678 ");
    let case = created(&app, &user, &body).await;
    assert_eq!(case["contact_phone"], "137****5678", "{case}");
    let sealed = count(
        &app,
        "select count(*) from service_case where contact_phone_masked = '137****5678' \
         and contact_phone_enc is not null",
    )
    .await;
    assert_eq!(sealed, 1);
    assert_eq!(
        count(&app, "select count(*) from audit_log").await,
        0,
        "nothing read yet"
    );
    // Every line of the service, its own first with its hours.
    let lines = case["lines"].as_array().expect("lines");
    assert_eq!(lines[0]["kind"], "service", "{case}");
    assert_eq!(lines[0]["label"], "服务专线");
    assert_eq!(lines[0]["number"], case["hotline"]);
    assert!(
        !lines[0]["hours"].as_str().unwrap_or_default().is_empty(),
        "{case}"
    );
    assert!(case["specialist"].is_null(), "nobody serves it yet: {case}");

    // Claimed: the insured is told who serves them, in the case and in the message centre.
    let case_id = id(&case);
    crate::doc_support::complete_materials(&app, &user, &case_id).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{case_id}/submit"),
        &user,
        &json!({}),
    )
    .await;
    let before = audited_reads(&app).await;
    let claimed = ok(
        &app,
        &format!("/api/v1/staff/cases/{case_id}/claim"),
        &holder,
        &json!({"version": version(&submitted)}),
    )
    .await;
    // The holder sees the whole number (to call it), and the read is in the audit log.
    assert_eq!(claimed["insured_phone"], "13712345678", "{claimed}");
    assert_eq!(claimed["insured_phone_in_full"], true);
    assert_eq!(audited_reads(&app).await, before + 1);
    let mine = json_of(get(&app, &format!("/api/v1/cases/{case_id}"), Some(&user)).await).await;
    assert_eq!(mine["specialist"]["name"], "holder专员", "{mine}");
    assert_eq!(mine["specialist"]["work_phone"], "400-606-5033转8012");
    let told = messages(&app, &user).await;
    let assigned: Vec<&Value> = told
        .iter()
        .filter(|m| m["kind"] == "specialist_assigned")
        .collect();
    assert_eq!(assigned.len(), 1, "{told:?}");
    let text = assigned[0]["body"].as_str().expect("a body");
    assert!(
        text.contains("holder专员") && text.contains("400-606-5033转8012"),
        "{text}"
    );
    // Another specialist and the insurer's viewer see it masked, and nothing is audited.
    let reads = audited_reads(&app).await;
    let other = staff_view(&app, &colleague, &case_id).await;
    assert_eq!(other["insured_phone"], "137****5678", "{other}");
    assert_eq!(other["insured_phone_in_full"], false);
    let insurer = staff_view(&app, &viewer, &case_id).await;
    assert_eq!(insurer["insured_phone"], "137****5678", "{insurer}");
    assert_eq!(audited_reads(&app).await, reads);
    // A supervisor stands in: the whole number, audited.
    let boss = staff_view(&app, &supervisor, &case_id).await;
    assert_eq!(boss["insured_phone"], "13712345678", "{boss}");
    assert_eq!(audited_reads(&app).await, reads + 1);

    // Reassigned: the case and a new message name the new specialist.
    let moved = ok(
        &app,
        &format!("/api/v1/staff/cases/{case_id}/reassign"),
        &supervisor,
        &json!({"version": version(&claimed), "assignee": "colleague"}),
    )
    .await;
    assert_eq!(moved["assignee"], "colleague", "{moved}");
    let mine = json_of(get(&app, &format!("/api/v1/cases/{case_id}"), Some(&user)).await).await;
    assert_eq!(mine["specialist"]["name"], "colleague专员", "{mine}");
    let told = messages(&app, &user).await;
    assert_eq!(
        told.iter()
            .filter(|m| m["kind"] == "specialist_assigned")
            .count(),
        2,
        "{told:?}"
    );
    // The former holder no longer holds it: masked now.
    let former = staff_view(&app, &holder, &case_id).await;
    assert_eq!(former["insured_phone"], "137****5678", "{former}");
    let now_holder = staff_view(&app, &colleague, &case_id).await;
    assert_eq!(now_holder["insured_phone"], "13712345678");
}

async fn without_any_phone_the_application_asks_for_one(backend: Backend) {
    use sea_orm::ConnectionTrait;
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "nophone", PLAN1, "2026-01-05", "11010519800101002").await;
    // No number verified with WeChat: the one the insurer has on file.
    let (filed, filed_policy) =
        insured(&app, "filed", PLAN1, "2026-01-05", "11010519800101006").await;
    let case = created(&app, &filed, &beijing_outpatient(&filed_policy)).await;
    assert_eq!(case["contact_phone"], "139****5678", "{case}");
    // Without the policy's number either (the insurer gave none).
    app.db
        .execute_unprepared("update policy set phone_enc = null, phone_hash = null")
        .await
        .expect("phone removed");
    let refused = create(&app, &user, "no-phone", &beijing_outpatient(&policy)).await;
    assert_eq!(refused.status(), 422);
    let body = json_of(refused).await;
    assert_eq!(body["code"], "contact_phone_required", "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("联系电话"),
        "{body}"
    );
    assert_eq!(count(&app, "select count(*) from service_case").await, 1);
    // Given in the form, with its country or region code.
    let mut body = beijing_outpatient(&policy);
    body["contact_phone"] = json!("91234567");
    body["contact_country_code"] = json!("852");
    let case = created(&app, &user, &body).await;
    assert_eq!(case["contact_phone"], "****4567", "{case}");
}

async fn the_plans_lines_are_listed_with_their_hours(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "lines", PLAN3, "2026-01-05", "11010519800101003").await;
    let service = entitlement(&app, &user, &policy, "expert_outpatient").await;
    let lines = service["lines"].as_array().expect("lines");
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    // seed 002 (一)1.1 (the service line), (一)2.3 (urgent, 7×24), (一)2.6 (objections).
    assert_eq!(kinds, ["service", "urgent", "complaint"], "{service}");
    assert_eq!(lines[0]["number"], "400-609-6868");
    assert_eq!(
        lines[0]["hours"],
        "周一至周五 09:00-18:00（国家法定节假日除外）"
    );
    assert_eq!(lines[1]["number"], "400-678-8500");
    assert_eq!(lines[1]["hours"], "7×24小时");
    assert_eq!(lines[2]["label"], "投诉及异议热线");
    // Plan 5: the insurer's own line (seed 004, 95383).
    let (user5, policy5) = insured(
        &app,
        "lines-5",
        crate::registry::PLAN5,
        "2025-01-05",
        "11010519800101004",
    )
    .await;
    let tele = entitlement(&app, &user5, &policy5, "tele_doctor").await;
    let numbers: Vec<&str> = tele["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["number"].as_str())
        .collect();
    assert_eq!(numbers, ["400-920-5108", "95383"], "{tele}");
}

on_both_backends!(
    the_insured_and_the_specialist_reach_each_other,
    without_any_phone_the_application_asks_for_one,
    the_plans_lines_are_listed_with_their_hours,
);
