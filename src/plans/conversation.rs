//! What the plans say about the conversation between the insured and their specialist: the
//! lines the insured may call (besides each service's own hotline), and where a specialist
//! proposes options for the insured to choose from and what declining them means.

use serde::{Deserialize, Serialize};

/// What a line is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// The service's own line, where it is applied for and arranged.
    Service,
    /// The insurer's customer line.
    Insurer,
    /// Objections to a review's result or to the service's quality.
    Complaint,
    /// Urgent questions outside the service's hours.
    Urgent,
}

impl LineKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Service => "服务专线",
            Self::Insurer => "保险公司客服热线",
            Self::Complaint => "投诉及异议热线",
            Self::Urgent => "紧急咨询热线",
        }
    }
}

/// A line of the plan, as its seed gives it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub kind: LineKind,
    pub number: String,
    /// When it answers, in the seed's words (`7×24小时`).
    pub hours: String,
    /// The services it is for; none: all of the plan's.
    #[serde(default)]
    pub services: Vec<String>,
    /// The clause that names it.
    pub clause: String,
}

/// A line the insured may call about a service, as the mini-program shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LineView {
    pub kind: LineKind,
    /// `服务专线`, `投诉及异议热线` …
    pub label: &'static str,
    pub number: String,
    /// When it answers.
    pub hours: String,
}

/// What an offer proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferKind {
    /// Experts of the same level (seed 002 Q&A 「推荐2-3位同等级别的专家」).
    Expert,
    /// Hospitals, with their department (seed 003 二3, seed 004 四(三)).
    Hospital,
    /// Institutions abroad (seed 004 二(二) 「3选1」, seed 001).
    Institution,
    /// A new appointment time, for the insured's consent (seed 002 Q&A 「在征求客户同意后」,
    /// seed 004 四(三) 「与被服务人进行沟通确认」).
    Time,
}

impl OfferKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Expert => "专家",
            Self::Hospital => "医院",
            Self::Institution => "海外医疗机构",
            Self::Time => "就诊时间",
        }
    }
}

/// What declining an offer means.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDecline {
    /// The case stays open: the specialist proposes again or arranges otherwise.
    #[default]
    StaysOpen,
    /// The service ends, not counted as a use (seed 002 Q&A 「若客户不同意…本次服务中止」).
    EndsNotCounted,
}

/// Where a service uses an offer of `kind`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfferRule {
    pub kind: OfferKind,
    /// When the seed has the specialist propose, in words (the console shows it).
    pub when: String,
    #[serde(default)]
    pub on_decline: OnDecline,
    pub clause: String,
}

impl OfferRule {
    /// A new time for a booked visit: every service asks the insured's consent (seed 002 Q&A
    /// 「在征求客户同意后」, seed 004 四(三)), and a refusal keeps the visit as booked.
    pub fn consent_to_time() -> Self {
        Self {
            kind: OfferKind::Time,
            when: "改约就诊时间须征得客户同意".to_owned(),
            on_decline: OnDecline::StaysOpen,
            clause: "seed 002 Q&A 「在征求客户同意后」; seed 004 四(三)".to_owned(),
        }
    }
}
