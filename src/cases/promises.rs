//! A case's promises (first contact, start decision, SLA), computed from the plan's anchors
//! on every transition: the store writes what this decides, from the case's milestones as the
//! transition leaves them (`Milestones`, which the store reads off the row).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::calendar::{Calendar, local_instant};
use crate::eligibility::sla::{Anchors, due};
use crate::plans::{AdmissionSlip, Anchor, Service};

/// When a case's promises fall due (None: not applicable, or an anchor has not happened).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Promises {
    pub first_contact: Option<DateTime<Utc>>,
    pub start_decision: Option<DateTime<Utc>>,
    pub sla: Option<DateTime<Utc>>,
    /// One of them rests on an unpublished holiday calendar.
    pub provisional: bool,
}

/// The moments a case has reached that its promises count from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Milestones {
    pub applied_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub materials_complete_at: Option<DateTime<Utc>>,
    pub admission_slip_date: Option<NaiveDate>,
    pub hospital_accepted_on: Option<NaiveDate>,
    pub visa_granted_on: Option<NaiveDate>,
    /// The insured has no admission slip yet: the outpatient visit comes first.
    pub outpatient_first: bool,
}

/// The moments `case` has reached, by anchor.
pub fn anchors_of(case: &Milestones) -> Anchors {
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
    let day = |date: Option<NaiveDate>| date.map(|d| local_instant(d, NaiveTime::MIN));
    put(Anchor::AdmissionSlipDate, day(case.admission_slip_date));
    put(Anchor::HospitalAccepted, day(case.hospital_accepted_on));
    put(Anchor::VisaGranted, day(case.visa_granted_on));
    anchors
}

pub fn promises(calendar: &Calendar, service: &Service, case: &Milestones) -> Promises {
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
    // Without an admission slip the outpatient visit comes first: the stay's promise waits until
    // the slip that visit brings is recorded (seed 003 二7: admission 8–10 working days after).
    let no_slip = service.admission_slip == AdmissionSlip::OutpatientFirst
        && case.outpatient_first
        && case.admission_slip_date.is_none();
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
