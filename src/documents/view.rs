//! What the insured and the specialists see of a document.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;
use uuid::Uuid;

use super::records::{Facts, RecordKind};
use crate::attachments::store::documents::{self as store, Document, ReviewState};
use crate::plans::Material;

/// Which of a document's objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendition {
    Image,
    Thumbnail,
}

/// A document as its owner and the specialists see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub id: Uuid,
    pub case_id: Uuid,
    /// `outpatient_record`, `discharge_summary`, `blood_test`, `ct`, `mri`, `pathology_report`,
    /// `admission_slip`, `second_opinion_forms`, `id_document`, `other`.
    pub category: String,
    pub category_label: &'static str,
    /// `photo`, `pdf` or `dicom`, decided by content.
    pub file_kind: &'static str,
    /// 照片, PDF 文件, DICOM 影像文件.
    pub file_kind_label: &'static str,
    /// What is stored, decided by content: `image/jpeg` or `image/png` for a photo,
    /// `application/pdf` or `application/dicom` for a file stored as it came.
    pub media_type: String,
    pub bytes: i64,
    /// A photo's pixels (none for a PDF or DICOM file).
    pub width: Option<i32>,
    pub height: Option<i32>,
    /// A PDF's pages and first page size, a DICOM file's modality, body part, study date and
    /// series (never a personal tag); none for a photo.
    pub facts: Option<Facts>,
    /// The facts as a person reads them (Chinese, one line each).
    pub facts_lines: Vec<String>,
    /// `pending`, `accepted` or `rejected`.
    #[schema(value_type = String, example = "pending")]
    pub review_state: ReviewState,
    /// Why it was rejected (a code), and what to do about it.
    pub review_reason: Option<String>,
    pub review_message: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub uploaded_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The owner may delete it while it is pending.
    pub deletable: bool,
    /// The image's (or the file's) address, signed for the caller: loadable without an
    /// `Authorization` header (an `<image src>`, `wx.downloadFile`) until `urls_expire_at`;
    /// with the header, the plain path works too. A PDF or DICOM file is its bytes as they came.
    pub url: String,
    /// A photo's thumbnail (none for a PDF or DICOM file).
    pub thumbnail_url: Option<String>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub urls_expire_at: DateTime<Utc>,
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
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
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

    pub fn code(self) -> &'static str {
        self.into()
    }

    fn parse(code: &str) -> Option<Self> {
        code.parse().ok()
    }
}

/// A document's signed addresses (see `documents::signed`).
#[derive(Debug, Clone)]
pub struct Addresses {
    pub url: String,
    pub thumbnail_url: Option<String>,
    pub expires_at: DateTime<Utc>,
}

pub fn view(
    doc: &Document,
    case_public_id: Uuid,
    duplicate: bool,
    addresses: Addresses,
) -> DocumentView {
    let category = crate::attachments::materials::parse_category(&doc.category);
    let review_message = match (doc.review_state, doc.review_reason.as_deref()) {
        (ReviewState::Rejected, reason) => {
            let retake = reason.and_then(Retake::parse).unwrap_or(Retake::Other);
            Some(match doc.review_note.as_deref() {
                Some(note) if !note.is_empty() => format!("{}（{note}）", retake.message()),
                _ => retake.message().to_owned(),
            })
        }
        _ => None,
    };
    let record = RecordKind::parse(&doc.file_kind);
    let facts = record.and_then(|_| facts_of(doc));
    DocumentView {
        id: doc.public_id,
        case_id: case_public_id,
        category: doc.category.clone(),
        category_label: category.map_or("其他资料", Material::label),
        file_kind: record.map_or(store::PHOTO, RecordKind::code),
        file_kind_label: record.map_or("照片", RecordKind::label),
        media_type: doc.media_type.clone(),
        bytes: doc.bytes,
        width: record.is_none().then_some(doc.width),
        height: record.is_none().then_some(doc.height),
        facts_lines: match (record, &facts) {
            (Some(kind), Some(facts)) => facts.lines(kind),
            _ => Vec::new(),
        },
        facts,
        review_state: doc.review_state,
        review_reason: doc.review_reason.clone(),
        review_message,
        uploaded_at: doc.uploaded_at,
        reviewed_at: doc.reviewed_at,
        deletable: doc.review_state == ReviewState::Pending,
        url: addresses.url,
        thumbnail_url: addresses.thumbnail_url,
        urls_expire_at: addresses.expires_at,
        duplicate,
    }
}

/// A record file's facts as stored (JSON).
pub fn facts_of(doc: &Document) -> Option<Facts> {
    doc.facts
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
}
