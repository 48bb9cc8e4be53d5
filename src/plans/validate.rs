//! The checks a plan file must pass before the service starts. Each problem names the field.

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use super::conversation::LineKind;
use super::model::*;

const COVERAGE: &str = include_str!("../../data/coverage.json");

/// The coverage list names of `data/coverage.json`.
pub fn coverage_lists() -> &'static BTreeSet<String> {
    static LISTS: OnceLock<BTreeSet<String>> = OnceLock::new();
    LISTS.get_or_init(|| {
        serde_json::from_str::<serde_json::Value>(COVERAGE)
            .ok()
            .and_then(|v| v.get("lists").and_then(|l| l.as_object()).cloned())
            .map(|lists| lists.keys().cloned().collect())
            .unwrap_or_default()
    })
}

fn slug(text: &str, extra: char) -> bool {
    !text.is_empty()
        && text.len() <= 40
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == extra)
}

fn promise(problems: &mut Vec<String>, field: &str, promise: &Promise) {
    let units = [
        promise.working_days.is_some(),
        promise.hours.is_some(),
        promise.minutes.is_some(),
    ]
    .iter()
    .filter(|u| **u)
    .count();
    if units != 1 {
        problems.push(format!(
            "{field}: give exactly one of working_days, hours, minutes"
        ));
    }
    if let (Some(min), Some(max)) = (promise.working_days_min, promise.working_days)
        && min > max
    {
        problems.push(format!(
            "{field}.working_days_min: {min} is more than working_days {max}"
        ));
    }
    if promise.working_days_min.is_some() && promise.working_days.is_none() {
        problems.push(format!("{field}.working_days_min: needs working_days"));
    }
    if promise.from.is_empty() {
        problems.push(format!("{field}.from: name at least one anchor"));
    }
    if promise.text.trim().is_empty() {
        problems.push(format!("{field}.text: say the promise in words"));
    }
}

pub fn plan(plan: &Plan) -> Vec<String> {
    let mut problems = Vec::new();
    if !slug(&plan.code, '-') {
        problems.push(format!(
            "code: `{}` must be 1–40 lowercase letters, digits or `-`",
            plan.code
        ));
    }
    if plan.name.trim().is_empty() {
        problems.push("name: is empty".to_owned());
    }
    if !plan.seed.ends_with(".txt") {
        problems.push(format!(
            "seed: `{}` must name a seed document (*.txt)",
            plan.seed
        ));
    }
    if !slug(&plan.insurer.code, '-') {
        problems.push(format!(
            "insurer.code: `{}` is not a code",
            plan.insurer.code
        ));
    }
    if plan.provider.hotline.trim().is_empty() {
        problems.push("provider.hotline: is empty".to_owned());
    }
    let eligibility = &plan.eligibility;
    if eligibility.clause.trim().is_empty() {
        problems.push("eligibility.clause: cite the seed clause".to_owned());
    }
    if eligibility.diagnosis_states.is_empty() {
        problems.push("eligibility.diagnosis_states: name suspected and/or confirmed".to_owned());
    }
    match eligibility.window {
        Window::YearsFromEffective { years: 0 } => {
            problems.push("eligibility.window.years: must be at least 1".to_owned())
        }
        Window::UntilNthEffectiveDate { nth } if nth < 2 => {
            problems.push("eligibility.window.nth: must be at least 2".to_owned())
        }
        _ => {}
    }

    let mut groups = HashSet::new();
    for (i, group) in plan.quota_groups.iter().enumerate() {
        let field = format!("quota_groups[{i}]");
        if !slug(&group.id, '_') || !groups.insert(group.id.as_str()) {
            problems.push(format!("{field}.id: `{}` is not a unique id", group.id));
        }
        if group.count == 0 {
            problems.push(format!("{field}.count: must be at least 1"));
        }
        if group.clause.trim().is_empty() {
            problems.push(format!("{field}.clause: cite the seed clause"));
        }
    }

    if plan.services.is_empty() {
        problems.push("services: a plan needs at least one service".to_owned());
    }
    for (i, notice) in plan.notices.iter().enumerate() {
        let field = format!("notices[{i}]");
        if notice.text.trim().is_empty() || notice.text.chars().count() > 200 {
            problems.push(format!("{field}.text: say it in 1 to 200 characters"));
        }
        if notice.clause.trim().is_empty() {
            problems.push(format!("{field}.clause: cite the seed clause"));
        }
        for id in &notice.services {
            if !plan.services.iter().any(|s| &s.id == id) {
                problems.push(format!("{field}.services: no service `{id}`"));
            }
        }
    }
    let files = &plan.record_files;
    if !(files.pdf.is_empty() && files.dicom.is_empty()) && files.clause.trim().is_empty() {
        problems.push("record_files.clause: cite the seed clause".to_owned());
    }
    let ids: HashSet<&str> = plan.services.iter().map(|s| s.id.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, service) in plan.services.iter().enumerate() {
        let field = format!("services[{i}]");
        if !slug(&service.id, '_') || !seen.insert(service.id.as_str()) {
            problems.push(format!("{field}.id: `{}` is not a unique id", service.id));
        }
        if service.name.trim().is_empty() {
            problems.push(format!("{field}.name: is empty"));
        }
        let quota = &service.quota;
        match (quota.unlimited, quota.count, quota.scope, &quota.group) {
            (true, None, None, None) => {}
            (false, Some(count), Some(_), None) if count > 0 => {}
            (false, None, None, Some(group)) => {
                if !groups.contains(group.as_str()) {
                    problems.push(format!(
                        "{field}.quota.group: `{group}` is not in quota_groups"
                    ));
                }
            }
            _ => problems.push(format!(
                "{field}.quota: give `unlimited = true`, or `count` (≥ 1) with `scope`, or `group`"
            )),
        }
        if let Some(list) = &service.coverage
            && !coverage_lists().contains(list)
        {
            problems.push(format!(
                "{field}.coverage: `{list}` is not a list in data/coverage.json"
            ));
        }
        if let Err(e) = service.acceptance.check() {
            problems.push(format!("{field}.acceptance: {e}"));
        }
        if service.hotline.trim().is_empty() {
            problems.push(format!("{field}.hotline: is empty"));
        }
        for form in &service.forms {
            if form.title.trim().is_empty()
                || form.file.trim().is_empty()
                || form.file.contains("..")
                || form.file.starts_with('/')
                || !form.file.ends_with(".pdf")
            {
                problems.push(format!(
                    "{field}.forms: a title and a `.pdf` file under the plans' directory"
                ));
            }
        }
        if service.explanation && !service.report {
            problems.push(format!(
                "{field}.explanation: explains a written report the service does not give"
            ));
        }
        if service.escorted && service.by_call {
            problems.push(format!(
                "{field}.escorted: a service by call has nobody to meet the insured"
            ));
        }
        if service.clauses.is_empty() || service.clauses.iter().any(|c| c.trim().is_empty()) {
            problems.push(format!("{field}.clauses: cite the seed clauses"));
        }
        for (name, p) in [
            ("sla", &service.sla),
            ("first_contact", &service.first_contact),
            ("start_decision", &service.start_decision),
        ] {
            if let Some(p) = p {
                promise(&mut problems, &format!("{field}.{name}"), p);
            }
        }
        if service.flow == Flow::ContactFirst && service.first_contact.is_none() {
            problems.push(format!(
                "{field}.flow: \"contact_first\" needs a first_contact promise"
            ));
        }
        for consumed in &service.no_slip_consumes {
            if !ids.contains(consumed.as_str()) {
                problems.push(format!(
                    "{field}.no_slip_consumes: `{consumed}` is not a service of this plan"
                ));
            }
        }
        if !service.no_slip_consumes.is_empty()
            && service.admission_slip != AdmissionSlip::OutpatientFirst
        {
            problems.push(format!(
                "{field}.no_slip_consumes: only for admission_slip = \"outpatient_first\""
            ));
        }
        for (state, rule) in [
            ("suspected", &service.materials.suspected),
            ("confirmed", &service.materials.confirmed),
        ] {
            if let Some(rule) = rule
                && rule.all_of.is_empty()
                && rule.any_of.is_empty()
            {
                problems.push(format!(
                    "{field}.materials.{state}: name all_of and/or any_of materials"
                ));
            }
        }
    }
    for (i, line) in plan.lines.iter().enumerate() {
        let field = format!("lines[{i}]");
        if line.kind == LineKind::Service {
            problems.push(format!(
                "{field}.kind: a service's own line is its `hotline`"
            ));
        }
        for (name, text) in [
            ("number", &line.number),
            ("hours", &line.hours),
            ("clause", &line.clause),
        ] {
            if text.trim().is_empty() {
                problems.push(format!("{field}.{name}: say it as the seed does"));
            }
        }
        for id in &line.services {
            if !ids.contains(id.as_str()) {
                problems.push(format!(
                    "{field}.services: `{id}` is not a service of this plan"
                ));
            }
        }
    }
    for (i, id) in plan.reports.per_case.iter().enumerate() {
        if plan.service(id).is_some_and(|s| !s.report) {
            problems.push(format!(
                "reports.per_case[{i}]: `{id}` does not end with a report (set `report = true`)"
            ));
        }
        if !ids.contains(id.as_str()) {
            problems.push(format!(
                "reports.per_case[{i}]: `{id}` is not a service of this plan"
            ));
        }
    }
    problems
}
