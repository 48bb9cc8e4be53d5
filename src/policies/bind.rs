//! Binding a user to the policies on which they are the insured, and relatives joining through
//! the insured's one-time invitation.
//!
//! Binding is an enumeration oracle ("does this name and ID number hold a policy?"), so: one
//! answer for "no such ID number" and "another name" alike, failures counted per user and per
//! ID-number hash in the cache with a 24-hour lockout, and the counters fail closed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::relative_invitation;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::identity::{IdNumber, IdType, PersonName};
use super::store::{self, Policy, Relation};
use crate::auth::CurrentUser;
use crate::crypto::sha256_hex;
use crate::error::{ApiError, Kind};
use crate::ratelimit::{self, HOUR};
use crate::state::AppState;

pub const POLICY_NOT_FOUND: &str = "policy_not_found";
pub const BIND_LOCKED: &str = "bind_locked";
pub const INVALID_IDENTITY: &str = "invalid_identity";
pub const RELATIVES_NOT_ALLOWED: &str = "relatives_not_allowed";
pub const NOT_THE_INSURED: &str = "not_the_insured";
pub const INVITATION_INVALID: &str = "invitation_invalid";
pub const ALREADY_BOUND: &str = "already_bound";

const DAY: Duration = Duration::from_secs(86_400);
const INVITATION_TTL: chrono::TimeDelta = chrono::TimeDelta::days(7);
/// Crockford's base32: no I, L, O, U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn locked(retry_after: u64) -> ApiError {
    ApiError::new(
        Kind::TooManyRequests,
        BIND_LOCKED,
        "验证失败次数过多，为保护您的信息已暂停绑定，请24小时后再试或联系客服",
    )
    .retry_after(retry_after.max(1))
}

async fn failures(state: &AppState, key: &str) -> Result<(i64, u64), ApiError> {
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
pub async fn bind(
    state: &AppState,
    user: &CurrentUser,
    name: &str,
    id_type: &str,
    id_number: &str,
) -> Result<Vec<(Policy, Relation)>, ApiError> {
    let limits = &state.settings.limits;
    let user_key = format!("bindfail:user:{}", user.user_id);
    let (user_failures, ttl) = failures(state, &user_key).await?;
    if user_failures >= i64::from(limits.bind_failures_per_user_per_day) {
        return Err(locked(ttl));
    }
    let invalid = |field: &str, reason: String| {
        ApiError::new(
            Kind::Unprocessable,
            INVALID_IDENTITY,
            "姓名或证件号码格式不正确，请核对后重新填写",
        )
        .with_details(json!({ "field": field, "reason": reason }))
    };
    let name = PersonName::parse(name).map_err(|e| invalid("name", e.to_string()))?;
    let id_type = IdType::parse(id_type).map_err(|e| invalid("id_type", e.to_string()))?;
    let id =
        IdNumber::parse(id_type, id_number).map_err(|e| invalid("id_number", e.to_string()))?;
    let index = store::id_number_index(&state.crypto, &id);
    let id_key = format!("bindfail:id:{index}");
    let (id_failures, ttl) = failures(state, &id_key).await?;
    if id_failures >= i64::from(limits.bind_failures_per_id_per_day) {
        return Err(locked(ttl));
    }
    let matching: Vec<Policy> = store::find_by_id_index(&state.db, id_type.as_str(), &index)
        .await?
        .into_iter()
        .filter(|p| p.insured_name == name.as_str())
        .collect();
    if matching.is_empty() {
        state.cache.incr(&user_key, DAY).await?;
        state.cache.incr(&id_key, DAY).await?;
        tracing::info!(user_id = user.user_id, "policy binding failed");
        return Err(ApiError::new(
            Kind::NotFound,
            POLICY_NOT_FOUND,
            "未找到与您填写的姓名和证件号码相符的保单，请核对后重试",
        ));
    }
    let now = state.clocks.business.now();
    let txn = state.db.begin().await?;
    for policy in &matching {
        store::bind(&txn, user.user_id, policy.id, Relation::Insured, now).await?;
    }
    txn.commit().await?;
    tracing::info!(
        user_id = user.user_id,
        policies = matching.len(),
        "policies bound"
    );
    store::bound(&state.db, user.user_id)
        .await
        .map_err(Into::into)
}

/// 直系三代以内: the relatives seed 004 lets use the tele-doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Grandparent,
    Parent,
    Child,
    Grandchild,
}

impl Relationship {
    fn as_str(self) -> &'static str {
        match self {
            Relationship::Grandparent => "grandparent",
            Relationship::Parent => "parent",
            Relationship::Child => "child",
            Relationship::Grandchild => "grandchild",
        }
    }
}

/// The caller's binding to a policy, or a 404 indistinguishable from a missing policy.
pub async fn bound_policy(
    state: &AppState,
    user_id: i64,
    public_id: uuid::Uuid,
) -> Result<(Policy, Relation), ApiError> {
    store::bound(&state.db, user_id)
        .await?
        .into_iter()
        .find(|(p, _)| p.public_id == public_id)
        .ok_or_else(|| ApiError::new(Kind::NotFound, "not_found", "未找到该保单"))
}

/// A policy bound to the user, how, and its plan.
pub async fn plan_of_policy(
    state: &AppState,
    user_id: i64,
    policy_id: uuid::Uuid,
) -> Result<(Policy, Relation, std::sync::Arc<crate::plans::Plan>), ApiError> {
    let (policy, relation) = bound_policy(state, user_id, policy_id).await?;
    let plan = state
        .plan_for_product(policy.product_id)
        .cloned()
        .ok_or_else(|| ApiError::internal(anyhow::anyhow!("policy of an unknown product")))?;
    Ok((policy, relation, plan))
}

/// The service a form names is not one of the policy's plan.
pub fn unknown_service() -> ApiError {
    ApiError::new(
        Kind::Unprocessable,
        "unknown_service",
        "该保单不包含所选服务，请重新选择",
    )
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
pub async fn invite(
    state: &AppState,
    user: &CurrentUser,
    policy_id: uuid::Uuid,
    relationship: Relationship,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let (policy, relation) = bound_policy(state, user.user_id, policy_id).await?;
    if relation != Relation::Insured {
        return Err(ApiError::new(
            Kind::Forbidden,
            NOT_THE_INSURED,
            "只有被保险人本人可以邀请亲属",
        ));
    }
    let allows_relatives = state
        .plan_for_product(policy.product_id)
        .is_some_and(|plan| {
            plan.services
                .iter()
                .any(|s| s.beneficiaries == crate::plans::Beneficiaries::InsuredAndRelatives)
        });
    if !allows_relatives {
        return Err(ApiError::new(
            Kind::Unprocessable,
            RELATIVES_NOT_ALLOWED,
            "该保单的服务仅限被保险人本人使用，不能邀请亲属",
        ));
    }
    let code = invitation_code();
    let now = Utc::now();
    let expires_at = now + INVITATION_TTL;
    relative_invitation::ActiveModel {
        policy_id: Set(policy.id),
        issued_by: Set(user.user_id),
        code_hash: Set(sha256_hex(&code)),
        relationship: Set(relationship.as_str().to_owned()),
        expires_at: Set(expires_at),
        redeemed_by: Set(None),
        redeemed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db)
    .await?;
    Ok((format!("{}-{}", &code[..5], &code[5..]), expires_at))
}

/// A relative redeems an invitation: bound as a relative, once.
pub async fn redeem(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<(Policy, Relation), ApiError> {
    ratelimit::check(
        &*state.cache,
        &format!("invite:user:{}", user.user_id),
        state.settings.limits.invitation_redeems_per_user_per_hour,
        HOUR,
    )
    .await?;
    let invalid = || {
        ApiError::new(
            Kind::NotFound,
            INVITATION_INVALID,
            "邀请码无效、已使用或已过期，请向被保险人重新获取",
        )
    };
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let invitation = relative_invitation::Entity::find()
        .filter(relative_invitation::Column::CodeHash.eq(sha256_hex(&normalise_code(code))))
        .one(&txn)
        .await?
        .filter(|i| i.redeemed_by.is_none() && i.expires_at > now)
        .ok_or_else(invalid)?;
    if invitation.issued_by == user.user_id {
        return Err(ApiError::new(
            Kind::Conflict,
            ALREADY_BOUND,
            "您已是该保单的被保险人，无需使用邀请码",
        ));
    }
    // Claimed with a conditional update, so two relatives racing on one code cannot both win.
    let claimed = relative_invitation::Entity::update_many()
        .col_expr(
            relative_invitation::Column::RedeemedBy,
            sea_orm::sea_query::Expr::value(user.user_id),
        )
        .col_expr(
            relative_invitation::Column::RedeemedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(relative_invitation::Column::Id.eq(invitation.id))
        .filter(relative_invitation::Column::RedeemedBy.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(invalid());
    }
    store::bind(
        &txn,
        user.user_id,
        invitation.policy_id,
        Relation::Relative,
        state.clocks.business.now(),
    )
    .await?;
    txn.commit().await?;
    store::bound(&state.db, user.user_id)
        .await?
        .into_iter()
        .find(|(p, _)| p.id == invitation.policy_id)
        .ok_or_else(invalid)
}
