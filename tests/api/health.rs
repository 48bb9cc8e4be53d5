use crate::helpers::{Backend, spawn_app};
use crate::{backend_independent, on_both_backends};

async fn liveness_answers_ok(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.health_live().await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
}

async fn readiness_checks_the_database_the_cache_and_the_store(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app.health_ready().await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}})
    );
    let expected = match backend {
        Backend::Sqlite => "memory",
        Backend::Postgres => "redis",
    };
    assert_eq!(app.cache.backend(), expected);
}

async fn every_response_carries_a_request_id(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut seen = std::collections::HashSet::new();
    for path in ["/health/live", "/no/such/route", "/metrics", "/health/live"] {
        let response = app.get(path).await;
        let id = response
            .headers()
            .get("x-request-id")
            .unwrap_or_else(|| panic!("{path} has an X-Request-Id"))
            .to_str()
            .expect("ASCII")
            .to_owned();
        // A short token of safe characters, never the same twice.
        assert!(
            (17..=64).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'),
            "{path}: {id}"
        );
        assert!(seen.insert(id), "{path}: a repeated id");
    }
    // A caller's own id is kept when it is safe to log, replaced when it is not.
    let kept = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "mini-program.req_42")
        .send()
        .await
        .expect("sent");
    assert_eq!(kept.headers()["x-request-id"], "mini-program.req_42");
    let replaced = app
        .client
        .get(app.url("/health/live"))
        .header("x-request-id", "evil\" injected=1")
        .send()
        .await
        .expect("sent");
    assert_ne!(replaced.headers()["x-request-id"], "evil\" injected=1");
}

async fn metrics_count_requests_by_route_pattern(backend: Backend) {
    let app = spawn_app(backend).await;
    app.health_live().await;
    app.get("/no/such/route/12345").await;
    let metrics = app.metrics().await;
    assert!(
        metrics.contains(r#"http_requests_total{method="GET",route="/health/live",status="200"}"#),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    // Every series says what it is (issue 28).
    assert!(
        metrics.contains("# HELP http_requests_total HTTP requests answered"),
        "{metrics}"
    );
    // Raw paths never become labels: an id in a path would explode the series count. (Only the
    // labels are searched: the process-wide histograms' sums may hold any digits.)
    assert!(!metrics.contains("/no/such/route"), "{metrics}");
    assert!(
        !metrics
            .lines()
            .filter_map(|line| line.split("route=\"").nth(1))
            .any(|route| route
                .split('"')
                .next()
                .unwrap_or_default()
                .contains("12345")),
        "{metrics}"
    );
}

backend_independent!(
    liveness_answers_ok,
    every_response_carries_a_request_id,
    metrics_count_requests_by_route_pattern,
);
on_both_backends!(readiness_checks_the_database_the_cache_and_the_store);

/// The S3 server unreachable (a closed port): not ready, and it says which.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_fails_while_the_object_store_is_unreachable() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = closed.local_addr().expect("addr").port();
    drop(closed);
    let app = crate::helpers::spawn_app_with(Backend::Postgres, move |f| {
        f.merge(figment::providers::Serialized::default(
            "storage.endpoint",
            format!("http://127.0.0.1:{port}"),
        ))
        .merge(figment::providers::Serialized::default(
            "storage.retries",
            0,
        ))
    })
    .await;
    let (status, code, details) = crate::helpers::error_body(app.health_ready().await).await;
    assert_eq!((status, code.as_str()), (503, "not_ready"));
    assert_eq!(
        details,
        serde_json::json!({"database": "ok", "cache": "ok", "storage": "down"})
    );
}

/// Issue 29 §4: with an operators' token (required in production), the metrics, the docs and
/// the OpenAPI document answer only to it; everyone else gets an address that is not there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_docs_answer_only_the_operators_token() {
    const TOKEN: &str = "operators-token-0123456789abcdef0123456789";
    let app = crate::helpers::spawn_app_with(Backend::Sqlite, |f| {
        f.merge(figment::providers::Serialized::default(
            "server.ops_token",
            TOKEN,
        ))
    })
    .await;
    for path in ["/metrics", "/docs/", "/api-docs/openapi.json"] {
        for token in [None, Some("wrong-token"), Some(&TOKEN[..20])] {
            let mut request = app.client.get(app.url(path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("sent");
            let (status, code, _) = crate::helpers::error_body(response).await;
            assert_eq!(
                (status, code.as_str()),
                (404, "not_found"),
                "{path} {token:?}"
            );
        }
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status().as_u16(), 200, "{path}");
    }
    // Everything else is as before.
    assert_eq!(app.health_live().await.status().as_u16(), 200);
}
