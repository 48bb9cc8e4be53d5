//! The case page in one statement: the case, its policy's public id, its specialist's card and
//! its timeline, joined (one row per event, the case's columns on each). The SQL is built once per backend and
//! reused word for word, so the driver's prepared statement is reused too; a request costs one
//! round trip to the database.

use std::sync::OnceLock;

use entity::{case_event, policy, service_case, staff};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
use sea_orm::{
    ConnectionTrait, DbBackend, DbErr, FromQueryResult, IdenStatic, Iterable, Statement,
};
use uuid::Uuid;

use super::Case;
use crate::staff::card::StaffCard;

/// What the page is made from.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Detail {
    pub case: Case,
    pub policy_public_id: Uuid,
    pub events: Vec<case_event::Model>,
    /// The card of the specialist who holds the case, if one does.
    #[serde(default)]
    pub assignee: Option<StaffCard>,
}

const CASE: &str = "c_";
const EVENT: &str = "e_";
const POLICY_PUBLIC_ID: &str = "policy_public_id";
const ASSIGNEE_NAME: &str = "assignee_name";
const ASSIGNEE_PHONE: &str = "assignee_phone";

fn build(backend: DbBackend) -> String {
    let mut query = Query::select();
    for column in service_case::Column::iter() {
        query.expr_as(
            Expr::col((service_case::Entity, column)),
            Alias::new(format!("{CASE}{}", column.as_str())),
        );
    }
    query.expr_as(
        Expr::col((policy::Entity, policy::Column::PublicId)),
        Alias::new(POLICY_PUBLIC_ID),
    );
    query.expr_as(
        Expr::col((staff::Entity, staff::Column::DisplayName)),
        Alias::new(ASSIGNEE_NAME),
    );
    query.expr_as(
        Expr::col((staff::Entity, staff::Column::WorkPhone)),
        Alias::new(ASSIGNEE_PHONE),
    );
    for column in case_event::Column::iter() {
        query.expr_as(
            Expr::col((case_event::Entity, column)),
            Alias::new(format!("{EVENT}{}", column.as_str())),
        );
    }
    query
        .from(service_case::Entity)
        .inner_join(
            policy::Entity,
            Expr::col((policy::Entity, policy::Column::Id))
                .equals((service_case::Entity, service_case::Column::PolicyId)),
        )
        .left_join(
            staff::Entity,
            Expr::col((staff::Entity, staff::Column::Id))
                .equals((service_case::Entity, service_case::Column::AssigneeId)),
        )
        .left_join(
            case_event::Entity,
            Expr::col((case_event::Entity, case_event::Column::CaseId))
                .equals((service_case::Entity, service_case::Column::Id)),
        )
        .and_where(
            Expr::col((service_case::Entity, service_case::Column::PublicId)).eq(Uuid::nil()),
        )
        .and_where(Expr::col((service_case::Entity, service_case::Column::UserId)).eq(0i64))
        .order_by((case_event::Entity, case_event::Column::Id), Order::Asc);
    backend.build(&query).sql
}

fn sql(backend: DbBackend) -> &'static str {
    static POSTGRES: OnceLock<String> = OnceLock::new();
    static SQLITE: OnceLock<String> = OnceLock::new();
    let cell = match backend {
        DbBackend::Sqlite => &SQLITE,
        _ => &POSTGRES,
    };
    cell.get_or_init(|| build(backend))
}

/// The case `public_id` of `user_id` with its policy's public id and its timeline, oldest event
/// first; none when the case does not exist or is someone else's.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn own(
    db: &impl ConnectionTrait,
    user_id: i64,
    public_id: Uuid,
) -> Result<Option<Detail>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            sql(backend),
            [public_id.into(), user_id.into()],
        ))
        .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let case = Case::from_query_result(first, CASE)?;
    let policy_public_id = first.try_get("", POLICY_PUBLIC_ID)?;
    let assignee = match case.assignee_id {
        Some(_) => Some(StaffCard {
            display_name: first.try_get("", ASSIGNEE_NAME)?,
            work_phone: first.try_get("", ASSIGNEE_PHONE)?,
        }),
        None => None,
    };
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        let event: Option<i64> = row.try_get(EVENT, "id")?;
        if event.is_some() {
            events.push(case_event::Model::from_query_result(row, EVENT)?);
        }
    }
    Ok(Some(Detail {
        case,
        policy_public_id,
        events,
        assignee,
    }))
}
