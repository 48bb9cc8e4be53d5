//! What a notification is about: one kind per change the insured should hear of. The outbox
//! stores the snake_case name; the message centre and the WeChat templates read it back.

use serde::Serialize;
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum NotificationKind {
    CaseSubmitted,
    CaseNeedsMaterials,
    CaseApproved,
    CaseRejected,
    CaseScheduled,
    CaseStarted,
    CaseCompleted,
    CaseNoShow,
    CaseTerminated,
    CaseCancelled,
    CaseExpired,
    DocumentRejected,
    /// 18:00 the day before the appointment.
    AppointmentReminder,
    /// The morning of the free-cancellation cut-off (noon the day before the visit).
    CancellationCutoff,
    /// Materials were asked for and nothing was uploaded in 2 working days.
    MaterialsReminder,
    /// A draft expires in 24 hours.
    DraftExpiring,
    /// A written report (a second opinion …) is ready to read.
    ReportReady,
    /// A specialist has taken the case (or it passed to another): who serves the insured now.
    SpecialistAssigned,
    /// The specialist proposes options for the insured to choose from.
    OfferMade,
    /// The options wait for an answer and lapse tonight.
    OfferReminder,
    /// The specialist cannot make the change the insured asked for: the visit stays as booked.
    ChangeRefused,
    /// A supervisor answered the insured's objection or complaint.
    ObjectionAnswered,
    /// The surgery date agreed with the doctor, or the hospital moved it.
    SurgeryScheduled,
    /// The written opinion's explanation is arranged for a time.
    ExplanationArranged,
    /// The specialist answered a courier request: sent back (carrier, waybill) or directions.
    CourierAnswered,
    /// Another account tried to bind a policy this account holds as its insured, and was
    /// refused (issue 29 §1).
    BindingAttempt,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// A reminder the jobs queue on the business clock, not a change of the case.
    pub fn is_reminder(self) -> bool {
        matches!(
            self,
            Self::AppointmentReminder
                | Self::CancellationCutoff
                | Self::MaterialsReminder
                | Self::DraftExpiring
                | Self::OfferReminder
        )
    }
}
