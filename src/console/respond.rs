//! How a console request is answered and who is asking: pages and redirects, the error page
//! (in Chinese, at the status the JSON API would give), the session extractor (`ConsoleUser`)
//! and the CSRF check of a form.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;

use super::forms::{Fields, FormError};
use super::pages::ErrorPage;
use super::session::{self, ConsoleUser};
use crate::platform::error::{ApiError, Kind};
use crate::state::AppState;

pub(super) fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

pub(super) fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// A page, or (should a template fail) a plain 500.
pub(super) fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
    match page.render() {
        Ok(body) => html(status, body),
        Err(e) => {
            tracing::error!(error = %e, "a console page did not render");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "服务器开小差了，请稍后重试".to_owned(),
            )
        }
    }
}

/// Why a console request ends without its page: not signed in (to the login page), or an error
/// shown as a page in Chinese with the status the JSON API would give.
#[derive(Debug)]
pub enum ConsoleError {
    SignIn,
    /// Not signed in (any more), asked by a page's own script (htmx): the whole page goes to
    /// the login page, rather than the login page being swapped into a part of it.
    SignInPage,
    Api(ApiError),
}

impl std::fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn | Self::SignInPage => write!(f, "not signed in"),
            Self::Api(e) => write!(f, "{e}"),
        }
    }
}

impl<E: Into<ApiError>> From<E> for ConsoleError {
    fn from(error: E) -> Self {
        Self::Api(error.into())
    }
}

impl ResponseError for ConsoleError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::SignIn => StatusCode::SEE_OTHER,
            Self::SignInPage => StatusCode::UNAUTHORIZED,
            Self::Api(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn => see_other("/console/login"),
            Self::SignInPage => HttpResponse::Unauthorized()
                .insert_header((HX_REDIRECT, "/console/login"))
                .finish(),
            Self::Api(e) => {
                if e.kind() == Kind::Internal || e.kind() == Kind::Unavailable {
                    // Logged (with its cause) as the API logs it.
                    let _ = e.error_response();
                }
                let title = match e.kind() {
                    Kind::NotFound => "未找到",
                    Kind::Forbidden => "无权操作",
                    Kind::Unavailable => "暂时不可用",
                    Kind::Internal => "出错了",
                    _ => "请求有误",
                };
                let page = ErrorPage {
                    who: None,
                    title,
                    message: e.body().message,
                };
                render(e.status_code(), &page)
            }
        }
    }
}

/// Sent by htmx with each of its requests.
const HX_REQUEST: &str = "hx-request";
/// Makes htmx load this address as the whole page.
const HX_REDIRECT: &str = "hx-redirect";
/// Sent by a page's timed refresh: not the user's doing, so it keeps no idle session open.
const REFRESH: &str = "x-console-refresh";

impl FromRequest for ConsoleUser {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = state
            .as_ref()
            .and_then(|s| cookie(req, session::cookie_name(s)));
        let sign_in = if req.headers().contains_key(HX_REQUEST) {
            ConsoleError::SignInPage
        } else {
            ConsoleError::SignIn
        };
        // The queue's and the alerts' timed refreshes say so (`hx-headers` in their templates).
        let activity = if req.headers().contains_key(REFRESH) {
            session::Activity::Refresh
        } else {
            session::Activity::User
        };
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
            let Some(token) = token else {
                return Err(sign_in);
            };
            session::resolve(&state, &token, activity)
                .await?
                .ok_or(sign_in)
        })
    }
}

/// The value of cookie `name` (the `cookies` feature of actix-web is not built).
pub(super) fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

pub(super) fn checked(user: &ConsoleUser, fields: &Fields) -> Result<(), ConsoleError> {
    if session::csrf_ok(user, fields.get("csrf")) {
        return Ok(());
    }
    Err(ApiError::new(
        Kind::Forbidden,
        "csrf_invalid",
        FormError::Stale.to_string(),
    )
    .into())
}
