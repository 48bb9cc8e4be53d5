//! The rows of the reports area: weekly reports (`weekly_report`) and the reads the weekly
//! report streams (cases a page at a time, their events, the insured's names). A case's own
//! reports are attachments (`crate::attachments::store::reports`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{case_event, insurer, policy, service_case, weekly_report};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

pub type WeeklyReport = weekly_report::Model;
/// An insurer as stored (code, name).
pub type Insurer = insurer::Model;

/// A weekly report just made: where it is kept and what it holds.
#[derive(Debug, Clone)]
pub struct NewWeeklyReport {
    pub insurer_id: i64,
    /// The ISO week's label (`2026-W48`).
    pub week: String,
    /// `xlsx` or `csv`.
    pub format: &'static str,
    pub storage_key: String,
    pub size_bytes: i64,
    pub case_count: i32,
    pub generated_at: chrono::DateTime<chrono::Utc>,
}

/// Records a weekly report made again for the same insurer, week and format in place of the
/// earlier one (the object key is the same, so the object was replaced too).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upsert_weekly(db: &impl ConnectionTrait, new: NewWeeklyReport) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::Set;
    let row = weekly_report::ActiveModel {
        public_id: Set(Uuid::new_v4()),
        insurer_id: Set(new.insurer_id),
        week: Set(new.week),
        format: Set(new.format.to_owned()),
        storage_key: Set(new.storage_key),
        size_bytes: Set(new.size_bytes),
        case_count: Set(new.case_count),
        generated_at: Set(new.generated_at),
        purged_at: Set(None),
        ..Default::default()
    };
    weekly_report::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                weekly_report::Column::InsurerId,
                weekly_report::Column::Week,
                weekly_report::Column::Format,
            ])
            .update_columns([
                weekly_report::Column::StorageKey,
                weekly_report::Column::SizeBytes,
                weekly_report::Column::CaseCount,
                weekly_report::Column::GeneratedAt,
                weekly_report::Column::PurgedAt,
            ])
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Weekly reports, newest week first, within `insurer_id` (None: every insurer) and `week`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn weekly_list(
    db: &impl ConnectionTrait,
    insurer_id: Option<i64>,
    week: Option<&str>,
    limit: u64,
) -> Result<Vec<WeeklyReport>, DbErr> {
    // A report past its retention is gone from the list (its row stays as the tombstone).
    let mut select =
        weekly_report::Entity::find().filter(weekly_report::Column::PurgedAt.is_null());
    if let Some(insurer_id) = insurer_id {
        select = select.filter(weekly_report::Column::InsurerId.eq(insurer_id));
    }
    if let Some(week) = week {
        select = select.filter(weekly_report::Column::Week.eq(week));
    }
    select
        .order_by_desc(weekly_report::Column::Week)
        .order_by_asc(weekly_report::Column::InsurerId)
        .order_by_asc(weekly_report::Column::Format)
        .limit(limit)
        .all(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_weekly(
    db: &impl ConnectionTrait,
    public_id: Uuid,
) -> Result<Option<WeeklyReport>, DbErr> {
    weekly_report::Entity::find()
        .filter(weekly_report::Column::PublicId.eq(public_id))
        .one(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<insurer::Model>, DbErr> {
    insurer::Entity::find()
        .filter(insurer::Column::Code.eq(code))
        .one(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurers(db: &impl ConnectionTrait) -> Result<Vec<insurer::Model>, DbErr> {
    insurer::Entity::find()
        .order_by_asc(insurer::Column::Id)
        .all(db)
        .await
}

/// The next page of the cases a week's report covers: the insurer's cases applied for before
/// the week's end and not closed before its start (or objected to since), by id after `after`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn week_cases(
    db: &impl ConnectionTrait,
    insurer_id: i64,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    after: i64,
    page: u64,
) -> Result<Vec<service_case::Model>, DbErr> {
    service_case::Entity::find()
        .filter(service_case::Column::InsurerId.eq(insurer_id))
        .filter(service_case::Column::Id.gt(after))
        .filter(service_case::Column::AppliedAt.lt(end))
        .filter(
            Condition::any()
                .add(service_case::Column::ClosedAt.is_null())
                .add(service_case::Column::ClosedAt.gte(start))
                // An objection to a case that ended earlier is counted in its week.
                .add(service_case::Column::LastObjectionAt.gte(start)),
        )
        .order_by_asc(service_case::Column::Id)
        .limit(page)
        .all(db)
        .await
}

/// The events of `cases` before `end`, by case and then in order.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn events_before(
    db: &impl ConnectionTrait,
    cases: &[i64],
    end: DateTime<Utc>,
) -> Result<Vec<case_event::Model>, DbErr> {
    case_event::Entity::find()
        .filter(case_event::Column::CaseId.is_in(cases.iter().copied()))
        .filter(case_event::Column::At.lt(end))
        .order_by_asc(case_event::Column::CaseId)
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await
}

/// The insured's names of `policies` (to be masked: the insurer reads progress, not people).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insured_names(
    db: &impl ConnectionTrait,
    policies: &[i64],
) -> Result<HashMap<i64, String>, DbErr> {
    let rows: Vec<(i64, String)> = policy::Entity::find()
        .select_only()
        .column(policy::Column::Id)
        .column(policy::Column::InsuredName)
        .filter(policy::Column::Id.is_in(policies.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
