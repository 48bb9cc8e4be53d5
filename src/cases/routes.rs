//! The insured's case endpoints.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use entity::service_case;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::cancellation::outcome;
use super::create::{self, CreateCase};
use super::lifecycle::InvalidTransition;
use super::store::{self, Actor, Case, StoreError, Transition};
use super::view::{self, CaseSummary, CaseView};
use crate::auth::CurrentUser;
use crate::catalog::routes::paging;
use crate::error::{ApiError, ErrorBody};
use crate::plans::{Plan, Service};
use crate::state::AppState;

pub fn stale() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "case_modified",
        "该申请刚刚有了新的变化，请刷新后再操作",
    )
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => stale(),
            StoreError::Db(e) => e.into(),
        }
    }
}

impl From<InvalidTransition> for ApiError {
    fn from(error: InvalidTransition) -> Self {
        ApiError::new(
            StatusCode::CONFLICT,
            "invalid_transition",
            "该申请当前状态下不能进行此操作，请刷新后查看",
        )
        .with_details(json!({ "status": error.from.as_str(), "action": error.action }))
    }
}

/// The plan and service of a case.
pub fn plan_of(state: &AppState, case: &Case) -> Result<(Arc<Plan>, Service), ApiError> {
    let plan = state
        .plan_for_product(case.product_id)
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("case of an unknown product")))?;
    let service = plan
        .services
        .iter()
        .find(|s| s.id == case.service_id)
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("case of an unknown service")))?;
    Ok((plan, service))
}

pub fn case_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "未找到该申请")
}

/// The caller's own case (another user's is a 404, as if it did not exist).
pub async fn own_case(state: &AppState, user: &CurrentUser, id: Uuid) -> Result<Case, ApiError> {
    store::find_for_user(&state.db, user.user_id, id)
        .await?
        .ok_or_else(case_not_found)
}

pub async fn detail_view(state: &AppState, case: &Case) -> Result<CaseView, ApiError> {
    let (_, service) = plan_of(state, case)?;
    let policy = entity::policy::Entity::find_by_id(case.policy_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("case without its policy")))?;
    let events = store::events(&state.db, case.id).await?;
    let calendar = state.calendar.get();
    Ok(view::detail(
        case,
        policy.public_id,
        &service,
        &calendar,
        state.clocks.business.now(),
        &events,
    ))
}

/// An optional JSON body `{ "version": n, … }`: an empty body means "the version I just read".
pub fn optional_body<T: for<'de> Deserialize<'de> + Default>(
    bytes: &web::Bytes,
) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "请求内容格式不正确",
        )
        .with_details(json!({ "error": e.to_string() }))
    })
}

/// Applies for a service. Send an `Idempotency-Key` (a UUID per application); a retry with the
/// same key and body returns the same case.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    request_body = CreateCase,
    params(("Idempotency-Key" = String, Header, description = "Unique per application; reuse it on retries")),
    responses(
        (status = 201, body = CaseView, description = "Created as a draft; upload materials, then submit"),
        (status = 400, description = "`idempotency_key_required`, `idempotency_key_invalid`", body = ErrorBody),
        (status = 403, description = "`not_insured_person`, `waiting_period`, `cooling_off`, `not_yet_effective`, `window_closed`, `policy_lapsed`, `policy_surrendered`, `sum_insured_below_threshold`", body = ErrorBody),
        (status = 404, description = "`not_found`: no such policy bound to the caller", body = ErrorBody),
        (status = 409, description = "`quota_exhausted`", body = ErrorBody),
        (status = 422, description = "`unknown_service`, `city_required`, `city_not_covered`, `city_invalid`, `field_not_nameable`, `unknown_hospital`, `hospital_not_in_city`, `unknown_department`, `department_excluded`, `wanted_date_required`, `wanted_date_in_past`, `lead_time_too_short`, `diagnosis_required`, `diagnosis_state_not_accepted`, `illness_required`, `unknown_illness`, `admission_slip_required`, `admission_slip_date_required`, `admission_slip_date_invalid`, `idempotency_key_reused`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases")]
pub async fn create_case(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<CreateCase>,
) -> Result<HttpResponse, ApiError> {
    create::create(&state, &req, &user, body.into_inner()).await
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    pub page: Option<u32>,
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
    let (page, per_page) = paging(query.page, query.per_page)?;
    let paginator = service_case::Entity::find()
        .filter(service_case::Column::UserId.eq(user.user_id))
        .order_by_desc(service_case::Column::CreatedAt)
        .order_by_desc(service_case::Column::Id)
        .paginate(&state.db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let cases = paginator.fetch_page(u64::from(page - 1)).await?;
    let items = cases
        .iter()
        .map(|case| {
            let name = plan_of(&state, case)
                .map(|(_, s)| s.name)
                .unwrap_or_default();
            view::summary(case, &name)
        })
        .collect();
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
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<CaseView>, ApiError> {
    let case = own_case(&state, &user, *path).await?;
    Ok(web::Json(detail_view(&state, &case).await?))
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
    pub reason: Option<String>,
}

/// Changes set when a case is (re)submitted: the application anchor on the first submission,
/// acceptance at the provider's next opening, materials complete now.
pub fn submission(
    state: &AppState,
    service: &Service,
    case: &Case,
    now: DateTime<Utc>,
) -> service_case::ActiveModel {
    let applied_at = case.applied_at.unwrap_or(now);
    let accepted_at = case.accepted_at.unwrap_or_else(|| {
        state
            .calendar
            .get()
            .next_opening(applied_at, &service.acceptance)
            .value
    });
    service_case::ActiveModel {
        applied_at: Set(Some(applied_at)),
        accepted_at: Set(Some(accepted_at)),
        materials_complete_at: Set(Some(now)),
        draft_expires_at: Set(None),
        awaited_materials: Set(None),
        awaited_message: Set(None),
        ..Default::default()
    }
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
        (status = 422, description = "`materials_missing` (details: `missing` categories)", body = ErrorBody),
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
    let case = own_case(&state, &user, *path).await?;
    if body.version.is_some_and(|v| v != case.version) {
        return Err(stale());
    }
    let (_, service) = plan_of(&state, &case)?;
    let now = state.clocks.business.now();
    let step = view::status_of(&case).submit()?;
    let documents = crate::documents::store::live_for_case(&state.db, case.id).await?;
    let missing = crate::documents::store::missing(&service, &case, &documents);
    if !missing.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "materials_missing",
            format!(
                "资料还不齐全，请先上传：{}",
                missing.iter().map(|m| m.label()).collect::<Vec<_>>().join("、")
            ),
        )
        .with_details(json!({
            "missing": missing.iter().map(|m| crate::documents::store::category_code(*m)).collect::<Vec<_>>(),
            "note": crate::documents::store::rule(&service, &case).map(|r| r.note.clone()),
        })));
    }
    let mut transition = Transition::new("submitted", step).notify("case_submitted");
    transition.changes = submission(&state, &service, &case, now);
    let saved = store::apply(
        &state.db,
        &state.calendar.get(),
        &service,
        &case,
        body.version.unwrap_or(case.version),
        transition,
        Actor::User(user.user_id),
        now,
    )
    .await?;
    Ok(web::Json(detail_view(&state, &saved).await?))
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
        (status = 409, description = "`cancellation_not_allowed` (details: `counted`), `invalid_transition`, `case_modified`", body = ErrorBody),
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
    let case = own_case(&state, &user, *path).await?;
    if body.version.is_some_and(|v| v != case.version) {
        return Err(stale());
    }
    let saved = cancel(
        &state,
        &case,
        body.version.unwrap_or(case.version),
        body.reason,
        Actor::User(user.user_id),
        false,
    )
    .await?;
    Ok(web::Json(detail_view(&state, &saved).await?))
}

/// Cancels `case` under its plan's rule. A specialist may record a cancellation the plan does
/// not let the user make in the app (`on_behalf`); it then counts as the plan says.
pub async fn cancel(
    state: &AppState,
    case: &Case,
    version: i32,
    reason: Option<String>,
    actor: Actor,
    on_behalf: bool,
) -> Result<Case, ApiError> {
    let (_, service) = plan_of(state, case)?;
    let now = state.clocks.business.now();
    let status = view::status_of(case);
    let calendar = state.calendar.get();
    let decision = outcome(
        service.cancellation,
        status,
        now,
        case.appointment_at,
        &calendar,
    );
    if !decision.allowed && !on_behalf {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "cancellation_not_allowed",
            "根据服务条款，该服务安排后不可取消；如确需取消将计为已使用一次，请联系服务热线",
        )
        .with_details(json!({ "counted": decision.counted, "hotline": service.hotline })));
    }
    let step = status.cancel(decision.counted)?;
    let code = if decision.counted {
        "late_cancellation"
    } else {
        "cancelled"
    };
    let mut transition = Transition::new("cancelled", step)
        .reason(code)
        .note(reason)
        .notify("case_cancelled");
    transition.changes = service_case::ActiveModel {
        outcome_code: Set(Some(code.to_owned())),
        counted: Set(Some(decision.counted)),
        ..Default::default()
    };
    Ok(store::apply(
        &state.db, &calendar, &service, case, version, transition, actor, now,
    )
    .await?)
}
