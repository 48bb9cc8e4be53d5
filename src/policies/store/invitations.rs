//! Relatives' invitations: stored by the hash of their code, redeemed once.

use chrono::{DateTime, Utc};
use entity::relative_invitation;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DbErr, EntityTrait, QueryFilter,
    TransactionTrait,
};

use super::{Relation, bind};
use crate::platform::db::Db;

/// An invitation to store.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub policy_id: i64,
    pub issued_by: i64,
    pub code_hash: String,
    pub relationship: &'static str,
    pub expires_at: DateTime<Utc>,
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_invitation(
    db: &Db,
    invitation: NewInvitation,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    relative_invitation::ActiveModel {
        policy_id: Set(invitation.policy_id),
        issued_by: Set(invitation.issued_by),
        code_hash: Set(invitation.code_hash),
        relationship: Set(invitation.relationship.to_owned()),
        expires_at: Set(invitation.expires_at),
        redeemed_by: Set(None),
        redeemed_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How a redemption ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redeemed {
    /// The user is now bound to the policy as a relative.
    Bound { policy_id: i64 },
    /// The insured tried their own invitation.
    OwnInvitation,
    /// Unknown, used or expired (or taken by a racing relative).
    Invalid,
}

/// Redeems the invitation whose code hashes to `code_hash` for `user_id`, binding them as a
/// relative, in one transaction. Claimed with a conditional update, so two relatives racing on
/// one code cannot both win.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn redeem_invitation(
    db: &Db,
    code_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    bound_at: DateTime<Utc>,
) -> Result<Redeemed, DbErr> {
    let txn = db.begin().await?;
    let Some(invitation) = relative_invitation::Entity::find()
        .filter(relative_invitation::Column::CodeHash.eq(code_hash))
        .one(&txn)
        .await?
        .filter(|i| i.redeemed_by.is_none() && i.expires_at > now)
    else {
        return Ok(Redeemed::Invalid);
    };
    if invitation.issued_by == user_id {
        return Ok(Redeemed::OwnInvitation);
    }
    let claimed = relative_invitation::Entity::update_many()
        .col_expr(
            relative_invitation::Column::RedeemedBy,
            Expr::value(user_id),
        )
        .col_expr(relative_invitation::Column::RedeemedAt, Expr::value(now))
        .filter(relative_invitation::Column::Id.eq(invitation.id))
        .filter(relative_invitation::Column::RedeemedBy.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(Redeemed::Invalid);
    }
    bind(
        &txn,
        user_id,
        invitation.policy_id,
        Relation::Relative,
        bound_at,
    )
    .await?;
    txn.commit().await?;
    Ok(Redeemed::Bound {
        policy_id: invitation.policy_id,
    })
}
