//! An insured person deletes their account (PIPL Art. 47): every session ends, the account is
//! emptied (openid, phone, unionid, bindings, consents, subscriptions, messages, invitations),
//! the cases keep only what the insurers' reports need (the phone masked, descriptions and
//! courier addresses erased), and the medical records of the ended cases are removed at once.
//! Refused while a case is open (a draft included): the service, the quota and the insurer's
//! records need the applicant until it ends. A later login with the same WeChat account makes
//! a new, empty account.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use tracing::instrument;
use utoipa::ToSchema;

use super::retention;
use super::store;
use crate::auth::CurrentUser;
use crate::auth::sessions::{address_generation, user_end};
use crate::auth::tokens::refresh_ttl;
use crate::platform::db::write_transaction;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::state::AppState;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum ErasureError {
    #[error("您还有未结束的申请（含草稿），请先取消或等待服务结束后再注销账户")]
    OpenCases { numbers: Vec<String> },
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(ErasureError, cache);

impl AreaError for ErasureError {
    fn kind(&self) -> Kind {
        match self {
            Self::OpenCases { .. } => Kind::Conflict,
            Self::Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::OpenCases { numbers } => json!({ "cases": numbers }),
            Self::Fault(_) => json!({}),
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub deleted_at: DateTime<Utc>,
    /// Ended cases whose medical records and reports were removed now.
    pub cases_cleared: u64,
}

/// Deletes the caller's account.
#[instrument(skip_all, fields(user_id = user.user_id))]
pub async fn delete_account(state: &AppState, user: &CurrentUser) -> Result<Deleted, ErasureError> {
    let open = store::open_cases(&state.db, user.user_id).await?;
    if !open.is_empty() {
        return Err(ErasureError::OpenCases {
            numbers: open.into_iter().flatten().collect(),
        });
    }
    // Sessions end first: if what follows fails, the person signs in again to an account that
    // is still whole, never the other way round.
    user_end::end(&*state.cache, user.public_id, refresh_ttl(state))
        .await
        .map_err(Fault::from)?;
    address_generation::end(&*state.cache, &format!("u{}", user.user_id))
        .await
        .map_err(Fault::from)?;
    let now = state.clocks.business.now();
    crate::users::cached::changing(state, user.user_id, user.public_id, async {
        let txn = write_transaction(&state.db).await?;
        // The bindings go first: an application in flight under one holds it until its case is
        // written, so the question that follows sees that case; one that comes later finds no
        // binding. Asked again inside the transaction, an open case keeps its applicant (the
        // sessions have ended; the account is whole).
        store::unbind_all(&txn, user.user_id).await?;
        let open = store::open_cases(&txn, user.user_id).await?;
        if !open.is_empty() {
            txn.rollback().await?;
            return Err(ErasureError::OpenCases {
                numbers: open.into_iter().flatten().collect(),
            });
        }
        store::empty_account(&txn, user.user_id, user.public_id, now).await?;
        txn.commit().await?;
        Ok(())
    })
    .await?;
    tracing::info!(user_id = user.user_id, "an account deleted by its owner");
    // The ended cases' records go now; what fails here the worker's next round removes.
    let cases_cleared = match retention::clear_owner(state, user.user_id).await {
        Ok(n) => n,
        Err(e) => {
            tracing::warn!(error = %e, "a deleted account's records are left to the worker");
            0
        }
    };
    Ok(Deleted {
        deleted_at: now,
        cases_cleared,
    })
}
