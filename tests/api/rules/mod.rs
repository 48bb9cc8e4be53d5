//! SERVICE_RULES.md as a table: one row (at least) per clause about eligibility, windows,
//! quotas, SLA due dates and acceptance hours, for all five plans, each citing its seed clause.
//! The rows run the shipped plan files through the same engine the API uses.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use green_channel::calendar::store::embedded_calendar;
use green_channel::eligibility::sla::{due, lead_time_ok};
use green_channel::eligibility::{PolicyFacts, Reason, Uses, evaluate_service};
use green_channel::plans::{Anchor, Plans};
use green_channel::policies::record::PolicyStatus;
use green_channel::policies::store::Relation;

use crate::registry::date;

mod plan_1;
mod plan_2;
mod plan_3;
mod plan_4;
mod plan_5;

const P1: &str = "yingshi-ci-green-channel";
const P2: &str = "starr-ci-care";
const P3: &str = "ci-green-channel-6096868";
const P4: &str = "haorensheng-ci-green-channel";
const P5: &str = "manulife-lexiang-ankang-2020";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an instant")
        .to_utc()
}

/// A policy in force from `effective`, as eligibility sees it.
#[derive(Clone, Copy)]
struct Policy {
    effective: &'static str,
    cooling_off_end: Option<&'static str>,
    status: PolicyStatus,
    sum_insured_ok: bool,
}

const fn in_force(effective: &'static str) -> Policy {
    Policy {
        effective,
        cooling_off_end: None,
        status: PolicyStatus::InForce,
        sum_insured_ok: true,
    }
}

enum Check {
    /// `expect`: `None` = available; `Some(reason)` = that reason is among the answer's.
    Eligibility {
        policy: Policy,
        relation: Relation,
        today: &'static str,
        /// (quota key, period start, uses taken)
        uses: &'static [(&'static str, &'static str, u32)],
        expect: Option<Reason>,
    },
    /// `promise`: "sla", "first_contact" or "start_decision".
    Due {
        promise: &'static str,
        anchors: &'static [(Anchor, &'static str)],
        expect: &'static str,
    },
    Opening {
        at: &'static str,
        expect: &'static str,
    },
    LeadTime {
        application: &'static str,
        wanted: &'static str,
        expect: bool,
    },
    /// A case ended early for `reason`: whether it counts as used.
    Ends { reason: &'static str, counted: bool },
    /// Whether the insured may name `field` (`hospital`, `department`, `expert`).
    Names { field: &'static str, allowed: bool },
    /// Cancelling an arranged visit at `now`: whether it counts as used.
    Cancel {
        now: &'static str,
        appointment: &'static str,
        counted: bool,
    },
    /// Whether the specialist may offer options of `kind` (`expert`, `hospital`,
    /// `institution`, `time`): `None` = not offered here; `Some(ends)` = offered, and whether
    /// declining ends the service uncounted.
    Offers {
        kind: &'static str,
        decline_ends: Option<bool>,
    },
    /// The insured is shown the line `number` of `kind` (`service`, `insurer`, `complaint`,
    /// `urgent`) for this service.
    Line {
        kind: &'static str,
        number: &'static str,
    },
    /// Whether a booking names who goes with the insured on the day (name, phone, meeting time).
    Escorted { escorted: bool },
    /// Whether an application refused for `reason` (an eligibility reason, or
    /// `city_not_covered`) is registered for the insurer's report.
    Registers { reason: &'static str },
    /// Treatment abroad: the local escort hours included (none: not treatment abroad) and
    /// whether the bills complete the case with the report.
    Abroad {
        escort_hours: Option<u32>,
        bill: bool,
    },
    /// The forms the plan hands the insured (how many), whether the filled forms belong to the
    /// complete materials, and whether the opinion is explained before the case completes.
    OpinionSteps {
        forms: usize,
        forms_required: bool,
        explanation: bool,
    },
    /// The insured may ask for documents by courier for `purpose` (`return_documents` needs an
    /// address, `send_originals` none).
    Courier {
        purpose: &'static str,
        address_required: bool,
    },
    /// Whether a specialist may refuse the service on the grounds `reason`.
    Refuses { reason: &'static str, applies: bool },
    /// Whether an application with a slip from `slip_hospital` (none: no slip) for `hospital`
    /// takes the plan's no-slip path (an outpatient visit first).
    NoSlipPath {
        slip_hospital: Option<&'static str>,
        hospital: &'static str,
        outpatient_first: bool,
    },
    /// Whether the service arranges a surgery whose date is recorded (and moved, uncounted).
    Surgery { arranged: bool },
    /// Whether a file of `kind` (`pdf`, `dicom`) is taken as material of `category`.
    RecordFile {
        kind: &'static str,
        category: &'static str,
        accepted: bool,
    },
    /// Whether the insured may raise an objection or complaint (`kind`) on a case in `status`.
    Objects {
        kind: &'static str,
        status: &'static str,
        allowed: bool,
    },
}

struct Row {
    clause: &'static str,
    plan: &'static str,
    service: &'static str,
    check: Check,
}

use Check::*;

/// Runs `rows` through the engine the API uses; panics listing every broken rule.
fn check(rows: &[Row]) {
    let plans = Plans::load_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/products")))
        .expect("the shipped plans");
    let calendar = embedded_calendar();
    let mut failures = Vec::new();
    for row in rows {
        let plan = plans.get(row.plan).expect("plan");
        let service = plan.service(row.service).expect("service");
        let outcome: Result<(), String> = match &row.check {
            Eligibility {
                policy,
                relation,
                today,
                uses,
                expect,
            } => {
                let facts = PolicyFacts {
                    effective_date: date(policy.effective),
                    expiry_date: None,
                    cooling_off_end: policy.cooling_off_end.map(date),
                    status: policy.status,
                    sum_insured_ok: policy.sum_insured_ok,
                };
                let uses: Uses = uses
                    .iter()
                    .map(|(key, start, n)| (((*key).to_owned(), date(start)), *n))
                    .collect();
                let got = evaluate_service(plan, service, &facts, *relation, date(today), &uses);
                match expect {
                    None if got.available => Ok(()),
                    Some(reason) if got.reasons.contains(reason) => Ok(()),
                    _ => Err(format!("expected {expect:?}, got {:?}", got.reasons)),
                }
            }
            Due {
                promise,
                anchors,
                expect,
            } => {
                let promise = match *promise {
                    "sla" => service.sla.as_ref(),
                    "first_contact" => service.first_contact.as_ref(),
                    _ => service.start_decision.as_ref(),
                }
                .expect("the plan makes this promise");
                let anchors: HashMap<_, _> = anchors.iter().map(|(a, t)| (*a, at(t))).collect();
                let got = due(&calendar, service, promise, &anchors);
                match (got, *expect) {
                    (None, "") => Ok(()),
                    (Some(got), expect)
                        if !expect.is_empty() && got.value == at(expect) && !got.provisional =>
                    {
                        Ok(())
                    }
                    (got, expect) => Err(format!("expected {expect:?}, got {got:?}")),
                }
            }
            Opening { at: when, expect } => {
                let got = calendar.next_opening(at(when), &service.acceptance);
                if got.value == at(expect) {
                    Ok(())
                } else {
                    Err(format!("expected {expect}, got {}", got.value))
                }
            }
            LeadTime {
                application,
                wanted,
                expect,
            } => {
                let days = service.lead_time_working_days.expect("a lead time");
                let got = lead_time_ok(&calendar, at(application), date(wanted), days);
                if got.value == *expect {
                    Ok(())
                } else {
                    Err(format!("expected {expect}, got {}", got.value))
                }
            }
            Ends { reason, counted } => {
                let reason: green_channel::plans::EndReason =
                    serde_json::from_value(serde_json::json!(reason)).expect("a reason");
                if reason.counted(service) == *counted {
                    Ok(())
                } else {
                    Err(format!("expected counted {counted}"))
                }
            }
            Names { field, allowed } => {
                let got = match *field {
                    "hospital" => service.nameable.hospital,
                    "department" => service.nameable.department,
                    _ => service.nameable.expert,
                };
                if got == *allowed {
                    Ok(())
                } else {
                    Err(format!("expected {field} nameable: {allowed}"))
                }
            }
            Offers { kind, decline_ends } => {
                let kind: green_channel::plans::OfferKind =
                    serde_json::from_value(serde_json::json!(kind)).expect("a kind");
                let got = service
                    .offer_rule(kind)
                    .map(|rule| rule.on_decline == green_channel::plans::OnDecline::EndsNotCounted);
                if got == *decline_ends {
                    Ok(())
                } else {
                    Err(format!("expected {decline_ends:?}, got {got:?}"))
                }
            }
            Line { kind, number } => {
                let lines = plan.lines_for(service);
                if lines.iter().any(|line| {
                    serde_json::to_value(line.kind).ok() == Some(serde_json::json!(kind))
                        && line.number == *number
                }) {
                    Ok(())
                } else {
                    Err(format!("no {kind} line {number} in {lines:?}"))
                }
            }
            Registers { reason } => {
                use green_channel::cases::apply_error::ApplyError;
                use green_channel::cases::intake::IntakeReason;
                let error = match IntakeReason::parse(reason) {
                    Some(IntakeReason::Eligibility(r)) => ApplyError::NotEntitled {
                        reasons: vec![r],
                        available_from: chrono::NaiveDate::MIN,
                    },
                    _ => ApplyError::CityNotCovered {
                        coverage: "escort_31".to_owned(),
                    },
                };
                match IntakeReason::of(&error) {
                    Some(got) if got.code() == *reason && !got.label().is_empty() => Ok(()),
                    got => Err(format!("expected {reason} registered, got {got:?}")),
                }
            }
            Abroad { escort_hours, bill } => {
                if service.abroad_escort_hours == *escort_hours && service.bill == *bill {
                    Ok(())
                } else {
                    Err(format!(
                        "expected {escort_hours:?} hours and bill {bill}, got {:?} and {}",
                        service.abroad_escort_hours, service.bill
                    ))
                }
            }
            OpinionSteps {
                forms,
                forms_required,
                explanation,
            } => {
                let required = [&service.materials.suspected, &service.materials.confirmed]
                    .into_iter()
                    .flatten()
                    .all(|rule| {
                        rule.all_of
                            .contains(&green_channel::plans::Material::SecondOpinionForms)
                    });
                let got = (service.forms.len(), required, service.explanation);
                if got == (*forms, *forms_required, *explanation) {
                    Ok(())
                } else {
                    Err(format!("got {got:?}"))
                }
            }
            Courier {
                purpose,
                address_required,
            } => {
                use green_channel::cases::courier::CourierPurpose;
                let purpose = CourierPurpose::parse(purpose).expect("a purpose");
                let needs = purpose == CourierPurpose::ReturnDocuments;
                if needs == *address_required && !purpose.label().is_ascii() {
                    Ok(())
                } else {
                    Err(format!("expected address required {address_required}"))
                }
            }
            Refuses { reason, applies } => {
                let reason: green_channel::cases::actions::Refusal =
                    serde_json::from_value(serde_json::json!(reason)).expect("a reason");
                if reason.applies(plan, service) == *applies {
                    Ok(())
                } else {
                    Err(format!("expected applies {applies}"))
                }
            }
            NoSlipPath {
                slip_hospital,
                hospital,
                outpatient_first,
            } => {
                let body: green_channel::cases::form::CreateCase =
                    serde_json::from_value(serde_json::json!({
                        "policy_id": "00000000-0000-0000-0000-000000000000",
                        "service": row.service,
                        "hospital_id": hospital,
                        "admission_slip": slip_hospital.is_some(),
                        "admission_slip_hospital_id": slip_hospital,
                    }))
                    .expect("a form");
                let got = green_channel::cases::form::outpatient_first(service, &body);
                if got == *outpatient_first {
                    Ok(())
                } else {
                    Err(format!("expected outpatient first {outpatient_first}"))
                }
            }
            RecordFile {
                kind,
                category,
                accepted,
            } => {
                let category: green_channel::plans::Material =
                    serde_json::from_value(serde_json::json!(category)).expect("a category");
                let listed = match *kind {
                    "pdf" => &plan.record_files.pdf,
                    _ => &plan.record_files.dicom,
                };
                if listed.contains(&category) == *accepted && !plan.record_files.clause.is_empty() {
                    Ok(())
                } else {
                    Err(format!("expected {kind} as {category:?}: {accepted}"))
                }
            }
            Surgery { arranged } => {
                if service.arranges_surgery() == *arranged {
                    Ok(())
                } else {
                    Err(format!("expected surgery arranged {arranged}"))
                }
            }
            Escorted { escorted } => {
                if service.escorted == *escorted {
                    Ok(())
                } else {
                    Err(format!("expected escorted {escorted}"))
                }
            }
            Objects {
                kind,
                status,
                allowed,
            } => {
                let kind: green_channel::cases::objections::ObjectionKind =
                    serde_json::from_value(serde_json::json!(kind)).expect("a kind");
                let status =
                    green_channel::cases::lifecycle::Status::parse(status).expect("a status");
                if kind.allowed(status) == *allowed {
                    Ok(())
                } else {
                    Err(format!("expected allowed {allowed}"))
                }
            }
            Cancel {
                now,
                appointment,
                counted,
            } => {
                let got = green_channel::cases::cancellation::outcome(
                    service.cancellation,
                    green_channel::cases::lifecycle::Status::Scheduled,
                    at(now),
                    Some(at(appointment)),
                    &calendar,
                );
                if got.allowed && got.counted == *counted {
                    Ok(())
                } else {
                    Err(format!("expected counted {counted}, got {got:?}"))
                }
            }
        };
        if let Err(problem) = outcome {
            failures.push(format!(
                "{} [{} / {}]: {problem}",
                row.clause, row.plan, row.service
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rules broken:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn plan_1_rules_hold_as_written() {
    check(&plan_1::rows());
}

#[test]
fn plan_2_rules_hold_as_written() {
    check(&plan_2::rows());
}

#[test]
fn plan_3_rules_hold_as_written() {
    check(&plan_3::rows());
}

#[test]
fn plan_4_rules_hold_as_written() {
    check(&plan_4::rows());
}

#[test]
fn plan_5_rules_hold_as_written() {
    check(&plan_5::rows());
}

#[test]
fn every_plan_has_its_rows_and_only_its_own() {
    for (plan, rows) in [
        (P1, plan_1::rows()),
        (P2, plan_2::rows()),
        (P3, plan_3::rows()),
        (P4, plan_4::rows()),
        (P5, plan_5::rows()),
    ] {
        assert!(rows.len() >= 5, "{plan} has few rows");
        assert!(
            rows.iter().all(|r| r.plan == plan),
            "{plan}'s table holds another plan's row"
        );
    }
}
