//! `/api/v1/notifications`: the message centre, and the subscribe templates and grants.

use actix_web::{get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::centre::{self, Message, MessagePage};
use super::grants::{self as subscribe, GrantsAnswer, TemplatesAnswer};
use crate::auth::CurrentUser;
use crate::http::Paging;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(list)
        .service(read_all)
        .service(read)
        .service(templates)
        .service(record_grants);
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct MessagesQuery {
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
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

/// Which subscribe templates to ask for, at which moment (pass `template_ids` to
/// `wx.requestSubscribeMessage` on that tap), and how many sends the caller has granted.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, body = TemplatesAnswer),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/notifications/templates")]
pub async fn templates(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<TemplatesAnswer>, ApiError> {
    Ok(web::Json(subscribe::templates(&state, user.user_id).await?))
}

/// Records the result object of `wx.requestSubscribeMessage` as it came back
/// (`{"<tmplId>": "accept" | "reject" | "ban" | "filter", "errMsg": "requestSubscribeMessage:ok"}`):
/// each `accept` is one send of that template. Checked whole: an unknown template or choice
/// changes nothing.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    request_body(content = Object, description = "The result object of `wx.requestSubscribeMessage`"),
    responses(
        (status = 200, body = GrantsAnswer),
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
        (status = 422, description = "`no_choices`, `unknown_template`, `invalid_choice`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/notifications/grants")]
pub async fn record_grants(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<web::Json<GrantsAnswer>, ApiError> {
    let result: serde_json::Map<String, serde_json::Value> = crate::http::parse_json(&body)?;
    Ok(web::Json(
        subscribe::record(&state, user.user_id, &result).await?,
    ))
}
