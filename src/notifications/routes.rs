//! `/api/v1/notifications`: the message centre.

use actix_web::{get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::centre::{self, Message, MessagePage};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody};
use crate::http::Paging;
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(list).service(read_all).service(read);
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MessagesQuery {
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The caller's messages, newest first: every change of their cases that they should know of,
/// in Chinese, whether or not a WeChat message went out; `unread` counts them all.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(MessagesQuery),
    responses(
        (status = 200, body = MessagePage),
        (status = 400, description = "`invalid_paging`", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/notifications")]
pub async fn list(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<MessagesQuery>,
) -> Result<web::Json<MessagePage>, ApiError> {
    let Paging { page, per_page } = Paging::parse(query.page, query.per_page)?;
    Ok(web::Json(
        centre::list(&state, user.user_id, page, per_page).await?,
    ))
}

/// Marks one message read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Message),
        (status = 404, description = "`not_found` (also another user's message)", body = ErrorBody),
    )
)]
#[post("/notifications/{id}/read")]
pub async fn read(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<web::Json<Message>, ApiError> {
    Ok(web::Json(centre::read(&state, user.user_id, *path).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReadAll {
    /// How many messages were unread.
    pub marked: u64,
    pub unread: u64,
}

/// Marks every message read.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = ReadAll),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[post("/notifications/read-all")]
pub async fn read_all(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<ReadAll>, ApiError> {
    let marked = centre::read_all(&state, user.user_id).await?;
    Ok(web::Json(ReadAll { marked, unread: 0 }))
}
