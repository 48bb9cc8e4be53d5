//! Consent rows: accepted and withdrawn, never deleted.

use chrono::{DateTime, Utc};
use entity::user_consent;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use super::ConsentText;

/// The user's latest consent row for `purpose`, withdrawn or not.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn latest(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: &str,
) -> Result<Option<user_consent::Model>, DbErr> {
    user_consent::Entity::find()
        .filter(user_consent::Column::UserId.eq(user_id))
        .filter(user_consent::Column::Purpose.eq(purpose))
        .order_by_desc(user_consent::Column::Id)
        .one(db)
        .await
}

/// Whether the user holds an unwithdrawn consent to `version` of the text for `purpose`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn has_current(
    db: &impl ConnectionTrait,
    user_id: i64,
    (purpose, version): (&str, &str),
) -> Result<bool, DbErr> {
    Ok(latest(db, user_id, purpose)
        .await?
        .is_some_and(|row| row.withdrawn_at.is_none() && row.version == version))
}

/// Records an acceptance of the current version (once: accepting again changes nothing).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn accept(
    db: &impl ConnectionTrait,
    user_id: i64,
    consent: &ConsentText,
    now: DateTime<Utc>,
) -> Result<(user_consent::Model, bool), DbErr> {
    if let Some(row) = latest(db, user_id, consent.purpose).await?
        && row.withdrawn_at.is_none()
        && row.version == consent.version
    {
        return Ok((row, false));
    }
    let row = user_consent::Entity::insert(user_consent::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(consent.purpose.to_owned()),
        version: Set(consent.version.clone()),
        accepted_at: Set(now),
        withdrawn_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    Ok((row, true))
}

/// Withdraws every standing acceptance for `purpose`; returns how many.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn withdraw(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(user_consent::Entity::update_many()
        .col_expr(user_consent::Column::WithdrawnAt, Expr::value(now))
        .filter(user_consent::Column::UserId.eq(user_id))
        .filter(user_consent::Column::Purpose.eq(purpose))
        .filter(user_consent::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}
