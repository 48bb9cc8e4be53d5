//! A case's promises (first contact, start decision, SLA), computed from the plan's anchors
//! on every transition: the store writes what this decides.

use chrono::{DateTime, NaiveTime, Utc};
use entity::service_case;

use super::store::Case;
use crate::calendar::{Calendar, local_instant};
use crate::eligibility::sla::{Anchors, due};
use crate::plans::{AdmissionSlip, Anchor, Service};

fn take<T: Clone + Into<sea_orm::Value>>(value: &sea_orm::ActiveValue<T>, current: T) -> T {
    match value {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.clone(),
        sea_orm::ActiveValue::NotSet => current,
    }
}

/// The case as it will be once `changes` are applied: what the promises are computed from.
pub fn merged(case: &Case, changes: &service_case::ActiveModel) -> Case {
    let mut next = case.clone();
    next.applied_at = take(&changes.applied_at, case.applied_at);
    next.accepted_at = take(&changes.accepted_at, case.accepted_at);
    next.approved_at = take(&changes.approved_at, case.approved_at);
    next.materials_complete_at = take(&changes.materials_complete_at, case.materials_complete_at);
    next.admission_slip_date = take(&changes.admission_slip_date, case.admission_slip_date);
    next.hospital_accepted_on = take(&changes.hospital_accepted_on, case.hospital_accepted_on);
    next.visa_granted_on = take(&changes.visa_granted_on, case.visa_granted_on);
    next
}

/// When a case's promises fall due (None: not applicable, or an anchor has not happened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Promises {
    pub first_contact: Option<DateTime<Utc>>,
    pub start_decision: Option<DateTime<Utc>>,
    pub sla: Option<DateTime<Utc>>,
    /// One of them rests on an unpublished holiday calendar.
    pub provisional: bool,
}

/// The moments `case` has reached, by anchor.
pub fn anchors_of(case: &Case) -> Anchors {
    let mut anchors = Anchors::new();
    let mut put = |anchor, at: Option<DateTime<Utc>>| {
        if let Some(at) = at {
            anchors.insert(anchor, at);
        }
    };
    put(Anchor::Application, case.applied_at);
    put(Anchor::Acceptance, case.accepted_at);
    put(Anchor::EligibilityApproval, case.approved_at);
    put(Anchor::MaterialsComplete, case.materials_complete_at);
    // Dates (the slip, the hospital's acceptance, the visa) anchor at the start of their day:
    // working days count from the day after.
    let day = |date: Option<chrono::NaiveDate>| date.map(|d| local_instant(d, NaiveTime::MIN));
    put(Anchor::AdmissionSlipDate, day(case.admission_slip_date));
    put(Anchor::HospitalAccepted, day(case.hospital_accepted_on));
    put(Anchor::VisaGranted, day(case.visa_granted_on));
    anchors
}

pub fn promises(calendar: &Calendar, service: &Service, case: &Case) -> Promises {
    let anchors = anchors_of(case);
    if case.applied_at.is_none() {
        return Promises::default();
    }
    let mut provisional = false;
    let mut at = |promise: Option<&crate::plans::Promise>| {
        let flagged = promise.and_then(|p| due(calendar, service, p, &anchors))?;
        provisional |= flagged.provisional;
        Some(flagged.value)
    };
    let first_contact = at(service.first_contact.as_ref());
    // Without an admission slip the outpatient visit comes first: the slip's promise waits.
    let no_slip = service.admission_slip == AdmissionSlip::OutpatientFirst && case.outpatient_first;
    let start_decision = at(service.start_decision.as_ref());
    let sla = if no_slip {
        None
    } else {
        at(service.sla.as_ref())
    };
    Promises {
        first_contact,
        start_decision,
        sla,
        provisional,
    }
}
