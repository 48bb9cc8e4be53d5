use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

use super::store::embedded_calendar;
use super::*;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an instant")
        .to_utc()
}

fn hours(days: OpenDays, open: &str, close: &str, closed: ClosedOn) -> AcceptanceHours {
    AcceptanceHours {
        days,
        open: open.into(),
        close: close.into(),
        closed,
    }
}

#[test]
fn make_up_saturdays_work_and_holiday_weekdays_do_not() {
    let calendar = embedded_calendar();
    assert!(
        calendar.is_working_day(date("2026-02-14")).value,
        "make-up Saturday"
    );
    assert!(
        !calendar.is_working_day(date("2026-02-16")).value,
        "Spring Festival Monday"
    );
    assert!(
        !calendar.is_working_day(date("2026-02-21")).value,
        "plain Saturday"
    );
    assert!(
        calendar.is_working_day(date("2026-10-10")).value,
        "National Day make-up Saturday"
    );
    assert_eq!(calendar.holiday(date("2026-02-17")), Some(SPRING_FESTIVAL));
    assert!(!calendar.is_working_day(date("2026-02-17")).provisional);
}

#[test]
fn five_working_days_across_the_2026_spring_festival() {
    // SERVICE_RULES' own example: Thursday 2026-02-12 + 5 wd → 02-13, 02-14 (make-up Saturday),
    // 02-24, 02-25, 02-26 → due at the end of 2026-02-26.
    let calendar = embedded_calendar();
    let due = calendar.add_working_days(at("2026-02-12T16:00:00+08:00"), 5);
    assert_eq!(due.value, at("2026-02-26T23:59:59+08:00"));
    assert!(!due.provisional);
    // The hour of the starting day does not matter.
    assert_eq!(
        calendar
            .add_working_days(at("2026-02-12T00:00:01+08:00"), 5)
            .value,
        due.value
    );
}

#[test]
fn an_unpublished_year_counts_weekends_only_and_is_flagged() {
    let calendar = embedded_calendar();
    assert!(!calendar.is_published(2027));
    let day = calendar.is_working_day(date("2027-02-08"));
    assert!(day.value && day.provisional);
    let due = calendar.add_working_days(at("2026-12-30T10:00:00+08:00"), 3);
    assert!(due.provisional, "crosses into 2027");
    assert_eq!(due.value, at("2027-01-04T23:59:59+08:00"));
    let inside = calendar.add_working_days(at("2026-12-01T10:00:00+08:00"), 3);
    assert!(!inside.provisional);
}

#[test]
fn acceptance_out_of_hours_moves_to_the_next_opening() {
    let calendar = embedded_calendar();
    let plan3 = hours(
        OpenDays::MonFri,
        "09:00",
        "18:00",
        ClosedOn::StatutoryHolidays,
    );
    // Wednesday 2026-09-30 17:59 is inside; 18:01 waits for the end of the National Day holiday.
    let inside = at("2026-09-30T17:59:00+08:00");
    assert_eq!(calendar.next_opening(inside, &plan3).value, inside);
    assert_eq!(
        calendar
            .next_opening(at("2026-09-30T18:01:00+08:00"), &plan3)
            .value,
        at("2026-10-08T09:00:00+08:00")
    );
    // Before opening on a working day: that morning.
    assert_eq!(
        calendar
            .next_opening(at("2026-10-08T07:30:00+08:00"), &plan3)
            .value,
        at("2026-10-08T09:00:00+08:00")
    );
    // Mon–Fri as written: the make-up Saturday 2026-10-10 is not an opening.
    assert_eq!(
        calendar
            .next_opening(at("2026-10-09T18:30:00+08:00"), &plan3)
            .value,
        at("2026-10-12T09:00:00+08:00")
    );
}

#[test]
fn an_hours_promise_runs_only_while_the_provider_is_open() {
    let calendar = embedded_calendar();
    let plan3 = hours(
        OpenDays::MonFri,
        "09:00",
        "18:00",
        ClosedOn::StatutoryHolidays,
    );
    let due = |from: &str, minutes| calendar.add_open_minutes(at(from), minutes, &plan3).value;
    // Inside hours: plain addition, up to the close itself.
    assert_eq!(
        due("2026-06-02T10:15:00+08:00", 120),
        at("2026-06-02T12:15:00+08:00")
    );
    assert_eq!(
        due("2026-06-02T16:00:00+08:00", 120),
        at("2026-06-02T18:00:00+08:00")
    );
    // 17:30 Friday: 30 minutes that day, 90 on Monday.
    assert_eq!(
        due("2026-06-05T17:30:00+08:00", 120),
        at("2026-06-08T10:30:00+08:00")
    );
    // Friday 18:30 and a Saturday: counted from Monday's opening.
    assert_eq!(
        due("2026-06-05T18:30:00+08:00", 120),
        at("2026-06-08T11:00:00+08:00")
    );
    // The day before National Day, 17:00: one hour then, one after the holiday (Thursday 10-08);
    // the make-up Saturday 10-10 is closed for a Mon–Fri provider.
    assert_eq!(
        due("2026-09-30T17:00:00+08:00", 120),
        at("2026-10-08T10:00:00+08:00")
    );
    assert_eq!(
        due("2026-10-09T17:00:00+08:00", 120),
        at("2026-10-12T10:00:00+08:00")
    );
    // A provider open round the clock but closed on holidays: the night counts, the holiday not.
    let tele = hours(
        OpenDays::EveryDay,
        "00:00",
        "24:00",
        ClosedOn::StatutoryHolidays,
    );
    assert_eq!(
        calendar
            .add_open_minutes(at("2026-03-07T23:50:00+08:00"), 30, &tele)
            .value,
        at("2026-03-08T00:20:00+08:00")
    );
    assert_eq!(
        calendar
            .add_open_minutes(at("2026-04-30T23:50:00+08:00"), 30, &tele)
            .value,
        at("2026-05-06T00:20:00+08:00")
    );
}

#[test]
fn a_daily_provider_closed_over_spring_festival_reopens_after_it() {
    let calendar = embedded_calendar();
    let plan4 = hours(
        OpenDays::EveryDay,
        "08:00",
        "20:00",
        ClosedOn::SpringFestival,
    );
    // Open on an ordinary Saturday...
    let saturday = at("2026-03-07T10:00:00+08:00");
    assert_eq!(calendar.next_opening(saturday, &plan4).value, saturday);
    // ...and on National Day, but not from 02-15 to 02-23.
    let national_day = at("2026-10-02T10:00:00+08:00");
    assert_eq!(
        calendar.next_opening(national_day, &plan4).value,
        national_day
    );
    assert_eq!(
        calendar
            .next_opening(at("2026-02-14T20:30:00+08:00"), &plan4)
            .value,
        at("2026-02-24T08:00:00+08:00")
    );
    let tele = hours(
        OpenDays::EveryDay,
        "00:00",
        "24:00",
        ClosedOn::StatutoryHolidays,
    );
    let night = at("2026-03-07T03:00:00+08:00");
    assert_eq!(calendar.next_opening(night, &tele).value, night);
    assert_eq!(tele.describe(), "每天24小时（国家法定节假日除外）");
}

#[test]
fn hours_must_parse_and_open_before_they_close() {
    assert!(
        hours(OpenDays::MonFri, "09:00", "18:00", ClosedOn::None)
            .check()
            .is_ok()
    );
    assert!(
        hours(OpenDays::MonFri, "18:00", "09:00", ClosedOn::None)
            .check()
            .is_err()
    );
    assert!(
        hours(OpenDays::MonFri, "9am", "18:00", ClosedOn::None)
            .check()
            .is_err()
    );
    assert!(
        hours(OpenDays::MonFri, "00:00", "24:01", ClosedOn::None)
            .check()
            .is_err()
    );
}

proptest! {
    #[test]
    fn adding_n_working_days_lands_on_a_working_day_n_working_days_later(
        offset in 0u64..2557, n in 1u32..80
    ) {
        let calendar = embedded_calendar();
        let start = date("2020-01-01") + chrono::Days::new(offset);
        let due = calendar.add_working_days_to_date(start, n);
        prop_assert!(calendar.is_working_day(due.value).value);
        prop_assert_eq!(calendar.working_days_between(start, due.value).value, n);
        // And not a day earlier: the day before the due date has n - 1 working days.
        let before = due.value - chrono::Days::new(1);
        prop_assert_eq!(calendar.working_days_between(start, before).value, n - 1);
    }
}

proptest! {
    #[test]
    fn an_hours_promise_is_due_inside_the_hours_and_spends_exactly_its_minutes(
        offset in 0i64..(366 * 24 * 60), minutes in 1u32..3000
    ) {
        let calendar = embedded_calendar();
        let plan3 = hours(OpenDays::MonFri, "09:00", "18:00", ClosedOn::StatutoryHolidays);
        let from = at("2026-01-01T00:00:00+08:00") + chrono::TimeDelta::minutes(offset);
        let due = calendar.add_open_minutes(from, minutes, &plan3).value;
        // Measuring back gives the promise's length.
        prop_assert_eq!(
            calendar.open_minutes_between(from, due, &plan3).value,
            i64::from(minutes)
        );
        // Due at an open instant, or at a close (a promise used up exactly at 18:00).
        let just_before = due - chrono::TimeDelta::minutes(1);
        prop_assert!(calendar.is_open_at(just_before, &plan3).value);
        // Counting open minutes one by one from `from` reaches the due time.
        let mut counted = 0u32;
        let mut t = from;
        while t < due {
            if calendar.is_open_at(t, &plan3).value {
                counted += 1;
            }
            t += chrono::TimeDelta::minutes(1);
        }
        prop_assert_eq!(counted, minutes);
    }
}
