//! Whether a case's materials are complete: the plan's rule for its diagnosis state and the
//! categories a specialist asked for, against the documents the case holds.

use super::store::documents::{self as store, Document, ReviewState};
use crate::plans::{DiagnosisState, Material, MaterialRule, Service};
use crate::platform::db::{Db, DbErr};

/// Every category a document may have, in the order the mini-program lists them.
pub const CATEGORIES: [Material; 10] = [
    Material::OutpatientRecord,
    Material::DischargeSummary,
    Material::BloodTest,
    Material::Ct,
    Material::Mri,
    Material::PathologyReport,
    Material::AdmissionSlip,
    Material::SecondOpinionForms,
    Material::IdDocument,
    Material::Other,
];

/// A stored or sent category code, as a material.
pub fn parse_category(code: &str) -> Option<Material> {
    code.trim().parse().ok()
}

/// What of a case decides which materials it needs.
#[derive(Debug, Clone, Copy)]
pub struct Needs<'a> {
    pub case_id: i64,
    /// As the application says.
    pub diagnosis_state: Option<DiagnosisState>,
    /// The categories a specialist asked for (a JSON list of codes).
    pub awaited: Option<&'a str>,
}

/// What the case's diagnosis state must bring under its service.
pub fn rule<'a>(service: &'a Service, case: Needs<'_>) -> Option<&'a MaterialRule> {
    let materials = &service.materials;
    match case.diagnosis_state {
        Some(DiagnosisState::Suspected) => materials.suspected.as_ref(),
        Some(DiagnosisState::Confirmed) => materials.confirmed.as_ref(),
        None => materials
            .confirmed
            .as_ref()
            .or(materials.suspected.as_ref()),
    }
}

/// What is still missing for the materials to be complete: every category of `all_of`, one
/// of `any_of` (listed whole when none is there), and every category a specialist asked for.
/// Pending and accepted documents count; rejected ones do not.
pub fn missing(service: &Service, case: Needs<'_>, documents: &[Document]) -> Vec<Material> {
    let held: Vec<Material> = documents
        .iter()
        .filter(|d| d.deleted_at.is_none() && d.review_state != ReviewState::Rejected)
        .filter_map(|d| parse_category(&d.category))
        .collect();
    let mut missing = Vec::new();
    let mut want = |m: Material| {
        if !held.contains(&m) && !missing.contains(&m) {
            missing.push(m);
        }
    };
    if let Some(rule) = rule(service, case) {
        rule.all_of.iter().copied().for_each(&mut want);
        if !rule.any_of.is_empty() && !rule.any_of.iter().any(|m| held.contains(m)) {
            rule.any_of.iter().copied().for_each(&mut want);
        }
    }
    awaited(case).into_iter().for_each(&mut want);
    missing
}

/// The categories a specialist asked for (stored as a JSON list of codes).
pub fn awaited(case: Needs<'_>) -> Vec<Material> {
    case.awaited
        .and_then(|json| serde_json::from_str::<Vec<String>>(json).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|code| parse_category(code))
        .collect()
}

/// What `case` still lacks, read from its live documents.
pub async fn missing_for(
    db: &Db,
    service: &Service,
    case: Needs<'_>,
) -> Result<Vec<Material>, DbErr> {
    let documents = store::live_for_case(db, case.case_id).await?;
    Ok(missing(service, case, &documents))
}
