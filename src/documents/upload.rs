//! Storing an upload: every refusal that needs no body first ([`open_for_upload`]), then,
//! once the handler has read the file, [`store_upload`]: type by content, the same bytes at most
//! once per case, the pipeline off the executor, the objects written, and the row, the case's
//! count and the idempotency answer in one transaction (the objects removed if it fails).

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::json;
use tracing::instrument;
use uuid::Uuid;

use super::error::DocumentError;
use super::image::{self, Processed, Refusal};
use super::pipeline;
use super::signed::{self, Signer};
use super::view::{DocumentView, view};
use crate::attachments::store::documents::{self as store, Inserted, NewDocument};
use crate::cases::service::{own_case, status_of};
use crate::cases::store::Case;
use crate::consents;
use crate::plans::Material;
use crate::platform::crypto::sha256_hex_bytes;
use crate::platform::db::write_transaction;
use crate::platform::idempotency::{IdempotencyKey, Outcome, StoredAnswer};
use crate::platform::storage::ahead;
use crate::state::AppState;

/// How an upload ended.
#[derive(Debug)]
pub enum Uploaded {
    /// Stored now (201): the answer, as also kept for retries with the same key.
    Created(StoredAnswer),
    /// The case already holds these bytes (200): the document that holds them.
    Duplicate(Box<DocumentView>),
    /// A retry with a key whose first request was answered: that answer again.
    Replayed(StoredAnswer),
}

fn refused(refusal: Refusal, max_pixels: u64) -> DocumentError {
    match refusal {
        Refusal::Empty => DocumentError::FileEmpty,
        Refusal::Heic => DocumentError::HeicNotSupported,
        Refusal::Unsupported(detected) => DocumentError::UnsupportedFileType { detected },
        Refusal::TooManyPixels { width, height } => DocumentError::ImageTooLarge {
            width,
            height,
            max_pixels,
        },
        Refusal::Corrupt(reason) => DocumentError::ImageDamaged { reason },
    }
}

/// The case a user may upload to now: their own, open, with the medical-records consent
/// given, and a place left. Decided before a byte of the body is read.
#[instrument(skip_all, fields(user_id, case = %case_id))]
pub async fn open_for_upload(
    state: &AppState,
    user_id: i64,
    case_id: Uuid,
) -> Result<Case, DocumentError> {
    let case = own_case(state, user_id, case_id).await?;
    if status_of(&case).is_terminal() {
        return Err(DocumentError::CaseClosed);
    }
    let (purpose, version) = consents::medical_records_version(&state.settings.retention);
    if !consents::has_current(&state.db, user_id, (purpose, &version)).await? {
        return Err(DocumentError::ConsentRequired { version });
    }
    // Photos and record files are counted apart: refused here only when neither has a place.
    let uploads = &state.settings.uploads;
    let limit = uploads.max_documents_per_case;
    if case.document_count >= limit && case.record_file_count >= uploads.max_record_files_per_case {
        return Err(DocumentError::TooManyDocuments { limit });
    }
    Ok(case)
}

/// Removes objects written for an upload that did not become a document (or of a document
/// removed), with their announcements (`platform::storage::ahead`).
pub async fn discard(state: &AppState, keys: &[&str]) {
    ahead::abandon(&state.db, &state.storage, keys).await;
}

/// Announces the objects an upload is about to write, so a crash before its row leaves them
/// to the worker's sweep, never to storage for ever.
pub(super) async fn announce(state: &AppState, keys: &[&str]) -> Result<(), DocumentError> {
    ahead::announce(&state.db, keys, state.clocks.business.now()).await?;
    Ok(())
}

/// What an upload does once its bytes are known: answer a retry or a duplicate, or go on with
/// the key it holds.
pub(super) enum Begun {
    Answered(Uploaded),
    Go(Option<IdempotencyKey>),
}

/// The answers an upload gives before any work: the first answer to a retried key, or the
/// document that already holds these bytes.
pub(super) async fn begin(
    state: &AppState,
    user_id: i64,
    case: &Case,
    category: Material,
    sha256: &str,
    key_header: Option<&str>,
) -> Result<Begun, DocumentError> {
    let idempotency = match key_header {
        Some(header) => Some(IdempotencyKey::parse(
            Some(header),
            format!("user:{user_id}"),
            &format!("upload_document:{}", case.public_id),
            &json!({ "category": category.code(), "sha256": sha256 }),
        )?),
        None => None,
    };
    if let Some(key) = &idempotency
        && let Some(replayed) = key.replay(&state.db).await?
    {
        return Ok(Begun::Answered(Uploaded::Replayed(replayed)));
    }
    if let Some(existing) = store::same_bytes(&state.db, case.id, sha256).await? {
        return Ok(Begun::Answered(
            duplicate(state, user_id, case, &existing).await?,
        ));
    }
    Ok(Begun::Go(idempotency))
}

async fn duplicate(
    state: &AppState,
    user_id: i64,
    case: &Case,
    existing: &store::Document,
) -> Result<Uploaded, DocumentError> {
    let signing = signed::signing(state, Signer::User(user_id)).await?;
    Ok(Uploaded::Duplicate(Box::new(view(
        existing,
        case.public_id,
        true,
        signed::addresses(state, existing, signing),
    ))))
}

/// Saves the row of objects already written (removing them if it is not saved), within the
/// case's `limit` for files of its kind.
pub(super) async fn finish(
    state: &AppState,
    user_id: i64,
    case: &Case,
    row: NewDocument,
    idempotency: Option<&IdempotencyKey>,
    limit: i32,
) -> Result<Uploaded, DocumentError> {
    let owned: Vec<String> = [row.storage_key.clone(), row.thumbnail_key.clone()]
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect();
    let objects: Vec<&str> = owned.iter().map(String::as_str).collect();
    let sha256 = row.sha256.clone();
    let now = row.at;
    let saved = save(state, case, row, &objects, idempotency, now, limit).await;
    if !matches!(saved, Ok(Saved::Stored(_))) {
        discard(state, &objects).await;
    }
    match saved? {
        Saved::Stored(answer) => Ok(Uploaded::Created(answer)),
        Saved::Full => Err(DocumentError::TooManyDocuments { limit }),
        Saved::Duplicate => match store::same_bytes(&state.db, case.id, &sha256).await? {
            Some(existing) => duplicate(state, user_id, case, &existing).await,
            None => Err(DocumentError::UploadInProgress { same_key: false }),
        },
        Saved::KeyHeld(key) => match key.replay(&state.db).await? {
            Some(replayed) => Ok(Uploaded::Replayed(replayed)),
            None => Err(DocumentError::UploadInProgress { same_key: true }),
        },
    }
}

/// A photo: sniffed, through the pipeline, the image and its thumbnail stored, then the row.
#[instrument(skip_all, fields(case_id = case.id, bytes = file.len()))]
pub(super) async fn store_photo(
    state: &AppState,
    user_id: i64,
    case: &Case,
    file: Bytes,
    category: Material,
    key_header: Option<&str>,
) -> Result<Uploaded, DocumentError> {
    let settings = &state.settings.uploads;
    let sha256 = sha256_hex_bytes(&file);
    // Cheap refusals before the expensive work.
    image::sniff(&file).map_err(|r| refused(r, settings.max_pixels))?;
    let idempotency = match begin(state, user_id, case, category, &sha256, key_header).await? {
        Begun::Answered(answer) => return Ok(answer),
        Begun::Go(key) => key,
    };

    let original_bytes = file.len();
    let processed = process(state, file).await?;
    let public_id = Uuid::new_v4();
    let (key, thumbnail_key) = store::keys(case.public_id, public_id);
    let (kind, source, width, height) = (
        processed.kind,
        processed.source,
        processed.width,
        processed.height,
    );
    let stored_bytes: usize = processed.bytes.iter().map(Bytes::len).sum();
    announce(state, &[&key, &thumbnail_key]).await?;
    let stored = async {
        state
            .storage
            .put(
                &thumbnail_key,
                Bytes::from(processed.thumbnail),
                "image/jpeg",
            )
            .await?;
        state
            .storage
            .put(&key, processed.bytes, kind.media_type())
            .await
    };
    if let Err(e) = stored.await {
        discard(state, &[&key, &thumbnail_key]).await;
        return Err(e.into());
    }

    let row = NewDocument {
        public_id,
        case_id: case.id,
        user_id,
        category,
        storage_key: key,
        thumbnail_key,
        media_type: kind.media_type(),
        source_type: source.media_type(),
        bytes: stored_bytes as u64,
        original_bytes: original_bytes as u64,
        sha256,
        width,
        height,
        at: state.clocks.business.now(),
        file_kind: store::PHOTO,
        facts: None,
    };
    let limit = settings.max_documents_per_case;
    finish(state, user_id, case, row, idempotency.as_ref(), limit).await
}

enum Saved {
    Stored(StoredAnswer),
    Full,
    Duplicate,
    KeyHeld(IdempotencyKey),
}

/// The row, the case's count and the idempotency answer, in one transaction, settling the
/// announced `objects` the row names.
async fn save(
    state: &AppState,
    case: &Case,
    row: NewDocument,
    objects: &[&str],
    idempotency: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
    limit: i32,
) -> Result<Saved, DocumentError> {
    let txn = write_transaction(&state.db).await?;
    if let Some(key) = idempotency
        && !key.claim(&txn, now).await?
    {
        txn.rollback().await?;
        return Ok(Saved::KeyHeld(key.clone()));
    }
    if !ahead::settle(&txn, objects).await? {
        txn.rollback().await?;
        return Err(DocumentError::unexpected(anyhow::anyhow!(
            "the upload's objects were swept as left behind before its row was saved"
        )));
    }
    let saved = match store::insert(&txn, row, case.id, limit).await? {
        Inserted::Stored(saved) => saved,
        Inserted::Full => {
            txn.rollback().await?;
            return Ok(Saved::Full);
        }
        Inserted::Duplicate => {
            txn.rollback().await?;
            return Ok(Saved::Duplicate);
        }
    };
    // A replay of this answer (the same Idempotency-Key) carries these addresses; once they
    // expire, the document list gives fresh ones.
    let signing = signed::signing(state, Signer::User(case.user_id)).await?;
    let addresses = signed::addresses(state, &saved, signing);
    let body = serde_json::to_string(&view(&saved, case.public_id, false, addresses))
        .map_err(DocumentError::unexpected)?;
    let answer = StoredAnswer {
        outcome: Outcome::Created,
        body,
    };
    if let Some(key) = idempotency {
        key.complete(&txn, &answer).await?;
    }
    txn.commit().await?;
    tracing::info!(case_id = case.id, document_id = saved.id, "document stored");
    Ok(Saved::Stored(answer))
}

/// The pipeline, off the async executor: the headers read first (nothing decoded), then the
/// image's share of the pipeline's memory budget taken, then the decode on one of the
/// pipeline's own threads (in arrival order).
async fn process(state: &AppState, bytes: Bytes) -> Result<Processed, DocumentError> {
    let settings = state.settings.uploads.clone();
    let max_pixels = settings.max_pixels;
    let (inspected, bytes, settings) = tokio::task::spawn_blocking(move || {
        (pipeline::inspect(&bytes, &settings), bytes, settings)
    })
    .await
    .map_err(DocumentError::unexpected)?;
    let inspected = inspected.map_err(|r| refused(r, max_pixels))?;
    let memory = state
        .image_memory
        .clone()
        .acquire_many_owned(settings.permits_for(inspected.budget))
        .await
        .map_err(DocumentError::unexpected)?;
    let result = state
        .images
        .run(move || {
            let _held = memory;
            pipeline::process_inspected(&bytes, &inspected, &settings)
        })
        .await
        .map_err(DocumentError::unexpected)?;
    result.map_err(|r| refused(r, max_pixels))
}
