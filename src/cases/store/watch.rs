//! What the background jobs and the specialists' alerts watch, as queries: appointments coming
//! up, cases waiting for materials, drafts about to expire, promises about to fall due, and
//! whether a case has moved on since a message about it was queued.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use entity::{case_event, document, service_case};

use super::Case;
use entity::service_case::CaseState;

/// How many cases one pass of a job reads at most (the next pass takes the rest).
const PASS: u64 = 500;

/// Scheduled cases whose appointment is in `(from, to]`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn scheduled_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Case>, DbErr> {
    service_case::Entity::find()
        .filter(service_case::Column::Status.eq(CaseState::Scheduled))
        .filter(service_case::Column::AppointmentAt.gt(from))
        .filter(service_case::Column::AppointmentAt.lte(to))
        .order_by_asc(service_case::Column::Id)
        .limit(PASS)
        .all(db)
        .await
}

/// Drafts that expire in `(from, to]`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn drafts_expiring_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Case>, DbErr> {
    service_case::Entity::find()
        .filter(service_case::Column::Status.eq(CaseState::Draft))
        .filter(service_case::Column::DraftExpiresAt.gt(from))
        .filter(service_case::Column::DraftExpiresAt.lte(to))
        .order_by_asc(service_case::Column::Id)
        .limit(PASS)
        .all(db)
        .await
}

/// Cases whose open offer lapses in `(from, to]`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn offers_lapsing_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Case>, DbErr> {
    service_case::Entity::find()
        .filter(service_case::Column::OfferOpenUntil.gt(from))
        .filter(service_case::Column::OfferOpenUntil.lte(to))
        .order_by_asc(service_case::Column::Id)
        .limit(PASS)
        .all(db)
        .await
}

/// A case waiting for materials: since when, by which event, and when its last upload was.
#[derive(Debug, Clone)]
pub struct Awaiting {
    pub case: Case,
    pub asked_event_id: i64,
    pub asked_at: DateTime<Utc>,
    pub last_upload_at: Option<DateTime<Utc>>,
}

/// Every case waiting for materials, with the moment it was asked and its last upload.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn awaiting_materials(db: &impl ConnectionTrait) -> Result<Vec<Awaiting>, DbErr> {
    let cases = service_case::Entity::find()
        .filter(service_case::Column::Status.eq(CaseState::NeedsMaterials))
        .order_by_asc(service_case::Column::Id)
        .limit(PASS)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let Some(asked) = case_event::Entity::find()
            .filter(case_event::Column::CaseId.eq(case.id))
            .filter(case_event::Column::ToStatus.eq(CaseState::NeedsMaterials))
            .order_by_desc(case_event::Column::Id)
            .one(db)
            .await?
        else {
            continue;
        };
        let last_upload_at = document::Entity::find()
            .select_only()
            .column(document::Column::UploadedAt)
            .filter(document::Column::CaseId.eq(case.id))
            .order_by_desc(document::Column::UploadedAt)
            .into_tuple::<DateTime<Utc>>()
            .one(db)
            .await?;
        out.push(Awaiting {
            case,
            asked_event_id: asked.id,
            asked_at: asked.at,
            last_upload_at,
        });
    }
    Ok(out)
}

/// Open cases (submitted and not closed) in the scope whose first contact (not yet made) or
/// service promise (not yet arranged) falls due before `until`, as the queue's overdue flag
/// reads them (`queue::promise_due_before`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn due_by(
    db: &impl ConnectionTrait,
    insurer_id: Option<i64>,
    until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Case>, DbErr> {
    let mut select = service_case::Entity::find()
        .filter(service_case::Column::Status.is_in(super::open_states()))
        .filter(super::queue::promise_due_before(until));
    if let Some(insurer_id) = insurer_id {
        select = select.filter(service_case::Column::InsurerId.eq(insurer_id));
    }
    select.limit(limit).all(db).await
}
