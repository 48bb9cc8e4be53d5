//! `/api/v1/me/consents`: the texts, the user's answers, accepting and withdrawing.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::service::{self, ConsentView};
use crate::auth::CurrentUser;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The consents the service asks for, with their texts and the caller's answers.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ConsentView>), (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody))
)]
#[get("/me/consents")]
pub async fn list(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<Vec<ConsentView>>, ApiError> {
    Ok(web::Json(service::list(&state, user.user_id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    #[schema(max_length = 32)]
    pub purpose: String,
    /// The version the user was shown.
    #[schema(max_length = 16)]
    pub version: String,
}

/// Accepts the current version of a consent text (separately, for that purpose alone).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = AcceptRequest,
    responses(
        (status = 201, body = ConsentView, description = "Recorded"),
        (status = 200, body = ConsentView, description = "Already accepted; nothing changed"),
        (status = 409, description = "`consent_version_outdated`: the text changed; show the new one", body = ErrorBody),
        (status = 422, description = "`unknown_consent`, `field_too_long`", body = ErrorBody),
    )
)]
#[post("/me/consents")]
pub async fn accept_consent(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<AcceptRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::http::check_lengths(&[
        ("purpose", Some(&body.purpose), 32),
        ("version", Some(&body.version), 16),
    ])?;
    let (view, created) =
        service::accept_current(&state, user.user_id, &body.purpose, &body.version).await?;
    Ok(match created {
        true => HttpResponse::Created().json(view),
        false => HttpResponse::Ok().json(view),
    })
}

/// Withdraws a consent: from now on nothing is taken under it.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    params(("purpose" = String, Path, description = "`medical_records`")),
    responses(
        (status = 200, body = ConsentView),
        (status = 422, description = "`unknown_consent`", body = ErrorBody),
    )
)]
#[post("/me/consents/{purpose}/withdraw")]
pub async fn withdraw_consent(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<ConsentView>, ApiError> {
    Ok(web::Json(
        service::withdraw_current(&state, user.user_id, &path).await?,
    ))
}
