//! What the specialists' queue shows: open cases in an account's scope, filtered; the query
//! (the nearest promise first, none last, paged) is `store::queue`.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::lifecycle::Status;

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
