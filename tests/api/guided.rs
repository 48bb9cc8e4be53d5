//! Issue 13, items 1 and 2, through the API: plan 3's first contact counts only acceptance hours
//! (the entitlements answer, the case's due time and the queue's flag agree), and its case is with
//! the specialists from the application (guided upload), not from the first submission.

use serde_json::{Value, json};

use crate::case_support::{
    PLAN3, PLAN3_INSURER, app_at, count, created, entitlement, get, id, insured, json_of, ok,
    set_clock, staff, version,
};
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

/// Friday 2026-06-05, half an hour before plan 3's service closes (周一至周五 09:00-18:00).
const FRIDAY_1730: &str = "2026-06-05T17:30:00+08:00";

fn outpatient(policy: &str) -> Value {
    json!({"policy_id": policy, "service": "expert_outpatient",
           "diagnosis_state": "suspected", "illness_id": "CI-01",
           "hospital_id": "3a-0006", "department_id": "oncology"})
}

/// An instant to the minute: the pinned business clock runs on from where it was set.
fn minute(value: &Value) -> &str {
    value.as_str().map_or("", |t| &t[..t.len().min(16)])
}

/// The queue's row for `case` (as a plan 3 specialist sees it), if it is there.
async fn in_queue(app: &TestApp, specialist: &str, case: &Value, query: &str) -> Option<Value> {
    let page = json_of(
        get(
            app,
            &format!("/api/v1/staff/cases{query}"),
            Some(specialist),
        )
        .await,
    )
    .await;
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == case["id"])
        .cloned()
}

async fn first_contact_runs_in_acceptance_hours_and_everything_agrees(backend: Backend) {
    let app = app_at(backend, FRIDAY_1730).await;
    let specialist = staff(&app, "g-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (a, a_policy) = insured(&app, "g-a", PLAN3, "2026-01-05", "11010519800101041").await;
    let (b, b_policy) = insured(&app, "g-b", PLAN3, "2026-01-05", "11010519800101042").await;

    // 17:30: open, half an hour left today; the two hours end Monday 10:30.
    let open = entitlement(&app, &a, &a_policy, "expert_outpatient").await;
    assert_eq!(open["acceptance"]["open_now"], true);
    assert_eq!(
        minute(&open["acceptance"]["first_contact_by"]),
        "2026-06-08T10:30"
    );
    assert_eq!(open["prepare"]["flow"], "contact_first");
    let case_a = created(&app, &a, &outpatient(&a_policy)).await;
    assert_eq!(
        minute(&case_a["due"]["first_contact_due_at"]),
        minute(&open["acceptance"]["first_contact_by"])
    );

    // 18:30: closed; accepted Monday 09:00, contact by 11:00 — in both answers.
    set_clock(&app, "2026-06-05T18:30:00+08:00").await;
    let closed = entitlement(&app, &b, &b_policy, "expert_outpatient").await;
    assert_eq!(closed["acceptance"]["open_now"], false);
    assert_eq!(
        minute(&closed["acceptance"]["next_opening"]),
        "2026-06-08T09:00"
    );
    assert_eq!(
        minute(&closed["acceptance"]["first_contact_by"]),
        "2026-06-08T11:00"
    );
    let case_b = created(&app, &b, &outpatient(&b_policy)).await;
    assert_eq!(
        minute(&case_b["due"]["first_contact_due_at"]),
        "2026-06-08T11:00"
    );

    // The queue does not call a promise broken while the service is closed (Friday night,
    // Saturday, Monday before the due time) …
    for now in [
        "2026-06-05T23:00:00+08:00",
        "2026-06-06T10:00:00+08:00",
        "2026-06-08T10:29:00+08:00",
    ] {
        set_clock(&app, now).await;
        for case in [&case_a, &case_b] {
            let row = in_queue(&app, &specialist, case, "").await.expect("queued");
            assert_eq!(row["first_contact_overdue"], false, "{now}");
            assert!(
                in_queue(&app, &specialist, case, "?overdue=true")
                    .await
                    .is_none(),
                "{now}"
            );
        }
    }
    // … and does once it is: a at 10:31, b from 11:01.
    set_clock(&app, "2026-06-08T10:31:00+08:00").await;
    let row_a = in_queue(&app, &specialist, &case_a, "?overdue=true").await;
    assert_eq!(row_a.expect("overdue")["first_contact_overdue"], true);
    assert!(
        in_queue(&app, &specialist, &case_b, "?overdue=true")
            .await
            .is_none()
    );
    set_clock(&app, "2026-06-08T11:01:00+08:00").await;
    let row_b = in_queue(&app, &specialist, &case_b, "?overdue=true").await;
    assert_eq!(row_b.expect("overdue")["first_contact_overdue"], true);
}

async fn a_guided_case_is_with_the_specialists_from_the_application(backend: Backend) {
    let app = app_at(backend, "2026-06-02T10:15:00+08:00").await;
    let specialist = staff(&app, "g2-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "g2", PLAN3, "2026-01-05", "11010519800101043").await;
    let case = created(&app, &user, &outpatient(&policy)).await;
    // Applied for, not a draft: awaiting the materials the specialist will guide, no expiry.
    assert_eq!(case["status"], "needs_materials");
    assert_eq!(case["awaiting"]["action"], "materials");
    assert!(
        case["awaiting"]["message"]
            .as_str()
            .expect("a message")
            .contains("指导")
    );
    assert_eq!(case["awaiting"]["deadline"], Value::Null);
    assert_eq!(
        minute(&case["due"]["first_contact_due_at"]),
        "2026-06-02T12:15"
    );

    // In the queue at once, unclaimed, awaiting materials.
    let row = in_queue(
        &app,
        &specialist,
        &case,
        "?status=needs_materials&assigned=none",
    )
    .await
    .expect("queued at once");
    assert_eq!(row["first_contact_overdue"], false);

    // The specialist takes it (it stays awaiting materials), calls, and asks for one record.
    let path = |action: &str| format!("/api/v1/staff/cases/{}/{action}", id(&case));
    let claimed = ok(
        &app,
        &path("claim"),
        &specialist,
        &json!({"version": row["version"]}),
    )
    .await;
    assert_eq!(claimed["status"], "needs_materials");
    let contacted = ok(
        &app,
        &path("contact"),
        &specialist,
        &json!({"version": version(&claimed)}),
    )
    .await;
    assert_eq!(contacted["first_contact_overdue"], false);
    assert!(contacted["first_contacted_at"].is_string());
    let asked = ok(
        &app,
        &path("request-materials"),
        &specialist,
        &json!({"version": version(&contacted),
                "categories": ["outpatient_record"],
                "message": "请拍摄门诊病历首页和诊断页"}),
    )
    .await;
    assert_eq!(asked["status"], "needs_materials");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM notification WHERE kind = 'case_needs_materials'"
        )
        .await,
        1
    );
    let seen = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    assert_eq!(seen["awaiting"]["message"], "请拍摄门诊病历首页和诊断页");
    assert_eq!(
        seen["awaiting"]["materials"][0]["code"],
        "outpatient_record"
    );

    // Submitting before the upload is refused and changes nothing.
    let early =
        crate::case_support::post(&app, &path_user(&case, "submit"), Some(&user), &json!({})).await;
    assert_eq!(early.status().as_u16(), 422);
    assert_eq!(json_of(early).await["code"], "materials_missing");

    // Uploaded and submitted: in review under the same specialist, the application time kept.
    complete_materials(&app, &user, &id(&case)).await;
    set_clock(&app, "2026-06-02T15:00:00+08:00").await;
    let submitted = ok(&app, &path_user(&case, "submit"), &user, &json!({})).await;
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(
        minute(&submitted["due"]["first_contact_due_at"]),
        "2026-06-02T12:15"
    );
    let reviewed = ok(
        &app,
        &path("claim"),
        &specialist,
        &json!({"version": version(&submitted)}),
    )
    .await;
    assert_eq!(reviewed["status"], "in_review");
    let approved = ok(
        &app,
        &path("approve"),
        &specialist,
        &json!({"version": version(&reviewed)}),
    )
    .await;
    assert_eq!(approved["status"], "approved");

    // Another plan keeps its flow: a draft, out of the queue until submitted.
    let (other, other_policy) = insured(
        &app,
        "g2-p2",
        crate::case_support::PLAN2,
        "2026-01-05",
        "11010519800101044",
    )
    .await;
    let draft = created(
        &app,
        &other,
        &json!({"policy_id": other_policy, "service": "escort", "city": "110100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    assert_eq!(draft["status"], "draft");
    let supervisor = staff(&app, "g2-supervisor", "supervisor", None).await;
    assert!(in_queue(&app, &supervisor, &draft, "").await.is_none());
}

fn path_user(case: &Value, action: &str) -> String {
    format!("/api/v1/cases/{}/{action}", id(case))
}

on_both_backends!(
    first_contact_runs_in_acceptance_hours_and_everything_agrees,
    a_guided_case_is_with_the_specialists_from_the_application,
);
