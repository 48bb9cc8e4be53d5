//! Applying for a service: every check of the plan, then one transaction that takes the
//! idempotency key, the use(s) of the quota, the case and its first event together.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use entity::{product, service_case};
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::lifecycle::Status;
use super::store::{self, Actor};
use super::view;
use crate::auth::CurrentUser;
use crate::calendar::local_date;
use crate::catalog::Catalog;
use crate::catalog::routes::{diagnosis_states, exclusion_reason, plan_of_policy, service_of};
use crate::eligibility::quota::{self, Claim, Reservation, write_transaction};
use crate::eligibility::{PolicyFacts, Reason, evaluate_service, quota_of, quota_period};
use crate::error::ApiError;
use crate::idempotency::IdempotencyKey;
use crate::plans::{AdmissionSlip, DiagnosisState, Plan, Service};
use crate::policies::record::PolicyStatus;
use crate::state::AppState;

/// An application. Only what the service lets the user name may be named.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    /// A policy bound to the caller.
    pub policy_id: Uuid,
    /// A service id of the policy's plan (`GET /catalog/services`).
    pub service: String,
    /// `suspected` or `confirmed`, where the service asks for a diagnosis.
    #[schema(value_type = Option<String>, example = "suspected")]
    pub diagnosis_state: Option<DiagnosisState>,
    /// An id from `GET /catalog/illnesses`.
    pub illness_id: Option<String>,
    /// A code from `GET /catalog/cities` (division code, or ISO country code abroad).
    pub city: Option<String>,
    /// An id from `GET /catalog/hospitals`, where the service lets the user name one.
    pub hospital_id: Option<String>,
    /// An id from `GET /catalog/departments`.
    pub department_id: Option<String>,
    /// The expert's name, where the service lets the user name one.
    pub expert_name: Option<String>,
    /// The day the user wants the visit.
    pub wanted_date: Option<NaiveDate>,
    /// Whether the user holds an admission slip (住院单).
    #[serde(default)]
    pub admission_slip: bool,
    /// The slip's date.
    pub admission_slip_date: Option<NaiveDate>,
    /// Symptoms and wishes in the user's words (up to 500 characters).
    pub description: Option<String>,
}

fn invalid(code: &'static str, message: &'static str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

fn not_nameable(field: &'static str) -> ApiError {
    invalid("field_not_nameable", "该服务不支持指定此项，请删除后重试")
        .with_details(json!({ "field": field }))
}

pub fn quota_exhausted(service: &str) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        Reason::QuotaExhausted.code(),
        Reason::QuotaExhausted.message(),
    )
    .with_details(json!({ "service": service }))
}

fn refused(reasons: &[Reason], available_from: NaiveDate) -> ApiError {
    let first = reasons.first().copied().unwrap_or(Reason::PolicyLapsed);
    let status = if first == Reason::QuotaExhausted {
        StatusCode::CONFLICT
    } else {
        StatusCode::FORBIDDEN
    };
    ApiError::new(status, first.code(), first.message()).with_details(json!({
        "reasons": reasons.iter().map(|r| r.code()).collect::<Vec<_>>(),
        "available_from": available_from,
    }))
}

pub fn facts(policy: &entity::policy::Model) -> PolicyFacts {
    PolicyFacts {
        effective_date: policy.effective_date,
        expiry_date: policy.expiry_date,
        cooling_off_end: policy.cooling_off_end,
        status: PolicyStatus::parse(&policy.status).unwrap_or(PolicyStatus::Terminated),
        sum_insured_ok: policy.sum_insured_ok,
    }
}

fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The checks that need no database: place, named fields, dates, diagnosis, slip.
pub fn check_form(
    state: &AppState,
    plan: &Plan,
    service: &Service,
    body: &CreateCase,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let catalog = Catalog::get();
    let today = local_date(now);
    let city = trimmed(&body.city);
    match (&service.coverage, &city) {
        (Some(_), None) => {
            return Err(invalid("city_required", "请选择就医城市"));
        }
        (Some(list), Some(code)) if catalog.place(list, code).is_none() => {
            return Err(invalid(
                "city_not_covered",
                "所选城市不在该服务的覆盖范围内，请从可选城市中选择",
            )
            .with_details(json!({ "coverage": list })));
        }
        // No coverage list: any city of the mainland (a six-digit division code).
        (None, Some(code)) if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(invalid("city_invalid", "城市代码无效，请重新选择城市"));
        }
        _ => {}
    }
    if let Some(hospital_id) = trimmed(&body.hospital_id) {
        if !service.nameable.hospital {
            return Err(not_nameable("hospital"));
        }
        let hospital = catalog
            .hospital(&hospital_id)
            .ok_or_else(|| invalid("unknown_hospital", "未找到所选医院，请重新选择"))?;
        if let Some(city) = &city
            && !Catalog::hospital_in_city(hospital, city)
        {
            return Err(invalid(
                "hospital_not_in_city",
                "所选医院不在所选城市，请重新选择医院或城市",
            ));
        }
    }
    if let Some(department_id) = trimmed(&body.department_id) {
        if !service.nameable.department {
            return Err(not_nameable("department"));
        }
        let department = catalog
            .department(&department_id)
            .ok_or_else(|| invalid("unknown_department", "未找到所选科室，请重新选择"))?;
        if department
            .excluded_by(&service.excluded_departments)
            .is_some()
        {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "department_excluded",
                exclusion_reason(department).unwrap_or("该科室不在服务范围内"),
            )
            .with_details(json!({ "department_id": department.id })));
        }
    }
    if let Some(expert) = trimmed(&body.expert_name) {
        if !service.nameable.expert {
            return Err(not_nameable("expert"));
        }
        if expert.chars().count() > 32 {
            return Err(invalid(
                "expert_name_too_long",
                "专家姓名过长（最多32个字）",
            ));
        }
    }
    if body
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(invalid("description_too_long", "病情描述最多500字"));
    }
    if let Some(wanted) = body.wanted_date
        && wanted <= today
    {
        return Err(invalid("wanted_date_in_past", "期望就诊日期须晚于今天"));
    }
    if let Some(days) = service.lead_time_working_days {
        let wanted = body.wanted_date.ok_or_else(|| {
            invalid(
                "wanted_date_required",
                "该服务需提前预约，请填写期望就诊日期",
            )
        })?;
        let calendar = state.calendar.get();
        if !crate::eligibility::sla::lead_time_ok(&calendar, now, wanted, days).value {
            let earliest = calendar.add_working_days_to_date(today, days).value + Days::new(1);
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "lead_time_too_short",
                format!("该服务需至少提前{days}个工作日预约，最早可约 {earliest}"),
            )
            .with_details(json!({ "working_days": days, "earliest": earliest })));
        }
    }
    let states = diagnosis_states(plan, service);
    if !states.is_empty() {
        let diagnosis = body
            .diagnosis_state
            .ok_or_else(|| invalid("diagnosis_required", "请选择诊断情况：疑似或已确诊"))?;
        if !states.contains(&diagnosis) {
            return Err(invalid(
                "diagnosis_state_not_accepted",
                "该服务不接受此诊断情况（例如仅限已确诊）",
            ));
        }
        let illness = trimmed(&body.illness_id)
            .ok_or_else(|| invalid("illness_required", "请选择疑似或确诊的重大疾病"))?;
        if catalog.illness(&illness).is_none() {
            return Err(invalid("unknown_illness", "未找到所选疾病，请重新选择"));
        }
    } else if let Some(illness) = trimmed(&body.illness_id)
        && catalog.illness(&illness).is_none()
    {
        return Err(invalid("unknown_illness", "未找到所选疾病，请重新选择"));
    }
    if let Some(date) = body.admission_slip_date {
        if !body.admission_slip {
            return Err(invalid(
                "admission_slip_date_without_slip",
                "填写了住院单日期，请同时确认持有住院单",
            ));
        }
        if date > today {
            return Err(invalid(
                "admission_slip_date_invalid",
                "住院单日期不能晚于今天",
            ));
        }
    }
    match service.admission_slip {
        AdmissionSlip::Required if !body.admission_slip || body.admission_slip_date.is_none() => {
            Err(invalid(
                "admission_slip_required",
                "该服务需提供申请医院科室开具的住院单及其日期",
            ))
        }
        AdmissionSlip::OutpatientFirst
            if body.admission_slip && body.admission_slip_date.is_none() =>
        {
            Err(invalid(
                "admission_slip_date_required",
                "请填写住院单开具日期",
            ))
        }
        _ => Ok(()),
    }
}

/// `POST /api/v1/cases`.
pub async fn create(
    state: &AppState,
    req: &HttpRequest,
    user: &CurrentUser,
    body: CreateCase,
) -> Result<HttpResponse, ApiError> {
    let key =
        IdempotencyKey::from_request(req, format!("user:{}", user.user_id), "POST /cases", &body)?;
    if let Some(replay) = key.replay(&state.db).await? {
        return Ok(replay);
    }
    let (policy, relation, plan) = plan_of_policy(state, user, body.policy_id).await?;
    let service = service_of(&plan, &body.service)?;
    let now = state.clocks.business.now();
    let today = local_date(now);
    let facts = facts(&policy);
    let uses = crate::eligibility::store::uses(&state.db, policy.id).await?;
    let entitlement = evaluate_service(&plan, service, &facts, relation, today, &uses);
    if !entitlement.available {
        return Err(refused(&entitlement.reasons, entitlement.available_from));
    }
    check_form(state, &plan, service, &body, now)?;
    let insurer_id = product::Entity::find_by_id(policy.product_id)
        .one(&state.db)
        .await?
        .map(|p| p.insurer_id)
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("policy without its product")))?;
    let outpatient_first =
        service.admission_slip == AdmissionSlip::OutpatientFirst && !body.admission_slip;
    // Uses to take: the service's own, and without a slip those the plan says go with it.
    let mut claims = Vec::new();
    if let Some((key, limit, scope, _)) = quota_of(&plan, service) {
        claims.push((service.id.clone(), key, limit, scope));
    }
    if outpatient_first {
        for other in &service.no_slip_consumes {
            let Some(other) = plan.services.iter().find(|s| &s.id == other) else {
                continue;
            };
            if let Some((key, limit, scope, _)) = quota_of(&plan, other)
                && !claims.iter().any(|(_, k, _, _)| *k == key)
            {
                claims.push((other.id.clone(), key, limit, scope));
            }
        }
    }
    let ttl = TimeDelta::hours(i64::from(state.settings.cases.draft_ttl_hours));
    for _ in 0..3 {
        let txn = write_transaction(&state.db).await?;
        if !key.claim(&txn, now).await? {
            txn.rollback().await?;
            if let Some(replay) = key.replay(&state.db).await? {
                return Ok(replay);
            }
            continue;
        }
        let mut taken = Vec::new();
        for (service_id, quota_key, limit, scope) in &claims {
            let (period_start, _) = quota_period(*scope, &plan, &facts, today);
            let claim = Claim {
                policy_id: policy.id,
                quota_key,
                period_start,
                limit: *limit,
                service_id,
                case_id: None,
            };
            match quota::reserve(&txn, &claim, now).await? {
                Reservation::Reserved { quota_use_id, .. } => taken.push(quota_use_id),
                Reservation::Exhausted => {
                    txn.rollback().await?;
                    return Err(quota_exhausted(service_id));
                }
            }
        }
        let case = service_case::Entity::insert(service_case::ActiveModel {
            public_id: Set(Uuid::new_v4()),
            policy_id: Set(policy.id),
            user_id: Set(user.user_id),
            product_id: Set(policy.product_id),
            insurer_id: Set(insurer_id),
            service_id: Set(service.id.clone()),
            quota_key: Set(quota_of(&plan, service).map(|(k, ..)| k)),
            status: Set(Status::Draft.as_str().to_owned()),
            diagnosis_state: Set(body.diagnosis_state.map(|d| {
                match d {
                    DiagnosisState::Suspected => "suspected",
                    DiagnosisState::Confirmed => "confirmed",
                }
                .to_owned()
            })),
            illness_id: Set(trimmed(&body.illness_id)),
            city_code: Set(trimmed(&body.city)),
            hospital_id: Set(trimmed(&body.hospital_id)),
            department_id: Set(trimmed(&body.department_id)),
            expert_name: Set(trimmed(&body.expert_name)),
            wanted_date: Set(body.wanted_date),
            has_admission_slip: Set(body.admission_slip),
            admission_slip_date: Set(body.admission_slip_date),
            outpatient_first: Set(outpatient_first),
            description: Set(trimmed(&body.description)),
            sla_provisional: Set(false),
            draft_expires_at: Set(Some(now + ttl)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec_with_returning(&txn)
        .await?;
        for quota_use_id in taken {
            quota::attach(&txn, quota_use_id, case.id).await?;
        }
        store::record_event(
            &txn,
            case.id,
            None,
            Status::Draft,
            "created",
            Actor::User(user.user_id),
            None,
            None,
            now,
        )
        .await?;
        let events = store::events(&txn, case.id).await?;
        let calendar = state.calendar.get();
        let view = view::detail(&case, policy.public_id, service, &calendar, now, &events);
        let body = serde_json::to_string(&view).map_err(ApiError::internal)?;
        key.complete(&txn, StatusCode::CREATED, &body).await?;
        txn.commit().await?;
        tracing::info!(case = %case.public_id, service = %service.id, "case created");
        return Ok(HttpResponse::Created()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/api/v1/cases/{}", case.public_id),
            ))
            .content_type("application/json")
            .body(body));
    }
    Err(ApiError::new(
        StatusCode::CONFLICT,
        "request_in_progress",
        "相同的请求正在处理中，请稍后重试",
    ))
}
