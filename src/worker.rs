//! The background jobs: sending notifications (`notifications::dispatch`), queuing reminders
//! (`notifications::reminders`), expiring drafts (`cases::expiry`), forgetting old push keys,
//! removing objects left behind by unfinished writes (`platform::storage::ahead`), removing
//! records past their retention (`privacy::retention`) and making
//! the insurers' weekly reports (`reports::weekly::job`).
//! `green-channel worker` runs them on their own (with only the probes and `/metrics` on its
//! port); `serve` runs them in-process when `APP_WORKER__IN_PROCESS=true` (the embedded
//! profile's default). Any number of workers may run at once: claims, reminder keys and case
//! versions keep them from doing anything twice.

use std::future::Future;
use std::time::{Duration, Instant};

use chrono::TimeDelta;

use crate::notifications::store::push as push_store;
use crate::notifications::{dispatch, reminders};
use crate::outbox::store as outbox;
use crate::platform::error::Fault;
use crate::platform::storage::ahead;
use crate::state::AppState;

/// How often reminders are looked for.
const REMINDERS_EVERY: Duration = Duration::from_secs(30);
/// How often the outbox gauges are refreshed by the worker.
const GAUGES_EVERY: Duration = Duration::from_secs(15);
/// How often the weekly reports are looked at (made from Monday 09:00 for the week before).
const WEEKLY_REPORTS_EVERY: Duration = Duration::from_secs(60);
/// Pushes are remembered this long (WeChat retries within a minute).
const PUSH_KEYS_KEPT: TimeDelta = TimeDelta::days(2);

/// When each periodic job last ran.
#[derive(Debug)]
struct Timers {
    reminders: Option<Instant>,
    sweep: Option<Instant>,
    gauges: Option<Instant>,
    weekly: Option<Instant>,
    /// A weekly report being made (it may take a while: the dispatcher does not wait for it).
    weekly_task: Option<tokio::task::JoinHandle<()>>,
}

fn due(last: Option<Instant>, every: Duration) -> bool {
    last.is_none_or(|at| at.elapsed() >= every)
}

/// Runs the jobs until `stop` completes; a batch in flight is finished first.
pub async fn run(state: AppState, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    let mut timers = Timers {
        reminders: None,
        sweep: None,
        gauges: None,
        weekly: None,
        weekly_task: None,
    };
    let idle = Duration::from_millis(state.settings.worker.interval_ms.max(10));
    tracing::info!("background jobs started");
    loop {
        let busy = round(&state, &mut timers).await;
        if busy {
            // A full batch: more may be due; yield, then go on.
            tokio::task::yield_now().await;
            continue;
        }
        tokio::select! {
            () = &mut stop => break,
            () = tokio::time::sleep(idle) => {}
        }
    }
    tracing::info!("background jobs stopped");
}

/// Runs the jobs in a task of this process (`serve` with `APP_WORKER__IN_PROCESS=true`).
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(state, std::future::pending()))
}

/// One round; whether the dispatcher had a full batch (more may be waiting).
async fn round(state: &AppState, timers: &mut Timers) -> bool {
    let batch = usize::try_from(state.settings.worker.batch_size).unwrap_or(usize::MAX);
    let busy = match dispatch::run_once(state).await {
        Ok(report) => {
            if report.claimed > 0 {
                tracing::debug!(claimed = report.claimed, outcomes = ?report.outcomes, "notifications dispatched");
            }
            report.claimed >= batch
        }
        Err(error) => {
            tracing::warn!(error = %error, "notification dispatch failed; will retry");
            false
        }
    };
    if due(timers.reminders, REMINDERS_EVERY) {
        timers.reminders = Some(Instant::now());
        if let Err(error) = reminders::run_once(state).await {
            tracing::warn!(error = %error, "reminders failed; will retry");
        }
    }
    let sweep_every = Duration::from_secs(state.settings.cases.sweep_interval_secs.max(1));
    if due(timers.sweep, sweep_every) {
        timers.sweep = Some(Instant::now());
        if let Err(error) = crate::cases::expiry::sweep(state).await {
            tracing::warn!(error = %format!("{error:#}"), "draft expiry sweep failed; will retry");
        }
        if let Err(error) = push_store::prune(&state.db, chrono::Utc::now() - PUSH_KEYS_KEPT).await
        {
            tracing::warn!(error = %error, "pruning push keys failed; will retry");
        }
        let grace = TimeDelta::seconds(
            i64::try_from(state.settings.storage.orphan_grace_secs).unwrap_or(i64::MAX / 1000),
        );
        let before = state.clocks.business.now() - grace;
        if let Err(error) = ahead::sweep(&state.db, &state.storage, before).await {
            tracing::warn!(error = %error, "sweeping objects left behind failed; will retry");
        }
        if let Err(error) = crate::privacy::retention::run_once(state).await {
            tracing::warn!(error = %error, "removing records past their retention failed; will retry");
        }
    }
    let making = timers
        .weekly_task
        .as_ref()
        .is_some_and(|t| !t.is_finished());
    if state.settings.worker.weekly_reports && !making && due(timers.weekly, WEEKLY_REPORTS_EVERY) {
        timers.weekly = Some(Instant::now());
        let state = state.clone();
        timers.weekly_task = Some(tokio::spawn(async move {
            match crate::reports::weekly::job::run_due(&state).await {
                Ok(0) => {}
                Ok(made) => tracing::info!(made, "weekly reports made"),
                Err(error) => tracing::warn!(error = %error, "weekly reports failed; will retry"),
            }
        }));
    }
    if due(timers.gauges, GAUGES_EVERY) {
        timers.gauges = Some(Instant::now());
        if let Err(error) = refresh_gauges(state).await {
            tracing::debug!(error = %error, "gauges not refreshed");
        }
    }
    busy
}

/// Outbox depth, the oldest pending row's age and the open staff alerts, as gauges.
pub async fn refresh_gauges(state: &AppState) -> Result<(), Fault> {
    let (depth, oldest) = outbox::depth(&state.db).await?;
    let now = state.clocks.business.now();
    metrics::gauge!("notification_outbox_depth").set(depth as f64);
    metrics::gauge!("notification_outbox_oldest_pending_seconds").set(oldest.map_or(0.0, |at| {
        (now - at).num_milliseconds().max(0) as f64 / 1000.0
    }));
    let alerts = crate::desk::alerts::open_count(state).await?;
    metrics::gauge!("staff_alerts_open").set(alerts as f64);
    Ok(())
}
