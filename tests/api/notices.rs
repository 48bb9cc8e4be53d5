//! What the insured must be told (issue 28 §2): the notices of each plan, as its services show
//! them, pinned by a snapshot per plan; the entitlements and the case carry them, and the
//! booking's message and the day-before reminder carry those for the day of the visit.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;

use crate::case_support::*;
use crate::helpers::Backend;
use crate::on_both_backends;
use crate::registry::{PLAN1, PLAN5};

#[test]
fn every_plan_tells_its_insured_what_its_seed_says() {
    let plans = green_channel::plans::Plans::load_dir(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/products"
    )))
    .expect("the shipped plans");
    for code in [PLAN1, PLAN2, PLAN3, PLAN4, PLAN5] {
        let plan = plans.get(code).expect("a plan");
        let by_service: BTreeMap<&str, Vec<(String, String)>> = plan
            .services
            .iter()
            .map(|service| {
                let notices = plan
                    .notices_for(service)
                    .into_iter()
                    .map(|n| (n.label.to_owned(), n.text))
                    .collect();
                (service.id.as_str(), notices)
            })
            .collect();
        assert!(
            by_service
                .values()
                .all(|n| n.iter().any(|(label, _)| label == "急诊提示")),
            "{code}: every service says where to go in an emergency"
        );
        insta::assert_json_snapshot!(format!("notices_{code}"), by_service);
    }
}

async fn the_notices_reach_the_insured_where_they_matter(backend: Backend) {
    let app = app_at(backend, "2026-11-23T10:00:00+08:00").await;
    let specialist = staff(&app, "notice-specialist", "specialist", Some(PLAN3_INSURER)).await;
    let (user, policy) = insured(&app, "notice-a", PLAN3, "2026-01-05", "11010519800101095").await;
    let entitlements = json_of(
        get(
            &app,
            &format!("/api/v1/policies/{policy}/entitlements"),
            Some(&user),
        )
        .await,
    )
    .await;
    let outpatient = entitlements["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["id"] == "expert_outpatient")
        .expect("the outpatient service")
        .clone();
    let kinds: Vec<&str> = outpatient["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"not_claim_basis")
            && kinds.contains(&"late")
            && kinds.contains(&"emergency"),
        "{kinds:?}"
    );
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    assert_eq!(case["notices"], outpatient["notices"], "{case}");
    let case = approved(&app, &user, &specialist, &case).await;
    scheduled(&app, &specialist, &case, "2026-11-27T14:00:00+08:00").await;
    let inbox = json_of(get(&app, "/api/v1/notifications", Some(&user)).await).await;
    let booked = inbox["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["kind"] == "case_scheduled")
        .expect("the booking's message")
        .clone();
    let body = booked["body"].as_str().expect("body");
    assert!(
        body.contains("迟到30分钟") && body.contains("自行承担"),
        "{body}"
    );
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
        body.contains("医保卡") && body.contains("迟到30分钟"),
        "{body}"
    );
}

on_both_backends!(the_notices_reach_the_insured_where_they_matter);
