//! Separate consents (PIPL Art. 28–29): before medical records are uploaded, the user accepts a
//! versioned text for that purpose alone. Acceptance and withdrawal are recorded, never deleted.
//! The uploads area asks [`has_current`] before taking a file.

pub mod routes;

use chrono::{DateTime, Utc};
use entity::user_consent;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

/// A consent text the user may be asked to accept.
#[derive(Debug, Clone, Copy)]
pub struct ConsentText {
    pub purpose: &'static str,
    pub version: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

pub const MEDICAL_RECORDS: ConsentText = ConsentText {
    purpose: "medical_records",
    version: "2026-11",
    title: "医疗资料（敏感个人信息）单独同意书",
    text: include_str!("../../templates/consents/medical_records-2026-11.md"),
};

pub const ALL: [ConsentText; 1] = [MEDICAL_RECORDS];

pub fn by_purpose(purpose: &str) -> Option<ConsentText> {
    ALL.into_iter().find(|c| c.purpose == purpose)
}

/// The user's latest consent row for `purpose`, withdrawn or not.
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

/// Whether the user holds an unwithdrawn consent to the current version of `consent`.
pub async fn has_current(
    db: &impl ConnectionTrait,
    user_id: i64,
    consent: ConsentText,
) -> Result<bool, DbErr> {
    Ok(latest(db, user_id, consent.purpose)
        .await?
        .is_some_and(|row| row.withdrawn_at.is_none() && row.version == consent.version))
}

/// Records an acceptance of the current version (once: accepting again changes nothing).
pub async fn accept(
    db: &impl ConnectionTrait,
    user_id: i64,
    consent: ConsentText,
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
        version: Set(consent.version.to_owned()),
        accepted_at: Set(now),
        withdrawn_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await?;
    Ok((row, true))
}

/// Withdraws every standing acceptance for `purpose`; returns how many.
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
