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

/// The user a login names, with what the login answer says of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginUser {
    pub id: i64,
    pub public_id: Uuid,
    pub phone_bound: bool,
    pub policies_bound: bool,
}

/// A first login inserts the user; a later one finds them — in one statement on PostgreSQL (an
/// insert that does nothing on a known openid, and a read of the known row with whether any
/// policy is bound). A unionid WeChat now reports is kept. None on SQLite, which has no
/// data-modifying `WITH`, and when two first logins of one openid raced: the caller takes the
/// ordinary path then.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn login(
    db: &impl ConnectionTrait,
    openid: &str,
    unionid: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<LoginUser>, DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let row = db
            .query_one_raw(sea_orm::Statement::from_sql_and_values(
                sea_orm::DbBackend::Postgres,
                LOGIN_POSTGRES,
                [
                    Uuid::new_v4().into(),
                    openid.into(),
                    unionid.map(str::to_owned).into(),
                    now.into(),
                ],
            ))
            .await?;
        // None: a first login of the same openid committed between this statement's snapshot
        // and its insert.
        if let Some(row) = row {
            let known: Option<String> = row.try_get("", "unionid")?;
            let user = LoginUser {
                id: row.try_get("", "id")?,
                public_id: row.try_get("", "public_id")?,
                phone_bound: row.try_get("", "phone_bound")?,
                policies_bound: row.try_get("", "policies_bound")?,
            };
            if let Some(unionid) = unionid.filter(|u| known.as_deref() != Some(*u)) {
                set_unionid(db, user.id, unionid, now).await?;
            }
            return Ok(Some(user));
        }
    }
    Ok(None)
}

const LOGIN_POSTGRES: &str = "\
WITH inserted AS (
  INSERT INTO app_user (public_id, openid, unionid, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $4)
  ON CONFLICT (openid) DO NOTHING
  RETURNING id, public_id, unionid
)
SELECT id, public_id, unionid, FALSE AS phone_bound, FALSE AS policies_bound FROM inserted
UNION ALL
SELECT u.id, u.public_id, u.unionid, u.phone_hash IS NOT NULL AS phone_bound,
       EXISTS (SELECT 1 FROM policy_binding b WHERE b.user_id = u.id) AS policies_bound
FROM app_user u WHERE u.openid = $2";

async fn set_unionid(
    db: &impl ConnectionTrait,
    id: i64,
    unionid: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    app_user::Entity::update_many()
        .col_expr(app_user::Column::Unionid, Expr::value(unionid))
        .col_expr(app_user::Column::UpdatedAt, Expr::value(now))
        .filter(app_user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
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
