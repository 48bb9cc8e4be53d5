//! What the provider side does to a case: the one entry point every caller uses (the JSON staff
//! API, the console's forms, and later the dispatcher's and reports' jobs). [`perform`] checks
//! the scope and the role, refuses a decision made on an older version, asks the lifecycle
//! whether the action is allowed in this status, and has the store write the case, its event,
//! the quota effect and the outbox row in one transaction.

use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use serde::{Deserialize, Serialize};
use strum::{IntoStaticStr, VariantArray};
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::CaseError;
use super::lifecycle::{InvalidTransition, QuotaEffect, Status, Step};
use super::service::{cancel, plan_of, status_of};
use super::store::{self, Actor, Case, Transition};
use crate::plans::{EndReason, Material, Plan, Service, UsedReason};
use crate::staff::Role;
use crate::staff::access::{CurrentStaff, Need, case_in_scope, may_change};
use crate::staff::accounts::find_by_login;
use crate::state::AppState;

/// Grounds for refusing a case, as the plans state them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, VariantArray)]
#[strum(serialize_all = "snake_case")]
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

impl Refusal {
    /// Whether the plan refuses on these grounds at all.
    pub fn applies(self, plan: &Plan) -> bool {
        match self {
            Refusal::PreExistingCondition => plan.eligibility.pre_existing_excluded,
            Refusal::NotFirstDiagnosis => plan.eligibility.first_diagnosis_only,
            _ => true,
        }
    }
}

/// The appointment a specialist arranged, as entered (trimmed and checked by [`perform`]).
#[derive(Debug, Clone)]
pub struct Appointment {
    pub at: DateTime<Utc>,
    pub hospital: String,
    pub department: String,
    /// 主任医师, 副主任医师 …
    pub expert_title: Option<String>,
    /// Where the escort meets the insured.
    pub meeting_point: String,
    /// The escort's name and phone.
    pub escort_contact: Option<String>,
}

/// One thing the provider side does to a case.
#[derive(Debug, Clone)]
pub enum Action {
    /// Take a submitted case: one owner at a time.
    Claim,
    /// The first call to the insured (the plan's first-contact promise).
    Contact,
    /// Back to the insured for more materials.
    RequestMaterials {
        categories: Vec<Material>,
        message: String,
    },
    /// Eligible: the SLA clock of plans that run from approval starts.
    Approve,
    /// Not eligible: the use goes back to the policy.
    Reject { reason: Refusal },
    /// Arrange (or re-arrange) the appointment.
    Schedule(Appointment),
    /// Work without an appointment (reports, treatment abroad) has started.
    Start,
    /// Delivered: the use is consumed.
    Complete,
    /// The insured did not come: counted or not as the plan says.
    NoShow,
    /// Ended by the provider side; counted or not as the plan says.
    Terminate { reason: EndReason },
    /// A cancellation the insured asked for by phone; counted as the plan says, including where
    /// the app would refuse it because it counts.
    Cancel,
    /// Give an open case to another specialist (supervisors and admins), by login.
    Reassign { assignee: String },
}

impl Action {
    /// The action's name, as in the path of its JSON route and in logs.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Claim => "claim",
            Action::Contact => "contact",
            Action::RequestMaterials { .. } => "request-materials",
            Action::Approve => "approve",
            Action::Reject { .. } => "reject",
            Action::Schedule(_) => "schedule",
            Action::Start => "start",
            Action::Complete => "complete",
            Action::NoShow => "no-show",
            Action::Terminate { .. } => "terminate",
            Action::Cancel => "cancel",
            Action::Reassign { .. } => "reassign",
        }
    }

    /// What the action needs from the caller.
    pub fn need(&self) -> Need {
        match self {
            Action::Claim => Need::Claim,
            Action::Reassign { .. } => Need::Supervisor,
            _ => Need::Owner,
        }
    }
}

/// An action, the version of the case it was decided on, and a note for the timeline.
#[derive(Debug, Clone)]
pub struct Command {
    pub version: i32,
    pub note: Option<String>,
    pub action: Action,
}

impl Command {
    pub fn new(version: i32, note: Option<String>, action: Action) -> Self {
        Self {
            version,
            note,
            action,
        }
    }
}

fn required(value: &str, max: usize, missing: CaseError) -> Result<String, CaseError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(missing);
    }
    Ok(value.to_owned())
}

fn optional(value: Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// Checks what can be checked without the case: bad input is refused before anything is read.
fn checked(action: Action, now: DateTime<Utc>) -> Result<Action, CaseError> {
    Ok(match action {
        Action::RequestMaterials {
            categories,
            message,
        } => {
            if categories.is_empty() {
                return Err(CaseError::CategoriesRequired);
            }
            let message = required(&message, 500, CaseError::MessageRequired)?;
            Action::RequestMaterials {
                categories,
                message,
            }
        }
        Action::Schedule(appointment) => {
            if appointment.at <= now {
                return Err(CaseError::AppointmentInPast);
            }
            Action::Schedule(Appointment {
                at: appointment.at,
                hospital: required(&appointment.hospital, 128, CaseError::HospitalRequired)?,
                department: required(&appointment.department, 64, CaseError::DepartmentRequired)?,
                expert_title: optional(appointment.expert_title),
                meeting_point: required(
                    &appointment.meeting_point,
                    256,
                    CaseError::MeetingPointRequired,
                )?,
                escort_contact: optional(appointment.escort_contact),
            })
        }
        other => other,
    })
}

/// Performs `command` on the case `case_id` as `staff`; the case as saved.
#[instrument(skip_all, fields(case = %case_id, staff_id = staff.id(), action = command.action.name()))]
pub async fn perform(
    state: &AppState,
    staff: &CurrentStaff,
    case_id: Uuid,
    command: Command,
) -> Result<Case, CaseError> {
    let now = state.clocks.business.now();
    let action = checked(command.action, now)?;
    // The new assignee is resolved before the case, as an unknown login is bad input.
    let target = match &action {
        Action::Reassign { assignee } => Some(
            find_by_login(&state.db, assignee)
                .await?
                .filter(|a| {
                    a.active
                        && matches!(
                            Role::parse(&a.role),
                            Some(Role::Specialist | Role::Supervisor)
                        )
                })
                .ok_or(CaseError::UnknownAssignee { foreign: false })?,
        ),
        _ => None,
    };
    let case = case_in_scope(state, staff, case_id).await?;
    let (plan, service) = plan_of(state, &case)?;
    if let Action::Reject { reason } = &action
        && !reason.applies(&plan)
    {
        return Err(CaseError::ReasonNotInPlan);
    }
    may_change(staff, &case, action.need())?;
    if command.version != case.version {
        // Decided on an older state: say so before judging the action against the new one.
        return Err(CaseError::CaseModified);
    }
    let actor = Actor::Staff(staff.id());
    let transition = match action {
        Action::Cancel => {
            return cancel(state, &case, command.version, command.note, actor, true).await;
        }
        Action::Reassign { .. } => {
            let target = target.ok_or_else(|| CaseError::unexpected("no reassign target"))?;
            if target.insurer_id.is_some_and(|own| own != case.insurer_id) {
                return Err(CaseError::UnknownAssignee { foreign: true });
            }
            let mut transition = Transition::new("reassigned", keep(&case, "reassigned")?)
                .reason(format!("to:{}", target.login));
            transition.changes.assignee_id = Set(Some(target.id));
            transition
        }
        other => decide(staff, &case, &service, other, now)?,
    };
    Ok(store::apply(
        &state.db,
        &state.calendar.get(),
        &service,
        &case,
        command.version,
        match command.note {
            // The staff member's words, where the action did not write its own.
            Some(note) => transition.note(Some(note)),
            None => transition,
        },
        actor,
        now,
    )
    .await?)
}

/// A change that leaves the status as it is, allowed on any open case.
fn keep(case: &Case, action: &'static str) -> Result<Step, CaseError> {
    let status = status_of(case)?;
    if status.is_terminal() || status == Status::Draft {
        return Err(InvalidTransition {
            from: status,
            action,
        }
        .into());
    }
    Ok(Step {
        to: status,
        quota: QuotaEffect::Keep,
    })
}

/// The transition an action makes of `case` (the lifecycle says whether it may).
fn decide(
    staff: &CurrentStaff,
    case: &Case,
    service: &Service,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Transition, CaseError> {
    let status = status_of(case)?;
    let ended = |action: &'static str, step: Step, code: &str, counted: bool, kind| {
        let mut transition = Transition::new(action, step).reason(code).notify(kind);
        transition.changes.outcome_code = Set(Some(code.to_owned()));
        transition.changes.counted = Set(Some(counted));
        transition
    };
    Ok(match action {
        Action::Claim => {
            if let Some(owner) = case.assignee_id
                && owner != staff.id()
                && staff.role == Role::Specialist
            {
                return Err(CaseError::CaseClaimed);
            }
            let mut transition = Transition::new("claimed", status.claim()?);
            transition.changes.assignee_id = Set(Some(staff.id()));
            transition
        }
        Action::Contact => {
            let mut transition = Transition::new("contacted", keep(case, "contacted")?);
            if case.first_contacted_at.is_none() {
                transition.changes.first_contacted_at = Set(Some(now));
            }
            transition
        }
        Action::RequestMaterials {
            categories,
            message,
        } => {
            let mut transition =
                Transition::new("materials_requested", status.request_materials()?)
                    .note(Some(message.clone()))
                    .notify("case_needs_materials");
            let codes: Vec<&str> = categories.iter().map(|m| m.code()).collect();
            let awaited = serde_json::to_string(&codes).map_err(CaseError::unexpected)?;
            transition.changes.awaited_materials = Set(Some(awaited));
            transition.changes.awaited_message = Set(Some(message));
            // Not complete any more: the SLA that runs from complete materials waits again.
            transition.changes.materials_complete_at = Set(None);
            transition
        }
        Action::Approve => {
            let mut transition =
                Transition::new("approved", status.approve()?).notify("case_approved");
            transition.changes.approved_at = Set(Some(now));
            transition
        }
        Action::Reject { reason } => {
            let code: &'static str = reason.into();
            ended("rejected", status.reject()?, code, false, "case_rejected")
        }
        Action::Schedule(appointment) => {
            let mut transition =
                Transition::new("scheduled", status.schedule()?).notify("case_scheduled");
            let c = &mut transition.changes;
            c.appointment_at = Set(Some(appointment.at));
            c.appointment_hospital = Set(Some(appointment.hospital));
            c.appointment_department = Set(Some(appointment.department));
            c.appointment_expert_title = Set(appointment.expert_title);
            c.meeting_point = Set(Some(appointment.meeting_point));
            c.escort_contact = Set(appointment.escort_contact);
            transition
        }
        Action::Start => Transition::new("started", status.start()?).notify("case_started"),
        Action::Complete => ended(
            "completed",
            status.complete()?,
            "completed",
            true,
            "case_completed",
        ),
        Action::NoShow => {
            let counted = service.counts_as_used.contains(&UsedReason::NoShow);
            ended(
                "no_show",
                status.no_show(counted)?,
                "no_show",
                counted,
                "case_no_show",
            )
        }
        Action::Terminate { reason } => {
            let counted = reason.counted(service);
            ended(
                "terminated",
                status.terminate(counted)?,
                reason.code(),
                counted,
                "case_terminated",
            )
        }
        Action::Cancel | Action::Reassign { .. } => {
            return Err(CaseError::unexpected("decided by perform"));
        }
    })
}
