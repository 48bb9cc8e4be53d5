use super::*;

const SHIPPED: &str = include_str!("../../../config/subscribe_templates.toml");

fn shipped() -> Templates {
    Templates::parse(SHIPPED, false).expect("the shipped file is valid")
}

#[test]
fn the_shipped_file_covers_every_kind_and_refuses_placeholders_in_production() {
    let templates = shipped();
    for kind in <NotificationKind as strum::VariantArray>::VARIANTS {
        assert!(!templates.template_id(*kind).is_empty());
    }
    let problems = Templates::parse(SHIPPED, true).expect_err("placeholders");
    assert!(problems.iter().all(|p| p.contains("local placeholder")));
}

#[test]
fn long_values_are_cut_by_the_stated_rule() {
    let hospital = "北京大学第一医院城南院区国际医疗部特需门诊楼三层";
    let cut = fit("thing", hospital);
    assert_eq!(cut.chars().count(), 20);
    assert!(cut.ends_with('…'));
    assert_eq!(fit("thing", "北京协和医院"), "北京协和医院");
    assert_eq!(fit("character_string", &"A".repeat(40)).len(), 32);
    assert_eq!(fit("thing", "第一行\n第二行"), "第一行 第二行");
}

#[test]
fn a_scheduled_message_has_every_keyword_valid() {
    let rendered = shipped().render(
        NotificationKind::CaseScheduled,
        &json!({
            "case_id": "7d0c1b9e-0000-4000-8000-000000000001",
            "case_number": "GC2611-00042",
            "service": "重大疾病专家门诊预约",
            "appointment_at": "2026-12-01T01:30:00Z",
            "appointment_hospital": "北京大学第一医院城南院区国际医疗部特需门诊楼三层",
        }),
    );
    assert_eq!(
        rendered.page,
        "pages/case/detail?id=7d0c1b9e-0000-4000-8000-000000000001"
    );
    assert_eq!(rendered.data["time3"]["value"], "2026年12月1日 09:30");
    for (keyword, value) in rendered.data.as_object().expect("object") {
        let value = value["value"].as_str().expect("text");
        assert_eq!(invalid(keyword_type(keyword), value), None, "{keyword}");
    }
}

#[test]
fn invalid_literals_unknown_facts_and_missing_kinds_are_named() {
    let broken = SHIPPED
        .replace("phrase3 = \"已提交\"", "phrase3 = \"已经提交了申请\"")
        .replace("thing4 = \"明天就诊", "thing4 = \"{insured_name}明天就诊")
        .replace("[kinds.case_expired]", "[kinds.case_expired_x]");
    let problems = Templates::parse(&broken, false).expect_err("broken");
    let all = problems.join("\n");
    assert!(all.contains("kinds.case_submitted.data.phrase3"), "{all}");
    assert!(all.contains("{insured_name}"), "{all}");
    assert!(all.contains("kinds.case_expired is missing"), "{all}");
    assert!(
        all.contains("kinds.case_expired_x is not a notification kind"),
        "{all}"
    );
}
