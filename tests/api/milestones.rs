//! Issue 13, items 5 and 6, through the API: overseas treatment followed to its end (the hospital's
//! acceptance and the visa recorded, the 40 working days from the last of the three, refusals not
//! counted); plan 1's stay applied for before the admission slip exists; plans 2 and 4 free to
//! cancel before the day of the visit and counted on the day.

use serde_json::{Value, json};

use crate::case_support::{
    PLAN1_INSURER, PLAN2, PLAN4, app_at, approved, created, get, id, insured, json_of, ok, post,
    scheduled, service_left, set_clock, staff, submitted_and_approved, version,
};
use crate::doc_support::{consent, jpeg, uploaded};
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;
use crate::registry::PLAN1;

/// A staff action expected to be refused: (status, code).
async fn refused_action(
    app: &TestApp,
    token: &str,
    case: &Value,
    action: &str,
    body: &Value,
) -> (u16, String) {
    let response = post(
        app,
        &format!("/api/v1/staff/cases/{}/{action}", id(case)),
        Some(token),
        body,
    )
    .await;
    let (status, code, _) = error_body(response).await;
    (status, code)
}

async fn overseas_treatment_is_followed_to_its_end(backend: Backend) {
    let app = app_at(backend, "2026-06-01T10:00:00+08:00").await;
    let specialist = staff(&app, "ot-specialist", "specialist", Some("starr")).await;
    let (user, policy) = insured(&app, "ot", PLAN2, "2026-01-05", "11010519800101051").await;
    let abroad = json!({"policy_id": policy, "service": "overseas_treatment", "city": "US",
                        "diagnosis_state": "confirmed", "illness_id": "CI-01"});
    let case = approved(
        &app,
        &user,
        &specialist,
        &created(&app, &user, &abroad).await,
    )
    .await;
    // Materials complete, but neither the hospital nor the visa yet: no 40-day clock.
    assert_eq!(case["due"]["sla_due_at"], Value::Null);
    let path = format!("/api/v1/staff/cases/{}/milestone", id(&case));

    // A date in the future is refused and changes nothing.
    let (status, code) = refused_action(
        &app,
        &specialist,
        &case,
        "milestone",
        &json!({"version": version(&case), "milestone": "visa_granted", "date": "2026-06-02"}),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "milestone_in_future"));

    set_clock(&app, "2026-06-15T16:00:00+08:00").await;
    let hospital = ok(
        &app,
        &path,
        &specialist,
        &json!({"version": version(&case), "milestone": "hospital_accepted",
                "date": "2026-06-10", "note": "梅奥诊所确认接收"}),
    )
    .await;
    assert_eq!(hospital["hospital_accepted_on"], "2026-06-10");
    assert_eq!(hospital["status"], "approved");
    assert_eq!(
        hospital["due"]["sla_due_at"],
        Value::Null,
        "the visa is missing"
    );
    let visa = ok(
        &app,
        &path,
        &specialist,
        &json!({"version": version(&hospital), "milestone": "visa_granted", "date": "2026-06-15"}),
    )
    .await;
    // seed 001 一、4: 40 working days from the last of the three (the visa, 06-15), the Dragon
    // Boat Festival (06-19) skipped: Tuesday 11 August.
    assert_eq!(visa["due"]["sla_due_at"], "2026-08-11T23:59:59+08:00");
    // A corrected date: the hospital's letter was dated 06-22, now the last of the three.
    set_clock(&app, "2026-06-23T09:00:00+08:00").await;
    let corrected = ok(
        &app,
        &path,
        &specialist,
        &json!({"version": version(&visa), "milestone": "hospital_accepted", "date": "2026-06-22"}),
    )
    .await;
    assert_eq!(corrected["due"]["sla_due_at"], "2026-08-17T23:59:59+08:00");
    // The insured sees the steps and the promise, and the timeline says who recorded what.
    let seen = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    assert_eq!(seen["visa_granted_on"], "2026-06-15");
    assert_eq!(seen["hospital_accepted_on"], "2026-06-22");
    assert_eq!(seen["due"]["sla_due_at"], "2026-08-17T23:59:59+08:00");
    let recorded: Vec<(&str, &str)> = seen["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["action"] == "milestone_recorded")
        .map(|e| {
            (
                e["reason_code"].as_str().expect("code"),
                e["note"].as_str().expect("note"),
            )
        })
        .collect();
    assert_eq!(
        recorded,
        [
            ("hospital_accepted", "2026-06-10：梅奥诊所确认接收"),
            ("visa_granted", "2026-06-15"),
            ("hospital_accepted", "2026-06-22"),
        ]
    );

    // A service that waits for neither: nothing to record, and no visa to be refused.
    let escort = json!({"policy_id": policy, "service": "escort", "city": "110100",
                        "diagnosis_state": "confirmed", "illness_id": "CI-01"});
    let escort = approved(
        &app,
        &user,
        &specialist,
        &created(&app, &user, &escort).await,
    )
    .await;
    let (status, code) = refused_action(
        &app,
        &specialist,
        &escort,
        "milestone",
        &json!({"version": version(&escort), "milestone": "visa_granted", "date": "2026-06-22"}),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "milestone_not_in_plan"));
    let (status, code) = refused_action(
        &app,
        &specialist,
        &escort,
        "terminate",
        &json!({"version": version(&escort), "reason": "visa_refused"}),
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "reason_not_in_plan"));

    // seed 001 一、5: the visa refused ends the service; not counted (interpretation).
    assert_eq!(
        service_left(&app, &user, &policy, "overseas_treatment").await,
        0
    );
    let ended = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/terminate", id(&case)),
        &specialist,
        &json!({"version": version(&corrected), "reason": "visa_refused"}),
    )
    .await;
    assert_eq!(ended["status"], "terminated");
    assert_eq!(
        ended["outcome"],
        json!({"code": "visa_refused", "counted": false})
    );
    assert_eq!(
        service_left(&app, &user, &policy, "overseas_treatment").await,
        1
    );
}

async fn plan_1_stay_applied_for_before_the_slip_exists(backend: Backend) {
    let app = app_at(backend, "2026-03-02T10:00:00+08:00").await;
    let specialist = staff(&app, "slip-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let (user, policy) = insured(&app, "slip", PLAN1, "2025-10-01", "11010519800101052").await;
    // No slip yet: the application is taken (seed 000 步骤2 asks whether there is one).
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "inpatient", "city": "110100",
                "hospital_id": "3a-0006", "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    assert_eq!(case["has_admission_slip"], false);
    // Approved on the medical records alone.
    consent(&app, &user).await;
    uploaded(
        &app,
        &user,
        &id(&case),
        "pathology_report",
        &jpeg(24, 16, 7),
    )
    .await;
    let approved = submitted_and_approved(&app, &user, &specialist, &case).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(
        approved["due"]["sla_due_at"],
        Value::Null,
        "waits for the slip"
    );
    let seen = json_of(get(&app, &format!("/api/v1/cases/{}", id(&case)), Some(&user)).await).await;
    assert_eq!(seen["awaiting"]["action"], "admission_slip");
    assert_eq!(seen["awaiting"]["materials"][0]["code"], "admission_slip");

    // The stay is arranged at a hospital that issued the slip: not before its date is recorded.
    let visit = json!({"version": version(&approved), "at": "2026-03-20T09:00:00+08:00",
                       "hospital": "北京大学第一医院", "department": "肿瘤内科",
                       "meeting_point": "住院部一层"});
    let (status, code) = refused_action(&app, &specialist, &case, "schedule", &visit).await;
    assert_eq!(
        (status, code.as_str()),
        (422, "admission_slip_not_recorded")
    );

    // The slip arrives a week later; its date starts the 10 working days (the later of the
    // approval and the slip): Monday 9 March → Monday 23 March.
    set_clock(&app, "2026-03-09T15:00:00+08:00").await;
    uploaded(&app, &user, &id(&case), "admission_slip", &jpeg(24, 16, 8)).await;
    let slip = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/milestone", id(&case)),
        &specialist,
        &json!({"version": version(&approved), "milestone": "admission_slip", "date": "2026-03-09"}),
    )
    .await;
    assert_eq!(slip["admission_slip_date"], "2026-03-09");
    assert_eq!(slip["has_admission_slip"], true);
    assert_eq!(slip["due"]["sla_due_at"], "2026-03-23T23:59:59+08:00");
    assert_eq!(slip["awaiting"], Value::Null);
    let arranged = scheduled(&app, &specialist, &slip, "2026-03-20T09:00:00+08:00").await;
    assert_eq!(arranged["status"], "scheduled");
}

async fn plans_2_and_4_cancel_free_before_the_day_of_the_visit(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let p2_specialist = staff(&app, "bd-p2", "specialist", Some("starr")).await;
    let p4_specialist = staff(&app, "bd-p4", "specialist", Some("haorensheng-partner")).await;
    let (p2, p2_policy) = insured(&app, "bd2", PLAN2, "2026-01-05", "11010519800101053").await;
    let (p4, p4_policy) = insured(&app, "bd4", PLAN4, "2026-01-05", "11010519800101054").await;
    let p2_visit = json!({"policy_id": p2_policy, "service": "expert_outpatient",
                          "city": "110100", "hospital_id": "3a-0006",
                          "diagnosis_state": "confirmed", "illness_id": "CI-01"});
    let p4_visit = json!({"policy_id": p4_policy, "service": "expert_outpatient",
                          "diagnosis_state": "suspected", "illness_id": "CI-01",
                          "wanted_date": "2026-12-04"});
    let arrange = |token: String, specialist: String, form: Value| {
        let app = &app;
        async move {
            let case = created(app, &token, &form).await;
            let approved = approved(app, &token, &specialist, &case).await;
            scheduled(app, &specialist, &approved, "2026-12-04T09:00:00+08:00").await
        }
    };
    let cancel = |token: String, case: Value| {
        let app = &app;
        async move {
            ok(
                app,
                &format!("/api/v1/cases/{}/cancel", id(&case)),
                &token,
                &json!({}),
            )
            .await
        }
    };
    let first_p2 = arrange(p2.clone(), p2_specialist.clone(), p2_visit.clone()).await;
    let first_p4 = arrange(p4.clone(), p4_specialist.clone(), p4_visit.clone()).await;

    // The evening before the visit: free, the use comes back.
    set_clock(&app, "2026-12-03T21:00:00+08:00").await;
    let seen =
        json_of(get(&app, &format!("/api/v1/cases/{}", id(&first_p2)), Some(&p2)).await).await;
    assert_eq!(seen["cancellation"]["counted"], false);
    for (token, policy, case) in [(&p2, &p2_policy, &first_p2), (&p4, &p4_policy, &first_p4)] {
        let cancelled = cancel(token.clone(), case.clone()).await;
        assert_eq!(
            cancelled["outcome"],
            json!({"code": "cancelled", "counted": false})
        );
        assert_eq!(
            service_left(&app, token, policy, "expert_outpatient").await,
            1
        );
    }

    // Arranged again (the clock back a week), then cancelled on the morning of the visit: it
    // counts, as the no-show it amounts to.
    set_clock(&app, "2026-11-24T10:00:00+08:00").await;
    let second_p2 = arrange(p2.clone(), p2_specialist.clone(), p2_visit).await;
    let second_p4 = arrange(p4.clone(), p4_specialist.clone(), p4_visit).await;
    set_clock(&app, "2026-12-04T07:30:00+08:00").await;
    for (token, policy, case) in [(&p2, &p2_policy, &second_p2), (&p4, &p4_policy, &second_p4)] {
        let cancelled = cancel(token.clone(), case.clone()).await;
        assert_eq!(
            cancelled["outcome"],
            json!({"code": "late_cancellation", "counted": true})
        );
        assert_eq!(
            service_left(&app, token, policy, "expert_outpatient").await,
            0
        );
    }
}

on_both_backends!(
    overseas_treatment_is_followed_to_its_end,
    plan_1_stay_applied_for_before_the_slip_exists,
    plans_2_and_4_cancel_free_before_the_day_of_the_visit,
);
