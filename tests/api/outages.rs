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
