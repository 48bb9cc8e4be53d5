//! An upload as `wx.uploadFile` (a photo) or `wx.chooseMessageFile` (a PDF report, a DICOM
//! imaging file) sends it, to the path its content takes: a photo through the pipeline
//! (`super::upload`), a record file stored as it came (`super::record_upload`).

use tracing::instrument;

use super::error::DocumentError;
use super::upload::{Uploaded, store_photo};
use crate::cases::store::Case;
use crate::http::multipart::FileBody;
use crate::plans::Material;
use crate::state::AppState;

/// What an upload request carried: the file (a photo in memory, a PDF or DICOM file spooled)
/// and its `category` field.
#[derive(Debug)]
pub struct Received {
    pub file: FileBody,
    pub category: Option<String>,
}

/// Stores `received` as a document of `case`.
#[instrument(skip_all, fields(case_id = case.id))]
pub async fn store_upload(
    state: &AppState,
    user_id: i64,
    case: &Case,
    received: Received,
    key_header: Option<&str>,
) -> Result<Uploaded, DocumentError> {
    let category: Material = received
        .category
        .as_deref()
        .and_then(crate::attachments::materials::parse_category)
        .ok_or(DocumentError::CategoryInvalid)?;
    match received.file {
        FileBody::Memory(bytes) => {
            store_photo(state, user_id, case, bytes, category, key_header).await
        }
        FileBody::Spooled(spooled) => {
            super::record_upload::store_record(state, user_id, case, spooled, category, key_header)
                .await
        }
    }
}
