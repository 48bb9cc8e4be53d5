//! `/api/v1/staff/cases/{id}/reports`, `/api/v1/cases/{id}/reports`, `/api/v1/reports/{id}` (a
//! case's written report) and `/api/v1/staff/reports` (the insurers' weekly reports): the
//! multipart body read as it arrives, everything else in the area's services.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use uuid::Uuid;

use super::error::ReportError;
use super::files::{self, ReportList, ReportView};
use super::published::{self, WeeklyList};
use crate::cases::principal::Principal;
use crate::http::client_ip;
use crate::http::multipart::{Parts, read_parts};
use crate::platform::error::{ApiError, ErrorBody};
use crate::platform::storage::Download;
use crate::staff::CurrentStaff;
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(upload)
        .service(list)
        .service(download)
        .service(weekly)
        .service(weekly_download);
}

/// A report's multipart body, read the way photos are; only the limit's answer is the report's
/// own.
pub async fn read_report(multipart: Multipart, max: usize) -> Result<Parts, ReportError> {
    Ok(read_parts(multipart, max, 0).await?)
}

/// Streams a stored file with the same headers as photos: our own type, never sniffed, never
/// cached by shared caches, sandboxed.
pub fn stream(opened: Download) -> HttpResponse {
    let disposition = crate::http::attachment(&opened.file_name);
    crate::http::private_file(
        opened.object,
        opened.media_type,
        disposition,
        "private, no-store".to_owned(),
    )
}

/// Uploads a case's written report (a second opinion, treatment abroad's service report): a
/// PDF, recognised by its content, stored as it came. The insured is notified (`report_ready`);
/// completing the case needs one. Multipart with the file in the part `file`.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The case")),
    request_body(content_type = "multipart/form-data", description = "`file`: the report (PDF); `kind`: `report` (default) or `bill` (the medical bills, where the service delivers them: treatment abroad)"),
    responses(
        (status = 201, body = ReportView),
        (status = 400, description = "`upload_incomplete`, `too_many_files`, `too_many_fields`, `field_too_long`", body = ErrorBody),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 404, description = "`not_found` (also outside the account's insurer scope)", body = ErrorBody),
        (status = 409, description = "`case_closed`", body = ErrorBody),
        (status = 413, description = "`report_too_large`", body = ErrorBody),
        (status = 415, description = "`report_not_pdf`, `multipart_required`", body = ErrorBody),
        (status = 422, description = "`report_not_expected`, `file_kind_invalid`, `bill_not_expected`, `file_required`", body = ErrorBody),
        (status = 503, description = "`storage_unavailable`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/reports")]
pub async fn upload(
    req: HttpRequest,
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let max = state.settings.uploads.max_report_bytes;
    let received = read_report(Multipart::new(req.headers(), payload), max).await?;
    let view = files::upload(
        &state,
        &staff,
        *path,
        (
            received.file_name.as_deref(),
            received.fields.get("kind").map(String::as_str),
        ),
        received.file,
    )
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// A case's written reports: for the insured, for staff in scope (insurer viewers where the plan
/// sends the report to the insurer). Staff reads are audited.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The case")),
    responses(
        (status = 200, body = ReportList),
        (status = 403, description = "`forbidden_role` (an insurer viewer, where the report is not sent to the insurer)", body = ErrorBody),
        (status = 404, description = "`not_found` (also another user's case)", body = ErrorBody),
    )
)]
#[get("/cases/{id}/reports")]
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ReportList>, ApiError> {
    let reader = principal.reader(&req, &state);
    Ok(web::Json(files::list(&state, reader, *path).await?))
}

/// One written report, streamed (`application/pdf`).
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report")),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 403, description = "`forbidden_role`", body = ErrorBody),
        (status = 404, description = "`not_found` (also another user's report)", body = ErrorBody),
        (status = 410, description = "`report_purged`: removed at the end of its retention period", body = ErrorBody),
        (status = 503, description = "`storage_unavailable`", body = ErrorBody),
    )
)]
#[get("/reports/{id}")]
pub async fn download(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let reader = principal.reader(&req, &state);
    Ok(stream(files::open(&state, reader, *path).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct WeeklyParams {
    /// An insurer's code; default: every insurer the account sees.
    #[param(max_length = 64)]
    pub insurer: Option<String>,
    /// ISO week, `2026-W48`.
    #[param(max_length = 8)]
    pub week: Option<String>,
}

/// The insurers' weekly service-progress reports (made every Monday 09:00 for the week before):
/// supervisors and admins see every insurer's, an insurer's viewers their own.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(WeeklyParams),
    responses(
        (status = 200, body = WeeklyList),
        (status = 400, description = "`week_invalid`, `unknown_insurer`, `field_too_long`", body = ErrorBody),
        (status = 403, description = "`forbidden_role` (specialists)", body = ErrorBody),
        (status = 404, description = "`not_found` (another insurer's, for a viewer)", body = ErrorBody),
    )
)]
#[get("/staff/reports")]
pub async fn weekly(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    query: web::Query<WeeklyParams>,
) -> Result<web::Json<WeeklyList>, ApiError> {
    crate::http::check_lengths(&[
        ("insurer", query.insurer.as_deref(), 64),
        ("week", query.week.as_deref(), 8),
    ])?;
    Ok(web::Json(
        published::list(
            &state,
            &staff,
            query.insurer.as_deref(),
            query.week.as_deref(),
        )
        .await?,
    ))
}

/// One weekly report, streamed (XLSX or CSV); the download is audited.
#[utoipa::path(
    tag = "reports",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The report")),
    responses(
        (status = 200, description = "The report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, description = "`forbidden_role` (specialists)", body = ErrorBody),
        (status = 404, description = "`not_found` (also another insurer's)", body = ErrorBody),
        (status = 410, description = "`report_purged`: removed at the end of its retention period", body = ErrorBody),
        (status = 503, description = "`storage_unavailable`", body = ErrorBody),
    )
)]
#[get("/staff/reports/{id}")]
pub async fn weekly_download(
    req: HttpRequest,
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    Ok(stream(published::open(&state, &staff, ip, *path).await?))
}
