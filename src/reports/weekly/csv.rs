//! The CSV form of the weekly report: the case rows go to a temporary file as they come, and
//! the file is written once the totals that precede them are known.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use anyhow::Context;

use super::collect::{CaseRow, Totals};
use super::write::{
    CASE_HEADERS, COUNTS, NO_CASES, NO_REFUSALS, PROMISE_HEADERS, REFUSAL_HEADERS, SUMMARY_HEADERS,
    Sink, counts_row, heading, text_time,
};

/// A text cell a spreadsheet will not run: one starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is a formula to Excel and WPS, so it is kept as text behind a `'` (OWASP's
/// CSV-injection rule). The plan files, the catalog and fixed words never start so today; a
/// name or a note that did must not become a formula on an insurer's desk.
fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The CSV writer: case rows go to a temporary file until the totals are known.
#[derive(Debug)]
pub struct Csv {
    rows: csv::Writer<BufWriter<File>>,
    rows_file: File,
    path: std::path::PathBuf,
}

impl Csv {
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let dir = path.parent().unwrap_or(Path::new("."));
        let rows_file = tempfile::tempfile_in(dir).context("a temporary file for the rows")?;
        let mut rows = csv::Writer::from_writer(BufWriter::new(rows_file.try_clone()?));
        rows.write_record(CASE_HEADERS)?;
        Ok(Self {
            rows,
            rows_file,
            path: path.to_owned(),
        })
    }
}

impl Sink for Csv {
    fn row(&mut self, row: &CaseRow) -> anyhow::Result<()> {
        self.rows.write_record([
            cell(&row.number).as_ref(),
            &cell(&row.product),
            &cell(&row.service),
            &cell(&row.city),
            &cell(&row.insured),
            row.status,
            &text_time(row.applied_at),
            &text_time(row.approved_at),
            &text_time(row.arranged_at),
            &text_time(row.closed_at),
            &cell(&row.outcome),
            &text_time(row.sla_due_at),
            row.sla,
        ])?;
        Ok(())
    }

    fn finish(mut self: Box<Self>, totals: &Totals) -> anyhow::Result<()> {
        self.rows.flush()?;
        drop(self.rows);
        let mut out = BufWriter::new(
            File::create(&self.path)
                .with_context(|| format!("creating {}", self.path.display()))?,
        );
        out.write_all("\u{feff}".as_bytes())?;
        {
            let mut w = csv::WriterBuilder::new()
                .flexible(true)
                .from_writer(&mut out);
            w.write_record(["【汇总】"])?;
            for (label, value) in heading(totals) {
                w.write_record([label, value])?;
            }
            if totals.cases == 0 {
                w.write_record([NO_CASES])?;
            }
            w.write_record(SUMMARY_HEADERS)?;
            let mut sums = [0u64; COUNTS];
            for line in &totals.lines {
                let counts = counts_row(line);
                let mut record = vec![
                    cell(&line.product).into_owned(),
                    cell(&line.service).into_owned(),
                ];
                for (i, n) in counts.into_iter().enumerate() {
                    sums[i] += n;
                    record.push(n.to_string());
                }
                w.write_record(record)?;
            }
            let mut record = vec!["合计".to_owned(), String::new()];
            record.extend(sums.iter().map(u64::to_string));
            w.write_record(record)?;
            w.write_record([""])?;
            w.write_record(["【时限承诺】"])?;
            w.write_record(PROMISE_HEADERS)?;
            for line in &totals.lines {
                for (kind, text, unit, stats) in &line.promises {
                    let pct = |p| {
                        stats
                            .percentile(p)
                            .map(|v| v.to_string())
                            .unwrap_or_default()
                    };
                    w.write_record([
                        cell(&line.product).into_owned(),
                        cell(&line.service).into_owned(),
                        kind.label().to_owned(),
                        cell(text).into_owned(),
                        (*unit).to_owned(),
                        stats.fell_due.to_string(),
                        stats.met.to_string(),
                        stats.missed.to_string(),
                        pct(50),
                        pct(90),
                        stats.overdue.to_string(),
                    ])?;
                }
            }
            w.write_record([""])?;
            w.write_record(["【拒绝登记】"])?;
            w.write_record(REFUSAL_HEADERS)?;
            for line in &totals.refusals {
                w.write_record([
                    cell(&line.product).into_owned(),
                    cell(&line.service).into_owned(),
                    line.reason.to_owned(),
                    line.count.to_string(),
                ])?;
            }
            if totals.refusals.is_empty() {
                w.write_record([NO_REFUSALS])?;
            }
            w.write_record([""])?;
            w.write_record(["【案件清单】"])?;
            w.flush()?;
        }
        self.rows_file.seek(SeekFrom::Start(0))?;
        std::io::copy(&mut self.rows_file, &mut out)?;
        out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_a_spreadsheet_would_run_stay_text() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(cell(formula), format!("'{formula}"));
        }
        for text in [
            "王**",
            "GC2611-00042",
            "北京",
            "",
            "2026-11-23 10:00",
            "1+1",
        ] {
            assert_eq!(cell(text), text);
        }
    }
}
