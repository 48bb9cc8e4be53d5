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
                    Kind::Gone => "已删除",
                    Kind::Forbidden => "无权操作",
                    Kind::Unavailable => "暂时不可用",
                    Kind::Internal => "出错了",
                    _ => "请求有误",
                };
                let shown = ErrorShown {
                    title,
                    message: e.body().message.to_string(),
                };
                let page = ErrorPage {
                    who: None,
                    title,
                    message: shown.message.clone(),
                };
                let mut response = render(e.status_code(), &page);
                response.extensions_mut().insert(shown);
                response
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

/// An error page as first rendered (without the navigation: the error knows no session); the
/// console's [`with_navigation`] renders it again for a signed-in user.
#[derive(Debug, Clone)]
pub(super) struct ErrorShown {
    title: &'static str,
    message: String,
}

/// Every error page inside `/console/` (a bad id, 403, 404, a refused form) keeps the
/// navigation and the logout of the person signed in, at the same status and headers.
pub(super) async fn with_navigation(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    let Some(shown) = response
        .response()
        .extensions()
        .get::<ErrorShown>()
        .cloned()
    else {
        return Ok(response.map_into_left_body());
    };
    let request = response.request().clone();
    let (Some(state), Ok(user)) = (
        request.app_data::<web::Data<AppState>>().cloned(),
        ConsoleUser::extract(&request).await,
    ) else {
        return Ok(response.map_into_left_body());
    };
    let Ok(who) = super::who(&state, &user).await else {
        return Ok(response.map_into_left_body());
    };
    let page = ErrorPage {
        who: Some(who),
        title: shown.title,
        message: shown.message,
    };
    let (request, old) = response.into_parts();
    let mut fresh = render(old.status(), &page);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    Ok(actix_web::dev::ServiceResponse::new(request, fresh).map_into_right_body())
}

/// A path parameter of a console page that does not parse: the error page, not JSON.
pub(super) fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|error, _req| {
        let reason = match &error {
            actix_web::error::PathError::Deserialize(e) => e.to_string(),
            other => other.to_string(),
        };
        tracing::debug!(reason, "a console address with a bad parameter");
        ConsoleError::Api(ApiError::new(
            Kind::BadRequest,
            crate::platform::error::codes::INVALID_PATH,
            "页面地址不正确，请从工作队列重新打开",
        ))
        .into()
    })
}

/// An address inside `/console/` that no page answers: the error page.
pub(super) async fn not_found(req: HttpRequest) -> Result<HttpResponse, ConsoleError> {
    Err(crate::http::errors::route_not_found(req)
        .await
        .err()
        .unwrap_or_else(ApiError::not_found)
        .into())
}
