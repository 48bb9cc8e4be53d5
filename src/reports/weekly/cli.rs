//! `green-channel report weekly`: one insurer's report of one week, written to a file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::{Format, Week, job};
use crate::cli::ReportAction;
use crate::reports::store;
use crate::state::AppState;

pub async fn run(
    state: &AppState,
    action: ReportAction,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let ReportAction::Weekly {
        insurer,
        week,
        format,
        out: path,
    } = action;
    let format = Format::parse(&format).context("--format is xlsx or csv")?;
    let now = state.clocks.business.now();
    let week = match week {
        Some(text) => Week::parse(&text).context("--week is an ISO week such as 2026-W48")?,
        None => Week::before(now),
    };
    anyhow::ensure!(
        week.end() <= now,
        "{} has not ended yet: a weekly report covers a past week",
        week.label()
    );
    let found = match store::insurer_by_code(&state.db, &insurer).await? {
        Some(found) => found,
        None => {
            let known: Vec<String> = store::insurers(&state.db)
                .await?
                .into_iter()
                .map(|i| i.code)
                .collect();
            anyhow::bail!("no insurer `{insurer}` (known: {})", known.join(", "));
        }
    };
    let path = path.unwrap_or_else(|| {
        PathBuf::from(format!(
            "服务进度周报-{}-{}.{}",
            found.code,
            week.label(),
            format.extension()
        ))
    });
    let totals = job::generate(state, &found, week, format, &path)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    writeln!(
        out,
        "{}: {} {} — {} cases",
        path.display(),
        found.name,
        week.label(),
        totals.cases
    )?;
    Ok(())
}
