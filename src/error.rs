//! One wire format for every error: `{"code", "message", "details"}`. `code` is a stable
//! snake_case contract the mini-program and the console switch on (pinned by tests); `message`
//! is Chinese text a user can act on; `details` is an object (empty when there is nothing more).
//!
//! Areas keep their own `thiserror` enums and convert into [`ApiError`]. actix's own extractor
//! errors are mapped by the `*_config` functions below, and [`envelope_fallback`] rewrites any
//! response that still leaves the app as a non-JSON error (an unknown route, a wrong method).
//! 5xx bodies never carry internals: the cause goes to the log, the client gets a generic text.

use std::borrow::Cow;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde::Serialize;
use serde_json::{Value, json};
use utoipa::ToSchema;

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

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
    details: Value,
    retry_after_secs: Option<u64>,
    cause: Option<anyhow::Error>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            details: json!({}),
            retry_after_secs: None,
            cause: None,
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

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    /// An unexpected failure: logged with its cause chain, answered with a generic 500.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL_ERROR,
            "服务器开小差了，请稍后重试",
        );
        error.cause = Some(cause.into());
        error
    }

    /// A dependency (database, cache, WeChat) is unreachable right now.
    pub fn unavailable(code: &'static str, cause: impl Into<anyhow::Error>) -> Self {
        let mut error = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            code,
            "服务暂时不可用，请稍后重试",
        )
        .retry_after(5);
        error.cause = Some(cause.into());
        error
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, codes::NOT_FOUND, "请求的内容不存在")
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
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {cause:#}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

impl From<crate::wechat::WechatError> for ApiError {
    fn from(error: crate::wechat::WechatError) -> Self {
        Self::unavailable(crate::auth::error::codes::WECHAT_UNAVAILABLE, error)
    }
}

impl From<anyhow::Error> for ApiError {
    fn from(cause: anyhow::Error) -> Self {
        Self::internal(cause)
    }
}

/// A cache that does not answer makes the request fail fast with 503, never 500: the caller can
/// retry, and nothing was half-done on its behalf.
impl From<crate::cache::CacheError> for ApiError {
    fn from(error: crate::cache::CacheError) -> Self {
        match error {
            crate::cache::CacheError::Unavailable(_) => {
                Self::unavailable(codes::CACHE_UNAVAILABLE, error)
            }
            other => Self::internal(other),
        }
    }
}

/// Lost or unobtainable connections are an outage (503); anything else is a bug (500).
/// Constraint violations are mapped by each area's store, by constraint name, before this.
impl From<sea_orm::DbErr> for ApiError {
    fn from(error: sea_orm::DbErr) -> Self {
        match error {
            sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_) => {
                Self::unavailable(codes::DATABASE_UNAVAILABLE, error)
            }
            other => Self::internal(other),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            match &self.cause {
                Some(cause) => {
                    tracing::error!(code = self.code, error = %format!("{cause:#}"), "request failed")
                }
                None => tracing::error!(code = self.code, "request failed"),
            }
        }
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"green-channel\""),
            ));
        }
        if let Some(seconds) = self.retry_after_secs {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.json(self.body())
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
}

/// JSON bodies: size limit, content type and syntax each get their own code.
pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(move |error, _req| json_error(error, limit).into())
}

fn json_error(error: JsonPayloadError, limit: usize) -> ApiError {
    match error {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            too_large(limit)
        }
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::UNSUPPORTED_MEDIA_TYPE,
            "请求内容类型必须是 application/json",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::INVALID_BODY,
            "请求内容缺少字段或字段格式不正确",
        )
        .with_details(json!({ "reason": e.to_string() })),
        JsonPayloadError::Deserialize(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::MALFORMED_JSON,
            "请求内容不是有效的 JSON",
        )
        .with_details(json!({ "line": e.line(), "column": e.column() })),
        JsonPayloadError::Payload(PayloadError::Overflow) => too_large(limit),
        JsonPayloadError::Payload(_) => ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            "请求内容不完整，请重试",
        ),
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::BAD_REQUEST,
            "请求内容无法读取，请重试",
        ),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        codes::PAYLOAD_TOO_LARGE,
        "请求内容过大",
    )
    .with_details(json!({ "limit_bytes": limit }))
}

/// Raw bodies (`Bytes`, `String` extractors).
pub fn payload_config(limit: usize) -> web::PayloadConfig {
    web::PayloadConfig::new(limit)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|error, _req| {
        let reason = match &error {
            QueryPayloadError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_QUERY,
            "查询参数不正确",
        )
        .with_details(json!({ "reason": reason }))
        .into()
    })
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req| {
        let reason = match &error {
            PathError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_PATH,
            "路径参数不正确",
        )
        .with_details(json!({ "reason": reason }))
        .into()
    })
}

/// The default service: an unknown route, or a known one asked with a method it does not take
/// (method-guarded resources fall through to here rather than answering 405 themselves).
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.resource_map().has_resource(req.path()) {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            codes::METHOD_NOT_ALLOWED,
            "该接口不支持此请求方法",
        ));
    }
    Err(ApiError::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        "请求的接口不存在",
    ))
}

/// Error responses that leave the app without our envelope (a wrong method, actix's own 4xx,
/// a 5xx from a library) are rewritten here, so a client only ever sees one format.
pub fn envelope_fallback<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let error = match status {
        StatusCode::NOT_FOUND => ApiError::new(status, codes::NOT_FOUND, "请求的接口不存在"),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, codes::METHOD_NOT_ALLOWED, "该接口不支持此请求方法")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(status, codes::PAYLOAD_TOO_LARGE, "请求内容过大")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            codes::UNSUPPORTED_MEDIA_TYPE,
            "不支持的请求内容类型",
        ),
        StatusCode::SERVICE_UNAVAILABLE => ApiError::new(
            status,
            codes::SERVICE_UNAVAILABLE,
            "服务暂时不可用，请稍后重试",
        ),
        s if s.is_server_error() => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            codes::INTERNAL_ERROR,
            "服务器开小差了，请稍后重试",
        ),
        s => ApiError::new(s, codes::BAD_REQUEST, "请求不正确"),
    };
    let (request, old) = response.into_parts();
    let mut new = HttpResponse::build(error.status());
    // Keep the headers that other layers set (request id, Allow, Retry-After) but the body's own.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    new.insert_header((
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    ));
    let body: BoxBody = BoxBody::new(serde_json::to_string(&error.body()).unwrap_or_default());
    let new = new.body(body);
    Ok(ErrorHandlerResponse::Response(ServiceResponse::new(
        request,
        new.map_body(|_, b| EitherBody::right(b)),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_dependency_is_a_503_not_a_500() {
        let cache: ApiError =
            crate::cache::CacheError::Unavailable("connection refused".to_owned()).into();
        assert_eq!(cache.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(cache.code(), codes::CACHE_UNAVAILABLE);
        let db: ApiError =
            sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout).into();
        assert_eq!(db.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(db.code(), codes::DATABASE_UNAVAILABLE);
        assert!(
            db.error_response()
                .headers()
                .contains_key(header::RETRY_AFTER)
        );
        let bug: ApiError = sea_orm::DbErr::Custom("syntax".to_owned()).into();
        assert_eq!(bug.status(), StatusCode::INTERNAL_SERVER_ERROR);
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
