//! The web glue of the error contract: [`ApiError`] as an actix response, actix's own extractor
//! errors mapped to our codes, and [`envelope_fallback`] rewriting any response that still leaves
//! the app as a non-JSON error (an unknown route, a wrong method).

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use serde_json::json;

use crate::platform::error::{ApiError, Kind, codes};

/// The status line of an error kind.
pub fn status_of(kind: Kind) -> StatusCode {
    StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        status_of(self.kind())
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            match self.cause() {
                Some(cause) => {
                    tracing::error!(code = self.code(), error = %format!("{cause:#}"), "request failed")
                }
                None => tracing::error!(code = self.code(), "request failed"),
            }
        }
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"green-channel\""),
            ));
        }
        if let Some(seconds) = self.retry_after_secs() {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if let Some(methods) = self.allowed() {
            response.insert_header((header::ALLOW, methods.to_owned()));
        }
        response.json(self.body())
    }
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
            Kind::UnsupportedMediaType,
            codes::UNSUPPORTED_MEDIA_TYPE,
            "请求内容类型必须是 application/json",
        ),
        JsonPayloadError::Deserialize(e) => super::json_refusal(&e),
        JsonPayloadError::Payload(PayloadError::Overflow) => too_large(limit),
        JsonPayloadError::Payload(_) => ApiError::new(
            Kind::BadRequest,
            codes::BAD_REQUEST,
            "请求内容不完整，请重试",
        ),
        _ => ApiError::new(
            Kind::BadRequest,
            codes::BAD_REQUEST,
            "请求内容无法读取，请重试",
        ),
    }
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        Kind::PayloadTooLarge,
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
        ApiError::new(Kind::BadRequest, codes::INVALID_QUERY, "查询参数不正确")
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
        invalid_path(reason).into()
    })
}

/// A path parameter that does not parse (what [`path_config`] answers).
pub fn invalid_path(reason: String) -> ApiError {
    ApiError::new(Kind::BadRequest, codes::INVALID_PATH, "路径参数不正确")
        .with_details(json!({ "reason": reason }))
}

/// The default service: an unknown route, or a known one asked with a method it does not take
/// (method-guarded resources fall through to here rather than answering 405 themselves).
pub async fn route_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    if req.resource_map().has_resource(req.path()) {
        let mut error = ApiError::new(
            Kind::MethodNotAllowed,
            codes::METHOD_NOT_ALLOWED,
            "该接口不支持此请求方法",
        );
        if let Some(routes) = req.app_data::<web::Data<RouteTable>>()
            && let Some(methods) = routes.allowed(req.path())
        {
            error = error.allow(methods.to_owned());
        }
        return Err(error);
    }
    Err(ApiError::new(
        Kind::NotFound,
        codes::NOT_FOUND,
        "请求的接口不存在",
    ))
}

/// The methods each documented route takes, read from the OpenAPI document once, when the app
/// is built, and handed to [`route_not_found`] as app data (a 405 names them in `Allow`).
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, String)>,
}

impl RouteTable {
    pub fn new(document: &utoipa::openapi::OpenApi) -> Self {
        let routes = document
            .paths
            .paths
            .iter()
            .map(|(pattern, item)| {
                let mut methods = Vec::new();
                if item.get.is_some() {
                    methods.extend(["GET", "HEAD"]);
                }
                for (present, name) in [
                    (item.post.is_some(), "POST"),
                    (item.put.is_some(), "PUT"),
                    (item.delete.is_some(), "DELETE"),
                    (item.patch.is_some(), "PATCH"),
                ] {
                    if present {
                        methods.push(name);
                    }
                }
                (
                    pattern.split('/').map(str::to_owned).collect(),
                    methods.join(", "),
                )
            })
            .collect();
        Self { routes }
    }

    /// The methods the documented route matching `path` takes: `GET, HEAD` where it takes GET.
    fn allowed(&self, path: &str) -> Option<&str> {
        let segments: Vec<&str> = path.split('/').collect();
        self.routes
            .iter()
            .find(|(pattern, _)| {
                pattern.len() == segments.len()
                    && pattern.iter().zip(&segments).all(|(p, s)| {
                        p == s || (p.starts_with('{') && p.ends_with('}') && !s.is_empty())
                    })
            })
            .map(|(_, methods)| methods.as_str())
            .filter(|methods| !methods.is_empty())
    }
}

/// Error responses that leave the app without our envelope (a wrong method, actix's own 4xx,
/// a 5xx from a library) are rewritten here, so a client only ever sees one format.
pub fn envelope_fallback<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let ours = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    // JSON errors are ours already; HTML ones are the console's pages.
    if ours {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let kind = Kind::of_status(status.as_u16());
    let error = match kind {
        Kind::NotFound => ApiError::new(kind, codes::NOT_FOUND, "请求的接口不存在"),
        Kind::MethodNotAllowed => {
            ApiError::new(kind, codes::METHOD_NOT_ALLOWED, "该接口不支持此请求方法")
        }
        Kind::PayloadTooLarge => ApiError::new(kind, codes::PAYLOAD_TOO_LARGE, "请求内容过大"),
        Kind::UnsupportedMediaType => {
            ApiError::new(kind, codes::UNSUPPORTED_MEDIA_TYPE, "不支持的请求内容类型")
        }
        Kind::Unavailable => ApiError::new(
            kind,
            codes::SERVICE_UNAVAILABLE,
            "服务暂时不可用，请稍后重试",
        ),
        Kind::Internal => ApiError::new(kind, codes::INTERNAL_ERROR, "服务器开小差了，请稍后重试"),
        _ => ApiError::new(kind, codes::BAD_REQUEST, "请求不正确"),
    };
    // A 5xx of a library's own reads as a plain 500; any other status is kept as it was.
    let status = match kind {
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        _ => status,
    };
    let (request, old) = response.into_parts();
    let mut new = HttpResponse::build(status);
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
