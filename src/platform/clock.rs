//! The business clock. Every rule that depends on "now" (waiting periods, working days, cancel
//! cut-offs, SLA due dates) asks a [`Clock`], never `Utc::now()`. Outside production the clock can
//! be pinned (`APP_CLOCK__NOW`) and moved (`PUT /api/v1/dev/clock`), so date rules can be
//! exercised end to end. Security time (token expiry, rate-limit windows, cache TTLs) does not use
//! this clock: it always follows the real one.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// Real time shifted by an offset: pinned at an instant, it runs on from there, so events keep
/// their order and a "newest first" list stays meaningful.
#[derive(Debug, Default)]
pub struct ShiftedClock {
    offset_micros: AtomicI64,
}

impl ShiftedClock {
    pub fn starting_at(instant: DateTime<Utc>) -> Self {
        let clock = Self::default();
        clock.set(instant);
        clock
    }

    /// Moves the clock so that `now()` returns `instant` at this moment.
    pub fn set(&self, instant: DateTime<Utc>) {
        let offset = instant.signed_duration_since(Utc::now());
        let micros = offset
            .num_microseconds()
            .unwrap_or(if offset > chrono::TimeDelta::zero() {
                i64::MAX
            } else {
                i64::MIN
            });
        self.offset_micros.store(micros, Ordering::SeqCst);
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = chrono::TimeDelta::microseconds(self.offset_micros.load(Ordering::SeqCst));
        Utc::now()
            .checked_add_signed(offset)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// The clock the application runs on, and the handle that moves it when the dev endpoint is on.
#[derive(Debug, Clone)]
pub struct Clocks {
    pub business: Arc<dyn Clock>,
    pub adjustable: Option<Arc<ShiftedClock>>,
}

impl Clocks {
    pub fn from_settings(
        settings: &crate::platform::config::ClockSettings,
        allow_dev: bool,
    ) -> Self {
        if !allow_dev {
            return Self {
                business: Arc::new(SystemClock),
                adjustable: None,
            };
        }
        match (settings.now, settings.adjustable) {
            (None, false) => Self {
                business: Arc::new(SystemClock),
                adjustable: None,
            },
            (pinned, adjustable) => {
                let shifted = Arc::new(match pinned {
                    Some(at) => ShiftedClock::starting_at(at.with_timezone(&Utc)),
                    None => ShiftedClock::default(),
                });
                Self {
                    business: shifted.clone(),
                    adjustable: adjustable.then_some(shifted),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_shifted_clock_starts_at_its_instant_and_runs_on() {
        let at = Utc
            .with_ymd_and_hms(2026, 3, 31, 2, 0, 0)
            .single()
            .expect("valid");
        let clock = ShiftedClock::starting_at(at);
        let first = clock.now();
        assert!((first - at).num_seconds().abs() < 5);
        assert!(clock.now() >= first);
    }

    #[test]
    fn moving_a_shifted_clock_backwards_works() {
        let clock = ShiftedClock::default();
        let past = Utc
            .with_ymd_and_hms(2020, 1, 1, 0, 0, 0)
            .single()
            .expect("valid");
        clock.set(past);
        assert_eq!(clock.now().date_naive(), past.date_naive());
    }
}
