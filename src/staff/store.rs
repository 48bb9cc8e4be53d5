//! The staff area's reads: logins of assignees, an account's insurer code.

use std::collections::HashMap;

use entity::staff::StaffRole;
use entity::{insurer, staff};

use super::card::StaffCard;
use super::role::Role;

/// A staff account as stored (login, hash, role, insurer scope, active).
pub type Account = staff::Model;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// The logins of the staff rows `ids` (for queue and case views).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn logins(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.login))
        .collect())
}

/// The code of an insurer row.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_code(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(insurer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|i| i.code))
}

/// The name of an insurer row, as people read it.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_name(db: &impl ConnectionTrait, id: i64) -> Result<Option<String>, DbErr> {
    Ok(insurer::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|i| i.name))
}

/// The names staff accounts give the insured (their login where they gave none), by row id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn display_names(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    let ids: Vec<i64> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.display_name.unwrap_or(s.login)))
        .collect())
}

/// Who a case of `insurer_id` may be handed to: active specialists and supervisors who see that
/// insurer (or every insurer), as (id, login, the name people read), by login.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn colleagues(
    db: &impl ConnectionTrait,
    insurer_id: i64,
) -> Result<Vec<(i64, String, String)>, DbErr> {
    use sea_orm::{Condition, QueryOrder};
    Ok(staff::Entity::find()
        .filter(staff::Column::Active.eq(true))
        .filter(staff::Column::Role.is_in([StaffRole::Specialist, StaffRole::Supervisor]))
        .filter(
            Condition::any()
                .add(staff::Column::InsurerId.is_null())
                .add(staff::Column::InsurerId.eq(insurer_id)),
        )
        .order_by_asc(staff::Column::Login)
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let name = s.display_name.unwrap_or_else(|| s.login.clone());
            (s.id, s.login, name)
        })
        .collect())
}

/// A staff account by its row id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_account(
    db: &impl ConnectionTrait,
    id: i64,
) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find_by_id(id).one(db).await
}

/// Every staff account, by login.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn all_accounts(db: &impl ConnectionTrait) -> Result<Vec<staff::Model>, DbErr> {
    use sea_orm::QueryOrder;
    staff::Entity::find()
        .order_by_asc(staff::Column::Login)
        .all(db)
        .await
}

/// What an administrator changes on an account (None: unchanged).
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub active: Option<bool>,
    pub password_hash: Option<String>,
    pub role: Option<Role>,
    pub insurer_id: Option<Option<i64>>,
    pub card: Option<StaffCard>,
}

/// Applies `change` to the account `id`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn change_account(
    db: &impl ConnectionTrait,
    id: i64,
    change: AccountChange,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), DbErr> {
    use sea_orm::ActiveValue::{NotSet, Set};
    let (display_name, work_phone) = match change.card {
        Some(card) => (Set(card.display_name), Set(card.work_phone)),
        None => (NotSet, NotSet),
    };
    let model = staff::ActiveModel {
        display_name,
        work_phone,
        active: change.active.map_or(NotSet, Set),
        password_hash: change.password_hash.map_or(NotSet, Set),
        role: change.role.map_or(NotSet, |r| Set(r.into())),
        insurer_id: change.insurer_id.map_or(NotSet, Set),
        updated_at: Set(now),
        ..Default::default()
    };
    staff::Entity::update_many()
        .set(model)
        .filter(staff::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Every insurer by its code, with its name as people read it: (code, name).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_names(db: &impl ConnectionTrait) -> Result<Vec<(String, String)>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(insurer::Entity::find()
        .order_by_asc(insurer::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code, i.name))
        .collect())
}

/// Every insurer: (row id, code).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurers(db: &impl ConnectionTrait) -> Result<Vec<(i64, String)>, DbErr> {
    use sea_orm::QueryOrder;
    Ok(insurer::Entity::find()
        .order_by_asc(insurer::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.id, i.code))
        .collect())
}

/// The stored role is the application's, one for one.
impl From<StaffRole> for Role {
    fn from(role: StaffRole) -> Self {
        match role {
            StaffRole::Specialist => Role::Specialist,
            StaffRole::Supervisor => Role::Supervisor,
            StaffRole::InsurerViewer => Role::InsurerViewer,
            StaffRole::Admin => Role::Admin,
        }
    }
}

impl From<Role> for StaffRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Specialist => StaffRole::Specialist,
            Role::Supervisor => StaffRole::Supervisor,
            Role::InsurerViewer => StaffRole::InsurerViewer,
            Role::Admin => StaffRole::Admin,
        }
    }
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_login(
    db: &impl ConnectionTrait,
    login: &str,
) -> Result<Option<Account>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::Login.eq(login.trim().to_lowercase()))
        .one(db)
        .await
}

/// The row id of the insurer with this code.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_id(db: &impl ConnectionTrait, code: &str) -> Result<Option<i64>, DbErr> {
    Ok(insurer::Entity::find()
        .filter(insurer::Column::Code.eq(code))
        .one(db)
        .await?
        .map(|i| i.id))
}

impl From<&Account> for StaffCard {
    fn from(account: &Account) -> Self {
        Self {
            display_name: account.display_name.clone(),
            work_phone: account.work_phone.clone(),
        }
    }
}

/// An account as it is created.
#[derive(Debug)]
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub password_hash: String,
    pub role: Role,
    pub insurer_id: Option<i64>,
    pub card: StaffCard,
}

/// A new active account.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_account(
    db: &impl ConnectionTrait,
    new: NewAccount<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Account, DbErr> {
    use sea_orm::ActiveValue::Set;
    staff::Entity::insert(staff::ActiveModel {
        public_id: Set(uuid::Uuid::new_v4()),
        login: Set(new.login.to_owned()),
        password_hash: Set(new.password_hash),
        role: Set(new.role.into()),
        insurer_id: Set(new.insurer_id),
        display_name: Set(new.card.display_name),
        work_phone: Set(new.card.work_phone),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(db)
    .await
}

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;
    use strum::VariantArray;

    use super::*;

    #[test]
    fn every_role_is_stored_under_its_own_name_and_read_back_as_itself() {
        for role in Role::VARIANTS {
            let stored = StaffRole::from(*role);
            assert_eq!(stored.to_value(), role.as_str());
            assert_eq!(Role::from(stored), *role);
        }
    }
}
