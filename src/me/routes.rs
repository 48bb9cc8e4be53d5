use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::login::{self, LoginCode};
use super::service::{self, MeResponse, UserSummary};
use crate::auth::CurrentUser;
use crate::auth::answer::{RefreshRequest, TokenPair, tokens_answer};
use crate::auth::error::AuthError;
use crate::auth::tokens;
use crate::platform::error::{ApiError, ErrorBody};
use crate::platform::net::client_ip;
use crate::state::AppState;
use crate::users::bind;

#[derive(Debug, Deserialize, ToSchema)]
pub struct BindPhoneRequest {
    /// `e.detail.code` from `<button open-type="getPhoneNumber">` (five minutes, single use).
    /// Locally also `dev:<11-digit mobile>`.
    #[schema(max_length = 256)]
    pub code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PhoneResponse {
    #[schema(example = "138****1234")]
    pub phone: String,
    #[schema(example = "86")]
    pub country_code: String,
}

/// The logged-in user.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = MeResponse),
        (status = 401, description = "`token_missing`, `token_invalid`, `token_algorithm_invalid`, `token_expired`, `token_audience_invalid`, `session_revoked`", body = ErrorBody),
        (status = 503, description = "`cache_unavailable`, `database_unavailable`", body = ErrorBody),
    )
)]
#[get("/me")]
pub async fn me(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let body = service::me_json(&state, crate::auth::extractor::bearer(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body))
}

/// Binds the phone number from WeChat's phone button.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = BindPhoneRequest,
    responses(
        (status = 200, body = PhoneResponse),
        (status = 400, description = "`phone_code_invalid`: the code expired, was used, or belongs to another user or app; `wechat_not_configured` (local profile: use `dev:<mobile>`)", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
        (status = 422, description = "`phone_unsupported`, `field_too_long`, `invalid_body`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, `wechat_rate_limited` (with Retry-After)", body = ErrorBody),
        (status = 503, description = "`wechat_unavailable`, `cache_unavailable`, `database_unavailable`", body = ErrorBody),
    )
)]
#[post("/me/phone")]
pub async fn bind_phone(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<BindPhoneRequest>,
) -> Result<web::Json<PhoneResponse>, ApiError> {
    crate::http::check_lengths(&[("code", Some(&body.code), 256)])?;
    let phone = bind::bind_phone(&state, &user, body.code.trim()).await?;
    Ok(web::Json(PhoneResponse {
        phone: phone.masked(),
        country_code: phone.country_code().to_owned(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct WechatLoginRequest {
    /// The code from `wx.login()` (valid five minutes, single use). Locally also `dev:<name>`.
    #[schema(value_type = String, max_length = 256, example = "0a3Xk2000yZ1AB1Yz0300WcZqL3Xk20X")]
    pub code: LoginCode,
}

/// A mini-program session's tokens and whose they are.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    #[serde(flatten)]
    pub tokens: TokenPair,
    pub user: UserSummary,
}

/// Logs in with a `wx.login()` code.
#[utoipa::path(
    tag = "auth",
    request_body = WechatLoginRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 400, description = "`wechat_code_invalid`, `wechat_code_used`, `dev_login_disabled`, `wechat_not_configured` (local profile without credentials: log in with `dev:<name>`), `malformed_json`", body = ErrorBody),
        (status = 403, description = "`wechat_user_blocked`: WeChat flags the account as high-risk", body = ErrorBody),
        (status = 422, description = "`invalid_body`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, `wechat_rate_limited` (with Retry-After)", body = ErrorBody),
        (status = 503, description = "`wechat_unavailable`, `cache_unavailable`, `database_unavailable`", body = ErrorBody),
    )
)]
#[post("/auth/wechat-login")]
pub async fn wechat_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<WechatLoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let outcome = login::login(&state, body.into_inner().code, ip).await?;
    Ok(tokens_answer(&TokenResponse {
        tokens: outcome.tokens.into(),
        user: outcome.user,
    }))
}

/// Trades a refresh token for a new access token and the next refresh token.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, description = "`refresh_token_invalid`, `refresh_token_reused` (the session is ended), `session_revoked`", body = ErrorBody),
        (status = 422, description = "`field_too_long`, `invalid_body`", body = ErrorBody),
        (status = 429, description = "`rate_limited` (with Retry-After)", body = ErrorBody),
        (status = 503, description = "`cache_unavailable`", body = ErrorBody),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::http::check_lengths(&[("refresh_token", Some(&body.refresh_token), 256)])?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let (tokens, record) = tokens::refresh(&state, &body.refresh_token, ip).await?;
    if record.audience != crate::platform::jwt::AUDIENCE_MINIAPP {
        // A console refresh token: it is refreshed at /staff/auth/refresh only.
        return Err(AuthError::SessionRevoked.into());
    }
    let summary = service::summary_of(&state, record.user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(tokens_answer(&TokenResponse {
        tokens: tokens.into(),
        user: summary,
    }))
}

/// Ends this session: its access and refresh tokens stop working on every instance at once.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "`token_missing`, `token_invalid`, `token_expired`, `session_revoked`, …", body = ErrorBody),
    )
)]
#[post("/auth/logout")]
pub async fn logout(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    tokens::logout(&state, user.user_id, &user.session_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
