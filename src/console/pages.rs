//! The console's pages as askama templates (`templates/console/`), and the view models they
//! render: plain strings in Chinese and Shanghai time, built from the same domain views the JSON
//! staff API answers with.

use askama::Template;
use chrono::{DateTime, Utc};

use crate::calendar::{Calendar, local_date};
use crate::cases::actions::ActionName;
use crate::desk::queue::QueueItem;
use crate::staff::Role;

/// Who is signed in, for the page header (and the logout form's CSRF token).
#[derive(Debug, Clone)]
pub struct Who {
    pub login: String,
    /// The name the account gives (shown before the login, which identifies the account).
    pub name: Option<String>,
    pub role_text: &'static str,
    pub insurer: Option<String>,
    pub csrf: String,
    /// Shows the administration link.
    pub admin: bool,
    /// Shows the weekly reports' link (everyone but specialists).
    pub reports: bool,
    /// Shows the objections' link (supervisors and admins, who answer them).
    pub objections: bool,
}

pub fn role_text(role: Role) -> &'static str {
    match role {
        Role::Specialist => "医疗服务专员",
        Role::Supervisor => "主管",
        Role::InsurerViewer => "保险公司查看",
        Role::Admin => "管理员",
    }
}

/// `11月30日 14:30` in Shanghai; `—` for none.
pub fn when(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(
        || "—".to_owned(),
        |at| {
            at.with_timezone(&chrono_tz::Asia::Shanghai)
                .format("%m月%d日 %H:%M")
                .to_string()
        },
    )
}

/// A due time with what is left of it in working days (`12月2日 23:59（还剩 2 个工作日）`).
pub fn due(calendar: &Calendar, at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    let Some(at) = at else {
        return "—".to_owned();
    };
    if at < now {
        return format!("{}（已超时）", when(Some(at)));
    }
    // Within a day (a 30-minute call-back, a 2-hour first contact): the time itself counts.
    let minutes = (at - now).num_minutes();
    if minutes < 24 * 60 {
        let left = match (minutes / 60, minutes % 60) {
            (0, m) => format!("{m} 分钟"),
            (h, 0) => format!("{h} 小时"),
            (h, m) => format!("{h} 小时 {m} 分钟"),
        };
        return format!("{}（还剩 {left}）", when(Some(at)));
    }
    let left = calendar
        .working_days_between(local_date(now), local_date(at))
        .value;
    format!("{}（还剩 {left} 个工作日）", when(Some(at)))
}

/// A promise of a case that has ended: its time, no longer counting down.
pub fn due_closed(at: Option<DateTime<Utc>>) -> String {
    at.map_or_else(|| "—".to_owned(), |at| when(Some(at)))
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Labelled {
    pub label: &'static str,
    pub value: String,
}

/// `/`: where people land without a path — the console and the API documents.
#[derive(Template, Debug)]
#[template(path = "console/home.html")]
pub struct HomePage {
    pub who: Option<Who>,
}

#[derive(Template, Debug)]
#[template(path = "console/login.html")]
pub struct LoginPage {
    pub who: Option<Who>,
    pub login: String,
    pub error: Option<String>,
}

#[derive(Template, Debug)]
#[template(path = "console/error.html")]
pub struct ErrorPage {
    pub who: Option<Who>,
    pub title: &'static str,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Tab {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub number: String,
    /// The insured's masked name.
    pub insured: String,
    pub service: String,
    pub plan: String,
    pub status: &'static str,
    /// Who or what the case waits for, in words.
    pub waiting_for: &'static str,
    pub assignee: String,
    pub applied_at: String,
    pub sla_due_at: String,
    pub first_contact_due_at: String,
    pub overdue: bool,
    pub first_contact_overdue: bool,
    pub start_decision_overdue: bool,
    /// An offer waits for the insured's answer.
    pub waiting_on_insured: bool,
    /// The insured asked for a change of the visit.
    pub change_requested: bool,
}

impl Row {
    pub fn of(item: &QueueItem, calendar: &Calendar, now: DateTime<Utc>) -> Self {
        Self {
            id: item.id.to_string(),
            number: item.number.clone(),
            insured: item.insured_name.clone(),
            service: item.service_name.clone(),
            plan: item.plan_name.clone(),
            status: item.status_text,
            waiting_for: item.waiting_for,
            assignee: item
                .assignee_name
                .clone()
                .unwrap_or_else(|| "未认领".to_owned()),
            applied_at: when(item.applied_at),
            sla_due_at: due(calendar, item.sla_due_at, now),
            first_contact_due_at: due(calendar, item.first_contact_due_at, now),
            overdue: item.overdue,
            first_contact_overdue: item.first_contact_overdue,
            start_decision_overdue: item.start_decision_overdue,
            waiting_on_insured: item.offer_open_until.is_some(),
            change_requested: item.change_requested_at.is_some(),
        }
    }
}

#[derive(Template, Debug)]
#[template(path = "console/queue.html")]
pub struct QueuePage {
    pub who: Option<Who>,
    pub tabs: Vec<Tab>,
    pub open_total: i64,
    /// Ended cases (completed, cancelled, no-show, rejected, terminated) and every case.
    pub closed_total: i64,
    pub all_total: i64,
    /// `closed`, `all` or empty (the open cases).
    pub phase: String,
    pub status: String,
    pub assigned: String,
    pub number: String,
    /// A policy number searched for (every case of that policy).
    pub policy_no: String,
    pub name: String,
    pub plan: String,
    pub service: String,
    pub overdue: bool,
    /// `insured`, `specialist` or empty (every case).
    pub waiting: String,
    pub plans: Vec<Choice>,
    pub services: Vec<Choice>,
    pub error: Option<String>,
    pub rows: Vec<Row>,
    pub total: u64,
    pub page: u32,
    pub pages: u32,
    /// The filters as a query string (without `page`), for paging and the refresh.
    pub query: String,
    /// The filters without `status`, for the status tabs.
    pub without_status: String,
    pub refresh_secs: u32,
}

/// The rows alone: what the queue's periodic refresh swaps in.
#[derive(Template, Debug)]
#[template(path = "console/queue_rows.html")]
pub struct QueueRows {
    pub rows: Vec<Row>,
    pub query: String,
    pub page: u32,
    pub refresh_secs: u32,
}

#[derive(Debug, Clone)]
pub struct Photo {
    pub id: String,
    pub state: &'static str,
    pub state_class: &'static str,
    pub message: Option<String>,
    pub uploaded_at: String,
    /// A PDF or DICOM file (no thumbnail: a tile with its facts): its kind's name.
    pub record: Option<&'static str>,
    /// What its parser read, as people read it.
    pub facts: Vec<String>,
    /// Its size, as people read it.
    pub size: String,
}

#[derive(Debug, Clone)]
pub struct PhotoGroup {
    pub label: &'static str,
    pub photos: Vec<Photo>,
}

#[derive(Debug, Clone)]
pub struct ActionForm {
    /// The action's name (`ActionName::as_str`): the form's path and the template's switch.
    pub name: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub at: String,
    pub text: String,
    pub note: Option<String>,
}

#[derive(Template, Debug)]
#[template(path = "console/case.html")]
pub struct CasePage {
    pub who: Option<Who>,
    pub csrf: String,
    pub id: String,
    pub number: String,
    pub version: i32,
    pub status: &'static str,
    pub overdue: bool,
    pub first_contact_overdue: bool,
    pub notice: Option<String>,
    pub error: Option<String>,
    /// The id of the form the error belongs to (`action-approve`, `photo-…`), where it is shown.
    pub error_at: String,
    pub request: Vec<Labelled>,
    pub policy: Vec<Labelled>,
    pub awaiting: Option<String>,
    pub appointment: Vec<Labelled>,
    /// A specialist's page (photos and actions); an insurer viewer's shows statuses and dates.
    pub full: bool,
    pub can_review: bool,
    pub groups: Vec<PhotoGroup>,
    pub missing: String,
    /// "已按保存期限删除（日期）" once the case's records were removed from storage.
    pub purged: Option<String>,
    pub actions: Vec<ActionForm>,
    pub materials: Vec<Choice>,
    pub refusals: Vec<Choice>,
    pub end_reasons: Vec<Choice>,
    /// The dated steps the service's promise waits for (hospital abroad, visa, slip).
    pub milestones: Vec<Choice>,
    /// The kinds of offer the service uses (label: the kind and when the seed uses it).
    pub offer_kinds: Vec<Choice>,
    /// Who the case may be handed to (value: the login; label: the name people read).
    pub colleagues: Vec<Choice>,
    /// The open offer, as the insured sees it (empty: none waits).
    pub offer: Vec<Labelled>,
    pub retake_reasons: Vec<Choice>,
    pub hospital_hint: String,
    /// What the insured chose in the latest offer (empty: nothing chosen).
    pub policy_chosen: String,
    /// The plan lets an expert be named: the schedule form asks for the doctor.
    pub doctor_nameable: bool,
    /// The service is by phone or video: the schedule form asks for the call time only.
    pub by_call: bool,
    /// Someone goes with the insured: the schedule form requires them and the meeting time.
    pub escorted: bool,
    /// Treatment abroad: the countries of the service's coverage, for the hospital step.
    pub abroad_countries: Vec<Choice>,
    /// The service ends with a written report: the reports panel is shown.
    pub report_expected: bool,
    /// The bills are delivered with the report (treatment abroad): the form asks which it is.
    pub bill_expected: bool,
    pub reports: Vec<ReportLink>,
    pub can_upload_report: bool,
    /// The insured's objections and complaints, oldest first.
    pub objections: Vec<ObjectionRow>,
    /// The reader may answer the open ones (supervisors and admins).
    pub can_answer: bool,
    /// The insured's courier requests, oldest first.
    pub couriers: Vec<CourierRow>,
    /// The reader may answer the open ones (the case's holder, supervisors, admins).
    pub can_courier: bool,
    /// The line the insured may call with an objection (`投诉及异议热线 400-… （7×24小时）`).
    pub complaint_line: String,
    pub timeline: Vec<Event>,
}

/// A courier request on its case's page.
#[derive(Debug)]
pub struct CourierRow {
    pub id: String,
    /// `寄回报告及证件`, `询问如何寄送原件`.
    pub label: &'static str,
    /// Sent back: the form asks for the carrier and waybill; else for directions.
    pub ships: bool,
    /// In full for the case's holder, masked for everyone else.
    pub address: String,
    pub note: String,
    pub requested_at: String,
    /// The answer, once given.
    pub answer: Option<String>,
}

/// An objection or complaint on its case's page.
#[derive(Debug)]
pub struct ObjectionRow {
    pub id: String,
    /// `对审核结果的异议`, `对服务质量的投诉`.
    pub label: &'static str,
    pub text: String,
    pub raised_at: String,
    pub answer: Option<String>,
    pub answered_at: String,
}

/// A case's written report on its page.
#[derive(Debug)]
pub struct ReportLink {
    pub id: String,
    /// `书面报告`, `医疗账单`.
    pub kind: &'static str,
    pub name: String,
    pub size_kib: i64,
    pub at: String,
}

#[derive(Template, Debug)]
#[template(path = "console/viewer.html")]
pub struct ViewerPage {
    pub who: Option<Who>,
    pub id: String,
    pub case_id: String,
    pub label: &'static str,
    /// The case's number, as people say it.
    pub case_number: String,
    /// A PDF or DICOM file: its kind's name, facts and size (a download, not an image).
    pub record: Option<&'static str>,
    pub facts: Vec<String>,
    pub size: String,
    /// Where it stands in review (合格, 需重拍, 待审核), with its class and words to the user.
    pub state: &'static str,
    pub state_class: &'static str,
    pub message: Option<String>,
    /// Which of the case's files this is (1-based) and how many there are.
    pub position: usize,
    pub total: usize,
    /// The holder may accept or reject it here.
    pub can_review: bool,
    pub csrf: String,
    pub retake_reasons: Vec<Choice>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// The Chinese name of what was just done (an action, or a report's upload), for the notice
/// after it.
pub fn done_label(name: &str) -> &'static str {
    match name {
        "report" => "上传书面报告",
        other => ActionName::parse(other).map_or("操作", ActionName::label),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("an instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn a_promise_within_the_day_counts_in_minutes_and_hours() {
        let calendar = crate::calendar::store::embedded_calendar();
        let now = shanghai("2026-12-01T10:00:00+08:00");
        let callback = due(&calendar, Some(shanghai("2026-12-01T10:30:00+08:00")), now);
        assert!(callback.ends_with("（还剩 30 分钟）"), "{callback}");
        let contact = due(&calendar, Some(shanghai("2026-12-01T12:15:00+08:00")), now);
        assert!(contact.ends_with("（还剩 2 小时 15 分钟）"), "{contact}");
        let sla = due(&calendar, Some(shanghai("2026-12-04T23:59:59+08:00")), now);
        assert!(sla.ends_with("个工作日）"), "{sla}");
        assert!(
            due(&calendar, Some(now - chrono::TimeDelta::minutes(1)), now).ends_with("（已超时）")
        );
        assert_eq!(due_closed(None), "—");
        assert!(!due_closed(Some(now)).contains('（'));
    }
}
