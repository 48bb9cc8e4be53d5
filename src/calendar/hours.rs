//! A provider's acceptance hours, as the plan files state them.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::local::local_instant;

/// Which days a provider opens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenDays {
    /// Monday to Friday as written ("周一至周五"), make-up Saturdays not included.
    MonFri,
    /// State Council working days, make-up weekend days included.
    WorkingDays,
    /// Every day of the week.
    EveryDay,
}

/// Which listed days off a provider closes on, on top of `OpenDays`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClosedOn {
    #[default]
    None,
    /// Every statutory day off ("国家法定节假日除外").
    StatutoryHolidays,
    /// Only the Spring Festival days off ("春节法定假期不提供服务").
    SpringFestival,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceHours {
    pub days: OpenDays,
    /// `HH:MM`, local time.
    pub open: String,
    /// `HH:MM`, local time; `24:00` for through midnight.
    pub close: String,
    #[serde(default)]
    pub closed: ClosedOn,
}

/// Minutes since midnight of an `HH:MM` text (24:00 allowed).
pub fn parse_hhmm(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h <= 24 && m < 60 && (h < 24 || m == 0) && h * 60 + m <= 1440).then_some(h * 60 + m)
}

impl AcceptanceHours {
    /// Whether the times parse and open before they close.
    pub fn check(&self) -> Result<(), String> {
        let open =
            parse_hhmm(&self.open).ok_or_else(|| format!("open `{}` is not HH:MM", self.open))?;
        let close = parse_hhmm(&self.close)
            .ok_or_else(|| format!("close `{}` is not HH:MM", self.close))?;
        if open >= close {
            return Err(format!(
                "open {} is not before close {}",
                self.open, self.close
            ));
        }
        Ok(())
    }

    pub fn open_time(&self) -> NaiveTime {
        let minutes = parse_hhmm(&self.open).unwrap_or(0);
        NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or(NaiveTime::MIN)
    }

    pub fn close_instant(&self, date: NaiveDate) -> DateTime<Utc> {
        let minutes = parse_hhmm(&self.close).unwrap_or(1440);
        if minutes >= 1440 {
            local_instant(date + Days::new(1), NaiveTime::MIN)
        } else {
            local_instant(
                date,
                NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).unwrap_or(NaiveTime::MIN),
            )
        }
    }

    /// In words, for the mini-program.
    pub fn describe(&self) -> String {
        let days = match self.days {
            OpenDays::MonFri => "周一至周五",
            OpenDays::WorkingDays => "工作日",
            OpenDays::EveryDay => "每天",
        };
        let closed = match self.closed {
            ClosedOn::None => "",
            ClosedOn::StatutoryHolidays => "（国家法定节假日除外）",
            ClosedOn::SpringFestival => "（春节法定假期除外）",
        };
        if self.open == "00:00" && self.close == "24:00" {
            format!("{days}24小时{closed}")
        } else {
            format!("{days} {}-{}{closed}", self.open, self.close)
        }
    }
}
