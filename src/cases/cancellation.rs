//! Whether a cancellation is allowed and whether it counts as a use, per the plan's rule.

use chrono::{DateTime, Days, NaiveTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::lifecycle::Status;
use crate::calendar::{Calendar, local_date, local_instant};
use crate::plans::Cancellation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct CancelOutcome {
    /// Whether the insured may cancel in the mini-program now.
    pub allowed: bool,
    /// Whether the cancellation counts as a use of the service.
    pub counted: bool,
    /// The answer rests on a year whose holiday calendar is not published yet.
    pub provisional: bool,
}

/// Before the provider has committed (no approval yet), a cancellation is free under every plan.
fn before_commitment(status: Status) -> bool {
    matches!(
        status,
        Status::Draft | Status::Submitted | Status::InReview | Status::NeedsMaterials
    )
}

pub fn outcome(
    rule: Cancellation,
    status: Status,
    now: DateTime<Utc>,
    appointment: Option<DateTime<Utc>>,
    calendar: &Calendar,
) -> CancelOutcome {
    let free = CancelOutcome {
        allowed: true,
        counted: false,
        provisional: false,
    };
    if before_commitment(status) {
        return free;
    }
    match (rule, appointment) {
        // Seed 000 二、2(4)5) "申请成功后不允许改期、取消"; seed 002 (二)2.9(11) "不可取消。若取消，
        // 仍计为有效服务一次": the mini-program refuses and says it would count.
        (Cancellation::Never, _) => CancelOutcome {
            allowed: false,
            counted: true,
            provisional: false,
        },
        (_, None) if status == Status::Approved => free,
        // Seed 002 (一)2.9(6): free until 12:00 on the day before the visit (Asia/Shanghai).
        (Cancellation::BeforeNoonDayBefore, Some(at)) => {
            let day_before = local_date(at) - Days::new(1);
            let noon = local_instant(
                day_before,
                NaiveTime::from_hms_opt(12, 0, 0).unwrap_or(NaiveTime::MIN),
            );
            CancelOutcome {
                allowed: true,
                counted: now >= noon,
                provisional: false,
            }
        }
        // Seed 004 四、(三) "至少提前2个工作日": free on or before the Nth working day before the
        // visit day, counted after. The notice is the working days from today (itself included)
        // to the visit day (excluded): for a Thursday visit, Tuesday gives Tuesday and Wednesday
        // (free), Wednesday gives one (counted).
        (Cancellation::WorkingDaysNotice { days }, Some(at)) => {
            let visit = local_date(at);
            let today = local_date(now);
            let notice = if visit > today {
                calendar.working_days_between(today - Days::new(1), visit - Days::new(1))
            } else {
                crate::calendar::Flagged {
                    value: 0,
                    provisional: false,
                }
            };
            CancelOutcome {
                allowed: true,
                counted: notice.value < days,
                provisional: notice.provisional,
            }
        }
        // Plans 2 and 4 say only that a missed visit is used: free before the visit's day, on the
        // day itself counted as the no-show it is (interpretation).
        (Cancellation::BeforeVisitDay, Some(at)) => CancelOutcome {
            allowed: true,
            counted: local_date(now) >= local_date(at),
            provisional: false,
        },
        // The seed is silent: free until the appointment is arranged, counted after (interpretation).
        (Cancellation::UntilScheduled, Some(_)) => CancelOutcome {
            allowed: true,
            counted: true,
            provisional: false,
        },
        (_, None) => CancelOutcome {
            allowed: true,
            counted: status == Status::InProgress,
            provisional: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::store::embedded_calendar;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("instant")
            .to_utc()
    }

    #[test]
    fn noon_the_day_before_is_the_line() {
        let calendar = embedded_calendar();
        let visit = Some(at("2026-06-10T09:30:00+08:00"));
        let rule = Cancellation::BeforeNoonDayBefore;
        let early = outcome(
            rule,
            Status::Scheduled,
            at("2026-06-09T11:59:00+08:00"),
            visit,
            &calendar,
        );
        let late = outcome(
            rule,
            Status::Scheduled,
            at("2026-06-09T12:00:00+08:00"),
            visit,
            &calendar,
        );
        assert_eq!((early.allowed, early.counted), (true, false));
        assert_eq!((late.allowed, late.counted), (true, true));
    }

    #[test]
    fn two_working_days_notice_across_a_weekend() {
        let calendar = embedded_calendar();
        let rule = Cancellation::WorkingDaysNotice { days: 2 };
        let counted = |now: &str, visit: &str| {
            outcome(rule, Status::Scheduled, at(now), Some(at(visit)), &calendar).counted
        };
        let thursday = "2026-06-11T09:00:00+08:00";
        // Tuesday for Thursday: Tuesday and Wednesday are the notice — free, at any hour.
        assert!(!counted("2026-06-09T23:00:00+08:00", thursday));
        assert!(!counted("2026-06-08T18:00:00+08:00", thursday));
        // Wednesday for Thursday: one working day — counted.
        assert!(counted("2026-06-10T08:00:00+08:00", thursday));
        // Across a weekend: Thursday for Monday gives Thursday and Friday (free); Friday only
        // itself (counted); the weekend never counts.
        let monday = "2026-06-15T09:00:00+08:00";
        assert!(!counted("2026-06-11T10:00:00+08:00", monday));
        assert!(counted("2026-06-12T10:00:00+08:00", monday));
        assert!(counted("2026-06-13T10:00:00+08:00", monday));
        // A make-up Saturday works: 10 October 2026 is one. Friday the 9th for Monday the 12th
        // gives Friday and Saturday (free); Saturday gives itself (counted).
        let after_make_up = "2026-10-12T09:00:00+08:00";
        assert!(!counted("2026-10-09T10:00:00+08:00", after_make_up));
        assert!(counted("2026-10-10T10:00:00+08:00", after_make_up));
    }

    #[test]
    fn before_the_visit_day_is_free_and_the_day_itself_counts() {
        let calendar = embedded_calendar();
        let visit = Some(at("2026-06-10T09:30:00+08:00"));
        let counted = |now: &str| {
            outcome(
                Cancellation::BeforeVisitDay,
                Status::Scheduled,
                at(now),
                visit,
                &calendar,
            )
            .counted
        };
        assert!(!counted("2026-06-09T23:59:59+08:00"));
        // Midnight in Shanghai is 16:00 UTC the day before: the local day decides.
        assert!(counted("2026-06-10T00:00:00+08:00"));
        assert!(counted("2026-06-10T11:00:00+08:00"));
        // Approved and not yet arranged: free.
        let free = outcome(
            Cancellation::BeforeVisitDay,
            Status::Approved,
            at("2026-06-10T11:00:00+08:00"),
            None,
            &calendar,
        );
        assert_eq!((free.allowed, free.counted), (true, false));
    }

    #[test]
    fn never_means_refused_once_committed_but_free_before() {
        let calendar = embedded_calendar();
        let now = at("2026-06-01T10:00:00+08:00");
        let refused = outcome(
            Cancellation::Never,
            Status::Scheduled,
            now,
            Some(now),
            &calendar,
        );
        assert_eq!((refused.allowed, refused.counted), (false, true));
        let free = outcome(Cancellation::Never, Status::Submitted, now, None, &calendar);
        assert_eq!((free.allowed, free.counted), (true, false));
    }
}
