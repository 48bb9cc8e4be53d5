//! Plan 3 (seed 002): its rows of SERVICE_RULES.md, each citing its seed clause.

use green_channel::eligibility::Reason;
use green_channel::plans::Anchor;
use green_channel::policies::record::PolicyStatus;

use super::Check::*;
use super::Relation::{Insured, Relative};
use super::{P3, Policy, Row, in_force};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            clause: "seed 002 (二)2.9(2) 传染性疾病…不能收治入院，我司免责: not liable, and not counted (interpretation)",
            plan: P3,
            service: "inpatient_surgery",
            check: Ends {
                reason: "infectious_disease_refusal",
                counted: false,
            },
        },
        Row {
            clause: "seed 002 (一)2.9(5) 无故迟到30分钟（含）以上…视为客户放弃本次服务: a no-show is at least that, counted",
            plan: P3,
            service: "expert_outpatient",
            check: Ends {
                reason: "no_show",
                counted: true,
            },
        },
        Row {
            clause: "seed 002 (二)2.9(10) 视为客户放弃本次服务: an inpatient no-show counts as a late arrival does",
            plan: P3,
            service: "inpatient_surgery",
            check: Ends {
                reason: "no_show",
                counted: true,
            },
        },
        Row {
            clause: "seed 002 (一)2.5(2) 未过本保险产品的犹豫期 (15 days, interpretation)",
            plan: P3,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-03-01"),
                relation: Insured,
                today: "2026-03-15",
                uses: &[],
                expect: Some(Reason::CoolingOff),
            },
        },
        Row {
            clause: "seed 002 (一)2.5(2) the day after the cooling-off period",
            plan: P3,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-03-01"),
                relation: Insured,
                today: "2026-03-16",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 002 (一)2.5(2) an insurer's own cooling-off end wins",
            plan: P3,
            service: "expert_outpatient",
            check: Eligibility {
                policy: Policy {
                    cooling_off_end: Some("2026-03-20"),
                    ..in_force("2026-03-01")
                },
                relation: Insured,
                today: "2026-03-18",
                uses: &[],
                expect: Some(Reason::CoolingOff),
            },
        },
        Row {
            clause: "seed 002 (一)2.8 保单生效之日起一年内有效: the last day",
            plan: P3,
            service: "inpatient_surgery",
            check: Eligibility {
                policy: in_force("2026-03-01"),
                relation: Insured,
                today: "2027-02-28",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 002 (一)2.8 保单生效之日起一年内有效: a year later",
            plan: P3,
            service: "inpatient_surgery",
            check: Eligibility {
                policy: in_force("2026-03-01"),
                relation: Insured,
                today: "2027-03-01",
                uses: &[],
                expect: Some(Reason::WindowClosed),
            },
        },
        Row {
            clause: "seed 002 (一)2.8 若在犹豫期内退保，本服务自动失效",
            plan: P3,
            service: "expert_outpatient",
            check: Eligibility {
                policy: Policy {
                    status: PolicyStatus::Surrendered,
                    ..in_force("2026-03-01")
                },
                relation: Insured,
                today: "2026-03-05",
                uses: &[],
                expect: Some(Reason::PolicySurrendered),
            },
        },
        Row {
            clause: "seed 002 (一)2.2 服务有效期内只能使用一次",
            plan: P3,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-03-01"),
                relation: Insured,
                today: "2026-09-01",
                uses: &[("expert_outpatient", "2026-03-01", 1)],
                expect: Some(Reason::QuotaExhausted),
            },
        },
        Row {
            clause: "seed 002 (一)2.4(1) 本项服务仅限被保险人本人使用",
            plan: P3,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-03-01"),
                relation: Relative,
                today: "2026-09-01",
                uses: &[],
                expect: Some(Reason::NotInsuredPerson),
            },
        },
        Row {
            clause: "seed 002 (一)2.3 受理时间 周一至周五 09:00-18:00: Wednesday 17:59 is accepted at once",
            plan: P3,
            service: "expert_outpatient",
            check: Opening {
                at: "2026-09-30T17:59:00+08:00",
                expect: "2026-09-30T17:59:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)2.3 国家法定节假日除外: 18:01 waits for Thursday 2026-10-08 09:00",
            plan: P3,
            service: "expert_outpatient",
            check: Opening {
                at: "2026-09-30T18:01:00+08:00",
                expect: "2026-10-08T09:00:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)2.3 周一至周五: the make-up Saturday 2026-10-10 is not an opening",
            plan: P3,
            service: "inpatient_surgery",
            check: Opening {
                at: "2026-10-09T19:00:00+08:00",
                expect: "2026-10-12T09:00:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)1.2 约2小时 a specialist makes contact",
            plan: P3,
            service: "expert_outpatient",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-06-02T10:15:00+08:00")],
                expect: "2026-06-02T12:15:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)1.2 约2小时 + (一)2.3 09:00-18:00: runs only while open (17:30 Friday → Monday 10:30)",
            plan: P3,
            service: "expert_outpatient",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-06-05T17:30:00+08:00")],
                expect: "2026-06-08T10:30:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)1.2 + (一)2.3: Friday 18:30 is accepted Monday 09:00, contact by 11:00",
            plan: P3,
            service: "inpatient_surgery",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-06-05T18:30:00+08:00")],
                expect: "2026-06-08T11:00:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)1.2 + (一)2.3 国家法定节假日除外: an application on National Day waits for 10-08",
            plan: P3,
            service: "expert_outpatient",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-10-03T10:00:00+08:00")],
                expect: "2026-10-08T11:00:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)1.2 + (一)2.3 周一至周五: not due on the make-up Saturday 10-10",
            plan: P3,
            service: "expert_outpatient",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-10-09T17:00:00+08:00")],
                expect: "2026-10-12T10:00:00+08:00",
            },
        },
        Row {
            clause: "seed 002 (二)2.7 申请服务之日: a Saturday application counts from its acceptance on Monday",
            plan: P3,
            service: "inpatient_surgery",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-06-06T10:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-06-05T00:00:00+08:00"),
                ],
                expect: "2026-06-17T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 002 (一)2.7 资格审核通过时5个工作日内 (the make-up Saturday 05-09 counts)",
            plan: P3,
            service: "expert_outpatient",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::EligibilityApproval, "2026-04-30T16:00:00+08:00")],
                expect: "2026-05-11T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 002 (二)2.7 申请服务并开具住院单之日起7个工作日",
            plan: P3,
            service: "inpatient_surgery",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-06-01T10:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-06-03T00:00:00+08:00"),
                ],
                expect: "2026-06-12T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 002 Q&A 指定的专家预约失败…推荐2-3位同等级别的专家供客户选择。若客户不同意，本次服务中止，不计算客户已使用服务",
            plan: P3,
            service: "expert_outpatient",
            check: Offers {
                kind: "expert",
                decline_ends: Some(true),
            },
        },
        Row {
            clause: "seed 002 Q&A 在征求客户同意后，会更改该专家的预约时间…若客户不同意，本次服务中止",
            plan: P3,
            service: "expert_outpatient",
            check: Offers {
                kind: "time",
                decline_ends: Some(true),
            },
        },
        Row {
            clause: "seed 002 (二)2.9(6) 床位紧张…调剂至同地区（市、县）同级别三甲医院: a hospital offered",
            plan: P3,
            service: "inpatient_surgery",
            check: Offers {
                kind: "hospital",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 002 (一)2.3 受理时间段以外有紧急服务咨询需求，可拨打第三方 400-678-8500…7*24 小时",
            plan: P3,
            service: "expert_outpatient",
            check: Line {
                kind: "urgent",
                number: "400-678-8500",
            },
        },
        Row {
            clause: "seed 002 (一)2.6 对于审核结果或者服务质量有异议，客户可以拨打该第三方的投诉热线400-678-8500",
            plan: P3,
            service: "inpatient_surgery",
            check: Line {
                kind: "complaint",
                number: "400-678-8500",
            },
        },
        Row {
            clause: "seed 002 (一)1.1 客户致电我司 400-609-6868 服务热线发起服务申请",
            plan: P3,
            service: "expert_outpatient",
            check: Line {
                kind: "service",
                number: "400-609-6868",
            },
        },
        Row {
            clause: "seed 002 Q&A 就诊前一天 12 点前…取消或更改即可: a change asked before noon the day before is free (the cancellation rule)",
            plan: P3,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-11-26T11:59:00+08:00",
                appointment: "2026-11-27T14:00:00+08:00",
                counted: false,
            },
        },
        Row {
            clause: "seed 002 (一)2.9(5) 「不告知陪同的医疗服务专员」: a specialist goes with the insured; the booking names them and the meeting time (interpretation)",
            plan: P3,
            service: "expert_outpatient",
            check: Escorted { escorted: true },
        },
        Row {
            clause: "seed 002 (一)2.6 「若对于审核结果…有异议」: an objection to the review's refusal",
            plan: P3,
            service: "expert_outpatient",
            check: Objects {
                kind: "objection",
                status: "rejected",
                allowed: true,
            },
        },
        Row {
            clause: "seed 002 (一)2.6 审核结果: no result to object to while the case is reviewed",
            plan: P3,
            service: "expert_outpatient",
            check: Objects {
                kind: "objection",
                status: "in_review",
                allowed: false,
            },
        },
        Row {
            clause: "seed 002 (二)2.6 「服务质量有异议」: a complaint while the service runs (interpretation: not only once it ended)",
            plan: P3,
            service: "inpatient_surgery",
            check: Objects {
                kind: "complaint",
                status: "scheduled",
                allowed: true,
            },
        },
        Row {
            clause: "seed 002 (二)2.6 「服务质量有异议」: and after it ended",
            plan: P3,
            service: "inpatient_surgery",
            check: Objects {
                kind: "complaint",
                status: "completed",
                allowed: true,
            },
        },
        Row {
            clause: "seed 002 (二)2.5(4) 「未能提供申请服务的医院科室开具的住院单」: a refusal ground of the stay",
            plan: P3,
            service: "inpatient_surgery",
            check: Refuses {
                reason: "slip_not_from_applied_department",
                applies: true,
            },
        },
        Row {
            clause: "seed 002 (二)2.5(4) is the stay's: the outpatient visit needs no slip",
            plan: P3,
            service: "expert_outpatient",
            check: Refuses {
                reason: "slip_not_from_applied_department",
                applies: false,
            },
        },
        Row {
            clause: "seed 002 (一)2.9(4) 「医保卡、身份证、就医资料原件等通过快递或邮寄等方式提前寄送至医疗服务专员处」: the insured asks how and where",
            plan: P3,
            service: "expert_outpatient",
            check: Courier {
                purpose: "send_originals",
                address_required: false,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「影像检查指定格式文件」: a CT study's DICOM files as CT material",
            plan: P3,
            service: "inpatient_surgery",
            check: RecordFile {
                kind: "dicom",
                category: "ct",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「国内病史」: a hospital's PDF report in any category",
            plan: P3,
            service: "inpatient_surgery",
            check: RecordFile {
                kind: "pdf",
                category: "discharge_summary",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、5 imaging files are imaging: no DICOM file as an admission slip",
            plan: P3,
            service: "inpatient_surgery",
            check: RecordFile {
                kind: "dicom",
                category: "admission_slip",
                accepted: false,
            },
        },
    ]
}
