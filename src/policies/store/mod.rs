//! The only file that knows how policies and bindings are stored. Identity numbers and phones
//! are sealed (AAD: table, column and policy number) with HMAC blind indexes for lookup.

pub mod holders;
mod invitations;
pub mod partner_keys;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::policy::PolicyState;
use entity::{policy, policy_binding};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QueryTrait, Statement,
};
use uuid::Uuid;

use super::identity::IdNumber;
use super::record::{PolicyInput, PolicyStatus};
use crate::platform::crypto::Crypto;

pub type Policy = policy::Model;

/// The stored state is the domain's status, one for one.
impl From<PolicyState> for PolicyStatus {
    fn from(state: PolicyState) -> Self {
        match state {
            PolicyState::InForce => PolicyStatus::InForce,
            PolicyState::Lapsed => PolicyStatus::Lapsed,
            PolicyState::Surrendered => PolicyStatus::Surrendered,
            PolicyState::Terminated => PolicyStatus::Terminated,
        }
    }
}

impl From<PolicyStatus> for PolicyState {
    fn from(status: PolicyStatus) -> Self {
        match status {
            PolicyStatus::InForce => PolicyState::InForce,
            PolicyStatus::Lapsed => PolicyState::Lapsed,
            PolicyStatus::Surrendered => PolicyState::Surrendered,
            PolicyStatus::Terminated => PolicyState::Terminated,
        }
    }
}

pub fn id_number_aad(policy_no: &str) -> String {
    format!("policy|id_number|{policy_no}")
}

pub fn phone_aad(policy_no: &str) -> String {
    format!("policy|phone|{policy_no}")
}

pub fn id_number_index(crypto: &Crypto, id: &IdNumber) -> String {
    crypto.blind_index("id_number", &id.index_input())
}

fn active_model(
    input: &PolicyInput,
    product_id: i64,
    crypto: &Crypto,
    source: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<policy::ActiveModel> {
    let id_enc = crypto.seal_str(input.id_number.expose(), &id_number_aad(&input.policy_no))?;
    let (phone_enc, phone_hash) = match &input.phone {
        Some(phone) => (
            Some(crypto.seal_str(&phone.normalised(), &phone_aad(&input.policy_no))?),
            Some(crypto.blind_index("phone", &phone.normalised())),
        ),
        None => (None, None),
    };
    Ok(policy::ActiveModel {
        public_id: Set(Uuid::new_v4()),
        policy_no: Set(input.policy_no.clone()),
        product_id: Set(product_id),
        insured_name: Set(input.insured_name.as_str().to_owned()),
        id_type: Set(input.id_number.id_type().as_str().to_owned()),
        id_number_enc: Set(id_enc),
        id_number_hash: Set(id_number_index(crypto, &input.id_number)),
        id_number_masked: Set(input.id_number.masked()),
        phone_enc: Set(phone_enc),
        phone_hash: Set(phone_hash),
        effective_date: Set(input.effective_date),
        expiry_date: Set(input.expiry_date),
        cooling_off_end: Set(input.cooling_off_end),
        status: Set(input.status.into()),
        sum_insured_ok: Set(input.sum_insured_ok),
        source: Set(source.to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
}

/// Inserts or updates policies by policy number, in one statement per batch. Within a batch the
/// last row of a policy number wins (a file may correct itself).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn upsert(
    db: &impl ConnectionTrait,
    inputs: &[PolicyInput],
    product_ids: &HashMap<String, i64>,
    crypto: &Crypto,
    source: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let Some(batch) = upsert_statement(
        Backend(db.get_database_backend()),
        inputs,
        product_ids,
        crypto,
        source,
        now,
    )?
    else {
        return Ok(0);
    };
    let written = batch.written;
    write_batch(db, batch).await?;
    Ok(written)
}

/// The kind of database a statement is built for (read once from the connection).
#[derive(Debug, Clone, Copy)]
pub struct Backend(DbBackend);

impl Backend {
    pub fn of(db: &impl ConnectionTrait) -> Self {
        Self(db.get_database_backend())
    }
}

/// Policies ready to be written in one statement (built by [`upsert_statement`]).
#[derive(Debug)]
pub struct UpsertBatch {
    statement: Statement,
    /// How many policies it writes.
    pub written: usize,
}

/// Runs a batch, in the caller's transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn write_batch(db: &impl ConnectionTrait, batch: UpsertBatch) -> Result<(), DbErr> {
    db.execute_raw(batch.statement).await?;
    Ok(())
}

/// The statement [`upsert`] runs and how many policies it writes (none for no input): every
/// identity number and phone sealed and indexed — the CPU half of an upsert, which an import
/// does on a thread of its own while the database runs the previous batch.
pub fn upsert_statement(
    backend: Backend,
    inputs: &[PolicyInput],
    product_ids: &HashMap<String, i64>,
    crypto: &Crypto,
    source: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<UpsertBatch>> {
    let mut latest: HashMap<&str, usize> = HashMap::new();
    for (i, input) in inputs.iter().enumerate() {
        latest.insert(input.policy_no.as_str(), i);
    }
    let mut order: Vec<usize> = latest.into_values().collect();
    order.sort_unstable();
    let mut rows = Vec::with_capacity(order.len());
    for i in order {
        let input = &inputs[i];
        let product_id = *product_ids
            .get(&input.product_code)
            .ok_or_else(|| anyhow::anyhow!("unknown product {}", input.product_code))?;
        rows.push(active_model(input, product_id, crypto, source, now)?);
    }
    let written = rows.len();
    if rows.is_empty() {
        return Ok(None);
    }
    let statement = policy::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(policy::Column::PolicyNo)
                .update_columns([
                    policy::Column::ProductId,
                    policy::Column::InsuredName,
                    policy::Column::IdType,
                    policy::Column::IdNumberEnc,
                    policy::Column::IdNumberHash,
                    policy::Column::IdNumberMasked,
                    policy::Column::PhoneEnc,
                    policy::Column::PhoneHash,
                    policy::Column::EffectiveDate,
                    policy::Column::ExpiryDate,
                    policy::Column::CoolingOffEnd,
                    policy::Column::Status,
                    policy::Column::SumInsuredOk,
                    policy::Column::Source,
                    policy::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .build(backend.0);
    Ok(Some(UpsertBatch { statement, written }))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_no(
    db: &impl ConnectionTrait,
    policy_no: &str,
) -> Result<Option<Policy>, DbErr> {
    policy::Entity::find()
        .filter(policy::Column::PolicyNo.eq(policy_no))
        .one(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_id_index(
    db: &impl ConnectionTrait,
    id_type: &str,
    index: &str,
) -> Result<Vec<Policy>, DbErr> {
    policy::Entity::find()
        .filter(policy::Column::IdNumberHash.eq(index))
        .filter(policy::Column::IdType.eq(id_type))
        .order_by_asc(policy::Column::Id)
        .all(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_public_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Policy>, DbErr> {
    policy::Entity::find()
        .filter(policy::Column::PublicId.eq(id))
        .one(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn count(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    policy::Entity::find().count(db).await
}

/// How a user is bound to a policy.
pub use entity::policy_binding::BindingRelation as Relation;

/// Binds a user to each of `policies` as their insured, in one transaction.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn bind_all(
    db: &crate::platform::db::Db,
    user_id: i64,
    policies: &[Policy],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    use sea_orm::TransactionTrait;
    let txn = db.begin().await?;
    for policy in policies {
        bind(&txn, user_id, policy.id, Relation::Insured, now).await?;
    }
    txn.commit().await
}

/// Binds a user to a policy; binding twice is a no-op (the unique index keeps one row).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn bind(
    db: &impl ConnectionTrait,
    user_id: i64,
    policy_id: i64,
    relation: Relation,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    policy_binding::Entity::insert(policy_binding::ActiveModel {
        user_id: Set(user_id),
        policy_id: Set(policy_id),
        relation: Set(relation),
        created_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            policy_binding::Column::UserId,
            policy_binding::Column::PolicyId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The user's bound policies with how they are bound, oldest binding first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn bound(
    db: &impl ConnectionTrait,
    user_id: i64,
) -> Result<Vec<(Policy, Relation)>, DbErr> {
    let bindings = policy_binding::Entity::find()
        .filter(policy_binding::Column::UserId.eq(user_id))
        .order_by_asc(policy_binding::Column::Id)
        .all(db)
        .await?;
    if bindings.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = bindings.iter().map(|b| b.policy_id).collect();
    let policies: HashMap<i64, Policy> = policy::Entity::find()
        .filter(policy::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok(bindings
        .into_iter()
        .filter_map(|b| policies.get(&b.policy_id).cloned().map(|p| (p, b.relation)))
        .collect())
}

/// Whether `user_id` still holds its binding to policy `policy_id`, read in the caller's
/// transaction with a share lock on the binding (PostgreSQL; SQLite runs one writer at a time):
/// an account's deletion, which removes its bindings before it asks for open cases, waits for
/// a case applied for under one to commit, or the application finds the binding gone.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn binding_held(
    txn: &impl ConnectionTrait,
    user_id: i64,
    policy_id: i64,
) -> Result<bool, DbErr> {
    use sea_orm::QuerySelect;
    Ok(policy_binding::Entity::find()
        .filter(policy_binding::Column::UserId.eq(user_id))
        .filter(policy_binding::Column::PolicyId.eq(policy_id))
        .lock_shared()
        .one(txn)
        .await?
        .is_some())
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn has_bindings(db: &impl ConnectionTrait, user_id: i64) -> Result<bool, DbErr> {
    Ok(policy_binding::Entity::find()
        .filter(policy_binding::Column::UserId.eq(user_id))
        .one(db)
        .await?
        .is_some())
}

/// The insured's name of each policy of `ids`, as stored, by row id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insured_names(
    db: &impl ConnectionTrait,
    ids: Vec<i64>,
) -> Result<HashMap<i64, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(policy::Entity::find()
        .filter(policy::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.insured_name))
        .collect())
}

/// A policy by its row id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_row_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Policy>, DbErr> {
    policy::Entity::find_by_id(id).one(db).await
}

/// The insurer of a product row.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insurer_of_product(
    db: &impl ConnectionTrait,
    product_id: i64,
) -> Result<Option<i64>, DbErr> {
    Ok(entity::product::Entity::find_by_id(product_id)
        .one(db)
        .await?
        .map(|p| p.insurer_id))
}

pub use invitations::{NewInvitation, Redeemed, insert_invitation, redeem_invitation};

#[cfg(test)]
mod tests {
    use entity::policy::PolicyState;
    use sea_orm::{ActiveEnum, Iterable};

    use super::PolicyStatus;

    #[test]
    fn relations_are_stored_under_the_words_rows_already_hold() {
        for relation in super::Relation::iter() {
            assert_eq!(relation.to_value(), relation.as_str());
        }
        assert_eq!(super::Relation::Insured.as_str(), "insured");
        assert_eq!(super::Relation::Relative.as_str(), "relative");
    }

    #[test]
    fn statuses_are_stored_under_the_words_rows_already_hold() {
        for state in PolicyState::iter() {
            let status = PolicyStatus::from(state);
            assert_eq!(state.to_value(), status.as_str());
            assert_eq!(PolicyState::from(status), state);
        }
    }
}
