//! Administration of staff accounts (admin role only): create, deactivate and reactivate, reset a
//! password, change a role and its insurer scope. A change acts at once: every request re-reads
//! the account. The same rules as `staff add` (`accounts::add`), said in Chinese.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tracing::instrument;

use super::access::{AccessError, CurrentStaff};
use super::accounts::{self, AddError, hash_password};
use super::card::{CardError, StaffCard};
use super::role::Role;
use super::store::{self, AccountChange};
use crate::platform::error::{AreaError, Fault, Kind};
use crate::state::AppState;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum AdminError {
    #[error("账号须为 3–64 位字母、数字或 . _ - @")]
    BadLogin,
    #[error("密码至少 12 位")]
    WeakPassword,
    #[error("请选择有效的角色")]
    BadRole,
    #[error("保险公司查看账号须选择所属保险公司")]
    ViewerWithoutInsurer,
    #[error("管理员可查看所有保险公司，不能限定保险公司")]
    AdminWithInsurer,
    #[error("没有这家保险公司")]
    UnknownInsurer,
    #[error("该账号已存在")]
    LoginTaken,
    #[error("没有这个账号")]
    UnknownAccount,
    #[error("没有这个接口密钥")]
    UnknownKey,
    #[error("不能停用或降级自己的账号")]
    NotYourself,
    #[error("姓名最多32个字")]
    DisplayNameTooLong,
    #[error("工作电话只能包含数字、空格及 - + ( ) 转，至少5位数字")]
    WorkPhoneInvalid,
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(AdminError);

impl From<AddError> for AdminError {
    fn from(error: AddError) -> Self {
        match error {
            AddError::BadLogin => Self::BadLogin,
            AddError::WeakPassword => Self::WeakPassword,
            AddError::BadRole(_) => Self::BadRole,
            AddError::ViewerWithoutInsurer => Self::ViewerWithoutInsurer,
            AddError::AdminWithInsurer => Self::AdminWithInsurer,
            AddError::UnknownInsurer(_) => Self::UnknownInsurer,
            AddError::Exists(_) => Self::LoginTaken,
            AddError::BadCard(error) => error.into(),
            AddError::Other(e) => Self::Fault(e.into()),
        }
    }
}

impl From<CardError> for AdminError {
    fn from(error: CardError) -> Self {
        match error {
            CardError::NameTooLong => Self::DisplayNameTooLong,
            CardError::PhoneInvalid => Self::WorkPhoneInvalid,
        }
    }
}

impl AreaError for AdminError {
    fn kind(&self) -> Kind {
        match self {
            Self::UnknownAccount | Self::UnknownKey => Kind::NotFound,
            Self::LoginTaken => Kind::Conflict,
            Self::Access(e) => e.kind(),
            Self::Fault(_) => Kind::Internal,
            _ => Kind::Unprocessable,
        }
    }

    fn details(&self) -> Value {
        json!({})
    }

    crate::platform::error::area_error_glue!(Access, Fault);
}

/// Only administrators administer.
pub fn may_administer(staff: &CurrentStaff) -> Result<(), AccessError> {
    match staff.role {
        Role::Admin => Ok(()),
        role => Err(super::access::forbidden(role)),
    }
}

/// An account as the administration page lists it.
#[derive(Debug, Clone)]
pub struct AccountRow {
    pub login: String,
    pub role: Role,
    pub insurer: Option<String>,
    pub active: bool,
    pub card: StaffCard,
    pub created_at: DateTime<Utc>,
}

/// Every account, with its insurer's code.
#[instrument(skip_all, fields(staff_id = admin.id()))]
pub async fn accounts(
    state: &AppState,
    admin: &CurrentStaff,
) -> Result<Vec<AccountRow>, AdminError> {
    may_administer(admin)?;
    let insurers = store::insurers(&state.db).await?;
    store::all_accounts(&state.db)
        .await?
        .into_iter()
        .map(|a| {
            let role = Role::from(a.role);
            Ok(AccountRow {
                card: StaffCard::from(&a),
                insurer: a.insurer_id.and_then(|id| {
                    insurers
                        .iter()
                        .find(|(i, _)| *i == id)
                        .map(|(_, c)| c.clone())
                }),
                login: a.login,
                role,
                active: a.active,
                created_at: a.created_at,
            })
        })
        .collect()
}

/// Creates an account (the same rules as `staff add`).
#[instrument(skip_all, fields(staff_id = admin.id()))]
pub async fn create(
    state: &AppState,
    admin: &CurrentStaff,
    login: &str,
    role: &str,
    insurer: Option<&str>,
    password: &str,
    (name, work_phone): (Option<&str>, Option<&str>),
) -> Result<(), AdminError> {
    may_administer(admin)?;
    let card = StaffCard::parse(name, work_phone)?;
    let now = state.clocks.business.now();
    let created = accounts::add(&state.db, login, role, insurer, password, card, now).await?;
    tracing::info!(
        staff_id = created.id,
        by = admin.id(),
        "staff account created"
    );
    Ok(())
}

async fn target(state: &AppState, login: &str) -> Result<store::Account, AdminError> {
    accounts::find_by_login(&state.db, login)
        .await?
        .ok_or(AdminError::UnknownAccount)
}

/// Sets the name and work phone an account's insured see.
#[instrument(skip_all, fields(staff_id = admin.id()))]
pub async fn set_card(
    state: &AppState,
    admin: &CurrentStaff,
    login: &str,
    (name, work_phone): (Option<&str>, Option<&str>),
) -> Result<(), AdminError> {
    may_administer(admin)?;
    let card = StaffCard::parse(name, work_phone)?;
    let account = target(state, login).await?;
    let change = AccountChange {
        card: Some(card),
        ..Default::default()
    };
    store::change_account(&state.db, account.id, change, state.clocks.business.now()).await?;
    tracing::info!(
        staff_id = account.id,
        by = admin.id(),
        "staff contact card changed"
    );
    Ok(())
}

/// Deactivates or reactivates an account; a deactivated one is signed out everywhere at once.
#[instrument(skip_all, fields(staff_id = admin.id(), active))]
pub async fn set_active(
    state: &AppState,
    admin: &CurrentStaff,
    login: &str,
    active: bool,
) -> Result<(), AdminError> {
    may_administer(admin)?;
    let account = target(state, login).await?;
    if account.id == admin.id() && !active {
        return Err(AdminError::NotYourself);
    }
    let change = AccountChange {
        active: Some(active),
        ..Default::default()
    };
    store::change_account(&state.db, account.id, change, state.clocks.business.now()).await?;
    tracing::info!(
        staff_id = account.id,
        by = admin.id(),
        active,
        "staff account (de)activated"
    );
    Ok(())
}

/// Sets a new password (the holder is told it out of band).
#[instrument(skip_all, fields(staff_id = admin.id()))]
pub async fn reset_password(
    state: &AppState,
    admin: &CurrentStaff,
    login: &str,
    password: &str,
) -> Result<(), AdminError> {
    may_administer(admin)?;
    if password.chars().count() < 12 {
        return Err(AdminError::WeakPassword);
    }
    let account = target(state, login).await?;
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(anyhow::Error::from)
        .map_err(Fault::from)?
        .map_err(Fault::from)?;
    let change = AccountChange {
        password_hash: Some(hash),
        ..Default::default()
    };
    store::change_account(&state.db, account.id, change, state.clocks.business.now()).await?;
    tracing::info!(
        staff_id = account.id,
        by = admin.id(),
        "staff password reset"
    );
    Ok(())
}

/// Changes an account's role and insurer scope (the same pairing rules as `staff add`).
#[instrument(skip_all, fields(staff_id = admin.id()))]
pub async fn change_role(
    state: &AppState,
    admin: &CurrentStaff,
    login: &str,
    role: &str,
    insurer: Option<&str>,
) -> Result<(), AdminError> {
    may_administer(admin)?;
    let role = Role::parse(role).ok_or(AdminError::BadRole)?;
    let account = target(state, login).await?;
    if account.id == admin.id() && role != Role::Admin {
        return Err(AdminError::NotYourself);
    }
    let insurer_id = match insurer {
        Some(code) => Some(
            store::insurers(&state.db)
                .await?
                .into_iter()
                .find(|(_, c)| c == code)
                .map(|(id, _)| id)
                .ok_or(AdminError::UnknownInsurer)?,
        ),
        None => None,
    };
    match (role, insurer_id) {
        (Role::InsurerViewer, None) => return Err(AdminError::ViewerWithoutInsurer),
        (Role::Admin, Some(_)) => return Err(AdminError::AdminWithInsurer),
        _ => {}
    }
    let change = AccountChange {
        role: Some(role),
        insurer_id: Some(insurer_id),
        ..Default::default()
    };
    store::change_account(&state.db, account.id, change, state.clocks.business.now()).await?;
    tracing::info!(staff_id = account.id, by = admin.id(), "staff role changed");
    Ok(())
}

/// The insurers an account may be scoped to, by code: (row id, code).
pub async fn insurers(state: &AppState) -> Result<Vec<(i64, String)>, Fault> {
    Ok(store::insurers(&state.db).await?)
}

/// Every insurer: (code, name as people read it).
pub async fn insurer_names(state: &AppState) -> Result<Vec<(String, String)>, Fault> {
    Ok(store::insurer_names(&state.db).await?)
}

/// The name of the insurer an account is scoped to, as people read it.
pub async fn insurer_name(state: &AppState, id: i64) -> Result<Option<String>, Fault> {
    Ok(store::insurer_name(&state.db, id).await?)
}
