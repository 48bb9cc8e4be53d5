//! The business clock can be pinned by configuration and moved through the dev endpoint, so date
//! rules can be exercised end to end; production never mounts the endpoint.

use figment::providers::Serialized;
use serde_json::json;

use crate::backend_independent;
use crate::helpers::{Backend, error_body, spawn_app, spawn_app_with};

async fn a_pinned_clock_reads_the_configured_instant(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default(
            "clock.now",
            "2026-03-31T10:00:00+08:00",
        ))
        .merge(Serialized::default("clock.adjustable", true))
    })
    .await;
    let body: serde_json::Value = app.get_dev_clock().await.json().await.expect("JSON");
    let now = body["now"].as_str().expect("now");
    assert!(now.starts_with("2026-03-31T10:00:0"), "{now}");
    assert!(now.ends_with("+08:00"), "{now}");
}

async fn the_dev_endpoint_moves_the_clock(backend: Backend) {
    let app = spawn_app_with(backend, |f| {
        f.merge(Serialized::default("clock.adjustable", true))
    })
    .await;
    let response = app
        .put_dev_clock(&json!({"now": "2027-02-10T11:59:00Z"}))
        .await;
    assert_eq!(response.status().as_u16(), 200);
    let body: serde_json::Value = response.json().await.expect("JSON");
    assert!(
        body["now"]
            .as_str()
            .expect("now")
            .starts_with("2027-02-10T19:59:0")
    );
    let read: serde_json::Value = app.get_dev_clock().await.json().await.expect("JSON");
    assert!(
        read["now"]
            .as_str()
            .expect("now")
            .starts_with("2027-02-10T19:59:0")
    );
}

async fn the_dev_endpoint_is_absent_unless_switched_on(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, code, _) = error_body(
        app.put_dev_clock(&json!({"now": "2027-02-10T11:59:00Z"}))
            .await,
    )
    .await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let paths = app.openapi().await["paths"].clone();
    assert!(paths.get("/api/v1/dev/clock").is_none());
}

backend_independent!(
    a_pinned_clock_reads_the_configured_instant,
    the_dev_endpoint_moves_the_clock,
    the_dev_endpoint_is_absent_unless_switched_on,
);

#[test]
fn production_never_mounts_the_dev_clock() {
    use figment::Figment;
    use green_channel::platform::config::{Profile, Settings};
    // A complete production configuration, plus the dev switch: refused at load...
    let production = |adjustable: bool| {
        let figment = Figment::new()
            .merge(Settings::figment(Profile::Production))
            .merge(Serialized::default(
                "database.url",
                "postgres://u:p@db/green_channel",
            ))
            .merge(Serialized::default("redis.url", "redis://redis:6379"))
            .merge(Serialized::default("storage.endpoint", "http://minio:9000"))
            .merge(Serialized::default("storage.bucket", "gc"))
            .merge(Serialized::default("storage.access_key_id", "k"))
            .merge(Serialized::default("storage.secret_access_key", "s"))
            .merge(Serialized::default("wechat.app_id", "wx0123456789"))
            .merge(Serialized::default("wechat.app_secret", "secret"))
            .merge(Serialized::default("wechat.push_token", "pushToken2026"))
            .merge(Serialized::default(
                "wechat.encoding_aes_key",
                "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            ))
            .merge(Serialized::default("jwt.secret", "x".repeat(48)))
            .merge(Serialized::default("server.ops_token", "o".repeat(48)))
            .merge(Serialized::default(
                "crypto.data_key",
                "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
            ))
            .merge(Serialized::default(
                "crypto.index_key",
                "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
            ))
            .merge(Serialized::default("clock.adjustable", adjustable));
        Settings::from_figment(Profile::Production, figment)
    };
    let refused = production(true).expect_err("production refuses the dev clock");
    assert!(
        refused
            .problems
            .iter()
            .any(|p| p.starts_with("APP_CLOCK__ADJUSTABLE"))
    );
    // ...and even a settings value forced past validation mounts nothing in production.
    let mut settings = production(false).expect("valid production settings");
    settings.clock.adjustable = true;
    assert!(!settings.dev_clock_enabled());
    let api = green_channel::startup::openapi(&settings);
    assert!(!api.paths.paths.contains_key("/api/v1/dev/clock"));
}
