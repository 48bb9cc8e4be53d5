//! The application form's reference data.

use serde_json::Value;

use crate::case_support::*;
use crate::helpers::{Backend, error_body, spawn_app};
use crate::on_both_backends;
use crate::registry::PLAN1;

async fn the_catalog_serves_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let page: Value = get(
        &app,
        "/api/v1/catalog/hospitals?city=110100&q=北京大学&per_page=5",
        None,
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(page["per_page"], 5);
    assert!(page["total"].as_u64().expect("total") > 5, "{page}");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    assert!(
        items.iter().all(|h| h["city_code"] == "110100"
            && h["name"].as_str().expect("name").contains("北京大学"))
    );
    let next: Value = get(
        &app,
        "/api/v1/catalog/hospitals?city=110100&q=北京大学&per_page=5&page=2",
        None,
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_ne!(next["items"][0]["id"], items[0]["id"]);
    // A page far past the end (found by the contract fuzzer: it overflowed) is simply empty.
    let far = get(
        &app,
        "/api/v1/catalog/hospitals?page=214748366&per_page=100",
        None,
    )
    .await;
    assert_eq!(far.status().as_u16(), 200);
    let far: Value = far.json().await.expect("JSON");
    assert_eq!(far["items"], serde_json::json!([]));
    // 昆山 (a county-level city) finds the hospitals of 苏州.
    let kunshan: Value = get(&app, "/api/v1/catalog/hospitals?city=320583", None)
        .await
        .json()
        .await
        .expect("JSON");
    assert!(kunshan["total"].as_u64().expect("total") > 0);
    let (status, code, _) =
        error_body(get(&app, "/api/v1/catalog/hospitals?per_page=1000", None).await).await;
    assert_eq!((status, code.as_str()), (400, "invalid_paging"));

    let departments: Value = get(&app, "/api/v1/catalog/departments", None)
        .await
        .json()
        .await
        .expect("JSON");
    let departments = departments.as_array().expect("list");
    assert_eq!(departments.len(), 67);
    let excluded: Vec<_> = departments
        .iter()
        .filter(|d| d["excluded"] == true)
        .collect();
    assert_eq!(excluded.len(), 13);
    assert!(
        excluded
            .iter()
            .any(|d| d["id"] == "obstetrics" && d["excluded_reason"].is_string())
    );
    let illnesses: Value = get(&app, "/api/v1/catalog/illnesses", None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(illnesses.as_array().expect("list").len(), 31);
    assert_eq!(illnesses[0]["name"], "恶性肿瘤——重度");

    let (user, policy) = insured(&app, "catalog", PLAN1, "2026-01-05", "11010519800101040").await;
    let services: Value = get(
        &app,
        &format!("/api/v1/catalog/services?policy_id={policy}"),
        Some(&user),
    )
    .await
    .json()
    .await
    .expect("JSON");
    let outpatient = &services[0];
    assert_eq!(outpatient["id"], "expert_outpatient");
    // seed 000 一、2(4)2) 指定科室 (interpretation): hospital and department, never the doctor.
    assert_eq!(
        outpatient["nameable"],
        serde_json::json!(["hospital", "department"])
    );
    assert_eq!(
        outpatient["diagnosis_states"],
        serde_json::json!(["confirmed"])
    );
    let cities: Value = get(
        &app,
        &format!("/api/v1/catalog/cities?policy_id={policy}&service=expert_outpatient"),
        Some(&user),
    )
    .await
    .json()
    .await
    .expect("JSON");
    assert_eq!(cities["coverage"], "green_channel_31");
    assert_eq!(cities["places"].as_array().expect("places").len(), 40);
    let (status, code, _) = error_body(
        get(
            &app,
            &format!("/api/v1/catalog/cities?policy_id={policy}&service=escort"),
            Some(&user),
        )
        .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (422, "unknown_service"));
    let (status, _, _) = error_body(
        get(
            &app,
            &format!("/api/v1/catalog/services?policy_id={policy}"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(status, 401);
    let stranger = app.login_ok("dev:catalog-stranger").await["access_token"]
        .as_str()
        .expect("t")
        .to_owned();
    let (status, _, _) = error_body(
        get(
            &app,
            &format!("/api/v1/catalog/services?policy_id={policy}"),
            Some(&stranger),
        )
        .await,
    )
    .await;
    assert_eq!(status, 404);
}

on_both_backends!(the_catalog_serves_the_form);
