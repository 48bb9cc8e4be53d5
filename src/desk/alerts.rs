//! The specialists' alerts: open cases in the account's scope whose first contact (not yet made)
//! or service promise (not yet arranged) falls due within a window or is already past, the most
//! urgent first. The queue flags overdue cases; this is the list to act on before they are.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use tracing::instrument;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::cases::lifecycle::Status;
use crate::cases::service::{service_name, status_of};
use crate::cases::watch;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::staff::access::CurrentStaff;
use crate::staff::accounts::{display_names, logins};
use crate::state::AppState;

/// The longest window a caller may ask for: a week.
pub const MAX_WINDOW_MINUTES: u32 = 7 * 24 * 60;
/// Cases read at most (the nearest first after sorting).
const READ_AT_MOST: u64 = 1000;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum AlertError {
    #[error("window_minutes 应在 1 到 10080（一周）之间")]
    WindowOutOfRange,
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(AlertError);

impl AreaError for AlertError {
    fn kind(&self) -> Kind {
        match self {
            Self::WindowOutOfRange => Kind::BadRequest,
            Self::Fault(_) => Kind::Internal,
        }
    }

    crate::platform::error::area_error_glue!(Fault);
}

/// Which promise an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Promise {
    /// The first call to the insured.
    FirstContact,
    /// The plan's service promise (acceptance, arrangement within N working days).
    Sla,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Alert {
    pub case_id: Uuid,
    #[schema(example = "GC2611-00042")]
    pub number: String,
    pub service_name: String,
    pub status: Status,
    /// The assignee's login.
    pub assignee: Option<String>,
    /// The assignee's name as people read it.
    pub assignee_name: Option<String>,
    pub promise: Promise,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub due_at: DateTime<Utc>,
    /// Already past.
    pub overdue: bool,
    /// Minutes until due (negative: minutes overdue).
    pub minutes_left: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AlertList {
    /// Most urgent first: the longest overdue, then the soonest due.
    pub items: Vec<Alert>,
    pub window_minutes: u32,
    pub overdue: usize,
    pub due_soon: usize,
}

/// The alerts in the account's scope within `window_minutes` (default: the configured window).
#[instrument(skip_all, fields(staff_id = staff.id()))]
pub async fn alerts(
    state: &AppState,
    staff: &CurrentStaff,
    window_minutes: Option<u32>,
) -> Result<AlertList, AlertError> {
    let window = window_minutes.unwrap_or(state.settings.notifications.alert_window_minutes);
    if window == 0 || window > MAX_WINDOW_MINUTES {
        return Err(AlertError::WindowOutOfRange);
    }
    let now = state.clocks.business.now();
    let until = now + TimeDelta::minutes(i64::from(window));
    let cases = watch::due_by(state, staff.account.insurer_id, until, READ_AT_MOST).await?;
    let names = logins(&state.db, cases.iter().filter_map(|c| c.assignee_id)).await?;
    let people = display_names(&state.db, cases.iter().filter_map(|c| c.assignee_id)).await?;
    let mut items = Vec::new();
    for case in &cases {
        let status = status_of(case);
        let mut promises = Vec::new();
        if case.first_contacted_at.is_none()
            && let Some(due) = case.first_contact_due_at.filter(|d| *d < until)
        {
            promises.push((Promise::FirstContact, due));
        }
        // Not while the insured chooses among the options offered.
        if !matches!(status, Status::Scheduled | Status::InProgress)
            && case.offer_open_until.is_none()
            && let Some(due) = case.sla_due_at.filter(|d| *d < until)
        {
            promises.push((Promise::Sla, due));
        }
        for (promise, due_at) in promises {
            items.push(Alert {
                case_id: case.public_id,
                number: crate::cases::store::number_of(case),
                service_name: service_name(state, case),
                status,
                assignee: case.assignee_id.and_then(|id| names.get(&id).cloned()),
                assignee_name: case.assignee_id.and_then(|id| people.get(&id).cloned()),
                promise,
                due_at,
                overdue: due_at < now,
                minutes_left: (due_at - now).num_minutes(),
            });
        }
    }
    items.sort_by_key(|a| (a.due_at, a.number.clone()));
    let overdue = items.iter().filter(|a| a.overdue).count();
    Ok(AlertList {
        due_soon: items.len() - overdue,
        overdue,
        items,
        window_minutes: window,
    })
}

/// Open alerts across every insurer at the configured window (the metrics gauge).
pub async fn open_count(state: &AppState) -> Result<usize, Fault> {
    let now = state.clocks.business.now();
    let window = i64::from(state.settings.notifications.alert_window_minutes);
    Ok(
        watch::due_by(state, None, now + TimeDelta::minutes(window), READ_AT_MOST)
            .await?
            .len(),
    )
}
