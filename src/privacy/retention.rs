//! Records kept only as long as needed (PIPL Art. 19, 47; issue 29 §2). The worker removes
//! from storage the medical-record files and reports of a case `retention.records_days` after
//! it ended, or as soon as it has ended when its owner withdrew the medical-records consent or
//! deleted their account; and an insurer's weekly report `retention.weekly_reports_days` after
//! it was made. The rows stay as tombstones: the case page says "已按保存期限删除" and a
//! read of a removed file answers 410 `document_purged`.
//!
//! Each case is marked in one transaction that also announces its objects
//! (`platform::storage::ahead`) and records the step on the timeline; the objects are removed
//! after the commit. A crash in between leaves them announced, and the sweep removes them.
//! Logged by internal ids and counts only: no name, number or key.

use chrono::TimeDelta;

use super::store::{self, Due};
use crate::cases::cached;
use crate::cases::lifecycle::Status;
use crate::cases::store::Actor;
use crate::cases::store::write::record_event;
use crate::platform::db::write_transaction;
use crate::platform::error::Fault;
use crate::platform::storage::ahead;
use crate::state::AppState;

/// Cases (and weekly reports) looked at per round.
const BATCH: u64 = 100;

/// The timeline's step when a case's records go.
pub const RECORDS_PURGED: &str = "records_purged";

/// What one round removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Removed {
    pub cases: u64,
    pub weekly_reports: u64,
}

/// Why a case's records went: the timeline's reason code and the words the case page shows.
fn why(due: &Due) -> (&'static str, &'static str) {
    if due.period_over {
        ("retention_period", "已按保存期限删除")
    } else {
        (
            "consent_withdrawn",
            "用户撤回医疗资料同意或注销账户后已删除",
        )
    }
}

fn days(n: u32) -> TimeDelta {
    TimeDelta::days(i64::from(n))
}

/// One round: every case and weekly report whose time has come (in batches).
pub async fn run_once(state: &AppState) -> Result<Removed, Fault> {
    let retention = &state.settings.retention;
    let now = state.clocks.business.now();
    let mut removed = Removed::default();
    loop {
        let due = store::records_due(&state.db, now - days(retention.records_days), BATCH).await?;
        for case in &due {
            if remove_case(state, case).await? {
                removed.cases += 1;
            }
        }
        if (due.len() as u64) < BATCH {
            break;
        }
    }
    loop {
        let cutoff = now - days(retention.weekly_reports_days);
        let due = store::weekly_due(&state.db, cutoff, BATCH).await?;
        for (id, key) in &due {
            let txn = write_transaction(&state.db).await?;
            if !store::mark_weekly(&txn, *id, cutoff, now).await? {
                txn.rollback().await?;
                continue;
            }
            ahead::announce(&txn, &[key], now).await?;
            txn.commit().await?;
            ahead::abandon(&state.db, &state.storage, &[key]).await;
            removed.weekly_reports += 1;
        }
        if (due.len() as u64) < BATCH {
            break;
        }
    }
    if removed != Removed::default() {
        tracing::info!(
            cases = removed.cases,
            weekly_reports = removed.weekly_reports,
            "records removed at the end of their retention"
        );
    }
    Ok(removed)
}

/// Removes at once the records of every ended case of `user_id` (who deleted the account);
/// how many cases.
pub async fn clear_owner(state: &AppState, user_id: i64) -> Result<u64, Fault> {
    let mut cleared = 0;
    for case in store::ended_of(&state.db, user_id).await? {
        if remove_case(state, &case).await? {
            cleared += 1;
        }
    }
    Ok(cleared)
}

/// Removes case `due`'s files: [`mark`]ed, then gone from storage. False when another
/// worker did it first.
async fn remove_case(state: &AppState, due: &Due) -> Result<bool, Fault> {
    let Some(keys) = mark(state, due).await? else {
        return Ok(false);
    };
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    ahead::abandon(&state.db, &state.storage, &refs).await;
    tracing::info!(
        case_id = due.id,
        objects = keys.len(),
        reason = why(due).0,
        "a case's medical records removed"
    );
    Ok(true)
}

/// The first half of a case's removal, in one transaction: its documents and reports marked
/// removed, the step on its timeline, their objects announced for removal (a process that
/// stops after this leaves them to the sweep). The object keys; None when another worker did it.
pub async fn mark(state: &AppState, due: &Due) -> Result<Option<Vec<String>>, Fault> {
    let now = state.clocks.business.now();
    let (reason, note) = why(due);
    // Boxed: the transaction's future is large, and every caller would carry it on its stack.
    cached::changing(
        &*state.cache,
        due.public_id,
        Box::pin(async {
            let txn = write_transaction(&state.db).await?;
            let Some((case, keys)) = store::mark_case(&txn, due.id, now).await? else {
                txn.rollback().await?;
                return Ok::<_, Fault>(None);
            };
            let status = Status::from(case.status);
            record_event(
                &txn,
                case.id,
                Some(status),
                status,
                RECORDS_PURGED,
                Actor::System,
                Some(reason.to_owned()),
                Some(note.to_owned()),
                now,
            )
            .await?;
            let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
            ahead::announce(&txn, &refs, now).await?;
            txn.commit().await?;
            Ok(Some(keys))
        }),
    )
    .await
}
