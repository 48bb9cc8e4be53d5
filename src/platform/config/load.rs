//! Loading the layers and refusing what production must not run with.

use std::fmt;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use secrecy::{ExposeSecret, SecretString};

use super::*;

/// A configuration problem, worded for the operator: it names the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub problems: Vec<String>,
}

impl ConfigError {
    pub(super) fn new(problem: String) -> Self {
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
        // The files shipped beside the binary are found from any working directory.
        settings.plans.dir = locate(&settings.plans.dir);
        settings.notifications.templates_file = locate(&settings.notifications.templates_file);
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
        match &self.server.ops_token {
            None if production => problems.push(
                "APP_SERVER__OPS_TOKEN is missing: production serves /metrics and /docs only to the operators".to_owned(),
            ),
            Some(token) if production && token.expose_secret().len() < MIN_JWT_SECRET_BYTES => {
                problems.push(format!(
                    "APP_SERVER__OPS_TOKEN is too short: production needs at least {MIN_JWT_SECRET_BYTES} bytes"
                ))
            }
            _ => {}
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
        let console = &self.console;
        if console.idle_timeout_secs == 0 || console.idle_timeout_secs > console.session_ttl_secs {
            problems.push(
                "APP_CONSOLE__IDLE_TIMEOUT_SECS must be above 0 and at most APP_CONSOLE__SESSION_TTL_SECS"
                    .to_owned(),
            );
        }
        let largest = [
            self.uploads.max_file_bytes as u64,
            self.uploads.max_pdf_bytes,
            self.uploads.max_dicom_bytes,
        ]
        .into_iter()
        .max()
        .unwrap_or(0);
        let slowest = self.storage.longest_write_secs(largest);
        if self.storage.orphan_grace_secs < (2 * slowest).max(600) {
            problems.push(format!(
                "APP_STORAGE__ORPHAN_GRACE_SECS must be at least {} (twice the slowest upload's write, at least 10 minutes)",
                (2 * slowest).max(600)
            ));
        }
        if self.retention.records_days == 0 || self.retention.weekly_reports_days == 0 {
            problems.push(
                "APP_RETENTION__RECORDS_DAYS and APP_RETENTION__WEEKLY_REPORTS_DAYS must be greater than 0"
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
                uploads.max_pdf_bytes > 0
                    && uploads.max_dicom_bytes > 0
                    && uploads.max_record_files_per_case > 0,
                "APP_UPLOADS__MAX_PDF_BYTES, APP_UPLOADS__MAX_DICOM_BYTES and APP_UPLOADS__MAX_RECORD_FILES_PER_CASE must be greater than 0",
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
            (
                uploads.pipeline_budget_bytes >= uploads.max_decode_bytes,
                "APP_UPLOADS__PIPELINE_BUDGET_BYTES must be at least APP_UPLOADS__MAX_DECODE_BYTES (or an allowed image could never be processed)",
            ),
            (
                uploads.max_expansion > 0,
                "APP_UPLOADS__MAX_EXPANSION must be greater than 0",
            ),
        ] {
            if !ok {
                problems.push(problem.to_owned());
            }
        }
        if let Some(token) = &self.wechat.push_token
            && !(3..=32).contains(&token.expose_secret().len())
        {
            problems.push("APP_WECHAT__PUSH_TOKEN must be 3–32 characters".to_owned());
        }
        if let Some(key) = &self.wechat.encoding_aes_key
            && aes_key(key.expose_secret()).is_none()
        {
            problems.push(
                "APP_WECHAT__ENCODING_AES_KEY must be the 43-character EncodingAESKey".to_owned(),
            );
        }
        let worker = &self.worker;
        if worker.batch_size == 0
            || worker.concurrency == 0
            || worker.lease_secs == 0
            || worker.max_attempts < 1
            || worker.backoff_base_secs == 0
            || worker.backoff_max_secs < worker.backoff_base_secs
        {
            problems.push(
                "APP_WORKER__*: batch size, concurrency, lease and attempts must be above 0, and the backoff maximum at least its base"
                    .to_owned(),
            );
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
            if self.wechat.push_token.is_none() {
                problems.push("APP_WECHAT__PUSH_TOKEN is missing (message push)".to_owned());
            }
            if self.wechat.encoding_aes_key.is_none() {
                problems.push("APP_WECHAT__ENCODING_AES_KEY is missing (message push)".to_owned());
            }
            if self.wechat.miniprogram_state == super::MiniprogramState::Developer {
                problems.push(
                    "APP_WECHAT__MINIPROGRAM_STATE is developer, a dev-only setting: production sends formal (or trial)"
                        .to_owned(),
                );
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

/// The 32-byte AES key of an EncodingAESKey (43 base64 characters without the final `=`).
/// WeChat generates the 43 characters at random, so the last one may carry trailing bits a
/// strict decoder refuses: they are allowed, as WeChat's own (Java) decoder allows them.
pub fn aes_key(encoding_aes_key: &str) -> Option<[u8; 32]> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    if encoding_aes_key.len() != 43 {
        return None;
    }
    let bytes = LENIENT.decode(encoding_aes_key).ok()?;
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

/// A relative path of the files shipped with the service (the plan files, the subscribe
/// templates), as found: from the working directory, else from the directory of the running
/// binary and up to three above it (`target/release/` in a checkout, `/app/bin/` in an image),
/// else from the source tree it was built from; as given when none holds it (the load then says
/// it is missing). An absolute path is kept.
pub fn locate(path: &std::path::Path) -> std::path::PathBuf {
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    let binary_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(std::path::Path::to_path_buf));
    binary_dir
        .iter()
        .flat_map(|dir| dir.ancestors().take(4))
        .map(std::path::Path::to_path_buf)
        .chain(std::iter::once(std::path::PathBuf::from(env!(
            "CARGO_MANIFEST_DIR"
        ))))
        .map(|dir| dir.join(path))
        .find(|candidate| candidate.exists())
        .unwrap_or_else(|| path.to_path_buf())
}
