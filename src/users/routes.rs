use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::bind;
use super::service::{self, MeResponse};
use crate::auth::CurrentUser;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

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
