//! `/api/v1/cases/{id}/documents`, `/api/v1/documents/{id}` and the specialists' review.

use std::future::Future;
use std::pin::Pin;

use actix_multipart::{Multipart, MultipartError};
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, delete, get, post, web};
use bytes::{Bytes, BytesMut};
use chrono::{DateTime, Utc};
use entity::document;
use futures_util::TryStreamExt;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::pipeline::{self, Processed, Refusal};
use super::store::{self, ACCEPTED, CATEGORIES, Document, Inserted, PENDING, REJECTED};
use crate::auth::CurrentUser;
use crate::cases::routes::{case_not_found, own_case};
use crate::cases::store::{self as cases, Case};
use crate::cases::view::status_of;
use crate::consents::{self, MEDICAL_RECORDS};
use crate::crypto::sha256_hex_bytes;
use crate::eligibility::quota::write_transaction;
use crate::error::{ApiError, ErrorBody};
use crate::idempotency::{self, IdempotencyKey};
use crate::net::client_ip;
use crate::notifications::outbox;
use crate::plans::Material;
use crate::staff::accounts::Role;
use crate::staff::auth::{CurrentStaff, forbidden};
use crate::staff::cases::{Need, may_change};
use crate::state::AppState;

pub fn mount(api: &mut utoipa_actix_web::service_config::ServiceConfig<'_>) {
    api.service(upload)
        .service(list)
        .service(get_document)
        .service(get_thumbnail)
        .service(delete_document)
        .service(review);
}

/// A document as its owner and the specialists see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    pub case_id: Uuid,
    /// `outpatient_record`, `discharge_summary`, `blood_test`, `ct`, `mri`, `pathology_report`,
    /// `admission_slip`, `id_document`, `other`.
    pub category: String,
    pub category_label: &'static str,
    /// What is stored, decided by content: `image/jpeg` or `image/png`.
    pub media_type: String,
    pub bytes: i64,
    pub width: i32,
    pub height: i32,
    /// `pending`, `accepted` or `rejected`.
    pub review_state: String,
    /// Why it was rejected (a code), and what to do about it.
    pub review_reason: Option<String>,
    pub review_message: Option<String>,
    pub uploaded_at: DateTime<Utc>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The owner may delete it while it is pending.
    pub deletable: bool,
    pub url: String,
    pub thumbnail_url: String,
    /// These bytes were already on the case: this is the document that holds them.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentList {
    pub items: Vec<DocumentView>,
    /// Documents the case may hold at most.
    pub limit: i32,
    /// Categories still missing for the materials to be complete (codes), with labels.
    pub missing: Vec<String>,
    pub missing_labels: Vec<&'static str>,
}

/// Why a specialist rejects a photo, and what the user should retake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Retake {
    Blurry,
    Incomplete,
    Glare,
    WrongCategory,
    WrongPerson,
    NotMedical,
    Other,
}

impl Retake {
    pub fn message(self) -> &'static str {
        match self {
            Retake::Blurry => "照片模糊，请对焦清晰、保持手机稳定后重新拍摄",
            Retake::Incomplete => "页面拍摄不完整，请将整页资料（含医院名称和盖章）拍全后重新上传",
            Retake::Glare => "照片反光或过暗，请在光线均匀处、避开反光重新拍摄",
            Retake::WrongCategory => "资料与所选类别不符，请选择正确的类别重新上传",
            Retake::WrongPerson => "资料上的姓名与被保险人不符，请上传被保险人本人的资料",
            Retake::NotMedical => "该图片不是医疗资料，请上传病历、检查报告等资料",
            Retake::Other => "该资料需要重新上传，请查看专员说明",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
    }
}

fn view(doc: &Document, case_public_id: Uuid, duplicate: bool) -> DocumentView {
    let category = store::parse_category(&doc.category);
    let review_message = match (doc.review_state.as_str(), doc.review_reason.as_deref()) {
        (REJECTED, reason) => {
            let retake = reason.and_then(Retake::parse).unwrap_or(Retake::Other);
            Some(match doc.review_note.as_deref() {
                Some(note) if !note.is_empty() => format!("{}（{note}）", retake.message()),
                _ => retake.message().to_owned(),
            })
        }
        _ => None,
    };
    DocumentView {
        id: doc.public_id,
        case_id: case_public_id,
        category: doc.category.clone(),
        category_label: category.map_or("其他资料", Material::label),
        media_type: doc.media_type.clone(),
        bytes: doc.bytes,
        width: doc.width,
        height: doc.height,
        review_state: doc.review_state.clone(),
        review_reason: doc.review_reason.clone(),
        review_message,
        uploaded_at: doc.uploaded_at,
        reviewed_at: doc.reviewed_at,
        deletable: doc.review_state == PENDING,
        url: format!("/api/v1/documents/{}", doc.public_id),
        thumbnail_url: format!("/api/v1/documents/{}/thumbnail", doc.public_id),
        duplicate,
    }
}

fn document_not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "未找到该资料")
}

fn storage_down(cause: impl Into<anyhow::Error>) -> ApiError {
    ApiError::unavailable("storage_unavailable", cause)
        .with_message("资料存储暂时不可用，请稍后重试")
}

fn refusal(refusal: Refusal, max_pixels: u64) -> ApiError {
    match refusal {
        Refusal::Empty => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file_empty",
            "上传的文件是空的，请重新选择照片",
        ),
        Refusal::Heic => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "heic_not_supported",
            "暂不支持 HEIC 格式的照片，请重新选择照片上传（小程序会自动转换为 JPEG）",
        )
        .with_details(json!({
            "hint": "choose the photo with wx.chooseMedia (sizeType ['compressed']) so that WeChat converts it to JPEG",
        })),
        Refusal::Unsupported(detected) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_file_type",
            "只能上传 JPEG、PNG 或 WebP 格式的照片",
        )
        .with_details(json!({ "detected": detected, "accepted": ["image/jpeg", "image/png", "image/webp"] })),
        Refusal::TooManyPixels { width, height } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "image_too_large",
            "照片尺寸过大，请使用手机相机正常拍摄的照片",
        )
        .with_details(json!({ "width": width, "height": height, "max_pixels": max_pixels })),
        Refusal::Corrupt(reason) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "image_damaged",
            "照片文件已损坏或不完整，请重新拍摄或选择后上传",
        )
        .with_details(json!({ "reason": reason })),
    }
}

fn too_many_documents(limit: i32) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "too_many_documents",
        "该申请的资料数量已达上限，请删除不需要的照片后再上传",
    )
    .with_details(json!({ "limit": limit }))
}

/// The parts of a `wx.uploadFile` request: the file (`file`) and the form fields.
struct Upload {
    file: Bytes,
    category: Option<String>,
}

fn bad_upload(code: &'static str, message: &'static str) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, code, message)
}

fn multipart_error(error: MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "multipart_required",
            "请以 multipart/form-data 上传（wx.uploadFile），文件字段名为 file",
        ),
        other => bad_upload("upload_incomplete", "上传没有完成，请检查网络后重试")
            .with_details(json!({ "error": other.to_string() })),
    }
}

const MAX_FIELD_BYTES: usize = 1024;
const MAX_FIELDS: usize = 16;

/// Reads the multipart body as it arrives: the file part up to `max_file` bytes (refused the
/// moment it crosses the limit, the rest never read), small form fields, nothing else.
async fn read_upload(
    mut multipart: Multipart,
    max_file: usize,
    expected: usize,
) -> Result<Upload, ApiError> {
    let mut file: Option<Bytes> = None;
    let mut category = None;
    let mut fields = 0;
    while let Some(mut field) = multipart.try_next().await.map_err(multipart_error)? {
        fields += 1;
        if fields > MAX_FIELDS {
            return Err(bad_upload("too_many_fields", "上传的表单字段过多"));
        }
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            if file.is_some() {
                return Err(bad_upload("too_many_files", "每次只能上传一张照片"));
            }
            // Sized from Content-Length (capped by the limit): no doubling of a 10 MB buffer.
            let mut buffer = BytesMut::with_capacity(expected.min(max_file));
            while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                if buffer.len() + chunk.len() > max_file {
                    return Err(ApiError::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "file_too_large",
                        "照片太大，请上传不超过限制大小的照片",
                    )
                    .with_details(json!({ "max_bytes": max_file })));
                }
                buffer.extend_from_slice(&chunk);
            }
            file = Some(buffer.freeze());
        } else {
            let mut value = Vec::new();
            while let Some(chunk) = field.try_next().await.map_err(multipart_error)? {
                if value.len() + chunk.len() > MAX_FIELD_BYTES {
                    return Err(bad_upload("field_too_long", "表单字段过长"));
                }
                value.extend_from_slice(&chunk);
            }
            if name == "category" {
                category = Some(String::from_utf8_lossy(&value).into_owned());
            }
        }
    }
    let file = file.ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "file_required",
            "没有收到照片：文件字段名应为 file",
        )
    })?;
    Ok(Upload { file, category })
}

/// Removes objects written for an upload that did not become a document.
async fn discard(state: &AppState, keys: &[&str]) {
    for key in keys {
        if let Err(e) = state.storage.delete(key).await {
            tracing::warn!(error = %e, "could not remove the object of a failed upload");
        }
    }
}

/// Uploads a photo of a medical record to a case, as `wx.uploadFile` sends it: multipart with the
/// file in the part `file` and the form field `category`. The type is decided by content; the
/// stored image is re-encoded (no EXIF/GPS), upright, at most 4096 px on its longest side. The
/// same photo twice is one document (200, `duplicate: true`).
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "The case"),
        ("Idempotency-Key" = Option<String>, Header, description = "Optional; a retry with the same key gets the first answer"),
    ),
    request_body(content_type = "multipart/form-data", description = "`file`: the photo; `category`: its category"),
    responses(
        (status = 201, body = DocumentView, description = "Stored"),
        (status = 200, body = DocumentView, description = "The case already holds this photo"),
        (status = 400, description = "`upload_incomplete`, `too_many_files`, `too_many_fields`, `field_too_long`, `idempotency_key_invalid`", body = ErrorBody),
        (status = 403, description = "`consent_required`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`too_many_documents`, `case_closed`, `upload_in_progress`", body = ErrorBody),
        (status = 413, description = "`file_too_large`", body = ErrorBody),
        (status = 415, description = "`unsupported_file_type`, `heic_not_supported` (with a hint), `multipart_required`", body = ErrorBody),
        (status = 422, description = "`file_required`, `file_empty`, `category_invalid`, `image_too_large`, `image_damaged`, `idempotency_key_reused`", body = ErrorBody),
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
    let settings = &state.settings.uploads;
    // Everything that can refuse without the body is decided before reading it.
    let case = own_case(&state, &user, *path).await?;
    if status_of(&case).is_terminal() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "case_closed",
            "该申请已结束，不能再上传资料",
        ));
    }
    if !consents::has_current(&state.db, user.user_id, MEDICAL_RECORDS).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "consent_required",
            "上传医疗资料前，请先阅读并同意《医疗资料（敏感个人信息）单独同意书》",
        )
        .with_details(
            json!({ "purpose": MEDICAL_RECORDS.purpose, "version": MEDICAL_RECORDS.version }),
        ));
    }
    if case.document_count >= settings.max_documents_per_case {
        return Err(too_many_documents(settings.max_documents_per_case));
    }

    let expected = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let upload = read_upload(
        Multipart::new(req.headers(), payload),
        settings.max_file_bytes,
        expected,
    )
    .await?;
    let category = upload
        .category
        .as_deref()
        .and_then(store::parse_category)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "category_invalid",
                "请选择资料类别",
            )
            .with_details(json!({
                "accepted": CATEGORIES.iter().map(|c| store::category_code(*c)).collect::<Vec<_>>(),
            }))
        })?;
    let sha256 = sha256_hex_bytes(&upload.file);
    let idempotency = match req.headers().contains_key(idempotency::HEADER) {
        true => Some(IdempotencyKey::from_request(
            &req,
            format!("user:{}", user.user_id),
            &format!("upload_document:{}", case.public_id),
            &json!({ "category": store::category_code(category), "sha256": sha256 }),
        )?),
        false => None,
    };
    if let Some(key) = &idempotency
        && let Some(replayed) = key.replay(&state.db).await?
    {
        return Ok(replayed);
    }
    // Cheap refusals before the expensive work.
    pipeline::sniff(&upload.file).map_err(|r| refusal(r, settings.max_pixels))?;
    if let Some(existing) = store::same_bytes(&state.db, case.id, &sha256).await? {
        return Ok(HttpResponse::Ok().json(view(&existing, case.public_id, true)));
    }

    let original_bytes = upload.file.len();
    let processed = process(&state, upload.file).await?;
    let public_id = Uuid::new_v4();
    let (key, thumbnail_key) = store::keys(case.public_id, public_id);
    let (kind, source, width, height) = (
        processed.kind,
        processed.source,
        processed.width,
        processed.height,
    );
    let stored_bytes = processed.bytes.len();
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
            .put(&key, Bytes::from(processed.bytes), kind.media_type())
            .await
    };
    if let Err(e) = stored.await {
        discard(&state, &[&key, &thumbnail_key]).await;
        return Err(storage_down(e));
    }

    let now = state.clocks.business.now();
    let row = document::ActiveModel {
        public_id: Set(public_id),
        case_id: Set(case.id),
        user_id: Set(user.user_id),
        category: Set(store::category_code(category)),
        storage_key: Set(key.clone()),
        thumbnail_key: Set(thumbnail_key.clone()),
        media_type: Set(kind.media_type().to_owned()),
        source_type: Set(source.media_type().to_owned()),
        bytes: Set(stored_bytes as i64),
        original_bytes: Set(original_bytes as i64),
        sha256: Set(sha256.clone()),
        width: Set(i32::try_from(width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(height).unwrap_or(i32::MAX)),
        review_state: Set(PENDING.to_owned()),
        uploaded_at: Set(now),
        ..Default::default()
    };
    let saved = match save(&state, &case, row, idempotency.as_ref(), now).await {
        Ok(Saved::Stored(response)) => return Ok(response),
        other => {
            discard(&state, &[&key, &thumbnail_key]).await;
            other?
        }
    };
    match saved {
        Saved::Stored(response) => Ok(response),
        Saved::Full => Err(too_many_documents(settings.max_documents_per_case)),
        Saved::Duplicate => match store::same_bytes(&state.db, case.id, &sha256).await? {
            Some(existing) => Ok(HttpResponse::Ok().json(view(&existing, case.public_id, true))),
            None => Err(ApiError::new(
                StatusCode::CONFLICT,
                "upload_in_progress",
                "同一张照片正在上传中，请稍后刷新查看",
            )),
        },
        Saved::KeyHeld(key) => match key.replay(&state.db).await? {
            Some(replayed) => Ok(replayed),
            None => Err(ApiError::new(
                StatusCode::CONFLICT,
                "upload_in_progress",
                "该上传正在处理中，请稍后刷新查看",
            )),
        },
    }
}

enum Saved {
    Stored(HttpResponse),
    Full,
    Duplicate,
    KeyHeld(IdempotencyKey),
}

/// The row, the case's count and the idempotency answer, in one transaction.
async fn save(
    state: &AppState,
    case: &Case,
    row: document::ActiveModel,
    idempotency: Option<&IdempotencyKey>,
    now: DateTime<Utc>,
) -> Result<Saved, ApiError> {
    let txn = write_transaction(&state.db).await?;
    if let Some(key) = idempotency
        && !key.claim(&txn, now).await?
    {
        txn.rollback().await?;
        return Ok(Saved::KeyHeld(key.clone()));
    }
    let saved = match store::insert(
        &txn,
        row,
        case.id,
        state.settings.uploads.max_documents_per_case,
    )
    .await?
    {
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
    let body =
        serde_json::to_string(&view(&saved, case.public_id, false)).map_err(ApiError::internal)?;
    if let Some(key) = idempotency {
        key.complete(&txn, StatusCode::CREATED, &body).await?;
    }
    txn.commit().await?;
    tracing::info!(case_id = case.id, document_id = saved.id, "document stored");
    Ok(Saved::Stored(
        HttpResponse::Created()
            .content_type("application/json")
            .body(body),
    ))
}

/// The pipeline, off the async executor, at most one image per permit.
async fn process(state: &AppState, bytes: Bytes) -> Result<Processed, ApiError> {
    let permit = state
        .images
        .clone()
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    let settings = state.settings.uploads.clone();
    let max_pixels = settings.max_pixels;
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        pipeline::process(&bytes, &settings)
    })
    .await
    .map_err(ApiError::internal)?;
    result.map_err(|r| refusal(r, max_pixels))
}

/// Who reads a document: its owner (mini-program token) or a staff member (console token).
#[derive(Debug)]
pub enum Reader {
    User(CurrentUser),
    Staff(CurrentStaff),
}

impl FromRequest for Reader {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        let staff = CurrentStaff::from_request(req, payload);
        Box::pin(async move {
            match user.await {
                Ok(user) => Ok(Reader::User(user)),
                Err(user_error) => staff.await.map(Reader::Staff).map_err(|_| user_error),
            }
        })
    }
}

/// The case a reader may see documents of; staff reads are written to the audit log.
async fn readable_case(
    state: &AppState,
    req: &HttpRequest,
    reader: &Reader,
    case: Option<Case>,
    action: &str,
    subject: (&str, Uuid),
) -> Result<Case, ApiError> {
    match reader {
        Reader::User(user) => case
            .filter(|c| c.user_id == user.user_id)
            .ok_or_else(document_not_found),
        Reader::Staff(staff) => {
            let case = case
                .filter(|c| staff.sees(c.insurer_id))
                .ok_or_else(document_not_found)?;
            if staff.role == Role::InsurerViewer {
                return Err(forbidden(staff.role));
            }
            store::audit(
                &state.db,
                store::Access {
                    staff_id: staff.id(),
                    action,
                    subject_kind: subject.0,
                    subject_id: subject.1,
                    case_id: Some(case.id),
                    ip: client_ip(req, &state.settings.server.trusted_proxies)
                        .map(|ip| ip.to_string()),
                },
                Utc::now(),
            )
            .await?;
            Ok(case)
        }
    }
}

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
    reader: Reader,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<web::Json<DocumentList>, ApiError> {
    let found = cases::find(&state.db, *path).await?;
    let case = readable_case(
        &state,
        &req,
        &reader,
        found,
        "documents_listed",
        ("case", *path),
    )
    .await
    .map_err(|e| match e.code() {
        "not_found" => case_not_found(),
        _ => e,
    })?;
    let documents = store::live_for_case(&state.db, case.id).await?;
    let (_, service) = crate::cases::routes::plan_of(&state, &case)?;
    let missing = store::missing(&service, &case, &documents);
    Ok(web::Json(DocumentList {
        items: documents
            .iter()
            .map(|d| view(d, case.public_id, false))
            .collect(),
        limit: state.settings.uploads.max_documents_per_case,
        missing: missing.iter().map(|m| store::category_code(*m)).collect(),
        missing_labels: missing.iter().map(|m| m.label()).collect(),
    }))
}

async fn readable_document(
    state: &AppState,
    req: &HttpRequest,
    reader: &Reader,
    id: Uuid,
    action: &str,
) -> Result<(Document, Case), ApiError> {
    let doc = store::find(&state.db, id)
        .await?
        .ok_or_else(document_not_found)?;
    let case = service_case_by_id(state, doc.case_id).await?;
    let case = readable_case(state, req, reader, case, action, ("document", id)).await?;
    Ok((doc, case))
}

async fn service_case_by_id(state: &AppState, id: i64) -> Result<Option<Case>, ApiError> {
    Ok(entity::service_case::Entity::find_by_id(id)
        .one(&state.db)
        .await?)
}

/// Streams a stored object with our own headers: the sniffed type, never HTML, never cached
/// by shared caches, never sniffed by the browser.
async fn stream(
    state: &AppState,
    key: &str,
    media_type: &str,
    name: String,
) -> Result<HttpResponse, ApiError> {
    let object = match state.storage.stream(key).await {
        Ok(object) => object,
        Err(crate::storage::StorageError::NotFound) => {
            tracing::error!(key, "a document's object is missing from the store");
            return Err(document_not_found());
        }
        Err(e) => return Err(storage_down(e)),
    };
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}\""),
        ))
        .no_chunking(object.length)
        .streaming(object.chunks))
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "image/png" => "png",
        _ => "jpg",
    }
}

/// The stored image, streamed after the authorisation check. Staff reads are audited.
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document")),
    responses(
        (status = 200, description = "The image (`image/jpeg` or `image/png`)", content_type = "image/jpeg"),
        (status = 403, description = "`forbidden_role`", body = ErrorBody),
        (status = 404, description = "`not_found` (also another user's document)", body = ErrorBody),
        (status = 503, description = "`storage_unavailable`", body = ErrorBody),
    )
)]
#[get("/documents/{id}")]
pub async fn get_document(
    req: HttpRequest,
    reader: Reader,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (doc, _) = readable_document(&state, &req, &reader, *path, "document_read").await?;
    let name = format!("{}.{}", doc.public_id, extension(&doc.media_type));
    stream(&state, &doc.storage_key, &doc.media_type, name).await
}

/// The document's thumbnail (JPEG, at most 320 px), as [`get_document`].
#[utoipa::path(
    tag = "documents",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The document")),
    responses(
        (status = 200, description = "The thumbnail", content_type = "image/jpeg"),
        (status = 403, description = "`forbidden_role`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 503, description = "`storage_unavailable`", body = ErrorBody),
    )
)]
#[get("/documents/{id}/thumbnail")]
pub async fn get_thumbnail(
    req: HttpRequest,
    reader: Reader,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (doc, _) = readable_document(&state, &req, &reader, *path, "thumbnail_read").await?;
    let name = format!("{}-thumb.jpg", doc.public_id);
    stream(&state, &doc.thumbnail_key, "image/jpeg", name).await
}

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
    let case = own_case(&state, &user, case_id).await?;
    let doc = store::find(&state.db, doc_id)
        .await?
        .filter(|d| d.case_id == case.id)
        .ok_or_else(document_not_found)?;
    let reviewed = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "document_reviewed",
            "该资料已由专员审核，不能删除",
        )
    };
    if doc.review_state != PENDING {
        return Err(reviewed());
    }
    let txn = write_transaction(&state.db).await?;
    if !store::soft_delete(&txn, &doc, state.clocks.business.now()).await? {
        txn.rollback().await?;
        return Err(reviewed());
    }
    txn.commit().await?;
    // The user asked for the photo to go: the objects go with the row (the row stays, marked
    // deleted, as the record that there was one).
    discard(&state, &[&doc.storage_key, &doc.thumbnail_key]).await;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// `accept` or `reject`.
    pub decision: String,
    /// With `reject`: what the user must retake.
    pub reason: Option<Retake>,
    /// Optional words for the user (required with `other`).
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
        (status = 422, description = "`decision_invalid`, `reason_required`, `note_required`", body = ErrorBody),
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
    let body = body.into_inner();
    let reader = Reader::Staff(staff);
    let (doc, case) = readable_document(&state, &req, &reader, *path, "document_reviewed").await?;
    let Reader::Staff(staff) = reader else {
        return Err(ApiError::internal(anyhow::anyhow!("staff reader expected")));
    };
    may_change(&staff, &case, Need::Owner)?;
    let invalid = |code: &'static str, message: &'static str| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    };
    let note = body
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        return Err(invalid("note_too_long", "说明最多200字"));
    }
    let (state_code, reason) = match body.decision.as_str() {
        "accept" => (ACCEPTED, None),
        "reject" => {
            let reason = body
                .reason
                .ok_or_else(|| invalid("reason_required", "请选择需要用户重拍的原因"))?;
            if reason == Retake::Other && note.is_none() {
                return Err(invalid("note_required", "选择“其他”时请填写给用户的说明"));
            }
            (REJECTED, Some(reason))
        }
        _ => {
            return Err(invalid(
                "decision_invalid",
                "审核结果只能是 accept 或 reject",
            ));
        }
    };
    let now = state.clocks.business.now();
    let reason_code = reason.and_then(|r| {
        serde_json::to_value(r)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
    });
    let txn = state.db.begin().await?;
    let updated = document::Entity::update_many()
        .set(document::ActiveModel {
            review_state: Set(state_code.to_owned()),
            review_reason: Set(reason_code.clone()),
            review_note: Set(note),
            reviewer_id: Set(Some(staff.id())),
            reviewed_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(document::Column::Id.eq(doc.id))
        .filter(document::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Err(document_not_found());
    }
    if state_code == REJECTED {
        outbox::enqueue(
            &txn,
            case.user_id,
            Some(case.id),
            "document_rejected",
            &json!({
                "case_id": case.public_id,
                "document_id": doc.public_id,
                "category": doc.category,
                "reason": reason_code,
            }),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    let saved = store::find(&state.db, doc.public_id)
        .await?
        .ok_or_else(document_not_found)?;
    Ok(web::Json(view(&saved, case.public_id, false)))
}
