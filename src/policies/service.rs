//! What the insured sees of their policies, and a partner's push of one policy.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::PolicyError;
use super::identity::PersonName;
use super::partner::Partner;
use super::record::{PolicyRecord, valid_policy_no};
use super::store::{self, Policy, Relation};
use crate::state::AppState;
use crate::users::phone::{PhoneNumber, unseal};

#[derive(Debug, Serialize, ToSchema)]
pub struct PolicySummary {
    pub id: Uuid,
    pub policy_no: String,
    pub product_code: String,
    pub product_name: String,
    /// Masked: `张*`.
    pub insured_name: String,
    /// Masked: `110101********1234`.
    pub id_number: String,
    /// `insured` (the caller is the insured) or `relative`.
    pub relation: String,
    pub status: String,
    pub effective_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
}

/// The phone the insurer has on file for the policy's insured, where it is a number we can
/// read (a mainland mobile as the imports carry them).
pub fn phone_on_file(
    state: &AppState,
    policy: &Policy,
) -> Result<Option<PhoneNumber>, crate::platform::error::Fault> {
    let Some(sealed) = &policy.phone_enc else {
        return Ok(None);
    };
    let aad = store::phone_aad(&policy.policy_no);
    Ok(unseal(&state.crypto, sealed, &aad, "86").map_err(anyhow::Error::from)?)
}

/// The insured's masked name (`张*丰`) of each policy of `ids`, by row id: what the queue shows.
pub async fn masked_names(
    state: &AppState,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, crate::platform::db::DbErr> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(store::insured_names(&state.db, ids)
        .await?
        .into_iter()
        .map(|(id, name)| (id, PersonName::mask_stored(&name)))
        .collect())
}

/// The policy a case was applied under (its row id).
#[instrument(level = "debug", skip_all)]
pub async fn by_row_id(
    state: &AppState,
    id: i64,
) -> Result<Option<Policy>, crate::platform::db::DbErr> {
    store::find_by_row_id(&state.db, id).await
}

pub fn summary(state: &AppState, policy: &Policy, relation: Relation) -> PolicySummary {
    let code = state
        .product_code(policy.product_id)
        .unwrap_or_default()
        .to_owned();
    let product_name = state
        .plan_for_product(policy.product_id)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    PolicySummary {
        id: policy.public_id,
        policy_no: policy.policy_no.clone(),
        product_code: code,
        product_name,
        insured_name: PersonName::mask_stored(&policy.insured_name),
        id_number: policy.id_number_masked.clone(),
        relation: relation.as_str().to_owned(),
        status: super::record::PolicyStatus::from(policy.status)
            .as_str()
            .to_owned(),
        effective_date: policy.effective_date,
        expiry_date: policy.expiry_date,
    }
}

/// The JSON body of a partner's policy: the CSV columns, as strings.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PartnerPolicy {
    #[schema(max_length = 64)]
    pub product_code: String,
    #[schema(max_length = 64)]
    pub insured_name: String,
    #[serde(default)]
    #[schema(max_length = 32)]
    pub id_type: String,
    #[schema(max_length = 32)]
    pub id_number: String,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub phone: Option<String>,
    #[schema(max_length = 10)]
    pub effective_date: String,
    #[serde(default)]
    #[schema(max_length = 10)]
    pub expiry_date: Option<String>,
    #[serde(default)]
    #[schema(max_length = 10)]
    pub cooling_off_end: Option<String>,
    #[serde(default)]
    #[schema(max_length = 16)]
    pub status: Option<String>,
    #[serde(default)]
    pub sum_insured_ok: Option<bool>,
}

impl PartnerPolicy {
    /// Its text fields and their maximum lengths (the schema states the same).
    pub fn lengths(&self) -> Vec<(&'static str, Option<&str>, usize)> {
        vec![
            ("product_code", Some(&self.product_code), 64),
            ("insured_name", Some(&self.insured_name), 64),
            ("id_type", Some(&self.id_type), 32),
            ("id_number", Some(&self.id_number), 32),
            ("phone", self.phone.as_deref(), 20),
            ("effective_date", Some(&self.effective_date), 10),
            ("expiry_date", self.expiry_date.as_deref(), 10),
            ("cooling_off_end", self.cooling_off_end.as_deref(), 10),
            ("status", self.status.as_deref(), 16),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerPolicyResponse {
    pub policy_no: String,
    /// `created` or `updated`.
    pub result: &'static str,
}

/// Creates or replaces the policy `policy_no` for `partner`: only products of its own insurer,
/// and never a policy another insurer holds. True when it was created.
#[instrument(skip_all, fields(partner = %partner.key_prefix))]
pub async fn put_partner_policy(
    state: &AppState,
    partner: &Partner,
    policy_no: String,
    body: PartnerPolicy,
) -> Result<bool, PolicyError> {
    let record = PolicyRecord {
        policy_no: policy_no.clone(),
        product_code: body.product_code,
        insured_name: body.insured_name,
        id_type: body.id_type,
        id_number: body.id_number,
        phone: body.phone,
        effective_date: body.effective_date,
        expiry_date: body.expiry_date,
        cooling_off_end: body.cooling_off_end,
        status: body.status,
        sum_insured_ok: body.sum_insured_ok.map(|b| b.to_string()),
    };
    let input = record
        .parse(|code| state.product_ids.contains_key(code))
        .map_err(|errors| PolicyError::InvalidPolicy {
            errors: serde_json::to_value(errors).unwrap_or_default(),
        })?;
    if !valid_policy_no(&policy_no) {
        return Err(PolicyError::NotFound);
    }
    let insurer_of = |product_id: i64| {
        state
            .plan_for_product(product_id)
            .map(|plan| plan.insurer.code.clone())
    };
    let product_id = state.product_ids[&input.product_code];
    let own_insurer = crate::staff::store::insurer_code(&state.db, partner.insurer_id).await?;
    if insurer_of(product_id) != own_insurer {
        return Err(PolicyError::PartnerForbidden);
    }
    let existing = store::find_by_no(&state.db, &policy_no).await?;
    if let Some(existing) = &existing
        && insurer_of(existing.product_id) != own_insurer
    {
        return Err(PolicyError::PartnerForbidden);
    }
    super::changes::changing(&*state.cache, async {
        store::upsert(
            &state.db,
            std::slice::from_ref(&input),
            &state.product_ids,
            &state.crypto,
            "partner",
            state.clocks.business.now(),
        )
        .await
        .map_err(PolicyError::unexpected)
    })
    .await?;
    tracing::info!(partner = %partner.key_prefix, "partner policy stored");
    Ok(existing.is_none())
}
