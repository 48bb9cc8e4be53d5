//! Documents by courier as steps on the case (`cases::courier` says what is kept and who sees
//! the address): the insured's request, on any submitted case (documents go back after the
//! visit too), and the specialist's answer — the carrier and waybill, or the directions —
//! which reaches the insured's message centre (never the address).

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::own::{own_at, write_own};
use super::steps::{said, stay};
use crate::cases::change::Change;
use crate::cases::courier::{self, Address, CourierPurpose, CourierReply, NewCourier};
use crate::cases::error::CaseError;
use crate::cases::form::trimmed;
use crate::cases::lifecycle::Status;
use crate::cases::service::{couriers_of, plan_of, status_of};
use crate::cases::store::{Case, Transition};
use crate::outbox::kind::NotificationKind;
use crate::state::AppState;

/// What the insured asks for, as typed.
#[derive(Debug, Clone)]
pub struct CourierRequest {
    pub purpose: CourierPurpose,
    /// (recipient, phone, address): required to send documents back, refused otherwise.
    pub address: Option<(String, String, String)>,
    pub note: Option<String>,
}

/// The insured `user_id` asks for documents by courier on their case `case_id`.
#[instrument(skip_all, fields(user_id, case = %case_id))]
pub async fn request_courier(
    state: &AppState,
    user_id: i64,
    (case_id, version): (Uuid, i32),
    request: CourierRequest,
) -> Result<Case, CaseError> {
    let address = match (request.purpose, &request.address) {
        (CourierPurpose::ReturnDocuments, Some((recipient, phone, detail))) => {
            Some(Address::parse(recipient, phone, detail)?)
        }
        (CourierPurpose::ReturnDocuments, None) => return Err(CaseError::CourierAddressRequired),
        (CourierPurpose::SendOriginals, Some(_)) => {
            return Err(CaseError::CourierAddressNotNeeded);
        }
        (CourierPurpose::SendOriginals, None) => None,
    };
    let note = trimmed(&request.note);
    let now = state.clocks.business.now();
    let case = own_at(state, user_id, case_id, version).await?;
    let status = status_of(&case);
    if matches!(status, Status::Draft | Status::Expired) {
        return Err(crate::cases::lifecycle::InvalidTransition {
            from: status,
            action: "courier_requested",
        }
        .into());
    }
    if couriers_of(state, &case).await?.iter().any(|c| c.is_open()) {
        return Err(CaseError::CourierPending);
    }
    let (_, service) = plan_of(state, &case)?;
    let address = match &address {
        Some(address) => Some(courier::seal(state, case.public_id, address)?),
        None => None,
    };
    let words = said(request.purpose.label(), note.as_deref());
    let transition = Transition::new("courier_requested", stay(&case))
        .reason(request.purpose.code())
        .note(Some(words))
        .change(Change::CourierRequested(NewCourier {
            public_id: Uuid::new_v4(),
            purpose: request.purpose,
            address,
            note,
            at: now,
        }));
    write_own(state, (&case, &service), transition, user_id, now).await
}

/// The specialist's answer `reply` to the courier request `request` of `case`.
pub(super) async fn replied(
    state: &AppState,
    case: &Case,
    (request, reply): (Uuid, CourierReply),
    now: DateTime<Utc>,
) -> Result<Transition, CaseError> {
    let found = couriers_of(state, case)
        .await?
        .into_iter()
        .find(|c| c.public_id == request)
        .ok_or(CaseError::UnknownCourier)?;
    if !found.is_open() {
        return Err(CaseError::CourierAnswered);
    }
    let fits = matches!(
        (&reply, found.purpose),
        (
            CourierReply::Shipped { .. },
            CourierPurpose::ReturnDocuments
        ) | (
            CourierReply::Directions { .. },
            CourierPurpose::SendOriginals
        )
    );
    if !fits {
        return Err(CaseError::CourierReplyInvalid);
    }
    let (note, facts) = match &reply {
        CourierReply::Shipped { carrier, waybill } => (
            format!("已通过{carrier}寄出，运单号 {waybill}"),
            vec![
                ("courier_carrier", Some(carrier.clone())),
                ("courier_waybill", Some(waybill.clone())),
            ],
        ),
        CourierReply::Directions { text } => (
            format!("寄送原件的方式：{text}"),
            vec![("courier_directions", Some(text.clone()))],
        ),
    };
    let mut transition = Transition::new("courier_answered", stay(case))
        .reason(found.purpose.code())
        .note(Some(note))
        .notify(NotificationKind::CourierAnswered);
    for (key, value) in facts {
        transition = transition.fact(key, value);
    }
    Ok(transition.change(Change::CourierAnswered {
        courier_id: found.id,
        reply,
        at: now,
    }))
}
