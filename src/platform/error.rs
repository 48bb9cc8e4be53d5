//! One wire format for every error: `{"code", "message", "details"}`. `code` is a stable
//! snake_case contract the mini-program and the console switch on (pinned by tests); `message`
//! is Chinese text a user can act on; `details` is an object (empty when there is nothing more).
//!
//! Each area keeps its own `thiserror` enum ([`AreaError`]): the variant names are the codes
//! (snake_case), the `#[error]` texts are the messages, and one `kind` match per area decides
//! the status. They convert into [`ApiError`], the value a handler returns; the web glue
//! (`crate::http::errors`) turns that into a response. Nothing here knows the web framework.
//! 5xx bodies never carry internals: the cause goes to the log, the client gets a generic text.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::db::{DbErr, connection_lost};

/// The body of every error response.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[schema(example = json!({"code": "malformed_json", "message": "请求内容不是有效的 JSON", "details": {}}))]
pub struct ErrorBody {
    /// Stable snake_case machine code.
    pub code: String,
    /// A Chinese message the user can act on.
    pub message: String,
    /// More about the error; an empty object when there is nothing more.
    #[schema(value_type = Object)]
    pub details: Value,
}

/// What kind of refusal an error is: decides the HTTP status, named for its meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    /// Was there and is no more (a file removed at the end of its retention period).
    Gone,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Internal,
    Unavailable,
}

impl Kind {
    pub fn status(self) -> u16 {
        match self {
            Kind::BadRequest => 400,
            Kind::Unauthorized => 401,
            Kind::Forbidden => 403,
            Kind::NotFound => 404,
            Kind::Gone => 410,
            Kind::MethodNotAllowed => 405,
            Kind::Conflict => 409,
            Kind::PayloadTooLarge => 413,
            Kind::UnsupportedMediaType => 415,
            Kind::Unprocessable => 422,
            Kind::TooManyRequests => 429,
            Kind::Internal => 500,
            Kind::Unavailable => 503,
        }
    }

    /// The kind of an HTTP status (for responses the framework made itself).
    pub fn of_status(status: u16) -> Self {
        match status {
            401 => Kind::Unauthorized,
            403 => Kind::Forbidden,
            404 => Kind::NotFound,
            410 => Kind::Gone,
            405 => Kind::MethodNotAllowed,
            409 => Kind::Conflict,
            413 => Kind::PayloadTooLarge,
            415 => Kind::UnsupportedMediaType,
            422 => Kind::Unprocessable,
            429 => Kind::TooManyRequests,
            503 => Kind::Unavailable,
            s if s >= 500 => Kind::Internal,
            _ => Kind::BadRequest,
        }
    }
}

/// An area's error enum: the variant's snake_case name is its code (`strum::IntoStaticStr`), its
/// `Display` (the `#[error]` text) its message; the area says the kind and any details.
/// Variants that carry another area's error or a [`Fault`] pass it through unchanged.
pub trait AreaError: std::error::Error + Sized {
    fn kind(&self) -> Kind;
    fn code(&self) -> &'static str;
    fn details(&self) -> Value {
        json!({})
    }
    /// Seconds after which a retry may succeed (429 and 503 answers).
    fn retry_after(&self) -> Option<u64> {
        None
    }
    /// Another area's error or a fault, answered as itself.
    fn pass_through(self) -> Result<ApiError, Self> {
        Err(self)
    }
    /// Every code the area answers with (pass-through variants excluded): the public contract.
    fn codes() -> Vec<&'static str>;
}

/// Every area error answers as itself: `?` in a handler turns it into the JSON refusal.
impl<E: AreaError> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self::from_area(error)
    }
}

/// The codes of an area enum: its variant names less those that pass another error through
/// (named either way: `wechat_unavailable` or `WechatUnavailable`).
pub fn variant_codes(names: &[&'static str], pass_through: &[&str]) -> Vec<&'static str> {
    let bare = |name: &str| name.replace('_', "").to_ascii_lowercase();
    names
        .iter()
        .copied()
        .filter(|name| !pass_through.iter().any(|p| bare(p) == bare(name)))
        .collect()
}

/// The glue every area error shares, written once inside its `impl AreaError`: the code is the
/// variant's snake_case name (`strum::IntoStaticStr`); the variants named carry another area's
/// error or a [`Fault`] and answer as it; the area's codes are its other variants
/// (`strum::VariantNames`). `area_error_glue!(Access, Fault)`. An area whose pass-through does
/// more than answer as the inner error writes `pass_through` itself and uses
/// `area_error_glue!(codes except Limited, Fault)`.
macro_rules! area_error_glue {
    (codes except $($via:ident),+ $(,)?) => {
        fn code(&self) -> &'static str {
            self.into()
        }

        fn codes() -> Vec<&'static str> {
            $crate::platform::error::variant_codes(
                <Self as strum::VariantNames>::VARIANTS,
                &[$(stringify!($via)),+],
            )
        }
    };
    ($($via:ident),+ $(,)?) => {
        $crate::platform::error::area_error_glue!(codes except $($via),+);

        fn pass_through(self) -> Result<$crate::platform::error::ApiError, Self> {
            match self {
                $(Self::$via(inner) => Ok(inner.into()),)+
                other => Err(other),
            }
        }
    };
}
pub(crate) use area_error_glue;

/// A database or cache error met by an area is a [`Fault`] of its error enum (its `Fault`
/// variant): `faults_from!(CaseError)`, or `faults_from!(PolicyError, cache)` for both. Gives
/// the enum `unexpected(what)` too: a bug or a broken invariant, as a fault.
macro_rules! faults_from {
    ($error:ty) => {
        impl From<$crate::platform::db::DbErr> for $error {
            fn from(error: $crate::platform::db::DbErr) -> Self {
                Self::Fault(error.into())
            }
        }

        impl $error {
            /// A bug or a broken invariant (a case of an unknown plan, a row that does not
            /// parse): logged with its cause, answered with a generic 500.
            #[allow(dead_code)]
            pub fn unexpected(what: impl std::fmt::Display) -> Self {
                Self::Fault($crate::platform::error::Fault::Unexpected(anyhow::anyhow!(
                    "{what}"
                )))
            }
        }
    };
    ($error:ty, cache) => {
        $crate::platform::error::faults_from!($error);

        impl From<$crate::platform::cache::CacheError> for $error {
            fn from(error: $crate::platform::cache::CacheError) -> Self {
                Self::Fault(error.into())
            }
        }
    };
}
pub(crate) use faults_from;

/// A dependency failed or a bug surfaced: never the user's doing. Every area enum carries it.
#[derive(Debug, thiserror::Error)]
pub enum Fault {
    #[error(transparent)]
    Database(#[from] DbErr),
    #[error(transparent)]
    Cache(#[from] crate::platform::cache::CacheError),
    #[error("object storage: {0}")]
    Storage(#[from] crate::platform::storage::StorageError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    kind: Kind,
    code: &'static str,
    message: Cow<'static, str>,
    details: Value,
    retry_after_secs: Option<u64>,
    /// For 405: the methods the resource takes (the `Allow` header).
    allow: Option<Box<str>>,
    cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(kind: Kind, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            details: json!({}),
            retry_after_secs: None,
            allow: None,
            cause: None,
        }
    }

    /// The answer an area error gives.
    pub fn from_area<E: AreaError>(error: E) -> Self {
        match error.pass_through() {
            Ok(api) => api,
            Err(error) => {
                let message = error.to_string();
                let mut api =
                    Self::new(error.kind(), error.code(), message).with_details(error.details());
                api.retry_after_secs = error.retry_after();
                api
            }
        }
    }

    pub fn with_message(mut self, message: impl Into<Cow<'static, str>>) -> Self {
        self.message = message.into();
        self
    }

    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// Adds a `Retry-After` header (429 and 503 answers).
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after_secs = Some(seconds);
        self
    }

    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn retry_after_secs(&self) -> Option<u64> {
        self.retry_after_secs
    }

    /// A 405's `Allow` header: the methods the resource takes.
    pub fn allow(mut self, methods: impl Into<Box<str>>) -> Self {
        self.allow = Some(methods.into());
        self
    }

    pub fn allowed(&self) -> Option<&str> {
        self.allow.as_deref()
    }

    pub fn cause(&self) -> Option<&anyhow::Error> {
        self.cause.as_ref()
    }

    /// An unexpected failure: logged with its cause chain, answered with a generic 500.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            Kind::Internal,
            codes::INTERNAL_ERROR,
            "服务器开小差了，请稍后重试",
        );
        error.cause = Some(cause.into());
        error
    }

    /// A dependency (database, cache, WeChat) is unreachable right now.
    pub fn unavailable(code: &'static str, cause: impl Into<anyhow::Error>) -> Self {
        let mut error =
            Self::new(Kind::Unavailable, code, "服务暂时不可用，请稍后重试").retry_after(5);
        error.cause = Some(cause.into());
        error
    }

    pub fn not_found() -> Self {
        Self::new(Kind::NotFound, codes::NOT_FOUND, "请求的内容不存在")
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code.to_owned(),
            message: self.message.to_string(),
            details: self.details.clone(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status(), self.code)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause:#}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<anyhow::Error> for ApiError {
    fn from(cause: anyhow::Error) -> Self {
        Self::internal(cause)
    }
}

/// A cache that does not answer makes the request fail fast with 503, never 500: the caller can
/// retry, and nothing was half-done on its behalf.
impl From<crate::platform::cache::CacheError> for ApiError {
    fn from(error: crate::platform::cache::CacheError) -> Self {
        match error {
            crate::platform::cache::CacheError::Unavailable(_) => {
                Self::unavailable(codes::CACHE_UNAVAILABLE, error)
            }
            other => Self::internal(other),
        }
    }
}

/// Lost or unobtainable connections are an outage (503); anything else is a bug (500).
/// Constraint violations are mapped by each area's store, by constraint name, before this.
impl From<DbErr> for ApiError {
    fn from(error: DbErr) -> Self {
        if connection_lost(&error) {
            Self::unavailable(codes::DATABASE_UNAVAILABLE, error)
        } else {
            Self::internal(error)
        }
    }
}

impl From<Fault> for ApiError {
    fn from(fault: Fault) -> Self {
        match fault {
            Fault::Database(e) => e.into(),
            Fault::Cache(e) => e.into(),
            Fault::Storage(e) => Self::unavailable(codes::STORAGE_UNAVAILABLE, e)
                .with_message("资料存储暂时不可用，请稍后重试"),
            // A store that reports through anyhow may still carry an outage.
            Fault::Unexpected(e) => match e.downcast::<DbErr>() {
                Ok(db) => db.into(),
                Err(e) => Self::internal(e),
            },
        }
    }
}

/// The stable codes shared by every area. Area-specific codes live in their areas.
pub mod codes {
    pub const INTERNAL_ERROR: &str = "internal_error";
    pub const NOT_FOUND: &str = "not_found";
    pub const METHOD_NOT_ALLOWED: &str = "method_not_allowed";
    pub const MALFORMED_JSON: &str = "malformed_json";
    pub const INVALID_BODY: &str = "invalid_body";
    pub const PAYLOAD_TOO_LARGE: &str = "payload_too_large";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported_media_type";
    pub const INVALID_QUERY: &str = "invalid_query";
    pub const INVALID_PATH: &str = "invalid_path";
    pub const BAD_REQUEST: &str = "bad_request";
    pub const NOT_READY: &str = "not_ready";
    pub const SERVICE_UNAVAILABLE: &str = "service_unavailable";
    pub const DATABASE_UNAVAILABLE: &str = "database_unavailable";
    pub const CACHE_UNAVAILABLE: &str = "cache_unavailable";
    pub const STORAGE_UNAVAILABLE: &str = "storage_unavailable";

    /// Every shared code (the public contract, with the areas' own).
    pub const ALL: &[&str] = &[
        INTERNAL_ERROR,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        MALFORMED_JSON,
        INVALID_BODY,
        PAYLOAD_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        INVALID_QUERY,
        INVALID_PATH,
        BAD_REQUEST,
        NOT_READY,
        SERVICE_UNAVAILABLE,
        DATABASE_UNAVAILABLE,
        CACHE_UNAVAILABLE,
        STORAGE_UNAVAILABLE,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_dependency_is_a_503_not_a_500() {
        // (The database's errors are checked beside the connection: `platform::db::store`.)
        let cache: ApiError =
            crate::platform::cache::CacheError::Unavailable("connection refused".to_owned()).into();
        assert_eq!(cache.status(), 503);
        assert_eq!(cache.code(), codes::CACHE_UNAVAILABLE);
    }

    #[test]
    fn a_server_error_body_never_carries_its_cause() {
        let error = ApiError::internal(anyhow::anyhow!("password=hunter2 at db.internal:5432"));
        let body = serde_json::to_string(&error.body()).expect("serialises");
        assert!(!body.contains("hunter2"));
        assert!(!body.contains("db.internal"));
        assert_eq!(error.code(), codes::INTERNAL_ERROR);
    }
}
