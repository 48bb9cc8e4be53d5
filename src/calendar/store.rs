//! The only file that knows how the calendar is stored: the `holiday` and `holiday_year` tables,
//! seeded from the files under `data/holidays/` (compiled in) and from `import-holidays FILE`.

use anyhow::Context;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{holiday, holiday_year};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
};
use serde::Deserialize;

use super::Calendar;
use crate::platform::db::Db;

macro_rules! embedded {
    ($($year:literal),*) => {
        &[$(($year, include_str!(concat!("../../data/holidays/", $year, ".json")))),*]
    };
}

/// The State Council calendars shipped with this build.
pub const EMBEDDED: &[(i32, &str)] = embedded!(
    2007, 2008, 2009, 2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022,
    2023, 2024, 2025, 2026, 2027
);

/// One file in NateScarlet/holiday-cn's format.
#[derive(Debug, Deserialize)]
pub struct HolidayFile {
    pub year: i32,
    #[serde(default)]
    pub papers: Vec<String>,
    pub days: Vec<HolidayDay>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HolidayDay {
    pub name: String,
    pub date: NaiveDate,
    pub is_off_day: bool,
}

impl HolidayFile {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let file: HolidayFile =
            serde_json::from_str(text).context("not a holiday-cn calendar file")?;
        for day in &file.days {
            // A notice covers its year and, at most, the December before it.
            let year = day.date.year();
            anyhow::ensure!(
                year == file.year || (year == file.year - 1 && day.date.month() == 12),
                "{} is outside the calendar year {}",
                day.date,
                file.year
            );
            anyhow::ensure!(
                !day.name.trim().is_empty() && day.name.chars().count() <= 32,
                "{} has no usable holiday name",
                day.date
            );
        }
        Ok(file)
    }
}

/// Writes one year's calendar in one transaction: a crash leaves the old year or the new one.
pub async fn import(db: &Db, file: &HolidayFile, now: DateTime<Utc>) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    holiday::Entity::delete_many()
        .filter(holiday::Column::Year.eq(file.year))
        .exec(&txn)
        .await?;
    if !file.days.is_empty() {
        let rows = file.days.iter().map(|day| holiday::ActiveModel {
            date: Set(day.date),
            is_off_day: Set(day.is_off_day),
            name: Set(day.name.trim().to_owned()),
            year: Set(file.year),
        });
        holiday::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(holiday::Column::Date)
                    .update_columns([
                        holiday::Column::IsOffDay,
                        holiday::Column::Name,
                        holiday::Column::Year,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
    }
    let source = if file.papers.is_empty() {
        "holiday-cn".to_owned()
    } else {
        file.papers.join(" ")
    };
    holiday_year::Entity::insert(holiday_year::ActiveModel {
        year: Set(file.year),
        source: Set(source),
        day_count: Set(i32::try_from(file.days.len()).unwrap_or(i32::MAX)),
        imported_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(holiday_year::Column::Year)
            .update_columns([
                holiday_year::Column::Source,
                holiday_year::Column::DayCount,
                holiday_year::Column::ImportedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Loads every shipped year the database does not hold yet (an imported year is never replaced
/// by an older copy). An empty file (an unpublished year) is not loaded: the year stays unknown.
pub async fn seed(db: &Db, now: DateTime<Utc>) -> anyhow::Result<()> {
    let known: Vec<i32> = holiday_year::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|y| y.day_count > 0)
        .map(|y| y.year)
        .collect();
    for (year, text) in EMBEDDED {
        if known.contains(year) {
            continue;
        }
        let file =
            HolidayFile::parse(text).with_context(|| format!("data/holidays/{year}.json"))?;
        if !file.days.is_empty() {
            import(db, &file, now).await?;
        }
    }
    Ok(())
}

pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<Calendar> {
    let published = holiday_year::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .filter(|y| y.day_count > 0)
        .map(|y| y.year);
    let days = holiday::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.date, d.is_off_day, d.name));
    Ok(Calendar::new(days, published))
}

/// The calendar from the shipped files alone, for tests and tools that have no database.
pub fn embedded_calendar() -> Calendar {
    let mut days = Vec::new();
    let mut published = Vec::new();
    for (year, text) in EMBEDDED {
        if let Ok(file) = HolidayFile::parse(text) {
            if !file.days.is_empty() {
                published.push(*year);
            }
            days.extend(
                file.days
                    .into_iter()
                    .map(|d| (d.date, d.is_off_day, d.name)),
            );
        }
    }
    Calendar::new(days, published)
}
