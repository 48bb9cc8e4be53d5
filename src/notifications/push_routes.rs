//! `/api/v1/wechat/push`: WeChat's message push (安全模式, JSON). `GET` is the URL check (the
//! `echostr` echoed as plain text); `POST` carries events, answered `success` at once.

use actix_web::{HttpResponse, get, post, web};

use super::push_events::{self, PushQuery};
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(check).service(receive);
}

/// The URL check WeChat makes when the push URL is configured: `signature` over the Token,
/// `timestamp` and `nonce`; the answer is `echostr`, verbatim.
#[utoipa::path(
    tag = "wechat",
    params(PushQuery),
    responses(
        (status = 200, description = "the echostr, verbatim, as text", content_type = "text/plain", body = String),
        (status = 401, description = "`push_signature_invalid`, `push_stale`", body = ErrorBody),
        (status = 404, description = "`push_not_configured`", body = ErrorBody),
    )
)]
#[get("/wechat/push")]
pub async fn check(
    state: web::Data<AppState>,
    query: web::Query<PushQuery>,
) -> Result<HttpResponse, ApiError> {
    let echo = push_events::verify_url(&state, &query)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(echo))
}

/// An event in safe mode: `{"ToUserName": "…", "Encrypt": "…"}` with `msg_signature` over the
/// Token, `timestamp`, `nonce` and `Encrypt`. Subscribe popup, change and sent events are
/// recorded; a retry of one already handled is acknowledged and changes nothing.
#[utoipa::path(
    tag = "wechat",
    params(PushQuery),
    request_body(content = Object, description = "WeChat's safe-mode envelope"),
    responses(
        (status = 200, description = "success, as text", content_type = "text/plain", body = String),
        (status = 400, description = "`push_malformed`", body = ErrorBody),
        (status = 401, description = "`push_signature_invalid`, `push_stale`", body = ErrorBody),
        (status = 404, description = "`push_not_configured`", body = ErrorBody),
    )
)]
#[post("/wechat/push")]
pub async fn receive(
    state: web::Data<AppState>,
    query: web::Query<PushQuery>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let handled = push_events::receive(&state, &query, &body).await?;
    tracing::info!(?handled, "wechat push");
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body("success"))
}
