//! Actions that fit the service and the clock (issue 27 §4): a visit is recorded as done or
//! missed only once its time has come; a service by phone is arranged as a call time, a visit
//! with its place; plan 2's escort names the hospital it meets the insured at (seed 001).

use serde_json::json;

use crate::case_support::*;
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;
use crate::registry::{PLAN1, PLAN5};

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn calls_visits_and_their_time(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "fit-specialist", "specialist", None).await;

    // The tele-doctor (seed 004 一): a call time and nothing else.
    let (user, policy) = insured(&app, "fit-tele", PLAN5, "2026-01-05", "11010519800101008").await;
    let tele = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "tele_doctor"}),
    )
    .await;
    let ready = submitted_and_approved(&app, &user, &specialist, &tele).await;
    let call = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/schedule", id(&tele)),
        &specialist,
        &json!({"version": version(&ready), "at": "2026-11-23T14:00:00+08:00"}),
    )
    .await;
    assert_eq!(call["status"], "scheduled", "{call}");
    assert_eq!(call["appointment"]["at"], "2026-11-23T14:00:00+08:00");
    assert!(call["appointment"]["hospital"].is_null(), "{call}");

    // A visit needs its place.
    let (visitor, visitor_policy) =
        insured(&app, "fit-visit", PLAN1, "2026-01-05", "11010519800101001").await;
    let visit = created(&app, &visitor, &beijing_outpatient(&visitor_policy)).await;
    let visit = approved(&app, &visitor, &specialist, &visit).await;
    let (status, code, _) = error_body(
        post(
            &app,
            &format!("/api/v1/staff/cases/{}/schedule", id(&visit)),
            Some(&specialist),
            &json!({"version": version(&visit), "at": "2026-11-27T09:00:00+08:00"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "hospital_required"));
    let booked = scheduled(&app, &specialist, &visit, "2026-11-27T09:00:00+08:00").await;

    // Done or missed only once the time has come (a no-show days early would spend the use).
    for action in ["no-show", "complete"] {
        let (status, code, _) = error_body(
            post(
                &app,
                &format!("/api/v1/staff/cases/{}/{action}", id(&booked)),
                Some(&specialist),
                &json!({"version": version(&booked)}),
            )
            .await,
        )
        .await;
        assert_eq!(
            (status, code.as_str()),
            (409, "appointment_not_passed"),
            "{action}"
        );
    }
    set_clock(&app, "2026-11-27T11:00:00+08:00").await;
    let done = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/complete", id(&booked)),
        &specialist,
        &json!({"version": version(&booked)}),
    )
    .await;
    assert_eq!(done["status"], "completed");
}

async fn plan_2_escort_names_its_hospital(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) =
        insured(&app, "fit-escort", PLAN2, "2025-01-05", "11010519800101009").await;
    let escort = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "escort", "diagnosis_state": "confirmed",
                "illness_id": "CI-01", "city": "110100", "hospital_id": "3a-0006"}),
    )
    .await;
    assert_eq!(escort["hospital"]["id"], "3a-0006", "{escort}");
}

async fn plan_5_applications_may_name_an_alternate_hospital(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "fit-alt", PLAN5, "2025-01-05", "11010519800101010").await;
    let form = |alternate: &str| {
        json!({"policy_id": policy, "service": "expert_outpatient", "diagnosis_state": "confirmed",
               "illness_id": "CI-01", "city": "110100", "hospital_id": "3a-0006",
               "alternate_hospital_id": alternate})
    };
    // seed 004 四(三) 「备选医院」: the form offers it where the plan asks for one.
    let services = json_of(
        get(
            &app,
            &format!("/api/v1/catalog/services?policy_id={policy}"),
            Some(&user),
        )
        .await,
    )
    .await;
    let outpatient = services
        .as_array()
        .and_then(|s| s.iter().find(|s| s["id"] == "expert_outpatient"))
        .cloned()
        .expect("the service");
    assert!(
        outpatient["nameable"]
            .as_array()
            .is_some_and(|n| n.contains(&json!("alternate_hospital"))),
        "{outpatient}"
    );
    let (status, code, _) =
        error_body(create(&app, &user, "alt-nowhere", &form("nope")).await).await;
    assert_eq!((status, code.as_str()), (422, "unknown_hospital"));
    let case = created(&app, &user, &form("3a-0005")).await;
    assert_eq!(case["alternate_hospital"]["id"], "3a-0005", "{case}");
    assert!(
        !case["alternate_hospital"]["name"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{case}"
    );
    // Not where the plan asks for none.
    let (plan1_user, plan1_policy) =
        insured(&app, "fit-alt-1", PLAN1, "2026-01-05", "11010519800101011").await;
    let mut body = beijing_outpatient(&plan1_policy);
    body["alternate_hospital_id"] = json!("3a-0005");
    let (status, code, _) = error_body(create(&app, &plan1_user, "alt-1", &body).await).await;
    assert_eq!((status, code.as_str()), (422, "field_not_nameable"));
}

on_both_backends!(
    calls_visits_and_their_time,
    plan_2_escort_names_its_hospital,
    plan_5_applications_may_name_an_alternate_hospital,
);
