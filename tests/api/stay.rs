//! The stay (issue 31 §4): the admission slip names the hospital and department that issued it,
//! and one from another hospital than the one asked for puts plan 4 on its no-slip path (seed
//! 003 二3); plan 3 refuses a slip not from the department applied for, giving the use back
//! (seed 002 (二)2.5(4)); the surgery date agreed with the doctor is recorded, and one the
//! hospital moves is shown again and never costs a use (seed 004 住院及手术).

use serde_json::{Value, json};

use crate::case_support::*;
use crate::helpers::{Backend, error_body};
use crate::on_both_backends;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn a_slip_from_elsewhere_takes_plan_4_to_the_outpatient_visit_first(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let stay = |policy: &str, slip_hospital: &str| {
        json!({"policy_id": policy, "service": "inpatient_surgery",
               "diagnosis_state": "suspected", "illness_id": "CI-03",
               "hospital_id": "3a-0006", "department_id": "cardiology",
               "admission_slip": true, "admission_slip_date": "2026-11-20",
               "admission_slip_hospital_id": slip_hospital,
               "admission_slip_department_id": "cardiology"})
    };
    let (user, policy) = insured(&app, "stay4-a", PLAN4, "2026-01-05", "11010519800101060").await;
    // The issuer without a slip, or one the catalogue does not know, is refused.
    let mut without = stay(&policy, "3a-0006");
    without["admission_slip"] = json!(false);
    without["admission_slip_date"] = Value::Null;
    let (status, code, _) = error_body(create(&app, &user, "stay4-without", &without).await).await;
    assert_eq!(
        (status, code.as_str()),
        (422, "admission_slip_issuer_without_slip")
    );
    let (status, code, _) =
        error_body(create(&app, &user, "stay4-unknown", &stay(&policy, "no-such")).await).await;
    assert_eq!((status, code.as_str()), (422, "unknown_hospital"));

    // The slip of the hospital asked for: the stay is arranged from it.
    let same = created(&app, &user, &stay(&policy, "3a-0006")).await;
    assert_eq!(same["outpatient_first"], false, "{same}");
    assert_eq!(same["admission_slip_hospital"]["id"], "3a-0006");
    assert!(
        !same["admission_slip_hospital"]["name"]
            .as_str()
            .expect("a name")
            .is_empty()
    );
    assert_eq!(same["admission_slip_department"]["id"], "cardiology");

    // Another insured with a slip from another hospital: an outpatient visit at the hospital
    // asked for comes first, as without a slip.
    let (other, other_policy) =
        insured(&app, "stay4-b", PLAN4, "2026-01-05", "11010519800101061").await;
    let elsewhere = created(&app, &other, &stay(&other_policy, "3a-0001")).await;
    assert_eq!(elsewhere["outpatient_first"], true, "{elsewhere}");
    assert_eq!(elsewhere["admission_slip_hospital"]["id"], "3a-0001");
}

on_both_backends!(a_slip_from_elsewhere_takes_plan_4_to_the_outpatient_visit_first);

async fn plan_3_refuses_a_slip_from_another_department_and_gives_the_use_back(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "stay3-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "stay3-a", PLAN3, "2026-01-05", "11010519800101062").await;
    let stay = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "inpatient_surgery",
                "diagnosis_state": "confirmed", "illness_id": "CI-01",
                "admission_slip": true, "admission_slip_date": "2026-11-20"}),
    )
    .await;
    assert_eq!(
        service_left(&app, &user, &policy, "inpatient_surgery").await,
        0
    );
    crate::doc_support::complete_materials(&app, &user, &id(&stay)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&stay)),
        &user,
        &json!({}),
    )
    .await;
    let claimed = json_of(act(&app, &specialist, &submitted, "claim", json!({})).await).await;
    let refused = json_of(
        act(
            &app,
            &specialist,
            &claimed,
            "reject",
            json!({"reason": "slip_not_from_applied_department"}),
        )
        .await,
    )
    .await;
    assert_eq!(refused["status"], "rejected", "{refused}");
    assert_eq!(
        service_left(&app, &user, &policy, "inpatient_surgery").await,
        1
    );
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    let body = inbox["items"][0]["body"].as_str().expect("body");
    assert!(
        body.contains("住院单不是申请服务的医院科室开具的"),
        "{body}"
    );

    // Not a ground where the stay needs no slip of the department (plan 3's outpatient visit).
    let outpatient = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    crate::doc_support::complete_materials(&app, &user, &id(&outpatient)).await;
    let submitted = ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&outpatient)),
        &user,
        &json!({}),
    )
    .await;
    let claimed = json_of(act(&app, &specialist, &submitted, "claim", json!({})).await).await;
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &claimed,
            "reject",
            json!({"reason": "slip_not_from_applied_department"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "reason_not_in_plan"));
}

on_both_backends!(plan_3_refuses_a_slip_from_another_department_and_gives_the_use_back);

async fn the_surgery_date_is_recorded_and_moved_without_costing_a_use(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "surg-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "surg-a", PLAN3, "2026-01-05", "11010519800101063").await;
    let stay = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "inpatient_surgery",
                "diagnosis_state": "confirmed", "illness_id": "CI-01",
                "admission_slip": true, "admission_slip_date": "2026-11-20"}),
    )
    .await;
    let ready = approved(&app, &user, &specialist, &stay).await;
    let left = service_left(&app, &user, &policy, "inpatient_surgery").await;

    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &ready,
            "surgery-date",
            json!({"date": "2026-11-20"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "surgery_date_in_past"));
    let set = json_of(
        act(
            &app,
            &specialist,
            &ready,
            "surgery-date",
            json!({"date": "2026-12-02"}),
        )
        .await,
    )
    .await;
    assert_eq!(set["surgery_on"], "2026-12-02", "{set}");
    assert_eq!(set["status"], "approved");
    let moved = json_of(
        act(
            &app,
            &specialist,
            &set,
            "surgery-date",
            json!({"date": "2026-12-04"}),
        )
        .await,
    )
    .await;
    assert_eq!(moved["surgery_on"], "2026-12-04");
    let actions: Vec<&str> = moved["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.ends_with(&["surgery_scheduled", "surgery_moved"]),
        "{actions:?}"
    );
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    let body = inbox["items"][0]["body"].as_str().expect("body");
    assert!(
        body.contains("12月2日") && body.contains("12月4日") && body.contains("不计为使用服务次数"),
        "{body}"
    );
    assert_eq!(inbox["items"][0]["kind"], "surgery_scheduled");
    assert_eq!(
        service_left(&app, &user, &policy, "inpatient_surgery").await,
        left,
        "a moved date costs nothing"
    );

    // A visit arranges no surgery.
    let (other, other_policy) =
        insured(&app, "surg-b", PLAN3, "2026-01-05", "11010519800101064").await;
    let visit = created(
        &app,
        &other,
        &json!({"policy_id": other_policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    let visit = approved(&app, &other, &specialist, &visit).await;
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &visit,
            "surgery-date",
            json!({"date": "2026-12-02"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "surgery_not_in_plan"));
}

on_both_backends!(the_surgery_date_is_recorded_and_moved_without_costing_a_use);

/// A slip recorded after the application names who issued it; no other milestone takes one.
async fn a_recorded_slip_names_its_issuer(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "slipr-specialist", "specialist", Some(PLAN1_INSURER)).await;
    let (user, policy) = insured(
        &app,
        "slipr",
        crate::registry::PLAN1,
        "2025-10-01",
        "11010519800101065",
    )
    .await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "inpatient", "city": "110100",
                "hospital_id": "3a-0006", "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &case,
            "milestone",
            json!({"milestone": "admission_slip", "date": "2026-11-22", "hospital_id": "no-such"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "unknown_slip_issuer"));
    let recorded = json_of(
        act(
            &app,
            &specialist,
            &case,
            "milestone",
            json!({"milestone": "admission_slip", "date": "2026-11-22",
                   "hospital_id": "3a-0006", "department_id": "oncology"}),
        )
        .await,
    )
    .await;
    assert_eq!(recorded["admission_slip_date"], "2026-11-22", "{recorded}");
    assert_eq!(recorded["admission_slip_hospital"]["id"], "3a-0006");
    assert_eq!(recorded["admission_slip_department"]["id"], "oncology");
}

on_both_backends!(a_recorded_slip_names_its_issuer);
