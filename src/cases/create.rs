//! Applying for a service: every check of the plan, then one transaction that takes the
//! idempotency key, the use(s) of the quota, the case and its first event together.

use chrono::TimeDelta;
use tracing::instrument;
use uuid::Uuid;

use super::apply_error::ApplyError;
use super::change::NewCase;
use super::contact;
use super::form::{self, CreateCase, check_form, trimmed};
use super::intake::{IntakeReason, IntakeRefusal};
use super::lifecycle::Status;
use super::register;
use super::store::{self, Actor};
use super::view;
use crate::calendar::local_date;
use crate::eligibility::store::quota::{self, Claim, Reservation};
use crate::eligibility::{PolicyFacts, evaluate_service, quota_of, quota_period};
use crate::plans::Flow;
use crate::platform::db::write_transaction;
use crate::platform::idempotency::{IdempotencyKey, Outcome, StoredAnswer};
use crate::policies::bind::plan_of_policy;
use crate::policies::error::PolicyError;
use crate::state::AppState;

/// How an application ended.
#[derive(Debug)]
pub enum Created {
    /// A new draft (201): its detail view, as also kept for retries with the same key.
    New { case_id: Uuid, answer: StoredAnswer },
    /// A retry whose first request was answered: that answer again.
    Replayed(StoredAnswer),
}

/// Applies for a service as `user_id`; `key_header` is the request's `Idempotency-Key`.
#[instrument(skip_all, fields(user_id, service = %body.service))]
pub async fn create(
    state: &AppState,
    user_id: i64,
    key_header: Option<&str>,
    body: CreateCase,
) -> Result<Created, ApplyError> {
    let key = IdempotencyKey::parse(key_header, format!("user:{user_id}"), "POST /cases", &body)?;
    if let Some(replay) = key.replay(&state.db).await? {
        return Ok(Created::Replayed(replay));
    }
    let (policy, relation, plan) = plan_of_policy(state, user_id, body.policy_id).await?;
    let service = plan
        .service(&body.service)
        .ok_or(PolicyError::UnknownService)?;
    let now = state.clocks.business.now();
    let today = local_date(now);
    let facts = PolicyFacts::of(&policy);
    let uses = crate::eligibility::store::uses(&state.db, policy.id).await?;
    let insurer_id = crate::policies::store::insurer_of_product(&state.db, policy.product_id)
        .await?
        .ok_or_else(|| ApplyError::unexpected("policy without its product"))?;
    // A refusal of the service is registered without personal data (seed 001 登记备案).
    let registered = |error: ApplyError| async {
        if let Some(reason) = IntakeReason::of(&error) {
            let refusal = IntakeRefusal {
                insurer_id,
                product_id: policy.product_id,
                service_id: service.id.clone(),
                reason,
                at: now,
            };
            register::record(state, refusal).await;
        }
        error
    };
    let entitlement = evaluate_service(&plan, service, &facts, relation, today, &uses);
    if !entitlement.available {
        return Err(registered(ApplyError::NotEntitled {
            reasons: entitlement.reasons,
            available_from: entitlement.available_from,
        })
        .await);
    }
    if let Err(error) = check_form(state, &plan, service, &body, now) {
        return Err(registered(error).await);
    }
    let contact = contact::choose(state, user_id, &policy, form::contact(&body)?).await?;
    let public_id = Uuid::new_v4();
    let contact_phone = contact::seal(state, public_id, &contact)?;
    let outpatient_first = form::outpatient_first(service, &body);
    // Uses to take: the service's own, and without a slip those the plan says go with it.
    let mut claims = Vec::new();
    if let Some((key, limit, scope, _)) = quota_of(&plan, service) {
        claims.push((service.id.clone(), key, limit, scope));
    }
    if outpatient_first {
        for other in &service.no_slip_consumes {
            let Some(other) = plan.services.iter().find(|s| &s.id == other) else {
                continue;
            };
            if let Some((key, limit, scope, _)) = quota_of(&plan, other)
                && !claims.iter().any(|(_, k, _, _)| *k == key)
            {
                claims.push((other.id.clone(), key, limit, scope));
            }
        }
    }
    let ttl = TimeDelta::hours(i64::from(state.settings.cases.draft_ttl_hours));
    // A service whose flow starts with a contact skips the draft: the case is applied for now,
    // accepted at the provider's next opening, and awaits the materials the specialist guides.
    let calendar = state.calendar.get();
    let (status, applied_at, accepted_at, draft_expires_at) = match service.flow {
        Flow::MaterialsFirst => (Status::Draft, None, None, Some(now + ttl)),
        Flow::ContactFirst => (
            Status::NeedsMaterials,
            Some(now),
            Some(calendar.next_opening(now, &service.acceptance).value),
            None,
        ),
    };
    for _ in 0..3 {
        let txn = write_transaction(&state.db).await?;
        if !key.claim(&txn, now).await? {
            txn.rollback().await?;
            if let Some(replay) = key.replay(&state.db).await? {
                return Ok(Created::Replayed(replay));
            }
            continue;
        }
        // Still the caller's policy, held until the case is written: an account deleted since
        // the policy was read leaves no case behind it (see `privacy::erasure`).
        if !crate::policies::store::binding_held(&txn, user_id, policy.id).await? {
            txn.rollback().await?;
            return Err(PolicyError::NotFound.into());
        }
        let mut taken = Vec::new();
        for (service_id, quota_key, limit, scope) in &claims {
            let (period_start, _) = quota_period(*scope, &plan, &facts, today);
            let claim = Claim {
                policy_id: policy.id,
                quota_key,
                period_start,
                limit: *limit,
                service_id,
                case_id: None,
            };
            match quota::reserve(&txn, &claim, now).await? {
                Reservation::Reserved { quota_use_id, .. } => taken.push(quota_use_id),
                Reservation::Exhausted => {
                    txn.rollback().await?;
                    return Err(registered(ApplyError::QuotaExhausted {
                        service: service_id.clone(),
                    })
                    .await);
                }
            }
        }
        let case = store::write::insert_case(
            &txn,
            &calendar,
            service,
            NewCase {
                public_id,
                policy_id: policy.id,
                user_id,
                product_id: policy.product_id,
                insurer_id,
                service_id: service.id.clone(),
                quota_key: quota_of(&plan, service).map(|(k, ..)| k),
                status,
                diagnosis_state: body.diagnosis_state,
                illness_id: trimmed(&body.illness_id),
                city_code: trimmed(&body.city),
                hospital_id: trimmed(&body.hospital_id),
                alternate_hospital_id: trimmed(&body.alternate_hospital_id),
                slip_hospital_id: trimmed(&body.admission_slip_hospital_id),
                slip_department_id: trimmed(&body.admission_slip_department_id),
                department_id: trimmed(&body.department_id),
                expert_name: trimmed(&body.expert_name),
                wanted_date: body.wanted_date,
                admission_slip: body.admission_slip,
                admission_slip_date: body.admission_slip_date,
                outpatient_first,
                description: trimmed(&body.description),
                applied_at,
                accepted_at,
                draft_expires_at,
                contact_phone: contact_phone.clone(),
                at: now,
            },
        )
        .await?;
        for quota_use_id in taken {
            quota::attach(&txn, quota_use_id, case.id).await?;
        }
        store::write::record_event(
            &txn,
            case.id,
            None,
            status,
            "created",
            Actor::User(user_id),
            None,
            None,
            now,
        )
        .await?;
        let events = store::events(&txn, case.id).await?;
        let view = view::detail(
            &case,
            status,
            policy.public_id,
            service,
            &calendar,
            now,
            &events,
            None,
            plan.lines_for(service),
            view::Beside {
                notices: plan.notices_for(service),
                ..view::Beside::default()
            },
        );
        let body = serde_json::to_string(&view).map_err(ApplyError::unexpected)?;
        let answer = StoredAnswer {
            outcome: Outcome::Created,
            body,
        };
        key.complete(&txn, &answer).await?;
        txn.commit().await?;
        tracing::info!(case = %case.public_id, service = %service.id, "case created");
        return Ok(Created::New {
            case_id: case.public_id,
            answer,
        });
    }
    Err(ApplyError::RequestInProgress)
}
