//! Who may see a case's documents, and reading them: the owner (mini-program) or a staff member
//! in scope whose role may read medical records (`cases::files` checks and audits the read). The owner may delete a photo nobody has reviewed yet.

use tracing::instrument;
use uuid::Uuid;

use super::error::DocumentError;
use super::records::RecordKind;
use super::view::{DocumentList, Rendition, view};
use crate::attachments::materials;
use crate::attachments::store::documents::{self as store, Document, ReviewState};
use crate::cases::error::CaseError;
use crate::cases::files::{Reader, readable_case as readable};
use crate::cases::service::{own_case, plan_of};
use crate::cases::store::{self as cases, Case};
use crate::platform::db::write_transaction;
use crate::platform::storage::Download;
use crate::platform::storage::ahead;
use crate::staff::access::may_read_records;
use crate::state::AppState;

/// The case `reader` may see the documents of: medical records are for those who arrange care.
async fn readable_case(
    state: &AppState,
    reader: Reader<'_>,
    case: Option<Case>,
    action: &str,
    subject: (&str, Uuid),
) -> Result<Case, DocumentError> {
    readable(
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
    let signing = super::signed::signing(state, super::signed::signer_of(reader)).await?;
    Ok(DocumentList {
        items: documents
            .iter()
            .map(|d| {
                view(
                    d,
                    case.public_id,
                    false,
                    super::signed::addresses(state, d, signing),
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
    readable_found(state, reader, doc, action).await
}

/// [`readable_document`] of a document already read.
async fn readable_found(
    state: &AppState,
    reader: Reader<'_>,
    doc: Document,
    action: &str,
) -> Result<(Document, Case), DocumentError> {
    let case = cases::find_by_id(&state.db, doc.case_id).await?;
    let case = readable_case(state, reader, case, action, ("document", doc.public_id)).await?;
    if doc.purged_at.is_some() {
        return Err(DocumentError::DocumentPurged);
    }
    Ok((doc, case))
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
) -> Result<Download, DocumentError> {
    // Read once: its kind names the audited action, then the same row is checked.
    let found = store::find(&state.db, id)
        .await?
        .ok_or(DocumentError::NotFound)?;
    let record = RecordKind::parse(&found.file_kind);
    let action = match (rendition, record) {
        (Rendition::Image, None) => "document_read",
        (Rendition::Image, Some(_)) => "record_file_read",
        (Rendition::Thumbnail, _) => "thumbnail_read",
    };
    let (doc, case) = readable_found(state, reader, found, action).await?;
    let (key, media_type, file_name) = match (rendition, record) {
        (Rendition::Image, Some(kind)) => (
            doc.storage_key.as_str(),
            doc.media_type.clone(),
            record_file_name(&doc, &case, kind),
        ),
        (Rendition::Image, None) => (
            doc.storage_key.as_str(),
            doc.media_type.clone(),
            format!("{}.{}", doc.public_id, extension(&doc.media_type)),
        ),
        // A PDF or DICOM file has no thumbnail.
        (Rendition::Thumbnail, Some(_)) => return Err(DocumentError::NotFound),
        (Rendition::Thumbnail, None) => (
            doc.thumbnail_key.as_str(),
            "image/jpeg".to_owned(),
            format!("{}-thumb.jpg", doc.public_id),
        ),
    };
    state
        .storage
        .download(key, media_type, file_name)
        .await?
        .ok_or(DocumentError::NotFound)
}

/// A record file's name when saved: the case number, the category and when it came (ASCII, as
/// `Content-Disposition` carries it), never an id.
fn record_file_name(doc: &Document, case: &Case, kind: RecordKind) -> String {
    let at = doc
        .uploaded_at
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .format("%Y%m%d-%H%M%S");
    format!(
        "{}-{}-{at}-{}.{}",
        case.case_number.as_deref().unwrap_or("case"),
        doc.category,
        &doc.sha256[..8.min(doc.sha256.len())],
        kind.extension()
    )
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
    // The user asked for the photo to go: the objects go with the row (the row stays, marked
    // deleted, as the record that there was one); announced in its transaction, so a crash
    // before they are removed leaves them to the sweep.
    let keys: Vec<&str> = [doc.storage_key.as_str(), doc.thumbnail_key.as_str()]
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect();
    let now = state.clocks.business.now();
    let txn = write_transaction(&state.db).await?;
    if !store::soft_delete(&txn, &doc, now).await? {
        txn.rollback().await?;
        return Err(DocumentError::DocumentReviewed);
    }
    ahead::announce(&txn, &keys, now).await?;
    txn.commit().await?;
    super::upload::discard(state, &keys).await;
    Ok(())
}
