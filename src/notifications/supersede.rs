//! Whether a queued message is still true when its turn comes. A message about a case that has
//! moved on is superseded, not sent: no "appointment tomorrow" after a cancellation, no
//! "approved" when "scheduled" is already on its way (it would spend a one-shot grant on news
//! that is out of date).

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::cases::lifecycle::Status;
use crate::cases::store::Case;
use crate::outbox::kind::NotificationKind;
use crate::outbox::store as outbox;
use crate::platform::error::Fault;
use crate::state::AppState;

fn instant(payload: &Value, key: &str) -> Option<DateTime<Utc>> {
    payload.get(key)?.as_str()?.parse().ok()
}

/// Why the message is out of date, or none when it should go out.
pub async fn moved_on(
    state: &AppState,
    kind: NotificationKind,
    row: &crate::outbox::store::Notification,
    payload: &Value,
    case: Option<&Case>,
    now: DateTime<Utc>,
) -> Result<Option<&'static str>, Fault> {
    use NotificationKind::*;
    let Some(case) = case else {
        return Ok(None);
    };
    let status = Some(Status::from(case.status));
    let reason = match kind {
        AppointmentReminder | CancellationCutoff => {
            let booked = instant(payload, "appointment_at");
            if status != Some(Status::Scheduled) || case.appointment_at != booked {
                Some("the appointment changed or the case moved on")
            } else if booked.is_some_and(|at| at <= now) {
                Some("the appointment has passed")
            } else if kind == CancellationCutoff
                && instant(payload, "cutoff_at").is_some_and(|at| at <= now)
            {
                Some("the cancellation cut-off has passed")
            } else {
                None
            }
        }
        MaterialsReminder => (status != Some(Status::NeedsMaterials))
            .then_some("the case no longer waits for materials"),
        DraftExpiring => (status != Some(Status::Draft)
            || case.draft_expires_at.is_none_or(|at| at <= now))
        .then_some("the draft was submitted or has expired"),
        // A report is news of its own: completing the case right after does not make it stale.
        ReportReady => None,
        // An offer's news (and its reminder) is stale once it was answered, replaced or lapsed.
        OfferMade | OfferReminder => (case.offer_open_until.is_none_or(|until| until <= now)
            || instant(payload, "offer_expires_at") != case.offer_open_until)
            .then_some("the offer was answered, replaced or has lapsed"),
        // Who serves the case: stale once the case has ended or passed to another specialist.
        SpecialistAssigned if case.closed_at.is_some() => Some("the case has ended"),
        SpecialistAssigned => {
            outbox::newer_for_case(&state.db, row, &[SpecialistAssigned.as_str()])
                .await?
                .then_some("the case passed to another specialist")
        }
        _ => {
            // The kinds that report a change of the case: a newer one makes older ones stale.
            let kinds: Vec<&str> = <NotificationKind as strum::VariantArray>::VARIANTS
                .iter()
                .filter(|k| {
                    !k.is_reminder()
                        && !matches!(
                            **k,
                            DocumentRejected | ReportReady | SpecialistAssigned | OfferMade
                        )
                })
                .map(|k| k.as_str())
                .collect();
            outbox::newer_for_case(&state.db, row, &kinds)
                .await?
                .then_some("a newer message about the case was queued")
        }
    };
    Ok(reason)
}
