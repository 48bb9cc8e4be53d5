//! What the console sees of one case, for a specialist or (statuses and dates only) an insurer
//! viewer; the queue is `super::queue`. Reads only; changes go through `cases::actions::perform`.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::attachments::store::documents::audit_read;
use crate::cases::contact;
use crate::cases::error::CaseError;
use crate::cases::lifecycle::Status;
use crate::cases::service::{detail_view, service_name, status_of};
use crate::cases::store::Case;
use crate::cases::view::{CaseView, status_text};
use crate::staff::Role;
use crate::staff::access::CurrentStaff;
use crate::staff::accounts::logins;
use crate::state::AppState;

use super::queue::overdue;

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
    /// The phone the insured is reached on for this case: in full for the specialist who holds
    /// the case and for supervisors (each such read is in the audit log), masked for others.
    pub insured_phone: Option<String>,
    /// Whether `insured_phone` is the whole number.
    pub insured_phone_in_full: bool,
    pub assignee: Option<String>,
    pub overdue: bool,
    pub first_contact_overdue: bool,
    pub start_decision_overdue: bool,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub first_contacted_at: Option<DateTime<Utc>>,
}

/// An insurer viewer's view: statuses and dates, no medical facts.
#[derive(Debug, Serialize, ToSchema)]
pub struct InsurerCaseView {
    pub id: Uuid,
    pub number: String,
    pub product_code: String,
    pub policy_no: String,
    pub service_id: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    /// The insured's contact phone, masked.
    pub insured_phone: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub applied_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub sla_due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub closed_at: Option<DateTime<Utc>>,
    pub outcome_code: Option<String>,
    pub counted: Option<bool>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ConsoleCase {
    Staff(Box<StaffCaseView>),
    Insurer(Box<InsurerCaseView>),
}

/// The console's view of `case` for `staff` (an insurer viewer gets statuses and dates only),
/// read from `ip` (for the audit of the insured's phone).
pub async fn console_view(
    state: &AppState,
    staff: &CurrentStaff,
    ip: Option<IpAddr>,
    case: &Case,
) -> Result<ConsoleCase, CaseError> {
    let now = state.clocks.business.now();
    let policy = crate::policies::service::by_row_id(state, case.policy_id)
        .await?
        .ok_or_else(|| CaseError::unexpected("case without its policy"))?;
    let product_code = state
        .product_code(case.product_id)
        .unwrap_or_default()
        .to_owned();
    let status = status_of(case);
    let (overdue, first_contact_overdue, start_decision_overdue) = overdue(case, status, now);
    if staff.role == Role::InsurerViewer {
        return Ok(ConsoleCase::Insurer(Box::new(InsurerCaseView {
            id: case.public_id,
            number: crate::cases::store::number_of(case),
            product_code,
            policy_no: policy.policy_no,
            service_id: case.service_id.clone(),
            service_name: service_name(state, case),
            status,
            status_text: status_text(status),
            insured_phone: case.contact_phone_masked.clone(),
            applied_at: case.applied_at,
            sla_due_at: case.sla_due_at,
            overdue,
            closed_at: case.closed_at,
            outcome_code: case.outcome_code.clone(),
            counted: case.counted,
            created_at: case.created_at,
        })));
    }
    let logins = logins(&state.db, case.assignee_id.into_iter()).await?;
    let (insured_phone, insured_phone_in_full) = insured_phone(state, staff, ip, case).await?;
    let mut view = detail_view(state, case).await?;
    courier_addresses(state, staff, ip, case, &mut view).await?;
    Ok(ConsoleCase::Staff(Box::new(StaffCaseView {
        insured_phone,
        insured_phone_in_full,
        case: view,
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

/// The insured's contact phone as `staff` may see it: the whole number for the specialist who
/// holds the case and for supervisors, the read written to the audit log first; masked for
/// everyone else.
async fn insured_phone(
    state: &AppState,
    staff: &CurrentStaff,
    ip: Option<IpAddr>,
    case: &Case,
) -> Result<(Option<String>, bool), CaseError> {
    if !contact::may_see_in_full(staff, case) {
        return Ok((case.contact_phone_masked.clone(), false));
    }
    let Some(phone) = contact::open(state, case)? else {
        return Ok((None, false));
    };
    audit_read(
        &state.db,
        staff,
        ip,
        "contact_phone_read",
        ("case", case.public_id),
        Some(case.id),
    )
    .await?;
    Ok((Some(phone.for_dialling()), true))
}

/// The courier requests' addresses in full for the specialist who holds the case (seed 004
/// 陪诊: they send the documents), each read written to the audit log first; masked for everyone
/// else, supervisors included.
async fn courier_addresses(
    state: &AppState,
    staff: &CurrentStaff,
    ip: Option<IpAddr>,
    case: &Case,
    view: &mut CaseView,
) -> Result<(), CaseError> {
    if case.assignee_id != Some(staff.id()) || view.couriers.iter().all(|c| c.address.is_none()) {
        return Ok(());
    }
    let stored = crate::cases::service::couriers_of(state, case).await?;
    for shown in &mut view.couriers {
        let Some(courier) = stored.iter().find(|c| c.public_id == shown.id) else {
            continue;
        };
        let Some(full) = crate::cases::courier::open(state, case.public_id, courier)? else {
            continue;
        };
        audit_read(
            &state.db,
            staff,
            ip,
            "courier_address_read",
            ("case", case.public_id),
            Some(case.id),
        )
        .await?;
        shown.address = Some(full);
        shown.address_in_full = true;
    }
    Ok(())
}
