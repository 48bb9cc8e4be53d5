//! Plan 4 (seed 003): its rows of SERVICE_RULES.md, each citing its seed clause.

use green_channel::eligibility::Reason;
use green_channel::plans::Anchor;

use super::Check::*;
use super::Relation::Insured;
use super::{P4, Row, in_force};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            clause: "seed 003 开篇 保单有效期内服务使用申请一次: an outpatient use blocks inpatient too",
            plan: P4,
            service: "inpatient_surgery",
            check: Eligibility {
                policy: in_force("2025-07-01"),
                relation: Insured,
                today: "2026-07-01",
                uses: &[("one_application", "2025-07-01", 1)],
                expect: Some(Reason::QuotaExhausted),
            },
        },
        Row {
            clause: "seed 003 开篇 患有或疑似患有: no waiting period, usable from the effective date",
            plan: P4,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-07-01"),
                relation: Insured,
                today: "2026-07-01",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 003 一、服务流程1 服务时间08:00-20:00，春节法定假期不提供服务",
            plan: P4,
            service: "expert_outpatient",
            check: Opening {
                at: "2026-02-14T20:30:00+08:00",
                expect: "2026-02-24T08:00:00+08:00",
            },
        },
        Row {
            clause: "seed 003 一、服务流程1 open on an ordinary Sunday",
            plan: P4,
            service: "inpatient_surgery",
            check: Opening {
                at: "2026-03-08T19:59:00+08:00",
                expect: "2026-03-08T19:59:00+08:00",
            },
        },
        Row {
            clause: "seed 003 一、服务流程1 提前5个工作日: five working days ahead is enough",
            plan: P4,
            service: "expert_outpatient",
            check: LeadTime {
                application: "2026-06-01T10:00:00+08:00",
                wanted: "2026-06-08",
                expect: true,
            },
        },
        Row {
            clause: "seed 003 一、服务流程1 提前5个工作日: four is not",
            plan: P4,
            service: "expert_outpatient",
            check: LeadTime {
                application: "2026-06-01T10:00:00+08:00",
                wanted: "2026-06-05",
                expect: false,
            },
        },
        Row {
            clause: "seed 003 一、服务流程3 1-2个工作日内确认医院",
            plan: P4,
            service: "expert_outpatient",
            check: Due {
                promise: "start_decision",
                anchors: &[(Anchor::Application, "2026-06-05T19:30:00+08:00")],
                expect: "2026-06-09T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 003 二、服务流程3 8-10个工作日内协调安排住院 (the promise is the 10th)",
            plan: P4,
            service: "inpatient_surgery",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-06-01T09:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-06-01T00:00:00+08:00"),
                ],
                expect: "2026-06-15T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 003 二、服务流程4(无入院通知单) 3个工作日内协调专家门诊",
            plan: P4,
            service: "inpatient_surgery",
            check: Due {
                promise: "start_decision",
                anchors: &[(Anchor::Application, "2026-06-01T09:00:00+08:00")],
                expect: "2026-06-04T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 003 一、注意事项10 silent on cancelling: the day before the visit is free (interpretation)",
            plan: P4,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-06-09T23:59:00+08:00",
                appointment: "2026-06-10T09:00:00+08:00",
                counted: false,
            },
        },
        Row {
            clause: "seed 003 一、注意事项10 未如约赴诊视为已使用: a cancellation on the day counts",
            plan: P4,
            service: "inpatient_surgery",
            check: Cancel {
                now: "2026-06-10T08:00:00+08:00",
                appointment: "2026-06-10T14:00:00+08:00",
                counted: true,
            },
        },
        Row {
            clause: "seed 003 二、服务流程3 1-2 个工作日内，根据客户情况选择合适的医院并与客户电话确认",
            plan: P4,
            service: "inpatient_surgery",
            check: Offers {
                kind: "hospital",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 003 注意事项6 床位紧张，好人生可为客户调剂至同级别三甲医院",
            plan: P4,
            service: "expert_outpatient",
            check: Offers {
                kind: "hospital",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 003 一4 「就诊前1日…确认导医服务的等候地点、时间」: the guide, the place and the time are named",
            plan: P4,
            service: "expert_outpatient",
            check: Escorted { escorted: true },
        },
        Row {
            clause: "seed 003 二、注意事项8② 「开具入院通知单的医院非客户要求入院的医院」: arranged as without a slip",
            plan: P4,
            service: "inpatient_surgery",
            check: NoSlipPath {
                slip_hospital: Some("3a-0001"),
                hospital: "3a-0006",
                outpatient_first: true,
            },
        },
        Row {
            clause: "seed 003 二 「如客户已有…入院通知单」: the slip of the hospital asked for is arranged from",
            plan: P4,
            service: "inpatient_surgery",
            check: NoSlipPath {
                slip_hospital: Some("3a-0006"),
                hospital: "3a-0006",
                outpatient_first: false,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「影像检查指定格式文件」: a CT study's DICOM files as CT material",
            plan: P4,
            service: "inpatient_surgery",
            check: RecordFile {
                kind: "dicom",
                category: "ct",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「国内病史」: a hospital's PDF report in any category",
            plan: P4,
            service: "inpatient_surgery",
            check: RecordFile {
                kind: "pdf",
                category: "discharge_summary",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、5 imaging files are imaging: no DICOM file as an admission slip",
            plan: P4,
            service: "inpatient_surgery",
            check: RecordFile {
                kind: "dicom",
                category: "admission_slip",
                accepted: false,
            },
        },
    ]
}
