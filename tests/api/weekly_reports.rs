//! Issue 15, the insurer's weekly service-progress report: a fixture week built through the API
//! on the business clock (2026-W41, the week after the National Day holiday, with a promise that
//! ran across it), the report made by the Monday job and by `report weekly`, its numbers checked
//! cell by cell against figures this test works out from the fixture itself; the XLSX read back
//! with calamine, the CSV parsed; who may list and download it.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};

use crate::binary::green_channel;
use crate::case_support::*;
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, TestApp, database_url, error_body};
use crate::on_both_backends;
use crate::reports::{PDF, upload_report};

const SUMMARY: [&str; 14] = [
    "新申请",
    "提交",
    "审核通过",
    "不予受理",
    "完成安排",
    "服务完成",
    "用户未到",
    "取消（计次）",
    "取消（不计次）",
    "终止",
    "周末在办",
    "本周消耗次数",
    "异议",
    "投诉",
];

/// The figures this test expects, by service id, in `SUMMARY`'s order.
fn expected_w41() -> BTreeMap<&'static str, [u64; 14]> {
    BTreeMap::from([
        // C (refused, and objected to) and E (arranged, cancelled the day before: free).
        (
            "expert_outpatient",
            [2, 2, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0],
        ),
        ("inpatient", [0; 14]),
        // D: applied, approved, started and completed with its report: one use; a complaint.
        (
            "second_opinion_domestic",
            [1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1],
        ),
        // A arranged in the week, B still waiting, I a no-show (counted); F closed before.
        ("escort", [0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 2, 1, 0, 0]),
        ("second_opinion_overseas", [0; 14]),
        // J: the visa refused (not counted).
        (
            "overseas_treatment",
            [1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0],
        ),
    ])
}

async fn act(app: &TestApp, token: &str, case: &Value, action: &str, body: Value) -> Value {
    let mut body = body;
    body["version"] = json!(version(case));
    ok(
        app,
        &format!("/api/v1/staff/cases/{}/{action}", id(case)),
        token,
        &body,
    )
    .await
}

async fn submitted(app: &TestApp, token: &str, case: &Value) -> Value {
    complete_materials(app, token, &id(case)).await;
    ok(
        app,
        &format!("/api/v1/cases/{}/submit", id(case)),
        token,
        &json!({}),
    )
    .await
}

/// Rows of a sheet as text (numbers as integers where they are whole).
fn rows(range: &calamine::Range<Data>) -> Vec<Vec<String>> {
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The summary table: service name → its fourteen figures, and the total row.
fn summary_table(rows: &[Vec<String>]) -> (BTreeMap<String, Vec<u64>>, Vec<u64>) {
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "保障计划"))
        .expect("the summary's header");
    assert_eq!(&rows[header][2..16], SUMMARY.map(str::to_owned).as_slice());
    let mut lines = BTreeMap::new();
    for row in &rows[header + 1..] {
        let figures: Vec<u64> = row[2..16]
            .iter()
            .map(|c| c.parse().expect("a count"))
            .collect();
        if row[0] == "合计" {
            return (lines, figures);
        }
        lines.insert(row[1].clone(), figures);
    }
    panic!("no total row");
}

fn check_summary(app: &TestApp, rows: &[Vec<String>]) {
    let plan = app.state.plans.get(PLAN2).expect("plan 2");
    let (lines, total) = summary_table(rows);
    let mut sum = [0u64; 14];
    for (service, figures) in expected_w41() {
        let name = &plan.service(service).expect("service").name;
        assert_eq!(lines[name], figures, "{service}");
        for (s, f) in sum.iter_mut().zip(figures) {
            *s += f;
        }
    }
    assert_eq!(lines.len(), 6, "every service of the plan, none other");
    assert_eq!(total, sum);
}

fn check_promises(app: &TestApp, rows: &[Vec<String>]) {
    let plan = app.state.plans.get(PLAN2).expect("plan 2");
    let escort = &plan.service("escort").expect("escort").name;
    assert_eq!(rows[0][0], "保障计划");
    for row in &rows[1..] {
        if &row[1] == escort && row[2] == "服务安排" {
            // A (kept: 4 working days, 09-29, 09-30, 10-08, 10-09 — the holiday not counted)
            // and B (missed, still not arranged at the week's end).
            assert_eq!(row[4], "工作日");
            assert_eq!(&row[5..11], ["2", "1", "1", "4", "4", "1"], "{row:?}");
        } else {
            assert_eq!(&row[5..8], ["0", "0", "0"], "{row:?}");
            assert_eq!(row[10], "0", "{row:?}");
        }
    }
}

/// The register of refusals at intake: W's escort in its waiting period, nothing about W.
fn check_refusals(app: &TestApp, rows: &[Vec<String>]) {
    let plan = app.state.plans.get(PLAN2).expect("plan 2");
    let escort = &plan.service("escort").expect("escort").name;
    assert_eq!(
        rows[0],
        ["保障计划", "服务", "拒绝原因", "次数"],
        "{rows:?}"
    );
    assert_eq!(
        rows[1..].to_vec(),
        vec![vec![
            plan.name.clone(),
            escort.clone(),
            "等待期内".to_owned(),
            "1".to_owned()
        ]],
        "{rows:?}"
    );
}

/// The case list: (number, status, SLA, outcome) by number, and the masked names.
fn check_cases(rows: &[Vec<String>], expected: &[(String, &str, &str, &str)]) {
    assert_eq!(rows[0][0], "案件编号");
    let listed: Vec<(String, String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[0].clone(), r[5].clone(), r[12].clone(), r[10].clone()))
        .collect();
    let expected: Vec<(String, String, String, String)> = expected
        .iter()
        .map(|(n, s, sla, o)| {
            (
                n.clone(),
                (*s).to_owned(),
                (*sla).to_owned(),
                (*o).to_owned(),
            )
        })
        .collect();
    assert_eq!(listed, expected);
    assert!(rows[1..].iter().all(|r| r[4] == "张**"), "masked: {rows:?}");
    // No ID number, phone or illness anywhere.
    let all = rows.concat().join("|");
    assert!(!all.contains("1101051980") && !all.contains("CI-01") && !all.contains("张三丰"));
}

fn status(status: &str) -> &'static str {
    green_channel::cases::view::status_text(
        green_channel::cases::lifecycle::Status::parse(status).expect("a status"),
    )
}

async fn the_weekly_report_matches_the_cases(backend: Backend) {
    let app = app_at(backend, "2026-09-28T10:00:00+08:00").await;
    let specialist = staff(&app, "wk-specialist", "specialist", Some("starr")).await;
    let p3_specialist = staff(&app, "wk-p3", "specialist", Some(PLAN3_INSURER)).await;
    let mut users = BTreeMap::new();
    for (i, who) in ["a", "b", "c", "d", "e", "f", "i", "j"].iter().enumerate() {
        let id17 = format!("110105198001011{i:02}");
        users.insert(
            *who,
            insured(&app, &format!("wk-{who}"), PLAN2, "2026-01-05", &id17).await,
        );
    }
    let (k, k_policy) = insured(&app, "wk-k", PLAN3, "2026-01-05", "11010519800101199").await;
    // W's policy took effect on 09-01: still in its 90-day waiting period in the week.
    let (w, w_policy) = insured(&app, "wk-w", PLAN2, "2026-09-01", "11010519800101198").await;
    let escort = |who: &str| {
        json!({"policy_id": users[who].1, "service": "escort", "city": "110100",
               "diagnosis_state": "confirmed", "illness_id": "CI-01"})
    };
    let user = |who: &str| users[who].0.clone();

    // Monday 09-28: A, B and F ask for an escort (5 working days: due 10-10, across the holiday).
    let a = approved(
        &app,
        &user("a"),
        &specialist,
        &created(&app, &user("a"), &escort("a")).await,
    )
    .await;
    let b = approved(
        &app,
        &user("b"),
        &specialist,
        &created(&app, &user("b"), &escort("b")).await,
    )
    .await;
    let f = approved(
        &app,
        &user("f"),
        &specialist,
        &created(&app, &user("f"), &escort("f")).await,
    )
    .await;
    // 09-29: I asks; F is arranged for 09-30.
    set_clock(&app, "2026-09-29T10:00:00+08:00").await;
    let i = approved(
        &app,
        &user("i"),
        &specialist,
        &created(&app, &user("i"), &escort("i")).await,
    )
    .await;
    let f = scheduled(&app, &specialist, &f, "2026-09-30T09:00:00+08:00").await;
    // 09-30: F's visit happens (closed before the week: not in its list); I is arranged for 10-09.
    set_clock(&app, "2026-09-30T10:00:00+08:00").await;
    act(&app, &specialist, &f, "complete", json!({})).await;
    let i = scheduled(&app, &specialist, &i, "2026-10-09T09:00:00+08:00").await;

    // Thursday 10-08, in the week: C refused, D started, J approved, H a draft, K another insurer's.
    set_clock(&app, "2026-10-08T10:00:00+08:00").await;
    let c = created(&app, &user("c"), &beijing_outpatient(&users["c"].1)).await;
    let c = submitted(&app, &user("c"), &c).await;
    let c = act(&app, &specialist, &c, "claim", json!({})).await;
    let c = act(
        &app,
        &specialist,
        &c,
        "reject",
        json!({"reason": "not_a_covered_illness"}),
    )
    .await;
    // C's insured objects to the refusal (seed 002 (一)2.6): counted in the week.
    let c = ok(
        &app,
        &format!("/api/v1/cases/{}/objections", id(&c)),
        &user("c"),
        &json!({"version": version(&c), "kind": "objection", "text": "我有二甲医院的疑似诊断病历"}),
    )
    .await;
    let d = created(
        &app,
        &user("d"),
        &json!({"policy_id": users["d"].1, "service": "second_opinion_domestic", "city": "310100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let d = approved(&app, &user("d"), &specialist, &d).await;
    let d = act(&app, &specialist, &d, "start", json!({})).await;
    let j = created(
        &app,
        &user("j"),
        &json!({"policy_id": users["j"].1, "service": "overseas_treatment", "city": "US",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let j = approved(&app, &user("j"), &specialist, &j).await;
    created(
        &app,
        &user("c"),
        &json!({"policy_id": users["c"].1, "service": "second_opinion_overseas", "city": "US",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    let k_case = created(
        &app,
        &k,
        &json!({"policy_id": k_policy, "service": "expert_outpatient",
                "diagnosis_state": "suspected", "illness_id": "CI-01"}),
    )
    .await;
    act(&app, &p3_specialist, &k_case, "claim", json!({})).await;
    // W is refused (registered without W's name: seed 001 登记备案).
    let refused = create(
        &app,
        &w,
        "wk-w-escort",
        &json!({"policy_id": w_policy, "service": "escort", "city": "110100",
                "diagnosis_state": "confirmed", "illness_id": "CI-01"}),
    )
    .await;
    assert_eq!(refused.status().as_u16(), 403);

    // 10-09: A arranged (kept); D's report and completion; E applied and arranged; J's visa
    // refused; at noon I has not come.
    set_clock(&app, "2026-10-09T10:00:00+08:00").await;
    let a = scheduled(&app, &specialist, &a, "2026-10-12T09:00:00+08:00").await;
    assert_eq!(
        upload_report(&app, &specialist, &id(&d), "opinion.pdf", PDF)
            .await
            .status()
            .as_u16(),
        201
    );
    let d = act(&app, &specialist, &d, "complete", json!({})).await;
    ok(
        &app,
        &format!("/api/v1/cases/{}/objections", id(&d)),
        &user("d"),
        &json!({"version": version(&d), "kind": "complaint", "text": "报告出得比说好的晚"}),
    )
    .await;
    let e = approved(
        &app,
        &user("e"),
        &specialist,
        &created(&app, &user("e"), &beijing_outpatient(&users["e"].1)).await,
    )
    .await;
    let e = scheduled(&app, &specialist, &e, "2026-10-16T09:00:00+08:00").await;
    act(
        &app,
        &specialist,
        &j,
        "terminate",
        json!({"reason": "visa_refused"}),
    )
    .await;
    set_clock(&app, "2026-10-09T12:00:00+08:00").await;
    act(&app, &specialist, &i, "no-show", json!({})).await;
    // 10-10 (the make-up Saturday): E cancels, six days ahead: free.
    set_clock(&app, "2026-10-10T10:00:00+08:00").await;
    ok(
        &app,
        &format!("/api/v1/cases/{}/cancel", id(&e)),
        &user("e"),
        &json!({}),
    )
    .await;
    // Monday 10-12 08:00, after the week: G (B's second escort) is not in it.
    set_clock(&app, "2026-10-12T08:00:00+08:00").await;
    let g = created(&app, &user("b"), &escort("b")).await;
    submitted(&app, &user("b"), &g).await;

    // Before 09:00 nothing is due; from 09:00 the week before is made, once.
    use green_channel::reports::weekly::job;
    assert_eq!(job::run_due(&app.state).await.expect("run"), 0);
    set_clock(&app, "2026-10-12T09:30:00+08:00").await;
    assert_eq!(
        job::run_due(&app.state).await.expect("run"),
        2,
        "XLSX and CSV"
    );
    assert_eq!(job::run_due(&app.state).await.expect("run"), 0, "made once");

    let number = |case: &Value| case["number"].as_str().expect("number").to_owned();
    let expected_cases = [
        (number(&a), status("scheduled"), "按时", ""),
        (number(&b), status("approved"), "超时", ""),
        (
            number(&i),
            status("no_show"),
            "按时",
            &*format!("{}（计为已使用）", status("no_show")),
        ),
        (
            number(&c),
            status("rejected"),
            "—",
            &*format!("{}（不计次数）", status("rejected")),
        ),
        (
            number(&d),
            status("completed"),
            "按时",
            &*format!("{}（计为已使用）", status("completed")),
        ),
        (
            number(&j),
            status("terminated"),
            "—",
            &*format!("{}（不计次数）", status("terminated")),
        ),
        (
            number(&e),
            status("cancelled"),
            "按时",
            &*format!("{}（不计次数）", status("cancelled")),
        ),
    ];
    let expected_cases: Vec<(String, &str, &str, &str)> = expected_cases
        .iter()
        .map(|(n, s, sla, o)| (n.clone(), *s, *sla, *o))
        .collect();

    // The insurer's viewer lists and downloads both.
    let viewer = staff(&app, "wk-viewer", "insurer_viewer", Some("starr")).await;
    let listed: Value = get(&app, "/api/v1/staff/reports?week=2026-W41", Some(&viewer))
        .await
        .json()
        .await
        .expect("JSON");
    let items = listed["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2, "{listed}");
    assert!(
        items
            .iter()
            .all(|r| r["insurer"] == "starr" && r["case_count"] == 7)
    );
    let download = |format: &str| {
        let report = items
            .iter()
            .find(|r| r["format"] == format)
            .expect("listed")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        let app = &app;
        let viewer = viewer.clone();
        async move {
            let response = get(
                app,
                &format!("/api/v1/staff/reports/{report}"),
                Some(&viewer),
            )
            .await;
            assert_eq!(response.status().as_u16(), 200);
            (report, response.bytes().await.expect("bytes").to_vec())
        }
    };

    // XLSX: three sheets, read back cell by cell.
    let (xlsx_id, xlsx) = download("xlsx").await;
    let check_xlsx = |bytes: Vec<u8>| {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an XLSX");
        assert_eq!(
            book.sheet_names(),
            ["汇总", "时限承诺", "拒绝登记", "案件清单"]
        );
        check_refusals(
            &app,
            &rows(&book.worksheet_range("拒绝登记").expect("拒绝登记")),
        );
        let summary = book.worksheet_range("汇总").expect("汇总");
        check_summary(&app, &rows(&summary));
        check_promises(
            &app,
            &rows(&book.worksheet_range("时限承诺").expect("时限承诺")),
        );
        let cases = book.worksheet_range("案件清单").expect("案件清单");
        check_cases(&rows(&cases), &expected_cases);
        // Dates are dates: the application time of every case, the arrangement where there is one.
        let grid: Vec<&[Data]> = cases.rows().collect();
        assert!(grid[1..].iter().all(|r| r[6].is_datetime()));
        assert!(grid[1][8].is_datetime() && grid[2][8] == Data::Empty);
    };
    check_xlsx(xlsx);

    // CSV: UTF-8 with a BOM, the three tables under their titles.
    let (_, csv_bytes) = download("csv").await;
    assert!(csv_bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(csv_bytes[3..].to_vec()).expect("UTF-8");
    let records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a record").iter().map(str::to_owned).collect())
        .collect();
    let section = |title: &str| {
        let start = records.iter().position(|r| r[0] == title).expect(title) + 1;
        let end = records[start..]
            .iter()
            .position(|r| r.len() == 1 && (r[0].is_empty() || r[0].starts_with('【')))
            .map_or(records.len(), |n| start + n);
        records[start..end].to_vec()
    };
    check_summary(&app, &section("【汇总】"));
    check_promises(&app, &section("【时限承诺】"));
    check_refusals(&app, &section("【拒绝登记】"));
    check_cases(&section("【案件清单】"), &expected_cases);

    // `report weekly` on the same database writes the same figures.
    let dir = tempfile::tempdir().expect("a dir");
    let out = dir.path().join("w41.xlsx");
    let url = database_url(&app);
    let output = green_channel(
        &[
            "report",
            "weekly",
            "--insurer",
            "starr",
            "--week",
            "2026-W41",
            "--out",
            out.to_str().expect("path"),
        ],
        &[
            ("APP_DATABASE__URL", &url),
            ("APP_WORKER__IN_PROCESS", "false"),
        ],
    )
    .output()
    .await
    .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("7 cases"));
    check_xlsx(std::fs::read(&out).expect("written"));

    // Another insurer's report holds its own case only; an empty week says so.
    let insurers = green_channel::reports::store::insurers(&app.db)
        .await
        .expect("insurers");
    let p3 = insurers
        .iter()
        .find(|i| i.code == PLAN3_INSURER)
        .expect("plan 3's");
    let starr = insurers.iter().find(|i| i.code == "starr").expect("starr");
    use green_channel::reports::weekly::{Format, Week};
    let w41 = Week::parse("2026-W41").expect("week");
    let totals = job::make_and_store(&app.state, p3, w41, Format::Csv)
        .await
        .expect("made");
    assert_eq!(totals.cases, 1);
    let empty = job::make_and_store(
        &app.state,
        starr,
        Week::parse("2026-W39").expect("w"),
        Format::Csv,
    )
    .await
    .expect("made");
    assert_eq!(empty.cases, 0);

    // Who may see what.
    let other = staff(&app, "wk-other", "insurer_viewer", Some(PLAN3_INSURER)).await;
    let supervisor = staff(&app, "wk-supervisor", "supervisor", None).await;
    let (status, code, _) =
        error_body(get(&app, "/api/v1/staff/reports?insurer=starr", Some(&other)).await).await;
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let own: Value = get(&app, "/api/v1/staff/reports", Some(&other))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(own["items"].as_array().expect("items").len(), 1);
    assert_eq!(own["items"][0]["insurer"], PLAN3_INSURER);
    let response = get(
        &app,
        &format!("/api/v1/staff/reports/{xlsx_id}"),
        Some(&other),
    )
    .await;
    assert_eq!(response.status().as_u16(), 404);
    let (status, code, _) =
        error_body(get(&app, "/api/v1/staff/reports", Some(&specialist)).await).await;
    assert_eq!((status, code.as_str()), (403, "forbidden_role"));
    let response = get(
        &app,
        &format!("/api/v1/staff/reports/{xlsx_id}"),
        Some(&specialist),
    )
    .await;
    assert_eq!(response.status().as_u16(), 403);
    let all: Value = get(&app, "/api/v1/staff/reports", Some(&supervisor))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(all["items"].as_array().expect("items").len(), 4);
    let empty_csv = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|r| r["week"] == "2026-W39")
        .expect("W39")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let body = get(
        &app,
        &format!("/api/v1/staff/reports/{empty_csv}"),
        Some(&supervisor),
    )
    .await
    .text()
    .await
    .expect("text");
    assert!(body.contains("本周没有在办或办结的案件"), "{body}");
    for (query, code) in [
        ("week=2026-48", "week_invalid"),
        ("insurer=nobody", "unknown_insurer"),
    ] {
        let (status, got, _) = error_body(
            get(
                &app,
                &format!("/api/v1/staff/reports?{query}"),
                Some(&supervisor),
            )
            .await,
        )
        .await;
        assert_eq!((status, got.as_str()), (400, code));
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'weekly_report_read'"
        )
        .await,
        3
    );
}

on_both_backends!(the_weekly_report_matches_the_cases);
