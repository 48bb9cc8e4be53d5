//! Plan 5 (seed 004): its rows of SERVICE_RULES.md, each citing its seed clause.

use green_channel::eligibility::Reason;
use green_channel::plans::Anchor;

use super::Check::*;
use super::Relation::{Insured, Relative};
use super::{P5, Policy, Row, in_force};

pub(super) fn rows() -> Vec<Row> {
    vec![
        Row {
            clause: "seed 004 四、(三) 至少提前2个工作日: Tuesday for a Thursday visit is in time",
            plan: P5,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-06-09T20:00:00+08:00",
                appointment: "2026-06-11T09:00:00+08:00",
                counted: false,
            },
        },
        Row {
            clause: "seed 004 四、(三) 至少提前2个工作日: Wednesday for a Thursday visit counts as used",
            plan: P5,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-06-10T09:00:00+08:00",
                appointment: "2026-06-11T09:00:00+08:00",
                counted: true,
            },
        },
        Row {
            clause: "seed 004 四、(三) 至少提前2个工作日: Friday for Monday counts (the weekend gives no notice)",
            plan: P5,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-06-12T09:00:00+08:00",
                appointment: "2026-06-15T09:00:00+08:00",
                counted: true,
            },
        },
        Row {
            clause: "seed 004 四、(三) 至少提前2个工作日: the make-up Saturday 2026-10-10 is a working day of notice",
            plan: P5,
            service: "expert_outpatient",
            check: Cancel {
                now: "2026-10-09T09:00:00+08:00",
                appointment: "2026-10-12T09:00:00+08:00",
                counted: false,
            },
        },
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
            clause: "seed 004 住院及手术预约流程 确认启动服务后7个工作日内 (across the 2026 Spring Festival, both make-up Saturdays count; the slip held at application)",
            plan: P5,
            service: "inpatient_surgery",
            check: Due {
                promise: "sla",
                anchors: &[
                    (Anchor::EligibilityApproval, "2026-02-12T10:00:00+08:00"),
                    (Anchor::AdmissionSlipDate, "2026-02-10T00:00:00+08:00"),
                ],
                expect: "2026-02-28T23:59:59+08:00",
            },
        },
        Row {
            clause: "seed 004 四(三) 如无住院单，则由服务供应商协调安排重疾特需/专家门诊: the stay's 7 wd wait for the slip that visit brings (interpretation)",
            plan: P5,
            service: "inpatient_surgery",
            check: Due {
                promise: "sla",
                anchors: &[(Anchor::EligibilityApproval, "2026-11-23T10:00:00+08:00")],
                expect: "",
            },
        },
        Row {
            clause: "seed 004 四(三) …协调安排重疾特需/专家门诊: the outpatient visit within the 7 working days of the service standard (interpretation)",
            plan: P5,
            service: "inpatient_surgery",
            check: Due {
                promise: "start_decision",
                anchors: &[(Anchor::EligibilityApproval, "2026-11-23T10:00:00+08:00")],
                expect: "2026-12-02T23:59:59+08:00",
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
        Row {
            clause: "seed 004 电话医生 半小时内回电 + 法定节假日除外: a call on a holiday counts from its end",
            plan: P5,
            service: "tele_doctor",
            check: Due {
                promise: "first_contact",
                anchors: &[(Anchor::Application, "2026-05-02T03:00:00+08:00")],
                expect: "2026-05-06T00:30:00+08:00",
            },
        },
        Row {
            clause: "seed 004 二(二) 遴选3家国际知名医疗机构供被服务人进行选择（3选1）",
            plan: P5,
            service: "second_opinion_overseas",
            check: Offers {
                kind: "institution",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 004 四(三) 被服务人需给出备选医院或由医生推荐同级别备选医院进行预约",
            plan: P5,
            service: "inpatient_surgery",
            check: Offers {
                kind: "hospital",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 004 四(三) 与被服务人进行沟通确认: a new time only with consent",
            plan: P5,
            service: "expert_outpatient",
            check: Offers {
                kind: "time",
                decline_ends: Some(false),
            },
        },
        Row {
            clause: "seed 004 二(二) institutions abroad are for the overseas second opinion only: no expert offer on the tele-doctor",
            plan: P5,
            service: "tele_doctor",
            check: Offers {
                kind: "expert",
                decline_ends: None,
            },
        },
        Row {
            clause: "seed 004 其他需要注意的事项 致电我公司全国被服务人服务热线95383",
            plan: P5,
            service: "tele_doctor",
            check: Line {
                kind: "insurer",
                number: "95383",
            },
        },
        Row {
            clause: "seed 004 一、电话医生: a physician calls back; arranged as a call time, no hospital (by_call)",
            plan: P5,
            service: "tele_doctor",
            check: Names {
                field: "hospital",
                allowed: false,
            },
        },
        Row {
            clause: "seed 004 重疾特需/专家门诊 「实现就医（含当天陪诊）」: the escort of the day is named",
            plan: P5,
            service: "expert_outpatient",
            check: Escorted { escorted: true },
        },
        Row {
            clause: "seed 004 电话医生: the physician calls; nobody meets the insured",
            plan: P5,
            service: "tele_doctor",
            check: Escorted { escorted: false },
        },
        Row {
            clause: "seed 004 重疾住院和手术协调 「安排手术」: the surgery date agreed with the doctor is recorded; a date the hospital moves (不可抗力导致手术时间变更) is never a use",
            plan: P5,
            service: "inpatient_surgery",
            check: Surgery { arranged: true },
        },
        Row {
            clause: "seed 004 重疾特需/专家门诊协调: a visit arranges no surgery",
            plan: P5,
            service: "expert_outpatient",
            check: Surgery { arranged: false },
        },
        Row {
            clause: "seed 004 二(二) 「寄送相关表格请被服务人填写」, 「好人生健康管理专家将为被服务人进行意见书的解读」",
            plan: P5,
            service: "second_opinion_overseas",
            check: OpinionSteps {
                forms: 2,
                forms_required: true,
                explanation: true,
            },
        },
        Row {
            clause: "seed 004 陪诊 「报告及医保卡等通过快递寄送」: documents sent back to the insured's address",
            plan: P5,
            service: "expert_outpatient",
            check: Courier {
                purpose: "return_documents",
                address_required: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「影像检查指定格式文件」: a CT study's DICOM files as CT material",
            plan: P5,
            service: "expert_outpatient",
            check: RecordFile {
                kind: "dicom",
                category: "ct",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、4–5 「国内病史」: a hospital's PDF report in any category",
            plan: P5,
            service: "expert_outpatient",
            check: RecordFile {
                kind: "pdf",
                category: "discharge_summary",
                accepted: true,
            },
        },
        Row {
            clause: "seed 001 海外第二诊疗意见 一、5 imaging files are imaging: no DICOM file as an admission slip",
            plan: P5,
            service: "expert_outpatient",
            check: RecordFile {
                kind: "dicom",
                category: "admission_slip",
                accepted: false,
            },
        },
    ]
}
