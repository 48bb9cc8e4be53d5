//! Treatment abroad to the end (issue 31 §2; seed 001 海外就医综合服务): the hospital abroad
//! chosen with the insured, the departure once the hospital accepted and the visa was granted,
//! local escort hours within the 40 included, the return; the case completes only with the
//! service report and the bills on it (「医疗服务情况报告和账单交付甲方，服务完成」), both of which
//! the insurer's viewer reads.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::{content_type, multipart};
use crate::helpers::{Backend, TestApp, error_body};
use crate::on_both_backends;
use crate::reports::PDF;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

async fn file(
    app: &TestApp,
    staff: &str,
    case: &Value,
    kind: &str,
    name: &str,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/staff/cases/{}/reports", id(case))))
        .bearer_auth(staff)
        .header("Content-Type", content_type())
        .body(multipart(&[("kind", kind)], name, PDF))
        .send()
        .await
        .expect("sent")
}

async fn treatment_abroad_runs_to_the_return_and_completes_with_the_report_and_the_bills(
    backend: Backend,
) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "abroad-specialist", "specialist", Some("starr")).await;
    let viewer = staff(&app, "abroad-viewer", "insurer_viewer", Some("starr")).await;
    let (user, policy) = insured(&app, "abroad-a", PLAN2, "2026-01-05", "11010519800101070").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "overseas_treatment", "city": "US",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;
    assert_eq!(case["abroad"]["escort_hours_included"], 40, "{case}");

    // The hospital chosen with the insured, in a covered country.
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &case,
            "abroad",
            json!({"step": "hospital", "country": "FR", "hospital": "Hôpital Pitié-Salpêtrière"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "abroad_country_not_covered"));
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &case,
            "abroad",
            json!({"step": "hospital"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "abroad_field_required"));
    let chosen = json_of(
        act(
            &app,
            &specialist,
            &case,
            "abroad",
            json!({"step": "hospital", "country": "us", "hospital": "MD Anderson Cancer Center"}),
        )
        .await,
    )
    .await;
    assert_eq!(chosen["abroad"]["country"]["id"], "US", "{chosen}");
    assert_eq!(chosen["abroad"]["hospital"], "MD Anderson Cancer Center");

    // Not before the hospital accepted and the visa was granted.
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &chosen,
            "abroad",
            json!({"step": "departed", "date": "2026-11-23"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "abroad_not_ready"));
    let accepted = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/milestone", id(&chosen)),
        &specialist,
        &json!({"version": version(&chosen), "milestone": "hospital_accepted", "date": "2026-11-20"}),
    )
    .await;
    let visa = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/milestone", id(&accepted)),
        &specialist,
        &json!({"version": version(&accepted), "milestone": "visa_granted", "date": "2026-11-22"}),
    )
    .await;
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &visa,
            "abroad",
            json!({"step": "departed", "date": "2026-11-21"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "abroad_date_invalid"));
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &visa,
            "abroad",
            json!({"step": "escort_hours", "hours": 4}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (409, "abroad_not_ready"),
        "hours before leaving"
    );
    let departed = json_of(
        act(
            &app,
            &specialist,
            &visa,
            "abroad",
            json!({"step": "departed", "date": "2026-11-23"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        departed["abroad"]["departed_on"], "2026-11-23",
        "{departed}"
    );
    let started = ok(
        &app,
        &format!("/api/v1/staff/cases/{}/start", id(&departed)),
        &specialist,
        &json!({"version": version(&departed)}),
    )
    .await;

    // 40 hours of local escort at most, logged as they are used.
    let logged = json_of(
        act(
            &app,
            &specialist,
            &started,
            "abroad",
            json!({"step": "escort_hours", "hours": 30}),
        )
        .await,
    )
    .await;
    assert_eq!(logged["abroad"]["escort_hours_used"], 30);
    let (status, code, details) = error_body(
        act(
            &app,
            &specialist,
            &logged,
            "abroad",
            json!({"step": "escort_hours", "hours": 15}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (409, "escort_hours_exceeded"));
    assert_eq!(details, json!({"used": 30, "included": 40}));
    let logged = json_of(
        act(
            &app,
            &specialist,
            &logged,
            "abroad",
            json!({"step": "escort_hours", "hours": 10}),
        )
        .await,
    )
    .await;
    assert_eq!(logged["abroad"]["escort_hours_used"], 40);
    let last = logged["timeline"]
        .as_array()
        .and_then(|t| t.last())
        .cloned()
        .expect("an event");
    assert_eq!(last["action"], "escort_hours");
    assert!(
        last["note"].as_str().expect("note").contains("40/40"),
        "{last}"
    );

    // Completion: the report, the bills and the return, each refused while missing.
    let complete = |case: Value| {
        let app = &app;
        let specialist = specialist.clone();
        async move { act(app, &specialist, &case, "complete", json!({})).await }
    };
    let (status, code, _) = error_body(complete(logged.clone()).await).await;
    assert_eq!((status, code.as_str()), (422, "report_required"));
    let (status, code, _) =
        error_body(file(&app, &specialist, &logged, "receipt", "账单.pdf").await).await;
    assert_eq!((status, code.as_str()), (422, "file_kind_invalid"));
    assert_eq!(
        file(&app, &specialist, &logged, "report", "医疗服务情况报告.pdf")
            .await
            .status()
            .as_u16(),
        201
    );
    let logged = staff_view(&app, &specialist, &logged).await;
    let (status, code, _) = error_body(complete(logged.clone()).await).await;
    assert_eq!((status, code.as_str()), (422, "bill_required"));
    assert_eq!(
        file(&app, &specialist, &logged, "bill", "医疗账单.pdf")
            .await
            .status()
            .as_u16(),
        201
    );
    let logged = staff_view(&app, &specialist, &logged).await;
    let (status, code, _) = error_body(complete(logged.clone()).await).await;
    assert_eq!((status, code.as_str()), (422, "return_not_recorded"));
    set_clock(&app, "2026-12-10T10:00:00+08:00").await;
    let back = json_of(
        act(
            &app,
            &specialist,
            &logged,
            "abroad",
            json!({"step": "returned", "date": "2026-12-09"}),
        )
        .await,
    )
    .await;
    assert_eq!(back["abroad"]["returned_on"], "2026-12-09", "{back}");
    let done = json_of(complete(back).await).await;
    assert_eq!(done["status"], "completed", "{done}");

    // The insurer's viewer reads both files; the insured sees which is which.
    let listed = json_of(
        get(
            &app,
            &format!("/api/v1/cases/{}/reports", id(&case)),
            Some(&viewer),
        )
        .await,
    )
    .await;
    let kinds: Vec<&str> = listed["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|r| r["kind_label"].as_str())
        .collect();
    assert_eq!(kinds, ["书面报告", "医疗账单"], "{listed}");
    let mine = json_of(
        get(
            &app,
            &format!("/api/v1/cases/{}/reports", id(&case)),
            Some(&user),
        )
        .await,
    )
    .await;
    assert_eq!(mine["items"][1]["kind"], "bill");
}

on_both_backends!(treatment_abroad_runs_to_the_return_and_completes_with_the_report_and_the_bills);

/// Only treatment abroad takes these steps and the bills.
async fn other_services_take_no_abroad_steps_and_no_bills(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let specialist = staff(&app, "abroad2-specialist", "specialist", Some("starr")).await;
    let (user, policy) = insured(&app, "abroad-b", PLAN2, "2026-01-05", "11010519800101071").await;
    let case = created(
        &app,
        &user,
        &json!({"policy_id": policy, "service": "second_opinion_domestic", "city": "310100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let case = approved(&app, &user, &specialist, &case).await;
    assert!(case["abroad"].is_null());
    let (status, code, _) = error_body(
        act(
            &app,
            &specialist,
            &case,
            "abroad",
            json!({"step": "departed", "date": "2026-11-23"}),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "abroad_not_in_plan"));
    let (status, code, _) =
        error_body(file(&app, &specialist, &case, "bill", "账单.pdf").await).await;
    assert_eq!((status, code.as_str()), (422, "bill_not_expected"));
}

on_both_backends!(other_services_take_no_abroad_steps_and_no_bills);
