//! The words of each notification in the message centre, from its kind and the facts its outbox
//! row holds. No illness or diagnosis is ever named: the facts are the service, the case number,
//! the appointment's time and place, and reason codes.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::cases::actions::Refusal;
use crate::documents::view::Retake;
use crate::outbox::kind::NotificationKind;
use crate::plans::Material;

fn text<'a>(payload: &'a Value, key: &str) -> Option<&'a str> {
    payload
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

fn time(payload: &Value, key: &str) -> Option<String> {
    let at: DateTime<Utc> = text(payload, key)?.parse().ok()?;
    Some(
        at.with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%-m月%-d日 %H:%M")
            .to_string(),
    )
}

/// Where and when whoever goes with the insured meets them, and who that is (seed 003 一4
/// 「确认导医服务的等候地点、时间」, seed 001 陪诊); empty where nobody does.
fn meeting(payload: &Value) -> String {
    let Some(point) = text(payload, "meeting_point") else {
        return String::new();
    };
    let when = time(payload, "meeting_at").unwrap_or_else(|| "就诊前".to_owned());
    let who = match (text(payload, "escort_name"), text(payload, "escort_phone")) {
        (Some(name), Some(phone)) => format!("陪同人员{name}（电话 {phone}）"),
        (Some(name), None) => format!("陪同人员{name}"),
        _ => "陪同人员".to_owned(),
    };
    format!("请于{when}到{point}与{who}会合。")
}

/// The title and the body of a message in the centre.
pub fn render(kind: NotificationKind, payload: &Value) -> (&'static str, String) {
    let service = text(payload, "service").unwrap_or("服务");
    let number = text(payload, "case_number").unwrap_or("");
    let case = if number.is_empty() {
        format!("您的{service}申请")
    } else {
        format!("您的{service}申请（{number}）")
    };
    use NotificationKind::*;
    match kind {
        CaseSubmitted => (
            "申请已提交",
            format!("{case}已提交，医疗服务专员将尽快与您联系。"),
        ),
        CaseNeedsMaterials => (
            "需要补充资料",
            format!("{case}需要补充资料，请在申请详情中查看需要上传的资料。"),
        ),
        CaseApproved => ("审核通过", format!("{case}已审核通过，我们正在为您安排。")),
        CaseRejected => {
            let reason = text(payload, "reason_code")
                .and_then(|code| {
                    <Refusal as strum::VariantArray>::VARIANTS
                        .iter()
                        .find(|r| <&'static str>::from(**r) == code)
                })
                .map(|r| format!("原因：{}。", r.label()))
                .unwrap_or_default();
            (
                "未通过审核",
                format!("很抱歉，{case}未通过审核。{reason}如有疑问请致电服务热线。"),
            )
        }
        CaseScheduled if payload.get("by_call").and_then(Value::as_bool) == Some(true) => {
            let when = time(payload, "appointment_at").unwrap_or_else(|| "时间待定".to_owned());
            (
                "已安排通话",
                format!("{case}已安排：{when}由医生致电您。请保持联系电话畅通，详情见申请页面。"),
            )
        }
        CaseScheduled => {
            let when = time(payload, "appointment_at").unwrap_or_else(|| "时间待定".to_owned());
            let place = text(payload, "appointment_hospital").unwrap_or("医院待定");
            (
                "已安排就诊",
                format!(
                    "{case}已安排：{when}，{place}。{}请按时前往，详情见申请页面。{}",
                    meeting(payload),
                    text(payload, "visit_notices").unwrap_or("")
                ),
            )
        }
        CaseStarted => ("服务已开始", format!("{case}的服务已开始。")),
        CaseCompleted => ("服务已完成", format!("{case}的服务已完成，祝您早日康复。")),
        CaseNoShow => (
            "未按时就诊",
            format!("{case}因未按时就诊已结束。如有疑问请致电服务热线。"),
        ),
        CaseTerminated => (
            "服务已终止",
            format!("{case}的服务已终止。如有疑问请致电服务热线。"),
        ),
        CaseCancelled => ("申请已取消", format!("{case}已取消。")),
        CaseExpired => (
            "申请已过期",
            format!("{case}未在规定时间内提交，已过期。如仍需服务，请重新申请。"),
        ),
        DocumentRejected => {
            let category = text(payload, "category")
                .and_then(|c| c.parse::<Material>().ok())
                .map_or("资料", Material::label);
            let retake = text(payload, "reason")
                .and_then(|r| r.parse::<Retake>().ok())
                .unwrap_or(Retake::Other);
            let on = if number.is_empty() {
                String::new()
            } else {
                format!("为申请（{number}）")
            };
            (
                "资料需要重拍",
                format!("您{on}上传的{category}需要重新上传：{}", retake.message()),
            )
        }
        AppointmentReminder if payload.get("by_call").and_then(Value::as_bool) == Some(true) => {
            let when = time(payload, "appointment_at").unwrap_or_else(|| "时间待定".to_owned());
            (
                "明日通话提醒",
                format!("{case}：医生将于{when}致电您，请保持联系电话畅通。"),
            )
        }
        AppointmentReminder => {
            let when = time(payload, "appointment_at").unwrap_or_else(|| "时间待定".to_owned());
            let place = text(payload, "appointment_hospital").unwrap_or("医院待定");
            (
                "明日就诊提醒",
                format!(
                    "{case}将于{when}在{place}就诊。{}{}",
                    meeting(payload),
                    text(payload, "visit_notices").unwrap_or("请携带身份证件。")
                ),
            )
        }
        CancellationCutoff => {
            let when = time(payload, "appointment_at").unwrap_or_else(|| "时间待定".to_owned());
            let cutoff = time(payload, "cutoff_at").unwrap_or_else(|| "今天12:00".to_owned());
            (
                "取消截止提醒",
                format!(
                    "{case}已安排在{when}。如需取消，请在{cutoff}前操作，之后取消将计为已使用一次服务。"
                ),
            )
        }
        MaterialsReminder => (
            "资料尚未上传",
            format!("{case}还在等待您上传资料，请尽快在申请详情中上传，以免耽误安排。"),
        ),
        ReportReady => (
            "报告已出具",
            format!("{case}的书面报告已出具，请在申请详情中查看和下载。"),
        ),
        OfferMade => {
            let kind = text(payload, "offer_kind").unwrap_or("方案");
            let until =
                time(payload, "offer_expires_at").unwrap_or_else(|| "两个工作日内".to_owned());
            (
                "请选择服务方案",
                format!(
                    "{case}：医疗服务专员为您提供了可选的{kind}，请在{until}前在申请详情中选择一个，或告知不同意。"
                ),
            )
        }
        ChangeRefused => (
            "更改申请的答复",
            format!(
                "{case}：医疗服务专员答复您的更改申请暂时无法办理，原预约不变。详情见申请页面。"
            ),
        ),
        BindingAttempt => {
            let when = time(payload, "attempt_at").unwrap_or_else(|| "刚才".to_owned());
            let tail = text(payload, "policy_tail").unwrap_or("");
            (
                "有人尝试绑定您的保单",
                format!(
                    "另一个微信账号于{when}使用被保险人的姓名和证件号码尝试绑定您的保单（保单号尾号{tail}），未获准绑定。如需让家人代为使用，请在“我的保单”中发出家属邀请；如不是您知道的操作，请注意保护个人信息，并可致电服务热线。"
                ),
            )
        }
        CourierAnswered => match (
            text(payload, "courier_carrier"),
            text(payload, "courier_waybill"),
            text(payload, "courier_directions"),
        ) {
            (Some(carrier), Some(waybill), _) => (
                "资料已寄出",
                format!("{case}：您的资料已通过{carrier}寄出，运单号 {waybill}。"),
            ),
            (_, _, Some(directions)) => (
                "寄送原件的方式",
                format!("{case}：寄送原件的方式：{directions}（邮费需自理）"),
            ),
            _ => (
                "快递申请已处理",
                format!("{case}：您的快递申请已处理，详情见申请页面。"),
            ),
        },
        ExplanationArranged => {
            let when = time(payload, "explanation_at").unwrap_or_else(|| "约定时间".to_owned());
            (
                "意见书解读已安排",
                format!(
                    "{case}：健康管理专家将于{when}为您解读第二诊疗意见书，请保持联系电话畅通。意见仅供参考，不作为理赔或拒赔的依据。"
                ),
            )
        }
        SurgeryScheduled => {
            let day = |key| {
                text(payload, key)
                    .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
                    .map(|d| d.format("%-m月%-d日").to_string())
            };
            let on = day("surgery_on").unwrap_or_else(|| "待定".to_owned());
            match day("surgery_moved_from") {
                Some(before) => (
                    "手术日期调整",
                    format!(
                        "{case}：医院将手术日期由{before}调整为{on}。此次调整不计为使用服务次数，详情见申请页面。"
                    ),
                ),
                None => (
                    "手术日期已确定",
                    format!("{case}：已与医生确定手术日期为{on}，详情见申请页面。"),
                ),
            }
        }
        ObjectionAnswered => {
            let kind = text(payload, "objection_kind").unwrap_or("意见");
            let answer = text(payload, "answer")
                .map(|a| format!("答复如下：{a}"))
                .unwrap_or_else(|| "详情见申请页面。".to_owned());
            (
                "您的意见已答复",
                format!("{case}：您提出的{kind}已有答复。{answer}"),
            )
        }
        OfferReminder => {
            let until = time(payload, "offer_expires_at").unwrap_or_else(|| "今天".to_owned());
            (
                "方案今天到期",
                format!(
                    "{case}：医疗服务专员提供的方案还在等您选择，将于{until}到期，请尽快在申请详情中选择或告知不同意。"
                ),
            )
        }
        SpecialistAssigned => {
            let name = text(payload, "specialist_name").unwrap_or("医疗服务专员");
            let line = match text(payload, "specialist_phone") {
                Some(phone) => format!("工作电话 {phone}"),
                None => "可拨打申请详情中的服务热线联系".to_owned(),
            };
            (
                "已为您安排医疗服务专员",
                format!(
                    "{case}由医疗服务专员{name}为您服务（{line}），专员将尽快与您联系，请保持联系电话畅通。"
                ),
            )
        }
        DraftExpiring => {
            let until = time(payload, "draft_expires_at").unwrap_or_else(|| "24小时内".to_owned());
            (
                "申请即将过期",
                format!("{case}尚未提交，将于{until}过期。如仍需服务，请尽快补全并提交。"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_scheduled_message_says_when_and_where_in_shanghai_time() {
        let (title, body) = render(
            NotificationKind::CaseScheduled,
            &json!({
                "service": "重大疾病专家门诊预约", "case_number": "GC2611-00042",
                "appointment_at": "2026-11-30T01:30:00Z", "appointment_hospital": "北京大学第一医院",
            }),
        );
        assert_eq!(title, "已安排就诊");
        assert!(
            body.contains("GC2611-00042") && body.contains("11月30日 09:30"),
            "{body}"
        );
        assert!(body.contains("北京大学第一医院"));
    }

    #[test]
    fn every_kind_has_words_even_without_facts() {
        for kind in <NotificationKind as strum::VariantArray>::VARIANTS {
            let (title, body) = render(*kind, &json!({}));
            assert!(!title.is_empty() && !body.is_empty(), "{kind:?}");
        }
    }
}
