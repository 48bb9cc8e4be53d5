//! `/api/v1/staff/...`: console login and the specialists' case API.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entity::service_case;
use sea_orm::sea_query::{NullOrdering, Order};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::accounts::{Role, find_by_login};
use super::auth::{self, CurrentStaff};
use super::cases::{
    ConsoleCase, Need, QueueItem, case_in_scope, console_view, logins, may_change, queue_item,
};
use crate::auth::login::Tokens;
use crate::cases::lifecycle::{QuotaEffect, Status, Step};
use crate::cases::routes::{cancel, plan_of};
use crate::cases::store::{self, Actor, Case, Transition};
use crate::cases::view::status_of;
use crate::catalog::routes::paging;
use crate::error::{ApiError, ErrorBody};
use crate::net::client_ip;
use crate::plans::{Material, NotCountedReason, UsedReason};
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(login)
        .service(refresh)
        .service(logout)
        .service(queue)
        .service(get_case)
        .service(claim)
        .service(contact)
        .service(request_materials)
        .service(approve)
        .service(reject)
        .service(schedule)
        .service(start)
        .service(complete)
        .service(no_show)
        .service(terminate)
        .service(cancel_case)
        .service(reassign);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSummary {
    pub id: Uuid,
    pub login: String,
    pub role: Role,
    /// Insurer code of the account's scope; none: every insurer.
    pub insurer: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsoleTokens {
    /// JWT, audience `console`.
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    pub refresh_token: String,
    pub refresh_expires_in: u64,
    pub staff: StaffSummary,
}

async fn summary(
    state: &AppState,
    account: &entity::staff::Model,
) -> Result<StaffSummary, ApiError> {
    let insurer = match account.insurer_id {
        Some(id) => entity::insurer::Entity::find_by_id(id)
            .one(&state.db)
            .await?
            .map(|i| i.code),
        None => None,
    };
    Ok(StaffSummary {
        id: account.public_id,
        login: account.login.clone(),
        role: super::Role::parse(&account.role).unwrap_or(Role::InsurerViewer),
        insurer,
    })
}

fn token_response(tokens: Tokens, staff: StaffSummary) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ConsoleTokens {
            access_token: tokens.access_token,
            token_type: "Bearer",
            expires_in: tokens.expires_in,
            refresh_token: tokens.refresh_token,
            refresh_expires_in: tokens.refresh_expires_in,
            staff,
        })
}

/// Console login with a login and password.
#[utoipa::path(
    tag = "staff",
    request_body = LoginRequest,
    responses(
        (status = 200, body = ConsoleTokens),
        (status = 401, description = "`invalid_credentials`", body = ErrorBody),
        (status = 429, description = "`rate_limited`, `login_locked`", body = ErrorBody),
    )
)]
#[post("/staff/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let (tokens, account) = auth::login(&state, &body.login, &body.password, ip).await?;
    Ok(token_response(tokens, summary(&state, &account).await?))
}

/// Trades a console refresh token for the next pair.
#[utoipa::path(
    tag = "staff",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = ConsoleTokens),
        (status = 401, description = "`refresh_token_invalid`, `refresh_token_reused`, `session_revoked`", body = ErrorBody),
    )
)]
#[post("/staff/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let (tokens, account) = auth::refresh(&state, &body.refresh_token, ip).await?;
    Ok(token_response(tokens, summary(&state, &account).await?))
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
    crate::auth::login::sessions(&state)
        .revoke(&staff.session_id)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueQuery {
    /// One status (`submitted`, `in_review` …); default: every open case (not drafts, not closed).
    pub status: Option<String>,
    /// `me` (assigned to the caller) or `none` (unclaimed).
    pub assigned: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// Cases in the account's scope: due date first (none last), overdue flagged.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, body = QueuePage),
        (status = 400, description = "`invalid_paging`, `invalid_filter`", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[get("/staff/cases")]
pub async fn queue(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    query: web::Query<QueueQuery>,
) -> Result<web::Json<QueuePage>, ApiError> {
    let (page, per_page) = paging(query.page, query.per_page)?;
    let bad_filter = || ApiError::new(StatusCode::BAD_REQUEST, "invalid_filter", "筛选条件无效");
    let mut select = service_case::Entity::find();
    select = match query.status.as_deref() {
        Some(text) => {
            let status = Status::parse(text).ok_or_else(bad_filter)?;
            select.filter(service_case::Column::Status.eq(status.as_str()))
        }
        None => select.filter(
            service_case::Column::Status.is_in(
                Status::ALL
                    .into_iter()
                    .filter(|s| !s.is_terminal() && *s != Status::Draft)
                    .map(Status::as_str),
            ),
        ),
    };
    select = match query.assigned.as_deref() {
        None => select,
        Some("me") => select.filter(service_case::Column::AssigneeId.eq(staff.id())),
        Some("none") => select.filter(service_case::Column::AssigneeId.is_null()),
        Some(_) => return Err(bad_filter()),
    };
    if let Some(insurer_id) = staff.account.insurer_id {
        select = select.filter(service_case::Column::InsurerId.eq(insurer_id));
    }
    let paginator = select
        .order_by_with_nulls(
            service_case::Column::SlaDueAt,
            Order::Asc,
            NullOrdering::Last,
        )
        .order_by_with_nulls(
            service_case::Column::FirstContactDueAt,
            Order::Asc,
            NullOrdering::Last,
        )
        .order_by_asc(service_case::Column::Id)
        .paginate(&state.db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let cases = paginator.fetch_page(u64::from(page - 1)).await?;
    let logins = logins(&state, cases.iter().filter_map(|c| c.assignee_id)).await?;
    let now = state.clocks.business.now();
    Ok(web::Json(QueuePage {
        items: cases
            .iter()
            .map(|c| queue_item(&state, c, &logins, now))
            .collect(),
        page,
        per_page,
        total,
    }))
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
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let case = case_in_scope(&state, &staff, *path).await?;
    Ok(web::Json(console_view(&state, &staff, &case).await?))
}

/// Every change names the version it was decided on: a stale one is a 409 `case_modified`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    pub version: i32,
    pub note: Option<String>,
}

async fn act(
    state: &AppState,
    staff: &CurrentStaff,
    id: Uuid,
    version: i32,
    need: Need,
    decide: impl FnOnce(&Case, &crate::plans::Service) -> Result<Transition, ApiError>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let case = case_in_scope(state, staff, id).await?;
    may_change(staff, &case, need)?;
    if version != case.version {
        // Decided on an older state: say so before judging the action against the new one.
        return Err(crate::cases::routes::stale());
    }
    let (_, service) = plan_of(state, &case)?;
    let transition = decide(&case, &service)?;
    let saved = store::apply(
        &state.db,
        &state.calendar.get(),
        &service,
        &case,
        version,
        transition,
        Actor::Staff(staff.id()),
        state.clocks.business.now(),
    )
    .await?;
    Ok(web::Json(console_view(state, staff, &saved).await?))
}

/// Takes a submitted case: one owner at a time.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_claimed`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/claim")]
pub async fn claim(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let me = staff.id();
    let role = staff.role;
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Claim,
        |case, _| {
            if let Some(owner) = case.assignee_id
                && owner != me
                && role == Role::Specialist
            {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "case_claimed",
                    "该申请已由其他专员认领",
                ));
            }
            let step = status_of(case).claim()?;
            let mut transition = Transition::new("claimed", step).note(body.note.clone());
            transition.changes.assignee_id = Set(Some(me));
            Ok(transition)
        },
    )
    .await
}

/// Records the first call to the insured (the plan's first-contact promise).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/contact")]
pub async fn contact(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let now = state.clocks.business.now();
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let status = status_of(case);
            if status.is_terminal() || status == Status::Draft {
                return Err(crate::cases::lifecycle::InvalidTransition {
                    from: status,
                    action: "contacted",
                }
                .into());
            }
            let mut transition = Transition::new(
                "contacted",
                Step {
                    to: status,
                    quota: QuotaEffect::Keep,
                },
            )
            .note(body.note.clone());
            if case.first_contacted_at.is_none() {
                transition.changes.first_contacted_at = Set(Some(now));
            }
            Ok(transition)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialsBody {
    pub version: i32,
    /// What to upload: `outpatient_record`, `discharge_summary`, `blood_test`, `ct`, `mri`,
    /// `pathology_report`, `admission_slip`, `id_document`, `other`.
    #[schema(value_type = Vec<String>)]
    pub categories: Vec<Material>,
    /// What to photograph, in words the user can act on.
    pub message: String,
}

fn invalid(code: &'static str, message: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Sends the case back to the insured for more materials.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = MaterialsBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
        (status = 422, description = "`categories_required`, `message_required`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/request-materials")]
pub async fn request_materials(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<MaterialsBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    if body.categories.is_empty() {
        return Err(invalid("categories_required", "请选择需要补充的资料类别"));
    }
    let message = body.message.trim().to_owned();
    if message.is_empty() || message.chars().count() > 500 {
        return Err(invalid(
            "message_required",
            "请填写给用户的补充说明（最多500字）",
        ));
    }
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let step = status_of(case).request_materials()?;
            let mut transition = Transition::new("materials_requested", step)
                .note(Some(message.clone()))
                .notify("case_needs_materials");
            transition.changes.awaited_materials = Set(Some(
                serde_json::to_string(&body.categories).map_err(ApiError::internal)?,
            ));
            transition.changes.awaited_message = Set(Some(message));
            // Not complete any more: the SLA that runs from complete materials waits again.
            transition.changes.materials_complete_at = Set(None);
            Ok(transition)
        },
    )
    .await
}

/// Eligible: the SLA clock of plans that run from approval starts.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/approve")]
pub async fn approve(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let now = state.clocks.business.now();
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let step = status_of(case).approve()?;
            let mut transition = Transition::new("approved", step)
                .note(body.note.clone())
                .notify("case_approved");
            transition.changes.approved_at = Set(Some(now));
            Ok(transition)
        },
    )
    .await
}

/// Grounds for refusing a case, as the plans state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not one of the covered critical illnesses.
    NotACoveredIllness,
    /// The records do not show the suspected/confirmed diagnosis the plan needs (e.g. not from a
    /// 二级/二甲 or higher public hospital).
    DiagnosisNotSupported,
    /// The illness existed before the policy (plans that exclude it).
    PreExistingCondition,
    /// Not a first diagnosis (plans limited to 初次罹患).
    NotFirstDiagnosis,
    /// The policy is not (or no longer) entitled.
    PolicyNotEligible,
    /// The wanted place is outside the service's coverage.
    OutsideCoverage,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    pub version: i32,
    pub reason: Refusal,
    pub note: Option<String>,
}

/// Not eligible: the use goes back to the policy.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = RejectBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
        (status = 422, description = "`reason_not_in_plan`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/reject")]
pub async fn reject(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<RejectBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let reason = body.reason;
    let plan_rules = {
        let case = case_in_scope(&state, &staff, *path).await?;
        plan_of(&state, &case)?.0
    };
    let applies = match reason {
        Refusal::PreExistingCondition => plan_rules.eligibility.pre_existing_excluded,
        Refusal::NotFirstDiagnosis => plan_rules.eligibility.first_diagnosis_only,
        _ => true,
    };
    if !applies {
        return Err(invalid(
            "reason_not_in_plan",
            "该保障计划不以此理由拒绝服务，请选择其他理由",
        ));
    }
    let code = serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let step = status_of(case).reject()?;
            let mut transition = Transition::new("rejected", step)
                .reason(code.clone())
                .note(body.note.clone())
                .notify("case_rejected");
            transition.changes.outcome_code = Set(Some(code));
            transition.changes.counted = Set(Some(false));
            Ok(transition)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    pub version: i32,
    pub at: DateTime<Utc>,
    pub hospital: String,
    pub department: String,
    /// 主任医师, 副主任医师 …
    pub expert_title: Option<String>,
    /// Where the escort meets the insured.
    pub meeting_point: String,
    /// The escort's name and phone.
    pub escort_contact: Option<String>,
    pub note: Option<String>,
}

fn required(
    value: &str,
    max: usize,
    code: &'static str,
    message: &'static str,
) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(invalid(code, message));
    }
    Ok(value.to_owned())
}

/// Arranges (or re-arranges) the appointment.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ScheduleBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
        (status = 422, description = "`appointment_in_past`, `hospital_required`, `department_required`, `meeting_point_required`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/schedule")]
pub async fn schedule(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ScheduleBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let now = state.clocks.business.now();
    if body.at <= now {
        return Err(invalid("appointment_in_past", "预约时间须晚于当前时间"));
    }
    let hospital = required(&body.hospital, 128, "hospital_required", "请填写医院")?;
    let department = required(&body.department, 64, "department_required", "请填写科室")?;
    let meeting_point = required(
        &body.meeting_point,
        256,
        "meeting_point_required",
        "请填写见面地点",
    )?;
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let step = status_of(case).schedule()?;
            let mut transition = Transition::new("scheduled", step)
                .note(body.note.clone())
                .notify("case_scheduled");
            let c = &mut transition.changes;
            c.appointment_at = Set(Some(body.at));
            c.appointment_hospital = Set(Some(hospital));
            c.appointment_department = Set(Some(department));
            c.appointment_expert_title = Set(body
                .expert_title
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned));
            c.meeting_point = Set(Some(meeting_point));
            c.escort_contact = Set(body
                .escort_contact
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned));
            Ok(transition)
        },
    )
    .await
}

/// Work without an appointment (reports, treatment abroad) has started.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/start")]
pub async fn start(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let step = status_of(case).start()?;
            Ok(Transition::new("started", step)
                .note(body.note.clone())
                .notify("case_started"))
        },
    )
    .await
}

/// The service was delivered: the use is consumed.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/complete")]
pub async fn complete(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, _| {
            let step = status_of(case).complete()?;
            let mut transition = Transition::new("completed", step)
                .reason("completed")
                .note(body.note.clone())
                .notify("case_completed");
            transition.changes.outcome_code = Set(Some("completed".to_owned()));
            transition.changes.counted = Set(Some(true));
            Ok(transition)
        },
    )
    .await
}

/// The insured did not come: counted or not as the plan says.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/no-show")]
pub async fn no_show(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, service| {
            let counted = service.counts_as_used.contains(&UsedReason::NoShow);
            let step = status_of(case).no_show(counted)?;
            let mut transition = Transition::new("no_show", step)
                .reason("no_show")
                .note(body.note.clone())
                .notify("case_no_show");
            transition.changes.outcome_code = Set(Some("no_show".to_owned()));
            transition.changes.counted = Set(Some(counted));
            Ok(transition)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminateBody {
    pub version: i32,
    /// Counted where the plan lists it (`late_arrival`, `no_indication`,
    /// `infectious_disease_refusal`, `customer_reasons`, `discharged`, `cancelled`,
    /// `late_cancellation`, `no_show`); not counted: `provider_failed_customer_declined`,
    /// `expert_unavailable`, `materials_missing`, or a reason the plan does not list.
    pub reason: String,
    pub note: Option<String>,
}

/// Whether ending a case for `reason` counts as a use under `service`; None: not a reason.
pub fn termination_counted(service: &crate::plans::Service, reason: &str) -> Option<bool> {
    let quoted = serde_json::Value::String(reason.to_owned());
    if let Ok(used) = serde_json::from_value::<UsedReason>(quoted.clone()) {
        return Some(service.counts_as_used.contains(&used));
    }
    serde_json::from_value::<NotCountedReason>(quoted)
        .ok()
        .map(|_| false)
}

/// Ended by the provider side; counted or not as the plan says.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = TerminateBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
        (status = 422, description = "`unknown_reason`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/terminate")]
pub async fn terminate(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<TerminateBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Owner,
        |case, service| {
            let counted = termination_counted(service, &body.reason)
                .ok_or_else(|| invalid("unknown_reason", "终止理由无效"))?;
            let step = status_of(case).terminate(counted)?;
            let mut transition = Transition::new("terminated", step)
                .reason(body.reason.clone())
                .note(body.note.clone())
                .notify("case_terminated");
            transition.changes.outcome_code = Set(Some(body.reason.clone()));
            transition.changes.counted = Set(Some(counted));
            Ok(transition)
        },
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffCancelBody {
    pub version: i32,
    /// What the insured said (by phone).
    pub note: Option<String>,
}

/// Records a cancellation the insured asked for by phone; counted as the plan says, including
/// where the app refuses a cancellation because it would count.
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = StaffCancelBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/cancel")]
pub async fn cancel_case(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<StaffCancelBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let case = case_in_scope(&state, &staff, *path).await?;
    may_change(&staff, &case, Need::Owner)?;
    if body.version != case.version {
        return Err(crate::cases::routes::stale());
    }
    let saved = cancel(
        &state,
        &case,
        body.version,
        body.note.clone(),
        Actor::Staff(staff.id()),
        true,
    )
    .await?;
    Ok(web::Json(console_view(&state, &staff, &saved).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignBody {
    pub version: i32,
    /// The new assignee's login (a specialist or supervisor who sees the case's insurer).
    pub assignee: String,
    pub note: Option<String>,
}

/// Gives an open case to another specialist (supervisors and admins).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ReassignBody,
    responses(
        (status = 200, body = ConsoleCase),
        (status = 403, description = "`forbidden_role`", body = ErrorBody),
        (status = 409, description = "`invalid_transition`, `case_modified`", body = ErrorBody),
        (status = 422, description = "`unknown_assignee`", body = ErrorBody),
    )
)]
#[post("/staff/cases/{id}/reassign")]
pub async fn reassign(
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ReassignBody>,
) -> Result<web::Json<ConsoleCase>, ApiError> {
    let target = find_by_login(&state.db, &body.assignee)
        .await?
        .filter(|a| {
            a.active
                && matches!(
                    Role::parse(&a.role),
                    Some(Role::Specialist | Role::Supervisor)
                )
        })
        .ok_or_else(|| invalid("unknown_assignee", "未找到可接手的专员账号"))?;
    act(
        &state,
        &staff,
        *path,
        body.version,
        Need::Supervisor,
        |case, _| {
            if target.insurer_id.is_some_and(|own| own != case.insurer_id) {
                return Err(invalid(
                    "unknown_assignee",
                    "该专员无权处理此保险公司的申请",
                ));
            }
            let status = status_of(case);
            if status.is_terminal() || status == Status::Draft {
                return Err(crate::cases::lifecycle::InvalidTransition {
                    from: status,
                    action: "reassigned",
                }
                .into());
            }
            let mut transition = Transition::new(
                "reassigned",
                Step {
                    to: status,
                    quota: QuotaEffect::Keep,
                },
            )
            .reason(format!("to:{}", target.login))
            .note(body.note.clone());
            transition.changes.assignee_id = Set(Some(target.id));
            Ok(transition)
        },
    )
    .await
}
