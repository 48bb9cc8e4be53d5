use chrono::{DateTime, Utc};
use entity::notification;
/// Where a message row stands (pending, then how its send ended).
pub use entity::notification::NotificationState;

/// A message row as stored.
pub type Notification = notification::Model;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use serde_json::Value;

/// Queues a message for `user_id` in the caller's transaction.
pub async fn enqueue(
    txn: &impl ConnectionTrait,
    user_id: i64,
    case_id: Option<i64>,
    kind: super::kind::NotificationKind,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        case_id: Set(case_id),
        kind: Set(kind.as_str().to_owned()),
        payload: Set(payload.to_string()),
        state: Set(NotificationState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// A page of a user's messages, newest first; how many they have and how many are unread.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page_for_user(
    db: &crate::platform::db::Db,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> Result<(Vec<notification::Model>, u64, u64), DbErr> {
    use sea_orm::{ColumnTrait, Condition, PaginatorTrait, QueryFilter, QueryOrder};
    // A reminder that was out of date when its turn came (the visit cancelled or moved) is not
    // news: it is left out. Every other row is shown, sent or not.
    use strum::VariantArray;
    let reminders = super::kind::NotificationKind::VARIANTS
        .iter()
        .filter(|k| k.is_reminder())
        .map(|k| k.as_str())
        .collect::<Vec<_>>();
    let mine = || {
        notification::Entity::find()
            .filter(notification::Column::UserId.eq(user_id))
            .filter(
                Condition::any()
                    .add(notification::Column::State.ne(NotificationState::Superseded))
                    .add(notification::Column::Kind.is_not_in(reminders.iter().copied())),
            )
    };
    let paginator = mine()
        .order_by_desc(notification::Column::CreatedAt)
        .order_by_desc(notification::Column::Id)
        .paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(u64::from(page - 1)).await?;
    let unread = mine()
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    Ok((items, total, unread))
}

/// Marks the user's message `id` (or, with `None`, all of them) read; how many rows changed.
/// Another user's message is never touched.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn mark_read(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

/// The user's message `id`, if it is theirs.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    id: i64,
) -> Result<Option<notification::Model>, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    notification::Entity::find_by_id(id)
        .filter(notification::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Claims up to `limit` due rows for `lease` (until `now + lease`): pending, due, and not held by
/// another worker whose lease is still running. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets any
/// number of workers claim at once without taking the same row; SQLite has one writer at a time.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn claim(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<notification::Model>, DbErr> {
    use sea_orm::{DbBackend, Statement};
    let backend = db.get_database_backend();
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let sql = match backend {
        DbBackend::Postgres => {
            "UPDATE notification SET lease_until = $1 WHERE id IN (\
               SELECT id FROM notification WHERE state = 'pending' AND next_attempt_at <= $2 \
               AND (lease_until IS NULL OR lease_until < $2) \
               ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *"
        }
        _ => {
            "UPDATE notification SET lease_until = ?1 WHERE id IN (\
               SELECT id FROM notification WHERE state = 'pending' AND next_attempt_at <= ?2 \
               AND (lease_until IS NULL OR lease_until < ?2) \
               ORDER BY next_attempt_at, id LIMIT ?3) RETURNING *"
        }
    };
    let mut rows = notification::Entity::find()
        .from_raw_sql(Statement::from_sql_and_values(
            backend,
            sql,
            [lease_until.into(), now.into(), limit.into()],
        ))
        .all(db)
        .await?;
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}

/// How a claimed row ends (or waits for its next attempt).
#[derive(Debug, Clone, PartialEq)]
pub enum Finish {
    Sent {
        template_id: String,
        msgid: u64,
    },
    /// Ended without a send: no grant, superseded, dead or skipped.
    Closed {
        state: NotificationState,
        template_id: Option<String>,
        error: Option<String>,
    },
    /// Try again at `at`; `attempted`: a send was made (it counts towards the limit).
    Retry {
        at: DateTime<Utc>,
        attempted: bool,
        error: String,
    },
}

impl Finish {
    /// The outcome's name in metrics and the worker's report: the state the row ends in, or
    /// `retry`.
    pub const fn label(&self) -> &'static str {
        match self {
            Self::Sent { .. } => NotificationState::Sent.as_str(),
            Self::Closed { state, .. } => state.as_str(),
            Self::Retry { .. } => "retry",
        }
    }
}

/// Records how a claimed row ended and releases its lease. Only a pending row changes: a row some
/// other worker already finished (after this one's lease lapsed) keeps its first outcome.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn finish(
    db: &impl ConnectionTrait,
    row: &notification::Model,
    finish: Finish,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let mut changes = notification::ActiveModel {
        lease_until: Set(None),
        updated_at: Set(now),
        ..Default::default()
    };
    match finish {
        Finish::Sent { template_id, msgid } => {
            changes.state = Set(NotificationState::Sent);
            changes.template_id = Set(Some(template_id));
            // WeChat's ids are 64-bit; stored in a signed column bit for bit.
            changes.msgid = Set(Some(msgid as i64));
            changes.sent_at = Set(Some(now));
            changes.attempts = Set(row.attempts + 1);
            changes.last_error = Set(None);
        }
        Finish::Closed {
            state,
            template_id,
            error,
        } => {
            changes.state = Set(state);
            changes.template_id = Set(template_id);
            changes.last_error = Set(error);
            if state == NotificationState::Dead {
                changes.attempts = Set(row.attempts + 1);
            }
        }
        Finish::Retry {
            at,
            attempted,
            error,
        } => {
            changes.next_attempt_at = Set(at);
            changes.last_error = Set(Some(error));
            if attempted {
                changes.attempts = Set(row.attempts + 1);
            }
        }
    }
    let updated = notification::Entity::update_many()
        .set(changes)
        .filter(notification::Column::Id.eq(row.id))
        .filter(notification::Column::State.eq(NotificationState::Pending))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Whether a newer message about the same case was queued after `row` (the case moved on).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn newer_for_case(
    db: &impl ConnectionTrait,
    row: &notification::Model,
    kinds: &[&str],
) -> Result<bool, DbErr> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter};
    let Some(case_id) = row.case_id else {
        return Ok(false);
    };
    Ok(notification::Entity::find()
        .filter(notification::Column::CaseId.eq(case_id))
        .filter(notification::Column::Id.gt(row.id))
        .filter(notification::Column::Kind.is_in(kinds.iter().copied()))
        .count(db)
        .await?
        > 0)
}

/// Queues a reminder once: a second call with the same key (another worker, a restart) adds
/// nothing. Whether this call added it.
#[allow(clippy::too_many_arguments)] // the row's facts, its key and when
#[tracing::instrument(level = "debug", skip_all)]
pub async fn enqueue_once(
    db: &impl ConnectionTrait,
    user_id: i64,
    case_id: i64,
    kind: super::kind::NotificationKind,
    payload: &Value,
    dedupe_key: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use sea_orm::sea_query::OnConflict;
    let inserted = notification::Entity::insert(notification::ActiveModel {
        user_id: Set(user_id),
        case_id: Set(Some(case_id)),
        kind: Set(kind.as_str().to_owned()),
        payload: Set(payload.to_string()),
        state: Set(NotificationState::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        dedupe_key: Set(Some(dedupe_key.to_owned())),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(notification::Column::DedupeKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Records WeChat's delivery result for the message `msgid`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_delivery(
    db: &impl ConnectionTrait,
    msgid: u64,
    delivery: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(notification::Entity::update_many()
        .col_expr(notification::Column::Delivery, Expr::value(delivery))
        .col_expr(notification::Column::UpdatedAt, Expr::value(now))
        .filter(notification::Column::Msgid.eq(msgid as i64))
        .exec(db)
        .await?
        .rows_affected)
}

/// Rows waiting to be sent and the age of the oldest (for the metrics).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn depth(db: &impl ConnectionTrait) -> Result<(u64, Option<DateTime<Utc>>), DbErr> {
    use sea_orm::{ColumnTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
    let pending = || {
        notification::Entity::find()
            .filter(notification::Column::State.eq(NotificationState::Pending))
    };
    let count = pending().count(db).await?;
    let oldest = pending()
        .select_only()
        .column(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::CreatedAt)
        .into_tuple::<DateTime<Utc>>()
        .one(db)
        .await?;
    Ok((count, oldest))
}

#[cfg(test)]
mod tests {
    use entity::notification::NotificationState;
    use sea_orm::{ActiveEnum, Iterable};

    #[test]
    fn states_are_stored_under_the_words_rows_already_hold() {
        let words: Vec<String> = NotificationState::iter().map(|s| s.to_value()).collect();
        assert_eq!(
            words,
            [
                "pending",
                "sent",
                "no_grant",
                "superseded",
                "dead",
                "skipped"
            ]
        );
        for state in NotificationState::iter() {
            assert_eq!(
                state.as_str(),
                state.to_value(),
                "the label is the stored word"
            );
        }
    }
}
