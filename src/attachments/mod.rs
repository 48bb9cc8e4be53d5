//! What is attached to a case, as rows: the insured's medical-record documents and the
//! specialists' written reports, and whether a case's materials are complete under its plan.
//! The cases read it (submission needs complete materials, completion a report where the
//! service ends with one); `crate::documents` and `crate::reports`, above the cases, upload,
//! check, read and review the files.

pub mod materials;
pub mod store;

/// What a written file of a case is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// The written report (a second opinion, the service report of treatment abroad).
    Report,
    /// The medical bills delivered to the insurer with the report (treatment abroad).
    Bill,
}

impl FileKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Report => "report",
            Self::Bill => "bill",
        }
    }

    /// The kind a stored or sent code names; None for anything else.
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "report" => Some(Self::Report),
            "bill" => Some(Self::Bill),
            _ => None,
        }
    }

    /// `书面报告`, `医疗账单`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Report => "书面报告",
            Self::Bill => "医疗账单",
        }
    }
}
