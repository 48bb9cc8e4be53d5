//! The specialists' queue as a query: open cases in an account's scope, the nearest promise
//! first (none last), paged.

use chrono::{DateTime, Utc};
use entity::policy;
use entity::service_case::{self, CaseState};
use sea_orm::sea_query::{NullOrdering, Order};
use sea_orm::{
    ColumnTrait, Condition, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::Case;
use crate::cases::lifecycle::Status;
use crate::cases::queue::{Assigned, NameSearch, Phase, QueueFilter, Waiting};
use crate::platform::db::Db;

/// Cases with a promise falling due before `at`: the service promise while the case is not yet
/// arranged, the first contact while none is recorded. (Overdue in the queue at `now`; an
/// alert within a window at `now + window`.)
pub fn promise_due_before(at: DateTime<Utc>) -> Condition {
    let arranged = [CaseState::Scheduled, CaseState::InProgress];
    Condition::any()
        .add(
            Condition::all()
                .add(service_case::Column::SlaDueAt.lt(at))
                .add(service_case::Column::Status.is_not_in(arranged))
                // Not while the insured chooses among the options offered.
                .add(service_case::Column::OfferOpenUntil.is_null()),
        )
        .add(
            Condition::all()
                .add(service_case::Column::FirstContactedAt.is_null())
                .add(service_case::Column::FirstContactDueAt.lt(at)),
        )
}

/// A page of the queue and the number of cases it holds.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn page(
    db: &Db,
    filter: QueueFilter,
    page: u32,
    per_page: u32,
) -> Result<(Vec<Case>, u64), DbErr> {
    let mut select = service_case::Entity::find();
    // A number finds its case whatever its status (in scope, as the rest of the filter says);
    // a policy number, every case of that policy.
    let phase = if filter.number.is_some() || filter.policy_no.is_some() || filter.name.is_some() {
        Phase::All
    } else {
        filter.phase
    };
    select = match filter.status {
        Some(status) => select.filter(service_case::Column::Status.eq(CaseState::from(status))),
        None => select.filter(
            service_case::Column::Status.is_in(
                Status::ALL
                    .iter()
                    .filter(|s| phase.holds(**s))
                    .map(|s| CaseState::from(*s)),
            ),
        ),
    };
    select = match filter.assigned {
        None => select,
        Some((Assigned::Me, staff_id)) => {
            select.filter(service_case::Column::AssigneeId.eq(staff_id))
        }
        Some((Assigned::None, _)) => select.filter(service_case::Column::AssigneeId.is_null()),
    };
    if let Some(service_id) = filter.service_id {
        select = select.filter(service_case::Column::ServiceId.eq(service_id));
    }
    if let Some(product_id) = filter.product_id {
        select = select.filter(service_case::Column::ProductId.eq(product_id));
    }
    match filter.waiting {
        Some(Waiting::Insured) => {
            select = select.filter(service_case::Column::OfferOpenUntil.is_not_null());
        }
        Some(Waiting::Specialist) => {
            select = select.filter(service_case::Column::OfferOpenUntil.is_null());
        }
        None => {}
    }
    if let Some(now) = filter.overdue_at {
        select = select.filter(promise_due_before(now));
    }
    if let Some(number) = filter.number {
        select = select.filter(service_case::Column::CaseNumber.eq(number));
    }
    if let Some(policy_no) = filter.policy_no {
        select = select.filter(
            service_case::Column::PolicyId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(policy::Column::Id)
                    .from(policy::Entity)
                    .and_where(policy::Column::PolicyNo.eq(policy_no))
                    .to_owned(),
            ),
        );
    }
    if let Some(name) = filter.name {
        let names = match name {
            NameSearch::Full(name) => policy::Column::InsuredName.eq(name),
            masked => policy::Column::InsuredName.like(masked.pattern()),
        };
        select = select.filter(
            service_case::Column::PolicyId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(policy::Column::Id)
                    .from(policy::Entity)
                    .and_where(names)
                    .to_owned(),
            ),
        );
    }
    if let Some(insurer_id) = filter.insurer_id {
        select = select.filter(service_case::Column::InsurerId.eq(insurer_id));
    }
    let paginator = select
        .order_by_with_nulls(
            service_case::Column::SlaDueAt,
            Order::Asc,
            NullOrdering::Last,
        )
        .order_by_with_nulls(
            service_case::Column::FirstContactDueAt,
            Order::Asc,
            NullOrdering::Last,
        )
        .order_by_asc(service_case::Column::Id)
        .paginate(db, u64::from(per_page));
    let total = paginator.num_items().await?;
    let cases = paginator.fetch_page(u64::from(page - 1)).await?;
    Ok((cases, total))
}

/// How many open cases of each status the scope holds (the queue's tabs).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn counts(db: &Db, insurer_id: Option<i64>) -> Result<Vec<(Status, i64)>, DbErr> {
    let mut select = service_case::Entity::find()
        .select_only()
        .column(service_case::Column::Status)
        .column_as(service_case::Column::Id.count(), "n")
        .group_by(service_case::Column::Status);
    if let Some(insurer_id) = insurer_id {
        select = select.filter(service_case::Column::InsurerId.eq(insurer_id));
    }
    let rows: Vec<(CaseState, i64)> = select.into_tuple().all(db).await?;
    Ok(Status::ALL
        .iter()
        .filter(|s| Phase::All.holds(**s))
        .map(|s| {
            let n = rows
                .iter()
                .find(|(state, _)| Status::from(*state) == *s)
                .map_or(0, |(_, n)| *n);
            (*s, n)
        })
        .collect())
}
