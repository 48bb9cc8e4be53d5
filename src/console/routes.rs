//! `/console/...`: the handlers of the console's pages and forms. Each reads the session cookie,
//! checks the CSRF token on every POST, calls one function of an area and renders a page (or
//! redirects after a change, so a reload never repeats it).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};

use super::forms::Fields;
use super::pages::{HomePage, LoginPage};
use super::respond::{ConsoleError, checked, cookie, render, see_other};
use super::session::{self, ConsoleUser};
use super::{admin_routes, case_routes, queue_routes};
use crate::http::client_ip;
use crate::platform::error::Kind;
use crate::state::AppState;

/// No inline script or style, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn mount(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(home))
        // Browsers ask for it at the root whatever the page says.
        .route(
            "/favicon.ico",
            web::get().to(|| async { see_other("/console/static/favicon.svg") }),
        )
        .route(
            "/console",
            web::get().to(|| async { see_other("/console/") }),
        )
        .service(
            web::scope("/console")
                .app_data(super::respond::path_config())
                .default_service(web::to(super::respond::not_found))
                // Inside the headers below: its page gets them too.
                .wrap(actix_web::middleware::from_fn(
                    super::respond::with_navigation,
                ))
                .wrap(
                    DefaultHeaders::new()
                        .add((header::CONTENT_SECURITY_POLICY, CSP))
                        .add((header::X_FRAME_OPTIONS, "DENY"))
                        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                        .add((header::REFERRER_POLICY, "no-referrer"))
                        .add((header::CACHE_CONTROL, "no-store")),
                )
                .route("/static/{file}", web::get().to(static_file))
                .route("/login", web::get().to(login_page))
                .route("/login", web::post().to(login))
                .route("/logout", web::post().to(logout))
                .route("/", web::get().to(queue_routes::queue_page))
                .route("/queue/rows", web::get().to(queue_routes::queue_rows))
                .route("/alerts", web::get().to(super::alert_routes::alerts_page))
                .route(
                    "/objections",
                    web::get().to(super::objection_routes::objections_page),
                )
                .route("/cases/{id}", web::get().to(case_routes::case))
                // Before the actions: `report` is the upload, not an action.
                .route(
                    "/cases/{id}/report",
                    web::post().to(super::report_routes::upload),
                )
                .route(
                    "/case-reports/{id}",
                    web::get().to(super::report_routes::case_report),
                )
                .route("/reports", web::get().to(super::report_routes::weekly_page))
                .route(
                    "/reports/{id}",
                    web::get().to(super::report_routes::weekly_file),
                )
                .route("/cases/{id}/{action}", web::post().to(case_routes::act))
                .route(
                    "/documents/{id}/review",
                    web::post().to(case_routes::review_document),
                )
                .route("/documents/{id}/view", web::get().to(case_routes::viewer))
                .route(
                    "/documents/{id}/{rendition}",
                    web::get().to(case_routes::image),
                )
                .configure(admin_routes::mount),
        );
}

async fn static_file(path: web::Path<String>) -> HttpResponse {
    let (body, kind): (&'static [u8], &str) = match path.as_str() {
        "htmx.min.js" => (
            include_bytes!("../../static/console/htmx.min.js"),
            "text/javascript",
        ),
        "console.js" => (
            include_bytes!("../../static/console/console.js"),
            "text/javascript",
        ),
        "console.css" => (
            include_bytes!("../../static/console/console.css"),
            "text/css",
        ),
        "favicon.svg" => (
            include_bytes!("../../static/console/favicon.svg"),
            "image/svg+xml",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(kind)
        // Served from the binary: they change with a release only.
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

async fn login_page(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    // Already signed in: to the queue.
    if let Some(token) = cookie(&req, session::cookie_name(&state))
        && let Ok(Some(_)) = session::resolve(&state, &token, session::Activity::User).await
    {
        return see_other("/console/");
    }
    render(
        StatusCode::OK,
        &LoginPage {
            who: None,
            login: String::new(),
            error: None,
        },
    )
}

async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(&body);
    let login = fields.get("login").unwrap_or_default().to_owned();
    let password = fields.get("password").unwrap_or_default();
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    match crate::staff::auth::verify_credentials(&state, &login, password, ip).await {
        Ok(account) => {
            let token = session::open(&state, account.id).await?;
            tracing::info!(staff_id = account.id, "console web login");
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/console/"))
                .insert_header((header::SET_COOKIE, session::cookie(&state, Some(&token))))
                .finish())
        }
        Err(e) if e.kind() == Kind::Unauthorized || e.kind() == Kind::TooManyRequests => {
            let status = e.status_code();
            Ok(render(
                status,
                &LoginPage {
                    who: None,
                    login,
                    error: Some(e.body().message),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    checked(&user, &Fields::parse(&body))?;
    if let Some(token) = cookie(&req, session::cookie_name(&state)) {
        session::close(&state, &token).await?;
    }
    let reader = format!("s{}", user.staff.id());
    crate::auth::sessions::address_generation::end(&*state.cache, &reader).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/console/login"))
        .insert_header((header::SET_COOKIE, session::cookie(&state, None)))
        .finish())
}

/// `/`: a page linking the console and the API documents (not a JSON 404), under the console's
/// headers.
async fn home() -> HttpResponse {
    let mut response = render(StatusCode::OK, &HomePage { who: None });
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_FRAME_OPTIONS,
        header::HeaderValue::from_static("DENY"),
    );
    response
}
