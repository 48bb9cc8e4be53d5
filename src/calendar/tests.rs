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
