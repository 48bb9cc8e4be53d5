//! Production-profile dependencies going away and coming back: `/health/ready` turns 503 within
//! a second and recovers by itself, without a restart. The app reaches the real PostgreSQL and
//! Redis through a proxy that drops connections and refuses new ones, as a stopped server does.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::helpers::{
    Backend, error_body, eventually, postgres_admin_url, redis_url, spawn_app_via,
};
use crate::proxy::FaultProxy;

fn socket_of(url: &str, default_port: u16) -> SocketAddr {
    let url = url::Url::parse(url).expect("a URL");
    let host = url.host_str().expect("a host");
    let host = if host == "localhost" {
        "127.0.0.1"
    } else {
        host
    };
    format!("{host}:{}", url.port().unwrap_or(default_port))
        .parse()
        .expect("a socket address")
}

/// Cuts the proxy, expects a fast 503 naming `down`, restores it, expects 200 again.
async fn outage_and_recovery(app: &crate::helpers::TestApp, proxy: &FaultProxy, down: &str) {
    assert_eq!(app.health_ready().await.status().as_u16(), 200);

    proxy.cut().await;
    let started = Instant::now();
    let response = app.health_ready().await;
    let elapsed = started.elapsed();
    let (status, code, details) = error_body(response).await;
    assert_eq!((status, code.as_str()), (503, "not_ready"));
    assert_eq!(details[down], "down", "{details}");
    // The probe's own bound (check_timeout_ms, 500 ms) keeps it under a second; this checks
    // that the bound is applied, not how fast the machine is.
    assert!(elapsed < Duration::from_secs(1), "answered in {elapsed:?}");
    assert_eq!(
        app.health_live().await.status().as_u16(),
        200,
        "liveness stays green"
    );

    proxy.restore().await;
    let recovered = eventually(Duration::from_secs(15), || async {
        app.health_ready().await.status().as_u16() == 200
    })
    .await;
    assert!(
        recovered,
        "ready again once {down} is back, without a restart"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_going_away_makes_the_service_unready_until_it_returns() {
    let proxy = FaultProxy::start(socket_of(&redis_url(), 6379)).await;
    let via = format!("redis://127.0.0.1:{}", proxy.port);
    let app = spawn_app_via(Backend::Postgres, None, Some(via), |f| f).await;
    outage_and_recovery(&app, &proxy, "cache").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_going_away_makes_the_service_unready_until_it_returns() {
    let proxy = FaultProxy::start(socket_of(&postgres_admin_url(), 5432)).await;
    let app = spawn_app_via(Backend::Postgres, Some(proxy.port), None, |f| f).await;
    outage_and_recovery(&app, &proxy, "database").await;
}

/// One request's answer and how long it took.
async fn timed(request: reqwest::RequestBuilder) -> (u16, Option<String>, String, Duration) {
    let started = Instant::now();
    let response = request.send().await.expect("an answer");
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    // Every answer, a 503 to a request that was waiting when the dependency went down too,
    // names its request (what a user quotes to support, and what the logs are searched by).
    assert!(
        response.headers().contains_key("x-request-id"),
        "X-Request-Id on a {status}"
    );
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let code = body["code"].as_str().unwrap_or_default().to_owned();
    (status, retry_after, code, elapsed)
}

/// While a dependency is out: the first request is answered 503 as soon as the watcher finds it
/// down (within about a second and a half), and from then on every request that needs it is
/// answered 503 with `Retry-After` at once, well within a second. (These check
/// that the bounds are applied, not how fast the machine is.)
async fn answers_fast_while_out(
    label: &str,
    request: impl Fn() -> reqwest::RequestBuilder,
    code: &str,
    first_bound: Duration,
) {
    let (status, retry_after, answered, first) = timed(request()).await;
    assert_eq!((status, answered.as_str()), (503, code), "first request");
    assert!(retry_after.is_some(), "Retry-After on the first 503");
    assert!(first < first_bound, "first answer in {first:?}");
    let mut slowest = Duration::ZERO;
    // The watcher probes every 250 ms (each probe bounded by 500 ms).
    tokio::time::sleep(Duration::from_millis(1200)).await;
    for n in 0..10 {
        let (status, retry_after, answered, elapsed) = timed(request()).await;
        assert_eq!((status, answered.as_str()), (503, code), "request {n}");
        assert_eq!(retry_after.as_deref(), Some("1"), "request {n}");
        assert!(
            elapsed < Duration::from_secs(1),
            "request {n} in {elapsed:?}"
        );
        slowest = slowest.max(elapsed);
    }
    // The figures scripts/bench-outages collects.
    eprintln!(
        "outage figure: {label}: {code}: first answer {} ms, then 10 answers at most {} ms each",
        first.as_millis(),
        slowest.as_millis()
    );
}

async fn recovers(request: impl Fn() -> reqwest::RequestBuilder) {
    let back = eventually(Duration::from_secs(15), || async {
        request()
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
    })
    .await;
    assert!(
        back,
        "served again once the dependency is back, without a restart"
    );
}

/// The app on PostgreSQL reached through a fault proxy, and a signed-in user's token.
async fn behind_a_database_proxy(code: &str) -> (FaultProxy, crate::helpers::TestApp, String) {
    let proxy = FaultProxy::start(socket_of(&postgres_admin_url(), 5432)).await;
    let app = spawn_app_via(Backend::Postgres, Some(proxy.port), None, |f| f).await;
    let token = app.login_ok(code).await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    (proxy, app, token)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_stopped_or_frozen_answers_503_within_a_second_and_recovers() {
    let (proxy, app, token) = behind_a_database_proxy("dev:outage-db").await;
    // The bound policies come from the database on every request (`/me` may be answered from
    // the cache, and is: below, while the database is out).
    let policies = || {
        app.client
            .get(app.url("/api/v1/policies"))
            .bearer_auth(&token)
    };
    assert_eq!(policies().send().await.expect("ok").status().as_u16(), 200);
    let profile = || app.client.get(app.url("/api/v1/me")).bearer_auth(&token);
    assert_eq!(profile().send().await.expect("ok").status().as_u16(), 200);

    proxy.cut().await;
    assert_eq!(
        profile().send().await.expect("answered").status().as_u16(),
        200,
        "/me from its cached copy"
    );
    // The first request waits until the watcher finds the database down (two failed probes,
    // 250 ms apart, each bounded by 500 ms), not for the pool's 3 s.
    answers_fast_while_out(
        "database stopped",
        policies,
        "database_unavailable",
        Duration::from_secs(2),
    )
    .await;
    proxy.restore().await;
    recovers(policies).await;

    proxy.freeze();
    answers_fast_while_out(
        "database frozen",
        policies,
        "database_unavailable",
        Duration::from_secs(2),
    )
    .await;
    proxy.thaw();
    recovers(policies).await;
}

/// A database restart (every pooled connection dropped under the service, the server back at
/// once) is invisible: the first statement on each dead connection is a read or a `BEGIN`
/// tried once more on a live one, and the pool pings its checkouts for a while after. Not one
/// 503, one request at a time or eight at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_is_invisible() {
    let (proxy, app, token) = behind_a_database_proxy("dev:restart-db").await;
    let policies = || {
        app.client
            .get(app.url("/api/v1/policies"))
            .bearer_auth(&token)
            .send()
    };
    let statuses = |n: usize| {
        let requests: Vec<_> = (0..n).map(|_| policies()).collect();
        async move {
            futures_util::future::join_all(requests)
                .await
                .into_iter()
                .map(|r| r.expect("answered").status().as_u16())
                .collect::<Vec<_>>()
        }
    };
    // Several pooled connections, each used a moment ago (none idle long enough to be pinged).
    assert_eq!(statuses(8).await, vec![200; 8]);
    for restart in 0..3 {
        proxy.cut().await;
        proxy.restore().await;
        for n in 0..4 {
            let status = policies().await.expect("answered").status().as_u16();
            assert_eq!(status, 200, "restart {restart}, request {n} after it");
        }
        assert_eq!(
            statuses(8).await,
            vec![200; 8],
            "restart {restart}, a burst"
        );
    }
    // A write's transaction begins on a live connection too.
    proxy.cut().await;
    proxy.restore().await;
    let consent = app
        .post_json(
            "/api/v1/me/consents",
            &serde_json::json!({
                "purpose": "medical_records",
                "version": green_channel::consents::medical_records(&app.state.settings.retention).version,
            }),
            Some(&token),
        )
        .await;
    assert!(
        [200, 201].contains(&consent.status().as_u16()),
        "{}",
        consent.status()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cache_frozen_answers_503_within_a_second_and_recovers() {
    let proxy = FaultProxy::start(socket_of(&redis_url(), 6379)).await;
    let via = format!("redis://127.0.0.1:{}", proxy.port);
    let app = spawn_app_via(Backend::Postgres, None, Some(via), |f| f).await;
    let token = app.login_ok("dev:outage-cache").await["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let me = || app.client.get(app.url("/api/v1/me")).bearer_auth(&token);
    proxy.freeze();
    // Not the 2 s response timeout: the watcher's finding answers the first request.
    answers_fast_while_out(
        "cache frozen",
        me,
        "cache_unavailable",
        Duration::from_secs(2),
    )
    .await;
    proxy.thaw();
    recovers(me).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn object_store_stopped_or_frozen_answers_503_within_a_second_and_recovers() {
    use crate::case_support::*;
    use crate::doc_support::{complete_materials, jpeg};

    let endpoint =
        std::env::var("TEST_S3_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:8014".to_owned());
    let proxy = FaultProxy::start(socket_of(&endpoint, 80)).await;
    let via = format!("http://127.0.0.1:{}", proxy.port);
    let app = spawn_app_via(Backend::Postgres, None, None, move |f| {
        f.merge(figment::providers::Serialized::default(
            "storage.endpoint",
            via,
        ))
    })
    .await;
    let (user, policy) = insured(&app, "outage-s3", PLAN3, "2026-01-05", "11010519800101008").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    complete_materials(&app, &user, &id(&case)).await;
    let documents: serde_json::Value = get(
        &app,
        &format!("/api/v1/cases/{}/documents", id(&case)),
        Some(&user),
    )
    .await
    .json()
    .await
    .expect("JSON");
    let document = documents["items"][0]["id"]
        .as_str()
        .expect("a document")
        .to_owned();
    let read = || {
        app.client
            .get(app.url(&format!("/api/v1/documents/{document}")))
            .bearer_auth(&user)
    };
    let photo = jpeg(24, 16, 4242);
    let upload = || {
        app.client
            .post(app.url(&format!("/api/v1/cases/{}/documents", id(&case))))
            .bearer_auth(&user)
            .header("Content-Type", crate::doc_support::content_type())
            .body(crate::doc_support::multipart(
                &[("category", "outpatient_record")],
                "tmp.jpg",
                &photo,
            ))
    };
    assert_eq!(read().send().await.expect("ok").status().as_u16(), 200);

    for freeze in [false, true] {
        if freeze {
            proxy.freeze();
        } else {
            proxy.cut().await;
        }
        // The first call gives up when the watcher finds the store down (two failed probes),
        // well before its own 10 s deadline.
        let label = if freeze {
            "store frozen"
        } else {
            "store stopped"
        };
        answers_fast_while_out(label, read, "storage_unavailable", Duration::from_secs(2)).await;
        let (status, _, code, elapsed) = timed(upload()).await;
        assert_eq!((status, code.as_str()), (503, "storage_unavailable"));
        assert!(elapsed < Duration::from_secs(1), "upload in {elapsed:?}");
        if freeze {
            proxy.thaw();
        } else {
            proxy.restore().await;
        }
        recovers(read).await;
    }
}
