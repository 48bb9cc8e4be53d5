//! Exchanging a `wx.login` code with WeChat once for everyone presenting it, and the dev login
//! of the embedded profile.

use std::time::Duration;

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::auth::error::AuthError;
use crate::platform::cache::{CacheError, GetOrLock, Reply, Step};
use crate::platform::crypto::{random_token, sha256_hex};
use crate::platform::ratelimit::Limit;
use crate::state::AppState;

/// WeChat codes are valid for five minutes and single-use: the outcome of exchanging one is
/// kept that long, so a page that fires twice gets one upstream call and one answer.
pub const CODE_OUTCOME_TTL: Duration = Duration::from_secs(300);
const CODE_LOCK_TTL: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);

/// What `jscode2session` said about a code, shared by everyone presenting the same code.
#[derive(Debug, Serialize, Deserialize)]
enum CodeOutcome {
    Identity {
        openid: String,
        unionid: Option<String>,
    },
    Refused {
        errcode: i64,
    },
}

pub struct Identity {
    pub openid: String,
    pub unionid: Option<String>,
    /// Only the request that made the upstream call holds it.
    pub session_key: Option<SecretString>,
    /// The exchange to record for the code (only the request that made the call has one).
    pub to_store: Option<(String, Vec<u8>)>,
}

/// `dev:<name>`: a stable fake openid without WeChat, for the embedded profile only.
pub fn dev_identity(state: &AppState, name: &str) -> Result<Identity, AuthError> {
    if !state.settings.wechat.dev_login || state.settings.is_production() {
        return Err(AuthError::DevLoginDisabled);
    }
    if name.is_empty() || name.len() > 64 {
        return Err(AuthError::CodeInvalid);
    }
    Ok(Identity {
        openid: format!("dev-{}", &sha256_hex(&format!("dev-login|{name}"))[..28]),
        unionid: None,
        session_key: None,
        to_store: None,
    })
}

/// Exchanges a code with WeChat once for everyone presenting it: an in-process lock per code,
/// then, in one cache round trip with the per-IP limit (`ip_limit`), the
/// stored outcome or a short lock across instances; followers read the outcome. The caller
/// stores this exchange's outcome (with its other writes).
pub async fn exchange_once(
    state: &AppState,
    code: &str,
    ip_limit: Limit,
) -> Result<Identity, AuthError> {
    let key = format!("wxcode:{}", sha256_hex(code));
    let _one_per_process = state.locks.lock(&key).await;
    let lock_key = format!("{key}:lock");
    let owner = random_token();
    let deadline = tokio::time::Instant::now()
        + Duration::from_millis(state.settings.wechat.timeout_ms)
        + CODE_LOCK_TTL;
    let get_or_lock = Step::GetOrLock {
        key: key.clone(),
        lock: lock_key.clone(),
        owner: owner.as_bytes().to_vec(),
        ttl: CODE_LOCK_TTL,
    };
    // The first try counts the attempt; waiting for another instance's exchange does not.
    let first = state
        .cache
        .run(&[ip_limit.step(), get_or_lock.clone()])
        .await?;
    let mut answer = ip_limit.after(first)?.pop();
    loop {
        match answer {
            Some(Reply::Lock(GetOrLock::Found(bytes))) => {
                let outcome = serde_json::from_slice(&bytes).map_err(|e| CacheError::Decode {
                    key: key.clone(),
                    reason: e.to_string(),
                })?;
                return from_outcome(outcome);
            }
            Some(Reply::Lock(GetOrLock::Locked)) => break,
            Some(Reply::Lock(GetOrLock::Busy)) if tokio::time::Instant::now() >= deadline => {
                return Err(AuthError::WechatUnavailable(
                    "another instance is still exchanging this code".to_owned(),
                ));
            }
            Some(Reply::Lock(GetOrLock::Busy)) => tokio::time::sleep(POLL).await,
            other => {
                return Err(CacheError::Unavailable(format!(
                    "unexpected answer to get-or-lock: {other:?}"
                ))
                .into());
            }
        }
        answer = state
            .cache
            .run(std::slice::from_ref(&get_or_lock))
            .await?
            .pop();
    }
    let result = state.wechat.code2session(code).await;
    let outcome = match &result {
        Ok(session) => Some(CodeOutcome::Identity {
            openid: session.openid.clone(),
            unionid: session.unionid.clone(),
        }),
        // Answers about the code itself are final for this code; anything else may be retried.
        Err(error) => match error.errcode() {
            Some(
                code @ (crate::wechat::errcode::INVALID_CODE
                | crate::wechat::errcode::CODE_USED
                | crate::wechat::errcode::HIGH_RISK_USER),
            ) => Some(CodeOutcome::Refused { errcode: code }),
            _ => None,
        },
    };
    let encoded = |outcome: &CodeOutcome| {
        serde_json::to_vec(outcome).map_err(|e| CacheError::Decode {
            key: key.clone(),
            reason: e.to_string(),
        })
    };
    match (result, outcome) {
        // The lock is left to run out: whoever comes next reads the outcome before trying it.
        (Ok(session), Some(outcome)) => Ok(Identity {
            openid: session.openid,
            unionid: session.unionid,
            session_key: Some(session.session_key),
            to_store: Some((key.clone(), encoded(&outcome)?)),
        }),
        (Err(error), Some(outcome)) => {
            state
                .cache
                .set(&key, &encoded(&outcome)?, CODE_OUTCOME_TTL)
                .await?;
            Err(error.into())
        }
        // Nothing learnt (WeChat was unreachable): the lock goes, so a retry can call again.
        (result, None) => {
            state
                .cache
                .delete_if_equals(&lock_key, owner.as_bytes())
                .await?;
            let session = result?;
            Ok(Identity {
                openid: session.openid,
                unionid: session.unionid,
                session_key: Some(session.session_key),
                to_store: None,
            })
        }
    }
}

fn from_outcome(outcome: CodeOutcome) -> Result<Identity, AuthError> {
    match outcome {
        CodeOutcome::Identity { openid, unionid } => Ok(Identity {
            openid,
            unionid,
            session_key: None,
            to_store: None,
        }),
        CodeOutcome::Refused { errcode } => Err(crate::wechat::WechatError::Api {
            code: errcode,
            message: String::new(),
        }
        .into()),
    }
}
