//! `/console/...`: the handlers of the console's pages and forms. Each reads the session cookie,
//! checks the CSRF token on every POST, calls one function of an area and renders a page (or
//! redirects after a change, so a reload never repeats it).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::DefaultHeaders;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use askama::Template;
use uuid::Uuid;

use super::case_page;
use super::forms::{self, Fields, FormError};
use super::pages::{Choice, ErrorPage, LoginPage, QueuePage, QueueRows, Row, Tab, ViewerPage};
use super::session::{self, ConsoleUser};
use crate::cases::actions::perform;
use crate::cases::view::status_text;
use crate::documents::read::{self, Reader, Rendition};
use crate::documents::review;
use crate::error::{ApiError, Kind};
use crate::http::{Paging, client_ip};
use crate::staff::access::case_in_scope;
use crate::staff::cases::{QueueParams, queue};
use crate::state::AppState;

/// No inline script or style, nothing from elsewhere, never framed.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn mount(config: &mut web::ServiceConfig) {
    config
        .route(
            "/console",
            web::get().to(|| async { see_other("/console/") }),
        )
        .service(
            web::scope("/console")
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
                .route("/", web::get().to(queue_page))
                .route("/queue/rows", web::get().to(queue_rows))
                .route("/cases/{id}", web::get().to(case))
                .route("/cases/{id}/{action}", web::post().to(act))
                .route("/documents/{id}/review", web::post().to(review_document))
                .route("/documents/{id}/view", web::get().to(viewer))
                .route("/documents/{id}/{rendition}", web::get().to(image)),
        );
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body)
}

/// A page, or (should a template fail) a plain 500.
fn render(status: StatusCode, page: &impl Template) -> HttpResponse {
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
    Api(ApiError),
}

impl std::fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::SignIn => write!(f, "not signed in"),
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
            Self::Api(e) => e.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::SignIn => see_other("/console/login"),
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

impl FromRequest for ConsoleUser {
    type Error = ConsoleError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = state
            .as_ref()
            .and_then(|s| cookie(req, session::cookie_name(s)));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
            let token = token.ok_or(ConsoleError::SignIn)?;
            session::resolve(&state, &token)
                .await?
                .ok_or(ConsoleError::SignIn)
        })
    }
}

/// The value of cookie `name` (the `cookies` feature of actix-web is not built).
fn cookie(req: &HttpRequest, name: &str) -> Option<String> {
    req.headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

fn checked(user: &ConsoleUser, fields: &Fields) -> Result<(), ConsoleError> {
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
        && let Ok(Some(_)) = session::resolve(&state, &token).await
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
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/console/login"))
        .insert_header((header::SET_COOKIE, session::cookie(&state, None)))
        .finish())
}

/// The filters of a queue request as a query string (no `page`), and without `status`.
fn queue_query(params: &QueueParams) -> (String, String) {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let mut push = |k: &'static str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push((k, v));
        }
    };
    push(
        "assigned",
        params.assigned.map(|a| format!("{a:?}").to_lowercase()),
    );
    push("number", params.number.clone());
    push("plan", params.plan.clone());
    push("service", params.service.clone());
    push(
        "overdue",
        params.overdue.filter(|o| *o).map(|_| "true".to_owned()),
    );
    let encode = |pairs: &[(&str, String)]| {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
            .finish()
    };
    let without_status = encode(&pairs);
    if let Some(status) = params.status {
        pairs.insert(0, ("status", status.as_str().to_owned()));
    }
    (encode(&pairs), without_status)
}

/// Reads the queue's query leniently: an empty form field is "any".
fn queue_params(req: &HttpRequest) -> Result<QueueParams, ConsoleError> {
    let fields = Fields::parse(req.query_string().as_bytes());
    let bad = || {
        ApiError::new(
            Kind::BadRequest,
            crate::error::codes::INVALID_QUERY,
            "筛选条件无效",
        )
    };
    Ok(QueueParams {
        status: match fields.get("status") {
            Some(s) => Some(s.parse().map_err(|_| bad())?),
            None => None,
        },
        assigned: match fields.get("assigned") {
            Some("me") => Some(crate::cases::queue::Assigned::Me),
            Some("none") => Some(crate::cases::queue::Assigned::None),
            Some(_) => return Err(bad().into()),
            None => None,
        },
        number: fields.get("number").map(str::to_owned),
        service: fields.get("service").map(str::to_owned),
        plan: fields.get("plan").map(str::to_owned),
        overdue: fields.get("overdue").map(|v| v == "true"),
        page: fields.get("page").and_then(|p| p.parse().ok()),
        per_page: Some(50),
    })
}

async fn queue_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let params = queue_params(&req)?;
    let paging = Paging::parse(params.page, params.per_page)?;
    let (query, without_status) = queue_query(&params);
    let staff = &user.staff;
    let now = state.clocks.business.now();
    let calendar = state.calendar.get();
    let (rows, total, error) = match params.filter(&state, staff) {
        Ok(filter) => {
            let found = queue(&state, staff, filter, paging.page, paging.per_page).await?;
            let rows = found
                .items
                .iter()
                .map(|i| Row::of(i, &calendar, now))
                .collect();
            (rows, found.total, None)
        }
        // A number that is not one, a plan that does not exist: said next to the filters.
        Err(e) => (Vec::new(), 0, Some(ApiError::from(e).body().message)),
    };
    let counts = crate::cases::queue::counts(&state.db, staff.account.insurer_id).await?;
    let plans: Vec<Choice> = state
        .plans
        .iter()
        .map(|p| Choice {
            value: p.code.clone(),
            label: p.name.clone(),
        })
        .collect();
    let mut services: Vec<Choice> = state
        .plans
        .iter()
        .flat_map(|p| p.services.iter())
        .map(|s| Choice {
            value: s.id.clone(),
            label: s.name.clone(),
        })
        .collect();
    services.sort_by(|a, b| a.value.cmp(&b.value));
    services.dedup_by(|a, b| a.value == b.value);
    let page = QueuePage {
        who: Some(super::who(&state, &user).await?),
        open_total: counts.iter().map(|(_, n)| n).sum(),
        tabs: counts
            .iter()
            .map(|(status, count)| Tab {
                code: status.as_str(),
                label: status_text(*status),
                count: *count,
            })
            .collect(),
        status: params
            .status
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        assigned: params
            .assigned
            .map(|a| format!("{a:?}").to_lowercase())
            .unwrap_or_default(),
        number: params.number.clone().unwrap_or_default(),
        plan: params.plan.clone().unwrap_or_default(),
        service: params.service.clone().unwrap_or_default(),
        overdue: params.overdue.unwrap_or(false),
        plans,
        services,
        error,
        rows,
        total,
        page: paging.page,
        pages: u32::try_from(total.div_ceil(u64::from(paging.per_page)).max(1)).unwrap_or(1),
        query,
        without_status,
        refresh_secs: state.settings.console.queue_refresh_secs,
    };
    Ok(render(StatusCode::OK, &page))
}

/// The queue's rows alone, for the periodic refresh.
async fn queue_rows(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let params = queue_params(&req)?;
    let paging = Paging::parse(params.page, params.per_page)?;
    let (query, _) = queue_query(&params);
    let filter = params.filter(&state, &user.staff)?;
    let found = queue(&state, &user.staff, filter, paging.page, paging.per_page).await?;
    let now = state.clocks.business.now();
    let calendar = state.calendar.get();
    let rows = QueueRows {
        rows: found
            .items
            .iter()
            .map(|i| Row::of(i, &calendar, now))
            .collect(),
        query,
        page: paging.page,
        refresh_secs: state.settings.console.queue_refresh_secs,
    };
    Ok(render(StatusCode::OK, &rows))
}

async fn case(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ConsoleError> {
    let case = case_in_scope(&state, &user.staff, *path).await?;
    let fields = Fields::parse(req.query_string().as_bytes());
    let notice = fields
        .get("done")
        .map(|action| format!("已完成：{}", super::pages::action_label(action)));
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let page = case_page::build(&state, &user, ip, &case, notice, None).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The case page again with `error` shown in the form it came from (`at`: the form's id), at
/// the status the API would answer.
async fn refused(
    state: &AppState,
    user: &ConsoleUser,
    req: &HttpRequest,
    (id, at): (Uuid, String),
    error: ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let case = case_in_scope(state, &user.staff, id).await?;
    let ip = client_ip(req, &state.settings.server.trusted_proxies);
    let shown = Some((error.body().message, at));
    let page = case_page::build(state, user, ip, &case, None, shown).await?;
    Ok(render(error.status_code(), &page))
}

async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<(Uuid, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let (id, action) = path.into_inner();
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let command = match forms::command(&action, &fields) {
        Ok(command) => command,
        Err(e) => {
            return refused(
                &state,
                &user,
                &req,
                (id, format!("action-{action}")),
                e.into(),
            )
            .await;
        }
    };
    match perform(&state, &user.staff, id, command).await {
        Ok(_) => Ok(see_other(&format!("/console/cases/{id}?done={action}"))),
        // Not in scope: as absent as on the API.
        Err(crate::cases::error::CaseError::NotFound) => {
            Err(crate::cases::error::CaseError::NotFound.into())
        }
        Err(e) => {
            let at = format!("action-{action}");
            refused(&state, &user, &req, (id, at), e.into()).await
        }
    }
}

async fn review_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let reader = Reader::Staff {
        staff: &user.staff,
        ip,
    };
    let (doc, case) = read::readable_document(&state, reader, *path, "document_viewed").await?;
    let outcome = match forms::review(&fields) {
        Ok((decision, reason, note)) => {
            review::review(&state, &user.staff, ip, *path, decision, reason, note)
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(ApiError::new(
            Kind::Unprocessable,
            "invalid_form",
            e.to_string(),
        )),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/console/cases/{}?done=review#photos",
            case.public_id
        ))),
        Err(e) => {
            let at = format!("photo-{}", doc.public_id);
            refused(&state, &user, &req, (case.public_id, at), e).await
        }
    }
}

async fn viewer(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ConsoleError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let reader = Reader::Staff {
        staff: &user.staff,
        ip,
    };
    let (doc, case) = read::readable_document(&state, reader, *path, "document_viewed").await?;
    let list = read::list(&state, reader, case.public_id).await?;
    let ids: Vec<Uuid> = list.items.iter().map(|d| d.id).collect();
    let at = ids.iter().position(|id| *id == doc.public_id).unwrap_or(0);
    let label = crate::documents::store::parse_category(&doc.category)
        .map_or("其他资料", |m| m.label());
    let page = ViewerPage {
        who: Some(super::who(&state, &user).await?),
        id: doc.public_id.to_string(),
        case_id: case.public_id.to_string(),
        label,
        previous: at
            .checked_sub(1)
            .and_then(|i| ids.get(i))
            .map(Uuid::to_string),
        next: ids.get(at + 1).map(Uuid::to_string),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The image or thumbnail, through the audited read of the documents area.
async fn image(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (id, rendition) = path.into_inner();
    let rendition = match rendition.as_str() {
        "image" => Rendition::Image,
        "thumbnail" => Rendition::Thumbnail,
        _ => return Err(ApiError::not_found().into()),
    };
    let reader = Reader::Staff {
        staff: &user.staff,
        ip: client_ip(&req, &state.settings.server.trusted_proxies),
    };
    let opened = read::open(&state, reader, id, rendition).await?;
    Ok(HttpResponse::Ok()
        .content_type(opened.media_type)
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
        .no_chunking(opened.object.length)
        .streaming(opened.object.chunks))
}
