//! Separate consents (PIPL Art. 28–29): before medical records are uploaded, the user accepts a
//! versioned text for that purpose alone. Acceptance and withdrawal are recorded, never deleted.
//! The uploads area asks [`has_current`] before taking a file.

pub mod routes;
pub mod service;
pub mod store;

pub use store::has_current;

/// A consent text the user may be asked to accept.
#[derive(Debug, Clone, Copy)]
pub struct ConsentText {
    pub purpose: &'static str,
    pub version: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

pub const MEDICAL_RECORDS: ConsentText = ConsentText {
    purpose: "medical_records",
    version: "2026-11",
    title: "医疗资料（敏感个人信息）单独同意书",
    text: include_str!("../../templates/consents/medical_records-2026-11.md"),
};

pub const ALL: [ConsentText; 1] = [MEDICAL_RECORDS];

pub fn by_purpose(purpose: &str) -> Option<ConsentText> {
    ALL.into_iter().find(|c| c.purpose == purpose)
}
