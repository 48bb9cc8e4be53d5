//! The rows retention and account deletion change: which ended cases still hold records,
//! marking a case's files removed (their rows stay as tombstones), old weekly reports, and an
//! account emptied at its owner's request.

use chrono::{DateTime, Utc};
use entity::{
    app_user, case_courier, case_report, document, notification, policy_binding,
    relative_invitation, service_case, subscribe_grant, user_consent, weekly_report,
};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use uuid::Uuid;

use crate::cases::store::Case;

/// The consent whose withdrawal removes the records (`consents::medical_records`).
const RECORDS_PURPOSE: &str = "medical_records";

/// An ended case whose records are to be removed.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub id: i64,
    pub public_id: Uuid,
    /// Its retention period is over (else: its owner withdrew the consent or left).
    pub period_over: bool,
}

/// Ended cases (at most `limit`, oldest end first) still holding their records: ended before
/// `cutoff`, or of an owner who withdrew the medical-records consent (and has not given it
/// again) or deleted their account. Each with why.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn records_due(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Due>, DbErr> {
    // Owners with a withdrawn acceptance and none standing.
    let withdrew = Query::select()
        .column(user_consent::Column::UserId)
        .from(user_consent::Entity)
        .and_where(user_consent::Column::Purpose.eq(RECORDS_PURPOSE))
        .and_where(user_consent::Column::WithdrawnAt.is_not_null())
        .to_owned();
    let gave = Query::select()
        .column(user_consent::Column::UserId)
        .from(user_consent::Entity)
        .and_where(user_consent::Column::Purpose.eq(RECORDS_PURPOSE))
        .and_where(user_consent::Column::WithdrawnAt.is_null())
        .to_owned();
    let deleted = Query::select()
        .column(app_user::Column::Id)
        .from(app_user::Entity)
        .and_where(app_user::Column::DeletedAt.is_not_null())
        .to_owned();
    let rows: Vec<(i64, Uuid, DateTime<Utc>)> = service_case::Entity::find()
        .select_only()
        .columns([service_case::Column::Id, service_case::Column::PublicId])
        .column(service_case::Column::ClosedAt)
        .filter(service_case::Column::RecordsPurgedAt.is_null())
        .filter(service_case::Column::ClosedAt.is_not_null())
        .filter(
            Condition::any()
                .add(service_case::Column::ClosedAt.lt(cutoff))
                .add(
                    Condition::all()
                        .add(service_case::Column::UserId.in_subquery(withdrew))
                        .add(service_case::Column::UserId.not_in_subquery(gave)),
                )
                .add(service_case::Column::UserId.in_subquery(deleted)),
        )
        .order_by_asc(service_case::Column::ClosedAt)
        .order_by_asc(service_case::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, public_id, closed_at)| Due {
            id,
            public_id,
            period_over: closed_at < cutoff,
        })
        .collect())
}

/// The ended cases of `user_id` still holding their records.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn ended_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Vec<Due>, DbErr> {
    let rows: Vec<(i64, Uuid)> = service_case::Entity::find()
        .select_only()
        .columns([service_case::Column::Id, service_case::Column::PublicId])
        .filter(service_case::Column::UserId.eq(user_id))
        .filter(service_case::Column::RecordsPurgedAt.is_null())
        .filter(service_case::Column::ClosedAt.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, public_id)| Due {
            id,
            public_id,
            period_over: false,
        })
        .collect())
}

/// Marks the records of ended case `case_id` removed (once: None when another worker did, or
/// the case has not ended), in the caller's transaction: the case row (as marked) and the
/// object keys its live documents and reports name, which the caller removes.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_case(
    txn: &impl ConnectionTrait,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<(Case, Vec<String>)>, DbErr> {
    let marked = service_case::Entity::update_many()
        .col_expr(service_case::Column::RecordsPurgedAt, Expr::value(now))
        .col_expr(service_case::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            service_case::Column::Version,
            Expr::col(service_case::Column::Version).add(1),
        )
        .filter(service_case::Column::Id.eq(case_id))
        .filter(service_case::Column::RecordsPurgedAt.is_null())
        .filter(service_case::Column::ClosedAt.is_not_null())
        .exec_with_returning(txn)
        .await?;
    let Some(case) = marked.into_iter().next() else {
        return Ok(None);
    };
    let documents: Vec<(String, String)> = document::Entity::find()
        .select_only()
        .columns([document::Column::StorageKey, document::Column::ThumbnailKey])
        .filter(document::Column::CaseId.eq(case_id))
        .filter(document::Column::DeletedAt.is_null())
        .filter(document::Column::PurgedAt.is_null())
        .into_tuple()
        .all(txn)
        .await?;
    let reports: Vec<String> = case_report::Entity::find()
        .select_only()
        .column(case_report::Column::StorageKey)
        .filter(case_report::Column::CaseId.eq(case_id))
        .filter(case_report::Column::PurgedAt.is_null())
        .into_tuple()
        .all(txn)
        .await?;
    document::Entity::update_many()
        .col_expr(document::Column::PurgedAt, Expr::value(now))
        .filter(document::Column::CaseId.eq(case_id))
        .filter(document::Column::DeletedAt.is_null())
        .filter(document::Column::PurgedAt.is_null())
        .exec(txn)
        .await?;
    case_report::Entity::update_many()
        .col_expr(case_report::Column::PurgedAt, Expr::value(now))
        .filter(case_report::Column::CaseId.eq(case_id))
        .filter(case_report::Column::PurgedAt.is_null())
        .exec(txn)
        .await?;
    let keys = documents
        .into_iter()
        .flat_map(|(file, thumbnail)| [file, thumbnail])
        .chain(reports)
        .filter(|k| !k.is_empty())
        .collect();
    Ok(Some((case, keys)))
}

/// Weekly reports made before `cutoff` whose files are still kept (id, key), at most `limit`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn weekly_due(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(i64, String)>, DbErr> {
    weekly_report::Entity::find()
        .select_only()
        .columns([weekly_report::Column::Id, weekly_report::Column::StorageKey])
        .filter(weekly_report::Column::PurgedAt.is_null())
        .filter(weekly_report::Column::GeneratedAt.lt(cutoff))
        .order_by_asc(weekly_report::Column::GeneratedAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await
}

/// Marks a weekly report's file removed, in the caller's transaction; false when already done
/// or made again since (`made_before`).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_weekly(
    txn: &impl ConnectionTrait,
    id: i64,
    made_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let marked = weekly_report::Entity::update_many()
        .col_expr(weekly_report::Column::PurgedAt, Expr::value(now))
        .filter(weekly_report::Column::Id.eq(id))
        .filter(weekly_report::Column::PurgedAt.is_null())
        .filter(weekly_report::Column::GeneratedAt.lt(made_before))
        .exec(txn)
        .await?;
    Ok(marked.rows_affected == 1)
}

/// The owner's cases not yet ended (drafts included): their numbers (or none yet).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open_cases(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<Option<String>>, DbErr> {
    service_case::Entity::find()
        .select_only()
        .column(service_case::Column::CaseNumber)
        .filter(service_case::Column::UserId.eq(user_id))
        .filter(service_case::Column::ClosedAt.is_null())
        .into_tuple()
        .all(db)
        .await
}

/// Removes every binding of account `user_id`, first in its deletion's transaction: on
/// PostgreSQL this waits for an application holding one of them (`binding_held`) to commit, so
/// the open cases asked for next include its case; an application that comes after finds the
/// binding gone.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unbind_all(txn: &impl ConnectionTrait, user_id: i64) -> Result<u64, DbErr> {
    Ok(policy_binding::Entity::delete_many()
        .filter(policy_binding::Column::UserId.eq(user_id))
        .exec(txn)
        .await?
        .rows_affected)
}

/// Empties account `user_id` at its owner's request, in the caller's transaction, its bindings
/// already removed (`unbind_all`): the openid
/// becomes `deleted:<public id>` (a later login with it makes a new account), the phone and
/// unionid go, every consent withdrawn, the subscriptions, messages
/// and invitations removed; the cases keep what the insurers' reports need, the phone they
/// were served on only masked, the description and courier addresses erased. False when it
/// was deleted already.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn empty_account(
    txn: &impl ConnectionTrait,
    user_id: i64,
    public_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let emptied = app_user::Entity::update_many()
        .set(app_user::ActiveModel {
            openid: Set(format!("deleted:{public_id}")),
            unionid: Set(None),
            phone_enc: Set(None),
            phone_hash: Set(None),
            phone_country_code: Set(None),
            phone_bound_at: Set(None),
            deleted_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(app_user::Column::Id.eq(user_id))
        .filter(app_user::Column::DeletedAt.is_null())
        .exec(txn)
        .await?;
    if emptied.rows_affected != 1 {
        return Ok(false);
    }
    user_consent::Entity::update_many()
        .col_expr(user_consent::Column::WithdrawnAt, Expr::value(now))
        .filter(user_consent::Column::UserId.eq(user_id))
        .filter(user_consent::Column::WithdrawnAt.is_null())
        .exec(txn)
        .await?;
    subscribe_grant::Entity::delete_many()
        .filter(subscribe_grant::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    notification::Entity::delete_many()
        .filter(notification::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    relative_invitation::Entity::delete_many()
        .filter(relative_invitation::Column::IssuedBy.eq(user_id))
        .filter(relative_invitation::Column::RedeemedAt.is_null())
        .exec(txn)
        .await?;
    let cases = service_case::Entity::find()
        .select_only()
        .column(service_case::Column::Id)
        .filter(service_case::Column::UserId.eq(user_id));
    service_case::Entity::update_many()
        .set(service_case::ActiveModel {
            contact_phone_enc: Set(None),
            description: Set(None),
            change_request_note: Set(None),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(service_case::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    case_courier::Entity::update_many()
        .set(case_courier::ActiveModel {
            address_enc: Set(None),
            note: Set(None),
            ..Default::default()
        })
        .filter(case_courier::Column::CaseId.in_subquery(cases.into_query()))
        .exec(txn)
        .await?;
    Ok(true)
}
