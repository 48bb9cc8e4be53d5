//! The offers' rows: written in the transaction of the case's step that makes, answers or ends
//! them (`write::apply`), read for the case page and by the sweep that lapses them.

use chrono::{DateTime, Utc};
use entity::case_offer::{self, OfferKindStored, OfferState};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};

use crate::cases::offers::{Answer, NewOffer, Offer, OfferStatus};
use crate::plans::OfferKind;

impl From<OfferKindStored> for OfferKind {
    fn from(stored: OfferKindStored) -> Self {
        match stored {
            OfferKindStored::Expert => OfferKind::Expert,
            OfferKindStored::Hospital => OfferKind::Hospital,
            OfferKindStored::Institution => OfferKind::Institution,
            OfferKindStored::Time => OfferKind::Time,
        }
    }
}

impl From<OfferKind> for OfferKindStored {
    fn from(kind: OfferKind) -> Self {
        match kind {
            OfferKind::Expert => OfferKindStored::Expert,
            OfferKind::Hospital => OfferKindStored::Hospital,
            OfferKind::Institution => OfferKindStored::Institution,
            OfferKind::Time => OfferKindStored::Time,
        }
    }
}

impl From<OfferState> for OfferStatus {
    fn from(state: OfferState) -> Self {
        match state {
            OfferState::Open => OfferStatus::Open,
            OfferState::Accepted => OfferStatus::Accepted,
            OfferState::Declined => OfferStatus::Declined,
            OfferState::Withdrawn => OfferStatus::Withdrawn,
            OfferState::Expired => OfferStatus::Expired,
        }
    }
}

fn offer(row: case_offer::Model) -> Result<Offer, DbErr> {
    Ok(Offer {
        id: row.id,
        public_id: row.public_id,
        kind: row.kind.into(),
        options: serde_json::from_str(&row.options)
            .map_err(|e| DbErr::Type(format!("case_offer.options: {e}")))?,
        note: row.note,
        status: row.state.into(),
        chosen: row.chosen.and_then(|c| usize::try_from(c).ok()),
        decline_ends: row.decline_ends,
        made_at: row.made_at,
        expires_at: row.expires_at,
        answered_at: row.answered_at,
    })
}

/// Ends the open offers `which` selects as `state` (with the chosen option, for an acceptance),
/// now. Only an open offer changes: an answer, a lapse and a replacement never overwrite one
/// another.
async fn end(
    txn: &impl ConnectionTrait,
    which: Condition,
    (state, chosen): (OfferState, Option<i32>),
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    case_offer::Entity::update_many()
        .col_expr(case_offer::Column::State, Expr::value(state))
        .col_expr(case_offer::Column::Chosen, Expr::value(chosen))
        .col_expr(case_offer::Column::AnsweredAt, Expr::value(Some(at)))
        .filter(which)
        .filter(case_offer::Column::State.eq(OfferState::Open))
        .exec(txn)
        .await?;
    Ok(())
}

/// Ends every open offer of `case_id` as `state` (replaced, withdrawn with the case).
pub(super) async fn close_open(
    txn: &impl ConnectionTrait,
    case_id: i64,
    state: OfferState,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let which = Condition::all().add(case_offer::Column::CaseId.eq(case_id));
    end(txn, which, (state, None), at).await
}

pub(super) async fn insert(
    txn: &impl ConnectionTrait,
    case_id: i64,
    new: &NewOffer,
) -> Result<(), DbErr> {
    let options = serde_json::to_string(&new.options)
        .map_err(|e| DbErr::Custom(format!("offer options: {e}")))?;
    case_offer::Entity::insert(case_offer::ActiveModel {
        public_id: Set(new.public_id),
        case_id: Set(case_id),
        kind: Set(new.kind.into()),
        options: Set(options),
        note: Set(new.note.clone()),
        state: Set(OfferState::Open),
        chosen: Set(None),
        decline_ends: Set(new.decline_ends),
        made_by: Set(new.made_by),
        made_at: Set(new.made_at),
        expires_at: Set(new.expires_at),
        answered_at: Set(None),
        ..Default::default()
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Records the insured's answer on the open offer `offer_id`.
pub(super) async fn answer(
    txn: &impl ConnectionTrait,
    offer_id: i64,
    answer: Answer,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let outcome = match answer {
        Answer::Accept(index) => (OfferState::Accepted, i32::try_from(index).ok()),
        Answer::Decline => (OfferState::Declined, None),
    };
    let which = Condition::all().add(case_offer::Column::Id.eq(offer_id));
    end(txn, which, outcome, at).await
}

/// Marks the open offer `offer_id` lapsed.
pub(super) async fn lapse(
    txn: &impl ConnectionTrait,
    offer_id: i64,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let which = Condition::all().add(case_offer::Column::Id.eq(offer_id));
    end(txn, which, (OfferState::Expired, None), at).await
}

/// The newest offer of `case_id` (open or answered), if any.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn latest(db: &impl ConnectionTrait, case_id: i64) -> Result<Option<Offer>, DbErr> {
    case_offer::Entity::find()
        .filter(case_offer::Column::CaseId.eq(case_id))
        .order_by_desc(case_offer::Column::Id)
        .one(db)
        .await?
        .map(offer)
        .transpose()
}

/// Open offers past their expiry: (offer id, case id), oldest first, at most `limit`.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn lapsed(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<(i64, i64)>, DbErr> {
    use sea_orm::QuerySelect;
    Ok(case_offer::Entity::find()
        .filter(case_offer::Column::State.eq(OfferState::Open))
        .filter(case_offer::Column::ExpiresAt.lte(now))
        .order_by_asc(case_offer::Column::ExpiresAt)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.case_id))
        .collect())
}
