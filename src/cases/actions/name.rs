//! The name of each provider-side action: the path segment of its JSON route
//! (`POST /staff/cases/{id}/{action}`), the console's form, the span field in the logs, and its
//! Chinese name on a button. One list, so the five places that spell an action cannot differ.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "kebab-case")]
pub enum ActionName {
    Claim,
    Contact,
    RequestMaterials,
    Approve,
    Reject,
    Schedule,
    Start,
    Complete,
    NoShow,
    Terminate,
    Cancel,
    Reassign,
    Milestone,
    Offer,
    RefuseChange,
    AnswerObjection,
    SurgeryDate,
    Abroad,
    Explanation,
    Courier,
}

impl ActionName {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The action a path segment or a form names; None for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        text.parse().ok()
    }

    /// What its button says.
    pub fn label(self) -> &'static str {
        match self {
            ActionName::Claim => "认领",
            ActionName::Contact => "记录首次联系",
            ActionName::RequestMaterials => "要求补充资料",
            ActionName::Approve => "审核通过",
            ActionName::Reject => "不予受理",
            ActionName::Schedule => "安排就诊",
            ActionName::Start => "开始服务",
            ActionName::Complete => "服务完成",
            ActionName::NoShow => "用户未到",
            ActionName::Terminate => "终止服务",
            ActionName::Cancel => "代用户取消",
            ActionName::Reassign => "转派",
            ActionName::Milestone => "记录进展",
            ActionName::Offer => "提供方案供用户选择",
            ActionName::RefuseChange => "答复不能更改",
            ActionName::AnswerObjection => "答复异议或投诉",
            ActionName::SurgeryDate => "记录手术日期",
            ActionName::Abroad => "记录海外就医进展",
            ActionName::Explanation => "安排或记录意见书解读",
            ActionName::Courier => "处理快递申请",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_and_has_chinese_words() {
        for name in ActionName::VARIANTS {
            assert_eq!(ActionName::parse(name.as_str()), Some(*name));
            assert!(!name.label().is_ascii(), "{name:?}");
        }
        assert_eq!(ActionName::RequestMaterials.as_str(), "request-materials");
        assert_eq!(ActionName::parse("nonsense"), None);
    }
}
