//! SERVICE_RULES.md as a table: one row (at least) per clause about eligibility, windows,
//! quotas, SLA due dates and acceptance hours, for all five plans, each citing its seed clause.
//! The rows run the shipped plan files through the same engine the API uses.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use green_channel::calendar::store::embedded_calendar;
use green_channel::eligibility::sla::{due, lead_time_ok};
use green_channel::eligibility::{PolicyFacts, Reason, Uses, evaluate_service};
use green_channel::plans::{Anchor, Plans};
use green_channel::policies::record::PolicyStatus;
use green_channel::policies::store::Relation;

use crate::registry::date;

const P1: &str = "yingshi-ci-green-channel";
const P2: &str = "starr-ci-care";
const P3: &str = "ci-green-channel-6096868";
const P4: &str = "haorensheng-ci-green-channel";
const P5: &str = "manulife-lexiang-ankang-2020";

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an instant")
        .to_utc()
}

/// A policy in force from `effective`, as eligibility sees it.
#[derive(Clone, Copy)]
struct Policy {
    effective: &'static str,
    cooling_off_end: Option<&'static str>,
    status: PolicyStatus,
    sum_insured_ok: bool,
}

const fn in_force(effective: &'static str) -> Policy {
    Policy {
        effective,
        cooling_off_end: None,
        status: PolicyStatus::InForce,
        sum_insured_ok: true,
    }
}

enum Check {
    /// `expect`: `None` = available; `Some(reason)` = that reason is among the answer's.
    Eligibility {
        policy: Policy,
        relation: Relation,
        today: &'static str,
        /// (quota key, period start, uses taken)
        uses: &'static [(&'static str, &'static str, u32)],
        expect: Option<Reason>,
    },
    /// `promise`: "sla", "first_contact" or "start_decision".
    Due {
        promise: &'static str,
        anchors: &'static [(Anchor, &'static str)],
        expect: &'static str,
    },
    Opening {
        at: &'static str,
        expect: &'static str,
    },
    LeadTime {
        application: &'static str,
        wanted: &'static str,
        expect: bool,
    },
}

struct Row {
    clause: &'static str,
    plan: &'static str,
    service: &'static str,
    check: Check,
}

use Check::*;
use Relation::{Insured, Relative};

fn rows() -> Vec<Row> {
    vec![
        // ---- Plan 1, seed 000 ----
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
        // ---- Plan 2, seed 001 ----
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
        // ---- Plan 3, seed 002 ----
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
        // ---- Plan 4, seed 003 ----
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
        // ---- Plan 5, seed 004 ----
        Row {
            clause: "seed 004 服务期限 保险合同等待内确诊疾病，不可使用服务 (90 days, interpretation)",
            plan: P5,
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
            clause: "seed 004 服务期限 度过犹豫期之日起: the tele-doctor needs no diagnosis, so no waiting",
            plan: P5,
            service: "tele_doctor",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2026-01-20",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 004 服务期限 度过犹豫期 (15 days, interpretation)",
            plan: P5,
            service: "tele_doctor",
            check: Eligibility {
                policy: in_force("2026-01-01"),
                relation: Insured,
                today: "2026-01-10",
                uses: &[],
                expect: Some(Reason::CoolingOff),
            },
        },
        Row {
            clause: "seed 004 电话医生 直系三代以内亲属 may call",
            plan: P5,
            service: "tele_doctor",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Relative,
                today: "2026-06-01",
                uses: &[],
                expect: None,
            },
        },
        Row {
            clause: "seed 004 有效期内不限次数",
            plan: P5,
            service: "tele_doctor",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Insured,
                today: "2026-06-01",
                uses: &[("tele_doctor", "2026-01-01", 99)],
                expect: None,
            },
        },
        Row {
            clause: "seed 004 绿色通道 仅限被保险人: relatives may not book the outpatient visit",
            plan: P5,
            service: "expert_outpatient",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Relative,
                today: "2026-06-01",
                uses: &[],
                expect: Some(Reason::NotInsuredPerson),
            },
        },
        Row {
            clause: "seed 004 其他注意事项 降低保额无法达到相应标准，服务自动终止",
            plan: P5,
            service: "second_opinion_overseas",
            check: Eligibility {
                policy: Policy {
                    sum_insured_ok: false,
                    ..in_force("2025-01-01")
                },
                relation: Insured,
                today: "2026-06-01",
                uses: &[],
                expect: Some(Reason::SumInsuredBelowThreshold),
            },
        },
        Row {
            clause: "seed 004 服务期限 保单续期则服务自动延续: year two has its own use",
            plan: P5,
            service: "inpatient_surgery",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Insured,
                today: "2026-01-05",
                uses: &[("inpatient_surgery", "2025-01-01", 1)],
                expect: None,
            },
        },
        Row {
            clause: "seed 004 有效期内限1次 in the same policy year",
            plan: P5,
            service: "second_opinion_overseas",
            check: Eligibility {
                policy: in_force("2025-01-01"),
                relation: Insured,
                today: "2025-12-31",
                uses: &[("second_opinion_overseas", "2025-01-01", 1)],
                expect: Some(Reason::QuotaExhausted),
            },
        },
        Row {
            clause: "seed 004 二、(二) 获得完整疾病信息之日起12~18个工作日 (the promise is the 18th)",
            plan: P5,
            service: "second_opinion_overseas",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::MaterialsComplete, "2026-09-24T10:00:00+08:00")],
                expect: "2026-10-27T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 004 三、预约服务时间为8:00-20:00，国家法定节日除外",
            plan: P5,
            service: "expert_outpatient",
            check: Opening {
                at: "2026-10-01T10:00:00+08:00",
                expect: "2026-10-08T08:00:00+08:00",
            },
        },
        Row {
            clause: "seed 004 (四)服务标准 专家门诊5个工作日, from acceptance",
            plan: P5,
            service: "expert_outpatient",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::Application, "2026-10-01T10:00:00+08:00")],
                expect: "2026-10-14T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 004 住院及手术预约流程 确认启动服务后7个工作日内 (across the 2026 Spring Festival, both make-up Saturdays count)",
            plan: P5,
            service: "inpatient_surgery",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::EligibilityApproval, "2026-02-12T10:00:00+08:00")],
                expect: "2026-02-28T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 004 电话医生 24小时即时接听，法定节假日除外",
            plan: P5,
            service: "tele_doctor",
            check: Opening {
                at: "2026-05-02T03:00:00+08:00",
                expect: "2026-05-06T00:00:00+08:00",
            },
        },
        Row {
            clause: "seed 004 电话医生 专家坐席全忙时半小时内回电",
            plan: P5,
            service: "tele_doctor",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-05-06T03:00:00+08:00")],
                expect: "2026-05-06T03:30:00+08:00",
            },
        },
    ]
}

#[test]
fn every_service_rule_holds_as_written() {
    let plans = Plans::load_dir(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/products")))
        .expect("the shipped plans");
    let calendar = embedded_calendar();
    let mut failures = Vec::new();
    let rows = rows();
    for row in &rows {
        let plan = plans.get(row.plan).expect("plan");
        let service = plan.service(row.service).expect("service");
        let outcome: Result<(), String> = match &row.check {
            Eligibility {
                policy,
                relation,
                today,
                uses,
                expect,
            } => {
                let facts = PolicyFacts {
                    effective_date: date(policy.effective),
                    expiry_date: None,
                    cooling_off_end: policy.cooling_off_end.map(date),
                    status: policy.status,
                    sum_insured_ok: policy.sum_insured_ok,
                };
                let uses: Uses = uses
                    .iter()
                    .map(|(key, start, n)| (((*key).to_owned(), date(start)), *n))
                    .collect();
                let got = evaluate_service(plan, service, &facts, *relation, date(today), &uses);
                match expect {
                    None if got.available => Ok(()),
                    Some(reason) if got.reasons.contains(reason) => Ok(()),
                    _ => Err(format!("expected {expect:?}, got {:?}", got.reasons)),
                }
            }
            Due {
                promise,
                anchors,
                expect,
            } => {
                let promise = match *promise {
                    "sla" => service.sla.as_ref(),
                    "first_contact" => service.first_contact.as_ref(),
                    _ => service.start_decision.as_ref(),
                }
                .expect("the plan makes this promise");
                let anchors: HashMap<_, _> = anchors.iter().map(|(a, t)| (*a, at(t))).collect();
                let got = due(&calendar, service, promise, &anchors);
                match (got, *expect) {
                    (None, "") => Ok(()),
                    (Some(got), expect)
                        if !expect.is_empty() && got.value == at(expect) && !got.provisional =>
                    {
                        Ok(())
                    }
                    (got, expect) => Err(format!("expected {expect:?}, got {got:?}")),
                }
            }
            Opening { at: when, expect } => {
                let got = calendar.next_opening(at(when), &service.acceptance);
                if got.value == at(expect) {
                    Ok(())
                } else {
                    Err(format!("expected {expect}, got {}", got.value))
                }
            }
            LeadTime {
                application,
                wanted,
                expect,
            } => {
                let days = service.lead_time_working_days.expect("a lead time");
                let got = lead_time_ok(&calendar, at(application), date(wanted), days);
                if got.value == *expect {
                    Ok(())
                } else {
                    Err(format!("expected {expect}, got {}", got.value))
                }
            }
        };
        if let Err(problem) = outcome {
            failures.push(format!(
                "{} [{} / {}]: {problem}",
                row.clause, row.plan, row.service
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rules broken:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
    // Every plan has rows.
    for plan in [P1, P2, P3, P4, P5] {
        assert!(
            rows.iter().filter(|r| r.plan == plan).count() >= 5,
            "{plan} has few rows"
        );
    }
}
