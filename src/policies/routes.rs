//! `/api/v1/policies/...` (binding, invitations) and `/api/v1/partner/policies/...` (insurers'
//! pushes, with the partner-key extractor).

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::bind::{self, Relationship};
use super::partner::{self, Partner};
use super::service::{self, PartnerPolicy, PartnerPolicyResponse, PolicySummary, summary};
use crate::auth::CurrentUser;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PoliciesResponse {
    pub policies: Vec<PolicySummary>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BindRequest {
    #[schema(max_length = 64)]
    pub name: String,
    /// `resident_id` (default), `passport`, `hk_macao_permit`, `taiwan_permit`,
    /// `foreign_permanent_resident`.
    #[serde(default = "resident_id")]
    #[schema(max_length = 32)]
    pub id_type: String,
    #[schema(max_length = 32)]
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
        (status = 422, description = "`invalid_identity`: a field is malformed (`details.field`); `field_too_long`", body = ErrorBody),
        (status = 409, description = "`policy_held_elsewhere`: another account holds the policy as its insured and this account's verified phone is not the policy's (`details.phone_verified`); the holder is told", body = ErrorBody),
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
    crate::http::check_lengths(&[
        ("name", Some(&body.name), 64),
        ("id_type", Some(&body.id_type), 32),
        ("id_number", Some(&body.id_number), 32),
    ])?;
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
    let bound = bind::bound(&state, user.user_id).await?;
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
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
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
    let (code, expires_at) = bind::invite(&state, user.user_id, *path, body.relationship).await?;
    Ok(HttpResponse::Created()
        .insert_header(("cache-control", "no-store"))
        .json(InvitationResponse { code, expires_at }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RedeemRequest {
    #[schema(max_length = 64)]
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
        (status = 422, description = "`field_too_long`, `invalid_body`", body = ErrorBody),
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
    crate::http::check_lengths(&[("code", Some(&body.code), 64)])?;
    let (policy, relation) = bind::redeem(&state, &user, &body.code).await?;
    Ok(web::Json(summary(&state, &policy, relation)))
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
        (status = 400, description = "`malformed_json`", body = ErrorBody),
        (status = 422, description = "`invalid_policy`: `details.errors` lists field and reason; `field_too_long`, `invalid_body`", body = ErrorBody),
    )
)]
#[put("/partner/policies/{policy_no}")]
pub async fn put_policy(
    partner: Partner,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    // The key is checked before the body is read as a policy.
    let body: PartnerPolicy = crate::http::parse_json(&body)?;
    crate::http::check_lengths(&body.lengths())?;
    let policy_no = path.into_inner();
    let created = service::put_partner_policy(&state, &partner, policy_no.clone(), body).await?;
    let (mut response, result) = match created {
        true => (HttpResponse::Created(), "created"),
        false => (HttpResponse::Ok(), "updated"),
    };
    Ok(response.json(PartnerPolicyResponse { policy_no, result }))
}

/// The key a partner presents: `X-Api-Key`, or `Authorization: Bearer`.
fn presented_key(req: &HttpRequest) -> Option<String> {
    if let Some(value) = req.headers().get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(value.trim().to_owned());
    }
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

impl FromRequest for Partner {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let key = presented_key(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(anyhow::anyhow!("no AppState")))?;
            Ok(partner::authenticate(&state, key).await?)
        })
    }
}
