//! `green-channel import-policies FILE`: a CSV of policies, streamed in batches (constant
//! memory), upserted by policy number inside one transaction (a crash or a kill leaves the
//! database as it was), with a per-line report of rejected rows that names field and reason,
//! never the value.

use std::collections::HashMap;
use std::io::Read;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, TransactionTrait};
use serde::Serialize;

use super::record::{FieldError, PolicyInput, PolicyRecord};
use super::store;
use crate::cache::Cache;
use crate::crypto::Crypto;

const BATCH: usize = 500;
pub const REQUIRED: &[&str] = &[
    "policy_no",
    "product_code",
    "insured_name",
    "id_number",
    "effective_date",
];

#[derive(Debug, Clone, Serialize)]
pub struct RejectedRow {
    /// The line in the file (the header is line 1).
    pub line: u64,
    pub errors: Vec<FieldError>,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub written: u64,
    pub rejected: Vec<RejectedRow>,
}

pub async fn import_csv(
    db: &DatabaseConnection,
    cache: &dyn Cache,
    input: impl Read,
    total_bytes: Option<u64>,
    product_ids: &HashMap<String, i64>,
    crypto: &Crypto,
    now: DateTime<Utc>,
) -> anyhow::Result<ImportReport> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(input);
    let headers = reader.headers()?.clone();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|h| !headers.iter().any(|x| x == *h))
        .collect();
    anyhow::ensure!(
        missing.is_empty(),
        "line 1: missing column(s) {}; the header must name {}",
        missing.join(", "),
        REQUIRED.join(", ")
    );
    let progress = match total_bytes {
        Some(total) => indicatif::ProgressBar::new(total),
        None => indicatif::ProgressBar::no_length(),
    };
    progress.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {bytes}/{total_bytes} [{wide_bar}] {per_sec} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );

    let change = super::changes::begin_import(cache).await.context(
        "the cache must be reachable to import policies (cached copies of them are dropped)",
    )?;
    let result = async {
        let txn = db.begin().await?;
        let mut report = ImportReport::default();
        let mut batch: Vec<PolicyInput> = Vec::with_capacity(BATCH);
        let mut record = csv::StringRecord::new();
        loop {
            let line = reader.position().line() + 1;
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(error) => {
                    report.rows += 1;
                    report.rejected.push(RejectedRow {
                        line: error.position().map_or(line, |p| p.line()),
                        errors: vec![FieldError {
                            field: "row",
                            reason: match error.kind() {
                                csv::ErrorKind::UnequalLengths {
                                    expected_len, len, ..
                                } => {
                                    format!("{len} columns where the header has {expected_len}")
                                }
                                csv::ErrorKind::Utf8 { .. } => "not UTF-8 text".to_owned(),
                                _ => "unreadable row".to_owned(),
                            },
                        }],
                    });
                    continue;
                }
            }
            report.rows += 1;
            let line = record.position().map_or(line, |p| p.line());
            let parsed = record
                .deserialize::<PolicyRecord>(Some(&headers))
                .map_err(|_| {
                    vec![FieldError {
                        field: "row",
                        reason: "unreadable row".to_owned(),
                    }]
                })
                .and_then(|raw| raw.parse(|code| product_ids.contains_key(code)));
            match parsed {
                Ok(input) => batch.push(input),
                Err(errors) => report.rejected.push(RejectedRow { line, errors }),
            }
            if batch.len() >= BATCH {
                change.extend().await.context(
                    "the cache stopped answering during the import; nothing was written",
                )?;
                report.written +=
                    store::upsert(&txn, &batch, product_ids, crypto, "import", now).await? as u64;
                batch.clear();
                progress.set_position(reader.position().byte());
            }
        }
        report.written +=
            store::upsert(&txn, &batch, product_ids, crypto, "import", now).await? as u64;
        txn.commit().await?;
        Ok(report)
    }
    .await;
    change.end().await;
    progress.finish_and_clear();
    result
}
