//! `/api/v1/staff/...`: console login and the specialists' case API. Every action goes through
//! `cases::actions::perform`, the one path the console's forms use too.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::bodies::{ActionBody, command};
use super::cases::{ConsoleCase, console_view};
use super::queue::{QueuePage, QueueParams, queue as queue_page};
use crate::auth::answer::{RefreshRequest, TokenPair, tokens_answer};
use crate::auth::tokens::Tokens;
use crate::cases::actions;
use crate::cases::actions::ActionName;
use crate::http::{Paging, client_ip};
use crate::platform::error::{ApiError, ErrorBody};
use crate::staff::accounts::{self, StaffSummary};
use crate::staff::auth::{self, CurrentStaff};
use crate::staff::store::Account;
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(login)
        .service(refresh)
        .service(logout)
        .service(queue)
        .service(get_case)
        .service(act)
        .service(alerts)
        .service(objections);
}

/// The insured's objections and complaints waiting for an answer in the account's scope, the
/// oldest first (supervisors and admins): answer each on its case with `answer-objection`.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    responses(
        (status = 200, body = super::objections::ObjectionList),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
        (status = 403, description = "`forbidden_role` (specialists and insurer viewers)", body = ErrorBody),
    )
)]
#[get("/staff/objections")]
pub async fn objections(
    staff: CurrentStaff,
    state: web::Data<AppState>,
) -> Result<web::Json<super::objections::ObjectionList>, ApiError> {
    Ok(web::Json(super::objections::list(&state, &staff).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AlertParams {
    /// Minutes ahead to look (1–10080); default: `APP_NOTIFICATIONS__ALERT_WINDOW_MINUTES`.
    pub window_minutes: Option<u32>,
}

/// Promises about to fall due or past in the account's scope: first contacts not yet made and
/// service promises not yet arranged, the most urgent first.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(AlertParams),
    responses(
        (status = 200, body = super::alerts::AlertList),
        (status = 400, description = "`window_out_of_range`, `invalid_query`", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/staff/alerts")]
pub async fn alerts(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    query: web::Query<AlertParams>,
) -> Result<web::Json<super::alerts::AlertList>, ApiError> {
    Ok(web::Json(
        super::alerts::alerts(&state, &staff, query.window_minutes).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(max_length = 64)]
    pub login: String,
    #[schema(max_length = 256)]
    pub password: String,
}

/// A console session's tokens (the access token's audience is `console`) and who holds it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsoleTokens {
    #[serde(flatten)]
    pub tokens: TokenPair,
    pub staff: StaffSummary,
}

impl ConsoleTokens {
    async fn of(state: &AppState, tokens: Tokens, account: &Account) -> Result<Self, ApiError> {
        let staff = accounts::summary(&state.db, account).await?;
        Ok(Self {
            tokens: tokens.into(),
            staff,
        })
    }
}

/// Console login with a login and password.
#[utoipa::path(
    tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = 200, body = ConsoleTokens),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 422, description = "`field_too_long`, `invalid_body`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, `login_locked`", body = ErrorBody),
    )
)]
#[post("/staff/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::http::check_lengths(&[
        ("login", Some(&body.login), 64),
        ("password", Some(&body.password), 256),
    ])?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let (tokens, account) = auth::login(&state, &body.login, &body.password, ip).await?;
    Ok(tokens_answer(
        &ConsoleTokens::of(&state, tokens, &account).await?,
    ))
}

/// Trades a console refresh token for the next pair.
#[utoipa::path(
    tag = "staff",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = ConsoleTokens),
        (status = 401, description = "`refresh_token_invalid`, `refresh_token_reused`, `session_revoked`", body = ErrorBody),
        (status = 422, description = "`field_too_long`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/staff/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    crate::http::check_lengths(&[("refresh_token", Some(&body.refresh_token), 256)])?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let (tokens, account) = auth::refresh(&state, &body.refresh_token, ip).await?;
    Ok(tokens_answer(
        &ConsoleTokens::of(&state, tokens, &account).await?,
    ))
}

/// Ends the console session at once.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody))
)]
#[post("/staff/auth/logout")]
pub async fn logout(
    staff: CurrentStaff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    crate::auth::tokens::sessions(&state)
        .revoke(&staff.session_id)
        .await?;
    crate::auth::sessions::address_generation::end(&*state.cache, &format!("s{}", staff.id()))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Cases in the account's scope: due date first (none last), overdue flagged.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(QueueParams),
    responses(
        (status = 200, body = QueuePage),
        (status = 400, description = "`invalid_paging`, `invalid_query`, `case_number_invalid`, `policy_number_invalid`, `name_search_invalid`, `unknown_plan`", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/staff/cases")]
pub async fn queue(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    query: web::Query<QueueParams>,
) -> Result<web::Json<QueuePage>, ApiError> {
    let paging = Paging::parse(query.page, query.per_page)?;
    let filter = query.filter(&state, &staff)?;
    let page = queue_page(&state, &staff, filter, paging.page, paging.per_page).await?;
    Ok(web::Json(page))
}

/// One case: the specialist's full view, or an insurer viewer's status view.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ConsoleCase),
        (status = 404, description = "`not_found` (also outside the account's insurer scope)", body = ErrorBody),
    )
)]
#[get("/staff/cases/{id}")]
pub async fn get_case(
    req: HttpRequest,
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let case = crate::cases::service::case_in_scope(&state, &staff, *path).await?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    Ok(web::Json(console_view(&state, &staff, ip, &case).await?))
}

/// Moves a case forward: `claim` (take a submitted case; one owner at a time), `contact` (the
/// first call to the insured), `request-materials`, `approve`, `reject` (not eligible: the use
/// goes back), `schedule` (arrange or re-arrange), `start` (work without an appointment),
/// `complete` (the use is consumed), `no-show` and `terminate` (counted as the plan says),
/// `cancel` (recorded for the insured, counted as the plan says), `reassign` (supervisors and
/// admins), `milestone` (the date of a step the service's promise waits for), `offer` (1–3
/// options for the insured to choose from: experts, hospitals, institutions abroad, a new
/// time), `refuse-change` (the insured's change request cannot be made: why, in words),
/// `answer-objection` (supervisors and admins: the answer to the insured's objection or
/// complaint, on open and ended cases; it reaches the insured's message centre), `surgery-date`
/// (the surgery date agreed with the doctor, or the hospital's new one: never a use), `abroad`
/// (treatment abroad, one step at a time: the hospital, the departure, escort hours, the
/// return), `explanation` (plan 5's second opinion: its explanation arranged at a time, then
/// given), `courier` (the answer to the insured's courier request: the carrier and waybill, or
/// directions). A `schedule`
/// of an `escorted` service names who goes with the insured (`escort_name`, `escort_phone`)
/// and when they meet (`meeting_at`, not after the visit). Every body names the case `version`
/// it was decided on.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("action" = ActionName, Path)),
    request_body = ActionBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 400, description = "`invalid_path` (no such action), `malformed_json`", body = ErrorBody),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 404, description = "`not_found` (also outside the account's insurer scope)", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_claimed`, `case_modified`, `appointment_not_passed` (a visit recorded as done or missed before its time), `no_change_requested`, `objection_answered`, `abroad_not_ready`, `escort_hours_exceeded` (`details.used`, `details.included`), `explanation_not_arranged`, `already_explained`, `courier_answered`", body = ErrorBody),
        (status = 422, description = "`categories_required`, `message_required`, `reason_not_in_plan`, `appointment_in_past`, `hospital_required`, `department_required`, `meeting_point_required`, `doctor_not_nameable`, `appointment_field_too_long`, `field_too_long`, `unknown_assignee`, `offer_options_count`, `offer_option_invalid`, `offer_time_required`, `offer_not_in_plan`, `milestone_in_future`, `milestone_not_in_plan`, `admission_slip_not_recorded`, `report_required`, `meeting_time_required`, `meeting_time_invalid`, `escort_required`, `escort_invalid`, `answer_required`, `unknown_objection`, `slip_issuer_not_allowed`, `unknown_slip_issuer`, `surgery_date_in_past`, `surgery_not_in_plan`, `abroad_not_in_plan`, `abroad_field_required`, `abroad_country_not_covered`, `abroad_date_invalid`, `bill_required`, `return_not_recorded`, `explanation_not_in_plan`, `explanation_in_past`, `explanation_field_required`, `explanation_not_given`, `unknown_courier`, `courier_reply_invalid`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/{action}")]
pub async fn act(
    req: HttpRequest,
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, ActionName)>,
    body: web::Bytes,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let (id, name) = path.into_inner();
    // Read after the caller is known; no body reads as `{}`, so a missing `version` is named.
    let value: serde_json::Value = match body.iter().all(u8::is_ascii_whitespace) {
        true => serde_json::json!({}),
        false => crate::http::parse_json(&body)?,
    };
    let command = command(name, value)?;
    let saved = actions::perform(&state, &staff, id, command).await?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    Ok(web::Json(console_view(&state, &staff, ip, &saved).await?))
}
