//! Plan 1 (seed 000): its rows of SERVICE_RULES.md, each citing its seed clause.

use green_channel::eligibility::Reason;
use green_channel::plans::Anchor;
use green_channel::policies::record::PolicyStatus;

use super::Check::*;
use super::Relation::Insured;
use super::{P1, Policy, Row, in_force};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            clause: "seed 000 一、2(1) 等待期90天（含）: day 90 waits",
            plan: P1,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2026-03-31",
                uses: &[],
                expect: Some(Reason::WaitingPeriod),
            },
        },
        Row {
            clause: "seed 000 一、2(1) 等待期90天（含）后: day 91 serves",
            plan: P1,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2026-04-01",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 000 一、2(1) 至第3个保单生效日零时止: the day before still serves",
            plan: P1,
            service: "inpatient",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2027-12-31",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 000 一、2(1) 至第3个保单生效日零时止: closed from 00:00 of 2028-01-01",
            plan: P1,
            service: "inpatient",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2028-01-01",
                uses: &[],
                expect: Some(Reason::WindowClosed),
            },
        },
        Row {
            clause: "seed 000 一、2(1) 1次/保单年度",
            plan: P1,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2026-06-01",
                uses: &[("expert_outpatient", "2026-01-01", 1)],
                expect: Some(Reason::QuotaExhausted),
            },
        },
        Row {
            clause: "seed 000 一、2(1) 未使用的服务次数不可延期: a new policy year starts afresh",
            plan: P1,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2027-01-01",
                uses: &[("expert_outpatient", "2026-01-01", 1)],
                expect: None,
            },
        },
        Row {
            clause: "seed 000 二、2(1) 住院安排、手术安排服务各一次: inpatient used, surgery left",
            plan: P1,
            service: "surgery",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2026-06-01",
                uses: &[("inpatient", "2026-01-01", 1)],
                expect: None,
            },
        },
        Row {
            clause: "seed 000 一、2(1) 保单有效期内: a lapsed policy",
            plan: P1,
            service: "expert_outpatient",
            check: Eligibility {
                policy: Policy {
                    status: PolicyStatus::Lapsed,
                    ..in_force("2025-01-01")
                },
                relation: Insured,
                today: "2026-06-01",
                uses: &[],
                expect: Some(Reason::PolicyLapsed),
            },
        },
        Row {
            clause: "seed 000 一、2(3) 5个工作日 from the later of application, approval, materials (SERVICE_RULES example)",
            plan: P1,
            service: "expert_outpatient",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-02-09T10:00:00+08:00"),
                    (Anchor::EligibilityApproval, "2026-02-11T15:00:00+08:00"),
                    (Anchor::MaterialsComplete, "2026-02-12T16:00:00+08:00"),
                ],
                expect: "2026-02-26T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 000 二、2(3) 住院条开具之日起10个工作日",
            plan: P1,
            service: "inpatient",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-03-02T10:00:00+08:00"),
                    (Anchor::EligibilityApproval, "2026-03-02T11:00:00+08:00"),
                    (Anchor::MaterialsComplete, "2026-03-02T12:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-03-05T00:00:00+08:00"),
                ],
                expect: "2026-03-19T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 000 二、2(3) the SLA waits for the admission slip",
            plan: P1,
            service: "surgery",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::Application, "2026-03-02T10:00:00+08:00")],
                expect: "",
            },
        },
        Row {
            clause: "seed 000 二、2(3) + 步骤2 是否已开具住院条: a slip dated after the approval starts the 10 days",
            plan: P1,
            service: "inpatient",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-03-02T10:00:00+08:00"),
                    (Anchor::MaterialsComplete, "2026-03-02T12:00:00+08:00"),
                    (Anchor::EligibilityApproval, "2026-03-03T11:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-03-09T00:00:00+08:00"),
                ],
                expect: "2026-03-23T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 000 二、2(3): a slip older than the approval: the 10 days run from the approval",
            plan: P1,
            service: "surgery",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-03-02T10:00:00+08:00"),
                    (Anchor::MaterialsComplete, "2026-03-02T12:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-02-27T00:00:00+08:00"),
                    (Anchor::EligibilityApproval, "2026-03-04T11:00:00+08:00"),
                ],
                expect: "2026-03-18T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 000 一、2(4)2) 指定科室 (interpretation): the insured may name the department",
            plan: P1,
            service: "expert_outpatient",
            check: Names {
                field: "department",
                allowed: true,
            },
        },
        Row {
            clause: "seed 000 一、2(4)2) 不承诺指定医生: never the doctor",
            plan: P1,
            service: "expert_outpatient",
            check: Names {
                field: "expert",
                allowed: false,
            },
        },
        Row {
            clause: "seed 000 (silent on changing a booked time): a new time only with the insured's consent, declining keeps the case (interpretation)",
            plan: P1,
            service: "expert_outpatient",
            check: Offers {
                kind: "time",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 000 一、2: the specialist books the visit; no escort is promised",
            plan: P1,
            service: "expert_outpatient",
            check: Escorted { escorted: false },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「影像检查指定格式文件」: a CT study's DICOM files as CT material",
            plan: P1,
            service: "expert_outpatient",
            check: RecordFile {
                kind: "dicom",
                category: "ct",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「国内病史」: a hospital's PDF report in any category",
            plan: P1,
            service: "expert_outpatient",
            check: RecordFile {
                kind: "pdf",
                category: "discharge_summary",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、5 imaging files are imaging: no DICOM file as an admission slip",
            plan: P1,
            service: "expert_outpatient",
            check: RecordFile {
                kind: "dicom",
                category: "admission_slip",
                accepted: false,
            },
        },
    ]
}
