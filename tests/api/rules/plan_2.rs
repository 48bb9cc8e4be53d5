//! Plan 2 (seed 001): its rows of SERVICE_RULES.md, each citing its seed clause.

use green_channel::eligibility::Reason;
use green_channel::plans::Anchor;

use super::Check::*;
use super::Relation::Insured;
use super::{P2, Row, in_force};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            clause: "seed 001 就医绿色通道 一、1 保单年度内且等待期后 (90 days, interpretation)",
            plan: P2,
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
            clause: "seed 001 国内就医陪诊 一、1 两次: one used, one left",
            plan: P2,
            service: "escort",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Insured,
                today: "2026-05-01",
                uses: &[("escort", "2026-01-01", 1)],
                expect: None,
            },
        },
        Row {
            clause: "seed 001 国内就医陪诊 一、1 两次: both used",
            plan: P2,
            service: "escort",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Insured,
                today: "2026-05-01",
                uses: &[("escort", "2026-01-01", 2)],
                expect: Some(Reason::QuotaExhausted),
            },
        },
        Row {
            clause: "seed 001 就医绿色通道 一、3 门诊预约5个工作日 from the application",
            plan: P2,
            service: "expert_outpatient",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::Application, "2026-09-29T20:00:00+08:00")],
                expect: "2026-10-12T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 就医绿色通道 一、3 住院在客户申请且住院条开具之日起10个工作日",
            plan: P2,
            service: "inpatient",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::Application, "2026-04-01T10:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-03-30T00:00:00+08:00"),
                ],
                expect: "2026-04-16T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 国内第二诊疗意见 服务流程: 资料收集完整后10个工作日内出具报告",
            plan: P2,
            service: "second_opinion_domestic",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::MaterialsComplete, "2026-05-06T09:00:00+08:00")],
                expect: "2026-05-19T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 服务流程: 2个工作日内回复是否启动",
            plan: P2,
            service: "second_opinion_overseas",
            check: Due {
                promise: "start_decision",
                anchors: &[(Anchor::Application, "2026-05-08T09:00:00+08:00")],
                expect: "2026-05-11T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4 资料收集齐全后20个工作日",
            plan: P2,
            service: "second_opinion_overseas",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::MaterialsComplete, "2026-06-01T09:00:00+08:00")],
                expect: "2026-06-30T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 服务流程: 3个工作日内回复是否启动",
            plan: P2,
            service: "overseas_treatment",
            check: Due {
                promise: "start_decision",
                anchors: &[(Anchor::Application, "2026-06-01T09:00:00+08:00")],
                expect: "2026-06-04T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、4 资料齐全、医院接收、签证签署后40个工作日",
            plan: P2,
            service: "overseas_treatment",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::MaterialsComplete, "2026-06-01T09:00:00+08:00"),
                    (Anchor::HospitalAccepted, "2026-06-10T09:00:00+08:00"),
                    (Anchor::VisaGranted, "2026-06-15T09:00:00+08:00"),
                ],
                expect: "2026-08-11T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、4: the hospital's acceptance is the last of the three (Monday 06-22: 40 wd end Monday 08-17)",
            plan: P2,
            service: "overseas_treatment",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::MaterialsComplete, "2026-06-01T09:00:00+08:00"),
                    (Anchor::VisaGranted, "2026-06-15T00:00:00+08:00"),
                    (Anchor::HospitalAccepted, "2026-06-22T00:00:00+08:00"),
                ],
                expect: "2026-08-17T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、4: no clock before the visa is recorded",
            plan: P2,
            service: "overseas_treatment",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::MaterialsComplete, "2026-06-01T09:00:00+08:00"),
                    (Anchor::HospitalAccepted, "2026-06-10T00:00:00+08:00"),
                ],
                expect: "",
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、5 医院无法接收: ends the service, not counted (interpretation)",
            plan: P2,
            service: "overseas_treatment",
            check: Ends {
                reason: "hospital_refused",
                counted: false,
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、5 医疗签证无法办理: ends the service, not counted (interpretation)",
            plan: P2,
            service: "overseas_treatment",
            check: Ends {
                reason: "visa_refused",
                counted: false,
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、5 被保人自身原因: counted",
            plan: P2,
            service: "overseas_treatment",
            check: Ends {
                reason: "customer_reasons",
                counted: true,
            },
        },
        Row {
            clause: "seed 001 一、6 silent on cancelling: the day before the visit is free (interpretation)",
            plan: P2,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-06-09T23:59:00+08:00",
                appointment: "2026-06-10T09:00:00+08:00",
                counted: false,
            },
        },
        Row {
            clause: "seed 001 一、6 未在预定时间就医视为已完成: a cancellation on the day counts",
            plan: P2,
            service: "inpatient",
            check: Cancel {
                now: "2026-06-10T07:00:00+08:00",
                appointment: "2026-06-10T09:00:00+08:00",
                counted: true,
            },
        },
        Row {
            clause: "seed 001 国内就医陪诊 silent on cancelling: the day before is free (interpretation)",
            plan: P2,
            service: "escort",
            check: Cancel {
                now: "2026-06-09T18:00:00+08:00",
                appointment: "2026-06-10T09:00:00+08:00",
                counted: false,
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 二、服务流程: the hospital abroad chosen with the insured",
            plan: P2,
            service: "overseas_treatment",
            check: Offers {
                kind: "institution",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 001 国内就医陪诊服务 一、5 未到达指定陪诊医院: the insured names the hospital the escort meets them at",
            plan: P2,
            service: "escort",
            check: Names {
                field: "hospital",
                allowed: true,
            },
        },
        Row {
            clause: "seed 001 国内就医陪诊 流程 「为被保人预约就医陪同人员」, 一5: the booking names the escort, by name and phone, and when they meet",
            plan: P2,
            service: "escort",
            check: Escorted { escorted: true },
        },
        Row {
            clause: "seed 001 流程 「服务终止 · 登记备案」: an application in the waiting period is registered",
            plan: P2,
            service: "escort",
            check: Registers {
                reason: "waiting_period",
            },
        },
        Row {
            clause: "seed 001 流程 「服务终止 · 登记备案」: outside the policy year",
            plan: P2,
            service: "expert_outpatient",
            check: Registers {
                reason: "window_closed",
            },
        },
        Row {
            clause: "seed 001 流程 「服务终止 · 登记备案」: not covered (a city outside the list)",
            plan: P2,
            service: "escort",
            check: Registers {
                reason: "city_not_covered",
            },
        },
        Row {
            clause: "seed 001 海外就医综合服务 一、1 「当地陪诊（不超过 40h）」; 二、服务流程 「医疗服务情况报告和账单交付甲方，服务完成」",
            plan: P2,
            service: "overseas_treatment",
            check: Abroad {
                escort_hours: Some(40),
                bill: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见: a report, no bills, nobody travels",
            plan: P2,
            service: "second_opinion_overseas",
            check: Abroad {
                escort_hours: None,
                bill: false,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见: no forms of the provider's and no explanation step named",
            plan: P2,
            service: "second_opinion_overseas",
            check: OpinionSteps {
                forms: 0,
                forms_required: false,
                explanation: false,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「影像检查指定格式文件」: a CT study's DICOM files as CT material",
            plan: P2,
            service: "second_opinion_overseas",
            check: RecordFile {
                kind: "dicom",
                category: "ct",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「国内病史」: a hospital's PDF report in any category",
            plan: P2,
            service: "second_opinion_overseas",
            check: RecordFile {
                kind: "pdf",
                category: "discharge_summary",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、5 imaging files are imaging: no DICOM file as an admission slip",
            plan: P2,
            service: "second_opinion_overseas",
            check: RecordFile {
                kind: "dicom",
                category: "admission_slip",
                accepted: false,
            },
        },
    ]
}
