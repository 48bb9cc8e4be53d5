//! What the insured may use of a bound policy today, as the mini-program shows it.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use tracing::instrument;

use super::sla::{Anchors, due};
use super::{Entitlement, PolicyFacts, QuotaStatus, Reason, evaluate};
use crate::calendar::local_date;
use crate::plans::{
    Anchor, Cancellation, ExcludedDepartments, Flow, LineView, MaterialRule, NoticeView, Plan,
    Service,
};
use crate::policies::bind::plan_of_policy;
use crate::policies::error::PolicyError;
use crate::policies::service::{PolicySummary, summary};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct ReasonView {
    #[schema(value_type = String, example = "waiting_period")]
    pub code: Reason,
    pub message: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialsView {
    /// Every one of these (labels, in Chinese).
    pub all_of: Vec<&'static str>,
    /// At least one of these (labels).
    pub any_of: Vec<&'static str>,
    /// The same, as the `category` codes the upload takes (`outpatient_record` …), in order.
    pub all_of_codes: Vec<&'static str>,
    pub any_of_codes: Vec<&'static str>,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Prepare {
    /// When the illness is suspected (疑似).
    pub suspected: Option<MaterialsView>,
    /// When it is confirmed (确诊).
    pub confirmed: Option<MaterialsView>,
    /// `not_needed`, `required`, `outpatient_first`, `later`.
    pub admission_slip: &'static str,
    pub admission_slip_text: Option<&'static str>,
    /// `materials_first`: upload, then submit; `contact_first`: a specialist calls after the
    /// application and guides the upload (the case is with the specialists at once).
    pub flow: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Promises {
    pub sla: Option<String>,
    pub first_contact: Option<String>,
    pub start_decision: Option<String>,
    /// Apply at least this many working days before the wanted date.
    pub lead_time_working_days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AcceptanceView {
    pub hours: String,
    pub open_now: bool,
    /// When an application made now is accepted.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub next_opening: DateTime<Utc>,
    /// When a specialist makes first contact with an application made now (plans that promise
    /// it), counted the way the case will count it: only while the service is open.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub first_contact_by: Option<DateTime<Utc>>,
    /// The answer rests on a year whose holiday calendar is not published yet.
    pub provisional: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Nameable {
    pub hospital: bool,
    pub department: bool,
    pub expert: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceEntitlement {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub available: bool,
    pub reasons: Vec<ReasonView>,
    pub available_from: NaiveDate,
    pub window_last_day: Option<NaiveDate>,
    pub quota: QuotaStatus,
    /// `insured` or `insured_and_relatives`.
    pub beneficiaries: String,
    pub prepare: Prepare,
    pub promises: Promises,
    pub acceptance: AcceptanceView,
    pub hotline: String,
    /// Every line the insured may call about the service, its own first, with their hours.
    pub lines: Vec<LineView>,
    /// What the insured must know before applying (fees, claims, emergencies, lateness, what
    /// to bring …), in the plan's words.
    pub notices: Vec<NoticeView>,
    pub provider: String,
    /// The coverage list (`GET /api/v1/catalog/cities?service=` lists its cities).
    pub coverage: Option<String>,
    pub nameable: Nameable,
    pub doctor_level: Option<String>,
    pub excluded_departments: Vec<&'static str>,
    pub cancellation: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntitlementsResponse {
    pub policy: PolicySummary,
    /// Today in Asia/Shanghai, by the business clock.
    pub today: NaiveDate,
    pub services: Vec<ServiceEntitlement>,
}

fn materials(rule: &Option<MaterialRule>) -> Option<MaterialsView> {
    rule.as_ref().map(|rule| MaterialsView {
        all_of: rule.all_of.iter().map(|m| m.label()).collect(),
        any_of: rule.any_of.iter().map(|m| m.label()).collect(),
        all_of_codes: rule.all_of.iter().map(|m| m.code()).collect(),
        any_of_codes: rule.any_of.iter().map(|m| m.code()).collect(),
        note: rule.note.clone(),
    })
}

fn cancellation_text(rule: Cancellation) -> &'static str {
    match rule {
        Cancellation::Never => "预约成功后不可改期或取消",
        Cancellation::BeforeNoonDayBefore => "可在就诊前一天12:00前取消，之后取消计为已使用一次",
        Cancellation::WorkingDaysNotice { .. } => "取消需至少提前2个工作日告知，否则计为已使用一次",
        Cancellation::UntilScheduled => "安排完成前可取消",
        Cancellation::BeforeVisitDay => "就诊日前可免费取消，就诊当天取消计为已使用一次",
    }
}

fn view(
    state: &AppState,
    plan: &Plan,
    service: &Service,
    entitlement: Entitlement,
    now: DateTime<Utc>,
) -> ServiceEntitlement {
    let calendar = state.calendar.get();
    let opening = calendar.next_opening(now, &service.acceptance);
    let applied_now = Anchors::from([(Anchor::Application, now)]);
    let first_contact_by = service
        .first_contact
        .as_ref()
        .and_then(|promise| due(&calendar, service, promise, &applied_now));
    let cancellation = match service.cancellation {
        Cancellation::WorkingDaysNotice { days } if days != 2 => {
            "取消需提前告知，否则计为已使用一次"
        }
        rule => cancellation_text(rule),
    };
    ServiceEntitlement {
        id: service.id.clone(),
        name: service.name.clone(),
        kind: serde_json::to_value(service.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        available: entitlement.available,
        reasons: entitlement
            .reasons
            .iter()
            .map(|r| ReasonView {
                code: *r,
                message: r.message(),
            })
            .collect(),
        available_from: entitlement.available_from,
        window_last_day: entitlement.window_last_day,
        quota: entitlement.quota,
        beneficiaries: match service.beneficiaries {
            crate::plans::Beneficiaries::Insured => "insured",
            crate::plans::Beneficiaries::InsuredAndRelatives => "insured_and_relatives",
        }
        .to_owned(),
        prepare: Prepare {
            suspected: materials(&service.materials.suspected),
            confirmed: materials(&service.materials.confirmed),
            admission_slip: service.admission_slip.code(),
            admission_slip_text: service.admission_slip.text(),
            flow: match service.flow {
                Flow::MaterialsFirst => "materials_first",
                Flow::ContactFirst => "contact_first",
            },
        },
        promises: Promises {
            sla: service.sla.as_ref().map(|p| p.text.clone()),
            first_contact: service.first_contact.as_ref().map(|p| p.text.clone()),
            start_decision: service.start_decision.as_ref().map(|p| p.text.clone()),
            lead_time_working_days: service.lead_time_working_days,
        },
        acceptance: AcceptanceView {
            hours: service.acceptance.describe(),
            open_now: opening.value == now,
            next_opening: opening.value,
            first_contact_by: first_contact_by.map(|d| d.value),
            provisional: opening.provisional || first_contact_by.is_some_and(|d| d.provisional),
        },
        hotline: service.hotline.clone(),
        lines: plan.lines_for(service),
        notices: plan.notices_for(service),
        provider: service
            .provider
            .clone()
            .unwrap_or_else(|| plan.provider.name.clone()),
        coverage: service.coverage.clone(),
        nameable: Nameable {
            hospital: service.nameable.hospital,
            department: service.nameable.department,
            expert: service.nameable.expert,
        },
        doctor_level: service.doctor_level.clone(),
        excluded_departments: service
            .excluded_departments
            .iter()
            .map(|d| match d {
                ExcludedDepartments::Obstetrics => "产科",
                ExcludedDepartments::Emergency => "急诊科",
                ExcludedDepartments::Technical => "医技科室（超声、影像、检验等）",
            })
            .collect(),
        cancellation,
    }
}

/// What `user_id` may use of their bound policy `policy_id` today, and why not where not.
#[instrument(skip_all, fields(user_id, policy = %policy_id))]
pub async fn entitlements(
    state: &AppState,
    user_id: i64,
    policy_id: Uuid,
) -> Result<EntitlementsResponse, PolicyError> {
    let (policy, relation, plan) = plan_of_policy(state, user_id, policy_id).await?;
    let now = state.clocks.business.now();
    let today = local_date(now);
    let facts = PolicyFacts::of(&policy);
    let uses = super::store::uses(&state.db, policy.id).await?;
    let unlimited: Vec<&str> = plan
        .services
        .iter()
        .filter(|s| s.quota.unlimited)
        .map(|s| s.id.as_str())
        .collect();
    let unlimited_uses = super::store::unlimited_uses(&state.db, policy.id, &unlimited).await?;
    let services = evaluate(&plan, &facts, relation, today, &uses)
        .into_iter()
        .zip(&plan.services)
        .map(|(mut entitlement, service)| {
            if entitlement.quota.unlimited {
                entitlement.quota.used = unlimited_uses.get(&service.id).copied().unwrap_or(0);
            }
            view(state, &plan, service, entitlement, now)
        })
        .collect();
    Ok(EntitlementsResponse {
        policy: summary(state, &policy, relation),
        today,
        services,
    })
}
