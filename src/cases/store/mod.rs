//! Every query and transaction of the cases: the types a transition is written with (here),
//! the writes (`write`: a transition in one transaction, a new case), the reads (here), the case
//! page in one statement (`detail`), the queue (`queue`), what the jobs watch (`watch`).

mod columns;
pub mod courier;
pub mod detail;
pub mod intake;
pub mod objections;
pub mod offers;
pub mod queue;
pub mod watch;
pub mod write;

use chrono::{DateTime, Utc};
use entity::service_case::{CaseState, Diagnosis};
use entity::{case_event, service_case};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::change::Change;
use super::lifecycle::{Status, Step};
use super::number;
use super::promises::Milestones;
use crate::plans::DiagnosisState;
use crate::platform::db::Db;

pub type Case = service_case::Model;
/// One entry of a case's timeline.
pub type Event = case_event::Model;

/// A write that did not happen, as the cases area answers it.
impl From<StoreError> for super::error::CaseError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Stale => Self::CaseModified {
                current_version: None,
            },
            StoreError::Db(e) => e.into(),
            StoreError::Cache(e) => crate::platform::error::Fault::from(e).into(),
        }
    }
}

/// The milestones a row records, which its promises count from.
pub fn milestones(case: &Case) -> Milestones {
    Milestones {
        applied_at: case.applied_at,
        accepted_at: case.accepted_at,
        approved_at: case.approved_at,
        materials_complete_at: case.materials_complete_at,
        admission_slip_date: case.admission_slip_date,
        hospital_accepted_on: case.hospital_accepted_on,
        visa_granted_on: case.visa_granted_on,
        outpatient_first: case.outpatient_first,
    }
}

/// The number of a stored case: the column, or (in the creating transaction, before it is
/// written) the same value computed from the row.
pub fn number_of(case: &Case) -> String {
    case.case_number
        .clone()
        .unwrap_or_else(|| number::format(case.id, case.created_at))
}

impl From<Diagnosis> for DiagnosisState {
    fn from(stored: Diagnosis) -> Self {
        match stored {
            Diagnosis::Suspected => DiagnosisState::Suspected,
            Diagnosis::Confirmed => DiagnosisState::Confirmed,
        }
    }
}

impl From<DiagnosisState> for Diagnosis {
    fn from(state: DiagnosisState) -> Self {
        match state {
            DiagnosisState::Suspected => Diagnosis::Suspected,
            DiagnosisState::Confirmed => Diagnosis::Confirmed,
        }
    }
}

/// The stored state is the lifecycle's status, one for one.
impl From<CaseState> for Status {
    fn from(state: CaseState) -> Self {
        match state {
            CaseState::Draft => Status::Draft,
            CaseState::Submitted => Status::Submitted,
            CaseState::InReview => Status::InReview,
            CaseState::NeedsMaterials => Status::NeedsMaterials,
            CaseState::Approved => Status::Approved,
            CaseState::Rejected => Status::Rejected,
            CaseState::Scheduled => Status::Scheduled,
            CaseState::InProgress => Status::InProgress,
            CaseState::Completed => Status::Completed,
            CaseState::NoShow => Status::NoShow,
            CaseState::Cancelled => Status::Cancelled,
            CaseState::Terminated => Status::Terminated,
            CaseState::Expired => Status::Expired,
        }
    }
}

impl From<Status> for CaseState {
    fn from(status: Status) -> Self {
        match status {
            Status::Draft => CaseState::Draft,
            Status::Submitted => CaseState::Submitted,
            Status::InReview => CaseState::InReview,
            Status::NeedsMaterials => CaseState::NeedsMaterials,
            Status::Approved => CaseState::Approved,
            Status::Rejected => CaseState::Rejected,
            Status::Scheduled => CaseState::Scheduled,
            Status::InProgress => CaseState::InProgress,
            Status::Completed => CaseState::Completed,
            Status::NoShow => CaseState::NoShow,
            Status::Cancelled => CaseState::Cancelled,
            Status::Terminated => CaseState::Terminated,
            Status::Expired => CaseState::Expired,
        }
    }
}

/// The stored states of the open statuses (what the specialists work on).
pub(super) fn open_states() -> Vec<CaseState> {
    Status::ALL
        .iter()
        .filter(|s| s.is_open())
        .map(|s| CaseState::from(*s))
        .collect()
}

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    User(i64),
    Staff(i64),
    System,
}

impl Actor {
    pub(super) fn kind(self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::Staff(_) => "staff",
            Actor::System => "system",
        }
    }

    pub(super) fn id(self) -> Option<i64> {
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
    /// Outbox kind; the payload is built from the case, with `facts` added.
    pub notify: Option<crate::outbox::kind::NotificationKind>,
    /// What the message says besides the case's own facts (the specialist's name and line).
    pub facts: Vec<(&'static str, Option<String>)>,
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
            facts: Vec::new(),
        }
    }

    /// A fact for the message (none: left out).
    pub fn fact(mut self, key: &'static str, value: Option<String>) -> Self {
        self.facts.push((key, value));
        self
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
pub async fn expired_drafts(db: &Db, now: DateTime<Utc>, limit: u64) -> Result<Vec<Case>, DbErr> {
    use sea_orm::QuerySelect;
    service_case::Entity::find()
        .filter(service_case::Column::Status.eq(CaseState::Draft))
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
    db: &Db,
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
        .map(|case| (case.id, number_of(case)))
        .collect())
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

#[cfg(test)]
mod tests {
    use sea_orm::ActiveEnum;

    use super::*;

    #[test]
    fn every_status_is_stored_under_its_own_name_and_read_back_as_itself() {
        for status in Status::ALL {
            let state = CaseState::from(*status);
            // The rows written before the column was an enum hold these very words.
            assert_eq!(state.to_value(), status.as_str());
            assert_eq!(Status::from(state), *status);
        }
    }

    #[test]
    fn diagnoses_are_stored_under_the_plans_words() {
        for state in [DiagnosisState::Suspected, DiagnosisState::Confirmed] {
            let stored = Diagnosis::from(state);
            assert_eq!(stored.to_value(), state.code());
            assert_eq!(DiagnosisState::from(stored), state);
        }
    }
}
