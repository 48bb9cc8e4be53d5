//! What the specialists' queue shows: open cases in an account's scope, filtered; the query
//! (the nearest promise first, none last, paged) is `store::queue`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::lifecycle::Status;
use crate::policies::identity::PersonName;

/// Whose cases: the caller's own, or nobody's yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Assigned {
    Me,
    None,
}

/// Who a case waits for: the insured (an offer to answer) or its specialist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Waiting {
    Insured,
    Specialist,
}

/// Which part of the cases' lives: open (the default), ended, or both (drafts and expired
/// drafts, which never reached the provider, are in none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Open,
    Closed,
    All,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
            Self::All => "all",
        }
    }

    /// Whether a case in `status` is in this part.
    pub fn holds(self, status: Status) -> bool {
        let reached = status != Status::Draft && status != Status::Expired;
        match self {
            Self::Open => status.is_open(),
            Self::Closed => reached && status.is_terminal(),
            Self::All => reached,
        }
    }
}

/// The insured's name as a specialist types it: in full, as heard on the phone (`张三丰`), or
/// as the queue shows it (`张**`: the first character, then one star for each further one; a
/// name of ten characters or more shows eight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameSearch {
    Full(String),
    Masked { first: char, stars: usize },
}

/// The most stars a masked name shows (`PersonName::masked`).
const MASK_STARS_AT_MOST: usize = 8;

impl NameSearch {
    /// None for a text that is neither a name nor a masked one (`*三`, `张*丰`, `%`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let stars = text
            .chars()
            .rev()
            .take_while(|c| matches!(c, '*' | '＊'))
            .count();
        if stars == 0 {
            return PersonName::parse(text)
                .ok()
                .map(|n| Self::Full(n.as_str().to_owned()));
        }
        let mut shown = text.chars();
        let first = shown.next()?;
        // One character shown, the rest starred: anything else is not how a name is masked.
        if shown.count() != stars || PersonName::parse(&first.to_string()).is_err() {
            return None;
        }
        Some(Self::Masked {
            first,
            stars: stars.min(MASK_STARS_AT_MOST),
        })
    }

    /// The stored names this finds, as a `LIKE` pattern (`_`: one character; a name's own
    /// characters are letters, spaces, dots and dashes, never a wildcard).
    pub fn pattern(&self) -> String {
        match self {
            Self::Full(name) => name.clone(),
            Self::Masked { first, stars } => {
                let mut pattern = format!("{first}{}", "_".repeat(*stars));
                if *stars == MASK_STARS_AT_MOST {
                    pattern.push('%');
                }
                pattern
            }
        }
    }
}

/// Which cases a queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// One status; none: every case of `phase`.
    pub status: Option<Status>,
    /// Open (default), ended or both; a case number searches every one.
    pub phase: Phase,
    /// With `Assigned::Me`, the caller's staff id.
    pub assigned: Option<(Assigned, i64)>,
    /// The account's insurer scope; none: every insurer.
    pub insurer_id: Option<i64>,
    /// One case by its number (canonical form), within the rest of the filter.
    pub number: Option<String>,
    /// The cases of one policy, by its number as the insurer wrote it (any status, in scope).
    pub policy_no: Option<String>,
    /// The cases of the insured people whose name this is, in full or as the queue masks it
    /// (any status, in scope).
    pub name: Option<NameSearch>,
    /// One service (its id in the plan).
    pub service_id: Option<String>,
    /// One product (plan) row.
    pub product_id: Option<i64>,
    /// Only cases past a promise at this instant: the SLA (not yet arranged) or the first
    /// contact (none recorded).
    pub overdue_at: Option<DateTime<Utc>>,
    /// Only the cases waiting for the insured's answer to an offer, or only the others.
    pub waiting: Option<Waiting>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_in_full_or_as_the_queue_masks_it() {
        assert_eq!(
            NameSearch::parse(" 张三丰 "),
            Some(NameSearch::Full("张三丰".into()))
        );
        assert_eq!(
            NameSearch::parse("张**")
                .expect("as the test sets it")
                .pattern(),
            "张__"
        );
        assert_eq!(
            NameSearch::parse("欧＊")
                .expect("as the test sets it")
                .pattern(),
            "欧_"
        );
        assert_eq!(
            NameSearch::parse("买********")
                .expect("as the test sets it")
                .pattern(),
            "买________%"
        );
        assert_eq!(
            NameSearch::parse(
                &PersonName::parse("买买提·艾力江")
                    .expect("as the test sets it")
                    .masked()
            )
            .expect("as the test sets it")
            .pattern(),
            "买______"
        );
        for bad in ["", "*", "**三", "张*丰", "张三*", "%*", "_", "张%"] {
            assert_eq!(NameSearch::parse(bad), None, "{bad}");
        }
    }
}
