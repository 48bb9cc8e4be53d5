//! Document rows: the per-case limit and the same-bytes check held by the database, the
//! materials a case still lacks, and the staff read audit.

use chrono::{DateTime, Utc};
use entity::{audit_log, document, service_case};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use uuid::Uuid;

use crate::cases::store::Case;
use crate::plans::{Material, MaterialRule, Service};

pub const PENDING: &str = "pending";
pub const ACCEPTED: &str = "accepted";
pub const REJECTED: &str = "rejected";

pub type Document = document::Model;

/// Every category a document may have, in the order the mini-program lists them.
pub const CATEGORIES: [Material; 9] = [
    Material::OutpatientRecord,
    Material::DischargeSummary,
    Material::BloodTest,
    Material::Ct,
    Material::Mri,
    Material::PathologyReport,
    Material::AdmissionSlip,
    Material::IdDocument,
    Material::Other,
];

pub fn category_code(material: Material) -> String {
    serde_json::to_value(material)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub fn parse_category(code: &str) -> Option<Material> {
    serde_json::from_value(serde_json::Value::String(code.trim().to_owned())).ok()
}

/// The object keys of a document and its thumbnail: generated, never from a file name.
pub fn keys(case_public_id: Uuid, document_public_id: Uuid) -> (String, String) {
    let key = format!("cases/{case_public_id}/{document_public_id}");
    let thumbnail = format!("{key}.thumb");
    (key, thumbnail)
}

/// A case's live documents, oldest first.
pub async fn live_for_case(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<Document>, DbErr> {
    document::Entity::find()
        .filter(document::Column::CaseId.eq(case_id))
        .filter(document::Column::DeletedAt.is_null())
        .order_by_asc(document::Column::Id)
        .all(db)
        .await
}

/// A live document by its public id.
pub async fn find(db: &impl ConnectionTrait, public_id: Uuid) -> Result<Option<Document>, DbErr> {
    document::Entity::find()
        .filter(document::Column::PublicId.eq(public_id))
        .filter(document::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// The live document of a case with these bytes.
pub async fn same_bytes(
    db: &impl ConnectionTrait,
    case_id: i64,
    sha256: &str,
) -> Result<Option<Document>, DbErr> {
    document::Entity::find()
        .filter(document::Column::CaseId.eq(case_id))
        .filter(document::Column::Sha256.eq(sha256))
        .filter(document::Column::DeletedAt.is_null())
        .one(db)
        .await
}

#[derive(Debug)]
pub enum Inserted {
    Stored(Box<Document>),
    /// The case already holds these bytes (a concurrent upload of the same photo).
    Duplicate,
    /// The case holds its limit of documents.
    Full,
}

/// Takes one of the case's document places and inserts the row, in the caller's transaction.
pub async fn insert(
    txn: &impl ConnectionTrait,
    row: document::ActiveModel,
    case_id: i64,
    max_documents: i32,
) -> Result<Inserted, DbErr> {
    let taken = service_case::Entity::update_many()
        .col_expr(
            service_case::Column::DocumentCount,
            Expr::col(service_case::Column::DocumentCount).add(1),
        )
        .filter(service_case::Column::Id.eq(case_id))
        .filter(service_case::Column::DocumentCount.lt(max_documents))
        .exec(txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(Inserted::Full);
    }
    match document::Entity::insert(row).exec_with_returning(txn).await {
        Ok(saved) => Ok(Inserted::Stored(Box::new(saved))),
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            Ok(Inserted::Duplicate)
        }
        Err(e) => Err(e),
    }
}

/// Marks a document deleted and gives its place back, in the caller's transaction. False when
/// it was no longer pending (reviewed meanwhile) or already deleted.
pub async fn soft_delete(
    txn: &impl ConnectionTrait,
    doc: &Document,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let deleted = document::Entity::update_many()
        .set(document::ActiveModel {
            deleted_at: Set(Some(now)),
            ..Default::default()
        })
        .filter(document::Column::Id.eq(doc.id))
        .filter(document::Column::DeletedAt.is_null())
        .filter(document::Column::ReviewState.eq(PENDING))
        .exec(txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Ok(false);
    }
    service_case::Entity::update_many()
        .col_expr(
            service_case::Column::DocumentCount,
            Expr::col(service_case::Column::DocumentCount).sub(1),
        )
        .filter(service_case::Column::Id.eq(doc.case_id))
        .filter(service_case::Column::DocumentCount.gt(0))
        .exec(txn)
        .await?;
    Ok(true)
}

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
    let awaited: Vec<Material> = case
        .awaited_materials
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    awaited.into_iter().for_each(&mut want);
    missing
}

/// One staff read of a sensitive record.
#[derive(Debug, Clone)]
pub struct Access<'a> {
    pub staff_id: i64,
    /// `document_read`, `thumbnail_read`, `documents_listed`, `document_reviewed`.
    pub action: &'a str,
    /// `document` or `case`.
    pub subject_kind: &'a str,
    pub subject_id: Uuid,
    pub case_id: Option<i64>,
    pub ip: Option<String>,
}

/// Writes `access` to the audit log.
pub async fn audit(
    db: &impl ConnectionTrait,
    access: Access<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    audit_log::Entity::insert(audit_log::ActiveModel {
        staff_id: Set(access.staff_id),
        action: Set(access.action.to_owned()),
        subject_kind: Set(access.subject_kind.to_owned()),
        subject_id: Set(access.subject_id.to_string()),
        case_id: Set(access.case_id),
        ip: Set(access.ip),
        at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}
