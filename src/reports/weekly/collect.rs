//! Reading a week's cases a page at a time and turning each into a row of the case list and its
//! share of the totals: the counts per product and service, and each promise's figures.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Week;
use crate::calendar::{Calendar, local_date};
use crate::cases::lifecycle::Status;
use crate::cases::promises::anchors_of;
use crate::cases::store::{Case, Event, milestones};
use crate::cases::view::{place_name, status_text};
use crate::eligibility::sla;
use crate::plans::{Plan, Promise, Service};
use crate::policies::identity::PersonName;

/// One case as the insurer reads it.
#[derive(Debug, Clone)]
pub struct CaseRow {
    pub number: String,
    pub product: String,
    pub service: String,
    pub city: String,
    /// `王**`.
    pub insured: String,
    /// At the week's end.
    pub status: &'static str,
    pub applied_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    /// First arranged (scheduled, or work started).
    pub arranged_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// How it ended, and whether that counted as a use.
    pub outcome: String,
    pub sla_due_at: Option<DateTime<Utc>>,
    /// `按时`, `超时`, `未到期`, or `—` (no such promise, or withdrawn before it fell due).
    pub sla: &'static str,
}

/// What happened in the week to one service's cases.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub opened: u64,
    pub submitted: u64,
    pub approved: u64,
    pub rejected: u64,
    pub scheduled: u64,
    pub completed: u64,
    pub no_show: u64,
    pub cancelled_counted: u64,
    pub cancelled_free: u64,
    pub terminated: u64,
    /// Open at the week's end.
    pub open: u64,
    /// Uses of the service consumed by cases that ended in the week.
    pub uses_consumed: u64,
    /// Objections to a decision raised in the week (seed 002 (一)2.6).
    pub objections: u64,
    /// Complaints about the service raised in the week.
    pub complaints: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromiseKind {
    FirstContact,
    StartDecision,
    Sla,
}

impl PromiseKind {
    pub fn label(self) -> &'static str {
        match self {
            PromiseKind::FirstContact => "首次联系",
            PromiseKind::StartDecision => "是否启动答复",
            PromiseKind::Sla => "服务安排",
        }
    }
}

/// One promise of one service over the week.
#[derive(Debug, Clone, Default)]
pub struct PromiseStats {
    /// Due in the week (cases withdrawn before it fell due are not owed it).
    pub fell_due: u64,
    pub met: u64,
    pub missed: u64,
    /// Due before the week's end, not kept, the case still open.
    pub overdue: u64,
    /// How long the kept ones (and the late ones, once done) took: working hours or days.
    pub taken: Vec<f64>,
}

impl PromiseStats {
    /// The nearest-rank percentile `p` (0–100) of the time taken, None without any.
    pub fn percentile(&self, p: u32) -> Option<f64> {
        let mut sorted = self.taken.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        if n == 0 {
            return None;
        }
        let rank = (u64::from(p) * n as u64).div_ceil(100).max(1);
        sorted.get(usize::try_from(rank - 1).ok()?).copied()
    }
}

/// A service of one of the insurer's plans.
#[derive(Debug, Clone)]
pub struct Line {
    pub product: String,
    pub service: String,
    pub counts: Counts,
    /// (the promise, its words in the plan, the unit its time is measured in, the figures)
    pub promises: Vec<(PromiseKind, String, &'static str, PromiseStats)>,
}

/// Everything but the case list.
#[derive(Debug, Clone)]
pub struct Totals {
    pub insurer: String,
    pub week: Week,
    pub generated_at: DateTime<Utc>,
    pub lines: Vec<Line>,
    /// Cases in the case list.
    pub cases: u64,
    /// Applications refused at intake in the week (seed 001 登记备案).
    pub refusals: Vec<RefusalLine>,
}

/// How many applications for a service were refused at intake for one reason.
#[derive(Debug, Clone)]
pub struct RefusalLine {
    pub product: String,
    pub service: String,
    /// `等待期内`, `超出保单服务期间` …
    pub reason: &'static str,
    pub count: u64,
}

/// Folds a week's cases into rows and totals.
#[derive(Debug)]
pub struct Collector<'a> {
    week: Week,
    calendar: &'a Calendar,
    plans: Vec<&'a Plan>,
    /// (product code, service id) → index into `totals.lines`.
    index: HashMap<(String, String), usize>,
    pub totals: Totals,
}

fn promises_of(service: &Service) -> [(PromiseKind, Option<&Promise>); 3] {
    [
        (PromiseKind::FirstContact, service.first_contact.as_ref()),
        (PromiseKind::StartDecision, service.start_decision.as_ref()),
        (PromiseKind::Sla, service.sla.as_ref()),
    ]
}

fn terminal(status: Option<Status>) -> bool {
    status.is_some_and(Status::is_terminal)
}

impl<'a> Collector<'a> {
    /// `plans`: the insurer's plans, in the order the report lists them.
    pub fn new(
        insurer: &str,
        week: Week,
        calendar: &'a Calendar,
        plans: Vec<&'a Plan>,
        generated_at: DateTime<Utc>,
    ) -> Self {
        let mut index = HashMap::new();
        let mut lines = Vec::new();
        for plan in &plans {
            for service in &plan.services {
                index.insert((plan.code.clone(), service.id.clone()), lines.len());
                lines.push(Line {
                    product: plan.name.clone(),
                    service: service.name.clone(),
                    counts: Counts::default(),
                    promises: promises_of(service)
                        .into_iter()
                        .filter_map(|(kind, promise)| {
                            let promise = promise?;
                            let unit = if promise.working_days.is_some() {
                                "工作日"
                            } else {
                                "工作小时"
                            };
                            Some((kind, promise.text.clone(), unit, PromiseStats::default()))
                        })
                        .collect(),
                });
            }
        }
        Self {
            week,
            calendar,
            plans,
            index,
            totals: Totals {
                insurer: insurer.to_owned(),
                week,
                generated_at,
                lines,
                cases: 0,
                refusals: Vec::new(),
            },
        }
    }

    /// One case (of product `product_code`) with its events before the week's end: its row,
    /// its share of the totals added.
    pub fn case(
        &mut self,
        product_code: &str,
        case: &Case,
        events: &[Event],
        insured_name: &str,
    ) -> Option<CaseRow> {
        let plan = self.plans.iter().find(|p| p.code == product_code)?;
        let service = plan.service(&case.service_id)?;
        let line = *self
            .index
            .get(&(product_code.to_owned(), service.id.clone()))?;
        let week = self.week;
        let end = week.end();
        let status = |e: &Event| Some(Status::from(e.to_status));
        let at_end = events.last().and_then(status);
        let first = |pred: &dyn Fn(&Event) -> bool| events.iter().find(|e| pred(e)).map(|e| e.at);
        let approved_at = first(&|e| e.action == "approved");
        let decided_at = first(&|e| e.action == "approved" || e.action == "rejected");
        let contacted_at = first(&|e| e.action == "contacted");
        let arranged_at =
            first(&|e| matches!(status(e), Some(Status::Scheduled | Status::InProgress)));
        let closed = events
            .iter()
            .find(|e| terminal(status(e)))
            .and_then(|e| Some((e.at, status(e)?)));
        let in_week = |at: Option<DateTime<Utc>>| at.is_some_and(|at| week.contains(at));
        let counted = case.counted.unwrap_or(false);

        let counts = &mut self.totals.lines[line].counts;
        counts.opened += u64::from(in_week(case.applied_at));
        let happened = |pred: &dyn Fn(&Event) -> bool| {
            events
                .iter()
                .filter(|e| week.contains(e.at) && pred(e))
                .count() as u64
        };
        counts.submitted += happened(&|e| e.action == "submitted");
        counts.approved += happened(&|e| e.action == "approved");
        counts.rejected += happened(&|e| e.action == "rejected");
        counts.objections += happened(&|e| e.action == "objection_raised");
        counts.complaints += happened(&|e| e.action == "complaint_raised");
        counts.scheduled += u64::from(in_week(arranged_at));
        if let Some((at, ended)) = closed
            && week.contains(at)
        {
            match ended {
                Status::Completed => counts.completed += 1,
                Status::NoShow => counts.no_show += 1,
                Status::Cancelled if counted => counts.cancelled_counted += 1,
                Status::Cancelled => counts.cancelled_free += 1,
                Status::Terminated => counts.terminated += 1,
                _ => {}
            }
            counts.uses_consumed += u64::from(counted);
        }
        let open_at_end = at_end.is_some_and(Status::is_open);
        counts.open += u64::from(open_at_end);

        // The promises: due in the week (kept or not), and overdue at its end.
        let anchors = anchors_of(&milestones(case));
        let calendar = self.calendar;
        for (kind, _, _, stats) in &mut self.totals.lines[line].promises {
            let (due, kept_at, promise) = match kind {
                PromiseKind::FirstContact => (
                    case.first_contact_due_at,
                    contacted_at,
                    service.first_contact.as_ref(),
                ),
                PromiseKind::StartDecision => (
                    case.start_decision_due_at,
                    decided_at,
                    service.start_decision.as_ref(),
                ),
                PromiseKind::Sla => (case.sla_due_at, arranged_at, service.sla.as_ref()),
            };
            let (Some(due), Some(promise)) = (due, promise) else {
                continue;
            };
            let withdrawn = kept_at.is_none() && closed.is_some_and(|(at, _)| at <= due);
            if week.contains(due) && !withdrawn {
                stats.fell_due += 1;
                if kept_at.is_some_and(|kept| kept <= due) {
                    stats.met += 1;
                } else {
                    stats.missed += 1;
                }
                if let Some(kept) = kept_at
                    && let Some(start) = sla::start(calendar, service, promise, &anchors)
                {
                    stats.taken.push(if promise.working_days.is_some() {
                        f64::from(
                            calendar
                                .working_days_between(local_date(start.value), local_date(kept))
                                .value,
                        )
                    } else {
                        let minutes = calendar
                            .open_minutes_between(start.value, kept, &service.acceptance)
                            .value;
                        (minutes as f64 / 6.0).round() / 10.0
                    });
                }
            }
            if due < end && kept_at.is_none() && open_at_end {
                stats.overdue += 1;
            }
        }

        self.totals.cases += 1;
        let sla = match case.sla_due_at {
            None => "—",
            Some(due) => match arranged_at {
                Some(at) if at <= due => "按时",
                Some(_) => "超时",
                None if closed.is_some_and(|(at, _)| at <= due) => "—",
                None if due < end => "超时",
                None => "未到期",
            },
        };
        Some(CaseRow {
            number: crate::cases::store::number_of(case),
            product: plan.name.clone(),
            service: service.name.clone(),
            city: case
                .city_code
                .as_deref()
                .map_or_else(String::new, |code| place_name(service, code).name),
            insured: PersonName::mask_stored(insured_name),
            status: at_end.map_or("—", status_text),
            applied_at: case.applied_at,
            approved_at,
            arranged_at,
            closed_at: closed.map(|(at, _)| at),
            outcome: match closed {
                Some((_, ended)) => format!(
                    "{}（{}）",
                    status_text(ended),
                    if counted {
                        "计为已使用"
                    } else {
                        "不计次数"
                    }
                ),
                None => String::new(),
            },
            sla_due_at: case.sla_due_at,
            sla,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let stats = PromiseStats {
            taken: vec![5.0, 1.0, 3.0, 2.0, 4.0],
            ..Default::default()
        };
        assert_eq!(stats.percentile(50), Some(3.0));
        assert_eq!(stats.percentile(90), Some(5.0));
        let one = PromiseStats {
            taken: vec![7.0],
            ..Default::default()
        };
        assert_eq!(one.percentile(90), Some(7.0));
        assert_eq!(PromiseStats::default().percentile(50), None);
        assert_eq!(PersonName::mask_stored("王小明"), "王**");
        assert_eq!(PersonName::mask_stored(""), "*");
    }
}
