//! The dispatcher: claims due outbox rows in batches and sends each as a WeChat subscribe message.
//!
//! Per row: out of date → `superseded`; WeChat not configured → `skipped`; no grant left →
//! `no_grant` (43101 too, voiding the rest); sent → `sent` with WeChat's `msgid`; 47003 / 41030
//! and other refusals of this message → `dead` at once, the field named; -1, 43108, 5xx, timeouts
//! → retried with exponential backoff and jitter on the business clock, `dead` after
//! `max_attempts`. A rejected access token is dropped (compare-and-delete) and the send retried
//! once inside the client. One user's messages go one at a time, across workers too (a short
//! cache lock per user: WeChat refuses concurrent sends to one openid, 43108). Every row is
//! claimed under a lease: a worker killed mid-batch leaves its rows to be claimed again once the
//! lease lapses, so a message can be sent twice in that window (at least once, never lost).

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::StreamExt as _;
use serde_json::Value;

use super::store::grants as grant_store;
use super::supersede;
use crate::outbox::kind::NotificationKind;
use crate::outbox::store::NotificationState::{self, Dead, NoGrant, Skipped, Superseded};
use crate::outbox::store::{self as outbox, Finish, Notification};
use crate::platform::error::Fault;
use crate::state::AppState;
use crate::wechat::{SubscribeMessage, WechatError, errcode};

/// How long a user's send lock lives at most (a crashed holder frees it after this).
const USER_LOCK: Duration = Duration::from_secs(30);
/// When another worker is sending to the same user: try again this soon (not an attempt).
const BUSY_USER_DELAY: TimeDelta = TimeDelta::milliseconds(250);

/// What one batch did, by outcome.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub claimed: usize,
    pub outcomes: BTreeMap<&'static str, usize>,
}

impl Report {
    pub fn count(&self, outcome: &str) -> usize {
        self.outcomes.get(outcome).copied().unwrap_or(0)
    }
}

/// Claims one batch of due rows and handles it; how each ended.
#[tracing::instrument(skip_all)]
pub async fn run_once(state: &AppState) -> Result<Report, Fault> {
    let settings = &state.settings.worker;
    let now = state.clocks.business.now();
    let lease = TimeDelta::seconds(i64::try_from(settings.lease_secs).unwrap_or(60));
    let rows = outbox::claim(&state.db, now, now + lease, settings.batch_size).await?;
    let mut report = Report {
        claimed: rows.len(),
        ..Report::default()
    };
    // One user's rows in order, one at a time; users in parallel.
    let mut by_user: BTreeMap<i64, Vec<Notification>> = BTreeMap::new();
    for row in rows {
        by_user.entry(row.user_id).or_default().push(row);
    }
    let results: Vec<Vec<&'static str>> = futures_util::stream::iter(by_user.into_values())
        .map(|rows| async move {
            let mut outcomes = Vec::with_capacity(rows.len());
            for row in &rows {
                outcomes.push(handle(state, row).await);
            }
            outcomes
        })
        .buffer_unordered(settings.concurrency.max(1))
        .collect()
        .await;
    for outcome in results.into_iter().flatten() {
        *report.outcomes.entry(outcome).or_default() += 1;
    }
    Ok(report)
}

/// Handles one row; the outcome's name (`retry` when it waits for another attempt, `error` when
/// recording failed and the lease will hand it out again).
async fn handle(state: &AppState, row: &Notification) -> &'static str {
    let kind_label = row.kind.clone();
    let finish = match decide(state, row).await {
        Ok(decided) => decided,
        Err(error) => {
            tracing::warn!(notification = row.id, error = %error, "notification could not be handled; its lease will lapse");
            return "error";
        }
    };
    let outcome = finish.label();
    let now = state.clocks.business.now();
    match outbox::finish(&state.db, row, finish, now).await {
        Ok(_) => {
            metrics::counter!("notification_sends_total", "kind" => kind_label, "outcome" => outcome)
                .increment(1);
            outcome
        }
        Err(error) => {
            tracing::warn!(notification = row.id, error = %error, "notification outcome not recorded; its lease will lapse");
            "error"
        }
    }
}

fn closed(
    state: NotificationState,
    template_id: Option<String>,
    error: impl Into<String>,
) -> Finish {
    Finish::Closed {
        state,
        template_id,
        error: Some(error.into()),
    }
}

async fn decide(state: &AppState, row: &Notification) -> Result<Finish, Fault> {
    let now = state.clocks.business.now();
    let Ok(kind) = row.kind.parse::<NotificationKind>() else {
        return Ok(closed(Dead, None, format!("unknown kind {}", row.kind)));
    };
    let payload: Value = serde_json::from_str(&row.payload).unwrap_or(Value::Null);
    let case = match row.case_id {
        Some(id) => crate::cases::service::by_id(state, id).await?,
        None => None,
    };
    if let Some(reason) =
        supersede::moved_on(state, kind, row, &payload, case.as_ref(), now).await?
    {
        return Ok(closed(Superseded, None, reason));
    }
    if !state.wechat.configured() {
        return Ok(closed(Skipped, None, "wechat_not_configured"));
    }
    let Some(openid) = crate::users::service::openid_of(state, row.user_id).await? else {
        return Ok(closed(Dead, None, "the user no longer exists"));
    };
    let rendered = state.templates.render(kind, &payload);
    let lock_key = format!("notify:user:{}", row.user_id);
    let owner = crate::platform::crypto::random_token();
    if !state
        .cache
        .set_if_absent(&lock_key, owner.as_bytes(), USER_LOCK)
        .await?
    {
        let retry = Finish::Retry {
            at: now + BUSY_USER_DELAY,
            attempted: false,
            error: "another send to this user is in flight".to_owned(),
        };
        return Ok(retry);
    }
    let decided = send(state, row, &openid, rendered, now).await;
    // Free the lock whatever happened (only ours: it may have lapsed and been taken).
    let released = state
        .cache
        .delete_if_equals(&lock_key, owner.as_bytes())
        .await;
    let decided = decided?;
    released?;
    Ok(decided)
}

async fn send(
    state: &AppState,
    row: &Notification,
    openid: &str,
    rendered: crate::outbox::templates::Rendered,
    now: DateTime<Utc>,
) -> Result<Finish, Fault> {
    let template_id = rendered.template_id.clone();
    let Some(grant) =
        grant_store::reserve(&state.db, row.user_id, &template_id, row.id, now).await?
    else {
        return Ok(closed(
            NoGrant,
            Some(template_id),
            "no subscribe grant left",
        ));
    };
    let message = SubscribeMessage {
        touser: openid.to_owned(),
        template_id: template_id.clone(),
        page: Some(rendered.page),
        data: rendered.data,
        miniprogram_state: Some(state.settings.wechat.miniprogram_state.as_str().to_owned()),
        lang: Some("zh_CN".to_owned()),
    };
    let result = state.wechat.send_subscribe_message(&message).await;
    if result.is_err() {
        // The message did not reach the user: the grant was not used.
        if matches!(&result, Err(e) if e.errcode() == Some(errcode::SUBSCRIPTION_QUOTA_EXHAUSTED)) {
            grant_store::void_all(&state.db, row.user_id, &template_id, now).await?;
        } else {
            grant_store::give_back(&state.db, grant).await?;
        }
    }
    Ok(outcome(state, row, template_id, result, now))
}

/// What a send's answer means for the row.
fn outcome(
    state: &AppState,
    row: &Notification,
    template_id: String,
    result: Result<u64, WechatError>,
    now: DateTime<Utc>,
) -> Finish {
    let error = match result {
        Ok(msgid) => return Finish::Sent { template_id, msgid },
        Err(error) => error,
    };
    let retryable = match &error {
        WechatError::Api { code, .. } => match *code {
            errcode::SUBSCRIPTION_QUOTA_EXHAUSTED => {
                return closed(NoGrant, Some(template_id), "43101: no grant left at WeChat");
            }
            errcode::SYSTEM_BUSY | errcode::CONCURRENT_SEND | errcode::RATE_LIMITED => true,
            // A token WeChat still rejects after the client's one retry: try again later.
            _ if error.is_token_rejected() => true,
            // 47003 (data, the field in errmsg), 41030 (page), 40003, 40037 and anything else:
            // this message will never be accepted.
            _ => false,
        },
        WechatError::NotConfigured => {
            return closed(Skipped, Some(template_id), "wechat_not_configured");
        }
        WechatError::WatermarkMismatch => false,
        _ => error.is_unavailable(),
    };
    let text = error.to_string();
    let attempts = row.attempts + 1;
    if !retryable || attempts >= state.settings.worker.max_attempts {
        return closed(Dead, Some(template_id), text);
    }
    let at = now + backoff(state, attempts);
    Finish::Retry {
        at,
        attempted: true,
        error: text,
    }
}

/// The delay before attempt `attempts + 1`: base × 2^(attempts − 1), at most the maximum, with
/// "equal jitter" (half fixed, half random) so that a burst of failures does not retry in step.
pub fn backoff(state: &AppState, attempts: i32) -> TimeDelta {
    let settings = &state.settings.worker;
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(30);
    let full = settings
        .backoff_base_secs
        .saturating_mul(1u64 << exponent)
        .min(settings.backoff_max_secs);
    let half = full / 2;
    let jitter = if half == 0 {
        0
    } else {
        getrandom::u64().unwrap_or(0) % (half + 1)
    };
    TimeDelta::seconds(i64::try_from(full - half + jitter).unwrap_or(i64::MAX))
}
