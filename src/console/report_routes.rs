//! The console's reports: a case's written report (the specialist uploads the PDF from the case
//! page; staff who may read it download it) and the insurers' weekly reports (supervisors,
//! admins and the insurer's own viewers). The same area services as the JSON API.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use uuid::Uuid;

use super::forms::FormError;
use super::pages::{Who, when};
use super::respond::{ConsoleError, render, see_other};
use super::session::{self, ConsoleUser};
use crate::cases::files::Reader;
use crate::http::client_ip;
use crate::platform::error::ApiError;
use crate::reports::{files, published, routes as api};
use crate::state::AppState;

/// Uploads a case's report from the case page's form (multipart, with the session's CSRF
/// token beside the file).
pub async fn upload(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ConsoleError> {
    let id = *path;
    let max = state.settings.uploads.max_report_bytes;
    let received = api::read_report(Multipart::new(req.headers(), payload), max).await;
    // The token first: nothing of a forged form is acted on.
    let token = received
        .as_ref()
        .ok()
        .and_then(|r| r.fields.get("csrf").map(String::as_str));
    if !session::csrf_ok(&user, token) {
        return Err(FormError::CsrfInvalid.into());
    }
    let outcome = match received {
        Ok(received) => files::upload(
            &state,
            &user.staff,
            id,
            (
                received.file_name.as_deref(),
                received.fields.get("kind").map(String::as_str),
            ),
            received.file,
        )
        .await
        .map_err(ApiError::from),
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/console/cases/{id}?done=report#reports"
        ))),
        Err(e) => {
            super::case_routes::refused(&state, &user, &req, (id, "report-upload".to_owned()), e)
                .await
        }
    }
}

/// A case's report, through the audited read of the reports area.
pub async fn case_report(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ConsoleError> {
    let reader = Reader::Staff {
        staff: &user.staff,
        ip: client_ip(&req, &state.settings.server.trusted_proxies),
    };
    Ok(api::stream(files::open(&state, reader, *path).await?))
}

#[derive(Debug)]
pub struct WeeklyRow {
    pub id: String,
    pub insurer: String,
    pub week: String,
    pub format: String,
    pub cases: i32,
    pub generated_at: String,
}

#[derive(Template, Debug)]
#[template(path = "console/reports.html")]
pub struct ReportsPage {
    pub who: Option<Who>,
    pub rows: Vec<WeeklyRow>,
}

/// The weekly reports the account may read, newest week first.
pub async fn weekly_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let list = published::list(&state, &user.staff, None, None).await?;
    let page = ReportsPage {
        who: Some(super::who(&state, &user).await?),
        rows: list
            .items
            .into_iter()
            .map(|r| WeeklyRow {
                id: r.id.to_string(),
                insurer: r.insurer,
                week: r.week,
                format: r.format.to_uppercase(),
                cases: r.case_count,
                generated_at: when(Some(r.generated_at)),
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// One weekly report, downloaded (audited).
pub async fn weekly_file(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ConsoleError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    Ok(api::stream(
        published::open(&state, &user.staff, ip, *path).await?,
    ))
}
