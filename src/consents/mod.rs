//! Separate consents (PIPL Art. 28–29): before medical records are uploaded, the user accepts a
//! versioned text for that purpose alone. Acceptance and withdrawal are recorded, never deleted.
//! The uploads area asks [`has_current`] before taking a file.

pub mod routes;
pub mod service;
pub mod store;

pub use store::has_current;

use crate::platform::config::RetentionSettings;

/// A consent text as written: its version and text before this deployment's figures are put in.
#[derive(Debug, Clone, Copy)]
struct Template {
    purpose: &'static str,
    version: &'static str,
    title: &'static str,
    text: &'static str,
}

const MEDICAL_RECORDS: Template = Template {
    purpose: "medical_records",
    version: "2026-12",
    title: "医疗资料（敏感个人信息）单独同意书",
    text: include_str!("../../templates/consents/medical_records-2026-12.md"),
};

const ALL: [Template; 1] = [MEDICAL_RECORDS];

/// A consent text the user may be asked to accept, as this deployment shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentText {
    pub purpose: &'static str,
    /// The text's version and the retention period it states (`2026-12.180`): a deployment
    /// that changes the period asks everyone again.
    pub version: String,
    pub title: &'static str,
    pub text: String,
}

impl Template {
    /// The version this deployment shows: the text's and the period it states.
    fn version(self, retention: &RetentionSettings) -> String {
        format!("{}.{}", self.version, retention.records_days)
    }

    fn shown(self, retention: &RetentionSettings) -> ConsentText {
        ConsentText {
            purpose: self.purpose,
            version: self.version(retention),
            title: self.title,
            text: self
                .text
                .replace("{records_days}", &retention.records_days.to_string()),
        }
    }
}

/// The separate consent to the processing of medical records, as shown.
pub fn medical_records(retention: &RetentionSettings) -> ConsentText {
    MEDICAL_RECORDS.shown(retention)
}

/// The purpose and current version of the medical-records consent (what an upload checks,
/// without putting the text together).
pub fn medical_records_version(retention: &RetentionSettings) -> (&'static str, String) {
    (MEDICAL_RECORDS.purpose, MEDICAL_RECORDS.version(retention))
}

/// Every consent the service asks for.
pub fn all(retention: &RetentionSettings) -> Vec<ConsentText> {
    ALL.into_iter().map(|t| t.shown(retention)).collect()
}

pub fn by_purpose(purpose: &str, retention: &RetentionSettings) -> Option<ConsentText> {
    ALL.into_iter()
        .find(|t| t.purpose == purpose)
        .map(|t| t.shown(retention))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_states_the_period_and_its_version_changes_with_it() {
        let shown = medical_records(&RetentionSettings {
            records_days: 90,
            weekly_reports_days: 1095,
        });
        assert!(shown.text.contains("保存 90 天"), "{}", shown.text);
        assert!(!shown.text.contains('{'));
        assert_eq!(shown.version, "2026-12.90");
    }
}
