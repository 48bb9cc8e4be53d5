//! Drafts not submitted in time expire and give their use back; old idempotency keys are
//! forgotten. Every instance sweeps; optimistic locking makes two sweepers harmless (the second
//! sees a changed version and skips the case).

use std::time::Duration;

use chrono::TimeDelta;

use super::service::{plan_of, status_of};
use super::store::{self, Actor, StoreError, Transition};
use crate::state::AppState;

/// Expires every overdue draft; returns how many.
pub async fn sweep(state: &AppState) -> anyhow::Result<usize> {
    let now = state.clocks.business.now();
    let mut expired = 0;
    loop {
        let due = store::expired_drafts(&state.db, now, 100).await?;
        if due.is_empty() {
            break;
        }
        let mut progressed = false;
        for case in &due {
            let (_, service) = plan_of(state, case)?;
            let Ok(step) = status_of(case)?.expire() else {
                continue;
            };
            let transition = Transition::new("expired", step)
                .reason("draft_expired")
                .notify(crate::notifications::NotificationKind::CaseExpired);
            match store::apply(
                &state.db,
                &state.calendar.get(),
                &service,
                case,
                case.version,
                transition,
                Actor::System,
                now,
            )
            .await
            {
                Ok(_) => {
                    expired += 1;
                    progressed = true;
                }
                Err(StoreError::Stale) => progressed = true,
                Err(StoreError::Db(e)) => return Err(e.into()),
            }
        }
        if !progressed {
            break;
        }
    }
    crate::idempotency::prune(&state.db, now - TimeDelta::hours(24)).await?;
    if expired > 0 {
        tracing::info!(expired, "drafts expired");
    }
    Ok(expired)
}

/// Runs [`sweep`] every `sweep_interval_secs` until the process ends.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs(state.settings.cases.sweep_interval_secs.max(1));
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(error) = sweep(&state).await {
                tracing::warn!(error = %error, "draft expiry sweep failed; will retry");
            }
        }
    })
}
