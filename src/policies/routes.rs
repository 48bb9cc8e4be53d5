use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, put, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::bind::{self, Relationship};
use super::identity::PersonName;
use super::partner::Partner;
use super::record::{PolicyRecord, valid_policy_no};
use super::store::{self, Policy, Relation};
use crate::auth::CurrentUser;
use crate::error::{ApiError, ErrorBody, Kind};
use crate::state::AppState;

pub const INVALID_POLICY: &str = "invalid_policy";
pub const PARTNER_FORBIDDEN: &str = "partner_forbidden";

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
        insured_name: PersonName::parse(&policy.insured_name)
            .map(|n| n.masked())
            .unwrap_or_else(|_| "*".to_owned()),
        id_number: policy.id_number_masked.clone(),
        relation: relation.as_str().to_owned(),
        status: policy.status.clone(),
        effective_date: policy.effective_date,
        expiry_date: policy.expiry_date,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PoliciesResponse {
    pub policies: Vec<PolicySummary>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BindRequest {
    pub name: String,
    /// `resident_id` (default), `passport`, `hk_macao_permit`, `taiwan_permit`,
    /// `foreign_permanent_resident`.
    #[serde(default = "resident_id")]
    pub id_type: String,
    pub id_number: String,
}

fn resident_id() -> String {
    "resident_id".to_owned()
}

/// Binds the caller to the policies on which they are the insured.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    request_body = BindRequest,
    responses(
        (status = 200, body = PoliciesResponse),
        (status = 404, description = "`policy_not_found`: no policy with this name and ID number (the same answer whatever is wrong)", body = ErrorBody),
        (status = 422, description = "`invalid_identity`: a field is malformed (`details.field`)", body = ErrorBody),
        (status = 429, description = "`bind_locked`: too many failed attempts (Retry-After)", body = ErrorBody),
        (status = 401, description = "`token_*`, `session_revoked`", body = ErrorBody),
    )
)]
#[post("/policies/bind")]
pub async fn bind_policies(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<BindRequest>,
) -> Result<web::Json<PoliciesResponse>, ApiError> {
    let bound = bind::bind(&state, &user, &body.name, &body.id_type, &body.id_number).await?;
    Ok(web::Json(PoliciesResponse {
        policies: bound.iter().map(|(p, r)| summary(&state, p, *r)).collect(),
    }))
}

/// The caller's bound policies.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    responses((status = 200, body = PoliciesResponse), (status = 401, description = "`token_*`", body = ErrorBody))
)]
#[get("/policies")]
pub async fn list_policies(
    user: CurrentUser,
    state: web::Data<AppState>,
) -> Result<web::Json<PoliciesResponse>, ApiError> {
    let bound = store::bound(&state.db, user.user_id).await?;
    Ok(web::Json(PoliciesResponse {
        policies: bound.iter().map(|(p, r)| summary(&state, p, *r)).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    pub relationship: Relationship,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationResponse {
    /// One-time, shown once: the relative types it into their own mini-program.
    #[schema(example = "K7M2Q-9PX4D")]
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// The insured invites a relative (direct, three generations) to the services that allow them.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    request_body = InviteRequest,
    params(("id" = Uuid, Path, description = "The policy's id")),
    responses(
        (status = 201, body = InvitationResponse),
        (status = 403, description = "`not_the_insured`", body = ErrorBody),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 422, description = "`relatives_not_allowed`: no service of this plan is for relatives", body = ErrorBody),
    )
)]
#[post("/policies/{id}/invitations")]
pub async fn invite(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<InviteRequest>,
) -> Result<HttpResponse, ApiError> {
    let (code, expires_at) = bind::invite(&state, &user, *path, body.relationship).await?;
    Ok(HttpResponse::Created()
        .insert_header(("cache-control", "no-store"))
        .json(InvitationResponse { code, expires_at }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RedeemRequest {
    pub code: String,
}

/// A relative redeems the insured's invitation.
#[utoipa::path(
    tag = "policies",
    security(("bearer" = [])),
    request_body = RedeemRequest,
    responses(
        (status = 200, body = PolicySummary),
        (status = 404, description = "`invitation_invalid`: unknown, used or expired", body = ErrorBody),
        (status = 409, description = "`already_bound`", body = ErrorBody),
        (status = 429, description = "`rate_limited`", body = ErrorBody),
    )
)]
#[post("/policies/invitations/redeem")]
pub async fn redeem(
    user: CurrentUser,
    state: web::Data<AppState>,
    body: web::Json<RedeemRequest>,
) -> Result<web::Json<PolicySummary>, ApiError> {
    let (policy, relation) = bind::redeem(&state, &user, &body.code).await?;
    Ok(web::Json(summary(&state, &policy, relation)))
}

/// The JSON body of a partner's policy: the CSV columns, as strings.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PartnerPolicy {
    pub product_code: String,
    pub insured_name: String,
    #[serde(default)]
    pub id_type: String,
    pub id_number: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub effective_date: String,
    #[serde(default)]
    pub expiry_date: Option<String>,
    #[serde(default)]
    pub cooling_off_end: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub sum_insured_ok: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnerPolicyResponse {
    pub policy_no: String,
    /// `created` or `updated`.
    pub result: &'static str,
}

/// An insurer pushes one policy (create or replace by policy number).
#[utoipa::path(
    tag = "partner",
    security(("partner_key" = [])),
    request_body = PartnerPolicy,
    params(("policy_no" = String, Path, description = "The insurer's policy number")),
    responses(
        (status = 201, body = PartnerPolicyResponse, description = "Created"),
        (status = 200, body = PartnerPolicyResponse, description = "Updated"),
        (status = 401, description = "`partner_key_invalid`", body = ErrorBody),
        (status = 403, description = "`partner_forbidden`: the product or the existing policy belongs to another insurer", body = ErrorBody),
        (status = 422, description = "`invalid_policy`: `details.errors` lists field and reason", body = ErrorBody),
    )
)]
#[put("/partner/policies/{policy_no}")]
pub async fn put_policy(
    partner: Partner,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<PartnerPolicy>,
) -> Result<HttpResponse, ApiError> {
    let policy_no = path.into_inner();
    let body = body.into_inner();
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
        .map_err(|errors| {
            ApiError::new(
                Kind::Unprocessable,
                INVALID_POLICY,
                "保单信息不完整或格式不正确",
            )
            .with_details(json!({ "errors": errors }))
        })?;
    if !valid_policy_no(&policy_no) {
        return Err(ApiError::not_found());
    }
    let forbidden = || {
        ApiError::new(
            Kind::Forbidden,
            PARTNER_FORBIDDEN,
            "该保单或产品不属于您的机构",
        )
    };
    let insurer_of = |product_id: i64| {
        state
            .plan_for_product(product_id)
            .map(|plan| plan.insurer.code.clone())
    };
    let product_id = state.product_ids[&input.product_code];
    let own_insurer = insurer_code(&state, partner.insurer_id).await?;
    if insurer_of(product_id) != own_insurer {
        return Err(forbidden());
    }
    let existing = store::find_by_no(&state.db, &policy_no).await?;
    if let Some(existing) = &existing
        && insurer_of(existing.product_id) != own_insurer
    {
        return Err(forbidden());
    }
    store::upsert(
        &state.db,
        std::slice::from_ref(&input),
        &state.product_ids,
        &state.crypto,
        "partner",
        state.clocks.business.now(),
    )
    .await?;
    tracing::info!(partner = %partner.key_prefix, "partner policy stored");
    let (status, result) = if existing.is_some() {
        (StatusCode::OK, "updated")
    } else {
        (StatusCode::CREATED, "created")
    };
    Ok(HttpResponse::build(status).json(PartnerPolicyResponse { policy_no, result }))
}

async fn insurer_code(state: &AppState, insurer_id: i64) -> Result<Option<String>, ApiError> {
    use sea_orm::EntityTrait;
    Ok(entity::insurer::Entity::find_by_id(insurer_id)
        .one(&state.db)
        .await?
        .map(|i| i.code))
}
