//! The checks of an application that need no database: place, named fields, dates, diagnosis,
//! admission slip. Each refusal names the field and what to do.

use chrono::{DateTime, Days, Utc};
use serde_json::json;

use super::create::CreateCase;
use crate::calendar::local_date;
use crate::catalog::Catalog;
use crate::error::{ApiError, Kind};
use crate::plans::{AdmissionSlip, Plan, Service};
use crate::state::AppState;

fn invalid(code: &'static str, message: &'static str) -> ApiError {
    ApiError::new(Kind::Unprocessable, code, message)
}

fn not_nameable(field: &'static str) -> ApiError {
    invalid("field_not_nameable", "该服务不支持指定此项，请删除后重试")
        .with_details(json!({ "field": field }))
}

pub fn trimmed(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The checks that need no database: place, named fields, dates, diagnosis, slip.
pub fn check_form(
    state: &AppState,
    plan: &Plan,
    service: &Service,
    body: &CreateCase,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    let catalog = Catalog::get();
    let today = local_date(now);
    let city = trimmed(&body.city);
    match (&service.coverage, &city) {
        (Some(_), None) => {
            return Err(invalid("city_required", "请选择就医城市"));
        }
        (Some(list), Some(code)) if catalog.place(list, code).is_none() => {
            return Err(invalid(
                "city_not_covered",
                "所选城市不在该服务的覆盖范围内，请从可选城市中选择",
            )
            .with_details(json!({ "coverage": list })));
        }
        // No coverage list: any city of the mainland (a six-digit division code).
        (None, Some(code)) if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(invalid("city_invalid", "城市代码无效，请重新选择城市"));
        }
        _ => {}
    }
    if let Some(hospital_id) = trimmed(&body.hospital_id) {
        if !service.nameable.hospital {
            return Err(not_nameable("hospital"));
        }
        let hospital = catalog
            .hospital(&hospital_id)
            .ok_or_else(|| invalid("unknown_hospital", "未找到所选医院，请重新选择"))?;
        if let Some(city) = &city
            && !Catalog::hospital_in_city(hospital, city)
        {
            return Err(invalid(
                "hospital_not_in_city",
                "所选医院不在所选城市，请重新选择医院或城市",
            ));
        }
    }
    if let Some(department_id) = trimmed(&body.department_id) {
        if !service.nameable.department {
            return Err(not_nameable("department"));
        }
        let department = catalog
            .department(&department_id)
            .ok_or_else(|| invalid("unknown_department", "未找到所选科室，请重新选择"))?;
        if department
            .excluded_by(&service.excluded_departments)
            .is_some()
        {
            return Err(ApiError::new(
                Kind::Unprocessable,
                "department_excluded",
                department
                    .exclusion_reason()
                    .unwrap_or("该科室不在服务范围内"),
            )
            .with_details(json!({ "department_id": department.id })));
        }
    }
    if let Some(expert) = trimmed(&body.expert_name) {
        if !service.nameable.expert {
            return Err(not_nameable("expert"));
        }
        if expert.chars().count() > 32 {
            return Err(invalid(
                "expert_name_too_long",
                "专家姓名过长（最多32个字）",
            ));
        }
    }
    if body
        .description
        .as_deref()
        .is_some_and(|d| d.chars().count() > 500)
    {
        return Err(invalid("description_too_long", "病情描述最多500字"));
    }
    if let Some(wanted) = body.wanted_date
        && wanted <= today
    {
        return Err(invalid("wanted_date_in_past", "期望就诊日期须晚于今天"));
    }
    if let Some(days) = service.lead_time_working_days {
        let wanted = body.wanted_date.ok_or_else(|| {
            invalid(
                "wanted_date_required",
                "该服务需提前预约，请填写期望就诊日期",
            )
        })?;
        let calendar = state.calendar.get();
        if !crate::eligibility::sla::lead_time_ok(&calendar, now, wanted, days).value {
            let earliest = calendar.add_working_days_to_date(today, days).value + Days::new(1);
            return Err(ApiError::new(
                Kind::Unprocessable,
                "lead_time_too_short",
                format!("该服务需至少提前{days}个工作日预约，最早可约 {earliest}"),
            )
            .with_details(json!({ "working_days": days, "earliest": earliest })));
        }
    }
    let states = plan.diagnosis_states_of(service);
    if !states.is_empty() {
        let diagnosis = body
            .diagnosis_state
            .ok_or_else(|| invalid("diagnosis_required", "请选择诊断情况：疑似或已确诊"))?;
        if !states.contains(&diagnosis) {
            return Err(invalid(
                "diagnosis_state_not_accepted",
                "该服务不接受此诊断情况（例如仅限已确诊）",
            ));
        }
        let illness = trimmed(&body.illness_id)
            .ok_or_else(|| invalid("illness_required", "请选择疑似或确诊的重大疾病"))?;
        if catalog.illness(&illness).is_none() {
            return Err(invalid("unknown_illness", "未找到所选疾病，请重新选择"));
        }
    } else if let Some(illness) = trimmed(&body.illness_id)
        && catalog.illness(&illness).is_none()
    {
        return Err(invalid("unknown_illness", "未找到所选疾病，请重新选择"));
    }
    if let Some(date) = body.admission_slip_date {
        if !body.admission_slip {
            return Err(invalid(
                "admission_slip_date_without_slip",
                "填写了住院单日期，请同时确认持有住院单",
            ));
        }
        if date > today {
            return Err(invalid(
                "admission_slip_date_invalid",
                "住院单日期不能晚于今天",
            ));
        }
    }
    match service.admission_slip {
        AdmissionSlip::Required if !body.admission_slip || body.admission_slip_date.is_none() => {
            Err(invalid(
                "admission_slip_required",
                "该服务需提供申请医院科室开具的住院单及其日期",
            ))
        }
        AdmissionSlip::OutpatientFirst
            if body.admission_slip && body.admission_slip_date.is_none() =>
        {
            Err(invalid(
                "admission_slip_date_required",
                "请填写住院单开具日期",
            ))
        }
        _ => Ok(()),
    }
}
