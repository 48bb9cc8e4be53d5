//! The in-app message centre: every notification the outbox holds for a user, in Chinese,
//! whether or not a WeChat message went out; unread counts; marking read. A user sees only their
//! own messages: another user's is as absent as a missing one.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use super::texts::render;
use crate::outbox::kind::NotificationKind;
use crate::outbox::store as outbox;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::state::AppState;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum CentreError {
    #[error("未找到该消息")]
    NotFound,
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(CentreError);

impl AreaError for CentreError {
    fn kind(&self) -> Kind {
        match self {
            Self::NotFound => Kind::NotFound,
            Self::Fault(_) => Kind::Internal,
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

/// One message as the mini-program shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub id: i64,
    pub kind: NotificationKind,
    pub title: &'static str,
    pub body: String,
    /// The case it is about: opens `pages/case/detail?id=…`.
    pub case_id: Option<Uuid>,
    pub case_number: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessagePage {
    pub items: Vec<Message>,
    /// Unread messages in all, not only on this page.
    pub unread: u64,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

fn message(row: crate::outbox::store::Notification) -> Result<Message, Fault> {
    let kind: NotificationKind = row
        .kind
        .parse()
        .map_err(|_| anyhow::anyhow!("notification {} has an unknown kind", row.id))?;
    let payload: serde_json::Value = serde_json::from_str(&row.payload)
        .map_err(|e| anyhow::anyhow!("notification {} payload: {e}", row.id))?;
    let (title, body) = render(kind, &payload);
    Ok(Message {
        id: row.id,
        kind,
        title,
        body,
        case_id: payload
            .get("case_id")
            .and_then(|v| v.as_str())
            .and_then(|v| v.parse().ok()),
        case_number: payload
            .get("case_number")
            .and_then(|v| v.as_str())
            .map(str::to_owned),
        created_at: row.created_at,
        read_at: row.read_at,
    })
}

/// A page of the user's messages, newest first, with the unread count.
#[instrument(skip_all, fields(user_id, page, per_page))]
pub async fn list(
    state: &AppState,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> Result<MessagePage, CentreError> {
    let (rows, total, unread) = outbox::page_for_user(&state.db, user_id, page, per_page).await?;
    Ok(MessagePage {
        items: rows.into_iter().map(message).collect::<Result<_, _>>()?,
        unread,
        page,
        per_page,
        total,
    })
}

/// Marks one of the user's messages read (reading it twice changes nothing).
#[instrument(skip_all, fields(user_id, id))]
pub async fn read(state: &AppState, user_id: i64, id: i64) -> Result<Message, CentreError> {
    let now = state.clocks.business.now();
    outbox::mark_read(&state.db, user_id, Some(id), now).await?;
    let row = outbox::find_for_user(&state.db, user_id, id)
        .await?
        .ok_or(CentreError::NotFound)?;
    Ok(message(row)?)
}

/// Marks every message of the user read; how many were unread.
#[instrument(skip_all, fields(user_id))]
pub async fn read_all(state: &AppState, user_id: i64) -> Result<u64, CentreError> {
    let now = state.clocks.business.now();
    Ok(outbox::mark_read(&state.db, user_id, None, now).await?)
}
