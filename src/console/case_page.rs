//! The case page of the console, built from the same views and rules the JSON staff API uses:
//! `staff::cases::console_view` (what the role may see), `documents::read::list` (the audited
//! listing), `cases::actions::available` (what the role may do now).

use strum::VariantArray;

use super::case_sections::{end_reasons, labelled, photos, request};
use super::labels::{actor_label, event_label, refusal_label};
use super::pages::{
    ActionForm, CasePage, Choice, CourierRow, Event, ObjectionRow, ReportLink, due, when,
};
use super::session::ConsoleUser;
use crate::attachments::materials::CATEGORIES;
use crate::cases::actions::{ActionName, Milestone, Refusal, available};
use crate::cases::courier::CourierPurpose;
use crate::cases::files::Reader;
use crate::cases::service::plan_of;
use crate::cases::store::Case;
use crate::desk::cases::{ConsoleCase, console_view};
use crate::documents::error::DocumentError;
use crate::documents::read;
use crate::plans::OfferKind;

use crate::staff::access::may_read_records;
use crate::state::AppState;

/// How the console names an offer's options.
const OPTION_LABELS: [&str; 3] = ["方案一", "方案二", "方案三"];

/// The case page of `case` for `user`, with a notice, or an error and the id of the form it
/// belongs to (shown there).
pub async fn build(
    state: &AppState,
    user: &ConsoleUser,
    ip: Option<std::net::IpAddr>,
    case: &Case,
    notice: Option<String>,
    error: Option<(String, String)>,
) -> Result<CasePage, DocumentError> {
    let staff = &user.staff;
    let (plan, service) = plan_of(state, case)?;
    let now = state.clocks.business.now();
    // A closed case's promises are dates, no longer counting down.
    let open = crate::cases::service::status_of(case).is_open();
    let calendar = state.calendar.get();
    let deadline = |at| {
        if open {
            due(&calendar, at, now)
        } else {
            super::pages::due_closed(at)
        }
    };
    let view = console_view(state, staff, ip, case).await?;
    let mut page = CasePage {
        who: Some(super::who(state, user).await?),
        csrf: user.csrf.clone(),
        id: case.public_id.to_string(),
        number: crate::cases::store::number_of(case),
        version: case.version,
        status: "",
        overdue: false,
        first_contact_overdue: false,
        notice,
        error: error.as_ref().map(|(message, _)| message.clone()),
        error_at: error.map(|(_, at)| at).unwrap_or_default(),
        request: Vec::new(),
        policy: Vec::new(),
        awaiting: None,
        appointment: Vec::new(),
        full: false,
        can_review: false,
        groups: Vec::new(),
        missing: String::new(),
        purged: case.records_purged_at.map(|at| {
            format!(
                "本案的医疗资料和报告已于 {} 从存储中删除（已按保存期限删除，或用户撤回同意、注销账户后删除）",
                when(Some(at))
            )
        }),
        actions: Vec::new(),
        materials: CATEGORIES
            .iter()
            .map(|m| Choice {
                value: m.code().to_owned(),
                label: m.label().to_owned(),
            })
            .collect(),
        refusals: Refusal::VARIANTS
            .iter()
            .filter(|r| r.applies(&plan, &service))
            .map(|r| Choice {
                value: <&'static str>::from(*r).to_owned(),
                label: refusal_label(*r).to_owned(),
            })
            .collect(),
        end_reasons: end_reasons(&service),
        offer_kinds: [
            OfferKind::Expert,
            OfferKind::Hospital,
            OfferKind::Institution,
            OfferKind::Time,
        ]
        .into_iter()
        .filter_map(|kind| service.offer_rule(kind))
        .map(|rule| Choice {
            value: serde_json::to_value(rule.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            label: format!("{}（{}）", rule.kind.label(), rule.when),
        })
        .collect(),
        colleagues: Vec::new(),
        offer: Vec::new(),
        milestones: Milestone::of(&service)
            .into_iter()
            .map(|m| Choice {
                value: m.code().to_owned(),
                label: m.label().to_owned(),
            })
            .collect(),
        retake_reasons: super::case_sections::retake_reasons(),
        hospital_hint: String::new(),
        policy_chosen: String::new(),
        doctor_nameable: service.nameable.expert,
        by_call: service.by_call,
        escorted: service.escorted,
        abroad_countries: match (&service.abroad_escort_hours, &service.coverage) {
            (Some(_), Some(list)) => crate::catalog::Catalog::get()
                .places(list)
                .iter()
                .map(|p| Choice {
                    value: p.code.clone(),
                    label: p.name.clone(),
                })
                .collect(),
            _ => Vec::new(),
        },
        report_expected: service.report,
        bill_expected: service.bill,
        reports: Vec::new(),
        can_upload_report: false,
        objections: Vec::new(),
        can_answer: false,
        couriers: Vec::new(),
        can_courier: false,
        complaint_line: String::new(),
        timeline: Vec::new(),
    };
    if service.report {
        // Listed through the reports area (its access rule and its audit); a reader it refuses
        // (an insurer viewer where the plan keeps the report with the insured) sees none.
        let reader = Reader::Staff { staff, ip };
        if let Ok(list) = crate::reports::files::list(state, reader, case.public_id).await {
            page.reports = list
                .items
                .iter()
                .map(|r| ReportLink {
                    id: r.id.to_string(),
                    kind: r.kind_label,
                    name: r.file_name.clone(),
                    size_kib: (r.size_bytes + 1023) / 1024,
                    at: when(Some(r.uploaded_at)),
                })
                .collect();
        }
        page.can_upload_report = crate::staff::access::may_change(
            staff,
            case.assignee_id,
            crate::staff::access::Need::Owner,
        )
        .is_ok()
            && crate::cases::service::status_of(case).is_open();
    }
    match view {
        ConsoleCase::Insurer(view) => {
            page.status = view.status_text;
            page.overdue = view.overdue;
            page.policy = labelled(vec![
                ("保单号", view.policy_no.clone()),
                ("服务", view.service_name.clone()),
                ("申请时间", when(view.applied_at)),
                ("服务时限", deadline(view.sla_due_at)),
                ("结束时间", when(view.closed_at)),
            ]);
        }
        ConsoleCase::Staff(view) => {
            let case_view = &view.case;
            page.status = case_view.status_text;
            page.overdue = view.overdue;
            page.first_contact_overdue = view.first_contact_overdue;
            page.request = request(case_view);
            // The hospital (or institution) the insured chose in an offer is the one to book;
            // else the one the application named.
            let chosen = crate::cases::service::chosen_option(state, case).await?;
            page.hospital_hint = match &chosen {
                Some((OfferKind::Hospital | OfferKind::Institution, option)) => {
                    option.title.clone()
                }
                _ => case_view
                    .hospital
                    .as_ref()
                    .map(|h| h.name.clone())
                    .unwrap_or_default(),
            };
            if let Some((kind, option)) = &chosen {
                page.policy_chosen = format!("{}：{}", kind.label(), option.title);
            }
            page.policy = labelled(vec![
                ("保单号", view.policy_no.clone()),
                ("被保险人", view.insured_name.clone()),
                ("证件号", view.insured_id_number.clone()),
                (
                    "联系电话",
                    match (&view.insured_phone, view.insured_phone_in_full) {
                        (Some(phone), true) => phone.clone(),
                        (Some(phone), false) => format!("{phone}（仅负责专员及主管可见完整号码）"),
                        (None, _) => "—".to_owned(),
                    },
                ),
                (
                    "负责专员",
                    match &case_view.specialist {
                        Some(s) => match &s.work_phone {
                            Some(phone) => format!("{}（工作电话 {phone}）", s.name),
                            None => s.name.clone(),
                        },
                        None => "未认领".to_owned(),
                    },
                ),
                ("服务时限", deadline(case_view.due.sla_due_at)),
                (
                    "首次联系时限",
                    match view.first_contacted_at {
                        Some(at) => format!("已于 {} 联系", when(Some(at))),
                        None => deadline(case_view.due.first_contact_due_at),
                    },
                ),
                (
                    "启动决定时限",
                    deadline(case_view.due.start_decision_due_at),
                ),
                ("服务热线", case_view.hotline.clone()),
            ]);
            if let Some(a) = &case_view.appointment {
                let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
                page.appointment = labelled(vec![
                    ("就诊时间", when(a.at)),
                    ("医院", text(&a.hospital)),
                    ("科室", text(&a.department)),
                    ("医生职称", text(&a.expert_title)),
                    ("医生", text(&a.doctor)),
                    ("见面地点", text(&a.meeting_point)),
                    (
                        "见面时间",
                        a.meeting_at
                            .map_or_else(|| "—".to_owned(), |at| when(Some(at))),
                    ),
                    (
                        "陪同人员",
                        a.escort.as_ref().map_or_else(
                            || "—".to_owned(),
                            |e| match &e.phone {
                                Some(phone) => format!("{} {phone}", e.name),
                                None => e.name.clone(),
                            },
                        ),
                    ),
                ]);
            }
            if let Some(request) = &case_view.change_request {
                let words = match &request.note {
                    Some(note) => format!(
                        "{}（{note}），{}提出",
                        request.label,
                        when(Some(request.at))
                    ),
                    None => format!("{}，{}提出", request.label, when(Some(request.at))),
                };
                page.policy
                    .extend(labelled(vec![("用户的更改申请", words)]));
            }
            if let Some(at) = case_view.late_notice_at {
                page.policy.extend(labelled(vec![(
                    "迟到告知",
                    format!("用户已于{}告知将迟到", when(Some(at))),
                )]));
            }
            if let Some(offer) = &case_view.offer {
                let mut lines = vec![
                    ("方案类别", offer.kind_label.to_owned()),
                    ("答复期限", when(Some(offer.expires_at))),
                    ("用户不同意时", offer.decline_text.to_owned()),
                ];
                for (n, option) in offer.options.iter().enumerate() {
                    let mut text = option.title.clone();
                    if let Some(at) = option.at {
                        text.push_str(&format!("，{}", when(Some(at))));
                    }
                    if let Some(details) = &option.details {
                        text.push_str(&format!("（{details}）"));
                    }
                    lines.push((OPTION_LABELS[n.min(OPTION_LABELS.len() - 1)], text));
                }
                if let Some(note) = &offer.note {
                    lines.push(("给用户的说明", note.clone()));
                }
                page.offer = labelled(lines);
            }
            page.awaiting = case_view.awaiting.as_ref().map(|a| {
                let materials: Vec<&str> = a.materials.iter().map(|m| m.label).collect();
                match (materials.is_empty(), &a.message) {
                    (true, Some(message)) => message.clone(),
                    (false, Some(message)) => format!("{}（{message}）", materials.join("、")),
                    (false, None) => materials.join("、"),
                    (true, None) => "提交申请".to_owned(),
                }
            });
            page.timeline = case_view
                .timeline
                .iter()
                .rev()
                .map(|e| Event {
                    at: when(Some(e.at)),
                    text: format!("{}（{}）", event_label(&e.action), actor_label(&e.actor)),
                    note: e.note.clone(),
                })
                .collect();
            if may_read_records(staff).is_ok() {
                page.full = true;
                let reader = Reader::Staff { staff, ip };
                let list = read::list(state, reader, case.public_id).await?;
                page.groups = photos(&list.items);
                page.missing = list.missing_labels.join("、");
                page.can_review = crate::staff::access::may_change(
                    staff,
                    case.assignee_id,
                    crate::staff::access::Need::Owner,
                )
                .is_ok();
            }
            page.objections = case_view
                .objections
                .iter()
                .map(|o| ObjectionRow {
                    id: o.id.to_string(),
                    label: o.label,
                    text: o.text.clone(),
                    raised_at: when(Some(o.raised_at)),
                    answer: o.answer.clone(),
                    answered_at: when(o.answered_at),
                })
                .collect();
            let line = &case_view.complaint_line;
            page.complaint_line = format!("{} {}（{}）", line.label, line.number, line.hours);
            page.couriers = case_view
                .couriers
                .iter()
                .map(|c| CourierRow {
                    id: c.id.to_string(),
                    label: c.label,
                    ships: c.purpose == CourierPurpose::ReturnDocuments,
                    address: c.address.clone().unwrap_or_else(|| "—".to_owned()),
                    note: c.note.clone().unwrap_or_default(),
                    requested_at: when(Some(c.requested_at)),
                    answer: match (&c.carrier, &c.waybill, &c.instructions) {
                        (Some(carrier), Some(waybill), _) => {
                            Some(format!("已通过{carrier}寄出，运单号 {waybill}"))
                        }
                        (_, _, Some(text)) => Some(format!("寄送方式：{text}")),
                        _ => None,
                    },
                })
                .collect();
            let actions = available(staff, case, &service);
            if actions.contains(&ActionName::Reassign) {
                page.colleagues = crate::staff::store::colleagues(&state.db, case.insurer_id)
                    .await?
                    .into_iter()
                    // Not the one who holds it now.
                    .filter(|(id, _, _)| Some(*id) != case.assignee_id)
                    .map(|(_, login, name)| Choice {
                        value: login,
                        label: name,
                    })
                    .collect();
            }
            page.can_answer = actions.contains(&ActionName::AnswerObjection);
            page.can_courier = actions.contains(&ActionName::Courier);
            page.actions = actions
                .into_iter()
                // Answered beside each objection or request, not as a form of its own.
                .filter(|name| !matches!(name, ActionName::AnswerObjection | ActionName::Courier))
                .map(|name| ActionForm {
                    name: name.as_str(),
                    label: name.label(),
                })
                .collect();
        }
    }
    Ok(page)
}
