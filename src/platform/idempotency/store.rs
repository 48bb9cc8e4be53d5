//! The key rows: an earlier answer read back, a key claimed in the work's transaction, the
//! answer stored with it, old keys forgotten.

use chrono::{DateTime, Utc};
use entity::idempotency_key;
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::{IdempotencyError, IdempotencyKey, Outcome, StoredAnswer};

impl IdempotencyKey {
    /// The stored answer to an earlier request with this key, or `None` when there was none.
    /// The same key with another body is refused.
    pub async fn replay(
        &self,
        db: &impl ConnectionTrait,
    ) -> Result<Option<StoredAnswer>, IdempotencyError> {
        let Some(row) = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::Owner.eq(&self.owner))
            .filter(idempotency_key::Column::Key.eq(&self.key))
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        if row.request_hash != self.request_hash {
            return Err(IdempotencyError::IdempotencyKeyReused);
        }
        let (Some(status), Some(body)) = (row.response_status, row.response_body) else {
            return Ok(None);
        };
        Ok(Some(StoredAnswer {
            outcome: Outcome::from_stored(status),
            body,
        }))
    }

    /// Takes the key inside the work's transaction; false when another request holds it.
    pub async fn claim(
        &self,
        txn: &impl ConnectionTrait,
        now: DateTime<Utc>,
    ) -> Result<bool, DbErr> {
        let mut insert = Query::insert();
        insert
            .into_table(idempotency_key::Entity)
            .columns([
                idempotency_key::Column::Owner,
                idempotency_key::Column::Key,
                idempotency_key::Column::RequestHash,
                idempotency_key::Column::CreatedAt,
            ])
            .values_panic([
                self.owner.clone().into(),
                self.key.clone().into(),
                self.request_hash.clone().into(),
                now.into(),
            ])
            .on_conflict(
                OnConflict::columns([idempotency_key::Column::Owner, idempotency_key::Column::Key])
                    .do_nothing()
                    .to_owned(),
            );
        let statement = txn.get_database_backend().build(&insert);
        Ok(txn.execute_raw(statement).await?.rows_affected() == 1)
    }

    /// Stores the answer, in the same transaction as the work.
    pub async fn complete(
        &self,
        txn: &impl ConnectionTrait,
        answer: &StoredAnswer,
    ) -> Result<(), DbErr> {
        idempotency_key::Entity::update_many()
            .set(idempotency_key::ActiveModel {
                response_status: Set(Some(answer.outcome.stored())),
                response_body: Set(Some(answer.body.clone())),
                ..Default::default()
            })
            .filter(idempotency_key::Column::Owner.eq(&self.owner))
            .filter(idempotency_key::Column::Key.eq(&self.key))
            .exec(txn)
            .await?;
        Ok(())
    }
}

/// Forgets keys older than `before` (a client retries within minutes, not days).
pub async fn prune(db: &impl ConnectionTrait, before: DateTime<Utc>) -> Result<u64, DbErr> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(idempotency_key::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}
