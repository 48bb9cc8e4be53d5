//! Storing a PDF or DICOM medical record (issue 31 §1): the file arrives spooled to a temporary
//! file (never held in memory), the plan must take its kind for the category, its parser reads
//! it off the executor, and it is stored as it came (never re-encoded), streamed to the store
//! in pieces; then the row, as a photo's (`super::upload::finish`).

use std::io::Read;

use tracing::instrument;
use uuid::Uuid;

use super::error::DocumentError;
use super::records::{self, RecordKind, Unreadable};
use super::upload::{Begun, Uploaded, begin, finish};
use crate::attachments::store::documents::{self as store, NewDocument};
use crate::cases::service::plan_of;
use crate::cases::store::Case;
use crate::http::multipart::{HEAD_BYTES, Spooled};
use crate::plans::Material;
use crate::state::AppState;

/// The kind of the spooled file, from its first bytes (as the multipart reader decided).
fn kind_of(path: &std::path::Path) -> Result<Option<RecordKind>, std::io::Error> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)?;
    Ok(records::sniff(&head))
}

fn unreadable(kind: RecordKind, refusal: Unreadable) -> DocumentError {
    let kind = kind.code();
    match refusal {
        Unreadable::Damaged(reason) => DocumentError::RecordFileDamaged { kind, reason },
        Unreadable::Unsafe(reason) => DocumentError::RecordFileUnsafe { kind, reason },
    }
}

/// Stores the spooled file as a document of `case` (see the module's text).
#[instrument(skip_all, fields(case_id = case.id, bytes = spooled.len))]
pub async fn store_record(
    state: &AppState,
    user_id: i64,
    case: &Case,
    spooled: Spooled,
    category: Material,
    key_header: Option<&str>,
) -> Result<Uploaded, DocumentError> {
    let path = spooled.path.to_path_buf();
    let kind = tokio::task::spawn_blocking(move || kind_of(&path))
        .await
        .map_err(DocumentError::unexpected)?
        .map_err(DocumentError::unexpected)?
        .ok_or(DocumentError::UnsupportedFileType { detected: None })?;
    let (plan, _) = plan_of(state, case)?;
    let accepted = match kind {
        RecordKind::Pdf => &plan.record_files.pdf,
        RecordKind::Dicom => &plan.record_files.dicom,
    };
    if !accepted.contains(&category) {
        return Err(DocumentError::FileKindNotAccepted {
            kind: kind.code(),
            accepted: accepted.iter().map(|m| m.code()).collect(),
        });
    }
    let idempotency =
        match begin(state, user_id, case, category, &spooled.sha256, key_header).await? {
            Begun::Answered(answer) => return Ok(answer),
            Begun::Go(key) => key,
        };

    // The parser, off the executor: on the pipeline's threads, as a photo's decode.
    let path = spooled.path.to_path_buf();
    let facts = state
        .images
        .run(move || records::inspect(&path, kind))
        .await
        .map_err(DocumentError::unexpected)?
        .map_err(|r| unreadable(kind, r))?;
    let facts = serde_json::to_string(&facts).map_err(DocumentError::unexpected)?;

    let public_id = Uuid::new_v4();
    let (key, _) = store::keys(case.public_id, public_id);
    super::upload::announce(state, &[&key]).await?;
    if let Err(e) = state
        .storage
        .put_file(&key, &spooled.path, spooled.len, kind.media_type())
        .await
    {
        super::upload::discard(state, &[&key]).await;
        return Err(e.into());
    }
    let row = NewDocument {
        public_id,
        case_id: case.id,
        user_id,
        category,
        storage_key: key,
        thumbnail_key: String::new(),
        media_type: kind.media_type(),
        source_type: kind.media_type(),
        bytes: spooled.len,
        original_bytes: spooled.len,
        sha256: spooled.sha256.clone(),
        width: 0,
        height: 0,
        at: state.clocks.business.now(),
        file_kind: kind.code(),
        facts: Some(facts),
    };
    let limit = state.settings.uploads.max_record_files_per_case;
    finish(state, user_id, case, row, idempotency.as_ref(), limit).await
    // `spooled` drops here: the temporary file is removed.
}
