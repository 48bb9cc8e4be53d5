//! Drafts not submitted in time expire and give their use back; old idempotency keys are
//! forgotten. The background jobs sweep (`crate::worker`), in any number of workers: optimistic
//! locking makes two sweepers harmless (the second sees a changed version and skips the case).

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
            let Ok(step) = status_of(case).expire() else {
                continue;
            };
            let transition = Transition::new("expired", step)
                .reason("draft_expired")
                .notify(crate::outbox::kind::NotificationKind::CaseExpired);
            match super::cached::apply(
                state,
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
                Err(StoreError::Cache(e)) => return Err(e.into()),
            }
        }
        if !progressed {
            break;
        }
    }
    crate::platform::idempotency::store::prune(&state.db, now - TimeDelta::hours(24)).await?;
    if expired > 0 {
        tracing::info!(expired, "drafts expired");
    }
    // Offers nobody answered in time: the case waits for its specialist again.
    let lapsed = super::actions::lapse_offers(state, now, 100)
        .await
        .map_err(|e| anyhow::anyhow!("lapsing offers: {e}"))?;
    if lapsed > 0 {
        tracing::info!(lapsed, "offers lapsed");
    }
    Ok(expired)
}
