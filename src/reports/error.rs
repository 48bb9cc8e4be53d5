//! The reports area's refusals: a report file that is not a PDF or too large, a report where the
//! service gives none, a week that does not parse. The variant name is the code, the `#[error]`
//! text the message.

use serde_json::{Value, json};

use crate::cases::error::CaseError;
use crate::documents::error::DocumentError;
use crate::http::multipart::PartsError;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::staff::access::AccessError;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum ReportError {
    /// Missing, or not the caller's to see.
    #[error("未找到该报告")]
    NotFound,
    /// Its file was removed at the end of its retention period.
    #[error("该报告已按保存期限删除")]
    ReportPurged,
    #[error("该服务不出具书面报告")]
    ReportNotExpected,
    #[error("文件类别应为书面报告或医疗账单")]
    FileKindInvalid,
    #[error("该服务不需要上传医疗账单")]
    BillNotExpected,
    #[error("该申请已结束，不能再上传报告")]
    CaseClosed,
    #[error("报告须为 PDF 文件")]
    ReportNotPdf,
    #[error("报告文件过大，请压缩后再上传")]
    ReportTooLarge { max_bytes: u64 },
    #[error("周次格式应如 2026-W48")]
    WeekInvalid,
    #[error("没有这家保险公司")]
    UnknownInsurer,
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Case(#[from] CaseError),
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(ReportError);

impl From<crate::platform::storage::StorageError> for ReportError {
    fn from(error: crate::platform::storage::StorageError) -> Self {
        Self::Fault(error.into())
    }
}

impl AreaError for ReportError {
    fn kind(&self) -> Kind {
        use ReportError::*;
        match self {
            NotFound => Kind::NotFound,
            ReportPurged => Kind::Gone,
            CaseClosed => Kind::Conflict,
            ReportNotPdf => Kind::UnsupportedMediaType,
            ReportTooLarge { .. } => Kind::PayloadTooLarge,
            WeekInvalid | UnknownInsurer => Kind::BadRequest,
            ReportNotExpected | FileKindInvalid | BillNotExpected => Kind::Unprocessable,
            Document(e) => e.kind(),
            Case(e) => e.kind(),
            Access(e) => e.kind(),
            Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::ReportTooLarge { max_bytes } => json!({ "max_bytes": max_bytes }),
            _ => json!({}),
        }
    }

    crate::platform::error::area_error_glue!(Document, Case, Access, Fault);
}

/// A refused multipart body: a report too large in the reports' words, the rest as a photo
/// upload's (the same codes on both upload endpoints).
impl From<PartsError> for ReportError {
    fn from(error: PartsError) -> Self {
        match error {
            PartsError::FileTooLarge { max_bytes } => Self::ReportTooLarge { max_bytes },
            other => Self::Document(other.into()),
        }
    }
}
