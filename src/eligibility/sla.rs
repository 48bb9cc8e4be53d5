//! Time promises: when an SLA, a first contact or a start decision falls due, from the later of
//! its anchors; and the lead time a plan wants before a visit.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::{Calendar, Flagged, local_date};
use crate::plans::{Anchor, Promise, Service};

/// The moments a case has reached, by anchor. `Acceptance` may be left out: it is derived from
/// `Application` and the service's acceptance hours.
pub type Anchors = HashMap<Anchor, DateTime<Utc>>;

/// When `promise` is due, or `None` while one of its anchors has not happened yet.
///
/// One rule for every plan with acceptance hours (issue 13, item 1): an application made
/// outside them is accepted at the next opening, so a promise anchored on the application counts
/// from that acceptance (working days from the acceptance day), and an hours promise runs only
/// while the service is open. A provider open round the clock is unaffected.
pub fn due(
    calendar: &Calendar,
    service: &Service,
    promise: &Promise,
    anchors: &Anchors,
) -> Option<Flagged<DateTime<Utc>>> {
    let from = start(calendar, service, promise, anchors)?;
    let flagged = if let Some(days) = promise.working_days {
        calendar.add_working_days(from.value, days)
    } else {
        let minutes = promise
            .hours
            .map_or(promise.minutes.unwrap_or(0), |hours| hours * 60);
        calendar.add_open_minutes(from.value, minutes, &service.acceptance)
    };
    Some(Flagged {
        value: flagged.value,
        provisional: from.provisional | flagged.provisional,
    })
}

/// When `promise` starts running: the latest of its anchors (the application read as its
/// acceptance), or `None` while one has not happened.
pub fn start(
    calendar: &Calendar,
    service: &Service,
    promise: &Promise,
    anchors: &Anchors,
) -> Option<Flagged<DateTime<Utc>>> {
    let mut provisional = false;
    let mut latest: Option<DateTime<Utc>> = None;
    for anchor in &promise.from {
        let at = match (anchor, anchors.get(anchor)) {
            (Anchor::Application, Some(applied)) => {
                let accepted = calendar.next_opening(*applied, &service.acceptance);
                provisional |= accepted.provisional;
                accepted.value
            }
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
    Some(Flagged {
        value: latest?,
        provisional,
    })
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
