//! The partners' API key rows: stored as a SHA-256 with a public prefix, revocable.

use chrono::{DateTime, Utc};
use entity::partner_api_key;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    QueryFilter, QueryOrder,
};

/// A partner key as stored (its hash, never the key).
pub type PartnerKey = partner_api_key::Model;

pub async fn insert(
    db: &impl ConnectionTrait,
    insurer_id: i64,
    prefix: &str,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    partner_api_key::ActiveModel {
        insurer_id: Set(insurer_id),
        prefix: Set(prefix.to_owned()),
        key_hash: Set(key_hash.to_owned()),
        created_at: Set(now),
        revoked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Marks the key with `prefix` revoked (once); false when there is none.
pub async fn revoke(
    db: &impl ConnectionTrait,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let Some(key) = partner_api_key::Entity::find()
        .filter(partner_api_key::Column::Prefix.eq(prefix))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    if key.revoked_at.is_some() {
        return Ok(true);
    }
    let mut active: partner_api_key::ActiveModel = key.into();
    active.revoked_at = Set(Some(now));
    active.update(db).await?;
    Ok(true)
}

/// The keys of one insurer (None: every insurer), oldest first.
pub async fn list(
    db: &impl ConnectionTrait,
    insurer_id: Option<i64>,
) -> Result<Vec<PartnerKey>, DbErr> {
    let mut query = partner_api_key::Entity::find().order_by_asc(partner_api_key::Column::Id);
    if let Some(id) = insurer_id {
        query = query.filter(partner_api_key::Column::InsurerId.eq(id));
    }
    query.all(db).await
}

/// The key with this hash, revoked or not.
pub async fn by_hash(
    db: &impl ConnectionTrait,
    key_hash: &str,
) -> Result<Option<PartnerKey>, DbErr> {
    partner_api_key::Entity::find()
        .filter(partner_api_key::Column::KeyHash.eq(key_hash))
        .one(db)
        .await
}
