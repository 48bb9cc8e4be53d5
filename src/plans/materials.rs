//! What a plan asks the insured to bring: the document categories, the materials each
//! diagnosis state needs, and whether an admission slip is needed (part of the plan-file format,
//! `super::model`).

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// The document categories a user uploads (shared with the uploads area).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Material {
    OutpatientRecord,
    DischargeSummary,
    BloodTest,
    Ct,
    Mri,
    PathologyReport,
    AdmissionSlip,
    /// The forms the plan hands the insured, filled in (seed 004 二(二)).
    SecondOpinionForms,
    IdDocument,
    Other,
}

impl Material {
    /// The stable code (`admission_slip` …), as in requests and the database.
    pub fn code(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            Material::OutpatientRecord => "门诊病历",
            Material::DischargeSummary => "出院小结",
            Material::BloodTest => "血液检测报告",
            Material::Ct => "CT报告",
            Material::Mri => "MRI报告",
            Material::PathologyReport => "病理报告",
            Material::AdmissionSlip => "住院单",
            Material::SecondOpinionForms => "国际二次诊疗表格（已填写）",
            Material::IdDocument => "身份证件",
            Material::Other => "其他资料",
        }
    }
}

/// What a diagnosis state must bring: every one of `all_of` and at least one of `any_of`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialRule {
    #[serde(default)]
    pub all_of: Vec<Material>,
    #[serde(default)]
    pub any_of: Vec<Material>,
    /// What the records must show, in words (e.g. 二甲及以上公立医院的诊断).
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Materials {
    #[serde(default)]
    pub suspected: Option<MaterialRule>,
    #[serde(default)]
    pub confirmed: Option<MaterialRule>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdmissionSlip {
    #[default]
    NotNeeded,
    /// The slip of the requested hospital department is required.
    Required,
    /// Without a slip the outpatient visit comes first (and may consume its use).
    OutpatientFirst,
    /// The insured may apply before the slip exists (seed 000 asks "是否已开具住院条" as a step):
    /// it is uploaded later, a specialist records its date, the promise anchored on the slip
    /// waits for that date, and the stay is arranged only once it is recorded.
    Later,
}

impl AdmissionSlip {
    /// As the API names it.
    pub fn code(self) -> &'static str {
        match self {
            AdmissionSlip::NotNeeded => "not_needed",
            AdmissionSlip::Required => "required",
            AdmissionSlip::OutpatientFirst => "outpatient_first",
            AdmissionSlip::Later => "later",
        }
    }

    /// What the insured is told to prepare.
    pub fn text(self) -> Option<&'static str> {
        match self {
            AdmissionSlip::NotNeeded => None,
            AdmissionSlip::Required => Some("需提供申请医院科室开具的住院单"),
            AdmissionSlip::OutpatientFirst => {
                Some("有住院单可直接安排住院；没有住院单将先安排专家门诊")
            }
            AdmissionSlip::Later => {
                Some("未开具住院单也可先申请；住院单开具后请上传，服务时限自住院单开具之日起计算")
            }
        }
    }
}

/// Which categories take medical records that are not photos (issue 31 §1): a PDF report from
/// a hospital's system, DICOM imaging files. A category listed in neither takes photos only.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordFiles {
    #[serde(default)]
    pub pdf: Vec<Material>,
    #[serde(default)]
    pub dicom: Vec<Material>,
    /// The seed clause the plan restates (required once a category is listed).
    #[serde(default)]
    pub clause: String,
}
