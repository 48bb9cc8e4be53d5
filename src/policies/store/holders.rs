//! Who holds a policy as its insured: one account per policy (issue 29 §1). A second account
//! binds it only with the policy's phone verified on it, or as a relative by invitation; the
//! operators list and resolve the double bindings made before that rule.

use chrono::{DateTime, Utc};
use entity::policy_binding::{self, BindingRelation};
use entity::{app_user, policy};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

/// The other accounts bound to these policies as the insured: (policy id, user id).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insured_elsewhere(
    db: &impl ConnectionTrait,
    user_id: i64,
    policy_ids: &[i64],
) -> Result<Vec<(i64, i64)>, DbErr> {
    Ok(policy_binding::Entity::find()
        .filter(policy_binding::Column::PolicyId.is_in(policy_ids.iter().copied()))
        .filter(policy_binding::Column::Relation.eq(BindingRelation::Insured))
        .filter(policy_binding::Column::UserId.ne(user_id))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.policy_id, b.user_id))
        .collect())
}

/// One account bound to a policy as its insured.
#[derive(Debug, Clone)]
pub struct Holder {
    pub user: Uuid,
    pub bound_at: DateTime<Utc>,
    /// The account's WeChat-verified phone is the policy's.
    pub phone_matches: bool,
}

/// A policy bound as the insured to more than one account.
#[derive(Debug, Clone)]
pub struct DoubleBinding {
    pub policy_no: String,
    pub holders: Vec<Holder>,
}

/// Every policy bound as the insured to more than one account, by policy number.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn doubles(db: &impl ConnectionTrait) -> Result<Vec<DoubleBinding>, DbErr> {
    let policy_ids: Vec<i64> = policy_binding::Entity::find()
        .select_only()
        .column(policy_binding::Column::PolicyId)
        .filter(policy_binding::Column::Relation.eq(BindingRelation::Insured))
        .group_by(policy_binding::Column::PolicyId)
        .having(policy_binding::Column::Id.count().gt(1))
        .into_tuple()
        .all(db)
        .await?;
    let mut found = Vec::new();
    for policy in policy::Entity::find()
        .filter(policy::Column::Id.is_in(policy_ids))
        .order_by_asc(policy::Column::PolicyNo)
        .all(db)
        .await?
    {
        let bindings = policy_binding::Entity::find()
            .filter(policy_binding::Column::PolicyId.eq(policy.id))
            .filter(policy_binding::Column::Relation.eq(BindingRelation::Insured))
            .order_by_asc(policy_binding::Column::Id)
            .all(db)
            .await?;
        let mut holders = Vec::new();
        for binding in bindings {
            if let Some(user) = app_user::Entity::find_by_id(binding.user_id)
                .one(db)
                .await?
            {
                holders.push(Holder {
                    user: user.public_id,
                    bound_at: binding.created_at,
                    phone_matches: user.phone_hash.is_some()
                        && user.phone_hash == policy.phone_hash,
                });
            }
        }
        found.push(DoubleBinding {
            policy_no: policy.policy_no,
            holders,
        });
    }
    Ok(found)
}

/// Removes `user`'s binding to policy `policy_no` as its insured; false when there was none.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn unbind(db: &impl ConnectionTrait, policy_no: &str, user: Uuid) -> Result<bool, DbErr> {
    let Some(policy) = policy::Entity::find()
        .filter(policy::Column::PolicyNo.eq(policy_no))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let Some(account) = app_user::Entity::find()
        .filter(app_user::Column::PublicId.eq(user))
        .one(db)
        .await?
    else {
        return Ok(false);
    };
    let removed = policy_binding::Entity::delete_many()
        .filter(policy_binding::Column::PolicyId.eq(policy.id))
        .filter(policy_binding::Column::UserId.eq(account.id))
        .filter(policy_binding::Column::Relation.eq(BindingRelation::Insured))
        .exec(db)
        .await?;
    Ok(removed.rows_affected > 0)
}
