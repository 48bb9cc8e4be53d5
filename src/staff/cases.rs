//! What the console sees of cases, and the checks before a specialist changes one.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use chrono::{DateTime, Utc};
use entity::{policy, staff};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::Role;
use super::auth::{CurrentStaff, forbidden};
use crate::cases::lifecycle::Status;
use crate::cases::routes::{detail_view, plan_of};
use crate::cases::store::{self, Case};
use crate::cases::view::{CaseView, status_of, status_text};
use crate::error::ApiError;
use crate::state::AppState;

/// What a change needs from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Any specialist, supervisor or admin in scope (taking a case).
    Claim,
    /// The case's assignee, or a supervisor or admin.
    Owner,
    /// A supervisor or admin.
    Supervisor,
}

fn case_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "未找到该申请")
}

/// The case, if the account's scope covers it (otherwise it does not exist for them).
pub async fn case_in_scope(
    state: &AppState,
    staff: &CurrentStaff,
    id: Uuid,
) -> Result<Case, ApiError> {
    store::find(&state.db, id)
        .await?
        .filter(|c| staff.sees(c.insurer_id))
        .ok_or_else(case_not_found)
}

pub fn may_change(staff: &CurrentStaff, case: &Case, need: Need) -> Result<(), ApiError> {
    match (staff.role, need) {
        (Role::InsurerViewer, _) => Err(forbidden(staff.role)),
        (Role::Admin | Role::Supervisor, _) => Ok(()),
        (Role::Specialist, Need::Supervisor) => Err(forbidden(staff.role)),
        (Role::Specialist, Need::Claim) => Ok(()),
        (Role::Specialist, Need::Owner) if case.assignee_id == Some(staff.id()) => Ok(()),
        (Role::Specialist, Need::Owner) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "not_assignee",
            "该申请由其他专员负责，请先认领或联系主管转派",
        )),
    }
}

/// Which promises a case has broken: (SLA, first contact, start decision).
pub fn overdue(case: &Case, now: DateTime<Utc>) -> (bool, bool, bool) {
    let status = status_of(case);
    let open = !status.is_terminal() && status != Status::Draft;
    let past = |due: Option<DateTime<Utc>>| due.is_some_and(|due| due < now);
    let sla =
        open && past(case.sla_due_at) && !matches!(status, Status::Scheduled | Status::InProgress);
    let contact = open && case.first_contacted_at.is_none() && past(case.first_contact_due_at);
    // The start-or-not decision is made by approving (or refusing) the case.
    let start = open && case.approved_at.is_none() && past(case.start_decision_due_at);
    (sla, contact, start)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub id: Uuid,
    pub version: i32,
    pub product_code: String,
    pub service_id: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    /// The assignee's login.
    pub assignee: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub first_contact_due_at: Option<DateTime<Utc>>,
    /// Past its SLA and not yet arranged.
    pub overdue: bool,
    /// Past its first-contact promise with no contact recorded.
    pub first_contact_overdue: bool,
    /// Past its start-or-not promise and not yet approved.
    pub start_decision_overdue: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn logins(
    state: &AppState,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, ApiError> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.login))
        .collect())
}

pub fn queue_item(
    state: &AppState,
    case: &Case,
    logins: &HashMap<i64, String>,
    now: DateTime<Utc>,
) -> QueueItem {
    let status = status_of(case);
    let (overdue, first_contact_overdue, start_decision_overdue) = overdue(case, now);
    QueueItem {
        id: case.public_id,
        version: case.version,
        product_code: state
            .product_code(case.product_id)
            .unwrap_or_default()
            .to_owned(),
        service_id: case.service_id.clone(),
        service_name: plan_of(state, case)
            .map(|(_, s)| s.name)
            .unwrap_or_default(),
        status,
        status_text: status_text(status),
        assignee: case.assignee_id.and_then(|id| logins.get(&id).cloned()),
        applied_at: case.applied_at,
        sla_due_at: case.sla_due_at,
        first_contact_due_at: case.first_contact_due_at,
        overdue,
        first_contact_overdue,
        start_decision_overdue,
        created_at: case.created_at,
    }
}

/// A specialist's view: the insured's view plus who and what it is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct StaffCaseView {
    #[serde(flatten)]
    pub case: CaseView,
    pub product_code: String,
    pub policy_no: String,
    /// The insured's name as on the policy (needed to book in their name).
    pub insured_name: String,
    /// Masked.
    pub insured_id_number: String,
    pub assignee: Option<String>,
    pub overdue: bool,
    pub first_contact_overdue: bool,
    pub start_decision_overdue: bool,
    pub first_contacted_at: Option<DateTime<Utc>>,
}

/// An insurer viewer's view: statuses and dates, no medical facts.
#[derive(Debug, Serialize, ToSchema)]
pub struct InsurerCaseView {
    pub id: Uuid,
    pub product_code: String,
    pub policy_no: String,
    pub service_id: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    pub applied_at: Option<DateTime<Utc>>,
    pub sla_due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome_code: Option<String>,
    pub counted: Option<bool>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConsoleCase {
    Staff(Box<StaffCaseView>),
    Insurer(InsurerCaseView),
}

pub async fn console_view(
    state: &AppState,
    staff: &CurrentStaff,
    case: &Case,
) -> Result<ConsoleCase, ApiError> {
    let now = state.clocks.business.now();
    let policy = policy::Entity::find_by_id(case.policy_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("case without its policy")))?;
    let product_code = state
        .product_code(case.product_id)
        .unwrap_or_default()
        .to_owned();
    let (overdue, first_contact_overdue, start_decision_overdue) = overdue(case, now);
    if staff.role == Role::InsurerViewer {
        let status = status_of(case);
        return Ok(ConsoleCase::Insurer(InsurerCaseView {
            id: case.public_id,
            product_code,
            policy_no: policy.policy_no,
            service_id: case.service_id.clone(),
            service_name: plan_of(state, case)
                .map(|(_, s)| s.name)
                .unwrap_or_default(),
            status,
            status_text: status_text(status),
            applied_at: case.applied_at,
            sla_due_at: case.sla_due_at,
            overdue,
            closed_at: case.closed_at,
            outcome_code: case.outcome_code.clone(),
            counted: case.counted,
            created_at: case.created_at,
        }));
    }
    let logins = logins(state, case.assignee_id.into_iter()).await?;
    Ok(ConsoleCase::Staff(Box::new(StaffCaseView {
        case: detail_view(state, case).await?,
        product_code,
        insured_name: policy.insured_name.clone(),
        insured_id_number: policy.id_number_masked.clone(),
        policy_no: policy.policy_no,
        assignee: case.assignee_id.and_then(|id| logins.get(&id).cloned()),
        overdue,
        first_contact_overdue,
        start_decision_overdue,
        first_contacted_at: case.first_contacted_at,
    })))
}
