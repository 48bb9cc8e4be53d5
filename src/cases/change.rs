//! What an application makes ([`NewCase`]) and what a step changes on a case besides its status, in the domain's words: decided by the
//! operations (the insured's, the provider side's, the jobs'), mapped to columns only by the
//! store, which also recomputes the promises from the case as these changes leave it.

use chrono::{DateTime, NaiveDate, Utc};

use super::actions::{AbroadStep, Appointment, ChangeKind, Milestone, SlipIssuer};
use super::courier::{CourierReply, NewCourier};
use super::lifecycle::Status;
use super::objections::NewObjection;
use super::offers::{Answer, NewOffer};
use crate::plans::{DiagnosisState, Material};

/// One fact a transition records on the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The specialist who holds the case from now on (claimed or reassigned).
    Assigned { staff_id: i64 },
    /// The insured was first reached (the first-contact promise is kept).
    FirstContact { at: DateTime<Utc> },
    /// The insured says the materials are complete: the application's anchors (the first
    /// submission's, kept on a later one), materials complete now, the draft no longer
    /// expiring, nothing awaited any more.
    Submitted {
        applied_at: DateTime<Utc>,
        accepted_at: DateTime<Utc>,
        at: DateTime<Utc>,
    },
    /// A specialist asks for these categories, with these words: the materials are not
    /// complete any more (the promise that runs from complete materials waits again).
    MaterialsAsked {
        categories: Vec<Material>,
        message: String,
    },
    /// The eligibility review approved the case.
    Approved { at: DateTime<Utc> },
    /// The visit is booked.
    Scheduled(Appointment),
    /// A step of the service was reached on a day (the hospital abroad accepted, the visa was
    /// granted, the admission slip was issued).
    Reached { milestone: Milestone, on: NaiveDate },
    /// Who issued the admission slip (recorded with its date).
    SlipIssued(SlipIssuer),
    /// A step of treatment abroad, checked (escort hours: the new total).
    Abroad(AbroadStep),
    /// The insured asks for documents by courier.
    CourierRequested(NewCourier),
    /// The specialist answered the courier request `courier_id`.
    CourierAnswered {
        courier_id: i64,
        reply: CourierReply,
        at: DateTime<Utc>,
    },
    /// The opinion's explanation is arranged for this time.
    ExplanationArranged { at: DateTime<Utc> },
    /// The opinion's explanation was given.
    Explained { at: DateTime<Utc> },
    /// The surgery date agreed with the doctor, or the hospital's new one.
    SurgeryDate { on: NaiveDate },
    /// The case ended early or was completed: why, and whether it counts as a use.
    Ended { outcome: String, counted: bool },
    /// The specialist proposed options (an open one is replaced): the case waits for the
    /// insured's choice until the offer lapses.
    OfferMade(NewOffer),
    /// The insured answered the open offer `offer_id`.
    OfferAnswered {
        offer_id: i64,
        answer: Answer,
        at: DateTime<Utc>,
    },
    /// The open offer `offer_id` lapsed unanswered.
    OfferLapsed { offer_id: i64 },
    /// The insured consented to a new time for the booked visit (the meeting before it moves
    /// with it).
    Rescheduled {
        at: DateTime<Utc>,
        meeting_at: Option<DateTime<Utc>>,
    },
    /// The insured asks for another time or hospital; the specialist answers with an offer or
    /// a new booking.
    ChangeRequested {
        kind: ChangeKind,
        note: Option<String>,
        at: DateTime<Utc>,
    },
    /// The specialist answered the insured's change request that it cannot be made.
    ChangeRefused,
    /// The insured said before the visit that they will be late (seed 002 (一)2.9(5)).
    LateNotice { at: DateTime<Utc> },
    /// The insured objects to a decision or complains about the service (seed 002 (一)2.6).
    Objected(NewObjection),
    /// A supervisor answered the objection `objection_id`.
    ObjectionAnswered {
        objection_id: i64,
        answer: String,
        staff_id: i64,
        at: DateTime<Utc>,
    },
}

/// A case as an application makes it (its number and promises are the store's to give).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCase {
    /// Chosen before the row exists: the contact phone is sealed for it.
    pub public_id: uuid::Uuid,
    pub policy_id: i64,
    pub user_id: i64,
    pub product_id: i64,
    pub insurer_id: i64,
    pub service_id: String,
    pub quota_key: Option<String>,
    pub status: Status,
    pub diagnosis_state: Option<DiagnosisState>,
    pub illness_id: Option<String>,
    pub city_code: Option<String>,
    pub hospital_id: Option<String>,
    pub alternate_hospital_id: Option<String>,
    /// Who issued the admission slip (catalog ids).
    pub slip_hospital_id: Option<String>,
    pub slip_department_id: Option<String>,
    pub department_id: Option<String>,
    pub expert_name: Option<String>,
    pub wanted_date: Option<NaiveDate>,
    pub admission_slip: bool,
    pub admission_slip_date: Option<NaiveDate>,
    pub outpatient_first: bool,
    pub description: Option<String>,
    pub applied_at: Option<DateTime<Utc>>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub draft_expires_at: Option<DateTime<Utc>>,
    pub contact_phone: SealedPhone,
    /// When it is made.
    pub at: DateTime<Utc>,
}

/// A contact phone as the case row keeps it (`cases::contact` seals and opens it).
#[derive(Clone, PartialEq, Eq)]
pub struct SealedPhone {
    pub sealed: Vec<u8>,
    pub country_code: String,
    pub masked: String,
}

impl std::fmt::Debug for SealedPhone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedPhone({})", self.masked)
    }
}
