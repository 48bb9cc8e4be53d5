//! The Chinese words of the console for the domain's closed sets: refusal grounds, end reasons,
//! retake reasons, timeline events and actors.

use crate::cases::actions::Refusal;
use crate::documents::view::Retake;
use crate::plans::{EndReason, NotCountedReason, UsedReason};

pub fn refusal_label(refusal: Refusal) -> &'static str {
    refusal.label()
}

pub fn end_label(reason: EndReason) -> &'static str {
    match reason {
        EndReason::Used(UsedReason::NoShow) => "用户未到",
        EndReason::Used(UsedReason::LateCancellation) => "逾期取消",
        EndReason::Used(UsedReason::Cancelled) => "用户取消",
        EndReason::Used(UsedReason::LateArrival) => "用户迟到",
        EndReason::Used(UsedReason::NoIndication) => "无手术或住院指征",
        EndReason::Used(UsedReason::InfectiousDiseaseRefusal) => "传染病拒收",
        EndReason::Used(UsedReason::CustomerReasons) => "客户自身原因",
        EndReason::Used(UsedReason::Discharged) => "已出院",
        EndReason::NotCounted(NotCountedReason::ProviderFailedCustomerDeclined) => {
            "未能安排且客户不接受替代方案"
        }
        EndReason::NotCounted(NotCountedReason::ExpertUnavailable) => "专家无法安排",
        EndReason::NotCounted(NotCountedReason::MaterialsMissing) => "资料不全",
        EndReason::NotCounted(NotCountedReason::HospitalRefused) => "海外医院不予接收",
        EndReason::NotCounted(NotCountedReason::VisaRefused) => "医疗签证被拒",
    }
}

pub fn retake_label(retake: Retake) -> &'static str {
    match retake {
        Retake::Blurry => "模糊",
        Retake::Incomplete => "拍摄不完整",
        Retake::Glare => "反光或过暗",
        Retake::WrongCategory => "类别不符",
        Retake::WrongPerson => "非被保险人本人",
        Retake::NotMedical => "非医疗资料",
        Retake::Other => "其他（请填写说明）",
    }
}

pub fn event_label(action: &str) -> &'static str {
    match action {
        "created" => "创建申请",
        "submitted" => "提交申请",
        "claimed" => "认领",
        "contacted" => "首次联系",
        "materials_requested" => "要求补充资料",
        "approved" => "审核通过",
        "rejected" => "不予受理",
        "scheduled" => "已安排就诊",
        "started" => "开始服务",
        "completed" => "服务完成",
        "no_show" => "用户未到",
        "terminated" => "终止服务",
        "cancelled" => "取消",
        "reassigned" => "转派",
        "milestone_recorded" => "记录进展",
        "expired" => "申请过期",
        "offered" => "提供方案供用户选择",
        "offer_accepted" => "用户选择了方案",
        "offer_declined" => "用户不同意所提供的方案",
        "offer_lapsed" => "方案逾期未答复",
        "change_requested" => "用户申请更改",
        "late_notice" => "用户告知将迟到",
        "change_refused" => "答复不能更改",
        "objection_raised" => "用户对审核结果提出异议",
        "complaint_raised" => "用户投诉服务质量",
        "objection_answered" => "答复异议或投诉",
        "surgery_scheduled" => "记录手术日期",
        "surgery_moved" => "医院调整手术日期",
        "explanation_arranged" => "安排意见书解读",
        "explained" => "完成意见书解读",
        "abroad_hospital" => "选定海外医院",
        "departed" => "出发赴海外就医",
        "escort_hours" => "记录当地陪诊小时数",
        "returned" => "回国",
        "report_uploaded" => "上传书面报告或账单",
        "courier_requested" => "用户申请快递寄送",
        "courier_answered" => "处理快递申请",
        "records_purged" => "删除医疗资料",
        _ => "处理",
    }
}

pub fn actor_label(actor: &str) -> &'static str {
    match actor {
        "user" => "用户",
        "staff" => "专员",
        _ => "系统",
    }
}
