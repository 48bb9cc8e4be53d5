//! A specialist's review of one document: accepted, or rejected saying what to retake (the
//! insured is told through the outbox, in the same transaction).

use serde::Deserialize;
use serde_json::json;
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::DocumentError;
use super::read::readable_document;
use super::view::{DocumentView, Retake, view};
use crate::attachments::store::documents::{self as store, Review, ReviewState};
use crate::cases::files::Reader;
use crate::staff::access::{CurrentStaff, Need, may_change};
use crate::state::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Reject,
}

/// Records `decision` on the document `id` (with a retake reason when rejecting, and an
/// optional note, required with `other`).
#[instrument(skip_all, fields(staff_id = staff.id(), document = %id, ?decision))]
pub async fn review(
    state: &AppState,
    staff: &CurrentStaff,
    ip: Option<std::net::IpAddr>,
    id: Uuid,
    decision: Decision,
    reason: Option<Retake>,
    note: Option<String>,
) -> Result<DocumentView, DocumentError> {
    let reader = Reader::Staff { staff, ip };
    let (doc, case) = readable_document(state, reader, id, "document_reviewed").await?;
    may_change(staff, case.assignee_id, Need::Owner)?;
    let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(DocumentError::NoteTooLong);
    }
    let (review_state, reason) = match decision {
        Decision::Accept => (ReviewState::Accepted, None),
        Decision::Reject => {
            let reason = reason.ok_or(DocumentError::ReasonRequired)?;
            if reason == Retake::Other && note.is_none() {
                return Err(DocumentError::NoteRequired);
            }
            (ReviewState::Rejected, Some(reason))
        }
    };
    let now = state.clocks.business.now();
    let reason_code = reason.map(Retake::code);
    let notify = reason.map(|_| {
        (
            case.user_id,
            json!({
                "case_id": case.public_id,
                "case_number": crate::cases::store::number_of(&case),
                "document_id": doc.public_id,
                "category": doc.category,
                "reason": reason_code,
            }),
        )
    });
    let review = Review {
        state: review_state,
        reason: reason_code,
        note,
        reviewer_id: staff.id(),
        at: now,
    };
    if !store::record_review(&state.db, &doc, review, notify).await? {
        return Err(DocumentError::NotFound);
    }
    let saved = store::find(&state.db, doc.public_id)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let signing = super::signed::signing(state, super::signed::Signer::Staff(staff.id())).await?;
    let addresses = super::signed::addresses(state, &saved, signing);
    Ok(view(&saved, case.public_id, false, addresses))
}
