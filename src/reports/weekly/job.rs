//! Making a weekly report: reading the week's cases into a writer ([`generate`]), storing it
//! privately in object storage and listing it ([`make_and_store`]), and the background job that
//! does so every Monday from 09:00 Asia/Shanghai for the week before ([`run_due`]; a worker that
//! was down catches up later in the week).

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveTime, Utc};

use super::collect::{CaseRow, Collector, RefusalLine, Totals};
use super::write::{Csv, Sink, Xlsx};
use super::{Format, Week};
use crate::calendar::local_instant;
use crate::plans::Plan;
use crate::reports::error::ReportError;
use crate::reports::store::{self, Insurer};
use crate::state::AppState;

/// Cases read per page (and rows handed to the writer at a time).
const PAGE: u64 = 500;
/// Pages waiting for the writer at most: memory stays flat however large the week.
const QUEUED_PAGES: usize = 2;

/// The insurer's plans, in code order.
pub fn plans_of(state: &AppState, insurer_code: &str) -> Vec<Arc<Plan>> {
    let mut plans: Vec<Arc<Plan>> = state
        .plans
        .iter()
        .filter(|plan| plan.insurer.code == insurer_code)
        .cloned()
        .collect();
    plans.sort_by(|a, b| a.code.cmp(&b.code));
    plans
}

/// Writes `insurer`'s report of `week` to `path` as `format`; its totals.
#[tracing::instrument(skip_all, fields(insurer = %insurer.code, week = %week.label(), ?format))]
pub async fn generate(
    state: &AppState,
    insurer: &Insurer,
    week: Week,
    format: Format,
    path: &Path,
) -> Result<Totals, ReportError> {
    let calendar = state.calendar.get();
    let plans = plans_of(state, &insurer.code);
    let now = state.clocks.business.now();
    let sink: Box<dyn Sink> = match format {
        Format::Xlsx => Box::new(Xlsx::create(path).map_err(ReportError::unexpected)?),
        Format::Csv => Box::new(Csv::create(path).map_err(ReportError::unexpected)?),
    };
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<CaseRow>>(QUEUED_PAGES);
    let writer = tokio::task::spawn_blocking(move || -> anyhow::Result<Box<dyn Sink>> {
        let mut sink = sink;
        while let Some(rows) = rx.blocking_recv() {
            for row in &rows {
                sink.row(row)?;
            }
        }
        Ok(sink)
    });
    let mut collector = Collector::new(
        &insurer.name,
        week,
        &calendar,
        plans.iter().map(AsRef::as_ref).collect(),
        now,
    );
    let mut after = 0;
    loop {
        let page = store::week_cases(
            &state.db,
            insurer.id,
            (week.start(), week.end()),
            after,
            PAGE,
        )
        .await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let ids: Vec<i64> = page.iter().map(|c| c.id).collect();
        let policies: Vec<i64> = page.iter().map(|c| c.policy_id).collect();
        let events = store::events_before(&state.db, &ids, week.end()).await?;
        let names = store::insured_names(&state.db, &policies).await?;
        let mut rows = Vec::with_capacity(page.len());
        let mut rest = events.as_slice();
        for case in &page {
            // Events come by case id, as the cases do, and only the page's cases have any here.
            let (mine, later) = rest.split_at(rest.partition_point(|e| e.case_id <= case.id));
            rest = later;
            let Some(code) = state.product_code(case.product_id) else {
                continue;
            };
            let name = names.get(&case.policy_id).map_or("", String::as_str);
            if let Some(row) = collector.case(code, case, mine, name) {
                rows.push(row);
            }
        }
        if tx.send(rows).await.is_err() {
            // The writer stopped: its error is reported below.
            break;
        }
    }
    drop(tx);
    let sink = writer
        .await
        .map_err(ReportError::unexpected)?
        .map_err(ReportError::unexpected)?;
    let mut totals = collector.totals;
    totals.refusals = refusals(state, insurer.id, week, &plans).await?;
    tokio::task::spawn_blocking(move || sink.finish(&totals).map(|()| totals))
        .await
        .map_err(ReportError::unexpected)?
        .map_err(ReportError::unexpected)
}

/// The week's applications refused at intake, by plan, service and reason, in the plans'
/// order (seed 001 登记备案).
async fn refusals(
    state: &AppState,
    insurer_id: i64,
    week: Week,
    plans: &[Arc<Plan>],
) -> Result<Vec<RefusalLine>, ReportError> {
    let counts =
        crate::cases::register::counts(state, insurer_id, (week.start(), week.end())).await?;
    let mut lines = Vec::new();
    for plan in plans {
        for service in &plan.services {
            for ((product_id, service_id, reason), count) in &counts {
                if state.product_code(*product_id) == Some(plan.code.as_str())
                    && *service_id == service.id
                {
                    lines.push(RefusalLine {
                        product: plan.name.clone(),
                        service: service.name.clone(),
                        reason: reason.label(),
                        count: *count,
                    });
                }
            }
        }
    }
    Ok(lines)
}

/// Where a weekly report is kept.
pub fn storage_key(insurer_code: &str, week: Week, format: Format) -> String {
    format!(
        "reports/weekly/{insurer_code}/{}.{}",
        week.label(),
        format.extension()
    )
}

/// Makes the report, stores it privately and lists it (a report made again replaces the
/// earlier one); its totals.
#[tracing::instrument(skip_all, fields(insurer = %insurer.code, week = %week.label(), ?format))]
pub async fn make_and_store(
    state: &AppState,
    insurer: &Insurer,
    week: Week,
    format: Format,
) -> Result<Totals, ReportError> {
    let file = tempfile::Builder::new()
        .suffix(&format!(".{}", format.extension()))
        .tempfile()
        .map_err(ReportError::unexpected)?;
    let totals = generate(state, insurer, week, format, file.path()).await?;
    let bytes = tokio::fs::read(file.path())
        .await
        .map_err(ReportError::unexpected)?;
    let size = i64::try_from(bytes.len()).map_err(ReportError::unexpected)?;
    let key = storage_key(&insurer.code, week, format);
    state.storage.put(&key, bytes, format.media_type()).await?;
    store::upsert_weekly(
        &state.db,
        store::NewWeeklyReport {
            insurer_id: insurer.id,
            week: week.label(),
            format: format.extension(),
            storage_key: key,
            size_bytes: size,
            case_count: i32::try_from(totals.cases).unwrap_or(i32::MAX),
            generated_at: Utc::now(),
        },
    )
    .await?;
    tracing::info!(cases = totals.cases, "weekly report stored");
    Ok(totals)
}

/// From Monday 09:00 (Asia/Shanghai) on, the week before is due.
pub fn due_week(now: DateTime<Utc>) -> Option<Week> {
    let this = Week::of(crate::calendar::local_date(now));
    let nine = local_instant(this.monday(), NaiveTime::from_hms_opt(9, 0, 0)?);
    (now >= nine).then(|| Week::before(now))
}

/// Makes the week before's reports (XLSX and CSV) of every insurer whose plan promises one
/// (`[reports] weekly_progress`), where not made yet; how many were made.
pub async fn run_due(state: &AppState) -> Result<u32, ReportError> {
    let now = state.clocks.business.now();
    let Some(week) = due_week(now) else {
        return Ok(0);
    };
    let mut made = 0;
    for insurer in store::insurers(&state.db).await? {
        let owed = plans_of(state, &insurer.code)
            .iter()
            .any(|plan| plan.reports.weekly_progress);
        if !owed {
            continue;
        }
        let listed =
            store::weekly_list(&state.db, Some(insurer.id), Some(&week.label()), 10).await?;
        for format in [Format::Xlsx, Format::Csv] {
            if listed.iter().any(|r| r.format == format.extension()) {
                continue;
            }
            make_and_store(state, &insurer, week, format).await?;
            made += 1;
        }
    }
    Ok(made)
}
