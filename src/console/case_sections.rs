//! What the case page's sections show, in the console's words: the application as the insured
//! made it, the photos grouped by category with their review state, the end reasons the
//! service uses (counted or not).

use strum::VariantArray;

use super::labels::end_label;
use super::pages::{Choice, Labelled, Photo, PhotoGroup, when};
use crate::attachments::materials::CATEGORIES;
use crate::attachments::store::documents::ReviewState;
use crate::cases::view::CaseView;
use crate::documents::view::DocumentView;
use crate::plans::{DiagnosisState, EndReason, NotCountedReason, Service, UsedReason};

pub(super) fn end_reasons(service: &Service) -> Vec<Choice> {
    let used = UsedReason::VARIANTS.iter().map(|r| EndReason::Used(*r));
    let never = NotCountedReason::VARIANTS
        .iter()
        .map(|r| EndReason::NotCounted(*r));
    used.chain(never)
        .filter(|reason| reason.applies(service))
        .map(|reason| Choice {
            value: reason.code().to_owned(),
            label: format!(
                "{}（{}）",
                end_label(reason),
                if reason.counted(service) {
                    "计为已使用"
                } else {
                    "不计次数"
                }
            ),
        })
        .collect()
}

pub(super) fn labelled(pairs: Vec<(&'static str, String)>) -> Vec<Labelled> {
    pairs
        .into_iter()
        .map(|(label, value)| Labelled { label, value })
        .collect()
}

pub(super) fn request(view: &CaseView) -> Vec<Labelled> {
    let named = |n: &Option<crate::cases::view::Named>| {
        n.as_ref()
            .map_or_else(|| "—".to_owned(), |n| n.name.clone())
    };
    let mut rows = vec![
        ("服务", view.service_name.clone()),
        ("就医城市", named(&view.city)),
        ("医院", named(&view.hospital)),
        ("备选医院", named(&view.alternate_hospital)),
        ("科室", named(&view.department)),
        (
            "指定专家",
            view.expert_name.clone().unwrap_or_else(|| "—".to_owned()),
        ),
        (
            "期望就诊日",
            view.wanted_date
                .map_or_else(|| "—".to_owned(), |d| d.to_string()),
        ),
        (
            "诊断情况",
            match view.diagnosis_state {
                Some(DiagnosisState::Suspected) => "疑似".to_owned(),
                Some(DiagnosisState::Confirmed) => "已确诊".to_owned(),
                None => "—".to_owned(),
            },
        ),
        ("疾病", named(&view.illness)),
        (
            "住院单",
            match (view.has_admission_slip, view.admission_slip_date) {
                (true, Some(date)) => format!("有（{date}）"),
                (true, None) => "有".to_owned(),
                (false, _) if view.outpatient_first => "无（先安排门诊）".to_owned(),
                (false, _) => "无".to_owned(),
            },
        ),
        (
            "病情描述",
            view.description.clone().unwrap_or_else(|| "—".to_owned()),
        ),
    ];
    if view.admission_slip_hospital.is_some() || view.admission_slip_department.is_some() {
        rows.push((
            "住院单开具医院科室",
            format!(
                "{} {}",
                named(&view.admission_slip_hospital),
                named(&view.admission_slip_department)
            ),
        ));
    }
    if let Some(day) = view.surgery_on {
        rows.push(("手术日期", day.to_string()));
    }
    if let Some(abroad) = &view.abroad {
        let day =
            |d: Option<chrono::NaiveDate>| d.map_or_else(|| "—".to_owned(), |d| d.to_string());
        rows.push((
            "海外医院",
            match (&abroad.country, &abroad.hospital) {
                (Some(country), Some(hospital)) => format!("{}：{hospital}", country.name),
                _ => "—".to_owned(),
            },
        ));
        rows.push(("出发日期", day(abroad.departed_on)));
        rows.push((
            "当地陪诊",
            format!(
                "已用 {}/{} 小时",
                abroad.escort_hours_used, abroad.escort_hours_included
            ),
        ));
        rows.push(("回国日期", day(abroad.returned_on)));
    }
    // Treatment abroad: the steps its promise waits for, once recorded.
    if let Some(day) = view.hospital_accepted_on {
        rows.push(("海外医院接收", day.to_string()));
    }
    if let Some(day) = view.visa_granted_on {
        rows.push(("医疗签证", day.to_string()));
    }
    labelled(rows)
}

pub(super) fn photos(documents: &[DocumentView]) -> Vec<PhotoGroup> {
    CATEGORIES
        .iter()
        .filter_map(|category| {
            let photos: Vec<Photo> = documents
                .iter()
                .filter(|d| d.category == category.code())
                .map(|d| Photo {
                    id: d.id.to_string(),
                    state: match d.review_state {
                        ReviewState::Accepted => "合格",
                        ReviewState::Rejected => "需重拍",
                        ReviewState::Pending => "待审核",
                    },
                    state_class: match d.review_state {
                        ReviewState::Accepted => "accepted",
                        ReviewState::Rejected => "rejected",
                        ReviewState::Pending => "pending",
                    },
                    message: d.review_message.clone(),
                    uploaded_at: when(Some(d.uploaded_at)),
                    record: (d.file_kind != "photo").then_some(d.file_kind_label),
                    facts: d.facts_lines.clone(),
                    size: size(d.bytes),
                })
                .collect();
            (!photos.is_empty()).then_some(PhotoGroup {
                label: category.label(),
                photos,
            })
        })
        .collect()
}

/// A file's size as people read it.
pub(super) fn size(bytes: i64) -> String {
    const MB: i64 = 1024 * 1024;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// Why a specialist may ask for a file again, as the review forms list them.
pub(super) fn retake_reasons() -> Vec<Choice> {
    use strum::VariantArray;
    crate::documents::view::Retake::VARIANTS
        .iter()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: super::labels::retake_label(*r).to_owned(),
        })
        .collect()
}
