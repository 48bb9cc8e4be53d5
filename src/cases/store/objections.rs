//! The objections' rows: written in the transaction of the case's step that raises or answers
//! them (`write::apply`), read for the case page and the supervisors' list.

use chrono::{DateTime, Utc};
use entity::case_objection::{self, ObjectionKindStored};
use entity::service_case;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::Case;
use crate::cases::objections::{NewObjection, Objection, ObjectionKind};

impl From<ObjectionKindStored> for ObjectionKind {
    fn from(stored: ObjectionKindStored) -> Self {
        match stored {
            ObjectionKindStored::Objection => ObjectionKind::Objection,
            ObjectionKindStored::Complaint => ObjectionKind::Complaint,
        }
    }
}

impl From<ObjectionKind> for ObjectionKindStored {
    fn from(kind: ObjectionKind) -> Self {
        match kind {
            ObjectionKind::Objection => ObjectionKindStored::Objection,
            ObjectionKind::Complaint => ObjectionKindStored::Complaint,
        }
    }
}

fn objection(row: case_objection::Model) -> Objection {
    Objection {
        id: row.id,
        public_id: row.public_id,
        case_id: row.case_id,
        kind: row.kind.into(),
        body: row.body,
        raised_at: row.raised_at,
        answer: row.answer,
        answered_by: row.answered_by,
        answered_at: row.answered_at,
    }
}

pub(super) async fn insert(
    txn: &impl ConnectionTrait,
    case_id: i64,
    new: &NewObjection,
) -> Result<(), DbErr> {
    case_objection::Entity::insert(case_objection::ActiveModel {
        public_id: Set(new.public_id),
        case_id: Set(case_id),
        kind: Set(new.kind.into()),
        body: Set(new.body.clone()),
        raised_by: Set(new.raised_by),
        raised_at: Set(new.at),
        answer: Set(None),
        answered_by: Set(None),
        answered_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Records the answer on `objection_id`, only while it waits for one (a second answer, from a
/// supervisor who read the case before the first, changes nothing: the case's version refuses
/// it first).
pub(super) async fn answer(
    txn: &impl ConnectionTrait,
    objection_id: i64,
    (answer, staff_id): (&str, i64),
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    case_objection::Entity::update_many()
        .col_expr(
            case_objection::Column::Answer,
            Expr::value(Some(answer.to_owned())),
        )
        .col_expr(
            case_objection::Column::AnsweredBy,
            Expr::value(Some(staff_id)),
        )
        .col_expr(case_objection::Column::AnsweredAt, Expr::value(Some(at)))
        .filter(case_objection::Column::Id.eq(objection_id))
        .filter(case_objection::Column::AnsweredAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// The objections of `case_id`, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_case(db: &impl ConnectionTrait, case_id: i64) -> Result<Vec<Objection>, DbErr> {
    Ok(case_objection::Entity::find()
        .filter(case_objection::Column::CaseId.eq(case_id))
        .order_by_asc(case_objection::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(objection)
        .collect())
}

/// The objections waiting for an answer, oldest first, each with its case, at most `limit`;
/// only the cases of `insurer_id` where the reader is limited to one insurer.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn open(
    db: &impl ConnectionTrait,
    insurer_id: Option<i64>,
    limit: u64,
) -> Result<Vec<(Objection, Case)>, DbErr> {
    let mut select = case_objection::Entity::find()
        .filter(case_objection::Column::AnsweredAt.is_null())
        .order_by_asc(case_objection::Column::RaisedAt)
        .order_by_asc(case_objection::Column::Id)
        .limit(limit);
    if let Some(insurer_id) = insurer_id {
        select = select.filter(
            case_objection::Column::CaseId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(service_case::Column::Id)
                    .from(service_case::Entity)
                    .and_where(service_case::Column::InsurerId.eq(insurer_id))
                    .to_owned(),
            ),
        );
    }
    let rows = select.all(db).await?;
    let cases = service_case::Entity::find()
        .filter(service_case::Column::Id.is_in(rows.iter().map(|r| r.case_id)))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let case = cases.iter().find(|c| c.id == row.case_id)?.clone();
            Some((objection(row), case))
        })
        .collect())
}
