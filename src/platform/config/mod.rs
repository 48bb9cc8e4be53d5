//! Typed settings, layered: `config/base.toml` → the profile's file (`local`, `production`) →
//! environment variables `APP_<SECTION>__<KEY>`. The TOML files are compiled into the binary so
//! that it runs from any directory. Secrets are `secrecy` types, opened only where they are used.
//! [`Settings::validate`] is where the production profile refuses dev-only settings.

use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

const BASE: &str = include_str!("../../../config/base.toml");
const LOCAL: &str = include_str!("../../../config/local.toml");
const PRODUCTION: &str = include_str!("../../../config/production.toml");

/// The shortest JWT signing secret production accepts (HS256 wants at least 256 bits).
pub const MIN_JWT_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    Local,
    Production,
}

impl Profile {
    /// Reads `APP_PROFILE` (default `local`).
    pub fn from_env() -> Result<Self, ConfigError> {
        match std::env::var("APP_PROFILE") {
            Err(_) => Ok(Profile::Local),
            Ok(value) => Self::parse(&value),
        }
    }

    pub fn parse(value: &str) -> Result<Self, ConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "local" => Ok(Profile::Local),
            "production" | "prod" => Ok(Profile::Production),
            other => Err(ConfigError::new(format!(
                "APP_PROFILE is `{other}`: expected `local` or `production`"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Local => "local",
            Profile::Production => "production",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(skip_deserializing, default = "default_profile")]
    pub profile: Profile,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub cache: CacheSettings,
    pub redis: RedisSettings,
    pub storage: StorageSettings,
    pub uploads: UploadSettings,
    pub wechat: WechatSettings,
    pub jwt: JwtSettings,
    pub crypto: CryptoSettings,
    pub limits: LimitSettings,
    pub clock: ClockSettings,
    pub plans: PlanSettings,
    pub health: HealthSettings,
    pub cases: CaseSettings,
    pub worker: WorkerSettings,
    pub calendar: CalendarSettings,
    pub notifications: NotificationSettings,
    pub retention: RetentionSettings,
    #[serde(default)]
    pub console: ConsoleSettings,
    pub log: LogSettings,
}

/// How long what the insured gave is kept (PIPL Art. 19: no longer than the purpose needs).
/// The seeds name no period: these are readings to confirm with the insurers (README).
#[derive(Debug, Clone, Deserialize)]
pub struct RetentionSettings {
    /// Days a case's medical-record files and reports are kept after the case ends
    /// (completed, cancelled, missed or terminated); the consent text states the figure.
    pub records_days: u32,
    /// Days an insurer's weekly report is kept after it was made.
    pub weekly_reports_days: u32,
}

/// The specialists' web console (`/console/`).
#[derive(Debug, Clone, Deserialize)]
pub struct ConsoleSettings {
    /// How long a console login lasts (absolute; logout and deactivation end it at once).
    pub session_ttl_secs: u64,
    /// How long a console login lasts without a request (a screen of health data left open on
    /// an unattended desk): each request starts the span again.
    pub idle_timeout_secs: u64,
    /// How often the queue page refreshes its rows.
    pub queue_refresh_secs: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            session_ttl_secs: 8 * 3600,
            idle_timeout_secs: 30 * 60,
            queue_refresh_secs: 30,
        }
    }
}

fn default_profile() -> Profile {
    Profile::Local
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    pub shutdown_timeout_secs: u64,
    pub json_limit_bytes: usize,
    /// Peers whose `X-Forwarded-For` is believed (the load balancers).
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The operators' token: with it set, `/metrics`, `/docs/` and the OpenAPI document answer
    /// only `Authorization: Bearer <token>` (anyone else: 404). Required in production.
    #[serde(default, deserialize_with = "secret_opt")]
    pub ops_token: Option<SecretString>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    #[serde(default, deserialize_with = "secret_opt")]
    pub url: Option<SecretString>,
    pub max_connections: u32,
    pub min_connections: u32,
    pub connect_timeout_ms: u64,
    pub acquire_timeout_ms: u64,
    pub migrate_on_start: bool,
}

impl DatabaseSettings {
    pub fn kind(&self) -> Option<DatabaseKind> {
        self.url
            .as_ref()
            .and_then(|url| DatabaseKind::of(url.expose_secret()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

impl DatabaseKind {
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(DatabaseKind::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(DatabaseKind::Postgres)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CacheBackend {
    /// In-process, single node: the embedded profile.
    Memory,
    Redis,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CacheSettings {
    pub backend: CacheBackend,
    pub key_prefix: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RedisSettings {
    #[serde(default, deserialize_with = "secret_opt")]
    pub url: Option<SecretString>,
    pub connect_timeout_ms: u64,
    pub response_timeout_ms: u64,
    pub reconnect_retries: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WechatSettings {
    pub base_url: String,
    pub app_id: String,
    #[serde(default, deserialize_with = "secret_opt")]
    pub app_secret: Option<SecretString>,
    /// Dev-only: `dev:<name>` login codes without calling WeChat.
    pub dev_login: bool,
    pub timeout_ms: u64,
    /// The message-push Token (3–32 characters; 开发管理 → 消息推送配置).
    #[serde(default, deserialize_with = "secret_opt")]
    pub push_token: Option<SecretString>,
    /// The message-push EncodingAESKey (43 characters, safe mode).
    #[serde(default, deserialize_with = "secret_opt")]
    pub encoding_aes_key: Option<SecretString>,
    /// `developer`, `trial` or `formal`: which version of the mini-program a message opens.
    pub miniprogram_state: MiniprogramState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MiniprogramState {
    Developer,
    Trial,
    Formal,
}

impl MiniprogramState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Developer => "developer",
            Self::Trial => "trial",
            Self::Formal => "formal",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct JwtSettings {
    #[serde(default, deserialize_with = "secret_opt")]
    pub secret: Option<SecretString>,
    pub issuer: String,
    pub access_ttl_secs: u64,
    pub refresh_ttl_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CryptoSettings {
    /// AES-256-GCM key for personal data at rest (base64 of 32 bytes).
    #[serde(default, deserialize_with = "secret_opt")]
    pub data_key: Option<SecretString>,
    /// HMAC-SHA256 key of the blind indexes (base64 of 32 bytes), separate from the data key.
    #[serde(default, deserialize_with = "secret_opt")]
    pub index_key: Option<SecretString>,
}

/// Abuse limits, counted in the cache on real time windows.
#[derive(Debug, Clone, Deserialize)]
pub struct LimitSettings {
    pub login_per_ip_per_minute: u32,
    pub login_per_openid_per_hour: u32,
    pub refresh_per_ip_per_minute: u32,
    pub refresh_per_session_per_hour: u32,
    pub phone_per_user_per_hour: u32,
    pub bind_failures_per_user_per_day: u32,
    pub bind_failures_per_id_per_day: u32,
    pub invitation_redeems_per_user_per_hour: u32,
    /// Console logins per client address.
    pub staff_login_per_ip_per_minute: u32,
    /// Failed console logins per account before it is held for an hour.
    pub staff_login_failures_per_hour: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ClockSettings {
    /// Dev-only: the business clock starts at this instant and runs on from there.
    #[serde(default, deserialize_with = "instant_opt")]
    pub now: Option<DateTime<FixedOffset>>,
    /// Dev-only: mounts `PUT /api/v1/dev/clock` (loopback callers only).
    pub adjustable: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PlanSettings {
    /// The directory of the product plan files.
    pub dir: std::path::PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CaseSettings {
    /// A draft not submitted within this many hours expires and gives its use back.
    pub draft_ttl_hours: u32,
    /// How often each instance looks for expired drafts.
    pub sweep_interval_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HealthSettings {
    /// Each readiness check gives up after this long, so `/health/ready` answers within a second.
    pub check_timeout_ms: u64,
}

impl HealthSettings {
    pub fn check_timeout(&self) -> Duration {
        Duration::from_millis(self.check_timeout_ms)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    pub filter: String,
    /// Also log each span as it closes, with its fields and timings (`close`), or not (`none`):
    /// for following one request's path through the areas and stores.
    #[serde(default)]
    pub span_events: SpanEvents,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpanEvents {
    #[default]
    None,
    Close,
}

mod files;
mod jobs;
mod load;
#[cfg(test)]
mod tests;

pub use files::{PIPELINE_BUDGET_UNIT, StorageBackend, StorageSettings, UploadSettings};
pub use jobs::{CalendarSettings, NotificationSettings, WorkerSettings};
pub use load::{ConfigError, aes_key, decode_key};

/// Environment values that look like numbers arrive as numbers: a secret is still a string.
fn secret_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<SecretString>, D::Error> {
    let value = Option::<StringLike>::deserialize(deserializer)?;
    Ok(value
        .map(|v| v.0)
        .filter(|v| !v.trim().is_empty())
        .map(SecretString::from))
}

fn instant_opt<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
    let value = Option::<StringLike>::deserialize(deserializer)?;
    match value.map(|v| v.0).filter(|v| !v.trim().is_empty()) {
        None => Ok(None),
        Some(text) => DateTime::parse_from_rfc3339(text.trim())
            .map(Some)
            .map_err(|e| {
                serde::de::Error::custom(format!(
                    "`{text}` is not an RFC 3339 instant such as 2026-03-31T10:00:00+08:00 ({e})"
                ))
            }),
    }
}

struct StringLike(String);

impl<'de> Deserialize<'de> for StringLike {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
            Float(f64),
            Bool(bool),
        }
        Ok(StringLike(match Raw::deserialize(deserializer)? {
            Raw::Text(s) => s,
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
            Raw::Bool(b) => b.to_string(),
        }))
    }
}
