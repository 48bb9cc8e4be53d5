//! Local time in Asia/Shanghai: the date of an instant, the instant of a date and time.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

/// The local (Asia/Shanghai) date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&Shanghai).date_naive()
}

/// The instant of a local (Asia/Shanghai) date and time. Shanghai has no DST since 1991, so
/// every local time exists exactly once.
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    Shanghai
        .from_local_datetime(&date.and_time(time))
        .single()
        .map(|local| local.with_timezone(&Utc))
        .unwrap_or_else(|| Utc.from_utc_datetime(&date.and_time(time)))
}

/// The last second of a local date: "within N working days" is due then.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    local_instant(
        date,
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
    )
}
