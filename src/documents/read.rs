//! Who may see a case's documents, and reading them: the owner (mini-program) or a staff member
//! in scope whose role may read medical records; every staff read is written to the audit log
//! before the bytes leave. The owner may delete a photo nobody has reviewed yet.

use tracing::instrument;
use uuid::Uuid;

use super::error::DocumentError;
use super::view::{DocumentList, Rendition, view};
use crate::attachments::materials;
use crate::attachments::store::documents::{self as store, Document, ReviewState};
use crate::cases::error::CaseError;
use crate::cases::service::{own_case, owns, plan_of};
use crate::cases::store::{self as cases, Case};
use crate::platform::db::write_transaction;
use crate::platform::storage::{ObjectStream, StorageError};
use crate::staff::access::{CurrentStaff, may_read_records};
use crate::state::AppState;

/// Who reads: the insured (by user id) or a staff member, and from where (for the audit).
#[derive(Debug, Clone, Copy)]
pub enum Reader<'a> {
    User(i64),
    Staff {
        staff: &'a CurrentStaff,
        ip: Option<std::net::IpAddr>,
    },
}

impl Reader<'_> {
    /// Who the addresses of what this reader sees are signed for.
    pub fn signer(&self) -> super::signed::Signer {
        match self {
            Reader::User(id) => super::signed::Signer::User(*id),
            Reader::Staff { staff, .. } => super::signed::Signer::Staff(staff.id()),
        }
    }
}

/// The case `reader` may see: its owner's, or one in a staff member's scope that `staff_may`
/// lets them read (a staff read is written to the audit log as `action` on `subject`). Missing,
/// another user's or out of scope: `not_found`. Shared by the documents and the reports areas.
pub async fn reader_case<E: From<crate::platform::db::DbErr>>(
    state: &AppState,
    reader: Reader<'_>,
    case: Option<Case>,
    (action, subject): (&str, (&str, Uuid)),
    not_found: fn() -> E,
    staff_may: impl FnOnce(&CurrentStaff, &Case) -> Result<(), E>,
) -> Result<Case, E> {
    match reader {
        Reader::User(user_id) => case.filter(|c| owns(user_id, c)).ok_or_else(not_found),
        Reader::Staff { staff, ip } => {
            let case = case
                .filter(|c| staff.sees(c.insurer_id))
                .ok_or_else(not_found)?;
            staff_may(staff, &case)?;
            store::audit_read(&state.db, staff, ip, action, subject, Some(case.id)).await?;
            Ok(case)
        }
    }
}

/// The case `reader` may see the documents of: medical records are for those who arrange care.
async fn readable_case(
    state: &AppState,
    reader: Reader<'_>,
    case: Option<Case>,
    action: &str,
    subject: (&str, Uuid),
) -> Result<Case, DocumentError> {
    reader_case(
        state,
        reader,
        case,
        (action, subject),
        || DocumentError::NotFound,
        |staff, _| Ok(may_read_records(staff)?),
    )
    .await
}

/// A case's documents with their thumbnails' addresses, and what is still missing.
#[instrument(skip_all, fields(case = %case_id))]
pub async fn list(
    state: &AppState,
    reader: Reader<'_>,
    case_id: Uuid,
) -> Result<DocumentList, DocumentError> {
    let found = cases::find(&state.db, case_id).await?;
    let case = readable_case(state, reader, found, "documents_listed", ("case", case_id))
        .await
        .map_err(|e| match e {
            // The thing asked for here is the case.
            DocumentError::NotFound => CaseError::NotFound.into(),
            other => other,
        })?;
    let documents = store::live_for_case(&state.db, case.id).await?;
    let (_, service) = plan_of(state, &case)?;
    let missing = materials::missing(
        &service,
        crate::cases::service::material_needs(&case),
        &documents,
    );
    Ok(DocumentList {
        items: documents
            .iter()
            .map(|d| {
                let signer = reader.signer();
                view(
                    d,
                    case.public_id,
                    false,
                    super::signed::addresses(state, d.public_id, signer),
                )
            })
            .collect(),
        limit: state.settings.uploads.max_documents_per_case,
        missing: missing.iter().map(|m| m.code().to_owned()).collect(),
        missing_labels: missing.iter().map(|m| m.label()).collect(),
    })
}

/// A document `reader` may see, and its case; staff reads are audited as `action`.
pub async fn readable_document(
    state: &AppState,
    reader: Reader<'_>,
    id: Uuid,
    action: &str,
) -> Result<(Document, Case), DocumentError> {
    let doc = store::find(&state.db, id)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let case = cases::find_by_id(&state.db, doc.case_id).await?;
    let case = readable_case(state, reader, case, action, ("document", id)).await?;
    Ok((doc, case))
}

/// An object ready to stream, with our own type and file name.
#[derive(Debug)]
pub struct Opened {
    pub object: ObjectStream,
    pub media_type: String,
    pub file_name: String,
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        _ => "jpg",
    }
}

/// Opens a document's image or thumbnail for `reader`, after the check and the audit.
#[instrument(skip_all, fields(document = %id, ?rendition))]
pub async fn open(
    state: &AppState,
    reader: Reader<'_>,
    id: Uuid,
    rendition: Rendition,
) -> Result<Opened, DocumentError> {
    let action = match rendition {
        Rendition::Image => "document_read",
        Rendition::Thumbnail => "thumbnail_read",
    };
    let (doc, _) = readable_document(state, reader, id, action).await?;
    let (key, media_type, file_name) = match rendition {
        Rendition::Image => (
            doc.storage_key.as_str(),
            doc.media_type.clone(),
            format!("{}.{}", doc.public_id, extension(&doc.media_type)),
        ),
        Rendition::Thumbnail => (
            doc.thumbnail_key.as_str(),
            "image/jpeg".to_owned(),
            format!("{}-thumb.jpg", doc.public_id),
        ),
    };
    let object = match state.storage.stream(key).await {
        Ok(object) => object,
        Err(StorageError::NotFound) => {
            tracing::error!(key, "a document's object is missing from the store");
            return Err(DocumentError::NotFound);
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Opened {
        object,
        media_type,
        file_name,
    })
}

/// Deletes a photo its owner no longer wants, while nobody has reviewed it.
#[instrument(skip_all, fields(user_id, case = %case_id, document = %doc_id))]
pub async fn delete(
    state: &AppState,
    user_id: i64,
    case_id: Uuid,
    doc_id: Uuid,
) -> Result<(), DocumentError> {
    let case = own_case(state, user_id, case_id).await?;
    let doc = store::find(&state.db, doc_id)
        .await?
        .filter(|d| d.case_id == case.id)
        .ok_or(DocumentError::NotFound)?;
    if doc.review_state != ReviewState::Pending {
        return Err(DocumentError::DocumentReviewed);
    }
    let txn = write_transaction(&state.db).await?;
    if !store::soft_delete(&txn, &doc, state.clocks.business.now()).await? {
        txn.rollback().await?;
        return Err(DocumentError::DocumentReviewed);
    }
    txn.commit().await?;
    // The user asked for the photo to go: the objects go with the row (the row stays, marked
    // deleted, as the record that there was one).
    super::upload::discard(state, &[&doc.storage_key, &doc.thumbnail_key]).await;
    Ok(())
}
