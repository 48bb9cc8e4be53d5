//! The cases area's refusals: what the insured and the specialists can meet when they read or
//! move a case. The variant name is the code, the `#[error]` text the message.

use serde_json::{Value, json};

use super::lifecycle::InvalidTransition;
use crate::plans::Material;
use crate::platform::error::{AreaError, Fault, Kind};
use crate::platform::idempotency::IdempotencyError;
use crate::staff::access::AccessError;

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum CaseError {
    /// Missing, another user's, or outside the account's insurer scope: all read the same.
    #[error("未找到该申请")]
    NotFound,
    #[error("申请编号格式不正确，应如 GC2611-00042")]
    CaseNumberInvalid,
    #[error("保单号最多64个字符")]
    PolicyNumberInvalid,
    #[error("请输入被保险人的姓名，或按列表中的样子输入（如“张**”）")]
    NameSearchInvalid,
    #[error("没有这个保障计划")]
    UnknownPlan,
    /// Decided on an older version of the case; the current one where it is known.
    #[error("该申请刚刚有了新的变化，请刷新后再操作")]
    CaseModified { current_version: Option<i32> },
    #[error("该申请当前状态下不能进行此操作，请刷新后查看")]
    InvalidTransition(InvalidTransition),
    #[error("该申请已由其他专员认领")]
    CaseClaimed,
    #[error("根据服务条款，该服务安排后不可取消；如确需取消将计为已使用一次，请联系服务热线")]
    CancellationNotAllowed { counted: bool, hotline: String },
    #[error("资料还不齐全，请先上传：{}", labels(.missing))]
    MaterialsMissing {
        missing: Vec<Material>,
        note: Option<String>,
    },
    #[error("请选择需要补充的资料类别")]
    CategoriesRequired,
    #[error("请填写给用户的补充说明（最多500字）")]
    MessageRequired,
    #[error("该保障计划不以此理由拒绝服务，请选择其他理由")]
    ReasonNotInPlan,
    #[error("预约时间须晚于当前时间")]
    AppointmentInPast,
    #[error("请填写医院")]
    HospitalRequired,
    #[error("请填写科室")]
    DepartmentRequired,
    #[error("请填写见面地点")]
    MeetingPointRequired,
    #[error("该服务不指定医生，请只填写医生职称")]
    DoctorNotNameable,
    /// A title, a doctor's name or an escort's contact longer than the field takes.
    #[error("医生职称、医生姓名或陪诊专员信息过长")]
    AppointmentFieldTooLong,
    #[error("该服务须先上传书面报告，才能完成")]
    ReportRequired,
    #[error("该服务须先上传医疗账单，才能完成")]
    BillRequired,
    #[error("请先记录被保险人回国日期，再完成服务")]
    ReturnNotRecorded,
    #[error("日期不能晚于今天")]
    MilestoneInFuture,
    #[error("该服务的时限不以此进展计算，无需记录")]
    MilestoneNotInPlan,
    /// A stay arranged before the admission slip's date is recorded (a service that lets the
    /// insured apply before the slip exists).
    #[error("请先记录住院单开具日期，再安排住院")]
    AdmissionSlipNotRecorded,
    #[error("{}", if *.foreign { "该专员无权处理此保险公司的申请" } else { "未找到可接手的专员账号" })]
    UnknownAssignee { foreign: bool },
    #[error("请提供1至3个方案")]
    OfferOptionsCount,
    #[error("每个方案须有名称（最多64字），说明最多200字")]
    OfferOptionInvalid,
    #[error("改约时间的方案须写明新的就诊时间")]
    OfferTimeRequired,
    #[error("该服务不以此类方案供客户选择")]
    OfferNotInPlan,
    /// No open offer, or it was answered, replaced, withdrawn or has lapsed.
    #[error("该方案已失效或已答复，请刷新后查看")]
    OfferClosed,
    #[error("请从所提供的方案中选择一个")]
    OfferChoiceInvalid,
    /// A change the plan does not let the insured ask for now (seed 000: none once booked).
    #[error("根据服务条款，该服务安排后不可更改；如有特殊情况请联系服务热线")]
    ChangeNotAllowed { counted: bool, hotline: String },
    /// Asked after the free cut-off: the change would count as a use; asked again with
    /// `accept_counted` it is recorded.
    #[error("现在申请更改将计为已使用一次服务，如仍需更改请确认")]
    ChangeCounts,
    #[error("就诊时间已过，不能再告知迟到")]
    LateNoticeTooLate,
    #[error("用户没有待答复的更改申请")]
    NoChangeRequested,
    /// A visit recorded as done or missed before its time.
    #[error("就诊时间尚未到，不能记录服务完成或用户未到")]
    AppointmentNotPassed,
    /// An objection on a case no decision ended, or a complaint on one never submitted.
    #[error("{}", if *.objection { "只有未通过审核、服务被终止或记为未到的申请可以提出异议；对服务质量的意见请选择投诉" } else { "申请提交后才能对服务提出投诉" })]
    ObjectionNotAllowed { objection: bool },
    #[error("您对该申请的上一条同类意见尚待答复，答复后可再提出；如有急事请拨打投诉及异议热线")]
    ObjectionPending,
    #[error("请填写您的意见（1至500字）")]
    ObjectionTextRequired,
    #[error("该申请没有这条异议或投诉，请刷新后查看")]
    UnknownObjection,
    #[error("该异议或投诉已答复")]
    ObjectionAnswered,
    #[error("请填写给用户的答复（1至500字）")]
    AnswerRequired,
    /// A meeting after the visit it leads to (or already past).
    #[error("见面时间须晚于当前时间，且不晚于就诊时间")]
    MeetingTimeInvalid,
    #[error("只有住院单需要记录开具的医院和科室")]
    SlipIssuerNotAllowed,
    #[error("未找到开具住院单的医院或科室，请从列表中选择")]
    UnknownSlipIssuer,
    #[error("手术日期不能早于今天")]
    SurgeryDateInPast,
    #[error("该服务不安排手术，无需记录手术日期")]
    SurgeryNotInPlan,
    #[error("该服务不是海外就医，无需记录海外就医进展")]
    AbroadNotInPlan,
    #[error("请填写该进展所需的内容：国家和医院、日期或陪诊小时数（1至40）")]
    AbroadFieldRequired,
    #[error("该国家不在服务范围内，请选择服务覆盖的国家")]
    AbroadCountryNotCovered,
    /// A step before the one it follows (departure before the hospital, the acceptance and
    /// the visa; hours or the return before the departure).
    #[error("请先记录前一步：海外医院、医院接收和医疗签证，然后出发，再记录陪诊和回国")]
    AbroadNotReady,
    #[error("日期须在前一步之后且不晚于今天")]
    AbroadDateInvalid,
    #[error("当地陪诊合计不能超过{included}小时（已用{used}小时）")]
    EscortHoursExceeded { used: u32, included: u32 },
    #[error("该服务没有意见书解读")]
    ExplanationNotInPlan,
    #[error("请填写解读时间，或确认解读已完成（二者选一）")]
    ExplanationFieldRequired,
    #[error("解读时间须晚于当前时间")]
    ExplanationInPast,
    #[error("请先安排意见书解读的时间")]
    ExplanationNotArranged,
    #[error("意见书解读已完成")]
    AlreadyExplained,
    #[error("请先为用户解读第二诊疗意见书，再完成服务")]
    ExplanationNotGiven,
    #[error("寄回资料请填写收件人、联系电话和详细地址")]
    CourierAddressRequired,
    #[error("收件人最多32字、地址最多200字，联系电话须为手机号")]
    CourierAddressInvalid,
    #[error("询问寄送原件无需填写地址")]
    CourierAddressNotNeeded,
    #[error("您的上一个快递申请尚在处理中，处理后可再提出")]
    CourierPending,
    #[error("该申请没有这条快递申请，请刷新后查看")]
    UnknownCourier,
    #[error("该快递申请已处理")]
    CourierAnswered,
    #[error("寄回资料请填写快递公司和运单号；询问寄送原件请填写寄送方式和地址")]
    CourierReplyInvalid,
    #[error("请填写与陪同人员的见面时间")]
    MeetingTimeRequired,
    #[error("陪诊服务须填写陪诊人员的姓名和电话")]
    EscortRequired,
    #[error("陪诊人员的姓名最多32字，电话须为手机号或固定电话")]
    EscortInvalid,
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Idempotency(#[from] IdempotencyError),
    #[error(transparent)]
    Fault(#[from] Fault),
}

fn labels(missing: &[Material]) -> String {
    missing
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join("、")
}

crate::platform::error::faults_from!(CaseError);

impl From<InvalidTransition> for CaseError {
    fn from(error: InvalidTransition) -> Self {
        Self::InvalidTransition(error)
    }
}

impl AreaError for CaseError {
    fn kind(&self) -> Kind {
        match self {
            Self::NotFound => Kind::NotFound,
            Self::CaseNumberInvalid
            | Self::PolicyNumberInvalid
            | Self::NameSearchInvalid
            | Self::UnknownPlan => Kind::BadRequest,
            Self::CaseModified { .. }
            | Self::InvalidTransition(_)
            | Self::CaseClaimed
            | Self::CancellationNotAllowed { .. } => Kind::Conflict,
            Self::MaterialsMissing { .. }
            | Self::CategoriesRequired
            | Self::MessageRequired
            | Self::ReasonNotInPlan
            | Self::AppointmentInPast
            | Self::HospitalRequired
            | Self::DepartmentRequired
            | Self::MeetingPointRequired
            | Self::DoctorNotNameable
            | Self::AppointmentFieldTooLong
            | Self::ReportRequired
            | Self::BillRequired
            | Self::ReturnNotRecorded
            | Self::MilestoneInFuture
            | Self::MilestoneNotInPlan
            | Self::AdmissionSlipNotRecorded
            | Self::UnknownAssignee { .. }
            | Self::OfferOptionsCount
            | Self::OfferOptionInvalid
            | Self::OfferTimeRequired
            | Self::OfferNotInPlan
            | Self::OfferChoiceInvalid => Kind::Unprocessable,
            Self::OfferClosed
            | Self::AppointmentNotPassed
            | Self::ChangeNotAllowed { .. }
            | Self::ChangeCounts
            | Self::LateNoticeTooLate
            | Self::NoChangeRequested
            | Self::ObjectionNotAllowed { .. }
            | Self::ObjectionPending
            | Self::ObjectionAnswered
            | Self::AbroadNotReady
            | Self::ExplanationNotArranged
            | Self::CourierPending
            | Self::CourierAnswered
            | Self::AlreadyExplained
            | Self::EscortHoursExceeded { .. } => Kind::Conflict,
            Self::ObjectionTextRequired
            | Self::UnknownObjection
            | Self::AnswerRequired
            | Self::MeetingTimeInvalid
            | Self::MeetingTimeRequired
            | Self::AbroadNotInPlan
            | Self::ExplanationNotInPlan
            | Self::CourierAddressRequired
            | Self::CourierAddressInvalid
            | Self::CourierAddressNotNeeded
            | Self::UnknownCourier
            | Self::CourierReplyInvalid
            | Self::ExplanationInPast
            | Self::ExplanationFieldRequired
            | Self::ExplanationNotGiven
            | Self::AbroadFieldRequired
            | Self::AbroadCountryNotCovered
            | Self::AbroadDateInvalid
            | Self::SlipIssuerNotAllowed
            | Self::UnknownSlipIssuer
            | Self::SurgeryDateInPast
            | Self::SurgeryNotInPlan
            | Self::EscortRequired
            | Self::EscortInvalid => Kind::Unprocessable,
            Self::Access(e) => e.kind(),
            Self::Idempotency(e) => e.kind(),
            Self::Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::InvalidTransition(e) => {
                json!({ "status": e.from.as_str(), "action": e.action })
            }
            Self::CaseModified {
                current_version: Some(version),
            } => json!({ "current_version": version }),
            Self::ChangeNotAllowed { counted, hotline } => {
                json!({ "counted": counted, "hotline": hotline })
            }
            Self::ChangeCounts => json!({ "counted": true }),
            Self::EscortHoursExceeded { used, included } => {
                json!({ "used": used, "included": included })
            }
            Self::CancellationNotAllowed { counted, hotline } => {
                json!({ "counted": counted, "hotline": hotline })
            }
            Self::MaterialsMissing { missing, note } => json!({
                "missing": missing.iter().map(|m| m.code()).collect::<Vec<_>>(),
                "note": note,
            }),
            _ => json!({}),
        }
    }

    crate::platform::error::area_error_glue!(Access, Idempotency, Fault);
}
