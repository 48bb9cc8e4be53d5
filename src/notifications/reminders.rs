//! Reminders on the business clock (Asia/Shanghai), each queued once whatever the number of
//! workers or restarts (a unique key per reminder and occasion):
//!
//! - the appointment: at 18:00 the day before (later, if the case was arranged after that, up to
//!   the appointment itself);
//! - the free-cancellation cut-off, where the plan's rule is "before 12:00 the day before": on
//!   that morning from 08:00 until the cut-off;
//! - materials asked for and nothing uploaded 2 working days later (at the same time of day,
//!   moved into waking hours);
//! - a draft 24 hours before it expires (moved into waking hours while it still falls before the
//!   expiry);
//! - an offer not yet answered: at 09:00 on the day it lapses.
//!
//! Queued when due; the dispatcher sends them at once, after checking the case has not moved on.

use chrono::{DateTime, Days, NaiveTime, TimeDelta, Timelike, Utc};
use serde_json::Value;

use crate::calendar::{local_date, local_instant};
use crate::cases::store::Case;
use crate::cases::store::write::notification_payload;
use crate::cases::{service as cases, watch};
use crate::outbox::kind::NotificationKind;
use crate::outbox::store as outbox;
use crate::plans::Cancellation;
use crate::platform::error::Fault;
use crate::state::AppState;

/// Messages are not sent before 09:00 or from 20:00 (Asia/Shanghai) when the moment is ours to
/// choose (a reminder, not a change the user is waiting for).
const WAKING_FROM: u32 = 9;
const WAKING_UNTIL: u32 = 20;

fn at(date: chrono::NaiveDate, hour: u32) -> DateTime<Utc> {
    local_instant(
        date,
        NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN),
    )
}

/// `instant` moved into waking hours: before 09:00 → 09:00 that day; from 20:00 → 09:00 the next.
pub fn waking(instant: DateTime<Utc>) -> DateTime<Utc> {
    let local = instant.with_timezone(&chrono_tz::Asia::Shanghai);
    let date = local.date_naive();
    if local.hour() < WAKING_FROM {
        at(date, WAKING_FROM)
    } else if local.hour() >= WAKING_UNTIL {
        at(date + Days::new(1), WAKING_FROM)
    } else {
        instant
    }
}

/// 18:00 on the day before the appointment.
pub fn appointment_reminder_at(appointment: DateTime<Utc>) -> DateTime<Utc> {
    at(local_date(appointment) - Days::new(1), 18)
}

/// The free-cancellation cut-off (12:00 the day before) and the morning reminder (08:00 then).
pub fn cutoff_and_reminder(appointment: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let day_before = local_date(appointment) - Days::new(1);
    (at(day_before, 12), at(day_before, 8))
}

/// How many reminders each pass queued.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Queued {
    pub appointments: usize,
    pub cutoffs: usize,
    pub materials: usize,
    pub drafts: usize,
    pub offers: usize,
}

/// One pass: queues every reminder that is due now and not yet queued.
#[tracing::instrument(skip_all)]
pub async fn run_once(state: &AppState) -> Result<Queued, Fault> {
    let now = state.clocks.business.now();
    let mut queued = Queued::default();
    // Appointments up to two days ahead: the day-before reminders fall due within that.
    for case in watch::scheduled_between(state, now, now + TimeDelta::days(2)).await? {
        let Some(appointment) = case.appointment_at else {
            continue;
        };
        let Ok((plan, service)) = cases::plan_of(state, &case) else {
            continue;
        };
        let stamp = appointment.timestamp();
        let notices: Vec<(&str, Value)> = plan
            .visit_notices(&service)
            .map(|text| ("visit_notices", Value::String(text)))
            .into_iter()
            .collect();
        if now >= appointment_reminder_at(appointment)
            && queue(
                state,
                &case,
                &service,
                NotificationKind::AppointmentReminder,
                &format!("appointment_reminder:{}:{stamp}", case.id),
                &notices,
                now,
            )
            .await?
        {
            queued.appointments += 1;
        }
        let (cutoff, remind) = cutoff_and_reminder(appointment);
        if service.cancellation == Cancellation::BeforeNoonDayBefore
            && now >= remind
            && now < cutoff
            && queue(
                state,
                &case,
                &service,
                NotificationKind::CancellationCutoff,
                &format!("cancellation_cutoff:{}:{stamp}", case.id),
                &[(
                    "cutoff_at",
                    Value::from(crate::platform::wire_time::text(&cutoff)),
                )],
                now,
            )
            .await?
        {
            queued.cutoffs += 1;
        }
    }
    let calendar = state.calendar.get();
    for waiting in watch::awaiting_materials(state).await? {
        if waiting
            .last_upload_at
            .is_some_and(|upload| upload >= waiting.asked_at)
        {
            continue;
        }
        let local_time = waiting
            .asked_at
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .time();
        let day = calendar
            .add_working_days_to_date(local_date(waiting.asked_at), 2)
            .value;
        let due = waking(local_instant(day, local_time));
        let Ok((_, service)) = cases::plan_of(state, &waiting.case) else {
            continue;
        };
        if now >= due
            && queue(
                state,
                &waiting.case,
                &service,
                NotificationKind::MaterialsReminder,
                &format!(
                    "materials_reminder:{}:{}",
                    waiting.case.id, waiting.asked_event_id
                ),
                &[],
                now,
            )
            .await?
        {
            queued.materials += 1;
        }
    }
    for case in watch::drafts_expiring_between(state, now, now + TimeDelta::hours(24)).await? {
        let Some(expires) = case.draft_expires_at else {
            continue;
        };
        let raw = expires - TimeDelta::hours(24);
        let due = Some(waking(raw)).filter(|d| *d < expires).unwrap_or(raw);
        let Ok((_, service)) = cases::plan_of(state, &case) else {
            continue;
        };
        if now >= due
            && queue(
                state,
                &case,
                &service,
                NotificationKind::DraftExpiring,
                &format!("draft_expiring:{}:{}", case.id, expires.timestamp()),
                &[(
                    "draft_expires_at",
                    Value::from(crate::platform::wire_time::text(&expires)),
                )],
                now,
            )
            .await?
        {
            queued.drafts += 1;
        }
    }
    for case in watch::offers_lapsing_between(state, now, now + TimeDelta::hours(24)).await? {
        let Some(lapses) = case.offer_open_until else {
            continue;
        };
        let due = at(local_date(lapses), WAKING_FROM);
        let Ok((_, service)) = cases::plan_of(state, &case) else {
            continue;
        };
        if now >= due
            && queue(
                state,
                &case,
                &service,
                NotificationKind::OfferReminder,
                &format!("offer_reminder:{}:{}", case.id, lapses.timestamp()),
                &[(
                    "offer_expires_at",
                    Value::from(crate::platform::wire_time::text(&lapses)),
                )],
                now,
            )
            .await?
        {
            queued.offers += 1;
        }
    }
    if queued != Queued::default() {
        tracing::info!(?queued, "reminders queued");
    }
    Ok(queued)
}

async fn queue(
    state: &AppState,
    case: &Case,
    service: &crate::plans::Service,
    kind: NotificationKind,
    key: &str,
    extra: &[(&str, Value)],
    now: DateTime<Utc>,
) -> Result<bool, Fault> {
    let mut payload = notification_payload(case, service, None);
    if let Value::Object(map) = &mut payload {
        for (name, value) in extra {
            map.insert((*name).to_owned(), value.clone());
        }
    }
    Ok(outbox::enqueue_once(&state.db, case.user_id, case.id, kind, &payload, key, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("valid")
            .with_timezone(&Utc)
    }

    #[test]
    fn the_appointment_reminder_is_at_six_the_evening_before() {
        assert_eq!(
            appointment_reminder_at(shanghai("2026-12-01T09:30:00+08:00")),
            shanghai("2026-11-30T18:00:00+08:00")
        );
        // Just after midnight Shanghai is still the previous UTC day: the local date counts.
        assert_eq!(
            appointment_reminder_at(shanghai("2026-12-01T00:30:00+08:00")),
            shanghai("2026-11-30T18:00:00+08:00")
        );
    }

    #[test]
    fn reminders_we_time_fall_in_waking_hours() {
        assert_eq!(
            waking(shanghai("2026-12-01T06:00:00+08:00")),
            shanghai("2026-12-01T09:00:00+08:00")
        );
        assert_eq!(
            waking(shanghai("2026-12-01T22:00:00+08:00")),
            shanghai("2026-12-02T09:00:00+08:00")
        );
        let noon = shanghai("2026-12-01T12:00:00+08:00");
        assert_eq!(waking(noon), noon);
    }
}
