//! The working-day calendar of mainland China (Asia/Shanghai): statutory holidays and make-up
//! workdays from the State Council notices, acceptance hours, and the due-date arithmetic every
//! SLA uses. A date in a year whose notice is not published yet is computed on weekends only and
//! every answer that touched it is **flagged provisional**, never silently.

pub mod hours;
mod local;
pub mod store;

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Asia::Shanghai;

pub use hours::{AcceptanceHours, ClosedOn, OpenDays};
pub use local::{end_of_day, local_date, local_instant};

/// The name the notices give the Spring Festival holiday.
pub const SPRING_FESTIVAL: &str = "春节";

/// A computed value, and whether it rests on a year whose calendar is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Flagged<T> {
    pub value: T,
    pub provisional: bool,
}

#[derive(Debug, Clone)]
struct Listed {
    off: bool,
    name: String,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    listed: HashMap<NaiveDate, Listed>,
    published: BTreeSet<i32>,
}

impl Calendar {
    /// `days`: (date, is_off_day, holiday name); `published`: years whose notice is in.
    pub fn new(
        days: impl IntoIterator<Item = (NaiveDate, bool, String)>,
        published: impl IntoIterator<Item = i32>,
    ) -> Self {
        Self {
            listed: days
                .into_iter()
                .map(|(date, off, name)| (date, Listed { off, name }))
                .collect(),
            published: published.into_iter().collect(),
        }
    }

    pub fn is_published(&self, year: i32) -> bool {
        self.published.contains(&year)
    }

    pub fn published_years(&self) -> impl Iterator<Item = i32> + '_ {
        self.published.iter().copied()
    }

    fn provisional(&self, date: NaiveDate) -> bool {
        !self.is_published(date.year())
    }

    /// A statutory day off (and its holiday's name).
    pub fn holiday(&self, date: NaiveDate) -> Option<&str> {
        self.listed
            .get(&date)
            .filter(|l| l.off)
            .map(|l| l.name.as_str())
    }

    /// Mon–Fri not listed as off, or Sat/Sun listed as a make-up workday.
    pub fn is_working_day(&self, date: NaiveDate) -> Flagged<bool> {
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let value = match self.listed.get(&date) {
            Some(listed) => !listed.off,
            None => !weekend,
        };
        Flagged {
            value,
            provisional: self.provisional(date),
        }
    }

    /// The `n`th working day after `date` (the day itself does not count).
    pub fn add_working_days_to_date(&self, date: NaiveDate, n: u32) -> Flagged<NaiveDate> {
        let mut day = date;
        let mut counted = 0;
        let mut provisional = false;
        while counted < n {
            day = day + Days::new(1);
            let working = self.is_working_day(day);
            provisional |= working.provisional;
            if working.value {
                counted += 1;
            }
        }
        Flagged {
            value: day,
            provisional,
        }
    }

    /// Due at the end (23:59:59 Asia/Shanghai) of the `n`th working day after the day of `from`;
    /// the day of `from` itself does not count, whatever the hour. (SERVICE_RULES, interpretation)
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> Flagged<DateTime<Utc>> {
        let date = self.add_working_days_to_date(local_date(from), n);
        Flagged {
            value: end_of_day(date.value),
            provisional: date.provisional,
        }
    }

    /// Working days strictly after `from` up to and including `until`.
    pub fn working_days_between(&self, from: NaiveDate, until: NaiveDate) -> Flagged<u32> {
        let mut day = from;
        let mut count = 0;
        let mut provisional = false;
        while day < until {
            day = day + Days::new(1);
            let working = self.is_working_day(day);
            provisional |= working.provisional;
            if working.value {
                count += 1;
            }
        }
        Flagged {
            value: count,
            provisional,
        }
    }

    /// The first instant at or after `at` when a provider with these hours takes applications:
    /// an application made out of hours is accepted at the next opening.
    pub fn next_opening(
        &self,
        at: DateTime<Utc>,
        hours: &AcceptanceHours,
    ) -> Flagged<DateTime<Utc>> {
        let local = at.with_timezone(&Shanghai);
        let mut date = local.date_naive();
        let mut provisional = false;
        // A provider may close for at most a few weeks (Spring Festival): a year bounds the search.
        for day in 0..400 {
            provisional |= self.provisional(date);
            if self.open_on(hours, date) {
                let open = local_instant(date, hours.open_time());
                let close = hours.close_instant(date);
                if day == 0 && at >= open && at < close {
                    return Flagged {
                        value: at,
                        provisional,
                    };
                }
                if open >= at || day > 0 {
                    return Flagged {
                        value: open.max(at),
                        provisional,
                    };
                }
            }
            date = date + Days::new(1);
        }
        Flagged {
            value: at,
            provisional: true,
        }
    }

    /// The provider's open spans from `from` on, each `(start, close)` with whether it rests
    /// on an unpublished year; the first starts at `from` when it is open then. A year of
    /// opening days bounds the walk.
    fn open_spans<'a>(
        &'a self,
        from: DateTime<Utc>,
        hours: &'a AcceptanceHours,
    ) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>, bool)> + 'a {
        let mut at = from;
        let mut provisional = false;
        (0..400).map(move |_| {
            let opening = self.next_opening(at, hours);
            provisional |= opening.provisional;
            let close = hours.close_instant(local_date(opening.value));
            at = close;
            (opening.value, close, provisional)
        })
    }

    /// The instant `minutes` of open time after `from`, counting only while a provider with
    /// these hours is open: a promise of "about 2 hours" made at 17:30 by a provider open
    /// 09:00–18:00 falls due at 10:30 on its next opening day (issue 13, item 1). Time before the
    /// first opening at or after `from` does not count either.
    pub fn add_open_minutes(
        &self,
        from: DateTime<Utc>,
        minutes: u32,
        hours: &AcceptanceHours,
    ) -> Flagged<DateTime<Utc>> {
        let mut left = TimeDelta::minutes(i64::from(minutes));
        for (start, close, provisional) in self.open_spans(from, hours) {
            if left <= close - start {
                return Flagged {
                    value: start + left,
                    provisional,
                };
            }
            left -= close - start;
        }
        Flagged {
            value: from + TimeDelta::minutes(i64::from(minutes)),
            provisional: true,
        }
    }

    /// The open time between `from` and `until` (none when `until` is not later), in minutes:
    /// how long an hours promise took, counted the way it runs.
    pub fn open_minutes_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        hours: &AcceptanceHours,
    ) -> Flagged<i64> {
        let mut counted = TimeDelta::zero();
        let mut provisional = false;
        for (start, close, flagged) in self.open_spans(from, hours) {
            if start >= until {
                break;
            }
            provisional = flagged;
            counted += close.min(until) - start;
            if close >= until {
                break;
            }
        }
        Flagged {
            value: counted.num_minutes(),
            provisional,
        }
    }

    /// Whether a provider with `hours` is open at all on `date`: its days, less the holidays
    /// it closes on.
    pub fn open_on(&self, hours: &AcceptanceHours, date: NaiveDate) -> bool {
        let day_open = match hours.days {
            OpenDays::MonFri => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
            OpenDays::WorkingDays => self.is_working_day(date).value,
            OpenDays::EveryDay => true,
        };
        let closed = match (hours.closed, self.holiday(date)) {
            (ClosedOn::StatutoryHolidays, Some(_)) => true,
            (ClosedOn::SpringFestival, Some(name)) => name == SPRING_FESTIVAL,
            _ => false,
        };
        day_open && !closed
    }

    /// Whether the provider takes applications at `at`.
    pub fn is_open_at(&self, at: DateTime<Utc>, hours: &AcceptanceHours) -> Flagged<bool> {
        let opening = self.next_opening(at, hours);
        Flagged {
            value: opening.value == at,
            provisional: opening.provisional,
        }
    }
}

#[cfg(test)]
mod tests;

/// The calendar the running service uses: loaded from the database at start and reloaded
/// periodically, so a year imported with `import-holidays` reaches every instance without a
/// restart.
#[derive(Debug, Default)]
pub struct SharedCalendar {
    current: std::sync::RwLock<std::sync::Arc<Calendar>>,
}

impl SharedCalendar {
    pub fn new(calendar: Calendar) -> Self {
        Self {
            current: std::sync::RwLock::new(std::sync::Arc::new(calendar)),
        }
    }

    pub fn get(&self) -> std::sync::Arc<Calendar> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn replace(&self, calendar: Calendar) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = std::sync::Arc::new(calendar);
    }
}
