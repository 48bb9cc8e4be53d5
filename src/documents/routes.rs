//! `/api/v1/cases/{id}/documents`, `/api/v1/documents/{id}` and the specialists' review:
//! the multipart body read as it arrives, everything else in the area's services.

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::DocumentError;
use super::intake::{self, Received};
use super::read;
use super::records::{self, RecordKind};
use super::review::{self as reviews, Decision};
use super::signed::{self, Signature, Signer};
use super::upload::{self as uploads, Uploaded};
use super::view::Rendition;
use super::view::{DocumentList, DocumentView, Retake};
use crate::auth::CurrentUser;
use crate::cases::files::Reader;
use crate::cases::principal::Principal;
use crate::http::client_ip;
use crate::http::idempotency::{answer, key_header, replayed};
use crate::http::multipart::{Sink, read_upload};
use crate::platform::error::{ApiError, ErrorBody};
use crate::platform::storage::Download;
use crate::staff::CurrentStaff;
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(upload)
        .service(list)
        .service(get_document)
        .service(get_thumbnail)
        .service(delete_document)
        .service(review);
}

/// Uploads a medical record to a case, as `wx.uploadFile` sends it: multipart with the file in
/// the part `file` and the form field `category`. The type is decided by content: a photo
/// (JPEG, PNG, WebP: the stored image has no EXIF/GPS, is upright and at most 4096 px on its
/// longest side), or, in the categories the plan lists for them, a PDF report or a DICOM Part 10
/// imaging file (one file of a study per upload, chosen with `wx.chooseMessageFile`), streamed
/// to a temporary file under its own size limit, checked by its parser and stored as it came.
/// The same bytes twice are one document (200, `duplicate: true`).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The case"),
        ("Idempotency-Key" = Option<String>, Header, description = "Optional; a retry with the same key gets the first answer"),
    ),
    request_body(content_type = "multipart/form-data", description = "`file`: the photo, PDF or DICOM file; `category`: its category"),
    responses(
        (status = 201, body = DocumentView, description = "Stored"),
        (status = 200, body = DocumentView, description = "The case already holds this photo"),
        (status = 400, description = "`upload_incomplete`, `too_many_files`, `too_many_fields`, `field_too_long`, `idempotency_key_invalid`", body = ErrorBody),
        (status = 403, description = "`consent_required`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`too_many_documents`, `case_closed`, `upload_in_progress`", body = ErrorBody),
        (status = 413, description = "`file_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_file_type`, `heic_not_supported` (with a hint), `multipart_required`", body = ErrorBody),
        (status = 422, description = "`file_required`, `file_empty`, `category_invalid`, `image_too_large`, `image_damaged`, `file_kind_not_accepted` (a PDF or DICOM file in a category the plan takes photos only for), `record_file_damaged`, `record_file_unsafe` (a web page, script or second format inside), `idempotency_key_reused`", body = ErrorBody),
        (status = 503, description = "`storage_unavailable`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/documents")]
pub async fn upload(
    req: HttpRequest,
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    // Everything that can refuse without the body is decided before reading it.
    let case = uploads::open_for_upload(&state, user.user_id, *path).await?;
    let expected = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let settings = &state.settings.uploads;
    // A PDF or DICOM file is spooled to a temporary file under its own limit; anything else is
    // read into memory as a photo (and refused there if it is not one).
    let decide = |head: &[u8]| match records::sniff(head) {
        Some(RecordKind::Pdf) => Sink::Spool {
            max_bytes: settings.max_pdf_bytes,
        },
        Some(RecordKind::Dicom) => Sink::Spool {
            max_bytes: settings.max_dicom_bytes,
        },
        None => Sink::Memory {
            max_bytes: settings.max_file_bytes,
        },
    };
    let spool_dir =
        (!settings.spool_dir.is_empty()).then(|| std::path::Path::new(&settings.spool_dir));
    let multipart = Multipart::new(req.headers(), payload);
    let mut parts = read_upload(multipart, expected, spool_dir, decide)
        .await
        .map_err(DocumentError::from)?;
    let received = Received {
        file: parts.file,
        category: parts.fields.remove("category"),
    };
    let uploaded =
        intake::store_upload(&state, user.user_id, &case, received, key_header(&req)).await?;
    Ok(match uploaded {
        Uploaded::Created(stored) => answer(stored),
        Uploaded::Duplicate(view) => HttpResponse::Ok().json(view),
        Uploaded::Replayed(stored) => replayed(stored),
    })
}

/// Who reads a document: its owner (mini-program token) or a staff member (console token).
/// A case's documents with their thumbnails' addresses, and what is still missing.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The case")),
    responses(
        (status = 200, body = DocumentList),
        (status = 403, description = "`forbidden_role` (insurer viewers see no medical images)", body = ErrorBody),
        (status = 404, description = "`not_found` (also another user's case)", body = ErrorBody),
    )
)]
#[get("/cases/{id}/documents")]
pub async fn list(
    req: HttpRequest,
    principal: Principal,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<DocumentList>, ApiError> {
    let reader = principal.reader(&req, &state);
    Ok(web::Json(read::list(&state, reader, *path).await?))
}

/// Streams a stored object with our own headers: the sniffed type, never HTML, never cached
/// by shared caches, never sniffed by the browser. With a signed address (`by`, `exp`, `sig`)
/// no `Authorization` header is needed: the signature names the reader, whose rights are
/// checked as with a token.
async fn serve(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: Uuid,
    rendition: Rendition,
    signature: Signature,
) -> Result<HttpResponse, ApiError> {
    let staff;
    let principal;
    let (reader, cache) = if signature.present() {
        let (signer, left) = signed::verify(&state, id, rendition, &signature).await?;
        let reader = match signer {
            Signer::User(user_id) => Reader::User(user_id),
            Signer::Staff(staff_id) => {
                staff = crate::staff::access::session_staff(&state, staff_id, "signed-url".into())
                    .await?
                    .ok_or(DocumentError::UrlSignatureInvalid)?;
                Reader::Staff {
                    staff: &staff,
                    ip: client_ip(&req, &state.settings.server.trusted_proxies),
                }
            }
        };
        (reader, format!("private, max-age={left}"))
    } else {
        principal = Principal::from_request(&req, &mut Payload::None).await?;
        (
            principal.reader(&req, &state),
            "private, no-store".to_owned(),
        )
    };
    let Download {
        object,
        media_type,
        file_name,
    } = read::open(&state, reader, id, rendition).await?;
    // A PDF or DICOM file is saved, never opened in the service's own origin.
    let disposition = if media_type.starts_with("image/") {
        "inline"
    } else {
        "attachment"
    };
    Ok(crate::http::private_file(
        object,
        media_type,
        format!("{disposition}; filename=\"{file_name}\""),
        cache,
    ))
}

/// A route that streams one rendition of a document: the two differ only in path, rendition
/// and words, so they are written once.
macro_rules! rendition_route {
    ($(#[$doc:meta])* $name:ident, $path:literal, $rendition:expr, $ok:literal) => {
        $(#[$doc])*
        #[utoipa::path(
            tag = "documents",
            security(("bearer" = []), ()),
            params(("id" = Uuid, Path, description = "The document"), Signature),
            responses(
                (status = 200, description = $ok, content_type = "image/jpeg"),
                (status = 401, description = "`token_*`, `session_revoked` (without a signed address)", body = ErrorBody),
                (status = 403, description = "`forbidden_role` (insurer viewers see no medical images), `url_signature_invalid`, `url_expired`", body = ErrorBody),
                (status = 404, description = "`not_found` (also another user's document)", body = ErrorBody),
                (status = 410, description = "`document_purged`: removed at the end of its retention period (or on the owner's withdrawal or account deletion)", body = ErrorBody),
                (status = 503, description = "`storage_unavailable`", body = ErrorBody),
            )
        )]
        #[get($path)]
        pub async fn $name(
            req: HttpRequest,
            state: web::Data<AppState>,
            path: web::Path<Uuid>,
            signature: web::Query<Signature>,
        ) -> Result<HttpResponse, ApiError> {
            serve(req, state, *path, $rendition, signature.into_inner()).await
        }
    };
}

// The handler types actix generates inside a `macro_rules` count as ours: unit structs, not data.
#[allow(missing_debug_implementations)]
mod renditions {
    use super::*;

    rendition_route!(
        /// The stored image (or PDF or DICOM file, byte for byte as uploaded, as an attachment),
        /// streamed after the authorisation check. Staff reads are audited.
        get_document,
        "/documents/{id}",
        Rendition::Image,
        "The image (`image/jpeg` or `image/png`), or the PDF (`application/pdf`) or DICOM file (`application/dicom`)"
    );

    rendition_route!(
        /// The document's thumbnail (JPEG, at most 320 px), as [`get_document`].
        get_thumbnail,
        "/documents/{id}/thumbnail",
        Rendition::Thumbnail,
        "The thumbnail (JPEG, at most 320 px)"
    );
}

pub use renditions::{get_document, get_thumbnail};

/// Deletes a photo the owner no longer wants, while nobody has reviewed it.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The case"), ("doc" = Uuid, Path, description = "The document")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`document_reviewed`", body = ErrorBody),
    )
)]
#[delete("/cases/{id}/documents/{doc}")]
pub async fn delete_document(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, Uuid)>,
) -> Result<HttpResponse, ApiError> {
    let (case_id, doc_id) = path.into_inner();
    read::delete(&state, user.user_id, case_id, doc_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    pub decision: Decision,
    /// With `reject`: what the user must retake.
    pub reason: Option<Retake>,
    /// Optional words for the user (required with `other`).
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

/// A specialist accepts a document, or rejects it saying what to retake (the user is told).
#[utoipa::path(
    tag = "staff",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document")),
    request_body = ReviewBody,
    responses(
        (status = 200, body = DocumentView),
        (status = 403, description = "`forbidden_role`, `not_assignee`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 410, description = "`document_purged`", body = ErrorBody),
        (status = 422, description = "`reason_required`, `note_required`, `note_too_long`, `field_too_long`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/staff/documents/{id}/review")]
pub async fn review(
    req: HttpRequest,
    staff: CurrentStaff,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ReviewBody>,
) -> Result<web::Json<DocumentView>, ApiError> {
    let ReviewBody {
        decision,
        reason,
        note,
    } = body.into_inner();
    crate::http::check_lengths(&[("note", note.as_deref(), 200)])?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let view = reviews::review(&state, &staff, ip, *path, decision, reason, note).await?;
    Ok(web::Json(view))
}
