//! Reading, accepting and withdrawing the consents, as the user sees them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use tracing::instrument;
use utoipa::ToSchema;

use super::store::{accept, latest, withdraw};
use super::{ConsentText, all, by_purpose};
use crate::platform::error::{AreaError, Fault, Kind};
use crate::state::AppState;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum ConsentError {
    #[error("没有这项同意事项")]
    UnknownConsent,
    #[error("同意书内容已更新，请阅读最新版本后再确认")]
    ConsentVersionOutdated { current_version: String },
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(ConsentError);

impl AreaError for ConsentError {
    fn kind(&self) -> Kind {
        match self {
            Self::UnknownConsent => Kind::Unprocessable,
            Self::ConsentVersionOutdated { .. } => Kind::Conflict,
            Self::Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::ConsentVersionOutdated { current_version } => {
                json!({ "current_version": current_version })
            }
            _ => json!({}),
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// `medical_records`.
    pub purpose: &'static str,
    /// The current version of the text: send it back to accept.
    pub version: String,
    pub title: &'static str,
    /// The full text (Markdown) the user is shown before accepting.
    pub text: String,
    /// The user holds an unwithdrawn acceptance of this version.
    pub accepted: bool,
    pub accepted_version: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub accepted_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub withdrawn_at: Option<DateTime<Utc>>,
}

pub async fn view(
    state: &AppState,
    user_id: i64,
    consent: ConsentText,
) -> Result<ConsentView, ConsentError> {
    let row = latest(&state.db, user_id, consent.purpose).await?;
    Ok(ConsentView {
        accepted: row
            .as_ref()
            .is_some_and(|r| r.withdrawn_at.is_none() && r.version == consent.version),
        purpose: consent.purpose,
        version: consent.version,
        title: consent.title,
        text: consent.text,
        accepted_version: row.as_ref().map(|r| r.version.clone()),
        accepted_at: row.as_ref().map(|r| r.accepted_at),
        withdrawn_at: row.and_then(|r| r.withdrawn_at),
    })
}

/// Every consent the service asks for, with the user's answers.
#[instrument(skip_all, fields(user_id))]
pub async fn list(state: &AppState, user_id: i64) -> Result<Vec<ConsentView>, ConsentError> {
    let mut views = Vec::new();
    for consent in all(&state.settings.retention) {
        views.push(view(state, user_id, consent).await?);
    }
    Ok(views)
}

/// Accepts the current version of the consent for `purpose`, the one the user was shown
/// (`version`); true when this recorded a new acceptance.
#[instrument(skip_all, fields(user_id, purpose, version))]
pub async fn accept_current(
    state: &AppState,
    user_id: i64,
    purpose: &str,
    version: &str,
) -> Result<(ConsentView, bool), ConsentError> {
    let consent =
        by_purpose(purpose, &state.settings.retention).ok_or(ConsentError::UnknownConsent)?;
    if version != consent.version {
        return Err(ConsentError::ConsentVersionOutdated {
            current_version: consent.version,
        });
    }
    let (_, created) = accept(&state.db, user_id, &consent, state.clocks.business.now()).await?;
    if created {
        tracing::info!(user_id, purpose = consent.purpose, "consent accepted");
    }
    Ok((view(state, user_id, consent).await?, created))
}

/// Withdraws the consent for `purpose`: from now on nothing is taken under it.
#[instrument(skip_all, fields(user_id, purpose))]
pub async fn withdraw_current(
    state: &AppState,
    user_id: i64,
    purpose: &str,
) -> Result<ConsentView, ConsentError> {
    let consent =
        by_purpose(purpose, &state.settings.retention).ok_or(ConsentError::UnknownConsent)?;
    let now = state.clocks.business.now();
    if withdraw(&state.db, user_id, consent.purpose, now).await? > 0 {
        tracing::info!(user_id, purpose = consent.purpose, "consent withdrawn");
    }
    view(state, user_id, consent).await
}
