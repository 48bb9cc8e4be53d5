//! Persisting what the lifecycle decided: every transition is one transaction that writes the
//! case (only if nobody changed it since it was read: optimistic locking on `version`), its
//! `case_event`, the quota change and, where the insured should hear of it, an outbox row.

use chrono::{DateTime, Utc};
use entity::{case_event, service_case};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::actions::Milestone;
use super::change::{Change, NewCase};
use super::lifecycle::{QuotaEffect, Status, Step};
use super::promises::promises;
use crate::calendar::Calendar;
use crate::eligibility::quota::{self, CONSUMED, RELEASED, write_transaction};
use crate::outbox::store as outbox;
use crate::plans::Service;

pub type Case = service_case::Model;

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    Staff(i64),
    System,
}

impl Actor {
    fn kind(self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Staff(_) => "staff",
            Actor::System => "system",
        }
    }

    fn id(self) -> Option<i64> {
        match self {
            Actor::User(id) | Actor::Staff(id) => Some(id),
            Actor::System => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The case changed since it was read.
    #[error("the case was changed by someone else")]
    Stale,
    #[error(transparent)]
    Db(#[from] DbErr),
    /// The change could not be announced to the cache (see `cases::cached`): nothing written.
    #[error(transparent)]
    Cache(#[from] crate::platform::cache::CacheError),
}

/// A transition to persist: the lifecycle's step, the event's words, the fields it sets, and
/// the message the insured gets (if any).
#[derive(Debug)]
pub struct Transition {
    pub action: &'static str,
    pub step: Step,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    /// What it records besides status, version and the recomputed promises.
    pub changes: Vec<Change>,
    /// Outbox kind; the payload is built from the case.
    pub notify: Option<crate::outbox::kind::NotificationKind>,
}

impl Transition {
    pub fn new(action: &'static str, step: Step) -> Self {
        Self {
            action,
            step,
            reason_code: None,
            note: None,
            changes: Vec::new(),
            notify: None,
        }
    }

    pub fn reason(mut self, code: impl Into<String>) -> Self {
        self.reason_code = Some(code.into());
        self
    }

    pub fn note(mut self, note: Option<String>) -> Self {
        self.note = note.filter(|n| !n.trim().is_empty());
        self
    }

    pub fn notify(mut self, kind: crate::outbox::kind::NotificationKind) -> Self {
        self.notify = Some(kind);
        self
    }

    pub fn change(mut self, change: Change) -> Self {
        self.changes.push(change);
        self
    }
}

/// Applies `transition` to `case` if its version is still `expected_version`.
#[allow(clippy::too_many_arguments)] // the rules (calendar, service), the case, the change, who and when
#[tracing::instrument(level = "debug", skip_all)]
pub(super) async fn apply(
    db: &DatabaseConnection,
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
    let due = promises(calendar, service, &next);
    changes.status = Set(transition.step.to.as_str().to_owned());
    changes.first_contact_due_at = Set(due.first_contact);
    changes.start_decision_due_at = Set(due.start_decision);
    changes.sla_due_at = Set(due.sla);
    changes.sla_provisional = Set(due.provisional);
    changes.updated_at = Set(now);
    if transition.step.to.is_terminal() {
        changes.closed_at = Set(Some(now));
        changes.draft_expires_at = Set(None);
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
    record_event(
        &txn,
        case.id,
        Status::parse(&case.status),
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
            quota::settle(&txn, case.id, CONSUMED, now).await?;
        }
        QuotaEffect::Release => {
            quota::settle(&txn, case.id, RELEASED, now).await?;
        }
    }
    if let Some(kind) = transition.notify {
        outbox::enqueue(
            &txn,
            saved.user_id,
            Some(saved.id),
            kind,
            &notification_payload(&saved, service, transition.reason_code.as_deref()),
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
        "case_number": super::number::of(case),
        "service": service.name,
        "status": case.status,
        "reason_code": reason_code,
        "appointment_at": case.appointment_at,
        "appointment_hospital": case.appointment_hospital,
        "sla_due_at": case.sla_due_at,
    })
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
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
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

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find(db: &impl ConnectionTrait, public_id: Uuid) -> Result<Option<Case>, DbErr> {
    service_case::Entity::find()
        .filter(service_case::Column::PublicId.eq(public_id))
        .one(db)
        .await
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_for_user(
    db: &impl ConnectionTrait,
    user_id: i64,
    public_id: Uuid,
) -> Result<Option<Case>, DbErr> {
    Ok(find(db, public_id).await?.filter(|c| c.user_id == user_id))
}

#[tracing::instrument(level = "debug", skip_all)]
pub async fn events(
    db: &impl ConnectionTrait,
    case_id: i64,
) -> Result<Vec<case_event::Model>, DbErr> {
    case_event::Entity::find()
        .filter(case_event::Column::CaseId.eq(case_id))
        .order_by_asc(case_event::Column::Id)
        .all(db)
        .await
}

/// Drafts past their deadline, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn expired_drafts(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Case>, DbErr> {
    use sea_orm::QuerySelect;
    service_case::Entity::find()
        .filter(service_case::Column::Status.eq(Status::Draft.as_str()))
        .filter(service_case::Column::DraftExpiresAt.lte(now))
        .order_by_asc(service_case::Column::DraftExpiresAt)
        .limit(limit)
        .all(db)
        .await
}

/// The public id of a case's policy.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn policy_public_id(
    db: &impl ConnectionTrait,
    policy_id: i64,
) -> Result<Option<Uuid>, DbErr> {
    use sea_orm::QuerySelect;
    entity::policy::Entity::find_by_id(policy_id)
        .select_only()
        .column(entity::policy::Column::PublicId)
        .into_tuple::<Uuid>()
        .one(db)
        .await
}

/// A page of a user's cases, newest first, and how many they have.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page_for_user(
    db: &DatabaseConnection,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> Result<(Vec<Case>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let paginator = service_case::Entity::find()
        .filter(service_case::Column::UserId.eq(user_id))
        .order_by_desc(service_case::Column::CreatedAt)
        .order_by_desc(service_case::Column::Id)
        .paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let cases = paginator.fetch_page(u64::from(page - 1)).await?;
    Ok((cases, total))
}

/// A case by its row id.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<Case>, DbErr> {
    service_case::Entity::find_by_id(id).one(db).await
}

/// The numbers of the cases with these row ids, in one query.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn numbers(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, String>, DbErr> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    Ok(service_case::Entity::find()
        .filter(service_case::Column::Id.is_in(ids))
        .all(db)
        .await?
        .iter()
        .map(|case| (case.id, super::number::of(case)))
        .collect())
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
        public_id: Set(Uuid::new_v4()),
        policy_id: Set(new.policy_id),
        user_id: Set(new.user_id),
        product_id: Set(new.product_id),
        insurer_id: Set(new.insurer_id),
        service_id: Set(new.service_id),
        quota_key: Set(new.quota_key),
        status: Set(new.status.as_str().to_owned()),
        diagnosis_state: Set(new.diagnosis_state.map(|d| d.code().to_owned())),
        illness_id: Set(new.illness_id),
        city_code: Set(new.city_code),
        hospital_id: Set(new.hospital_id),
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
        version: Set(1),
        created_at: Set(new.at),
        updated_at: Set(new.at),
        ..Default::default()
    };
    let mut case = service_case::Entity::insert(row)
        .exec_with_returning(txn)
        .await?;
    let number = super::number::format(case.id, case.created_at);
    // A case applied for at once (a flow that starts with a contact) has its promises now.
    let due = promises(calendar, service, &case);
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

/// A case by its number.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn find_by_number(
    db: &impl ConnectionTrait,
    number: &str,
) -> Result<Option<Case>, DbErr> {
    service_case::Entity::find()
        .filter(service_case::Column::CaseNumber.eq(number))
        .one(db)
        .await
}

fn take<T: Clone + Into<sea_orm::Value>>(value: &sea_orm::ActiveValue<T>, current: T) -> T {
    match value {
        sea_orm::ActiveValue::Set(v) | sea_orm::ActiveValue::Unchanged(v) => v.clone(),
        sea_orm::ActiveValue::NotSet => current,
    }
}

/// The case as it will be once `changes` are applied: what the promises are computed from.
fn merged(case: &Case, changes: &service_case::ActiveModel) -> Case {
    let mut next = case.clone();
    next.applied_at = take(&changes.applied_at, case.applied_at);
    next.accepted_at = take(&changes.accepted_at, case.accepted_at);
    next.approved_at = take(&changes.approved_at, case.approved_at);
    next.materials_complete_at = take(&changes.materials_complete_at, case.materials_complete_at);
    next.admission_slip_date = take(&changes.admission_slip_date, case.admission_slip_date);
    next.hospital_accepted_on = take(&changes.hospital_accepted_on, case.hospital_accepted_on);
    next.visa_granted_on = take(&changes.visa_granted_on, case.visa_granted_on);
    next
}

/// The columns `changes` set (status, version and promises are the caller's).
fn columns(changes: &[Change]) -> Result<service_case::ActiveModel, DbErr> {
    let mut c = service_case::ActiveModel::default();
    for change in changes {
        match change {
            Change::Assigned { staff_id } => c.assignee_id = Set(Some(*staff_id)),
            Change::FirstContact { at } => c.first_contacted_at = Set(Some(*at)),
            Change::Submitted {
                applied_at,
                accepted_at,
                at,
            } => {
                c.applied_at = Set(Some(*applied_at));
                c.accepted_at = Set(Some(*accepted_at));
                c.materials_complete_at = Set(Some(*at));
                c.draft_expires_at = Set(None);
                c.awaited_materials = Set(None);
                c.awaited_message = Set(None);
            }
            Change::MaterialsAsked {
                categories,
                message,
            } => {
                // Stored as a JSON list of codes (`attachments::materials::awaited` reads it).
                let codes: Vec<&str> = categories.iter().map(|m| m.code()).collect();
                let awaited = serde_json::to_string(&codes)
                    .map_err(|e| DbErr::Custom(format!("awaited materials: {e}")))?;
                c.awaited_materials = Set(Some(awaited));
                c.awaited_message = Set(Some(message.clone()));
                c.materials_complete_at = Set(None);
            }
            Change::Approved { at } => c.approved_at = Set(Some(*at)),
            Change::Scheduled(appointment) => {
                c.appointment_at = Set(Some(appointment.at));
                c.appointment_hospital = Set(Some(appointment.hospital.clone()));
                c.appointment_department = Set(Some(appointment.department.clone()));
                c.appointment_expert_title = Set(appointment.expert_title.clone());
                c.appointment_doctor = Set(appointment.doctor.clone());
                c.meeting_point = Set(Some(appointment.meeting_point.clone()));
                c.escort_contact = Set(appointment.escort_contact.clone());
            }
            Change::Reached { milestone, on } => match milestone {
                Milestone::HospitalAccepted => c.hospital_accepted_on = Set(Some(*on)),
                Milestone::VisaGranted => c.visa_granted_on = Set(Some(*on)),
                Milestone::AdmissionSlip => {
                    c.admission_slip_date = Set(Some(*on));
                    c.has_admission_slip = Set(true);
                }
            },
            Change::Ended { outcome, counted } => {
                c.outcome_code = Set(Some(outcome.clone()));
                c.counted = Set(Some(*counted));
            }
        }
    }
    Ok(c)
}
