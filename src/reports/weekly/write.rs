//! Writing a weekly report: the case list row by row as it is read, then the summary and the
//! promises once the totals are known. Runs on a blocking thread (the writers are synchronous).
//!
//! XLSX: three sheets (汇总, 时限承诺, 案件清单), frozen header rows, set widths, dates as real
//! dates (Asia/Shanghai); the case list in constant-memory mode (rows go to a temporary file as
//! written). CSV: the three tables one after another, each under a `【…】` title row, UTF-8 with
//! a BOM so Excel opens it in Chinese (`csv.rs`).

use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Asia::Shanghai;
use rust_xlsxwriter::{ExcelDateTime, Format as Cell, Workbook, Worksheet};

use super::collect::{CaseRow, Line, Totals};

pub const SUMMARY_HEADERS: [&str; 16] = [
    "保障计划",
    "服务",
    "新申请",
    "提交",
    "审核通过",
    "不予受理",
    "完成安排",
    "服务完成",
    "用户未到",
    "取消（计次）",
    "取消（不计次）",
    "终止",
    "周末在办",
    "本周消耗次数",
    "异议",
    "投诉",
];

/// The counts a summary row holds (its headers but the plan and the service).
pub(super) const COUNTS: usize = SUMMARY_HEADERS.len() - 2;

pub const PROMISE_HEADERS: [&str; 11] = [
    "保障计划",
    "服务",
    "承诺",
    "承诺内容",
    "单位",
    "本周到期",
    "按时",
    "超时",
    "用时中位数",
    "用时90百分位",
    "周末已超时未办",
];

pub const CASE_HEADERS: [&str; 13] = [
    "案件编号",
    "保障计划",
    "服务",
    "就医城市",
    "被保险人",
    "周末状态",
    "申请时间",
    "审核通过",
    "完成安排",
    "结束时间",
    "结束情况",
    "服务时限",
    "时限达成",
];

const CASE_WIDTHS: [f64; 13] = [
    14.0, 22.0, 22.0, 10.0, 10.0, 12.0, 17.0, 17.0, 17.0, 17.0, 18.0, 17.0, 10.0,
];

/// Where the rows of a report go.
pub trait Sink: Send {
    fn row(&mut self, row: &CaseRow) -> anyhow::Result<()>;
    /// Writes the rest and closes the file.
    fn finish(self: Box<Self>, totals: &Totals) -> anyhow::Result<()>;
}

pub(super) fn counts_row(line: &Line) -> [u64; COUNTS] {
    let c = &line.counts;
    [
        c.opened,
        c.submitted,
        c.approved,
        c.rejected,
        c.scheduled,
        c.completed,
        c.no_show,
        c.cancelled_counted,
        c.cancelled_free,
        c.terminated,
        c.open,
        c.uses_consumed,
        c.objections,
        c.complaints,
    ]
}

fn local(at: DateTime<Utc>) -> chrono::DateTime<chrono_tz::Tz> {
    at.with_timezone(&Shanghai)
}

pub(super) fn text_time(at: Option<DateTime<Utc>>) -> String {
    at.map(|at| local(at).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub(super) fn heading(totals: &Totals) -> Vec<(String, String)> {
    let week = totals.week;
    vec![
        ("保险公司".to_owned(), totals.insurer.clone()),
        (
            "周次".to_owned(),
            format!(
                "{}（{} 至 {}）",
                week.label(),
                week.monday(),
                week.monday() + chrono::Days::new(6)
            ),
        ),
        ("生成时间".to_owned(), text_time(Some(totals.generated_at))),
        ("案件数".to_owned(), totals.cases.to_string()),
    ]
}

pub(super) const NO_CASES: &str = "本周没有在办或办结的案件";

/// The register of applications refused at intake (seed 001 登记备案).
pub const REFUSAL_HEADERS: [&str; 4] = ["保障计划", "服务", "拒绝原因", "次数"];
pub(super) const NO_REFUSALS: &str = "本周没有被拒绝受理的申请";

/// The XLSX writer.
pub struct Xlsx {
    workbook: Workbook,
    cases: Worksheet,
    next: u32,
    date: Cell,
    path: std::path::PathBuf,
}

impl std::fmt::Debug for Xlsx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Xlsx").field("rows", &self.next).finish()
    }
}

fn excel_time(at: DateTime<Utc>) -> anyhow::Result<ExcelDateTime> {
    let at = local(at);
    let date = ExcelDateTime::from_ymd(
        u16::try_from(at.year())?,
        u8::try_from(at.month())?,
        u8::try_from(at.day())?,
    )?;
    Ok(date.and_hms(u16::try_from(at.hour())?, u8::try_from(at.minute())?, 0)?)
}

fn header_row(
    sheet: &mut Worksheet,
    row: u32,
    headers: &[&str],
    bold: &Cell,
) -> anyhow::Result<()> {
    for (col, text) in headers.iter().enumerate() {
        sheet.write_string_with_format(row, u16::try_from(col)?, *text, bold)?;
    }
    Ok(())
}

impl Xlsx {
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let mut workbook = Workbook::new();
        if let Some(dir) = path.parent() {
            workbook.set_tempdir(dir)?;
        }
        let mut cases = workbook.new_worksheet_with_constant_memory()?;
        cases.set_name("案件清单")?;
        let bold = Cell::new().set_bold();
        header_row(&mut cases, 0, &CASE_HEADERS, &bold)?;
        for (col, width) in CASE_WIDTHS.iter().enumerate() {
            cases.set_column_width(u16::try_from(col)?, *width)?;
        }
        cases.set_freeze_panes(1, 0)?;
        Ok(Self {
            workbook,
            cases,
            next: 1,
            date: Cell::new().set_num_format("yyyy-mm-dd hh:mm"),
            path: path.to_owned(),
        })
    }
}

impl Sink for Xlsx {
    fn row(&mut self, row: &CaseRow) -> anyhow::Result<()> {
        let r = self.next;
        let sheet = &mut self.cases;
        let texts = [
            (0, row.number.as_str()),
            (1, row.product.as_str()),
            (2, row.service.as_str()),
            (3, row.city.as_str()),
            (4, row.insured.as_str()),
            (5, row.status),
            (10, row.outcome.as_str()),
            (12, row.sla),
        ];
        for (col, text) in texts {
            sheet.write_string(r, col, text)?;
        }
        for (col, at) in [
            (6, row.applied_at),
            (7, row.approved_at),
            (8, row.arranged_at),
            (9, row.closed_at),
            (11, row.sla_due_at),
        ] {
            if let Some(at) = at {
                sheet.write_datetime_with_format(r, col, &excel_time(at)?, &self.date)?;
            }
        }
        self.next += 1;
        Ok(())
    }

    fn finish(mut self: Box<Self>, totals: &Totals) -> anyhow::Result<()> {
        let bold = Cell::new().set_bold();
        let mut summary = Worksheet::new();
        summary.set_name("汇总")?;
        let mut r = 0;
        for (label, value) in heading(totals) {
            summary.write_string_with_format(r, 0, label, &bold)?;
            summary.write_string(r, 1, value)?;
            r += 1;
        }
        if totals.cases == 0 {
            summary.write_string(r, 0, NO_CASES)?;
        }
        r += 1;
        let table = r;
        header_row(&mut summary, table, &SUMMARY_HEADERS, &bold)?;
        let mut sums = [0u64; COUNTS];
        for line in &totals.lines {
            r += 1;
            summary.write_string(r, 0, &line.product)?;
            summary.write_string(r, 1, &line.service)?;
            for (i, n) in counts_row(line).into_iter().enumerate() {
                sums[i] += n;
                summary.write_number(r, u16::try_from(i + 2)?, n as f64)?;
            }
        }
        r += 1;
        summary.write_string_with_format(r, 0, "合计", &bold)?;
        for (i, n) in sums.into_iter().enumerate() {
            summary.write_number_with_format(r, u16::try_from(i + 2)?, n as f64, &bold)?;
        }
        summary.set_column_width(0, 24)?;
        summary.set_column_width(1, 24)?;
        for col in 2..u16::try_from(COUNTS + 2)? {
            summary.set_column_width(col, 12)?;
        }
        summary.set_freeze_panes(table + 1, 0)?;

        let mut promises = Worksheet::new();
        promises.set_name("时限承诺")?;
        header_row(&mut promises, 0, &PROMISE_HEADERS, &bold)?;
        let mut r = 0;
        for line in &totals.lines {
            for (kind, text, unit, stats) in &line.promises {
                r += 1;
                promises.write_string(r, 0, &line.product)?;
                promises.write_string(r, 1, &line.service)?;
                promises.write_string(r, 2, kind.label())?;
                promises.write_string(r, 3, text)?;
                promises.write_string(r, 4, *unit)?;
                for (col, n) in [(5, stats.fell_due), (6, stats.met), (7, stats.missed)] {
                    promises.write_number(r, col, n as f64)?;
                }
                for (col, p) in [(8, 50), (9, 90)] {
                    if let Some(value) = stats.percentile(p) {
                        promises.write_number(r, col, value)?;
                    }
                }
                promises.write_number(r, 10, stats.overdue as f64)?;
            }
        }
        for (col, width) in [24.0, 24.0, 14.0, 40.0, 8.0].into_iter().enumerate() {
            promises.set_column_width(u16::try_from(col)?, width)?;
        }
        for col in 5..11 {
            promises.set_column_width(col, 12)?;
        }
        promises.set_freeze_panes(1, 0)?;

        let mut refusals = Worksheet::new();
        refusals.set_name("拒绝登记")?;
        header_row(&mut refusals, 0, &REFUSAL_HEADERS, &bold)?;
        let mut r = 0;
        for line in &totals.refusals {
            r += 1;
            refusals.write_string(r, 0, &line.product)?;
            refusals.write_string(r, 1, &line.service)?;
            refusals.write_string(r, 2, line.reason)?;
            refusals.write_number(r, 3, line.count as f64)?;
        }
        if totals.refusals.is_empty() {
            refusals.write_string(1, 0, NO_REFUSALS)?;
        }
        for (col, width) in [24.0, 24.0, 20.0, 8.0].into_iter().enumerate() {
            refusals.set_column_width(u16::try_from(col)?, width)?;
        }
        refusals.set_freeze_panes(1, 0)?;

        self.workbook.push_worksheet(summary);
        self.workbook.push_worksheet(promises);
        self.workbook.push_worksheet(refusals);
        let cases = std::mem::replace(&mut self.cases, Worksheet::new());
        self.workbook.push_worksheet(cases);
        self.workbook
            .save(&self.path)
            .with_context(|| format!("writing {}", self.path.display()))?;
        Ok(())
    }
}

pub use super::csv::Csv;
