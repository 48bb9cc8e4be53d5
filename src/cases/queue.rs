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

/// Which cases a queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// One status; none: every open case (not drafts, not closed).
    pub status: Option<Status>,
    /// With `Assigned::Me`, the caller's staff id.
    pub assigned: Option<(Assigned, i64)>,
    /// The account's insurer scope; none: every insurer.
    pub insurer_id: Option<i64>,
    /// One case by its number (canonical form), within the rest of the filter.
    pub number: Option<String>,
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
