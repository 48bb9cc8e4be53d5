//! [`perform`]: the one entry point of the provider side's actions (see `actions.rs`).

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::checked::{checked, placed};
use super::command::{Action, Command, ExplanationStep};
use super::steps::keep;
use crate::cases::change::Change;
use crate::cases::error::CaseError;
use crate::cases::lifecycle::Step;
use crate::cases::offers;
use crate::cases::service::case_in_scope;
use crate::cases::service::{cancel, plan_of, status_of};
use crate::cases::store::{Actor, Case, Transition};
use crate::outbox::kind::NotificationKind;
use crate::plans::{AdmissionSlip, EndReason, OfferKind, Service, UsedReason};
use crate::staff::Role;
use crate::staff::access::{CurrentStaff, may_change};
use crate::staff::accounts::find_by_login;
use crate::state::AppState;

/// Performs `command` on the case `case_id` as `staff`; the case as saved.
#[instrument(skip_all, fields(case = %case_id, staff_id = staff.id(), action = command.action.name().as_str()))]
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
                    a.active && matches!(Role::from(a.role), Role::Specialist | Role::Supervisor)
                })
                .ok_or(CaseError::UnknownAssignee { foreign: false })?,
        ),
        _ => None,
    };
    let case = case_in_scope(state, staff, case_id).await?;
    let (plan, service) = plan_of(state, &case)?;
    if let Action::Reject { reason } = &action
        && !reason.applies(&plan, &service)
    {
        return Err(CaseError::ReasonNotInPlan);
    }
    if let Action::Terminate { reason } = &action
        && !reason.applies(&service)
    {
        return Err(CaseError::ReasonNotInPlan);
    }
    if let Action::RecordMilestone { milestone, .. } = &action
        && !service.tracks(milestone.anchor())
    {
        return Err(CaseError::MilestoneNotInPlan);
    }
    // A stay is arranged at a hospital that has issued the slip (seed 000 二、2(4)2)): where the
    // insured may apply before it exists, its date must be recorded first.
    if let Action::Schedule(_) = &action
        && service.admission_slip == AdmissionSlip::Later
        && case.admission_slip_date.is_none()
    {
        return Err(CaseError::AdmissionSlipNotRecorded);
    }
    // A doctor is named only where the plan lets the insured name an expert (seed 002 一、2);
    // elsewhere the provider books by title.
    if let Action::Schedule(appointment) = &action
        && appointment.doctor.is_some()
        && !service.nameable.expert
    {
        return Err(CaseError::DoctorNotNameable);
    }
    may_change(staff, case.assignee_id, action.need())?;
    let action = match action {
        Action::Schedule(appointment) => Action::Schedule(placed(&service, appointment)?),
        other => other,
    };
    // A service that ends with a written report is complete only with one (issue 15), and
    // treatment abroad only with the bills too, once the insured is back (seed 001).
    if let Action::Complete = &action {
        use crate::attachments::FileKind;
        use crate::attachments::store::reports::count_for_case;
        if service.report && count_for_case(&state.db, case.id, FileKind::Report).await? == 0 {
            return Err(CaseError::ReportRequired);
        }
        if service.bill && count_for_case(&state.db, case.id, FileKind::Bill).await? == 0 {
            return Err(CaseError::BillRequired);
        }
        if service.abroad_escort_hours.is_some() && case.returned_on.is_none() {
            return Err(CaseError::ReturnNotRecorded);
        }
        if service.explanation && case.explained_at.is_none() {
            return Err(CaseError::ExplanationNotGiven);
        }
    }
    // The opinion is explained once it has come (seed 004 二(二)): its report on the case.
    if let Action::Explanation(_) = &action {
        use crate::attachments::FileKind;
        use crate::attachments::store::reports::count_for_case;
        if !service.explanation {
            return Err(CaseError::ExplanationNotInPlan);
        }
        if count_for_case(&state.db, case.id, FileKind::Report).await? == 0 {
            return Err(CaseError::ReportRequired);
        }
    }
    // A visit is done or missed only once its time has come (a no-show three days early would
    // spend the use).
    if matches!(action, Action::Complete | Action::NoShow)
        && case.appointment_at.is_some_and(|at| at > now)
    {
        return Err(CaseError::AppointmentNotPassed);
    }
    if command.version != case.version {
        // Decided on an older state: say so before judging the action against the new one.
        return Err(CaseError::CaseModified {
            current_version: Some(case.version),
        });
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
            // The timeline names who takes it over as people read it, never the login.
            let name = target
                .display_name
                .clone()
                .unwrap_or_else(|| "另一位医疗服务专员".to_owned());
            let reassigned = Transition::new("reassigned", keep(&case, "reassigned")?)
                .note(Some(format!("转派给{name}")))
                .change(Change::Assigned {
                    staff_id: target.id,
                });
            if case.assignee_id == Some(target.id) {
                reassigned
            } else {
                introduce(reassigned, &target)
            }
        }
        Action::Offer {
            kind,
            options,
            note,
        } => {
            let calendar = state.calendar.get();
            let offer = offers::make(&service, &calendar, kind, (options, note), staff.id(), now)?;
            let summary = offer
                .options
                .iter()
                .map(|o| o.title.as_str())
                .collect::<Vec<_>>()
                .join("；");
            Transition::new("offered", keep(&case, "offered")?)
                .reason(kind_code(kind))
                .note(Some(format!("{}：{summary}", kind.label())))
                .notify(NotificationKind::OfferMade)
                .fact("offer_kind", Some(kind.label().to_owned()))
                .fact("offer_options", Some(offer.options.len().to_string()))
                .fact(
                    "offer_expires_at",
                    Some(crate::platform::wire_time::text(&offer.expires_at)),
                )
                .change(Change::OfferMade(offer))
        }
        Action::AnswerObjection { objection, answer } => {
            super::objections::answered(state, staff, &case, (objection, answer), now).await?
        }
        Action::Courier { request, reply } => {
            super::courier::replied(state, &case, (request, reply), now).await?
        }
        // The booking's message carries what the insured must know for the day (fees, what to
        // bring, the late rule) as the plan says it.
        Action::Schedule(appointment) => {
            decide(staff, &case, &service, Action::Schedule(appointment), now)?
                .fact("visit_notices", plan.visit_notices(&service))
        }
        other => decide(staff, &case, &service, other, now)?,
    };
    Ok(crate::cases::cached::apply(
        state,
        &state.calendar.get(),
        &service,
        &case,
        command.version,
        match (command.note, transition.note.clone()) {
            // The staff member's words, after the action's own where it wrote some.
            (Some(note), Some(own)) if !note.trim().is_empty() => {
                transition.note(Some(format!("{own}：{}", note.trim())))
            }
            (Some(note), None) => transition.note(Some(note)),
            _ => transition,
        },
        actor,
        now,
    )
    .await?)
}

/// The transition an action makes of `case` (the lifecycle says whether it may).
fn decide(
    staff: &CurrentStaff,
    case: &Case,
    service: &Service,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Transition, CaseError> {
    let status = status_of(case);
    let ended = |action: &'static str, step: Step, code: &str, counted: bool, kind| {
        Transition::new(action, step)
            .reason(code)
            .notify(kind)
            .change(Change::Ended {
                outcome: code.to_owned(),
                counted,
            })
    };
    Ok(match action {
        Action::Claim => {
            if let Some(owner) = case.assignee_id
                && owner != staff.id()
                && staff.role == Role::Specialist
            {
                return Err(CaseError::CaseClaimed);
            }
            let claimed = Transition::new("claimed", status.claim()?).change(Change::Assigned {
                staff_id: staff.id(),
            });
            if case.assignee_id == Some(staff.id()) {
                claimed
            } else {
                introduce(claimed, &staff.account)
            }
        }
        Action::Contact => {
            let transition = Transition::new("contacted", keep(case, "contacted")?);
            if case.first_contacted_at.is_none() {
                transition.change(Change::FirstContact { at: now })
            } else {
                transition
            }
        }
        Action::RequestMaterials {
            categories,
            message,
        } => Transition::new("materials_requested", status.request_materials()?)
            .note(Some(message.clone()))
            .notify(NotificationKind::CaseNeedsMaterials)
            .change(Change::MaterialsAsked {
                categories,
                message,
            }),
        Action::Approve => Transition::new("approved", status.approve()?)
            .notify(NotificationKind::CaseApproved)
            .change(Change::Approved { at: now }),
        Action::Reject { reason } => {
            let code: &'static str = reason.into();
            ended(
                "rejected",
                status.reject()?,
                code,
                false,
                NotificationKind::CaseRejected,
            )
        }
        Action::Schedule(appointment) => Transition::new("scheduled", status.schedule()?)
            .notify(NotificationKind::CaseScheduled)
            .change(Change::Scheduled(appointment)),
        Action::Start => {
            Transition::new("started", status.start()?).notify(NotificationKind::CaseStarted)
        }
        Action::Complete => ended(
            "completed",
            status.complete()?,
            "completed",
            true,
            NotificationKind::CaseCompleted,
        ),
        Action::NoShow => {
            let counted = service.counts_as_used.contains(&UsedReason::NoShow);
            ended(
                "no_show",
                status.no_show(counted)?,
                "no_show",
                counted,
                NotificationKind::CaseNoShow,
            )
        }
        Action::Terminate { reason } => {
            let counted = match reason {
                // Told in advance, a late arrival is not 无故 (seed 002 (一)2.9(5)).
                EndReason::Used(UsedReason::LateArrival) => {
                    reason.counted(service) && case.late_notice_at.is_none()
                }
                _ => reason.counted(service),
            };
            ended(
                "terminated",
                status.terminate(counted)?,
                reason.code(),
                counted,
                NotificationKind::CaseTerminated,
            )
        }
        Action::RefuseChange { message } => {
            if case.change_requested_at.is_none() {
                return Err(CaseError::NoChangeRequested);
            }
            Transition::new("change_refused", keep(case, "change_refused")?)
                .note(Some(message))
                .notify(NotificationKind::ChangeRefused)
                .change(Change::ChangeRefused)
        }
        Action::RecordMilestone {
            milestone,
            on,
            issuer,
        } => {
            let recorded = Transition::new("milestone_recorded", keep(case, "milestone")?)
                .reason(milestone.code())
                .note(Some(on.to_string()))
                .change(Change::Reached { milestone, on });
            if issuer.is_empty() {
                recorded
            } else {
                recorded.change(Change::SlipIssued(issuer))
            }
        }
        Action::Abroad(step) => super::abroad::step(case, service, step)?,
        Action::Explanation(step) => {
            if case.explained_at.is_some() {
                return Err(CaseError::AlreadyExplained);
            }
            match step {
                ExplanationStep::Arranged { at } => {
                    Transition::new("explanation_arranged", keep(case, "explanation")?)
                        .note(Some(format!(
                            "解读时间：{}",
                            at.with_timezone(&chrono_tz::Asia::Shanghai)
                                .format("%Y-%m-%d %H:%M")
                        )))
                        .notify(NotificationKind::ExplanationArranged)
                        .fact(
                            "explanation_at",
                            Some(crate::platform::wire_time::text(&at)),
                        )
                        .change(Change::ExplanationArranged { at })
                }
                ExplanationStep::Given => {
                    if case.explanation_at.is_none() {
                        return Err(CaseError::ExplanationNotArranged);
                    }
                    Transition::new("explained", keep(case, "explanation")?)
                        .change(Change::Explained { at: now })
                }
            }
        }
        Action::SurgeryDate { on } => {
            if !service.arranges_surgery() {
                return Err(CaseError::SurgeryNotInPlan);
            }
            let step = keep(case, "surgery_date")?;
            let words = |day: chrono::NaiveDate| day.format("%-m月%-d日").to_string();
            let (action, note) = match case.surgery_on {
                Some(before) if before != on => (
                    "surgery_moved",
                    format!("手术日期由{}改为{}", words(before), words(on)),
                ),
                _ => ("surgery_scheduled", format!("手术日期：{}", words(on))),
            };
            Transition::new(action, step)
                .note(Some(note))
                .notify(NotificationKind::SurgeryScheduled)
                .fact("surgery_on", Some(on.to_string()))
                .fact(
                    "surgery_moved_from",
                    case.surgery_on.filter(|b| *b != on).map(|b| b.to_string()),
                )
                .change(Change::SurgeryDate { on })
        }
        Action::Cancel
        | Action::Reassign { .. }
        | Action::Offer { .. }
        | Action::AnswerObjection { .. }
        | Action::Courier { .. } => {
            return Err(CaseError::unexpected("decided by perform"));
        }
    })
}

/// The insured hears who serves them now (seed 002 (一)1.2, seed 001 「安排专人与被保人沟通」):
/// the specialist's name and work phone, in the message centre.
fn introduce(transition: Transition, specialist: &crate::staff::store::Account) -> Transition {
    transition
        .notify(NotificationKind::SpecialistAssigned)
        .fact("specialist_name", specialist.display_name.clone())
        .fact("specialist_phone", specialist.work_phone.clone())
}

/// An offer's kind as its timeline entry's reason.
pub(super) fn kind_code(kind: OfferKind) -> &'static str {
    match kind {
        OfferKind::Expert => "expert",
        OfferKind::Hospital => "hospital",
        OfferKind::Institution => "institution",
        OfferKind::Time => "time",
    }
}
