//! Whether a case's materials are complete: the plan's rule for its diagnosis state and the
//! categories a specialist asked for, against the documents the case holds.

use sea_orm::{ConnectionTrait, DbErr};

use super::store::{self, Document, REJECTED, parse_category};
use crate::cases::store::Case;
use crate::plans::{Material, MaterialRule, Service};

/// What the case's diagnosis state must bring under its service.
pub fn rule<'a>(service: &'a Service, case: &Case) -> Option<&'a MaterialRule> {
    let materials = &service.materials;
    match case.diagnosis_state.as_deref() {
        Some("suspected") => materials.suspected.as_ref(),
        Some("confirmed") => materials.confirmed.as_ref(),
        _ => materials
            .confirmed
            .as_ref()
            .or(materials.suspected.as_ref()),
    }
}

/// What is still missing for the materials to be complete: every category of `all_of`, one
/// of `any_of` (listed whole when none is there), and every category a specialist asked for.
/// Pending and accepted documents count; rejected ones do not.
pub fn missing(service: &Service, case: &Case, documents: &[Document]) -> Vec<Material> {
    let held: Vec<Material> = documents
        .iter()
        .filter(|d| d.deleted_at.is_none() && d.review_state != REJECTED)
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
pub fn awaited(case: &Case) -> Vec<Material> {
    case.awaited_materials
        .as_deref()
        .and_then(|json| serde_json::from_str::<Vec<String>>(json).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|code| parse_category(code))
        .collect()
}

/// What `case` still lacks, read from its live documents.
pub async fn missing_for(
    db: &impl ConnectionTrait,
    service: &Service,
    case: &Case,
) -> Result<Vec<Material>, DbErr> {
    let documents = store::live_for_case(db, case.id).await?;
    Ok(missing(service, case, &documents))
}
