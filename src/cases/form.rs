//! The application form (`CreateCase`) and its checks that need no database: lengths, place,
//! named fields, dates, diagnosis, admission slip. Each refusal names the field and what to do.

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::apply_error::ApplyError;
use crate::calendar::local_date;
use crate::catalog::Catalog;
use crate::plans::{AdmissionSlip, DiagnosisState, Plan, Service};
use crate::state::AppState;
use crate::users::phone::PhoneNumber;

fn not_nameable(field: &'static str) -> ApplyError {
    ApplyError::FieldNotNameable { field }
}

pub fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// An application. Only what the service lets the user name may be named.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCase {
    /// A policy bound to the caller.
    pub policy_id: Uuid,
    /// A service id of the policy's plan (`GET /catalog/services`).
    #[schema(max_length = 64)]
    pub service: String,
    /// `suspected` or `confirmed`, where the service asks for a diagnosis.
    #[schema(example = "suspected")]
    pub diagnosis_state: Option<DiagnosisState>,
    /// An id from `GET /catalog/illnesses`.
    #[schema(max_length = 16)]
    pub illness_id: Option<String>,
    /// A code from `GET /catalog/cities` (division code, or ISO country code abroad).
    #[schema(max_length = 16)]
    pub city: Option<String>,
    /// An id from `GET /catalog/hospitals`, where the service lets the user name one.
    #[schema(max_length = 16)]
    pub hospital_id: Option<String>,
    /// A second hospital the insured would accept if the first cannot be booked, where the
    /// service asks for one (`alternate_hospital` in `GET /catalog/services`): an id from
    /// `GET /catalog/hospitals` in the same city.
    #[schema(max_length = 16)]
    pub alternate_hospital_id: Option<String>,
    /// An id from `GET /catalog/departments`.
    #[schema(max_length = 48)]
    pub department_id: Option<String>,
    /// The expert's name, where the service lets the user name one.
    #[schema(max_length = 32)]
    pub expert_name: Option<String>,
    /// The day the user wants the visit.
    pub wanted_date: Option<NaiveDate>,
    /// Whether the user holds an admission slip (住院单).
    #[serde(default)]
    pub admission_slip: bool,
    /// The slip's date.
    pub admission_slip_date: Option<NaiveDate>,
    /// The hospital that issued the slip (catalog id), where it is not `hospital_id`: a slip
    /// from another hospital than the one asked for puts plans 4 and 5 on their no-slip path
    /// (an outpatient visit at the hospital asked for first: seed 003 二3).
    #[schema(max_length = 16)]
    pub admission_slip_hospital_id: Option<String>,
    /// The department that issued the slip (catalog id).
    #[schema(max_length = 48)]
    pub admission_slip_department_id: Option<String>,
    /// Symptoms and wishes in the user's words (up to 500 characters).
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// The phone the specialist reaches the insured on for this case. Prefill it with the
    /// number bound through WeChat's phone button; left out, that number is used (or else the
    /// one on the policy), and the application is refused with `contact_phone_required` when
    /// there is none.
    #[schema(max_length = 15, example = "13800001234")]
    pub contact_phone: Option<String>,
    /// The country or region code of `contact_phone` (86 when left out).
    #[schema(max_length = 3, example = "86")]
    pub contact_country_code: Option<String>,
}

/// The text fields' lengths, before anything is read: the ids and codes as `field_too_long`,
/// the expert's name and the description by the form's own codes.
pub fn check_lengths(body: &CreateCase) -> Result<(), crate::platform::error::ApiError> {
    crate::http::check_lengths(&[
        ("service", Some(&body.service), 64),
        ("illness_id", body.illness_id.as_deref(), 16),
        ("city", body.city.as_deref(), 16),
        ("hospital_id", body.hospital_id.as_deref(), 16),
        (
            "alternate_hospital_id",
            body.alternate_hospital_id.as_deref(),
            16,
        ),
        ("department_id", body.department_id.as_deref(), 48),
        (
            "admission_slip_hospital_id",
            body.admission_slip_hospital_id.as_deref(),
            16,
        ),
        (
            "admission_slip_department_id",
            body.admission_slip_department_id.as_deref(),
            48,
        ),
        ("contact_phone", body.contact_phone.as_deref(), 15),
        (
            "contact_country_code",
            body.contact_country_code.as_deref(),
            3,
        ),
    ])?;
    if body
        .expert_name
        .as_deref()
        .is_some_and(|n| n.trim().chars().count() > 32)
    {
        return Err(ApplyError::ExpertNameTooLong.into());
    }
    if body
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(ApplyError::DescriptionTooLong.into());
    }
    Ok(())
}

/// The checks that need no database: place, named fields, dates, diagnosis, slip. Every problem
/// of the request is found (one per group of related fields), not only the first.
pub fn check_form(
    state: &AppState,
    plan: &Plan,
    service: &Service,
    body: &CreateCase,
    now: DateTime<Utc>,
) -> Result<(), ApplyError> {
    let today = local_date(now);
    let problems: Vec<ApplyError> = [
        place(service, body),
        department(service, body),
        expert(service, body),
        description(body),
        dates(state, service, body, now),
        diagnosis(plan, service, body),
        admission_slip(service, body, today),
        contact(body).map(|_| ()),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    ApplyError::all(problems)
}

/// Whether the application takes the plan's no-slip path (an outpatient visit first): without
/// a slip, or with one issued by another hospital than the one asked for (seed 003 二、注意事项8
/// 「开具入院通知单的医院非客户要求入院的医院」).
pub fn outpatient_first(service: &Service, body: &CreateCase) -> bool {
    let elsewhere = match (
        trimmed(&body.admission_slip_hospital_id),
        trimmed(&body.hospital_id),
    ) {
        (Some(issuer), Some(wanted)) => issuer != wanted,
        _ => false,
    };
    service.admission_slip == AdmissionSlip::OutpatientFirst && (!body.admission_slip || elsewhere)
}

/// The contact phone the form gives, if it gives one.
pub fn contact(body: &CreateCase) -> Result<Option<PhoneNumber>, ApplyError> {
    trimmed(&body.contact_phone)
        .map(|number| super::contact::parse(&number, body.contact_country_code.as_deref()))
        .transpose()
}

fn place(service: &Service, body: &CreateCase) -> Result<(), ApplyError> {
    let catalog = Catalog::get();
    let city = trimmed(&body.city);
    match (&service.coverage, &city) {
        (Some(_), None) => {
            return Err(ApplyError::CityRequired);
        }
        (Some(list), Some(code)) if catalog.place(list, code).is_none() => {
            return Err(ApplyError::CityNotCovered {
                coverage: list.clone(),
            });
        }
        // No coverage list: any city of the mainland (a six-digit division code).
        (None, Some(code)) if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(ApplyError::CityInvalid);
        }
        _ => {}
    }
    if let Some(hospital_id) = trimmed(&body.hospital_id) {
        if !service.nameable.hospital {
            return Err(not_nameable("hospital"));
        }
        let hospital = catalog
            .hospital(&hospital_id)
            .ok_or(ApplyError::UnknownHospital)?;
        if let Some(city) = &city
            && !Catalog::hospital_in_city(hospital, city)
        {
            return Err(ApplyError::HospitalNotInCity);
        }
    }
    if let Some(alternate_id) = trimmed(&body.alternate_hospital_id) {
        if !service.alternate_hospital {
            return Err(not_nameable("alternate_hospital"));
        }
        let alternate = catalog
            .hospital(&alternate_id)
            .ok_or(ApplyError::UnknownHospital)?;
        if let Some(city) = &city
            && !Catalog::hospital_in_city(alternate, city)
        {
            return Err(ApplyError::HospitalNotInCity);
        }
    }
    Ok(())
}

fn department(service: &Service, body: &CreateCase) -> Result<(), ApplyError> {
    let Some(department_id) = trimmed(&body.department_id) else {
        return Ok(());
    };
    if !service.nameable.department {
        return Err(not_nameable("department"));
    }
    let department = Catalog::get()
        .department(&department_id)
        .ok_or(ApplyError::UnknownDepartment)?;
    if department
        .excluded_by(&service.excluded_departments)
        .is_some()
    {
        return Err(ApplyError::DepartmentExcluded {
            department_id: department.id.clone(),
            reason: department
                .exclusion_reason()
                .unwrap_or("该科室不在服务范围内"),
        });
    }
    Ok(())
}

fn expert(service: &Service, body: &CreateCase) -> Result<(), ApplyError> {
    if let Some(expert) = trimmed(&body.expert_name) {
        if !service.nameable.expert {
            return Err(not_nameable("expert"));
        }
        if expert.chars().count() > 32 {
            return Err(ApplyError::ExpertNameTooLong);
        }
    }
    Ok(())
}

fn description(body: &CreateCase) -> Result<(), ApplyError> {
    if body
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(ApplyError::DescriptionTooLong);
    }
    Ok(())
}

fn dates(
    state: &AppState,
    service: &Service,
    body: &CreateCase,
    now: DateTime<Utc>,
) -> Result<(), ApplyError> {
    let today = local_date(now);
    if let Some(wanted) = body.wanted_date
        && wanted <= today
    {
        return Err(ApplyError::WantedDateInPast);
    }
    if let Some(days) = service.lead_time_working_days {
        let wanted = body.wanted_date.ok_or(ApplyError::WantedDateRequired)?;
        let calendar = state.calendar.get();
        if !crate::eligibility::sla::lead_time_ok(&calendar, now, wanted, days).value {
            let earliest = calendar.add_working_days_to_date(today, days).value + Days::new(1);
            return Err(ApplyError::LeadTimeTooShort {
                working_days: days,
                earliest,
            });
        }
    }
    Ok(())
}

fn diagnosis(plan: &Plan, service: &Service, body: &CreateCase) -> Result<(), ApplyError> {
    let catalog = Catalog::get();
    let states = plan.diagnosis_states_of(service);
    if !states.is_empty() {
        let diagnosis = body.diagnosis_state.ok_or(ApplyError::DiagnosisRequired)?;
        if !states.contains(&diagnosis) {
            return Err(ApplyError::DiagnosisStateNotAccepted);
        }
        let illness = trimmed(&body.illness_id).ok_or(ApplyError::IllnessRequired)?;
        if catalog.illness(&illness).is_none() {
            return Err(ApplyError::UnknownIllness);
        }
    } else if let Some(illness) = trimmed(&body.illness_id)
        && catalog.illness(&illness).is_none()
    {
        return Err(ApplyError::UnknownIllness);
    }
    Ok(())
}

fn admission_slip(
    service: &Service,
    body: &CreateCase,
    today: chrono::NaiveDate,
) -> Result<(), ApplyError> {
    if let Some(date) = body.admission_slip_date {
        if !body.admission_slip {
            return Err(ApplyError::AdmissionSlipDateWithoutSlip);
        }
        if date > today {
            return Err(ApplyError::AdmissionSlipDateInvalid);
        }
    }
    let issuer = (
        trimmed(&body.admission_slip_hospital_id),
        trimmed(&body.admission_slip_department_id),
    );
    if issuer != (None, None) && !body.admission_slip {
        return Err(ApplyError::AdmissionSlipIssuerWithoutSlip);
    }
    let catalog = Catalog::get();
    if let Some(hospital) = &issuer.0
        && catalog.hospital(hospital).is_none()
    {
        return Err(ApplyError::UnknownHospital);
    }
    if let Some(department) = &issuer.1
        && catalog.department(department).is_none()
    {
        return Err(ApplyError::UnknownDepartment);
    }
    match service.admission_slip {
        AdmissionSlip::Required if !body.admission_slip || body.admission_slip_date.is_none() => {
            Err(ApplyError::AdmissionSlipRequired)
        }
        AdmissionSlip::OutpatientFirst | AdmissionSlip::Later
            if body.admission_slip && body.admission_slip_date.is_none() =>
        {
            Err(ApplyError::AdmissionSlipDateRequired)
        }
        _ => Ok(()),
    }
}
