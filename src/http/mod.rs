//! What the handlers share about HTTP and nothing else: the error contract's web glue, paging
//! parameters, the client's address, the `Idempotency-Key` header and stored answers.

pub mod errors;
pub mod idempotency;
pub mod multipart;
pub mod ops_gate;
pub mod outage_guard;

pub use crate::platform::net::client_ip;

use crate::platform::error::{ApiError, Kind};

/// A page of a list, as asked: `page` from 1, `per_page` 1–100 (default 1 and 20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub page: u32,
    pub per_page: u32,
}

impl Paging {
    pub fn parse(page: Option<u32>, per_page: Option<u32>) -> Result<Self, ApiError> {
        let page = page.unwrap_or(1);
        let per_page = per_page.unwrap_or(20);
        if page == 0 || !(1..=100).contains(&per_page) {
            return Err(ApiError::new(
                Kind::BadRequest,
                "invalid_paging",
                "分页参数无效：page 从 1 开始，per_page 为 1–100",
            ));
        }
        Ok(Self { page, per_page })
    }
}

/// A body that is JSON but not the expected shape: 422 `invalid_body`, saying what is wrong.
pub fn invalid_body(error: &serde_json::Error) -> ApiError {
    ApiError::new(
        Kind::Unprocessable,
        crate::platform::error::codes::INVALID_BODY,
        "请求内容缺少字段或字段格式不正确",
    )
    .with_details(serde_json::json!({ "reason": error.to_string() }))
}

/// A JSON body read after the caller was authenticated (extractors run together: a `Json`
/// extractor could refuse a body before an authentication extractor refused its caller).
/// Syntax errors are 400 `malformed_json`, wrong shapes 422 `invalid_body`.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| json_refusal(&e))
}

/// How a body that does not read as the expected JSON is refused: 422 `invalid_body` for a wrong
/// shape, 400 `malformed_json` (with where) for broken syntax. The `Json` extractor's errors and
/// bodies read by hand both answer through here.
pub fn json_refusal(error: &serde_json::Error) -> ApiError {
    if error.is_data() {
        return invalid_body(error);
    }
    ApiError::new(
        Kind::BadRequest,
        crate::platform::error::codes::MALFORMED_JSON,
        "请求内容不是有效的 JSON",
    )
    .with_details(serde_json::json!({ "line": error.line(), "column": error.column() }))
}

/// The codes the shared HTTP helpers answer with.
pub const CODES: &[&str] = &["invalid_paging", FIELD_TOO_LONG];

/// A text field of a request body over its length (the column that holds it).
pub const FIELD_TOO_LONG: &str = "field_too_long";

/// Checks the text fields of a request body against their maximum lengths, in characters (what
/// the OpenAPI schema states as `maxLength` and the columns hold), before anything is read or
/// written: 422 `field_too_long` naming the field.
pub fn check_lengths(fields: &[(&'static str, Option<&str>, usize)]) -> Result<(), ApiError> {
    for (field, value, max) in fields {
        if value.is_some_and(|v| v.chars().count() > *max) {
            return Err(ApiError::new(
                Kind::Unprocessable,
                FIELD_TOO_LONG,
                format!("“{field}”最多 {max} 个字，请删减后重试"),
            )
            .with_details(serde_json::json!({ "field": field, "max": max })));
        }
    }
    Ok(())
}

/// The headers every private file is answered with: our type (never sniffed by the browser),
/// sandboxed, cached (`cache`) only privately; `disposition` says inline or attachment.
fn private_headers(
    media_type: String,
    disposition: String,
    cache: String,
) -> actix_web::HttpResponseBuilder {
    use actix_web::http::header;
    let mut builder = actix_web::HttpResponse::Ok();
    builder
        .content_type(media_type)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_DISPOSITION, disposition));
    builder
}

/// A stored file streamed with our own headers (see [`private_headers`]).
pub fn private_file(
    object: crate::platform::storage::ObjectStream,
    media_type: String,
    disposition: String,
    cache: String,
) -> actix_web::HttpResponse {
    private_headers(media_type, disposition, cache)
        .no_chunking(object.length)
        .streaming(object.chunks)
}

/// A file held in memory (a plan's form), with the same headers as a stored one.
pub fn private_bytes(
    bytes: bytes::Bytes,
    media_type: String,
    disposition: String,
    cache: String,
) -> actix_web::HttpResponse {
    private_headers(media_type, disposition, cache).body(bytes)
}

/// `attachment` with the name in UTF-8 (RFC 6266 / 5987), and an ASCII fallback
/// (`file.<extension>`).
pub fn attachment(file_name: &str) -> String {
    let encoded: String = file_name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect();
    let extension = file_name.rsplit('.').next().unwrap_or("bin");
    format!("attachment; filename=\"report.{extension}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_chinese_file_name_is_sent_in_utf8() {
        assert_eq!(
            super::attachment("周报.csv"),
            "attachment; filename=\"report.csv\"; filename*=UTF-8''%E5%91%A8%E6%8A%A5.csv"
        );
    }
}
