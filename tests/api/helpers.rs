//! The test harness: `spawn_app(backend)` starts the real application on port 0 with a fresh
//! database (a SQLite file in a temp dir, or a new PostgreSQL database), a cache key prefix of
//! its own and a temp storage directory (or, with PostgreSQL and Redis, a key prefix of its own on
//! the S3 server scripts/test starts). PostgreSQL, Redis and S3 are real servers; when they
//! cannot be reached the test fails, it never skips.

use std::time::Duration;

use figment::Figment;
use figment::providers::Serialized;
use green_channel::platform::cache::{Cache, MemoryCache, RedisCache, SharedCache};
use green_channel::platform::config::{Profile, RedisSettings, Settings};
use green_channel::startup::Application;
use sea_orm::{ConnectionTrait, Database};
use secrecy::SecretString;
use serde_json::Value;

/// Which pair of dependencies an app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded profile: SQLite and the in-process cache.
    Sqlite,
    /// The production pair: PostgreSQL and Redis.
    Postgres,
}

/// The PostgreSQL server tests create their databases on (`TEST_DATABASE_URL`).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// The S3-compatible server (`TEST_S3_*`, as scripts/test starts it): settings for a store
/// under a key prefix of the test's own.
pub fn s3_settings(prefix: &str) -> Vec<(&'static str, Value)> {
    let var = |name: &str, default: &str| {
        Value::from(std::env::var(name).unwrap_or_else(|_| default.to_owned()))
    };
    vec![
        ("storage.backend", Value::from("s3")),
        (
            "storage.endpoint",
            var("TEST_S3_ENDPOINT", "http://127.0.0.1:8014"),
        ),
        ("storage.bucket", var("TEST_S3_BUCKET", "gct")),
        (
            "storage.access_key_id",
            var("TEST_S3_ACCESS_KEY", "gct-test"),
        ),
        (
            "storage.secret_access_key",
            var("TEST_S3_SECRET_KEY", "gct-test-secret-key"),
        ),
        ("storage.region", Value::from("us-east-1")),
        ("storage.root", Value::from(format!("{prefix}/"))),
        ("storage.retries", Value::from(1)),
    ]
}

/// The Redis server tests use (`TEST_REDIS_URL`); each test has its own key prefix.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

pub fn unique_suffix() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Creates an empty database `gct_<random>` and returns its URL. Panics (never skips) when the
/// PostgreSQL server cannot be reached.
pub async fn create_postgres_database() -> (String, String) {
    let admin_url = postgres_admin_url();
    let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is unreachable at {admin_url} ({e}); start it (scripts/test does) or set TEST_DATABASE_URL"
        )
    });
    let name = format!("gct_{}", unique_suffix());
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create the test database");
    admin.close().await.ok();
    let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
    url.set_path(&name);
    (name, url.to_string())
}

/// A Redis cache under a fresh prefix. Panics when Redis cannot be reached.
pub async fn redis_cache(url: &str) -> RedisCache {
    let settings = RedisSettings {
        url: Some(SecretString::from(url.to_owned())),
        connect_timeout_ms: 500,
        response_timeout_ms: 500,
        reconnect_retries: 2,
    };
    let cache = RedisCache::connect(
        settings.url.as_ref().expect("set"),
        &settings,
        format!("gct:{}:", unique_suffix()),
    )
    .expect("a valid Redis URL");
    cache.ping().await.unwrap_or_else(|e| {
        panic!("Redis is unreachable at {url} ({e}); start it (scripts/test does) or set TEST_REDIS_URL")
    });
    cache
}

pub fn memory_cache() -> MemoryCache {
    MemoryCache::new(format!("gct:{}:", unique_suffix()))
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The same cache the app uses, under the same prefix.
    pub cache: SharedCache,
    /// The app's own database, for checking what a request did or did not write.
    pub db: green_channel::platform::db::Db,
    /// The app's state (plans, crypto, calendar), for arranging test data the way the app would.
    pub state: green_channel::state::AppState,
    _dir: tempfile::TempDir,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, |figment| figment).await
}

/// Starts the app with extra settings merged over the harness's own.
pub async fn spawn_app_with(
    backend: Backend,
    customize: impl FnOnce(Figment) -> Figment,
) -> TestApp {
    spawn_app_via(backend, None, None, customize).await
}

/// Like [`spawn_app_with`], with the PostgreSQL and Redis addresses rewritten (to reach them
/// through a fault proxy). `pg_port` replaces the port of the app's database URL.
pub async fn spawn_app_via(
    backend: Backend,
    pg_port: Option<u16>,
    redis_override: Option<String>,
    customize: impl FnOnce(Figment) -> Figment,
) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        green_channel::platform::telemetry::init(&green_channel::platform::config::LogSettings {
            format: green_channel::platform::config::LogFormat::Pretty,
            filter: "info".to_owned(),
            span_events: green_channel::platform::config::SpanEvents::None,
        });
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let prefix = format!("gct:{}:", unique_suffix());
    let mut figment = Settings::figment(Profile::Local)
        .merge(Serialized::default("server.port", 0))
        .merge(Serialized::default("server.workers", 1))
        // The weekly reports' tests make them themselves, on the business clock.
        .merge(Serialized::default("worker.weekly_reports", false))
        .merge(Serialized::default("server.shutdown_timeout_secs", 1))
        .merge(Serialized::default("cache.key_prefix", &prefix))
        .merge(Serialized::default(
            "storage.root",
            dir.path().join("storage").to_string_lossy(),
        ));
    match backend {
        Backend::Sqlite => {
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("green-channel.db").display()
            );
            figment = figment
                .merge(Serialized::default("database.url", url))
                .merge(Serialized::default("cache.backend", "memory"));
        }
        Backend::Postgres => {
            let (_, url) = create_postgres_database().await;
            let url = match pg_port {
                Some(port) => {
                    let mut url = url::Url::parse(&url).expect("a URL");
                    url.set_port(Some(port)).expect("a port");
                    url.to_string()
                }
                None => url,
            };
            // Make sure the real Redis is there before blaming the app for it.
            redis_cache(&redis_url()).await;
            for (key, value) in s3_settings(&format!("gct-{}", unique_suffix())) {
                figment = figment.merge(Serialized::default(key, value));
            }
            figment = figment
                .merge(Serialized::default("database.url", url))
                .merge(Serialized::default("cache.backend", "redis"))
                .merge(Serialized::default(
                    "redis.url",
                    redis_override.unwrap_or_else(redis_url),
                ));
        }
    }
    let figment = customize(figment);
    let settings = Settings::from_figment(Profile::Local, figment).expect("valid test settings");
    let application = Application::build(settings)
        .await
        .expect("the application starts");
    let port = application.port();
    let address = format!("http://127.0.0.1:{port}");
    let cache = application.state().cache.clone();
    let db = application.state().db.clone();
    let state = application.state().clone();
    tokio::spawn(application.run_until_stopped());
    green_channel::platform::crypto::install_tls_provider();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("a client");
    TestApp {
        address,
        client,
        cache,
        db,
        state,
        _dir: dir,
    }
}

/// A second instance of `app`'s service: the same settings (database, cache and its prefix,
/// object store), its own process state (pools, in-process locks, clock, calendar), its own
/// port — what a second copy behind a load balancer is.
pub async fn second_instance(app: &TestApp) -> TestApp {
    let settings = (*app.state.settings).clone();
    let application = Application::build(settings)
        .await
        .expect("the second instance starts");
    let address = format!("http://127.0.0.1:{}", application.port());
    let state = application.state().clone();
    tokio::spawn(application.run_until_stopped());
    TestApp {
        address,
        client: app.client.clone(),
        cache: state.cache.clone(),
        db: state.db.clone(),
        state,
        _dir: tempfile::tempdir().expect("a temp dir"),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    pub async fn health_live(&self) -> reqwest::Response {
        self.get("/health/live").await
    }

    pub async fn health_ready(&self) -> reqwest::Response {
        self.get("/health/ready").await
    }

    pub async fn metrics(&self) -> String {
        self.get("/metrics").await.text().await.expect("text")
    }

    pub async fn openapi(&self) -> Value {
        self.get("/api-docs/openapi.json")
            .await
            .json()
            .await
            .expect("JSON")
    }

    pub async fn get_dev_clock(&self) -> reqwest::Response {
        self.get("/api/v1/dev/clock").await
    }

    pub async fn put_dev_clock(&self, body: &Value) -> reqwest::Response {
        self.client
            .put(self.url("/api/v1/dev/clock"))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// A PUT to the dev clock with a raw body and content type, for the error-envelope tests.
    pub async fn put_dev_clock_raw(&self, content_type: &str, body: Vec<u8>) -> reqwest::Response {
        self.client
            .put(self.url("/api/v1/dev/clock"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("request sent")
    }
}

impl TestApp {
    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> reqwest::Response {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("request sent")
    }

    pub async fn wechat_login(&self, code: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/wechat-login",
            &serde_json::json!({ "code": code }),
            None,
        )
        .await
    }

    /// Logs in and returns the token answer, failing the test on anything but 200.
    pub async fn login_ok(&self, code: &str) -> Value {
        let response = self.wechat_login(code).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("JSON");
        assert_eq!(status, 200, "login failed: {body}");
        body
    }

    pub async fn refresh(&self, refresh_token: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/auth/refresh",
            &serde_json::json!({ "refresh_token": refresh_token }),
            None,
        )
        .await
    }

    pub async fn logout(&self, access_token: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/logout"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn me(&self, access_token: &str) -> reqwest::Response {
        self.client
            .get(self.url("/api/v1/me"))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn bind_phone(&self, access_token: &str, code: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/me/phone",
            &serde_json::json!({ "code": code }),
            Some(access_token),
        )
        .await
    }

    pub async fn user_count(&self) -> u64 {
        green_channel::users::store::count(&self.db)
            .await
            .expect("count users")
    }
}

/// Reads an error envelope, checking its shape on the way.
/// The URL of the app's own database (its test database on PostgreSQL, its file on SQLite).
pub fn database_url(app: &TestApp) -> String {
    use secrecy::ExposeSecret;
    app.state
        .settings
        .database
        .url
        .as_ref()
        .expect("a database URL")
        .expose_secret()
        .to_owned()
}

pub async fn error_body(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "an error is JSON, got {content_type}"
    );
    let body: Value = response.json().await.expect("JSON error body");
    let code = body["code"].as_str().expect("a string code").to_owned();
    assert!(
        code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "snake_case code: {code}"
    );
    let message = body["message"].as_str().expect("a message");
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "a Chinese message: {message}"
    );
    assert!(body["details"].is_object(), "details is an object");
    (status, code, body["details"].clone())
}

/// Polls until `check` holds or `within` passes; returns whether it held.
pub async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Runs an async test body once, on the embedded backend: for what does not depend on the
/// database or the cache (the error envelope, routing, the docs, the business clock).
#[macro_export]
macro_rules! backend_independent {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn once() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            }
        )*
    };
}

/// Runs an async test body once per backend: `<name>::sqlite_and_memory_cache` and
/// `<name>::postgres_and_redis`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_and_memory_cache() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres_and_redis() {
                    super::$name($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}
