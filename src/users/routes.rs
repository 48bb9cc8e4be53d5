use actix_web::{get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::phone::PhoneNumber;
use super::{bind, store};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    pub id: Uuid,
    /// Masked: `138****1234`.
    #[schema(example = "138****1234")]
    pub phone: Option<String>,
    pub phone_country_code: Option<String>,
    pub phone_bound: bool,
    pub policies_bound: bool,
    /// Bound policies, masked.
    pub policies: Vec<crate::policies::service::PolicySummary>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BindPhoneRequest {
    /// `e.detail.code` from `<button open-type="getPhoneNumber">` (five minutes, single use).
    /// Locally also `dev:<11-digit mobile>`.
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
pub async fn me(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<MeResponse>, ApiError> {
    let account = store::find(&state.db, user.user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let phone = match (&account.phone_enc, &account.phone_country_code) {
        (Some(sealed), Some(country_code)) => {
            let normalised = state
                .crypto
                .open_str(sealed, &store::phone_aad(account.id))
                .map_err(ApiError::internal)?;
            Some(
                PhoneNumber::from_normalised(country_code, &normalised)
                    .map_err(ApiError::internal)?
                    .masked(),
            )
        }
        _ => None,
    };
    let policies: Vec<_> = crate::policies::store::bound(&state.db, account.id)
        .await?
        .iter()
        .map(|(p, r)| crate::policies::service::summary(&state, p, *r))
        .collect();
    Ok(web::Json(MeResponse {
        id: account.public_id,
        phone_bound: phone.is_some(),
        phone,
        phone_country_code: account.phone_country_code,
        policies_bound: !policies.is_empty(),
        policies,
        created_at: account.created_at,
    }))
}

/// Binds the phone number from WeChat's phone button.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = BindPhoneRequest,
    responses(
        (status = 200, body = PhoneResponse),
        (status = 400, description = "`phone_code_invalid`: the code expired, was used, or belongs to another user or app", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
        (status = 422, description = "`phone_unsupported`, `invalid_body`", body = ErrorBody),
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
    let phone = bind::bind_phone(&state, &user, body.code.trim()).await?;
    Ok(web::Json(PhoneResponse {
        phone: phone.masked(),
        country_code: phone.country_code().to_owned(),
    }))
}
