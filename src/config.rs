//! Typed settings, layered: `config/base.toml` → the profile's file (`local`, `production`) →
//! environment variables `APP_<SECTION>__<KEY>`. The TOML files are compiled into the binary so
//! that it runs from any directory. Secrets are `secrecy` types, opened only where they are used.
//! [`Settings::validate`] is where the production profile refuses dev-only settings.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};

const BASE: &str = include_str!("../config/base.toml");
const LOCAL: &str = include_str!("../config/local.toml");
const PRODUCTION: &str = include_str!("../config/production.toml");

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
    pub log: LogSettings,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageBackend {
    /// A local directory: the embedded profile.
    Fs,
    /// Any S3-compatible store (MinIO, Tencent COS, Aliyun OSS through their S3 endpoints).
    S3,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StorageSettings {
    pub backend: StorageBackend,
    /// Directory of the `fs` backend; key prefix within the bucket for `s3` (empty: none).
    pub root: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    #[serde(default)]
    pub bucket: Option<String>,
    pub region: String,
    #[serde(default, deserialize_with = "secret_opt")]
    pub access_key_id: Option<SecretString>,
    #[serde(default, deserialize_with = "secret_opt")]
    pub secret_access_key: Option<SecretString>,
    /// `bucket.host` addressing (COS and OSS want it); path style otherwise (MinIO).
    #[serde(default)]
    pub virtual_host_style: bool,
    /// Per operation, and per read or write of a chunk.
    pub timeout_ms: u64,
    /// Retries of a failed operation (with backoff) before the request fails.
    pub retries: usize,
}

/// Medical-record photo uploads.
#[derive(Debug, Clone, Deserialize)]
pub struct UploadSettings {
    /// The largest file taken; a larger one is refused (413) as soon as the limit is crossed.
    pub max_file_bytes: usize,
    /// Documents a case holds at most (deleted ones do not count).
    pub max_documents_per_case: i32,
    /// Images declaring more pixels than this are refused before decoding.
    pub max_pixels: u64,
    /// Neither side may exceed this (pixels).
    pub max_dimension: u32,
    /// Memory one decode may allocate.
    pub max_decode_bytes: u64,
    /// The stored image's longest side at most.
    pub max_side: u32,
    pub thumbnail_side: u32,
    /// JPEG quality of the stored image (small print must stay legible).
    pub jpeg_quality: u8,
    pub thumbnail_quality: u8,
    /// Images decoded and encoded at once; 0: one per core.
    pub pipeline_workers: usize,
}

impl UploadSettings {
    pub fn workers(&self) -> usize {
        if self.pipeline_workers > 0 {
            self.pipeline_workers
        } else {
            std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
        }
    }
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
}

/// A configuration problem, worded for the operator: it names the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl ConfigError {
    fn new(problem: String) -> Self {
        Self {
            problems: vec![problem],
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.problems.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    /// The layered sources for `profile`: files, then the process environment.
    /// Tests merge their own values on top of this.
    pub fn figment(profile: Profile) -> Figment {
        let profile_file = match profile {
            Profile::Local => LOCAL,
            Profile::Production => PRODUCTION,
        };
        Figment::new()
            .merge(Toml::string(BASE))
            .merge(Toml::string(profile_file))
            .merge(Env::prefixed("APP_").split("__").ignore(&["profile"]))
    }

    /// Loads and validates the settings for the profile named by `APP_PROFILE`.
    pub fn load() -> Result<Self, ConfigError> {
        let profile = Profile::from_env()?;
        Self::from_figment(profile, Self::figment(profile))
    }

    pub fn from_figment(profile: Profile, figment: Figment) -> Result<Self, ConfigError> {
        let mut settings: Settings = figment.extract().map_err(|errors| ConfigError {
            problems: errors.into_iter().map(describe_figment_error).collect(),
        })?;
        settings.profile = profile;
        settings.validate()?;
        Ok(settings)
    }

    /// Every rule a profile imposes, all problems reported at once, one line each.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let production = self.profile == Profile::Production;

        match (&self.database.url, self.database.kind()) {
            (None, _) => problems.push("APP_DATABASE__URL is missing".to_owned()),
            (Some(_), None) => problems.push(
                "APP_DATABASE__URL must start with sqlite: or postgres:// (or postgresql://)"
                    .to_owned(),
            ),
            (Some(_), Some(DatabaseKind::Sqlite)) if production => problems.push(
                "APP_DATABASE__URL points at SQLite, which is for the embedded profile only: production needs postgres://"
                    .to_owned(),
            ),
            _ => {}
        }
        if self.cache.backend == CacheBackend::Redis && self.redis.url.is_none() {
            problems.push("APP_REDIS__URL is missing (APP_CACHE__BACKEND is redis)".to_owned());
        }
        if self.storage.backend == StorageBackend::S3 {
            for (value, name) in [
                (self.storage.endpoint.is_some(), "APP_STORAGE__ENDPOINT"),
                (self.storage.bucket.is_some(), "APP_STORAGE__BUCKET"),
                (
                    self.storage.access_key_id.is_some(),
                    "APP_STORAGE__ACCESS_KEY_ID",
                ),
                (
                    self.storage.secret_access_key.is_some(),
                    "APP_STORAGE__SECRET_ACCESS_KEY",
                ),
            ] {
                if !value {
                    problems.push(format!("{name} is missing (APP_STORAGE__BACKEND is s3)"));
                }
            }
        } else if self.storage.root.trim().is_empty() {
            problems.push("APP_STORAGE__ROOT is empty (APP_STORAGE__BACKEND is fs)".to_owned());
        }
        match &self.jwt.secret {
            None => problems.push("APP_JWT__SECRET is missing".to_owned()),
            Some(secret) if production && secret.expose_secret().len() < MIN_JWT_SECRET_BYTES => {
                problems.push(format!(
                    "APP_JWT__SECRET is too short: production needs at least {MIN_JWT_SECRET_BYTES} bytes"
                ))
            }
            _ => {}
        }
        for (key, name) in [
            (&self.crypto.data_key, "APP_CRYPTO__DATA_KEY"),
            (&self.crypto.index_key, "APP_CRYPTO__INDEX_KEY"),
        ] {
            match key {
                None => problems.push(format!("{name} is missing")),
                Some(key) if decode_key(key).is_none() => problems.push(format!(
                    "{name} must be the base64 encoding of exactly 32 bytes"
                )),
                Some(_) => {}
            }
        }
        if let (Some(data), Some(index)) = (&self.crypto.data_key, &self.crypto.index_key)
            && data.expose_secret() == index.expose_secret()
        {
            problems.push("APP_CRYPTO__INDEX_KEY must differ from APP_CRYPTO__DATA_KEY".to_owned());
        }
        if self.jwt.access_ttl_secs == 0 || self.jwt.refresh_ttl_secs <= self.jwt.access_ttl_secs {
            problems.push(
                "APP_JWT__REFRESH_TTL_SECS must be longer than APP_JWT__ACCESS_TTL_SECS, both above 0"
                    .to_owned(),
            );
        }
        if self.server.json_limit_bytes == 0 {
            problems.push("APP_SERVER__JSON_LIMIT_BYTES must be greater than 0".to_owned());
        }
        let uploads = &self.uploads;
        for (ok, problem) in [
            (
                uploads.max_file_bytes > 0,
                "APP_UPLOADS__MAX_FILE_BYTES must be greater than 0",
            ),
            (
                uploads.max_documents_per_case > 0,
                "APP_UPLOADS__MAX_DOCUMENTS_PER_CASE must be greater than 0",
            ),
            (
                uploads.thumbnail_side > 0 && uploads.thumbnail_side <= uploads.max_side,
                "APP_UPLOADS__THUMBNAIL_SIDE must be between 1 and APP_UPLOADS__MAX_SIDE",
            ),
            (
                uploads.max_side <= uploads.max_dimension,
                "APP_UPLOADS__MAX_SIDE must not exceed APP_UPLOADS__MAX_DIMENSION",
            ),
            (
                (1..=100).contains(&uploads.jpeg_quality)
                    && (1..=100).contains(&uploads.thumbnail_quality),
                "APP_UPLOADS__JPEG_QUALITY and APP_UPLOADS__THUMBNAIL_QUALITY must be 1–100",
            ),
            (
                uploads.max_pixels > 0 && uploads.max_decode_bytes > 0,
                "APP_UPLOADS__MAX_PIXELS and APP_UPLOADS__MAX_DECODE_BYTES must be greater than 0",
            ),
        ] {
            if !ok {
                problems.push(problem.to_owned());
            }
        }
        if url::Url::parse(&self.wechat.base_url).is_err() {
            problems.push("APP_WECHAT__BASE_URL is not a URL".to_owned());
        }

        if production {
            if self.cache.backend == CacheBackend::Memory {
                problems.push(
                    "APP_CACHE__BACKEND is memory, the in-process cache of the embedded profile: production needs redis"
                        .to_owned(),
                );
            }
            if self.storage.backend == StorageBackend::Fs {
                problems.push(
                    "APP_STORAGE__BACKEND is fs, local files of the embedded profile: production needs s3"
                        .to_owned(),
                );
            }
            if self.wechat.app_id.trim().is_empty() {
                problems.push("APP_WECHAT__APP_ID is missing".to_owned());
            }
            if self.wechat.app_secret.is_none() {
                problems.push("APP_WECHAT__APP_SECRET is missing".to_owned());
            }
            if self.wechat.dev_login {
                problems.push(
                    "APP_WECHAT__DEV_LOGIN is a dev-only switch and must be false in production"
                        .to_owned(),
                );
            }
            if self.clock.now.is_some() {
                problems.push(
                    "APP_CLOCK__NOW is a dev-only setting: production always runs on the real clock"
                        .to_owned(),
                );
            }
            if self.clock.adjustable {
                problems.push(
                    "APP_CLOCK__ADJUSTABLE is a dev-only switch and must be false in production"
                        .to_owned(),
                );
            }
        }

        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }

    pub fn is_production(&self) -> bool {
        self.profile == Profile::Production
    }

    /// Whether `PUT /api/v1/dev/clock` is mounted.
    pub fn dev_clock_enabled(&self) -> bool {
        !self.is_production() && self.clock.adjustable
    }
}

/// A 32-byte key from its base64 text.
pub fn decode_key(key: &SecretString) -> Option<[u8; 32]> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(key.expose_secret().trim())
        .ok()?;
    <[u8; 32]>::try_from(bytes.as_slice()).ok()
}

/// figment names the key; we name the environment variable an operator would set.
fn describe_figment_error(error: figment::error::Error) -> String {
    let variable = if error.path.is_empty() {
        String::from("configuration")
    } else {
        format!("APP_{}", error.path.join("__").to_ascii_uppercase())
    };
    let missing = matches!(error.kind, figment::error::Kind::MissingField(_));
    let variable = match (&error.kind, missing) {
        (figment::error::Kind::MissingField(field), true) => {
            if error.path.is_empty() {
                format!("APP_{}", field.to_ascii_uppercase())
            } else {
                format!("{variable}__{}", field.to_ascii_uppercase())
            }
        }
        _ => variable,
    };
    if missing {
        format!("{variable} is missing")
    } else {
        format!("{variable} is invalid: {}", error.kind)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Serialized;

    fn load(profile: Profile, pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        // No process environment here: unit tests must not depend on the machine's APP_ vars.
        let profile_file = match profile {
            Profile::Local => LOCAL,
            Profile::Production => PRODUCTION,
        };
        let mut figment = Figment::new()
            .merge(Toml::string(BASE))
            .merge(Toml::string(profile_file));
        for (key, value) in pairs {
            figment = figment.merge(Serialized::default(key, value));
        }
        Settings::from_figment(profile, figment)
    }

    const GOOD_PRODUCTION: &[(&str, &str)] = &[
        ("database.url", "postgres://app:pw@db:5432/green_channel"),
        ("redis.url", "redis://redis:6379"),
        ("storage.endpoint", "http://minio:9000"),
        ("storage.bucket", "green-channel"),
        ("storage.access_key_id", "minio"),
        ("storage.secret_access_key", "minio-secret"),
        ("wechat.app_id", "wx1234567890"),
        ("wechat.app_secret", "0123456789abcdef"),
        ("jwt.secret", "0123456789abcdef0123456789abcdef-production"),
        (
            "crypto.data_key",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        ),
        (
            "crypto.index_key",
            "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
        ),
    ];

    fn production_without(key: &str) -> Vec<(&'static str, &'static str)> {
        GOOD_PRODUCTION
            .iter()
            .copied()
            .filter(|(k, _)| *k != key)
            .collect()
    }

    #[test]
    fn the_local_profile_loads_with_no_environment() {
        let settings = load(Profile::Local, &[]).expect("local defaults are valid");
        assert_eq!(settings.database.kind(), Some(DatabaseKind::Sqlite));
        assert_eq!(settings.cache.backend, CacheBackend::Memory);
        assert_eq!(settings.storage.backend, StorageBackend::Fs);
        assert_eq!(settings.server.port, 8080);
        assert_eq!(settings.server.host, "127.0.0.1");
    }

    #[test]
    fn a_complete_production_profile_loads() {
        let settings = load(Profile::Production, GOOD_PRODUCTION).expect("valid");
        assert!(settings.is_production());
        assert!(!settings.dev_clock_enabled());
    }

    #[test]
    fn production_names_each_missing_secret() {
        for (key, variable) in [
            ("jwt.secret", "APP_JWT__SECRET"),
            ("wechat.app_secret", "APP_WECHAT__APP_SECRET"),
            ("database.url", "APP_DATABASE__URL"),
            ("redis.url", "APP_REDIS__URL"),
            (
                "storage.secret_access_key",
                "APP_STORAGE__SECRET_ACCESS_KEY",
            ),
            ("crypto.data_key", "APP_CRYPTO__DATA_KEY"),
            ("crypto.index_key", "APP_CRYPTO__INDEX_KEY"),
        ] {
            let error = load(Profile::Production, &production_without(key)).expect_err("refused");
            assert_eq!(error.problems.len(), 1, "{error}");
            assert!(error.problems[0].starts_with(variable), "{error}");
        }
    }

    #[test]
    fn production_refuses_sqlite_memory_cache_fs_storage_and_dev_switches() {
        for (key, value, variable) in [
            ("database.url", "sqlite://var/x.db", "APP_DATABASE__URL"),
            ("cache.backend", "memory", "APP_CACHE__BACKEND"),
            ("storage.backend", "fs", "APP_STORAGE__BACKEND"),
            ("wechat.dev_login", "true", "APP_WECHAT__DEV_LOGIN"),
            ("clock.now", "2026-03-31T10:00:00+08:00", "APP_CLOCK__NOW"),
            ("clock.adjustable", "true", "APP_CLOCK__ADJUSTABLE"),
            ("jwt.secret", "short-secret", "APP_JWT__SECRET"),
            ("crypto.data_key", "c2hvcnQ=", "APP_CRYPTO__DATA_KEY"),
        ] {
            let mut pairs = production_without(key);
            pairs.push((key, value));
            let mut figment = Figment::new()
                .merge(Toml::string(BASE))
                .merge(Toml::string(PRODUCTION));
            for (k, v) in &pairs {
                figment = match *v {
                    "true" => figment.merge(Serialized::default(k, true)),
                    _ => figment.merge(Serialized::default(k, v)),
                };
            }
            let error = Settings::from_figment(Profile::Production, figment).expect_err("refused");
            assert!(
                error.problems.iter().any(|p| p.starts_with(variable)),
                "{key}: {error}"
            );
        }
    }

    #[test]
    fn a_numeric_secret_is_read_as_text() {
        let mut figment = Figment::new()
            .merge(Toml::string(BASE))
            .merge(Toml::string(LOCAL));
        figment = figment.merge(Serialized::default("jwt.secret", 12345678));
        let settings = Settings::from_figment(Profile::Local, figment).expect("valid");
        assert_eq!(
            settings.jwt.secret.expect("set").expose_secret(),
            "12345678"
        );
    }

    #[test]
    fn a_pinned_clock_must_be_an_rfc3339_instant() {
        let error = load(Profile::Local, &[("clock.now", "tomorrow")]).expect_err("refused");
        assert!(
            error.problems[0].starts_with("APP_CLOCK__NOW is invalid"),
            "{error}"
        );
        let settings = load(
            Profile::Local,
            &[("clock.now", "2026-03-31T10:00:00+08:00")],
        )
        .expect("valid");
        assert_eq!(
            settings.clock.now.expect("pinned").to_rfc3339(),
            "2026-03-31T10:00:00+08:00"
        );
    }

    #[test]
    fn an_unknown_profile_is_refused() {
        assert!(Profile::parse("staging").is_err());
        assert_eq!(Profile::parse("production"), Ok(Profile::Production));
    }
}
