//! Eligibility: for each service of a policy's plan, whether it may be used today and why not,
//! the uses left in the period they belong to, and what the user must prepare. Pure functions of
//! the plan, the policy, the caller's relation to it, today's date and the uses already taken, so
//! the rules are tested as a table (tests/api/rules.rs) without a database.

pub mod routes;
pub mod service;
pub mod sla;
pub mod store;

use std::collections::HashMap;

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;
use utoipa::ToSchema;

use crate::plans::{Beneficiaries, Plan, QuotaScope, Service, Window};
use crate::policies::record::PolicyStatus;
use crate::policies::store::Relation;

/// Why a service cannot be used today. Stable codes: the mini-program switches on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::VariantNames, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Reason {
    /// The policy lapsed or was terminated.
    PolicyLapsed,
    /// Surrendered (退保), including during the cooling-off period.
    PolicySurrendered,
    /// The sum insured fell below the product's threshold (seed 004).
    SumInsuredBelowThreshold,
    /// The caller is a relative and the service is for the insured only.
    NotInsuredPerson,
    /// Before the effective date.
    NotYetEffective,
    CoolingOff,
    WaitingPeriod,
    /// After the plan's window (e.g. the 3rd effective date under plan 1).
    WindowClosed,
    QuotaExhausted,
}

impl Reason {
    /// The stable machine code (the serialised name).
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn message(self) -> &'static str {
        match self {
            Reason::PolicyLapsed => "保单已失效或终止，服务不可用",
            Reason::PolicySurrendered => "保单已退保，服务不可用",
            Reason::SumInsuredBelowThreshold => "保额已低于服务标准，服务已终止",
            Reason::NotInsuredPerson => "该服务仅限被保险人本人使用",
            Reason::NotYetEffective => "保单尚未生效",
            Reason::CoolingOff => "保单尚在犹豫期内，犹豫期后可使用",
            Reason::WaitingPeriod => "保单尚在等待期内，等待期后可使用",
            Reason::WindowClosed => "已超过服务有效期",
            Reason::QuotaExhausted => "本期服务次数已用完",
        }
    }
}

/// What eligibility needs to know of a policy.
#[derive(Debug, Clone)]
pub struct PolicyFacts {
    pub effective_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    /// The last day of the cooling-off period, when the insurer says.
    pub cooling_off_end: Option<NaiveDate>,
    pub status: PolicyStatus,
    pub sum_insured_ok: bool,
}

impl PolicyFacts {
    /// The facts of a stored policy.
    pub fn of(policy: &crate::policies::store::Policy) -> Self {
        Self {
            effective_date: policy.effective_date,
            expiry_date: policy.expiry_date,
            cooling_off_end: policy.cooling_off_end,
            status: policy.status.into(),
            sum_insured_ok: policy.sum_insured_ok,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuotaStatus {
    pub unlimited: bool,
    /// The quota's key: the service id, or the shared group's id.
    pub key: Option<String>,
    /// Shared with other services of the plan (seed 003's one application).
    pub shared_group: Option<String>,
    pub limit: Option<u32>,
    pub used: u32,
    pub left: Option<u32>,
    /// `policy_year` or `validity`.
    #[schema(value_type = Option<String>)]
    pub scope: Option<QuotaScope>,
    pub period_start: Option<NaiveDate>,
    /// The last day of the period.
    pub period_end: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Entitlement {
    pub service_id: String,
    pub available: bool,
    pub reasons: Vec<Reason>,
    /// The first day the service can be used (after cooling-off and waiting periods).
    pub available_from: NaiveDate,
    /// The last day of the plan's window, when it has one.
    pub window_last_day: Option<NaiveDate>,
    pub quota: QuotaStatus,
}

fn add_years(date: NaiveDate, years: u32) -> NaiveDate {
    // 29 February plus a year is 28 February: the anniversary falls on the month's last day.
    date.checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX)
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days))
        .unwrap_or(NaiveDate::MIN)
}

/// The first day a service may be used: after the cooling-off period and, where it applies, the
/// waiting period ("等待期90天（含）后": the effective date is day 1, day 91 is the first).
pub fn first_day(plan: &Plan, service: &Service, facts: &PolicyFacts) -> NaiveDate {
    let eligibility = &plan.eligibility;
    let cooling_off_end = facts.cooling_off_end.or_else(|| {
        (eligibility.cooling_off_days > 0)
            .then(|| facts.effective_date + Days::new(u64::from(eligibility.cooling_off_days) - 1))
    });
    let after_cooling_off = cooling_off_end.map_or(facts.effective_date, |end| end + Days::new(1));
    let after_waiting = if service.waiting_period_applies {
        facts.effective_date + Days::new(u64::from(eligibility.waiting_days))
    } else {
        facts.effective_date
    };
    after_cooling_off
        .max(after_waiting)
        .max(facts.effective_date)
}

/// The first day after the window (exclusive end), if the window ends.
pub fn window_end(plan: &Plan, facts: &PolicyFacts) -> Option<NaiveDate> {
    let policy_end = facts.expiry_date.map(|d| d + Days::new(1));
    let plan_end = match plan.eligibility.window {
        Window::PolicyTerm => None,
        Window::YearsFromEffective { years } => Some(add_years(facts.effective_date, years)),
        // "至第3个保单生效日零时止": the original date is the 1st occurrence.
        Window::UntilNthEffectiveDate { nth } => {
            Some(add_years(facts.effective_date, nth.saturating_sub(1)))
        }
    };
    match (policy_end, plan_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The quota period that `today` falls in: [start, end).
pub fn quota_period(
    scope: QuotaScope,
    plan: &Plan,
    facts: &PolicyFacts,
    today: NaiveDate,
) -> (NaiveDate, Option<NaiveDate>) {
    match scope {
        QuotaScope::PolicyYear => {
            let mut years = 0;
            while add_years(facts.effective_date, years + 1) <= today {
                years += 1;
            }
            let start = add_years(facts.effective_date, years);
            (start, Some(add_years(facts.effective_date, years + 1)))
        }
        QuotaScope::Validity => (facts.effective_date, window_end(plan, facts)),
    }
}

/// The quota a service draws on: (key, limit, scope, shared group), or None when unlimited.
pub fn quota_of(plan: &Plan, service: &Service) -> Option<(String, u32, QuotaScope, bool)> {
    if service.quota.unlimited {
        return None;
    }
    if let Some(group) = &service.quota.group {
        let group = plan.quota_group(group)?;
        return Some((group.id.clone(), group.count, group.scope, true));
    }
    Some((
        service.id.clone(),
        service.quota.count.unwrap_or(0),
        service.quota.scope.unwrap_or(QuotaScope::Validity),
        false,
    ))
}

/// Uses already taken: (quota key, period start) → count of reserved or consumed uses.
pub type Uses = HashMap<(String, NaiveDate), u32>;

pub fn evaluate_service(
    plan: &Plan,
    service: &Service,
    facts: &PolicyFacts,
    relation: Relation,
    today: NaiveDate,
    uses: &Uses,
) -> Entitlement {
    let mut reasons = Vec::new();
    match facts.status {
        PolicyStatus::InForce => {}
        PolicyStatus::Lapsed | PolicyStatus::Terminated => reasons.push(Reason::PolicyLapsed),
        PolicyStatus::Surrendered => reasons.push(Reason::PolicySurrendered),
    }
    if plan.eligibility.ends_below_sum_insured_threshold && !facts.sum_insured_ok {
        reasons.push(Reason::SumInsuredBelowThreshold);
    }
    if relation == Relation::Relative && service.beneficiaries == Beneficiaries::Insured {
        reasons.push(Reason::NotInsuredPerson);
    }
    let available_from = first_day(plan, service, facts);
    let end = window_end(plan, facts);
    if today < facts.effective_date {
        reasons.push(Reason::NotYetEffective);
    } else if today < available_from {
        let cooling_off_end = facts.cooling_off_end.or_else(|| {
            (plan.eligibility.cooling_off_days > 0).then(|| {
                facts.effective_date + Days::new(u64::from(plan.eligibility.cooling_off_days) - 1)
            })
        });
        if cooling_off_end.is_some_and(|end| today <= end) {
            reasons.push(Reason::CoolingOff);
        } else {
            reasons.push(Reason::WaitingPeriod);
        }
    }
    if end.is_some_and(|end| today >= end) {
        reasons.push(Reason::WindowClosed);
    }
    let quota = match quota_of(plan, service) {
        None => QuotaStatus {
            unlimited: true,
            key: None,
            shared_group: None,
            limit: None,
            used: 0,
            left: None,
            scope: None,
            period_start: None,
            period_end: None,
        },
        Some((key, limit, scope, shared)) => {
            let (start, period_end) = quota_period(scope, plan, facts, today);
            let used = uses.get(&(key.clone(), start)).copied().unwrap_or(0);
            if used >= limit {
                reasons.push(Reason::QuotaExhausted);
            }
            QuotaStatus {
                unlimited: false,
                shared_group: shared.then(|| key.clone()),
                key: Some(key),
                limit: Some(limit),
                used,
                left: Some(limit.saturating_sub(used)),
                scope: Some(scope),
                period_start: Some(start),
                period_end: period_end.map(|d| days_before(d, 1)),
            }
        }
    };
    Entitlement {
        service_id: service.id.clone(),
        available: reasons.is_empty(),
        reasons,
        available_from,
        window_last_day: end.map(|d| days_before(d, 1)),
        quota,
    }
}

pub fn evaluate(
    plan: &Plan,
    facts: &PolicyFacts,
    relation: Relation,
    today: NaiveDate,
    uses: &Uses,
) -> Vec<Entitlement> {
    plan.services
        .iter()
        .map(|service| evaluate_service(plan, service, facts, relation, today, uses))
        .collect()
}
