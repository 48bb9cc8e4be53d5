//! Document rows: the per-case limit and the same-bytes check held by the database, and the
//! staff read audit.

use chrono::{DateTime, Utc};
use entity::{audit_log, document, service_case};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
    QueryOrder, SqlErr,
};
use uuid::Uuid;

use crate::plans::Material;

pub use entity::document::ReviewState;

/// A document as an upload makes it: pending review.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub public_id: Uuid,
    pub case_id: i64,
    pub user_id: i64,
    pub category: Material,
    pub storage_key: String,
    pub thumbnail_key: String,
    /// What is stored, decided by content.
    pub media_type: &'static str,
    /// What was received, decided by content.
    pub source_type: &'static str,
    pub bytes: u64,
    pub original_bytes: u64,
    pub sha256: String,
    pub width: u32,
    pub height: u32,
    pub at: DateTime<Utc>,
    /// `photo`, `pdf` or `dicom`.
    pub file_kind: &'static str,
    /// What a record file's parser read (JSON), for a PDF or DICOM file.
    pub facts: Option<String>,
}

/// Photos and record files (PDF, DICOM) are counted apart on the case.
fn count_column(file_kind: &str) -> service_case::Column {
    if file_kind == PHOTO {
        service_case::Column::DocumentCount
    } else {
        service_case::Column::RecordFileCount
    }
}

/// The file kind of a photo.
pub const PHOTO: &str = "photo";

pub type Document = document::Model;

/// The object keys of a document and its thumbnail: generated, never from a file name.
pub fn keys(case_public_id: Uuid, document_public_id: Uuid) -> (String, String) {
    let key = format!("cases/{case_public_id}/{document_public_id}");
    let thumbnail = format!("{key}.thumb");
    (key, thumbnail)
}

/// A case's live documents (neither deleted nor removed at the end of their retention),
/// oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn live_for_case(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<Document>, DbErr> {
    document::Entity::find()
        .filter(document::Column::CaseId.eq(case_id))
        .filter(document::Column::DeletedAt.is_null())
        .filter(document::Column::PurgedAt.is_null())
        .order_by_asc(document::Column::Id)
        .all(db)
        .await
}

/// A live document by its public id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(db: &impl ConnectionTrait, public_id: Uuid) -> Result<Option<Document>, DbErr> {
    document::Entity::find()
        .filter(document::Column::PublicId.eq(public_id))
        .filter(document::Column::DeletedAt.is_null())
        .one(db)
        .await
}

/// The live document of a case with these bytes.
#[tracing::instrument(level = "debug", skip_all)]
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

/// Takes one of the case's places for a file of its kind (photos and record files are counted
/// apart) and inserts the row, in the caller's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert(
    txn: &impl ConnectionTrait,
    new: NewDocument,
    case_id: i64,
    max_of_kind: i32,
) -> Result<Inserted, DbErr> {
    let counted = count_column(new.file_kind);
    let taken = service_case::Entity::update_many()
        .col_expr(counted, Expr::col(counted).add(1))
        .filter(service_case::Column::Id.eq(case_id))
        .filter(counted.lt(max_of_kind))
        .exec(txn)
        .await?;
    if taken.rows_affected != 1 {
        return Ok(Inserted::Full);
    }
    let row = document::ActiveModel {
        public_id: Set(new.public_id),
        case_id: Set(new.case_id),
        user_id: Set(new.user_id),
        category: Set(new.category.code().to_owned()),
        storage_key: Set(new.storage_key),
        thumbnail_key: Set(new.thumbnail_key),
        media_type: Set(new.media_type.to_owned()),
        source_type: Set(new.source_type.to_owned()),
        bytes: Set(i64::try_from(new.bytes).unwrap_or(i64::MAX)),
        original_bytes: Set(i64::try_from(new.original_bytes).unwrap_or(i64::MAX)),
        sha256: Set(new.sha256),
        width: Set(i32::try_from(new.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(new.height).unwrap_or(i32::MAX)),
        review_state: Set(ReviewState::Pending),
        uploaded_at: Set(new.at),
        file_kind: Set(new.file_kind.to_owned()),
        facts: Set(new.facts),
        ..Default::default()
    };
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
#[tracing::instrument(level = "debug", skip_all)]
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
        .filter(document::Column::ReviewState.eq(ReviewState::Pending))
        .exec(txn)
        .await?;
    if deleted.rows_affected != 1 {
        return Ok(false);
    }
    let counted = count_column(&doc.file_kind);
    service_case::Entity::update_many()
        .col_expr(counted, Expr::col(counted).sub(1))
        .filter(service_case::Column::Id.eq(doc.case_id))
        .filter(counted.gt(0))
        .exec(txn)
        .await?;
    Ok(true)
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

/// Writes a staff member's read of `subject` (kind, public id) to the audit log, now.
pub async fn audit_read(
    db: &impl ConnectionTrait,
    staff: &crate::staff::access::CurrentStaff,
    ip: Option<std::net::IpAddr>,
    action: &str,
    subject: (&str, Uuid),
    case_id: Option<i64>,
) -> Result<(), DbErr> {
    audit(
        db,
        Access {
            staff_id: staff.id(),
            action,
            subject_kind: subject.0,
            subject_id: subject.1,
            case_id,
            ip: ip.map(|ip| ip.to_string()),
        },
        chrono::Utc::now(),
    )
    .await
}

/// Writes `access` to the audit log.
#[tracing::instrument(level = "debug", skip_all)]
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

/// A specialist's decision on a document, as stored.
#[derive(Debug, Clone)]
pub struct Review {
    pub state: ReviewState,
    pub reason: Option<&'static str>,
    pub note: Option<String>,
    pub reviewer_id: i64,
    pub at: DateTime<Utc>,
}

/// Writes `review` of a live document and, when the user must retake it, the outbox row that
/// tells them, in one transaction. False when the document is gone (deleted meanwhile).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_review(
    db: &crate::platform::db::Db,
    doc: &Document,
    review: Review,
    notify: Option<(i64, serde_json::Value)>,
) -> Result<bool, DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    let updated = document::Entity::update_many()
        .set(document::ActiveModel {
            review_state: Set(review.state),
            review_reason: Set(review.reason.map(str::to_owned)),
            review_note: Set(review.note),
            reviewer_id: Set(Some(review.reviewer_id)),
            reviewed_at: Set(Some(review.at)),
            ..Default::default()
        })
        .filter(document::Column::Id.eq(doc.id))
        .filter(document::Column::DeletedAt.is_null())
        .exec(&txn)
        .await?;
    if updated.rows_affected != 1 {
        txn.rollback().await?;
        return Ok(false);
    }
    if let Some((user_id, payload)) = notify {
        crate::outbox::store::enqueue(
            &txn,
            user_id,
            Some(doc.case_id),
            crate::outbox::kind::NotificationKind::DocumentRejected,
            &payload,
            review.at,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(true)
}

/// Which staff reads of medical records to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditFilter {
    pub staff_id: Option<i64>,
    pub case_id: Option<i64>,
    /// One kind of read (`document_read`, …).
    pub action: Option<&'static str>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

/// A page of the audit log, newest first, and how many entries match.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn audit_page(
    db: &crate::platform::db::Db,
    filter: AuditFilter,
    page: u32,
    per_page: u32,
) -> Result<(Vec<audit_log::Model>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let mut select = audit_log::Entity::find();
    if let Some(staff_id) = filter.staff_id {
        select = select.filter(audit_log::Column::StaffId.eq(staff_id));
    }
    if let Some(case_id) = filter.case_id {
        select = select.filter(audit_log::Column::CaseId.eq(case_id));
    }
    if let Some(action) = filter.action {
        select = select.filter(audit_log::Column::Action.eq(action));
    }
    if let Some(from) = filter.from {
        select = select.filter(audit_log::Column::At.gte(from));
    }
    if let Some(until) = filter.until {
        select = select.filter(audit_log::Column::At.lt(until));
    }
    let paginator = select
        .order_by_desc(audit_log::Column::At)
        .order_by_desc(audit_log::Column::Id)
        .paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    Ok((paginator.fetch_page(u64::from(page - 1)).await?, total))
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::ReviewState;

    #[test]
    fn review_states_are_stored_under_the_words_rows_already_hold() {
        assert_eq!(ReviewState::Pending.to_value(), "pending");
        assert_eq!(ReviewState::Accepted.to_value(), "accepted");
        assert_eq!(ReviewState::Rejected.to_value(), "rejected");
    }
}
