//! The insurer's weekly service-progress report (seed 001 "英仕每周服务进度报告至史带"): what
//! happened to the insurer's cases in one ISO week (Monday 00:00 to Monday 00:00, Asia/Shanghai),
//! the promises that fell due in it, and every case it covers, with the insured masked (`王**`:
//! no ID number, no phone, no illness — the insurer reads service progress, not medical records).
//!
//! Made from the case rows and their events as they stood at the week's end, a page of cases at a
//! time ([`collect`]); the rows go to a writer on a blocking thread through a bounded channel
//! ([`write`]), which keeps memory flat however many cases the week covers. XLSX (dates as real
//! dates, frozen headers, set widths) or CSV (UTF-8 with a BOM, so Excel reads the Chinese).

pub mod cli;
pub mod collect;
pub mod csv;
pub mod job;
pub mod write;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc, Weekday};

use crate::calendar::{local_date, local_instant};

/// An ISO week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Week {
    monday: NaiveDate,
}

impl Week {
    /// `2026-W48` (as ISO 8601 writes it).
    pub fn parse(text: &str) -> Option<Week> {
        let (year, week) = text.trim().split_once("-W")?;
        let (year, week): (i32, u32) = (year.parse().ok()?, week.parse().ok()?);
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).map(|monday| Week { monday })
    }

    /// The week `date` falls in.
    pub fn of(date: NaiveDate) -> Week {
        let iso = date.iso_week();
        let monday = NaiveDate::from_isoywd_opt(iso.year(), iso.week(), Weekday::Mon)
            .unwrap_or(date - Days::new(u64::from(date.weekday().num_days_from_monday())));
        Week { monday }
    }

    /// The week before the one of `now` (what Monday's job reports on).
    pub fn before(now: DateTime<Utc>) -> Week {
        Week::of(local_date(now) - Days::new(7))
    }

    pub fn monday(&self) -> NaiveDate {
        self.monday
    }

    /// Monday 00:00, Asia/Shanghai.
    pub fn start(&self) -> DateTime<Utc> {
        local_instant(self.monday, NaiveTime::MIN)
    }

    /// The next Monday 00:00 (not part of the week).
    pub fn end(&self) -> DateTime<Utc> {
        local_instant(self.monday + Days::new(7), NaiveTime::MIN)
    }

    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        at >= self.start() && at < self.end()
    }

    pub fn label(&self) -> String {
        let iso = self.monday.iso_week();
        format!("{}-W{:02}", iso.year(), iso.week())
    }
}

/// The file a report is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text {
            "xlsx" => Some(Format::Xlsx),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_parse_and_bound_in_shanghai() {
        let week = Week::parse("2026-W48").expect("a week");
        assert_eq!(week.monday().to_string(), "2026-11-23");
        assert_eq!(week.label(), "2026-W48");
        assert_eq!(week.start().to_rfc3339(), "2026-11-22T16:00:00+00:00");
        assert_eq!(week.end().to_rfc3339(), "2026-11-29T16:00:00+00:00");
        assert_eq!(Week::of("2026-11-29".parse().expect("date")), week);
        // 2026-01-01 is a Thursday: ISO week 1 of 2026 starts Monday 2025-12-29.
        assert_eq!(
            Week::of("2026-01-01".parse().expect("date")).label(),
            "2026-W01"
        );
        assert_eq!(
            Week::parse("2026-W01").expect("w1").monday().to_string(),
            "2025-12-29"
        );
        assert!(Week::parse("2026-W54").is_none());
        assert!(Week::parse("2026-48").is_none());
        let monday_nine = "2026-11-30T01:00:00Z".parse().expect("instant");
        assert_eq!(Week::before(monday_nine).label(), "2026-W48");
    }
}
