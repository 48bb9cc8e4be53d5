//! A policy as an insurer delivers it (a CSV row, a partner's JSON), parsed field by field into
//! a `PolicyInput` or a list of field errors that name no personal data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::identity::{IdNumber, IdType, PersonName};
use crate::users::phone::PhoneNumber;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyStatus {
    InForce,
    Lapsed,
    /// 退保 (including during the cooling-off period).
    Surrendered,
    Terminated,
}

impl PolicyStatus {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "" | "in_force" | "有效" => Some(PolicyStatus::InForce),
            "lapsed" | "失效" => Some(PolicyStatus::Lapsed),
            "surrendered" | "退保" => Some(PolicyStatus::Surrendered),
            "terminated" | "终止" => Some(PolicyStatus::Terminated),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyStatus::InForce => "in_force",
            PolicyStatus::Lapsed => "lapsed",
            PolicyStatus::Surrendered => "surrendered",
            PolicyStatus::Terminated => "terminated",
        }
    }
}

/// The raw fields, as text (CSV columns, JSON strings).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PolicyRecord {
    pub policy_no: String,
    pub product_code: String,
    pub insured_name: String,
    #[serde(default)]
    pub id_type: String,
    pub id_number: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// `YYYY-MM-DD`
    pub effective_date: String,
    #[serde(default)]
    pub expiry_date: Option<String>,
    #[serde(default)]
    pub cooling_off_end: Option<String>,
    /// `in_force` (default), `lapsed`, `surrendered`, `terminated`.
    #[serde(default)]
    pub status: Option<String>,
    /// Whether the sum insured still meets the product's threshold (default true).
    #[serde(default)]
    pub sum_insured_ok: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PolicyInput {
    pub policy_no: String,
    pub product_code: String,
    pub insured_name: PersonName,
    pub id_number: IdNumber,
    pub phone: Option<PhoneNumber>,
    pub effective_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    pub cooling_off_end: Option<NaiveDate>,
    pub status: PolicyStatus,
    pub sum_insured_ok: bool,
}

/// One bad field: which, and why (never the value: it may be an ID number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

fn date(field: &'static str, text: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(FieldError {
                field,
                reason: "must be a date written YYYY-MM-DD".into(),
            });
            None
        }
    }
}

fn optional_date(
    field: &'static str,
    text: &Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    text.as_deref()
        .filter(|t| !t.trim().is_empty())
        .and_then(|t| date(field, t, errors))
}

pub fn valid_policy_no(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/'))
}

impl PolicyRecord {
    /// Every field checked; all problems reported together.
    pub fn parse(
        &self,
        known_product: impl Fn(&str) -> bool,
    ) -> Result<PolicyInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let policy_no = self.policy_no.trim().to_owned();
        if !valid_policy_no(&policy_no) {
            errors.push(FieldError {
                field: "policy_no",
                reason: "1–64 letters, digits, '-', '_' or '/'".into(),
            });
        }
        let product_code = self.product_code.trim().to_owned();
        if !known_product(&product_code) {
            errors.push(FieldError {
                field: "product_code",
                reason: "not a product in products/".into(),
            });
        }
        let insured_name = PersonName::parse(&self.insured_name)
            .map_err(|e| {
                errors.push(FieldError {
                    field: "insured_name",
                    reason: e.to_string(),
                })
            })
            .ok();
        let id_type = if self.id_type.trim().is_empty() {
            Some(IdType::ResidentId)
        } else {
            IdType::parse(&self.id_type)
                .map_err(|e| {
                    errors.push(FieldError {
                        field: "id_type",
                        reason: e.to_string(),
                    })
                })
                .ok()
        };
        let id_number = id_type.and_then(|t| {
            IdNumber::parse(t, &self.id_number)
                .map_err(|e| {
                    errors.push(FieldError {
                        field: "id_number",
                        reason: e.to_string(),
                    })
                })
                .ok()
        });
        let phone = match self
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            None => None,
            Some(text) => {
                let (cc, national) = match text.strip_prefix('+') {
                    Some(rest) if rest.starts_with("86") => ("86", &rest[2..]),
                    Some(_) => ("", text),
                    None => ("86", text),
                };
                PhoneNumber::parse(cc, national)
                    .map_err(|e| {
                        errors.push(FieldError {
                            field: "phone",
                            reason: e.to_string(),
                        })
                    })
                    .ok()
            }
        };
        let effective_date = date("effective_date", &self.effective_date, &mut errors);
        let expiry_date = optional_date("expiry_date", &self.expiry_date, &mut errors);
        let cooling_off_end = optional_date("cooling_off_end", &self.cooling_off_end, &mut errors);
        if let (Some(start), Some(end)) = (effective_date, expiry_date)
            && end < start
        {
            errors.push(FieldError {
                field: "expiry_date",
                reason: "is before effective_date".into(),
            });
        }
        let status = match PolicyStatus::parse(self.status.as_deref().unwrap_or("")) {
            Some(status) => Some(status),
            None => {
                errors.push(FieldError {
                    field: "status",
                    reason: "one of in_force, lapsed, surrendered, terminated".into(),
                });
                None
            }
        };
        let sum_insured_ok = match self.sum_insured_ok.as_deref().map(str::trim) {
            None | Some("") | Some("true") | Some("1") | Some("yes") => Some(true),
            Some("false") | Some("0") | Some("no") => Some(false),
            Some(_) => {
                errors.push(FieldError {
                    field: "sum_insured_ok",
                    reason: "true or false".into(),
                });
                None
            }
        };
        match (
            insured_name,
            id_number,
            effective_date,
            status,
            sum_insured_ok,
        ) {
            (Some(insured_name), Some(id_number), Some(effective_date), Some(status), Some(ok))
                if errors.is_empty() =>
            {
                Ok(PolicyInput {
                    policy_no,
                    product_code,
                    insured_name,
                    id_number,
                    phone,
                    effective_date,
                    expiry_date,
                    cooling_off_end,
                    status,
                    sum_insured_ok: ok,
                })
            }
            _ => Err(errors),
        }
    }
}
