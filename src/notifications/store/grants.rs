//! The subscribe-grant ledger: a row per one-shot grant, used by one send, voided when WeChat says
//! none is left (43101) or the user turns the template off.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use entity::subscribe_grant;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub const CLIENT: &str = "client";
pub const PUSH: &str = "push";

fn open(user_id: i64, template_id: &str) -> sea_orm::Select<subscribe_grant::Entity> {
    subscribe_grant::Entity::find()
        .filter(subscribe_grant::Column::UserId.eq(user_id))
        .filter(subscribe_grant::Column::TemplateId.eq(template_id))
        .filter(subscribe_grant::Column::UsedAt.is_null())
        .filter(subscribe_grant::Column::VoidAt.is_null())
}

/// Adds `count` grants of `template_id` for the user.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
    source: &str,
    count: usize,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if count == 0 {
        return Ok(());
    }
    let rows = (0..count).map(|_| subscribe_grant::ActiveModel {
        user_id: Set(user_id),
        template_id: Set(template_id.to_owned()),
        source: Set(source.to_owned()),
        granted_at: Set(now),
        ..Default::default()
    });
    subscribe_grant::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// WeChat's popup event for an accept at `at`: confirms a grant the mini-program reported around
/// then (within `window`), or adds one when the report never came (the event is authoritative).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn confirm_or_add(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
    at: DateTime<Utc>,
    window: TimeDelta,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let reported = subscribe_grant::Entity::find()
        .filter(subscribe_grant::Column::UserId.eq(user_id))
        .filter(subscribe_grant::Column::TemplateId.eq(template_id))
        .filter(subscribe_grant::Column::Source.eq(CLIENT))
        .filter(subscribe_grant::Column::ConfirmedAt.is_null())
        .filter(subscribe_grant::Column::GrantedAt.between(at - window, at + window))
        .order_by_asc(subscribe_grant::Column::Id)
        .one(db)
        .await?;
    if let Some(grant) = reported {
        let confirmed = subscribe_grant::Entity::update_many()
            .col_expr(subscribe_grant::Column::ConfirmedAt, Expr::value(now))
            .filter(subscribe_grant::Column::Id.eq(grant.id))
            .filter(subscribe_grant::Column::ConfirmedAt.is_null())
            .exec(db)
            .await?;
        if confirmed.rows_affected == 1 {
            return Ok(());
        }
    }
    subscribe_grant::Entity::insert(subscribe_grant::ActiveModel {
        user_id: Set(user_id),
        template_id: Set(template_id.to_owned()),
        source: Set(PUSH.to_owned()),
        granted_at: Set(at),
        confirmed_at: Set(Some(now)),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the user's oldest open grant of `template_id` for `notification_id`; its id, or none
/// when there is no grant left. Two callers never take the same grant.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn reserve(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
    notification_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    for _ in 0..3 {
        let Some(grant) = open(user_id, template_id)
            .order_by_asc(subscribe_grant::Column::Id)
            .one(db)
            .await?
        else {
            return Ok(None);
        };
        let taken = subscribe_grant::Entity::update_many()
            .col_expr(subscribe_grant::Column::UsedAt, Expr::value(now))
            .col_expr(
                subscribe_grant::Column::NotificationId,
                Expr::value(notification_id),
            )
            .filter(subscribe_grant::Column::Id.eq(grant.id))
            .filter(subscribe_grant::Column::UsedAt.is_null())
            .filter(subscribe_grant::Column::VoidAt.is_null())
            .exec(db)
            .await?;
        if taken.rows_affected == 1 {
            return Ok(Some(grant.id));
        }
    }
    Ok(None)
}

/// Gives a reserved grant back (the send did not reach the user and did not use it).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn give_back(db: &impl ConnectionTrait, grant_id: i64) -> Result<(), DbErr> {
    subscribe_grant::Entity::update_many()
        .col_expr(
            subscribe_grant::Column::UsedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            subscribe_grant::Column::NotificationId,
            Expr::value(Option::<i64>::None),
        )
        .filter(subscribe_grant::Column::Id.eq(grant_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Voids every open grant of the user's `template_id` (43101, or the user turned it off).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn void_all(
    db: &impl ConnectionTrait,
    user_id: i64,
    template_id: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(subscribe_grant::Entity::update_many()
        .col_expr(subscribe_grant::Column::VoidAt, Expr::value(now))
        .filter(subscribe_grant::Column::UserId.eq(user_id))
        .filter(subscribe_grant::Column::TemplateId.eq(template_id))
        .filter(subscribe_grant::Column::UsedAt.is_null())
        .filter(subscribe_grant::Column::VoidAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Open grants per template id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn remaining(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<BTreeMap<String, u64>, DbErr> {
    let rows: Vec<(String, i64)> = subscribe_grant::Entity::find()
        .select_only()
        .column(subscribe_grant::Column::TemplateId)
        .column_as(subscribe_grant::Column::Id.count(), "n")
        .filter(subscribe_grant::Column::UserId.eq(user_id))
        .filter(subscribe_grant::Column::UsedAt.is_null())
        .filter(subscribe_grant::Column::VoidAt.is_null())
        .group_by(subscribe_grant::Column::TemplateId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(template, n)| (template, u64::try_from(n).unwrap_or(0)))
        .collect())
}
