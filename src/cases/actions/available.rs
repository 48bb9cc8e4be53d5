//! Which actions a staff member may take on a case now: what the console offers.

use super::command::Milestone;
use super::name::ActionName;
use crate::cases::store::Case;
use crate::plans::Service;
use crate::staff::Role;
use crate::staff::access::{CurrentStaff, Need, may_change};

/// The actions `staff` may take on `case` now (role, ownership and the lifecycle agree): what
/// the console offers, and nothing else. The plan's own checks (a refusal reason the plan does
/// not use, a past appointment) are still made by [`super::perform`].
pub fn available(staff: &CurrentStaff, case: &Case, service: &Service) -> Vec<ActionName> {
    let status = crate::cases::service::status_of(case);
    let open = status.is_open();
    let allowed = |need: Need| may_change(staff, case.assignee_id, need).is_ok();
    let claim_ok = status.claim().is_ok()
        && allowed(Need::Claim)
        && !(staff.role == Role::Specialist
            && case.assignee_id.is_some_and(|owner| owner != staff.id()));
    let mut names = Vec::new();
    let mut offer = |name: ActionName, ok: bool| {
        if ok {
            names.push(name);
        }
    };
    offer(ActionName::Claim, claim_ok);
    let owner = allowed(Need::Owner);
    offer(ActionName::Contact, owner && open);
    offer(
        ActionName::RequestMaterials,
        owner && status.request_materials().is_ok(),
    );
    offer(ActionName::Approve, owner && status.approve().is_ok());
    offer(ActionName::Reject, owner && status.reject().is_ok());
    offer(ActionName::Schedule, owner && status.schedule().is_ok());
    offer(ActionName::Start, owner && status.start().is_ok());
    offer(ActionName::Complete, owner && status.complete().is_ok());
    offer(ActionName::NoShow, owner && status.no_show(false).is_ok());
    offer(
        ActionName::Terminate,
        owner && status.terminate(false).is_ok(),
    );
    offer(ActionName::Cancel, owner && status.cancel(false).is_ok());
    offer(ActionName::Reassign, allowed(Need::Supervisor) && open);
    offer(
        ActionName::Offer,
        owner && open && case.assignee_id.is_some(),
    );
    offer(
        ActionName::RefuseChange,
        owner && open && case.change_requested_at.is_some(),
    );
    // On open and ended cases alike: an objection often follows the end.
    offer(
        ActionName::AnswerObjection,
        allowed(Need::Supervisor) && case.last_objection_at.is_some(),
    );
    // Documents go back after the visit too: open and ended cases alike.
    offer(ActionName::Courier, owner && case.last_courier_at.is_some());
    offer(
        ActionName::Explanation,
        owner && open && service.explanation && case.explained_at.is_none(),
    );
    offer(
        ActionName::Abroad,
        owner && open && service.abroad_escort_hours.is_some(),
    );
    offer(
        ActionName::SurgeryDate,
        owner && open && service.arranges_surgery(),
    );
    offer(
        ActionName::Milestone,
        owner && open && !Milestone::of(service).is_empty(),
    );
    names
}
