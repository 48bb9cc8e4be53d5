//! `green-channel import-policies FILE`: a CSV of policies, streamed in batches (constant
//! memory), upserted by policy number inside one transaction (a crash or a kill leaves the
//! database as it was), with a per-line report of rejected rows that names field and reason,
//! never the value.

use std::collections::HashMap;
use std::io::Read;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::record::{FieldError, PolicyInput, PolicyRecord};
use super::store;
use crate::platform::cache::Cache;
use crate::platform::crypto::Crypto;
use crate::platform::db::{Db, write_transaction};

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

/// One batch as the reading thread hands it over: the rows it read, those it rejected, and the
/// statement that writes the rest (sealed and indexed already).
struct Prepared {
    rows: u64,
    rejected: Vec<RejectedRow>,
    batch: Option<store::UpsertBatch>,
    position: u64,
}

/// What the reading thread needs, owned.
struct Reading {
    product_ids: HashMap<String, i64>,
    crypto: Crypto,
    backend: store::Backend,
    now: DateTime<Utc>,
}

/// Batches ready before the database has taken them: the memory bound (each is 500 rows).
const READY: usize = 2;

pub async fn import_csv(
    db: &Db,
    cache: &dyn Cache,
    input: impl Read + Send + 'static,
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
    // Reading, checking, sealing and building each batch's statement (CPU) run on a thread of
    // their own while the database writes the batch before: the two cores work at once.
    let (ready, mut batches) = tokio::sync::mpsc::channel(READY);
    let reading = Reading {
        product_ids: product_ids.clone(),
        crypto: crypto.clone(),
        backend: store::Backend::of(db),
        now,
    };
    let reader_thread =
        tokio::task::spawn_blocking(move || read_batches(reader, &headers, &reading, &ready));
    let result = async {
        let txn = write_transaction(db).await?;
        let mut report = ImportReport::default();
        while let Some(prepared) = batches.recv().await {
            let prepared = prepared?;
            report.rows += prepared.rows;
            report.rejected.extend(prepared.rejected);
            if let Some(batch) = prepared.batch {
                change.extend().await.context(
                    "the cache stopped answering during the import; nothing was written",
                )?;
                let written = batch.written;
                store::write_batch(&txn, batch).await?;
                report.written += written as u64;
            }
            progress.set_position(prepared.position);
        }
        txn.commit().await?;
        Ok(report)
    }
    .await;
    // A failed write dropped the receiver: the reading thread stops at its next batch.
    drop(batches);
    let read = reader_thread.await;
    change.end().await;
    progress.finish_and_clear();
    read.context("the reading thread failed")?;
    result
}

/// Reads every row, sending a [`Prepared`] batch each [`BATCH`] valid rows and one at the end;
/// stops when the receiver is gone.
fn read_batches(
    mut reader: csv::Reader<impl Read>,
    headers: &csv::StringRecord,
    reading: &Reading,
    ready: &tokio::sync::mpsc::Sender<anyhow::Result<Prepared>>,
) {
    let mut batch: Vec<PolicyInput> = Vec::with_capacity(BATCH);
    let mut rows = 0;
    let mut rejected = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line = reader.position().line() + 1;
        let more = match reader.read_record(&mut record) {
            Ok(more) => more,
            Err(error) => {
                rows += 1;
                rejected.push(RejectedRow {
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
        };
        if more {
            rows += 1;
            let line = record.position().map_or(line, |p| p.line());
            let parsed = record
                .deserialize::<PolicyRecord>(Some(headers))
                .map_err(|_| {
                    vec![FieldError {
                        field: "row",
                        reason: "unreadable row".to_owned(),
                    }]
                })
                .and_then(|raw| raw.parse(|code| reading.product_ids.contains_key(code)));
            match parsed {
                Ok(input) => batch.push(input),
                Err(errors) => rejected.push(RejectedRow { line, errors }),
            }
        }
        if batch.len() >= BATCH || !more {
            let statement = store::upsert_statement(
                reading.backend,
                &batch,
                &reading.product_ids,
                &reading.crypto,
                "import",
                reading.now,
            );
            let prepared = statement.map(|batch| Prepared {
                rows: std::mem::take(&mut rows),
                rejected: std::mem::take(&mut rejected),
                batch,
                position: reader.position().byte(),
            });
            batch.clear();
            if ready.blocking_send(prepared).is_err() || !more {
                return;
            }
        }
    }
}
