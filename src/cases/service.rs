//! The insured's operations on their own cases (list, read, submit, cancel) and what every
//! caller of the area shares: the case's plan and service, its parsed status, its detail view.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::instrument;
use uuid::Uuid;

use super::cancellation::outcome;
use super::change::Change;
use super::courier::{Courier, CourierView};
use super::error::CaseError;
use super::lifecycle::Status;
use super::objections::{Objection, ObjectionView};
use super::offers::{Offer, OfferStatus, OfferView};
use super::queue::QueueFilter;
use super::store::{self, Actor, Case, Transition};
use super::view::{self, CaseSummary, CaseView};
use crate::attachments::materials;
use crate::plans::{Plan, Service};
use crate::platform::error::Fault;
use crate::staff::access::CurrentStaff;
use crate::staff::card::StaffCard;
use crate::state::AppState;

/// The plan and service of a case.
pub fn plan_of(state: &AppState, case: &Case) -> Result<(Arc<Plan>, Service), CaseError> {
    let plan = state
        .plan_for_product(case.product_id)
        .cloned()
        .ok_or_else(|| CaseError::unexpected("case of an unknown product"))?;
    let service = plan
        .services
        .iter()
        .find(|s| s.id == case.service_id)
        .cloned()
        .ok_or_else(|| CaseError::unexpected("case of an unknown service"))?;
    Ok((plan, service))
}

/// The name of a case's service (empty for a case of a plan no longer loaded).
pub fn service_name(state: &AppState, case: &Case) -> String {
    // Borrowed, not `plan_of`'s clone of the whole service: this runs for every row of a list.
    state
        .plan_for_product(case.product_id)
        .and_then(|plan| plan.service(&case.service_id))
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

/// The case's status; a stored text that names none is a broken row, never read as another.
pub fn status_of(case: &Case) -> Status {
    Status::from(case.status)
}

/// What of `case` decides which materials it needs.
pub fn material_needs(case: &Case) -> materials::Needs<'_> {
    materials::Needs {
        case_id: case.id,
        diagnosis_state: case.diagnosis_state.map(Into::into),
        awaited: case.awaited_materials.as_deref(),
    }
}

/// The insured's rule, in one place: a case is theirs if they applied for it. (Relatives apply
/// in their own name, so a case is never shared between users.)
pub fn owns(user_id: i64, case: &Case) -> bool {
    case.user_id == user_id
}

/// The caller's own case (another user's is as absent as a missing one).
#[instrument(skip_all, fields(user_id, case = %id))]
pub async fn own_case(state: &AppState, user_id: i64, id: Uuid) -> Result<Case, CaseError> {
    store::find(&state.db, id)
        .await?
        .filter(|case| owns(user_id, case))
        .ok_or(CaseError::NotFound)
}

/// The open offer of `case`, if one waits (read only then: a case without one costs nothing).
pub async fn open_offer(state: &AppState, case: &Case) -> Result<Option<Offer>, CaseError> {
    if case.offer_open_until.is_none() {
        return Ok(None);
    }
    Ok(store::offers::latest(&state.db, case.id)
        .await?
        .filter(|offer| offer.status == OfferStatus::Open))
}

/// The objections and complaints raised on `case`, oldest first (read only where one was).
pub async fn objections_of(state: &AppState, case: &Case) -> Result<Vec<Objection>, CaseError> {
    if case.last_objection_at.is_none() {
        return Ok(Vec::new());
    }
    Ok(store::objections::of_case(&state.db, case.id).await?)
}

/// The courier requests of `case`, oldest first (read only where one was made).
pub async fn couriers_of(state: &AppState, case: &Case) -> Result<Vec<Courier>, CaseError> {
    if case.last_courier_at.is_none() {
        return Ok(Vec::new());
    }
    Ok(store::courier::of_case(&state.db, case.id).await?)
}

/// What a case's page shows beside the row: its open offer, its objections, its courier
/// requests.
struct Beside {
    offer: Option<Offer>,
    objections: Vec<Objection>,
    couriers: Vec<Courier>,
}

async fn beside(state: &AppState, case: &Case) -> Result<Beside, CaseError> {
    Ok(Beside {
        offer: open_offer(state, case).await?,
        objections: objections_of(state, case).await?,
        couriers: couriers_of(state, case).await?,
    })
}

/// The option the insured chose in the case's latest offer, if they accepted one: what the
/// specialist books next (seed 003 二3 「选择合适的医院并与客户电话确认」).
pub async fn chosen_option(
    state: &AppState,
    case: &Case,
) -> Result<Option<(crate::plans::OfferKind, super::offers::OfferOption)>, CaseError> {
    Ok(store::offers::latest(&state.db, case.id)
        .await?
        .filter(|offer| offer.status == OfferStatus::Accepted)
        .and_then(|offer| {
            let option = offer.chosen.and_then(|i| offer.options.get(i).cloned())?;
            Some((offer.kind, option))
        }))
}

/// What the insured sees of a case (the specialists' view builds on it).
pub async fn detail_view(state: &AppState, case: &Case) -> Result<CaseView, CaseError> {
    let policy_public_id = store::policy_public_id(&state.db, case.policy_id)
        .await?
        .ok_or_else(|| CaseError::unexpected("case without its policy"))?;
    let events = store::events(&state.db, case.id).await?;
    let assignee = match case.assignee_id {
        Some(id) => crate::staff::accounts::card(&state.db, id).await?,
        None => None,
    };
    let beside = beside(state, case).await?;
    view_of(
        state,
        case,
        policy_public_id,
        &events,
        assignee.as_ref(),
        &beside,
    )
}

/// The caller's own case page (`token`: their bearer token), another user's case as absent as a
/// missing one: from the case's copy when it is current (read in the session's round trip),
/// else from the database in one statement, then kept as the copy.
#[instrument(skip_all, fields(case = %id))]
pub async fn own_page(
    state: &AppState,
    token: Option<String>,
    id: Uuid,
) -> Result<CaseView, crate::platform::error::ApiError> {
    // Only a shared cache keeps copies: with the in-process one, only the session is read.
    let copy = state.cache.shared().then(|| super::cached::copy(id));
    let keys = copy.as_ref().map(|c| c.keys()).unwrap_or_default();
    let (user, values) =
        crate::auth::extractor::authenticate_reading(state, token, |_| keys).await?;
    let found = copy.as_ref().map(|c| c.found(values));
    let from_copy = found
        .as_ref()
        .and_then(|f| f.current())
        .and_then(|sealed| super::cached::open(&state.crypto, id, sealed));
    if let Some(detail) = from_copy {
        if !owns(user.user_id, &detail.case) {
            return Err(CaseError::NotFound.into());
        }
        let beside = beside(state, &detail.case).await?;
        return Ok(view_of(
            state,
            &detail.case,
            detail.policy_public_id,
            &detail.events,
            detail.assignee.as_ref(),
            &beside,
        )?);
    }
    let detail = store::detail::own(&state.db, user.user_id, id)
        .await
        .map_err(CaseError::from)?
        .ok_or(CaseError::NotFound)?;
    if let (Some(copy), Some(found)) = (&copy, &found) {
        match super::cached::seal(&state.crypto, &detail) {
            Ok(sealed) => found.keep(&*state.cache, copy, &sealed).await,
            Err(error) => tracing::warn!(%error, "the case page copy was not sealed"),
        }
    }
    let beside = beside(state, &detail.case).await?;
    Ok(view_of(
        state,
        &detail.case,
        detail.policy_public_id,
        &detail.events,
        detail.assignee.as_ref(),
        &beside,
    )?)
}

fn view_of(
    state: &AppState,
    case: &Case,
    policy_public_id: Uuid,
    events: &[super::store::Event],
    assignee: Option<&StaffCard>,
    beside: &Beside,
) -> Result<CaseView, CaseError> {
    let (plan, service) = plan_of(state, case)?;
    let status = status_of(case);
    let calendar = state.calendar.get();
    let lines = plan.lines_for(&service);
    Ok(view::detail(
        case,
        status,
        policy_public_id,
        &service,
        &calendar,
        state.clocks.business.now(),
        events,
        assignee,
        lines,
        view::Beside {
            notices: plan.notices_for(&service),
            offer: beside.offer.as_ref().map(OfferView::of),
            objections: beside.objections.iter().map(ObjectionView::of).collect(),
            couriers: beside.couriers.iter().map(CourierView::of).collect(),
        },
    ))
}

/// A page of the caller's cases, newest first, and how many there are.
#[instrument(skip_all, fields(user_id, page, per_page))]
pub async fn list(
    state: &AppState,
    user_id: i64,
    page: u32,
    per_page: u32,
) -> Result<(Vec<CaseSummary>, u64), CaseError> {
    let (cases, total) = store::page_for_user(&state.db, user_id, page, per_page).await?;
    let items = cases
        .iter()
        .map(|case| {
            Ok(view::summary(
                case,
                status_of(case),
                &service_name(state, case),
            ))
        })
        .collect::<Result<_, CaseError>>()?;
    Ok((items, total))
}

/// What a (re)submission records: the application anchor on the first submission, acceptance
/// at the provider's next opening, materials complete now.
pub fn submission(state: &AppState, service: &Service, case: &Case, now: DateTime<Utc>) -> Change {
    let applied_at = case.applied_at.unwrap_or(now);
    let accepted_at = case.accepted_at.unwrap_or_else(|| {
        state
            .calendar
            .get()
            .next_opening(applied_at, &service.acceptance)
            .value
    });
    Change::Submitted {
        applied_at,
        accepted_at,
        at: now,
    }
}

/// The insured says the materials are complete: the case goes to the specialists. Refused while
/// the plan's required categories (by diagnosis state) or those a specialist asked for have no
/// document that is pending or accepted.
#[instrument(skip_all, fields(user_id, case = %id, ?version))]
pub async fn submit(
    state: &AppState,
    user_id: i64,
    id: Uuid,
    version: Option<i32>,
) -> Result<Case, CaseError> {
    let case = own_case(state, user_id, id).await?;
    if version.is_some_and(|v| v != case.version) {
        return Err(CaseError::CaseModified {
            current_version: Some(case.version),
        });
    }
    let (_, service) = plan_of(state, &case)?;
    let now = state.clocks.business.now();
    let step = status_of(&case).submit()?;
    let missing = materials::missing_for(&state.db, &service, material_needs(&case)).await?;
    if !missing.is_empty() {
        return Err(CaseError::MaterialsMissing {
            missing,
            note: materials::rule(&service, material_needs(&case)).map(|r| r.note.clone()),
        });
    }
    let transition = Transition::new("submitted", step)
        .notify(crate::outbox::kind::NotificationKind::CaseSubmitted)
        .change(submission(state, &service, &case, now));
    Ok(super::cached::apply(
        state,
        &state.calendar.get(),
        &service,
        &case,
        version.unwrap_or(case.version),
        transition,
        Actor::User(user_id),
        now,
    )
    .await?)
}

/// The insured cancels in the app, under the plan's rule.
#[instrument(skip_all, fields(user_id, case = %id, ?version))]
pub async fn cancel_own(
    state: &AppState,
    user_id: i64,
    id: Uuid,
    version: Option<i32>,
    reason: Option<String>,
) -> Result<Case, CaseError> {
    let case = own_case(state, user_id, id).await?;
    if version.is_some_and(|v| v != case.version) {
        return Err(CaseError::CaseModified {
            current_version: Some(case.version),
        });
    }
    cancel(
        state,
        &case,
        version.unwrap_or(case.version),
        reason,
        Actor::User(user_id),
        false,
    )
    .await
}

/// Cancels `case` under its plan's rule. A specialist may record a cancellation the plan does
/// not let the user make in the app (`on_behalf`); it then counts as the plan says.
#[instrument(skip_all, fields(case_id = case.id, version, on_behalf))]
pub async fn cancel(
    state: &AppState,
    case: &Case,
    version: i32,
    reason: Option<String>,
    actor: Actor,
    on_behalf: bool,
) -> Result<Case, CaseError> {
    let (_, service) = plan_of(state, case)?;
    let now = state.clocks.business.now();
    let status = status_of(case);
    let calendar = state.calendar.get();
    let decision = outcome(
        service.cancellation,
        status,
        now,
        case.appointment_at,
        &calendar,
    );
    if !decision.allowed && !on_behalf {
        return Err(CaseError::CancellationNotAllowed {
            counted: decision.counted,
            hotline: service.hotline.clone(),
        });
    }
    let step = status.cancel(decision.counted)?;
    let code = if decision.counted {
        "late_cancellation"
    } else {
        "cancelled"
    };
    let transition = Transition::new("cancelled", step)
        .reason(code)
        .note(reason)
        .notify(crate::outbox::kind::NotificationKind::CaseCancelled)
        .change(Change::Ended {
            outcome: code.to_owned(),
            counted: decision.counted,
        });
    Ok(super::cached::apply(
        state, &calendar, &service, case, version, transition, actor, now,
    )
    .await?)
}

/// A case by its row id (the background jobs name cases by row).
pub async fn by_id(state: &AppState, id: i64) -> Result<Option<Case>, Fault> {
    Ok(store::find_by_id(&state.db, id).await?)
}

/// The case, if the account's scope covers it (otherwise it does not exist for them).
pub async fn case_in_scope(
    state: &AppState,
    staff: &CurrentStaff,
    id: Uuid,
) -> Result<Case, CaseError> {
    store::find(&state.db, id)
        .await?
        .filter(|c| staff.sees(c.insurer_id))
        .ok_or(CaseError::NotFound)
}

/// The most objections waiting for an answer a list shows (the oldest first).
pub const OPEN_OBJECTIONS_AT_MOST: u64 = 200;

/// The objections and complaints waiting for an answer in `staff`'s scope, the oldest first,
/// each with its case: the supervisors' list (specialists and insurer viewers are refused).
pub async fn open_objections(
    state: &AppState,
    staff: &CurrentStaff,
) -> Result<Vec<(Objection, Case)>, CaseError> {
    crate::staff::access::may_change(staff, None, crate::staff::access::Need::Supervisor)?;
    Ok(
        store::objections::open(&state.db, staff.account.insurer_id, OPEN_OBJECTIONS_AT_MOST)
            .await?,
    )
}

/// A page of the specialists' queue and the number of cases it holds.
pub async fn queue(
    state: &AppState,
    filter: QueueFilter,
    page: u32,
    per_page: u32,
) -> Result<(Vec<Case>, u64), Fault> {
    Ok(store::queue::page(&state.db, filter, page, per_page).await?)
}

/// How many open cases of each status the scope holds (the queue's tabs).
pub async fn queue_counts(
    state: &AppState,
    insurer_id: Option<i64>,
) -> Result<Vec<(Status, i64)>, Fault> {
    Ok(store::queue::counts(&state.db, insurer_id).await?)
}
