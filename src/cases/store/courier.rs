//! The courier requests' rows: written in the transaction of the case's step that makes or
//! answers them (`write::apply`), read for the case page.

use chrono::{DateTime, Utc};
use entity::case_courier;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::cases::courier::{Courier, CourierPurpose, CourierReply, NewCourier};

fn courier(row: case_courier::Model) -> Result<Courier, DbErr> {
    Ok(Courier {
        id: row.id,
        public_id: row.public_id,
        purpose: CourierPurpose::parse(&row.purpose)
            .ok_or_else(|| DbErr::Type(format!("case_courier.purpose: {}", row.purpose)))?,
        address_enc: row.address_enc,
        address_masked: row.address_masked,
        note: row.note,
        requested_at: row.requested_at,
        carrier: row.carrier,
        waybill: row.waybill,
        instructions: row.instructions,
        answered_at: row.answered_at,
    })
}

pub(super) async fn insert(
    txn: &impl ConnectionTrait,
    case_id: i64,
    new: &NewCourier,
) -> Result<(), DbErr> {
    case_courier::Entity::insert(case_courier::ActiveModel {
        public_id: Set(new.public_id),
        case_id: Set(case_id),
        purpose: Set(new.purpose.code().to_owned()),
        address_enc: Set(new.address.as_ref().map(|a| a.sealed.clone())),
        address_masked: Set(new.address.as_ref().map(|a| a.masked.clone())),
        note: Set(new.note.clone()),
        requested_at: Set(new.at),
        carrier: Set(None),
        waybill: Set(None),
        instructions: Set(None),
        answered_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Records the answer on the open request `courier_id`.
pub(super) async fn answer(
    txn: &impl ConnectionTrait,
    courier_id: i64,
    reply: &CourierReply,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let (carrier, waybill, instructions) = match reply {
        CourierReply::Shipped { carrier, waybill } => {
            (Some(carrier.clone()), Some(waybill.clone()), None)
        }
        CourierReply::Directions { text } => (None, None, Some(text.clone())),
    };
    case_courier::Entity::update_many()
        .col_expr(case_courier::Column::Carrier, Expr::value(carrier))
        .col_expr(case_courier::Column::Waybill, Expr::value(waybill))
        .col_expr(
            case_courier::Column::Instructions,
            Expr::value(instructions),
        )
        .col_expr(case_courier::Column::AnsweredAt, Expr::value(Some(at)))
        .filter(case_courier::Column::Id.eq(courier_id))
        .filter(case_courier::Column::AnsweredAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// The courier requests of `case_id`, oldest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_case(db: &impl ConnectionTrait, case_id: i64) -> Result<Vec<Courier>, DbErr> {
    case_courier::Entity::find()
        .filter(case_courier::Column::CaseId.eq(case_id))
        .order_by_asc(case_courier::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(courier)
        .collect()
}
