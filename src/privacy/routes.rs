//! `DELETE /api/v1/me`: the insured deletes their account.

use actix_web::{delete, web};

use super::erasure::{self, Deleted};
use crate::auth::CurrentUser;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Deletes the caller's account: every session ends, the WeChat account, phone, policy
/// bindings, consents, subscriptions and messages are removed, the cases keep only what the
/// insurer's reports need, and the medical records of ended cases are removed from storage.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Deleted),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
        (status = 409, description = "`open_cases`: a case (or a draft) has not ended (`details.cases`: their numbers)", body = ErrorBody),
    )
)]
#[delete("/me")]
pub async fn delete_account(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<Deleted>, ApiError> {
    Ok(web::Json(erasure::delete_account(&state, &user).await?))
}
