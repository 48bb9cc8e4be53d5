//! The only file that knows how users are queried.

use chrono::{DateTime, Utc};
use entity::app_user;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait,
    IntoActiveModel, QueryFilter,
};
use uuid::Uuid;

pub type User = app_user::Model;

/// Finds the user of `openid`, creating them on first login; a unionid WeChat now reports is
/// kept (WeChat only sends it once the mini-program is bound to an Open Platform account).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upsert_by_openid(
    db: &impl ConnectionTrait,
    openid: &str,
    unionid: Option<&str>,
    now: DateTime<Utc>,
) -> Result<User, DbErr> {
    let new = app_user::ActiveModel {
        public_id: Set(Uuid::new_v4()),
        openid: Set(openid.to_owned()),
        unionid: Set(unionid.map(str::to_owned)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    // Two first logins racing on one openid: the unique index lets one insert win, both read it.
    app_user::Entity::insert(new)
        .on_conflict(
            OnConflict::column(app_user::Column::Openid)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    let user = app_user::Entity::find()
        .filter(app_user::Column::Openid.eq(openid))
        .one(db)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("app_user just upserted".to_owned()))?;
    match unionid {
        Some(unionid) if user.unionid.as_deref() != Some(unionid) => {
            let mut active = user.into_active_model();
            active.unionid = Set(Some(unionid.to_owned()));
            active.updated_at = Set(now);
            active.update(db).await
        }
        _ => Ok(user),
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(db: &impl ConnectionTrait, id: i64) -> Result<Option<User>, DbErr> {
    app_user::Entity::find_by_id(id).one(db).await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    app_user::Entity::find().count(db).await
}

/// Stores a sealed phone number and its blind index.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set_phone(
    db: &impl ConnectionTrait,
    id: i64,
    sealed: Vec<u8>,
    blind_index: String,
    country_code: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let result = app_user::Entity::update_many()
        .col_expr(app_user::Column::PhoneEnc, Expr::value(sealed))
        .col_expr(app_user::Column::PhoneHash, Expr::value(blind_index))
        .col_expr(
            app_user::Column::PhoneCountryCode,
            Expr::value(country_code),
        )
        .col_expr(app_user::Column::PhoneBoundAt, Expr::value(now))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(id))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(DbErr::RecordNotFound(format!("app_user {id}")));
    }
    Ok(())
}

/// The associated data a user's sealed phone is bound to.
pub fn phone_aad(user_id: i64) -> String {
    format!("app_user|phone|{user_id}")
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_openid(
    db: &impl ConnectionTrait,
    openid: &str,
) -> Result<Option<User>, DbErr> {
    app_user::Entity::find()
        .filter(app_user::Column::Openid.eq(openid))
        .one(db)
        .await
}
