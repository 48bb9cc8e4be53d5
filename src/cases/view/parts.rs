//! The parts of a case's view: the places and things it names, what it waits for, the
//! appointment and who goes with the insured, treatment abroad, the forms, the due dates, the
//! timeline's entries, the outcome, the change asked for and the specialist.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::lifecycle::Status;
use crate::cases::store::Case;
use crate::plans::Material;
use crate::staff::card::StaffCard;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MaterialView {
    #[schema(value_type = String, example = "admission_slip")]
    pub code: Material,
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Awaiting {
    /// `submit` (a draft waits for the user to submit), `materials` (asked for more, or the
    /// guided upload), `admission_slip` (a stay applied for before the slip existed) or `offer`
    /// (options to choose from: `offer`).
    pub action: &'static str,
    pub materials: Vec<MaterialView>,
    pub message: Option<String>,
    /// A draft not submitted by then expires.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub deadline: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Appointment {
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub at: Option<DateTime<Utc>>,
    pub hospital: Option<String>,
    pub department: Option<String>,
    pub expert_title: Option<String>,
    /// Where the escort, guide or specialist meets the insured, and when (before the visit).
    pub meeting_point: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub meeting_at: Option<DateTime<Utc>>,
    /// Who goes with the insured on the day.
    pub escort: Option<EscortView>,
    /// The doctor booked, where the plan lets an expert be named.
    pub doctor: Option<String>,
}

/// A form the plan hands the insured.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FormView {
    /// Its place in the list: `GET /cases/{id}/forms/{index}` downloads it.
    pub index: usize,
    pub title: String,
}

/// Treatment abroad as far as it went (seed 001 海外就医综合服务).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AbroadView {
    /// The country (its code and name) and hospital chosen with the insured.
    pub country: Option<Named>,
    pub hospital: Option<String>,
    pub departed_on: Option<NaiveDate>,
    /// Local escort hours used, of `escort_hours_included`.
    pub escort_hours_used: u32,
    pub escort_hours_included: u32,
    pub returned_on: Option<NaiveDate>,
}

/// The person who goes with the insured on the day of the visit (seed 001 陪诊).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EscortView {
    pub name: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Due {
    /// When the service should be arranged by (the plan's SLA).
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub sla_due_at: Option<DateTime<Utc>>,
    /// When a specialist should have called.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub first_contact_due_at: Option<DateTime<Utc>>,
    /// When the provider says whether and where the service starts.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub start_decision_due_at: Option<DateTime<Utc>>,
    /// Rests on a year whose holiday calendar is not published yet.
    pub provisional: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    pub from: Option<Status>,
    pub to: Status,
    pub action: String,
    /// `user`, `staff` or `system`.
    pub actor: String,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Outcome {
    pub code: Option<String>,
    /// Whether the case counted as a use of the service.
    pub counted: Option<bool>,
}

/// A change the insured asked for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChangeRequestView {
    /// `time` or `hospital`.
    pub kind: String,
    /// `更改就诊时间`, `更换医院`.
    pub label: &'static str,
    pub note: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub at: DateTime<Utc>,
}

pub(super) fn change_request(case: &Case) -> Option<ChangeRequestView> {
    let at = case.change_requested_at?;
    let kind = case.change_request_kind.clone().unwrap_or_default();
    Some(ChangeRequestView {
        label: match kind.as_str() {
            "hospital" => "更换医院",
            _ => "更改就诊时间",
        },
        kind,
        note: case.change_request_note.clone(),
        at,
    })
}

/// The specialist who serves the insured: the name they give and the line they answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SpecialistView {
    /// `王专员`; `医疗服务专员` when the account gives no name.
    pub name: String,
    /// Their work phone; none: the service line (`hotline`) reaches them.
    pub work_phone: Option<String>,
}

impl SpecialistView {
    pub fn of(card: &StaffCard) -> Self {
        Self {
            name: card
                .display_name
                .clone()
                .unwrap_or_else(|| "医疗服务专员".to_owned()),
            work_phone: card.work_phone.clone(),
        }
    }
}
