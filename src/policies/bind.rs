//! Binding a user to the policies on which they are the insured, and relatives joining through
//! the insured's one-time invitation.
//!
//! Binding is an enumeration oracle ("does this name and ID number hold a policy?"), so: one
//! answer for "no such ID number" and "another name" alike, failures counted per user and per
//! ID-number hash in the cache with a 24-hour lockout, and the counters fail closed.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::PolicyError;
use super::identity::{IdNumber, IdType, PersonName};
use super::store::{self, Policy, Redeemed, Relation};
use crate::auth::CurrentUser;
use crate::plans::{Beneficiaries, Plan};
use crate::platform::crypto::sha256_hex;
use crate::platform::ratelimit::{self, HOUR};
use crate::state::AppState;

const DAY: Duration = Duration::from_secs(86_400);
const INVITATION_TTL: chrono::TimeDelta = chrono::TimeDelta::days(7);
/// Crockford's base32: no I, L, O, U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

async fn failures(state: &AppState, key: &str) -> Result<(i64, u64), PolicyError> {
    let count = state
        .cache
        .get(key)
        .await?
        .and_then(|v| String::from_utf8(v).ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let ttl = state.cache.ttl(key).await?.map_or(0, |t| t.as_secs());
    Ok((count, ttl))
}

/// Binds the caller to every policy naming them as the insured.
#[instrument(skip_all, fields(user_id))]
pub async fn bind(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    id_type: &str,
    id_number: &str,
) -> Result<Vec<(Policy, Relation)>, PolicyError> {
    let user_id = user.user_id;
    let limits = &state.settings.limits;
    let user_key = format!("bindfail:user:{user_id}");
    let (user_failures, ttl) = failures(state, &user_key).await?;
    if user_failures >= i64::from(limits.bind_failures_per_user_per_day) {
        return Err(PolicyError::BindLocked { retry_after: ttl });
    }
    let invalid =
        |field: &'static str, reason: String| PolicyError::InvalidIdentity { field, reason };
    let name = PersonName::parse(name).map_err(|e| invalid("name", e.to_string()))?;
    let id_type = IdType::parse(id_type).map_err(|e| invalid("id_type", e.to_string()))?;
    let id =
        IdNumber::parse(id_type, id_number).map_err(|e| invalid("id_number", e.to_string()))?;
    let index = store::id_number_index(&state.crypto, &id);
    let id_key = format!("bindfail:id:{index}");
    let (id_failures, ttl) = failures(state, &id_key).await?;
    if id_failures >= i64::from(limits.bind_failures_per_id_per_day) {
        return Err(PolicyError::BindLocked { retry_after: ttl });
    }
    let matching: Vec<Policy> = store::find_by_id_index(&state.db, id_type.as_str(), &index)
        .await?
        .into_iter()
        .filter(|p| p.insured_name == name.as_str())
        .collect();
    if matching.is_empty() {
        state.cache.incr(&user_key, DAY).await?;
        state.cache.incr(&id_key, DAY).await?;
        tracing::info!(user_id, "policy binding failed");
        return Err(PolicyError::PolicyNotFound);
    }
    let now = state.clocks.business.now();
    // One policy, one person (issue 29 §1): a policy another account holds as its insured is
    // bound here only with the policy's phone verified on this account.
    let ids: Vec<i64> = matching.iter().map(|p| p.id).collect();
    let held = store::holders::insured_elsewhere(&state.db, user_id, &ids).await?;
    if !held.is_empty() {
        let phone = crate::users::store::find(&state.db, user_id)
            .await?
            .and_then(|u| u.phone_hash);
        let verified = |policy_id: i64| {
            matching
                .iter()
                .any(|p| p.id == policy_id && phone.is_some() && p.phone_hash == phone)
        };
        if !held.iter().all(|(policy_id, _)| verified(*policy_id)) {
            // Counted as a failure: a stranger cannot warn the holder without end.
            state.cache.incr(&user_key, DAY).await?;
            state.cache.incr(&id_key, DAY).await?;
            warn_holders(state, &matching, &held, now).await?;
            tracing::info!(
                user_id,
                "policy binding refused: the policy is held by another account"
            );
            return Err(PolicyError::PolicyHeldElsewhere {
                phone_verified: phone.is_some(),
            });
        }
    }
    crate::users::cached::changing(state, user_id, user.public_id, async {
        store::bind_all(&state.db, user_id, &matching, now)
            .await
            .map_err(PolicyError::from)
    })
    .await?;
    tracing::info!(user_id, policies = matching.len(), "policies bound");
    Ok(store::bound(&state.db, user_id).await?)
}

/// Tells each holder of a policy that another account tried to bind it (message centre and,
/// where they allowed it, a subscribe message); never who, nor the name or ID number used.
async fn warn_holders(
    state: &AppState,
    matching: &[Policy],
    held: &[(i64, i64)],
    now: DateTime<Utc>,
) -> Result<(), PolicyError> {
    for (policy_id, holder) in held {
        let Some(policy) = matching.iter().find(|p| p.id == *policy_id) else {
            continue;
        };
        let tail: String = {
            let chars: Vec<char> = policy.policy_no.chars().collect();
            chars[chars.len().saturating_sub(4)..].iter().collect()
        };
        let payload = serde_json::json!({
            "policy_tail": tail,
            "attempt_at": crate::platform::wire_time::text(&now),
        });
        crate::outbox::store::enqueue(
            &state.db,
            *holder,
            None,
            crate::outbox::kind::NotificationKind::BindingAttempt,
            &payload,
            now,
        )
        .await
        .map_err(PolicyError::from)?;
    }
    Ok(())
}

/// The caller's bound policies.
pub async fn bound(state: &AppState, user_id: i64) -> Result<Vec<(Policy, Relation)>, PolicyError> {
    Ok(store::bound(&state.db, user_id).await?)
}

/// The relatives seed 004 lets use the tele-doctor: "亲属关系（如：直系三代以内）". The 如 makes
/// the three generations an example, not a list: a spouse and siblings are relatives too
/// (interpretation, the reading most favourable to the insured; to confirm with the insurer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum Relationship {
    Grandparent,
    Parent,
    Spouse,
    Sibling,
    Child,
    Grandchild,
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The caller's binding to a policy, or a 404 indistinguishable from a missing policy.
pub async fn bound_policy(
    state: &AppState,
    user_id: i64,
    public_id: Uuid,
) -> Result<(Policy, Relation), PolicyError> {
    store::bound(&state.db, user_id)
        .await?
        .into_iter()
        .find(|(p, _)| p.public_id == public_id)
        .ok_or(PolicyError::NotFound)
}

/// A policy bound to the user, how, and its plan.
pub async fn plan_of_policy(
    state: &AppState,
    user_id: i64,
    policy_id: Uuid,
) -> Result<(Policy, Relation, Arc<Plan>), PolicyError> {
    let (policy, relation) = bound_policy(state, user_id, policy_id).await?;
    let plan = state
        .plan_for_product(policy.product_id)
        .cloned()
        .ok_or_else(|| PolicyError::unexpected("policy of an unknown product"))?;
    Ok((policy, relation, plan))
}

fn invitation_code() -> String {
    let mut bytes = [0u8; 10];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// The insured issues a one-time code a relative redeems (never by typing the insured's ID).
#[instrument(skip_all, fields(user_id, policy = %policy_id, ?relationship))]
pub async fn invite(
    state: &AppState,
    user_id: i64,
    policy_id: Uuid,
    relationship: Relationship,
) -> Result<(String, DateTime<Utc>), PolicyError> {
    let (policy, relation) = bound_policy(state, user_id, policy_id).await?;
    if relation != Relation::Insured {
        return Err(PolicyError::NotTheInsured);
    }
    let allows_relatives = state
        .plan_for_product(policy.product_id)
        .is_some_and(|plan| {
            plan.services
                .iter()
                .any(|s| s.beneficiaries == Beneficiaries::InsuredAndRelatives)
        });
    if !allows_relatives {
        return Err(PolicyError::RelativesNotAllowed);
    }
    let code = invitation_code();
    let now = Utc::now();
    let expires_at = now + INVITATION_TTL;
    store::insert_invitation(
        &state.db,
        store::NewInvitation {
            policy_id: policy.id,
            issued_by: user_id,
            code_hash: sha256_hex(&code),
            relationship: relationship.as_str(),
            expires_at,
        },
        now,
    )
    .await?;
    Ok((format!("{}-{}", &code[..5], &code[5..]), expires_at))
}

/// A relative redeems an invitation: bound as a relative, once.
#[instrument(skip_all, fields(user_id))]
pub async fn redeem(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<(Policy, Relation), PolicyError> {
    let user_id = user.user_id;
    ratelimit::check(
        &*state.cache,
        &format!("invite:user:{user_id}"),
        state.settings.limits.invitation_redeems_per_user_per_hour,
        HOUR,
    )
    .await?;
    let hash = sha256_hex(&normalise_code(code));
    let bound_at = state.clocks.business.now();
    let redeemed = crate::users::cached::changing(state, user_id, user.public_id, async {
        store::redeem_invitation(&state.db, &hash, user_id, Utc::now(), bound_at)
            .await
            .map_err(PolicyError::from)
    })
    .await?;
    let policy_id = match redeemed {
        Redeemed::Bound { policy_id } => policy_id,
        Redeemed::OwnInvitation => return Err(PolicyError::AlreadyBound),
        Redeemed::Invalid => return Err(PolicyError::InvitationInvalid),
    };
    store::bound(&state.db, user_id)
        .await?
        .into_iter()
        .find(|(p, _)| p.id == policy_id)
        .ok_or(PolicyError::InvitationInvalid)
}
