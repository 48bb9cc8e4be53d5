//! The documents area's refusals: an upload the pipeline or the limits refuse, a read or a review
//! the principal may not make. The variant name is the code, the `#[error]` text the message.

use serde_json::{Value, json};

use crate::cases::error::CaseError;
use crate::http::multipart::PartsError;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::platform::idempotency::IdempotencyError;
use crate::staff::access::AccessError;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum DocumentError {
    /// Missing, deleted, or not the principal's to see.
    #[error("未找到该资料")]
    NotFound,
    #[error("该申请已结束，不能再上传资料")]
    CaseClosed,
    /// Its file was removed at the end of its retention period (or on the owner's request).
    #[error("该资料已按保存期限删除")]
    DocumentPurged,
    #[error("上传医疗资料前，请先阅读并同意《医疗资料（敏感个人信息）单独同意书》")]
    ConsentRequired { version: String },
    #[error("该申请的资料数量已达上限，请删除不需要的资料后再上传")]
    TooManyDocuments { limit: i32 },
    #[error("请以 multipart/form-data 上传（wx.uploadFile），文件字段名为 file")]
    MultipartRequired,
    #[error("上传没有完成，请检查网络后重试")]
    UploadIncomplete { reason: String },
    #[error("上传的表单字段过多")]
    TooManyFields,
    #[error("每次只能上传一张照片")]
    TooManyFiles,
    #[error("表单字段过长")]
    FieldTooLong,
    #[error("文件太大，请上传不超过限制大小的照片或文件")]
    FileTooLarge { max_bytes: u64 },
    #[error("没有收到照片：文件字段名应为 file")]
    FileRequired,
    #[error("请选择资料类别")]
    CategoryInvalid,
    #[error("上传的文件是空的，请重新选择照片")]
    FileEmpty,
    #[error("暂不支持 HEIC 格式的照片，请重新选择照片上传（小程序会自动转换为 JPEG）")]
    HeicNotSupported,
    #[error("只能上传 JPEG、PNG、WebP 格式的照片，或 PDF 报告、DICOM 影像文件")]
    UnsupportedFileType { detected: Option<&'static str> },
    /// A PDF or DICOM file for a category the plan takes photos only for.
    #[error("{}", if *.kind == "dicom" { "DICOM 影像文件只能作为 CT、MRI 或其他资料上传，请重新选择类别" } else { "该类别只能上传照片，请重新选择类别或拍照上传" })]
    FileKindNotAccepted {
        kind: &'static str,
        accepted: Vec<&'static str>,
    },
    /// A PDF or DICOM file its parser could not read (damaged, truncated, password-protected).
    #[error("{}", if *.kind == "dicom" { "影像文件无法读取（不是完整的 DICOM 文件），请从医院导出的原始文件重新上传" } else { "PDF 文件无法读取（已损坏、不完整或设有密码），请重新导出后上传" })]
    RecordFileDamaged { kind: &'static str, reason: String },
    /// A file wearing a PDF or DICOM header that also carries a web page or a script.
    #[error("文件含有网页或脚本内容，无法作为医疗资料上传，请上传医院出具的原始文件")]
    RecordFileUnsafe { kind: &'static str, reason: String },
    #[error("照片尺寸过大，请使用手机相机正常拍摄的照片")]
    ImageTooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    #[error("照片文件已损坏或不完整，请重新拍摄或选择后上传")]
    ImageDamaged { reason: String },
    /// The same photo, or the same key, is being stored by another request right now.
    #[error("{}", if *.same_key { "该上传正在处理中，请稍后刷新查看" } else { "同一张照片正在上传中，请稍后刷新查看" })]
    UploadInProgress { same_key: bool },
    #[error("该资料已由专员审核，不能删除")]
    DocumentReviewed,
    #[error("说明最多200字")]
    NoteTooLong,
    #[error("请选择需要用户重拍的原因")]
    ReasonRequired,
    #[error("选择“其他”时请填写给用户的说明")]
    NoteRequired,
    #[error("图片地址无效，请刷新页面后重试")]
    UrlSignatureInvalid,
    #[error("图片地址已过期，请刷新页面后重试")]
    UrlExpired,
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(DocumentError);

impl From<crate::platform::storage::StorageError> for DocumentError {
    fn from(error: crate::platform::storage::StorageError) -> Self {
        Self::Fault(error.into())
    }
}

impl AreaError for DocumentError {
    fn kind(&self) -> Kind {
        use DocumentError::*;
        match self {
            NotFound => Kind::NotFound,
            DocumentPurged => Kind::Gone,
            ConsentRequired { .. } | UrlSignatureInvalid | UrlExpired => Kind::Forbidden,
            CaseClosed | TooManyDocuments { .. } | UploadInProgress { .. } | DocumentReviewed => {
                Kind::Conflict
            }
            UploadIncomplete { .. } | TooManyFields | TooManyFiles | FieldTooLong => {
                Kind::BadRequest
            }
            FileTooLarge { .. } => Kind::PayloadTooLarge,
            MultipartRequired | HeicNotSupported | UnsupportedFileType { .. } => {
                Kind::UnsupportedMediaType
            }
            FileRequired
            | FileKindNotAccepted { .. }
            | RecordFileDamaged { .. }
            | RecordFileUnsafe { .. }
            | CategoryInvalid
            | FileEmpty
            | ImageTooLarge { .. }
            | ImageDamaged { .. }
            | NoteTooLong
            | ReasonRequired
            | NoteRequired => Kind::Unprocessable,
            Case(e) => e.kind(),
            Access(e) => e.kind(),
            Idempotency(e) => e.kind(),
            Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        use DocumentError::*;
        match self {
            ConsentRequired { version } => {
                json!({ "purpose": "medical_records", "version": version })
            }
            TooManyDocuments { limit } => json!({ "limit": limit }),
            UploadIncomplete { reason } => json!({ "error": reason }),
            FileTooLarge { max_bytes } => json!({ "max_bytes": max_bytes }),
            CategoryInvalid => json!({
                "accepted": crate::attachments::materials::CATEGORIES.iter().map(|c| c.code()).collect::<Vec<_>>(),
            }),
            HeicNotSupported => json!({
                "hint": "请在相册中重新选择照片（小程序以 wx.chooseMedia、sizeType 为 compressed 选择时，微信会自动转换为 JPEG）",
            }),
            UnsupportedFileType { detected } => json!({
                "detected": detected,
                "accepted": ["image/jpeg", "image/png", "image/webp", "application/pdf", "application/dicom"],
            }),
            FileKindNotAccepted { kind, accepted } => {
                json!({ "kind": kind, "accepted_categories": accepted })
            }
            RecordFileDamaged { kind, reason } | RecordFileUnsafe { kind, reason } => {
                json!({ "kind": kind, "reason": reason })
            }
            ImageTooLarge {
                width,
                height,
                max_pixels,
            } => json!({ "width": width, "height": height, "max_pixels": max_pixels }),
            ImageDamaged { reason } => json!({ "reason": reason }),
            _ => json!({}),
        }
    }

    crate::platform::error::area_error_glue!(Case, Access, Idempotency, Fault);
}

/// A refused multipart body, in the words of a photo upload.
impl From<PartsError> for DocumentError {
    fn from(error: PartsError) -> Self {
        match error {
            PartsError::MultipartRequired => Self::MultipartRequired,
            PartsError::UploadIncomplete { reason } => Self::UploadIncomplete { reason },
            PartsError::TooManyFields => Self::TooManyFields,
            PartsError::TooManyFiles => Self::TooManyFiles,
            PartsError::FieldTooLong => Self::FieldTooLong,
            PartsError::FileTooLarge { max_bytes } => Self::FileTooLarge { max_bytes },
            PartsError::FileRequired => Self::FileRequired,
            PartsError::SpoolFailed { reason } => Self::Fault(Fault::Unexpected(anyhow::anyhow!(
                "spooling an upload: {reason}"
            ))),
        }
    }
}
