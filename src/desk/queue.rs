//! The specialists' queue as they read it: the cases of their scope a filter selects, each
//! with the promises it has broken, what it waits for, who holds it and whose it is. Reads only.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::cases::error::CaseError;
use crate::cases::lifecycle::Status;
use crate::cases::queue::{NameSearch, QueueFilter};
use crate::cases::service::{service_name, status_of};
use crate::cases::store::Case;
use crate::cases::view::status_text;
use crate::staff::access::CurrentStaff;
use crate::staff::accounts::{display_names, logins};
use crate::state::AppState;

/// Which promises a case has broken: (SLA, first contact, start decision).
pub fn overdue(case: &Case, status: Status, now: DateTime<Utc>) -> (bool, bool, bool) {
    let open = status.is_open();
    let past = |due: Option<DateTime<Utc>>| due.is_some_and(|due| due < now);
    // While the insured chooses among the options offered, the arrangement waits for them, not
    // for the specialist (seed 003 二3 「与客户电话确认」; interpretation).
    let sla = open
        && past(case.sla_due_at)
        && !matches!(status, Status::Scheduled | Status::InProgress)
        && case.offer_open_until.is_none();
    let contact = open && case.first_contacted_at.is_none() && past(case.first_contact_due_at);
    // The start-or-not decision is made by approving (or refusing) the case, or by proposing
    // where to go (plan 4 without a slip: 2–3 hospitals chosen with the insured, seed 003 二3).
    let start = open
        && case.approved_at.is_none()
        && case.last_offer_at.is_none()
        && past(case.start_decision_due_at);
    (sla, contact, start)
}

/// The assignees of a page of cases: their logins and their names, by account id.
#[derive(Debug)]
pub struct Assignees {
    pub logins: HashMap<i64, String>,
    pub names: HashMap<i64, String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueItem {
    pub id: Uuid,
    #[schema(example = "GC2611-00042")]
    pub number: String,
    pub version: i32,
    pub product_code: String,
    pub service_id: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    /// The assignee's login.
    pub assignee: Option<String>,
    /// The assignee's name as people read it (their login where they gave none).
    pub assignee_name: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub applied_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub sla_due_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub first_contact_due_at: Option<DateTime<Utc>>,
    /// Past its SLA and not yet arranged.
    pub overdue: bool,
    /// Past its first-contact promise with no contact recorded.
    pub first_contact_overdue: bool,
    /// Past its start-or-not promise and not yet approved.
    pub start_decision_overdue: bool,
    /// An offer waits for the insured's answer (until this instant).
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub offer_open_until: Option<DateTime<Utc>>,
    /// The insured asked for a change of the booked visit then (not answered yet).
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub change_requested_at: Option<DateTime<Utc>>,
    /// The insured's name, masked (`张*丰`).
    pub insured_name: String,
    /// The plan's name.
    pub plan_name: String,
    /// Who or what the case waits for now, in words (`用户上传资料`, `专员安排就诊` …).
    pub waiting_for: &'static str,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub created_at: DateTime<Utc>,
}

/// What `case` waits for now, in the words the queue shows.
pub fn waiting_for(case: &Case, status: Status) -> &'static str {
    if case.offer_open_until.is_some() {
        return "用户选择方案";
    }
    if case.change_requested_at.is_some() {
        return "专员答复更改申请";
    }
    match status {
        Status::Draft => "用户提交申请",
        Status::NeedsMaterials => "用户上传资料",
        Status::Submitted => "专员认领",
        Status::InReview if case.first_contacted_at.is_none() => "专员首次联系",
        Status::InReview => "专员审核资料",
        Status::Approved => "专员安排",
        Status::Scheduled => "用户按约就诊",
        Status::InProgress => "服务完成",
        _ => "无（已结束）",
    }
}

pub fn queue_item(
    state: &AppState,
    case: &Case,
    (logins, names): (&Assignees, &HashMap<i64, String>),
    now: DateTime<Utc>,
) -> Result<QueueItem, CaseError> {
    let status = status_of(case);
    let (overdue, first_contact_overdue, start_decision_overdue) = overdue(case, status, now);
    Ok(QueueItem {
        id: case.public_id,
        number: crate::cases::store::number_of(case),
        version: case.version,
        product_code: state
            .product_code(case.product_id)
            .unwrap_or_default()
            .to_owned(),
        service_id: case.service_id.clone(),
        service_name: service_name(state, case),
        status,
        status_text: status_text(status),
        assignee: case
            .assignee_id
            .and_then(|id| logins.logins.get(&id).cloned()),
        assignee_name: case
            .assignee_id
            .and_then(|id| logins.names.get(&id).cloned()),
        applied_at: case.applied_at,
        sla_due_at: case.sla_due_at,
        first_contact_due_at: case.first_contact_due_at,
        overdue,
        first_contact_overdue,
        start_decision_overdue,
        offer_open_until: case.offer_open_until,
        insured_name: names.get(&case.policy_id).cloned().unwrap_or_default(),
        plan_name: state
            .plan_for_product(case.product_id)
            .map(|p| p.name.clone())
            .unwrap_or_default(),
        waiting_for: waiting_for(case, status),
        change_requested_at: case.change_requested_at,
        created_at: case.created_at,
    })
}

/// The queue's filters as a page or a request names them.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct QueueParams {
    /// One status (`submitted`, `in_review` …); default: every case of `phase`.
    pub status: Option<Status>,
    /// `open` (default), `closed` (completed, cancelled, no-show, rejected, terminated) or `all`;
    /// a `number` finds its case in any.
    pub phase: Option<crate::cases::queue::Phase>,
    /// `me` (assigned to the caller) or `none` (unclaimed).
    pub assigned: Option<crate::cases::queue::Assigned>,
    /// A case number as said on the phone (`GC2611-00042`; case, spaces and dashes free).
    pub number: Option<String>,
    /// A policy number, as the insurer wrote it: every case of that policy, in any status.
    #[param(max_length = 64)]
    pub policy_no: Option<String>,
    /// The insured's name, in full (`张三丰`) or as the queue masks it (`张**`): every case of
    /// such a name, in any status, in scope.
    #[param(max_length = 50)]
    pub name: Option<String>,
    /// One service id of the plans (`expert_outpatient` …).
    pub service: Option<String>,
    /// One plan (product code).
    pub plan: Option<String>,
    /// Only cases past a promise (SLA or first contact).
    pub overdue: Option<bool>,
    /// `insured` (an offer waits for the insured's answer) or `specialist` (the rest).
    pub waiting: Option<crate::cases::queue::Waiting>,
    #[param(minimum = 1)]
    pub page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

impl QueueParams {
    /// The filter these name for `staff` (empty texts count as absent, as a form sends them).
    pub fn filter(&self, state: &AppState, staff: &CurrentStaff) -> Result<QueueFilter, CaseError> {
        let text = |t: &Option<String>| {
            t.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let number = match text(&self.number) {
            Some(t) => Some(crate::cases::number::parse(&t).ok_or(CaseError::CaseNumberInvalid)?),
            None => None,
        };
        let policy_no = text(&self.policy_no);
        if policy_no.as_ref().is_some_and(|p| p.chars().count() > 64) {
            return Err(CaseError::PolicyNumberInvalid);
        }
        let name = match text(&self.name) {
            Some(t) => Some(NameSearch::parse(&t).ok_or(CaseError::NameSearchInvalid)?),
            None => None,
        };
        let product_id = match text(&self.plan) {
            Some(code) => Some(*state.product_ids.get(&code).ok_or(CaseError::UnknownPlan)?),
            None => None,
        };
        Ok(QueueFilter {
            status: self.status,
            phase: self.phase.unwrap_or_default(),
            assigned: self.assigned.map(|a| (a, staff.id())),
            insurer_id: staff.account.insurer_id,
            number,
            policy_no,
            name,
            service_id: text(&self.service),
            product_id,
            overdue_at: self
                .overdue
                .unwrap_or(false)
                .then(|| state.clocks.business.now()),
            waiting: self.waiting,
        })
    }
}

/// A page of the queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

/// The cases in the account's scope that `filter` selects: due date first (none last), overdue
/// flagged.
#[instrument(skip_all, fields(staff_id = staff.id(), ?filter, page, per_page))]
pub async fn queue(
    state: &AppState,
    staff: &CurrentStaff,
    mut filter: QueueFilter,
    page: u32,
    per_page: u32,
) -> Result<QueuePage, CaseError> {
    // The account's scope, whatever the caller asked.
    filter.insurer_id = staff.account.insurer_id;
    let (cases, total) = crate::cases::service::queue(state, filter, page, per_page).await?;
    let logins = Assignees {
        logins: logins(&state.db, cases.iter().filter_map(|c| c.assignee_id)).await?,
        names: display_names(&state.db, cases.iter().filter_map(|c| c.assignee_id)).await?,
    };
    let names =
        crate::policies::service::masked_names(state, cases.iter().map(|c| c.policy_id)).await?;
    let now = state.clocks.business.now();
    Ok(QueuePage {
        items: cases
            .iter()
            .map(|c| queue_item(state, c, (&logins, &names), now))
            .collect::<Result<_, _>>()?,
        page,
        per_page,
        total,
    })
}
