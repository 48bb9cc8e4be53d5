//! Persisting what the lifecycle decided: every transition is one transaction that writes the
//! case (only if nobody changed it since it was read: optimistic locking on `version`), its
//! `case_event`, the quota change and, where the insured should hear of it, an outbox row.

use chrono::{DateTime, Utc};
use entity::{case_event, service_case};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter,
};

use super::columns::{columns, merged};
use super::{Actor, Case, StoreError, Transition};
use crate::calendar::Calendar;
use crate::cases::change::Change;
use crate::cases::change::NewCase;
use crate::cases::lifecycle::{QuotaEffect, Status};
use crate::cases::promises::promises;
use crate::eligibility::store::quota::{self, Settlement};
use crate::outbox::store as outbox;
use crate::plans::Service;
use crate::platform::db::Db;
use crate::platform::db::write_transaction;
use entity::case_offer::OfferState;

/// Applies `transition` to `case` if its version is still `expected_version`.
#[allow(clippy::too_many_arguments)] // the rules (calendar, service), the case, the change, who and when
#[tracing::instrument(level = "debug", skip_all)]
pub(in crate::cases) async fn apply(
    db: &Db,
    calendar: &Calendar,
    service: &Service,
    case: &Case,
    expected_version: i32,
    transition: Transition,
    actor: Actor,
    now: DateTime<Utc>,
) -> Result<Case, StoreError> {
    let txn = write_transaction(db).await?;
    let mut changes = columns(&transition.changes)?;
    let next = merged(case, &changes);
    let due = promises(calendar, service, &super::milestones(&next));
    changes.status = Set(transition.step.to.into());
    changes.first_contact_due_at = Set(due.first_contact);
    changes.start_decision_due_at = Set(due.start_decision);
    changes.sla_due_at = Set(due.sla);
    changes.sla_provisional = Set(due.provisional);
    changes.updated_at = Set(now);
    // A step on a case that has already ended (an objection, its answer) keeps when it ended.
    if transition.step.to.is_terminal() && !Status::from(case.status).is_terminal() {
        changes.closed_at = Set(Some(now));
        changes.draft_expires_at = Set(None);
        changes.offer_open_until = Set(None);
    }
    // The row as written comes back with the statement (RETURNING): no second read.
    let saved = service_case::Entity::update_many()
        .set(changes)
        .col_expr(
            service_case::Column::Version,
            Expr::col(service_case::Column::Version).add(1),
        )
        .filter(service_case::Column::Id.eq(case.id))
        .filter(service_case::Column::Version.eq(expected_version))
        .exec_with_returning(&txn)
        .await?;
    let Some(saved) = saved.into_iter().next() else {
        txn.rollback().await?;
        return Err(StoreError::Stale);
    };
    for change in &transition.changes {
        match change {
            Change::OfferMade(offer) => {
                super::offers::close_open(&txn, case.id, OfferState::Withdrawn, now).await?;
                super::offers::insert(&txn, case.id, offer).await?;
            }
            Change::OfferAnswered {
                offer_id, answer, ..
            } => super::offers::answer(&txn, *offer_id, *answer, now).await?,
            Change::OfferLapsed { offer_id } => super::offers::lapse(&txn, *offer_id, now).await?,
            Change::Objected(objection) => {
                super::objections::insert(&txn, case.id, objection).await?;
            }
            Change::ObjectionAnswered {
                objection_id,
                answer,
                staff_id,
                at,
            } => super::objections::answer(&txn, *objection_id, (answer, *staff_id), *at).await?,
            Change::CourierRequested(request) => {
                super::courier::insert(&txn, case.id, request).await?;
            }
            Change::CourierAnswered {
                courier_id,
                reply,
                at,
            } => super::courier::answer(&txn, *courier_id, reply, *at).await?,
            _ => {}
        }
    }
    if transition.step.to.is_terminal() && !Status::from(case.status).is_terminal() {
        // An offer does not outlive its case.
        super::offers::close_open(&txn, case.id, OfferState::Withdrawn, now).await?;
    }
    record_event(
        &txn,
        case.id,
        Some(Status::from(case.status)),
        transition.step.to,
        transition.action,
        actor,
        transition.reason_code.clone(),
        transition.note.clone(),
        now,
    )
    .await?;
    match transition.step.quota {
        QuotaEffect::Keep => {}
        QuotaEffect::Consume => {
            quota::settle(&txn, case.id, Settlement::Consumed, now).await?;
        }
        QuotaEffect::Release => {
            quota::settle(&txn, case.id, Settlement::Released, now).await?;
        }
    }
    if let Some(kind) = transition.notify {
        outbox::enqueue(
            &txn,
            saved.user_id,
            Some(saved.id),
            kind,
            &with_facts(
                notification_payload(&saved, service, transition.reason_code.as_deref()),
                transition.facts,
            ),
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(saved)
}

/// The facts a subscribe message about a case needs (no medical details: the message leaves
/// our systems through WeChat).
pub fn notification_payload(
    case: &Case,
    service: &Service,
    reason_code: Option<&str>,
) -> serde_json::Value {
    serde_json::json!({
        "case_id": case.public_id,
        "case_number": super::number_of(case),
        "service": service.name,
        "status": case.status,
        "reason_code": reason_code,
        "appointment_at": case.appointment_at,
        // A call has no hospital: the message says how it happens instead.
        "appointment_hospital": case.appointment_hospital.clone().or_else(|| {
            (service.by_call && case.appointment_at.is_some()).then(|| "电话服务".to_owned())
        }),
        "sla_due_at": case.sla_due_at,
        "by_call": service.by_call,
        // Who meets the insured, where and when (seed 003 一4): the message centre names them;
        // a subscribe message carries the place at most.
        "meeting_point": case.meeting_point,
        "meeting_at": case.meeting_at,
        "escort_name": case.escort_name,
        "escort_phone": case.escort_phone,
    })
}

fn with_facts(
    mut payload: serde_json::Value,
    facts: Vec<(&'static str, Option<String>)>,
) -> serde_json::Value {
    if let serde_json::Value::Object(map) = &mut payload {
        for (key, value) in facts {
            if let Some(value) = value {
                map.insert(key.to_owned(), value.into());
            }
        }
    }
    payload
}

#[allow(clippy::too_many_arguments)]
#[tracing::instrument(level = "debug", skip_all)]
pub async fn record_event(
    txn: &impl ConnectionTrait,
    case_id: i64,
    from: Option<Status>,
    to: Status,
    action: &str,
    actor: Actor,
    reason_code: Option<String>,
    note: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    case_event::Entity::insert(case_event::ActiveModel {
        case_id: Set(case_id),
        from_status: Set(from.map(Into::into)),
        to_status: Set(to.into()),
        action: Set(action.to_owned()),
        actor_kind: Set(actor.kind().to_owned()),
        actor_id: Set(actor.id()),
        reason_code: Set(reason_code),
        note: Set(note),
        at: Set(at),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Inserts a new case (a draft, or one applied for at once) in the caller's transaction and
/// gives it its number and its promises.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn insert_case(
    txn: &impl ConnectionTrait,
    calendar: &Calendar,
    service: &Service,
    new: NewCase,
) -> Result<Case, DbErr> {
    let row = service_case::ActiveModel {
        public_id: Set(new.public_id),
        policy_id: Set(new.policy_id),
        user_id: Set(new.user_id),
        product_id: Set(new.product_id),
        insurer_id: Set(new.insurer_id),
        service_id: Set(new.service_id),
        quota_key: Set(new.quota_key),
        status: Set(new.status.into()),
        diagnosis_state: Set(new.diagnosis_state.map(Into::into)),
        illness_id: Set(new.illness_id),
        city_code: Set(new.city_code),
        hospital_id: Set(new.hospital_id),
        alternate_hospital_id: Set(new.alternate_hospital_id),
        slip_hospital_id: Set(new.slip_hospital_id),
        slip_department_id: Set(new.slip_department_id),
        department_id: Set(new.department_id),
        expert_name: Set(new.expert_name),
        wanted_date: Set(new.wanted_date),
        has_admission_slip: Set(new.admission_slip),
        admission_slip_date: Set(new.admission_slip_date),
        outpatient_first: Set(new.outpatient_first),
        description: Set(new.description),
        sla_provisional: Set(false),
        applied_at: Set(new.applied_at),
        accepted_at: Set(new.accepted_at),
        draft_expires_at: Set(new.draft_expires_at),
        contact_phone_enc: Set(Some(new.contact_phone.sealed)),
        contact_phone_country: Set(Some(new.contact_phone.country_code)),
        contact_phone_masked: Set(Some(new.contact_phone.masked)),
        version: Set(1),
        created_at: Set(new.at),
        updated_at: Set(new.at),
        ..Default::default()
    };
    let mut case = service_case::Entity::insert(row)
        .exec_with_returning(txn)
        .await?;
    let number = crate::cases::number::format(case.id, case.created_at);
    // A case applied for at once (a flow that starts with a contact) has its promises now.
    let due = promises(calendar, service, &super::milestones(&case));
    service_case::Entity::update_many()
        .col_expr(
            service_case::Column::CaseNumber,
            Expr::value(number.clone()),
        )
        .col_expr(
            service_case::Column::FirstContactDueAt,
            Expr::value(due.first_contact),
        )
        .col_expr(
            service_case::Column::StartDecisionDueAt,
            Expr::value(due.start_decision),
        )
        .col_expr(service_case::Column::SlaDueAt, Expr::value(due.sla))
        .col_expr(
            service_case::Column::SlaProvisional,
            Expr::value(due.provisional),
        )
        .filter(service_case::Column::Id.eq(case.id))
        .exec(txn)
        .await?;
    case.case_number = Some(number);
    case.first_contact_due_at = due.first_contact;
    case.start_decision_due_at = due.start_decision;
    case.sla_due_at = due.sla;
    case.sla_provisional = due.provisional;
    Ok(case)
}
