//! The insured's side of an offer: accepting one option or declining, as a typed step through
//! the same store transaction as the provider side's (the case, its timeline, the offer's row),
//! and the sweep that lapses offers nobody answered in time.

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::own::{own_at, write_own};
use super::perform::kind_code;
use super::steps::keep;
use crate::cases::change::Change;
use crate::cases::error::CaseError;
use crate::cases::offers::{self, Answer};
use crate::cases::service::{open_offer, plan_of, status_of};
use crate::cases::store::{self, Actor, Case, StoreError, Transition};
use crate::outbox::kind::NotificationKind;
use crate::plans::{NotCountedReason, OfferKind};
use crate::state::AppState;

/// The insured `user_id` answers the open offer of their case `case_id`, decided on `version`.
#[instrument(skip_all, fields(user_id, case = %case_id))]
pub async fn answer(
    state: &AppState,
    user_id: i64,
    case_id: Uuid,
    version: i32,
    answer: Answer,
) -> Result<Case, CaseError> {
    let now = state.clocks.business.now();
    let case = own_at(state, user_id, case_id, version).await?;
    let offer = open_offer(state, &case)
        .await?
        .ok_or(CaseError::OfferClosed)?;
    offers::check_answer(&offer, answer, now)?;
    let (_, service) = plan_of(state, &case)?;
    let answered = Change::OfferAnswered {
        offer_id: offer.id,
        answer,
        at: now,
    };
    let transition = match answer {
        Answer::Accept(index) => {
            let option = &offer.options[index];
            let accepted = Transition::new("offer_accepted", keep(&case, "offer_accepted")?)
                .reason(kind_code(offer.kind))
                .note(Some(format!("{}：{}", offer.kind.label(), option.title)))
                .change(answered);
            // Consent to a new time moves the booked visit.
            match (offer.kind, option.at, case.appointment_at) {
                (OfferKind::Time, Some(at), Some(before)) => {
                    // The meeting before the visit moves with it, as far ahead as it was.
                    let meeting_at = case.meeting_at.map(|meeting| at - (before - meeting));
                    accepted.change(Change::Rescheduled { at, meeting_at })
                }
                _ => accepted,
            }
        }
        // The plan ends the service uncounted (seed 002 Q&A 「若客户不同意…本次服务中止」).
        Answer::Decline if offer.decline_ends => {
            let code: &'static str = NotCountedReason::ProviderFailedCustomerDeclined.into();
            Transition::new("offer_declined", status_of(&case).terminate(false)?)
                .reason(code)
                .notify(NotificationKind::CaseTerminated)
                .change(answered)
                .change(Change::Ended {
                    outcome: code.to_owned(),
                    counted: false,
                })
        }
        Answer::Decline => Transition::new("offer_declined", keep(&case, "offer_declined")?)
            .reason(kind_code(offer.kind))
            .change(answered),
    };
    write_own(state, (&case, &service), transition, user_id, now).await
}

/// Lapses the offers nobody answered in time (at most `limit`): each case records it and
/// waits for its specialist again. A case that changed meanwhile is left to the next sweep.
#[instrument(skip_all)]
pub async fn lapse_offers(
    state: &AppState,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<usize, CaseError> {
    let mut lapsed = 0;
    for (offer_id, case_id) in store::offers::lapsed(&state.db, now, limit).await? {
        let Some(case) = store::find_by_id(&state.db, case_id).await? else {
            continue;
        };
        let (_, service) = plan_of(state, &case)?;
        let transition = Transition::new("offer_lapsed", keep(&case, "offer_lapsed")?)
            .change(Change::OfferLapsed { offer_id });
        match crate::cases::cached::apply(
            state,
            &state.calendar.get(),
            &service,
            &case,
            case.version,
            transition,
            Actor::System,
            now,
        )
        .await
        {
            Ok(_) => lapsed += 1,
            Err(StoreError::Stale) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(lapsed)
}
