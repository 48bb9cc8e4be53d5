//! Staff accounts: argon2id password hashes (PHC strings, parameters inside, so they can be
//! raised later without a migration), a role, and an optional insurer scope.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::card::{CardError, StaffCard};
use super::role::Role;
use super::store::{self, Account};
use crate::platform::db::{Db, DbErr};

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    // 16 random bytes from the operating system (the salt length argon2 recommends).
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a salt: {e}"))?;
    let salt = SaltString::encode_b64(&bytes)
        .map_err(|e| anyhow::anyhow!("cannot encode the salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?
        .to_string())
}

/// Constant-time verification against a stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

/// A hash of nothing anyone knows: an unknown login costs the same time as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY
        .get_or_init(|| hash_password(&crate::platform::crypto::random_token()).unwrap_or_default())
}

#[derive(Debug, thiserror::Error)]
pub enum AddError {
    #[error("the login must be 3–64 characters of letters, digits, `.`, `_`, `-` or `@`")]
    BadLogin,
    #[error("the password must be at least 12 characters")]
    WeakPassword,
    #[error("role `{0}` is not one of specialist, supervisor, insurer_viewer, admin")]
    BadRole(String),
    #[error("an insurer viewer needs --insurer")]
    ViewerWithoutInsurer,
    #[error("an admin sees every insurer: leave out --insurer")]
    AdminWithInsurer,
    #[error("no insurer with code `{0}` (insurers come from the plan files)")]
    UnknownInsurer(String),
    #[error("login `{0}` exists already")]
    Exists(String),
    #[error(
        "the name must be at most 32 characters; the work phone digits, spaces, `-`, `+`, `(`, `)` or `转`"
    )]
    BadCard(CardError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<DbErr> for AddError {
    fn from(error: DbErr) -> Self {
        AddError::Other(error.into())
    }
}

/// Creates an account. The password never appears in arguments or logs.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn add(
    db: &Db,
    login: &str,
    role: &str,
    insurer_code: Option<&str>,
    password: &str,
    card: StaffCard,
    now: DateTime<Utc>,
) -> Result<Account, AddError> {
    let login = login.trim().to_lowercase();
    if !(3..=64).contains(&login.len())
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
    {
        return Err(AddError::BadLogin);
    }
    if password.chars().count() < 12 {
        return Err(AddError::WeakPassword);
    }
    let role = Role::parse(role).ok_or_else(|| AddError::BadRole(role.to_owned()))?;
    let insurer_id = match insurer_code {
        Some(code) => Some(
            store::insurer_id(db, code)
                .await?
                .ok_or_else(|| AddError::UnknownInsurer(code.to_owned()))?,
        ),
        None => None,
    };
    match (role, insurer_id) {
        (Role::InsurerViewer, None) => return Err(AddError::ViewerWithoutInsurer),
        (Role::Admin, Some(_)) => return Err(AddError::AdminWithInsurer),
        _ => {}
    }
    if find_by_login(db, &login).await?.is_some() {
        return Err(AddError::Exists(login));
    }
    let password_hash = hash_password(password)?;
    let new = store::NewAccount {
        login: &login,
        password_hash,
        role,
        insurer_id,
        card,
    };
    Ok(store::insert_account(db, new, now).await?)
}

/// The account with this login (as typed: trimmed, any case), if any.
pub async fn find_by_login(db: &Db, login: &str) -> Result<Option<Account>, DbErr> {
    store::find_by_login(db, login).await
}

/// The card of account `id`, if it exists.
pub async fn card(db: &Db, id: i64) -> Result<Option<StaffCard>, DbErr> {
    Ok(store::find_account(db, id)
        .await?
        .as_ref()
        .map(StaffCard::from))
}

/// The logins of the accounts `ids` (who holds which case), by id.
pub async fn logins(
    db: &Db,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    store::logins(db, ids).await
}

/// The names the accounts `ids` give (their login where they gave none): what a page shows.
pub async fn display_names(
    db: &Db,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    store::display_names(db, ids).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_verify_only_themselves() {
        let phc = hash_password("correct horse battery").expect("hashed");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert!(!verify_password("anything", "not a phc string"));
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StaffSummary {
    pub id: Uuid,
    pub login: String,
    pub role: Role,
    /// Insurer code of the account's scope; none: every insurer.
    pub insurer: Option<String>,
}

/// What a console login or refresh answer says of the account.
#[tracing::instrument(level = "debug", skip_all, fields(staff_id = account.id))]
pub async fn summary(
    db: &Db,
    account: &Account,
) -> Result<StaffSummary, crate::platform::error::Fault> {
    let insurer = match account.insurer_id {
        Some(id) => store::insurer_code(db, id).await?,
        None => None,
    };
    let role = Role::from(account.role);
    Ok(StaffSummary {
        id: account.public_id,
        login: account.login.clone(),
        role,
        insurer,
    })
}
