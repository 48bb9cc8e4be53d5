//! The specialists' written reports attached to a case (`case_report`): a second opinion, the
//! service report of treatment abroad. The files are in object storage; these are their rows.

use entity::case_report;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

pub type CaseReport = case_report::Model;

/// A written report just uploaded (its object already stored).
#[derive(Debug, Clone)]
pub struct NewReport {
    pub public_id: Uuid,
    pub case_id: i64,
    pub storage_key: String,
    pub file_name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: i64,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    pub kind: crate::attachments::FileKind,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_case_report(
    txn: &impl ConnectionTrait,
    new: NewReport,
) -> Result<CaseReport, DbErr> {
    use sea_orm::ActiveValue::Set;
    let row = case_report::ActiveModel {
        public_id: Set(new.public_id),
        case_id: Set(new.case_id),
        storage_key: Set(new.storage_key),
        file_name: Set(new.file_name),
        size_bytes: Set(new.size_bytes),
        sha256: Set(new.sha256),
        uploaded_by: Set(new.uploaded_by),
        uploaded_at: Set(new.uploaded_at),
        kind: Set(new.kind.code().to_owned()),
        ..Default::default()
    };
    case_report::Entity::insert(row)
        .exec_with_returning(txn)
        .await
}

/// A case's reports, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn for_case(db: &impl ConnectionTrait, case_id: i64) -> Result<Vec<CaseReport>, DbErr> {
    case_report::Entity::find()
        .filter(case_report::Column::CaseId.eq(case_id))
        .order_by_asc(case_report::Column::Id)
        .all(db)
        .await
}

/// How many files of `kind` a case holds (completing a case whose service ends with a report,
/// or a report and the bills, needs them).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn count_for_case(
    db: &impl ConnectionTrait,
    case_id: i64,
    kind: crate::attachments::FileKind,
) -> Result<u64, DbErr> {
    case_report::Entity::find()
        .filter(case_report::Column::CaseId.eq(case_id))
        .filter(case_report::Column::Kind.eq(kind.code()))
        .count(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_case_report(
    db: &impl ConnectionTrait,
    public_id: Uuid,
) -> Result<Option<CaseReport>, DbErr> {
    case_report::Entity::find()
        .filter(case_report::Column::PublicId.eq(public_id))
        .one(db)
        .await
}
