//! What the insured sees of a case.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::calendar::Calendar;
use crate::cases::cancellation::{CancelOutcome, outcome};
use crate::cases::courier::CourierView;
use crate::cases::lifecycle::Status;
use crate::cases::objections::ObjectionView;
use crate::cases::offers::OfferView;
use crate::cases::store::{Case, Event};
use crate::catalog::Catalog;
use crate::plans::{
    AdmissionSlip, DiagnosisState, Flow, LineKind, LineView, Material, NoticeView, Service,
};
use crate::staff::card::StaffCard;

mod parts;

use parts::change_request;
pub use parts::*;

/// What a case's view shows from beside its row: the open offer, the objections, the courier
/// requests.
#[derive(Debug, Clone, Default)]
pub struct Beside {
    pub notices: Vec<NoticeView>,
    pub offer: Option<OfferView>,
    pub objections: Vec<ObjectionView>,
    pub couriers: Vec<CourierView>,
}

pub fn status_text(status: Status) -> &'static str {
    match status {
        Status::Draft => "待提交（请上传资料后提交申请）",
        Status::Submitted => "已提交，等待审核",
        Status::InReview => "审核中",
        Status::NeedsMaterials => "需补充资料",
        Status::Approved => "审核通过，正在安排",
        Status::Rejected => "未通过审核",
        Status::Scheduled => "已安排",
        Status::InProgress => "服务进行中",
        Status::Completed => "服务已完成",
        Status::NoShow => "未按时就诊",
        Status::Cancelled => "已取消",
        Status::Terminated => "服务已终止",
        Status::Expired => "申请已过期（未在规定时间内提交）",
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    /// `GC2611-00042`: to quote on the phone (never an authorisation).
    #[schema(example = "GC2611-00042")]
    pub number: String,
    pub policy_id: Uuid,
    pub service_id: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    /// Send it back with a change: a stale one is refused with `case_modified`.
    pub version: i32,
    pub diagnosis_state: Option<DiagnosisState>,
    pub illness: Option<Named>,
    pub city: Option<Named>,
    pub hospital: Option<Named>,
    /// The hospital the insured would accept if the first cannot be booked.
    pub alternate_hospital: Option<Named>,
    pub department: Option<Named>,
    pub expert_name: Option<String>,
    pub wanted_date: Option<NaiveDate>,
    pub has_admission_slip: bool,
    pub admission_slip_date: Option<NaiveDate>,
    /// The hospital and department that issued the slip, where given.
    pub admission_slip_hospital: Option<Named>,
    pub admission_slip_department: Option<Named>,
    /// The surgery date agreed with the doctor (the hospital's latest, where it moved it).
    pub surgery_on: Option<NaiveDate>,
    /// Treatment abroad: the hospital, the departure, the escort hours, the return.
    pub abroad: Option<AbroadView>,
    /// The second opinion's explanation: arranged for then, given then (plan 5).
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub explanation_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub explained_at: Option<DateTime<Utc>>,
    /// The forms to fill in and upload as `second_opinion_forms`
    /// (`GET /cases/{id}/forms/{index}`).
    pub forms: Vec<FormView>,
    /// Without an admission slip an outpatient visit is arranged first.
    pub outpatient_first: bool,
    /// Treatment abroad: the day the hospital accepted the patient, as a specialist recorded it.
    pub hospital_accepted_on: Option<NaiveDate>,
    /// Treatment abroad: the day the medical visa was granted.
    pub visa_granted_on: Option<NaiveDate>,
    pub description: Option<String>,
    pub awaiting: Option<Awaiting>,
    pub appointment: Option<Appointment>,
    pub due: Due,
    /// Whether the user may cancel now and whether it would count as a use.
    pub cancellation: Option<CancelOutcome>,
    pub outcome: Option<Outcome>,
    pub hotline: String,
    /// Every line the insured may call about this service: its own, and the insurer's, the
    /// complaint and the urgent lines where the plan has them, with their hours.
    pub lines: Vec<LineView>,
    /// What the insured must know about this service (fees, claims, emergencies, lateness, what
    /// to bring …), in the plan's words.
    pub notices: Vec<NoticeView>,
    /// The phone the specialist reaches the insured on for this case, masked (`138****1234`).
    pub contact_phone: Option<String>,
    /// Who serves the insured, once a specialist has taken the case (seed 002 (一)1.2).
    pub specialist: Option<SpecialistView>,
    /// The options the specialist proposes, while they wait for the insured's answer
    /// (`POST /cases/{id}/offer`).
    pub offer: Option<OfferView>,
    /// The change the insured asked for, until the specialist answers it.
    pub change_request: Option<ChangeRequestView>,
    /// When the insured said they would be late for the booked visit.
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub late_notice_at: Option<DateTime<Utc>>,
    /// When the case's medical records and reports were removed from storage (their
    /// retention period over, or the consent withdrawn): the documents and reports lists are
    /// empty from then on, and the mini-program says "已按保存期限删除".
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub records_purged_at: Option<DateTime<Utc>>,
    /// The insured's objections and complaints with their answers, oldest first
    /// (`POST /cases/{id}/objections`).
    pub objections: Vec<ObjectionView>,
    /// Documents by courier: the insured's requests and their answers, oldest first (the
    /// address masked; `POST /cases/{id}/courier`).
    pub couriers: Vec<CourierView>,
    /// Where objections and complaints may also be made by phone: the plan's complaint line,
    /// else the insurer's, else the service's own (seed 002 (一)2.6).
    pub complaint_line: LineView,
    pub timeline: Vec<EventView>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseSummary {
    pub id: Uuid,
    #[schema(example = "GC2611-00042")]
    pub number: String,
    pub service_id: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub sla_due_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai_opt")]
    pub appointment_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "crate::platform::wire_time::shanghai")]
    pub updated_at: DateTime<Utc>,
}

/// The line objections go to by phone: the plan's complaint line, else the insurer's, else the
/// service's own (always the first of `lines`).
fn complaint_line(lines: &[LineView]) -> LineView {
    [LineKind::Complaint, LineKind::Insurer]
        .iter()
        .find_map(|kind| lines.iter().find(|l| l.kind == *kind))
        .or(lines.first())
        .cloned()
        .unwrap_or(LineView {
            kind: LineKind::Service,
            label: LineKind::Service.label(),
            number: String::new(),
            hours: String::new(),
        })
}

pub fn place_name(service: &Service, code: &str) -> Named {
    let catalog = Catalog::get();
    let name = service
        .coverage
        .as_deref()
        .and_then(|list| catalog.place(list, code))
        .map_or_else(|| code.to_owned(), |p| p.name.clone());
    Named {
        id: code.to_owned(),
        name,
    }
}

pub fn materials(json: Option<&str>) -> Vec<MaterialView> {
    json.and_then(|j| serde_json::from_str::<Vec<Material>>(j).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|m| MaterialView {
            code: m,
            label: m.label(),
        })
        .collect()
}

pub fn summary(case: &Case, status: Status, service_name: &str) -> CaseSummary {
    CaseSummary {
        id: case.public_id,
        number: crate::cases::store::number_of(case),
        service_id: case.service_id.clone(),
        service_name: service_name.to_owned(),
        status,
        status_text: status_text(status),
        sla_due_at: case.sla_due_at,
        appointment_at: case.appointment_at,
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}

pub fn events(events: &[Event]) -> Vec<EventView> {
    events
        .iter()
        .map(|e| EventView {
            from: e.from_status.map(Status::from),
            to: Status::from(e.to_status),
            action: e.action.clone(),
            actor: e.actor_kind.clone(),
            reason_code: e.reason_code.clone(),
            note: e.note.clone(),
            at: e.at,
        })
        .collect()
}

#[allow(clippy::too_many_arguments)] // the case and everything its view is computed from
pub fn detail(
    case: &Case,
    status: Status,
    policy_public_id: Uuid,
    service: &Service,
    calendar: &Calendar,
    now: DateTime<Utc>,
    timeline: &[Event],
    assignee: Option<&StaffCard>,
    lines: Vec<LineView>,
    beside: Beside,
) -> CaseView {
    let Beside {
        notices,
        offer,
        objections,
        couriers,
    } = beside;
    let catalog = Catalog::get();
    let awaiting = match status {
        Status::Draft => Some(Awaiting {
            action: "submit",
            materials: Vec::new(),
            message: Some("请上传资料并提交申请".to_owned()),
            deadline: case.draft_expires_at,
        }),
        Status::NeedsMaterials => Some(Awaiting {
            action: "materials",
            materials: materials(case.awaited_materials.as_deref()),
            // The guided upload before a specialist has asked for anything in particular.
            message: case.awaited_message.clone().or_else(|| {
                (service.flow == Flow::ContactFirst).then(|| {
                    "医疗服务专员将与您联系，请在专员指导下上传就医资料后提交审核".to_owned()
                })
            }),
            deadline: None,
        }),
        // Applied for before the admission slip existed: the stay waits for it.
        Status::Submitted | Status::InReview | Status::Approved
            if service.admission_slip == AdmissionSlip::Later
                && case.admission_slip_date.is_none() =>
        {
            Some(Awaiting {
                action: "admission_slip",
                materials: vec![MaterialView {
                    code: Material::AdmissionSlip,
                    label: Material::AdmissionSlip.label(),
                }],
                message: Some("住院单开具后请上传，专员确认住院单日期后为您安排住院".to_owned()),
                deadline: None,
            })
        }
        _ => None,
    };
    // Options to choose from come first: the specialist waits for the answer.
    let awaiting = match &offer {
        Some(offer) => Some(Awaiting {
            action: "offer",
            materials: Vec::new(),
            message: Some(format!(
                "医疗服务专员为您提供了可选的{}，请选择一个或告知不同意",
                offer.kind_label
            )),
            deadline: Some(offer.expires_at),
        }),
        None => awaiting,
    };
    let appointment =
        (case.appointment_at.is_some() || case.appointment_hospital.is_some()).then(|| {
            Appointment {
                at: case.appointment_at,
                hospital: case.appointment_hospital.clone(),
                department: case.appointment_department.clone(),
                expert_title: case.appointment_expert_title.clone(),
                meeting_point: case.meeting_point.clone(),
                meeting_at: case.meeting_at,
                escort: case.escort_name.clone().map(|name| EscortView {
                    name,
                    phone: case.escort_phone.clone(),
                }),
                doctor: case.appointment_doctor.clone(),
            }
        });
    CaseView {
        id: case.public_id,
        number: crate::cases::store::number_of(case),
        policy_id: policy_public_id,
        service_id: case.service_id.clone(),
        service_name: service.name.clone(),
        status,
        status_text: status_text(status),
        version: case.version,
        diagnosis_state: case.diagnosis_state.map(Into::into),
        illness: case.illness_id.as_deref().map(|id| Named {
            id: id.to_owned(),
            name: catalog
                .illness(id)
                .map_or_else(String::new, |i| i.name.clone()),
        }),
        city: case.city_code.as_deref().map(|c| place_name(service, c)),
        hospital: case.hospital_id.as_deref().map(|id| Named {
            id: id.to_owned(),
            name: catalog
                .hospital(id)
                .map_or_else(String::new, |h| h.name.clone()),
        }),
        alternate_hospital: case.alternate_hospital_id.as_deref().map(|id| Named {
            id: id.to_owned(),
            name: catalog
                .hospital(id)
                .map_or_else(String::new, |h| h.name.clone()),
        }),
        department: case.department_id.as_deref().map(|id| Named {
            id: id.to_owned(),
            name: catalog
                .department(id)
                .map_or_else(String::new, |d| d.name.clone()),
        }),
        expert_name: case.expert_name.clone(),
        wanted_date: case.wanted_date,
        has_admission_slip: case.has_admission_slip,
        admission_slip_date: case.admission_slip_date,
        admission_slip_hospital: case.slip_hospital_id.as_deref().map(|id| Named {
            id: id.to_owned(),
            name: catalog
                .hospital(id)
                .map_or_else(String::new, |h| h.name.clone()),
        }),
        admission_slip_department: case.slip_department_id.as_deref().map(|id| Named {
            id: id.to_owned(),
            name: catalog
                .department(id)
                .map_or_else(String::new, |d| d.name.clone()),
        }),
        surgery_on: case.surgery_on,
        explanation_at: case.explanation_at,
        explained_at: case.explained_at,
        forms: service
            .forms
            .iter()
            .enumerate()
            .map(|(index, form)| FormView {
                index,
                title: form.title.clone(),
            })
            .collect(),
        abroad: service.abroad_escort_hours.map(|included| AbroadView {
            country: case
                .abroad_country
                .as_deref()
                .map(|c| place_name(service, c)),
            hospital: case.abroad_hospital.clone(),
            departed_on: case.departed_on,
            escort_hours_used: case
                .escort_hours_used
                .and_then(|h| u32::try_from(h).ok())
                .unwrap_or(0),
            escort_hours_included: included,
            returned_on: case.returned_on,
        }),
        hospital_accepted_on: case.hospital_accepted_on,
        visa_granted_on: case.visa_granted_on,
        outpatient_first: case.outpatient_first,
        description: case.description.clone(),
        awaiting,
        appointment,
        due: Due {
            sla_due_at: case.sla_due_at,
            first_contact_due_at: case.first_contact_due_at,
            start_decision_due_at: case.start_decision_due_at,
            provisional: case.sla_provisional,
        },
        cancellation: (!status.is_terminal()).then(|| {
            outcome(
                service.cancellation,
                status,
                now,
                case.appointment_at,
                calendar,
            )
        }),
        outcome: status.is_terminal().then(|| Outcome {
            code: case.outcome_code.clone(),
            counted: case.counted,
        }),
        hotline: service.hotline.clone(),
        complaint_line: complaint_line(&lines),
        lines,
        notices,
        contact_phone: case.contact_phone_masked.clone(),
        specialist: assignee.map(SpecialistView::of),
        offer,
        change_request: change_request(case),
        late_notice_at: case.late_notice_at,
        records_purged_at: case.records_purged_at,
        objections,
        couriers,
        timeline: events(timeline),
        created_at: case.created_at,
        updated_at: case.updated_at,
    }
}
