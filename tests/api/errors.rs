//! Every error, actix's own extractor errors included, leaves as `{code, message, details}` with
//! a stable code. The codes are a public contract: these tests pin them.

use figment::providers::Serialized;

use crate::helpers::{Backend, error_body, spawn_app, spawn_app_with};
use crate::{backend_independent, on_both_backends};

async fn with_dev_clock(backend: Backend) -> crate::helpers::TestApp {
    spawn_app_with(backend, |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default("server.json_limit_bytes", 1024))
    })
    .await
}

async fn malformed_json_is_a_400_malformed_json(backend: Backend) {
    let app = with_dev_clock(backend).await;
    let response = app
        .put_dev_clock_raw("application/json", br#"{"now": "2026-"#.to_vec())
        .await;
    let (status, code, _) = error_body(response).await;
    assert_eq!((status, code.as_str()), (400, "malformed_json"));
}

async fn a_well_formed_body_with_a_wrong_field_is_a_422_invalid_body(backend: Backend) {
    let app = with_dev_clock(backend).await;
    let response = app
        .put_dev_clock_raw("application/json", br#"{"now": "next tuesday"}"#.to_vec())
        .await;
    let (status, code, details) = error_body(response).await;
    assert_eq!((status, code.as_str()), (422, "invalid_body"));
    assert!(details["reason"].is_string());
}

async fn an_oversize_body_is_a_413_payload_too_large(backend: Backend) {
    let app = with_dev_clock(backend).await;
    let big = format!(
        r#"{{"now": "2026-03-31T10:00:00+08:00", "pad": "{}"}}"#,
        "x".repeat(4096)
    );
    let response = app
        .put_dev_clock_raw("application/json", big.into_bytes())
        .await;
    let (status, code, details) = error_body(response).await;
    assert_eq!((status, code.as_str()), (413, "payload_too_large"));
    assert_eq!(details["limit_bytes"], 1024);
}

async fn a_body_that_is_not_json_is_a_415(backend: Backend) {
    let app = with_dev_clock(backend).await;
    let response = app.put_dev_clock_raw("text/plain", b"now".to_vec()).await;
    let (status, code, _) = error_body(response).await;
    assert_eq!((status, code.as_str()), (415, "unsupported_media_type"));
}

async fn an_unknown_route_is_a_404_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, code, _) = error_body(app.get("/api/v1/no-such-thing").await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    // `/` itself is a page for people: where the console and the API documents are.
    let home = app.get("/").await;
    assert_eq!(home.status().as_u16(), 200);
    assert!(
        home.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"))
    );
    let text = home.text().await.expect("text");
    assert!(
        text.contains("/console/") && text.contains("/docs/"),
        "{text}"
    );
}

async fn a_known_route_with_the_wrong_method_is_a_405(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .delete(app.url("/health/live"))
        .send()
        .await
        .expect("sent");
    let (status, code, _) = error_body(response).await;
    assert_eq!((status, code.as_str()), (405, "method_not_allowed"));
    // The answer says which methods the route takes (RFC 9110), path parameters and all.
    let response = app
        .client
        .delete(app.url(&format!("/api/v1/cases/{}/submit", uuid::Uuid::new_v4())))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let response = app
        .client
        .put(app.url("/api/v1/notifications"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.headers()["allow"], "GET, HEAD");
}

async fn failed_requests_change_nothing(backend: Backend) {
    let app = with_dev_clock(backend).await;
    let before: serde_json::Value = app.get_dev_clock().await.json().await.expect("JSON");
    app.put_dev_clock_raw("application/json", br#"{"now": "2020-01-01"}"#.to_vec())
        .await;
    let after: serde_json::Value = app.get_dev_clock().await.json().await.expect("JSON");
    let year = |v: &serde_json::Value| v["now"].as_str().expect("now")[..4].to_owned();
    assert_eq!(year(&before), year(&after));
}

backend_independent!(
    malformed_json_is_a_400_malformed_json,
    a_well_formed_body_with_a_wrong_field_is_a_422_invalid_body,
    an_oversize_body_is_a_413_payload_too_large,
    a_body_that_is_not_json_is_a_415,
    an_unknown_route_is_a_404_not_found,
    a_known_route_with_the_wrong_method_is_a_405,
);
on_both_backends!(failed_requests_change_nothing);
