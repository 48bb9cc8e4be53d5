//! Insurers that push policies: per-insurer API keys (`gcpk_<prefix>_<secret>`), shown once,
//! stored as a SHA-256, revocable; and who a presented key belongs to.

use chrono::{DateTime, Utc};

use super::error::PolicyError;
use super::store::partner_keys::{self as keys, PartnerKey};
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::db::Db;
use crate::state::AppState;

const PREFIX: &str = "gcpk_";

/// A key as created: the full text (shown once) and its public prefix.
#[derive(Debug)]
pub struct NewKey {
    pub key: String,
    pub prefix: String,
}

pub async fn create_key(db: &Db, insurer_id: i64, now: DateTime<Utc>) -> anyhow::Result<NewKey> {
    let secret = random_token();
    let prefix: String = random_token()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    let key = format!("{PREFIX}{prefix}_{secret}");
    keys::insert(db, insurer_id, &prefix, &sha256_hex(&key), now).await?;
    Ok(NewKey { key, prefix })
}

/// Revokes the key with this prefix; false when there is none (revoking twice is fine).
pub async fn revoke_key(db: &Db, prefix: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
    Ok(keys::revoke(db, prefix, now).await?)
}

pub async fn list_keys(db: &Db, insurer_id: Option<i64>) -> anyhow::Result<Vec<PartnerKey>> {
    Ok(keys::list(db, insurer_id).await?)
}

/// An authenticated partner: the insurer its key belongs to.
#[derive(Debug, Clone)]
pub struct Partner {
    pub insurer_id: i64,
    pub key_prefix: String,
}

/// The partner a presented key belongs to, if it is one of ours and not revoked.
pub async fn authenticate(state: &AppState, key: Option<String>) -> Result<Partner, PolicyError> {
    let key = key
        .filter(|k| k.starts_with(PREFIX))
        .ok_or(PolicyError::PartnerKeyInvalid)?;
    let found = keys::by_hash(&state.db, &sha256_hex(&key))
        .await?
        .filter(|k| k.revoked_at.is_none())
        .ok_or(PolicyError::PartnerKeyInvalid)?;
    Ok(Partner {
        insurer_id: found.insurer_id,
        key_prefix: found.prefix,
    })
}

/// A partner key as the administration page lists it (never the key itself).
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub prefix: String,
    pub insurer: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Every partner key, for an administrator.
pub async fn keys_for_admin(
    state: &AppState,
    admin: &crate::staff::CurrentStaff,
) -> Result<Vec<KeyRow>, crate::staff::admin::AdminError> {
    crate::staff::admin::may_administer(admin)?;
    let insurers = crate::staff::store::insurers(&state.db).await?;
    let keys = list_keys(&state.db, None)
        .await
        .map_err(crate::platform::error::Fault::from)?;
    Ok(keys
        .into_iter()
        .map(|k| KeyRow {
            insurer: insurers
                .iter()
                .find(|(id, _)| *id == k.insurer_id)
                .map(|(_, code)| code.clone())
                .unwrap_or_default(),
            prefix: k.prefix,
            created_at: k.created_at,
            revoked_at: k.revoked_at,
        })
        .collect())
}

/// A new key for the insurer `insurer_code`, for an administrator: the key is shown once.
pub async fn create_for_admin(
    state: &AppState,
    admin: &crate::staff::CurrentStaff,
    insurer_code: &str,
) -> Result<NewKey, crate::staff::admin::AdminError> {
    use crate::staff::admin::AdminError;
    crate::staff::admin::may_administer(admin)?;
    let insurer_id = crate::staff::store::insurers(&state.db)
        .await?
        .into_iter()
        .find(|(_, code)| code == insurer_code)
        .map(|(id, _)| id)
        .ok_or(AdminError::UnknownInsurer)?;
    let key = create_key(&state.db, insurer_id, state.clocks.business.now())
        .await
        .map_err(crate::platform::error::Fault::from)?;
    tracing::info!(prefix = %key.prefix, by = admin.id(), "partner key created");
    Ok(key)
}

/// Revokes the key with `prefix`, for an administrator.
pub async fn revoke_for_admin(
    state: &AppState,
    admin: &crate::staff::CurrentStaff,
    prefix: &str,
) -> Result<(), crate::staff::admin::AdminError> {
    use crate::staff::admin::AdminError;
    crate::staff::admin::may_administer(admin)?;
    let found = revoke_key(&state.db, prefix, state.clocks.business.now())
        .await
        .map_err(crate::platform::error::Fault::from)?;
    if !found {
        return Err(AdminError::UnknownKey);
    }
    tracing::info!(prefix, by = admin.id(), "partner key revoked");
    Ok(())
}
