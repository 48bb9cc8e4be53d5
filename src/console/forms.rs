//! The console's forms as domain values: an action form becomes the same `Command` the JSON
//! staff API builds; a review form the same decision. Bad input is named in Chinese.

use chrono::{DateTime, NaiveDateTime, Utc};
use strum::VariantArray;

use crate::calendar::local_instant;
use crate::cases::actions::{Action, ActionName, Appointment, Command, Milestone, Refusal};
use crate::cases::offers::OfferOption;
use crate::documents::review::Decision;
use crate::documents::view::Retake;
use crate::plans::{EndReason, Material, OfferKind};

/// A form body as its fields, in order (a field may repeat: `categories`).
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Self(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`, trimmed; None when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }
}

/// What is wrong with a form, in words for the specialist. (HTML pages only: these codes are
/// not part of the JSON API's contract.)
#[derive(
    Debug, Clone, PartialEq, Eq, thiserror::Error, strum::IntoStaticStr, strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum FormError {
    /// The CSRF token is missing or not the session's.
    #[error("页面已过期，请刷新后重试")]
    CsrfInvalid,
    #[error("页面已过期，请刷新后重试")]
    Stale,
    #[error("请选择有效的操作")]
    UnknownAction,
    #[error("请选择有效的就诊时间")]
    BadTime,
    #[error("请选择有效的理由")]
    BadReason,
    #[error("请选择有效的资料类别")]
    BadCategory,
    #[error("请选择审核结果")]
    BadDecision,
    #[error("请选择要记录的进展")]
    BadMilestone,
    #[error("请选择有效的日期")]
    BadDate,
    #[error("请选择方案类别")]
    BadOfferKind,
    #[error("请选择要答复的异议或投诉")]
    BadObjection,
    #[error("请选择要记录的海外就医进展")]
    BadAbroadStep,
    #[error("请选择要处理的快递申请")]
    BadCourier,
    #[error("不予受理和终止服务不可撤销，请勾选确认后再提交")]
    ConfirmRequired,
}

impl crate::platform::error::AreaError for FormError {
    fn kind(&self) -> crate::platform::error::Kind {
        match self {
            Self::CsrfInvalid => crate::platform::error::Kind::Forbidden,
            _ => crate::platform::error::Kind::Unprocessable,
        }
    }

    fn code(&self) -> &'static str {
        self.into()
    }

    fn codes() -> Vec<&'static str> {
        crate::platform::error::variant_codes(<Self as strum::VariantNames>::VARIANTS, &[])
    }
}

fn refusal(text: &str) -> Option<Refusal> {
    Refusal::VARIANTS
        .iter()
        .copied()
        .find(|r| <&'static str>::from(*r) == text)
}

/// A `datetime-local` field: Shanghai wall time without a zone.
fn shanghai_time(text: &str) -> Option<DateTime<Utc>> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    Some(local_instant(local.date(), local.time()).with_timezone(&Utc))
}

/// The command an action form asks for.
pub fn command(action: &str, fields: &Fields) -> Result<Command, FormError> {
    let version: i32 = fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or(FormError::Stale)?;
    let note = fields.get("note").map(str::to_owned);
    let text = |name: &str| fields.get(name).unwrap_or_default().to_owned();
    let name = ActionName::parse(action).ok_or(FormError::UnknownAction)?;
    // Ending a case cannot be undone: the form asks for a tick first.
    if matches!(name, ActionName::Reject | ActionName::Terminate)
        && fields.get("confirm") != Some("yes")
    {
        return Err(FormError::ConfirmRequired);
    }
    let action = match name {
        ActionName::Claim => Action::Claim,
        ActionName::Contact => Action::Contact,
        ActionName::Approve => Action::Approve,
        ActionName::Start => Action::Start,
        ActionName::Complete => Action::Complete,
        ActionName::NoShow => Action::NoShow,
        ActionName::Cancel => Action::Cancel,
        ActionName::RequestMaterials => Action::RequestMaterials {
            categories: fields
                .all("categories")
                .into_iter()
                .map(|c| c.parse::<Material>().map_err(|_| FormError::BadCategory))
                .collect::<Result<_, _>>()?,
            message: text("message"),
        },
        ActionName::Reject => Action::Reject {
            reason: fields
                .get("reason")
                .and_then(refusal)
                .ok_or(FormError::BadReason)?,
        },
        ActionName::Terminate => Action::Terminate {
            reason: fields
                .get("reason")
                .and_then(|r| serde_json::from_value::<EndReason>(r.into()).ok())
                .ok_or(FormError::BadReason)?,
        },
        ActionName::Schedule => {
            let at = fields
                .get("at")
                .and_then(shanghai_time)
                .ok_or(FormError::BadTime)?;
            Action::Schedule(Appointment {
                at,
                hospital: fields.get("hospital").map(str::to_owned),
                department: fields.get("department").map(str::to_owned),
                expert_title: fields.get("expert_title").map(str::to_owned),
                meeting_point: fields.get("meeting_point").map(str::to_owned),
                meeting_at: match fields.get("meeting_at") {
                    Some(text) => Some(shanghai_time(text).ok_or(FormError::BadTime)?),
                    None => None,
                },
                escort: crate::cases::actions::Escort::typed(
                    fields.get("escort_name").map(str::to_owned),
                    fields.get("escort_phone").map(str::to_owned),
                ),
                doctor: fields.get("doctor").map(str::to_owned),
            })
        }
        ActionName::Reassign => Action::Reassign {
            assignee: text("assignee"),
        },
        ActionName::RefuseChange => Action::RefuseChange {
            message: text("message"),
        },
        ActionName::AnswerObjection => Action::AnswerObjection {
            objection: fields
                .get("objection_id")
                .and_then(|id| id.parse().ok())
                .ok_or(FormError::BadObjection)?,
            answer: text("answer"),
        },
        ActionName::Offer => Action::Offer {
            kind: fields
                .get("kind")
                .and_then(|k| serde_json::from_value::<OfferKind>(k.into()).ok())
                .ok_or(FormError::BadOfferKind)?,
            options: (1..=crate::cases::offers::MAX_OPTIONS)
                .filter_map(|n| {
                    let title = fields.get(&format!("title_{n}"))?.trim();
                    if title.is_empty() {
                        return None;
                    }
                    let at = fields
                        .get(&format!("at_{n}"))
                        .filter(|t| !t.is_empty())
                        .map(|text| shanghai_time(text).ok_or(FormError::BadTime));
                    Some(at.transpose().map(|at| OfferOption {
                        title: title.to_owned(),
                        details: fields.get(&format!("details_{n}")).map(str::to_owned),
                        at,
                    }))
                })
                .collect::<Result<_, _>>()?,
            note: fields.get("offer_note").map(str::to_owned),
        },
        ActionName::Milestone => Action::RecordMilestone {
            milestone: fields
                .get("milestone")
                .and_then(|m| serde_json::from_value::<Milestone>(m.into()).ok())
                .ok_or(FormError::BadMilestone)?,
            on: fields
                .get("date")
                .and_then(|d| d.parse().ok())
                .ok_or(FormError::BadDate)?,
            issuer: crate::cases::actions::SlipIssuer::default(),
        },
        ActionName::Abroad => {
            let date = || {
                fields
                    .get("date")
                    .and_then(|d| d.parse().ok())
                    .ok_or(FormError::BadDate)
            };
            Action::Abroad(match fields.get("step") {
                Some("hospital") => crate::cases::actions::AbroadStep::Hospital {
                    country: text("country"),
                    hospital: text("hospital"),
                },
                Some("departed") => crate::cases::actions::AbroadStep::Departed { on: date()? },
                Some("escort_hours") => crate::cases::actions::AbroadStep::EscortHours {
                    hours: fields
                        .get("hours")
                        .and_then(|h| h.parse().ok())
                        .unwrap_or(0),
                },
                Some("returned") => crate::cases::actions::AbroadStep::Returned { on: date()? },
                _ => return Err(FormError::BadAbroadStep),
            })
        }
        ActionName::Explanation => Action::Explanation(match fields.get("given") {
            Some("yes") => crate::cases::actions::ExplanationStep::Given,
            _ => crate::cases::actions::ExplanationStep::Arranged {
                at: fields
                    .get("at")
                    .and_then(shanghai_time)
                    .ok_or(FormError::BadTime)?,
            },
        }),
        ActionName::Courier => Action::Courier {
            request: fields
                .get("request_id")
                .and_then(|id| id.parse().ok())
                .ok_or(FormError::BadCourier)?,
            reply: crate::cases::courier::CourierReply::typed(
                fields.get("carrier").map(str::to_owned),
                fields.get("waybill").map(str::to_owned),
                fields.get("directions").map(str::to_owned),
            ),
        },
        ActionName::SurgeryDate => Action::SurgeryDate {
            on: fields
                .get("date")
                .and_then(|d| d.parse().ok())
                .ok_or(FormError::BadDate)?,
        },
    };
    Ok(Command::new(version, note, action))
}

/// A review form: the decision, the retake reason (with `reject`) and the note.
pub fn review(fields: &Fields) -> Result<(Decision, Option<Retake>, Option<String>), FormError> {
    let decision = match fields.get("decision") {
        Some("accept") => Decision::Accept,
        Some("reject") => Decision::Reject,
        _ => return Err(FormError::BadDecision),
    };
    let reason = match decision {
        Decision::Accept => None,
        Decision::Reject => Some(
            fields
                .get("reason")
                .and_then(|r| r.parse::<Retake>().ok())
                .ok_or(FormError::BadReason)?,
        ),
    };
    Ok((decision, reason, fields.get("note").map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn a_schedule_form_reads_shanghai_wall_time() {
        let command = command(
            "schedule",
            &fields(&[
                ("version", "4"),
                ("at", "2026-12-01T09:30"),
                ("hospital", "北京大学第一医院"),
                ("department", "肿瘤内科"),
                ("meeting_point", "门诊楼大厅"),
            ]),
        )
        .expect("a command");
        assert_eq!(command.version, 4);
        let Action::Schedule(appointment) = command.action else {
            panic!("a schedule");
        };
        assert_eq!(appointment.at.to_rfc3339(), "2026-12-01T01:30:00+00:00");
    }

    #[test]
    fn repeated_categories_and_bad_values_are_read_as_they_are() {
        let command = command(
            "request-materials",
            &fields(&[
                ("version", "2"),
                ("categories", "ct"),
                ("categories", "mri"),
                ("message", "请补充影像报告"),
            ]),
        )
        .expect("a command");
        let Action::RequestMaterials { categories, .. } = command.action else {
            panic!("materials");
        };
        assert_eq!(categories, vec![Material::Ct, Material::Mri]);
        let bad = fields(&[("version", "2"), ("categories", "x-ray")]);
        assert_eq!(
            super::command("request-materials", &bad).err(),
            Some(FormError::BadCategory)
        );
        assert_eq!(
            super::command("approve", &fields(&[])).err(),
            Some(FormError::Stale)
        );
        assert_eq!(
            super::command("fly", &fields(&[("version", "1")])).err(),
            Some(FormError::UnknownAction)
        );
    }
}
