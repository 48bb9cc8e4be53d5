//! Time promises: when an SLA, a first contact or a start decision falls due, from the later of
//! its anchors; and the lead time a plan wants before a visit.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::calendar::{Calendar, Flagged, local_date};
use crate::plans::{Anchor, Promise, Service};

/// The moments a case has reached, by anchor. `Acceptance` may be left out: it is derived from
/// `Application` and the service's acceptance hours.
pub type Anchors = HashMap<Anchor, DateTime<Utc>>;

/// When `promise` is due, or `None` while one of its anchors has not happened yet.
pub fn due(
    calendar: &Calendar,
    service: &Service,
    promise: &Promise,
    anchors: &Anchors,
) -> Option<Flagged<DateTime<Utc>>> {
    let mut provisional = false;
    let mut latest: Option<DateTime<Utc>> = None;
    for anchor in &promise.from {
        let at = match (anchor, anchors.get(anchor)) {
            (_, Some(at)) => *at,
            (Anchor::Acceptance, None) => {
                let opening =
                    calendar.next_opening(*anchors.get(&Anchor::Application)?, &service.acceptance);
                provisional |= opening.provisional;
                opening.value
            }
            (_, None) => return None,
        };
        latest = Some(latest.map_or(at, |l| l.max(at)));
    }
    let from = latest?;
    let value = if let Some(days) = promise.working_days {
        let due = calendar.add_working_days(from, days);
        provisional |= due.provisional;
        due.value
    } else if let Some(hours) = promise.hours {
        from + TimeDelta::hours(i64::from(hours))
    } else {
        from + TimeDelta::minutes(i64::from(promise.minutes.unwrap_or(0)))
    };
    Some(Flagged { value, provisional })
}

/// Whether a visit on `wanted` leaves at least `working_days` working days after the day of the
/// application (seed 003: "客户提前 5个工作日 … 进行预约").
pub fn lead_time_ok(
    calendar: &Calendar,
    application: DateTime<Utc>,
    wanted: NaiveDate,
    working_days: u32,
) -> Flagged<bool> {
    let between = calendar.working_days_between(local_date(application), wanted);
    Flagged {
        value: between.value >= working_days,
        provisional: between.provisional,
    }
}
