use super::*;
use figment::Figment;
use figment::providers::{Format, Serialized, Toml};

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
        "server.ops_token",
        "0123456789abcdef0123456789abcdef-operators",
    ),
    (
        "crypto.data_key",
        "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    ),
    (
        "crypto.index_key",
        "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4NzY1NDMyMTA=",
    ),
    ("wechat.push_token", "pushToken2026"),
    (
        "wechat.encoding_aes_key",
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
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
        ("server.ops_token", "APP_SERVER__OPS_TOKEN"),
        ("wechat.app_secret", "APP_WECHAT__APP_SECRET"),
        ("database.url", "APP_DATABASE__URL"),
        ("redis.url", "APP_REDIS__URL"),
        (
            "storage.secret_access_key",
            "APP_STORAGE__SECRET_ACCESS_KEY",
        ),
        ("crypto.data_key", "APP_CRYPTO__DATA_KEY"),
        ("crypto.index_key", "APP_CRYPTO__INDEX_KEY"),
        ("wechat.push_token", "APP_WECHAT__PUSH_TOKEN"),
        ("wechat.encoding_aes_key", "APP_WECHAT__ENCODING_AES_KEY"),
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
        ("server.ops_token", "short-token", "APP_SERVER__OPS_TOKEN"),
        ("crypto.data_key", "c2hvcnQ=", "APP_CRYPTO__DATA_KEY"),
        (
            "wechat.miniprogram_state",
            "developer",
            "APP_WECHAT__MINIPROGRAM_STATE",
        ),
        (
            "wechat.encoding_aes_key",
            "too-short",
            "APP_WECHAT__ENCODING_AES_KEY",
        ),
        ("wechat.push_token", "ab", "APP_WECHAT__PUSH_TOKEN"),
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

#[test]
fn objects_left_behind_are_given_longer_than_the_slowest_upload() {
    let settings = load(Profile::Local, &[]).expect("defaults");
    assert_eq!(settings.storage.orphan_grace_secs, 6 * 3600);
    // 512 MiB at 1 MiB/s plus the 10 s deadline, twice over.
    let slowest = settings
        .storage
        .longest_write_secs(settings.uploads.max_dicom_bytes);
    assert_eq!(slowest, 522);
    let figment = Figment::new()
        .merge(Toml::string(BASE))
        .merge(Toml::string(LOCAL))
        .merge(Serialized::default("storage.orphan_grace_secs", 1043));
    let error = Settings::from_figment(Profile::Local, figment).expect_err("refused");
    assert!(
        error.problems[0].starts_with("APP_STORAGE__ORPHAN_GRACE_SECS must be at least 1044"),
        "{error}"
    );
}

#[test]
fn records_are_kept_for_a_period_of_days() {
    let settings = load(Profile::Local, &[]).expect("defaults");
    assert_eq!(settings.retention.records_days, 180);
    assert_eq!(settings.retention.weekly_reports_days, 1095);
    let figment = Figment::new()
        .merge(Toml::string(BASE))
        .merge(Toml::string(LOCAL))
        .merge(Serialized::default("retention.records_days", 0));
    let error = Settings::from_figment(Profile::Local, figment).expect_err("refused");
    assert!(
        error.problems[0].starts_with("APP_RETENTION__RECORDS_DAYS"),
        "{error}"
    );
}

#[test]
fn the_console_idle_span_is_within_the_session() {
    let settings = load(Profile::Local, &[]).expect("defaults");
    assert_eq!(
        (
            settings.console.idle_timeout_secs,
            settings.console.session_ttl_secs
        ),
        (1800, 28800)
    );
    for idle in [0_u64, 28801] {
        let figment = Figment::new()
            .merge(Toml::string(BASE))
            .merge(Toml::string(LOCAL))
            .merge(Serialized::default("console.idle_timeout_secs", idle));
        let error = Settings::from_figment(Profile::Local, figment).expect_err("refused");
        assert!(
            error.problems[0].starts_with("APP_CONSOLE__IDLE_TIMEOUT_SECS must be"),
            "{error}"
        );
    }
}

#[test]
fn an_encoding_aes_key_is_43_characters_of_base64() {
    assert!(aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").is_some());
    assert!(aes_key("too-short").is_none());
    assert!(aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEF!").is_none());
}
