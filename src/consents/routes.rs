use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{ALL, ConsentText, accept, by_purpose, latest, withdraw};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody, Kind};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// `medical_records`.
    pub purpose: &'static str,
    /// The current version of the text: send it back to accept.
    pub version: &'static str,
    pub title: &'static str,
    /// The full text (Markdown) the user is shown before accepting.
    pub text: &'static str,
    /// The user holds an unwithdrawn acceptance of this version.
    pub accepted: bool,
    pub accepted_version: Option<String>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

async fn view(
    state: &AppState,
    user_id: i64,
    consent: ConsentText,
) -> Result<ConsentView, ApiError> {
    let row = latest(&state.db, user_id, consent.purpose).await?;
    Ok(ConsentView {
        purpose: consent.purpose,
        version: consent.version,
        title: consent.title,
        text: consent.text,
        accepted: row
            .as_ref()
            .is_some_and(|r| r.withdrawn_at.is_none() && r.version == consent.version),
        accepted_version: row.as_ref().map(|r| r.version.clone()),
        accepted_at: row.as_ref().map(|r| r.accepted_at),
        withdrawn_at: row.and_then(|r| r.withdrawn_at),
    })
}

fn unknown_purpose() -> ApiError {
    ApiError::new(Kind::Unprocessable, "unknown_consent", "没有这项同意事项")
}

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
    let mut views = Vec::new();
    for consent in ALL {
        views.push(view(&state, user.user_id, consent).await?);
    }
    Ok(web::Json(views))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    pub purpose: String,
    /// The version the user was shown.
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
        (status = 422, description = "`unknown_consent`", body = ErrorBody),
    )
)]
#[post("/me/consents")]
pub async fn accept_consent(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<AcceptRequest>,
) -> Result<HttpResponse, ApiError> {
    let consent = by_purpose(&body.purpose).ok_or_else(unknown_purpose)?;
    if body.version != consent.version {
        return Err(ApiError::new(
            Kind::Conflict,
            "consent_version_outdated",
            "同意书内容已更新，请阅读最新版本后再确认",
        )
        .with_details(json!({ "current_version": consent.version })));
    }
    let (_, created) = accept(
        &state.db,
        user.user_id,
        consent,
        state.clocks.business.now(),
    )
    .await?;
    let view = view(&state, user.user_id, consent).await?;
    Ok(if created {
        tracing::info!(
            user_id = user.user_id,
            purpose = consent.purpose,
            "consent accepted"
        );
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
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
    let consent = by_purpose(&path).ok_or_else(unknown_purpose)?;
    let withdrawn = withdraw(
        &state.db,
        user.user_id,
        consent.purpose,
        state.clocks.business.now(),
    )
    .await?;
    if withdrawn > 0 {
        tracing::info!(
            user_id = user.user_id,
            purpose = consent.purpose,
            "consent withdrawn"
        );
    }
    Ok(web::Json(view(&state, user.user_id, consent).await?))
}
