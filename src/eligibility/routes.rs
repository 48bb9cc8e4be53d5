//! `GET /api/v1/policies/{id}/entitlements`.

use actix_web::{get, web};
use uuid::Uuid;

use super::service::{self, EntitlementsResponse};
use crate::auth::CurrentUser;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// What the caller may use of a bound policy today, and why not where not.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The policy's id")),
    responses(
        (status = 200, body = EntitlementsResponse),
        (status = 404, description = "`not_found`: no such policy bound to the caller", body = ErrorBody),
        (status = 400, description = "`invalid_path`", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/policies/{id}/entitlements")]
pub async fn entitlements(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<EntitlementsResponse>, ApiError> {
    Ok(web::Json(
        service::entitlements(&state, user.user_id, *path).await?,
    ))
}
