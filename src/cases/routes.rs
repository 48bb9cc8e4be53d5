//! The insured's case endpoints: each parses the request, calls one function of the area
//! (`create`, `service`) and shapes the answer.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::create::{self, Created};
use super::form::{self, CreateCase};
use super::service;
use super::view::{CaseSummary, CaseView};
use crate::auth::CurrentUser;
use crate::http::idempotency::{key_header, replayed};
use crate::http::{Paging, invalid_body};
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// An optional JSON body `{ "version": n, … }`: an empty body means "the version I just read".
pub fn optional_body<T: for<'de> Deserialize<'de> + Default>(
    bytes: &web::Bytes,
) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| invalid_body(&e))
}

/// Applies for a service. Send an `Idempotency-Key` (a UUID per application); a retry with the
/// same key and body returns the same case. A form with problems is refused with all of them
/// at once: the first's code and message, and `details.errors` listing every one
/// (`{code, message, …}`).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = CreateCase,
    params(("Idempotency-Key" = String, Header, description = "Unique per application; reuse it on retries", example = "0b9f1c2e-6c1a-4b6e-9a44-2f1d8c3e5a77")),
    responses(
        (status = 201, body = CaseView, description = "Created as a draft; upload materials, then submit"),
        (status = 400, description = "`idempotency_key_required`, `idempotency_key_invalid`", body = ErrorBody),
        (status = 403, description = "`not_insured_person`, `waiting_period`, `cooling_off`, `not_yet_effective`, `window_closed`, `policy_lapsed`, `policy_surrendered`, `sum_insured_below_threshold`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such policy bound to the caller", body = ErrorBody),
        (status = 409, description = "`quota_exhausted`, `request_in_progress`", body = ErrorBody),
        (status = 422, description = "`unknown_service`, `city_required`, `city_not_covered`, `city_invalid`, `field_not_nameable`, `unknown_hospital`, `hospital_not_in_city`, `unknown_department`, `department_excluded`, `wanted_date_required`, `wanted_date_in_past`, `lead_time_too_short`, `diagnosis_required`, `diagnosis_state_not_accepted`, `illness_required`, `unknown_illness`, `admission_slip_required`, `admission_slip_date_required`, `admission_slip_date_invalid`, `admission_slip_date_without_slip`, `admission_slip_issuer_without_slip`, `expert_name_too_long`, `description_too_long`, `contact_phone_invalid`, `contact_phone_required`, `field_too_long`, `idempotency_key_reused`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases")]
pub async fn create_case(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<CreateCase>,
) -> Result<HttpResponse, ApiError> {
    form::check_lengths(&body)?;
    match create::create(&state, user.user_id, key_header(&req), body.into_inner()).await? {
        Created::New { case_id, answer } => Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/cases/{case_id}")))
            .content_type("application/json")
            .body(answer.body)),
        Created::Replayed(answer) => Ok(replayed(answer)),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    pub items: Vec<CaseSummary>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// The caller's own cases, newest first.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, body = CasePage),
        (status = 400, description = "`invalid_paging`", body = ErrorBody),
    )
)]
#[get("/cases")]
pub async fn list_cases(
    user: CurrentUser,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<web::Json<CasePage>, ApiError> {
    let Paging { page, per_page } = Paging::parse(query.page, query.per_page)?;
    let (items, total) = service::list(&state, user.user_id, page, per_page).await?;
    Ok(web::Json(CasePage {
        items,
        page,
        per_page,
        total,
    }))
}

/// One of the caller's cases: status, timeline, what is awaited, appointment, due dates.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found` (also for another user's case)", body = ErrorBody),
    )
)]
#[get("/cases/{id}")]
pub async fn get_case(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<web::Json<CaseView>, ApiError> {
    let token = crate::auth::extractor::bearer(&req);
    // Who is asking first, then which case: a bad id from a stranger is a 401, as everywhere.
    match Uuid::parse_str(&path) {
        Ok(id) => Ok(web::Json(service::own_page(&state, token, id).await?)),
        Err(error) => {
            crate::auth::extractor::authenticate(&state, token).await?;
            Err(crate::http::errors::invalid_path(error.to_string()))
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionBody {
    /// The version last read; omitted: the current one.
    pub version: Option<i32>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    pub version: Option<i32>,
    /// Why, in the user's words.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// Says the materials are complete: the case goes to the specialists. Refused while the plan's
/// required categories (by diagnosis state) or those a specialist asked for have no document
/// that is pending or accepted.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = Option<VersionBody>, description = "Optional"),
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
        (status = 422, description = "`materials_missing` (`details.missing`: the categories)", body = ErrorBody),
    )
)]
#[post("/cases/{id}/submit")]
pub async fn submit_case(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<web::Json<CaseView>, ApiError> {
    let body: VersionBody = optional_body(&body)?;
    let saved = service::submit(&state, user.user_id, *path, body.version).await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}

/// Cancels under the plan's rule. Where the plan forbids it the answer says so, and whether a
/// cancellation would count as a use; the detail view shows the same before the user asks.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body(content = Option<CancelBody>, description = "Optional"),
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`cancellation_not_allowed` (`details.counted`), `invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/cancel")]
pub async fn cancel_case(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<web::Json<CaseView>, ApiError> {
    let body: CancelBody = optional_body(&body)?;
    crate::http::check_lengths(&[("reason", body.reason.as_deref(), 500)])?;
    let saved = service::cancel_own(&state, user.user_id, *path, body.version, body.reason).await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}
