//! The console in a real browser: Debian's headless Chromium driven through chromedriver
//! (WebDriver, the `fantoccini` crate). A specialist signs in, finds the case the insured created
//! through the mini-program API, opens a photo, has one retaken, asks for materials (the insured
//! uploads again through the API), accepts, approves and schedules; an insurer viewer then sees
//! the case read-only. Screenshots of the queue and the case page are saved under
//! `target/console-screenshots/` for a person to look at. Without Chromium the test fails: it
//! never skips (`scripts/test` installs `chromium` and `chromium-driver` where absent).

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::case_support::*;
use crate::doc_support::{complete_materials, jpeg, upload, upload_with};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

/// chromedriver on a free loopback port, killed when dropped.
pub(crate) struct Driver {
    child: Child,
    pub(crate) url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub(crate) async fn driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("chromedriver runs (scripts/test installs chromium-driver)");
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Driver { child, url };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start listening");
}

pub(crate) async fn browser(driver: &Driver, width: u32) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     format!("--window-size={width},900"), "--lang=zh-CN"],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("Chromium starts under chromedriver")
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let field = client.find(Locator::Css(css)).await.expect(css);
    field.clear().await.expect("cleared");
    field.send_keys(text).await.expect("typed");
}

pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .expect(css)
        .click()
        .await
        .expect("clicked");
}

/// Waits (10 s at most) for an element to be on the page.
pub(crate) async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} appears: {e}"));
}

/// Submits a form by its button and waits for the page that says `done` (the redirect after a
/// change names the action).
pub(crate) async fn submit(client: &Client, button: &str, done: &str) {
    click(client, button).await;
    for _ in 0..100 {
        let url = client.current_url().await.expect("url");
        if url
            .query()
            .is_some_and(|q| q.contains(&format!("done={done}")))
        {
            wait_for(client, "p.notice").await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = page_text(client).await;
    panic!("{button} did not lead to done={done}: {text}");
}

pub(crate) async fn page_text(client: &Client) -> String {
    client
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text")
}

pub(crate) async fn sign_in(client: &Client, app: &TestApp, login: &str) {
    client
        .goto(&app.url("/console/"))
        .await
        .expect("opens the console");
    assert!(
        client
            .current_url()
            .await
            .expect("url")
            .path()
            .ends_with("/console/login")
    );
    fill(client, "#login", login).await;
    fill(client, "#password", PASSWORD).await;
    click(client, "section.login button[type=submit]").await;
    wait_for(client, "table.queue").await;
}

pub(crate) async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/target/console-screenshots");
    std::fs::create_dir_all(dir).expect("the screenshots folder");
    std::fs::write(format!("{dir}/{name}.png"), png).expect("saved");
}

pub(crate) async fn documents(app: &TestApp, user: &str, id: &str) -> Vec<Value> {
    let list: Value = get(app, &format!("/api/v1/cases/{id}/documents"), Some(user))
        .await
        .json()
        .await
        .expect("JSON");
    list["items"].as_array().expect("items").clone()
}

async fn a_specialist_arranges_a_visit_in_a_real_browser(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let driver = driver().await;
    let (user, policy) = insured(&app, "chrome", PLAN1, "2026-01-05", "11010519800101001").await;
    staff(&app, "chrome-specialist", "specialist", Some(PLAN1_INSURER)).await;
    staff(&app, "chrome-viewer", "insurer_viewer", Some(PLAN1_INSURER)).await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let id = id(&case);
    let number = case["number"].as_str().expect("number").to_owned();
    complete_materials(&app, &user, &id).await;
    // A PDF report and a file of a CT study, as wx.chooseMessageFile sends them (issue 31 §1).
    let records = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/records");
    let report = std::fs::read(format!("{records}/report.pdf")).expect("report");
    let slice =
        std::fs::read(format!("{records}/study-98892001/CT5N-2062.dcm")).expect("study file");
    let mut record_ids = Vec::new();
    for (category, name, bytes) in [
        ("pathology_report", "report.pdf", &report),
        ("ct", "IM0001.dcm", &slice),
    ] {
        let response = upload_with(&app, &user, &id, category, name, bytes, None).await;
        assert_eq!(response.status().as_u16(), 201, "{name}");
        let body: Value = response.json().await.expect("JSON");
        record_ids.push(body["id"].as_str().expect("id").to_owned());
    }
    ok(
        &app,
        &format!("/api/v1/cases/{id}/submit"),
        &user,
        &json!({}),
    )
    .await;

    let client = browser(&driver, 1280).await;
    sign_in(&client, &app, "chrome-specialist").await;
    let queue = page_text(&client).await;
    assert!(queue.contains(&number), "the queue shows {number}: {queue}");
    screenshot(&client, "queue").await;

    // Open the case from the queue and claim it.
    click(&client, &format!("a[href='/console/cases/{id}']")).await;
    wait_for(&client, "#action-claim").await;
    submit(&client, "#action-claim button[type=submit]", "claim").await;
    assert_eq!(case_status(&app, &user, &id).await, "in_review");

    // Open a photo in the viewer, zoom and rotate it, and come back.
    let photo = documents(&app, &user, &id).await[0]["id"]
        .as_str()
        .expect("a photo")
        .to_owned();
    click(
        &client,
        &format!("a[href='/console/documents/{photo}/view']"),
    )
    .await;
    wait_for(&client, ".viewer .stage img").await;
    click(&client, "button[data-zoom='1.25']").await;
    click(&client, "button[data-rotate='90']").await;
    let transform = client
        .find(Locator::Css(".viewer .stage img"))
        .await
        .expect("img")
        .attr("style")
        .await
        .expect("style")
        .unwrap_or_default();
    assert!(transform.contains("rotate(90deg)"), "{transform}");
    let loaded = client
        .execute(
            "const i = document.querySelector('.viewer .stage img'); return i.complete && i.naturalWidth > 0;",
            vec![],
        )
        .await
        .expect("script");
    assert_eq!(loaded, json!(true), "the image itself loaded");
    client
        .goto(&app.url(&format!("/console/cases/{id}")))
        .await
        .expect("back");

    // Every thumbnail loaded (through the audited read), and the photos are on screen.
    let mut loaded = json!(false);
    for _ in 0..50 {
        loaded = client
            .execute(
                "const all = [...document.querySelectorAll('ul.photos img')]; \
                 return all.length > 0 && all.every(i => i.complete && i.naturalWidth > 0);",
                vec![],
            )
            .await
            .expect("script");
        if loaded == json!(true) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(loaded, json!(true), "the thumbnails loaded");
    client
        .execute(
            "document.getElementById('photos').scrollIntoView();",
            vec![],
        )
        .await
        .expect("scrolled");
    screenshot(&client, "photos").await;

    // The PDF and the DICOM file: a tile each with what their parsers read, opened to a page
    // with the download, which gives the bytes as they came.
    for (record, kind, fact, bytes) in [
        (&record_ids[0], "PDF 文件", "共 2 页", report.len()),
        (
            &record_ids[1],
            "DICOM 影像文件",
            "检查类型：CT",
            slice.len(),
        ),
    ] {
        let tile = page_text(&client).await;
        assert!(
            tile.contains(kind) && tile.contains(fact),
            "the tile: {tile}"
        );
        click(
            &client,
            &format!("a.record-tile[href='/console/documents/{record}/view']"),
        )
        .await;
        wait_for(&client, "[data-record]").await;
        let page = page_text(&client).await;
        assert!(
            page.contains(kind) && page.contains(fact) && page.contains(&number),
            "{page}"
        );
        let length = client
            .execute_async(
                &format!(
                    "const done = arguments[0]; fetch('/console/documents/{record}/file')\
                     .then(r => r.arrayBuffer()).then(b => done(b.byteLength));"
                ),
                vec![],
            )
            .await
            .expect("download");
        assert_eq!(length, json!(bytes), "{kind}: byte for byte");
        if record == &record_ids[0] {
            screenshot(&client, "record-file").await;
        }
        client
            .goto(&app.url(&format!("/console/cases/{id}")))
            .await
            .expect("back");
        wait_for(&client, "#photos").await;
    }

    // Reject that photo as blurry.
    client
        .find(Locator::Css(&format!("#reason-{photo}")))
        .await
        .expect("the reason")
        .select_by_value("blurry")
        .await
        .expect("chosen");
    submit(
        &client,
        &format!("form[action='/console/documents/{photo}/review'] button[value=reject]"),
        "review",
    )
    .await;
    let rejected = documents(&app, &user, &id).await;
    let rejected = rejected
        .iter()
        .find(|d| d["id"] == photo.as_str())
        .expect("the photo");
    assert_eq!(rejected["review_state"], "rejected");

    // Ask for the outpatient record again, in words the insured can act on.
    click(
        &client,
        "#action-request-materials input[value=outpatient_record]",
    )
    .await;
    fill(
        &client,
        "#message-materials",
        "请重新拍摄门诊病历，保持清晰",
    )
    .await;
    submit(
        &client,
        "#action-request-materials button[type=submit]",
        "request-materials",
    )
    .await;
    assert_eq!(case_status(&app, &user, &id).await, "needs_materials");

    // The insured uploads again and resubmits, through the mini-program API.
    let response = upload(&app, &user, &id, "outpatient_record", &jpeg(40, 30, 77)).await;
    assert_eq!(response.status().as_u16(), 201);
    ok(
        &app,
        &format!("/api/v1/cases/{id}/submit"),
        &user,
        &json!({}),
    )
    .await;

    // Accept the new photo, claim again where needed, approve and schedule.
    client
        .goto(&app.url(&format!("/console/cases/{id}")))
        .await
        .expect("the case");
    let fresh = documents(&app, &user, &id).await;
    let fresh = fresh
        .iter()
        .find(|d| d["review_state"] == "pending" && d["category"] == "outpatient_record")
        .expect("the new photo")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    submit(
        &client,
        &format!("form[action='/console/documents/{fresh}/review'] button[value=accept]"),
        "review",
    )
    .await;
    // Resubmitted, the case waits to be taken up again by its specialist.
    submit(&client, "#action-claim button[type=submit]", "claim").await;
    submit(&client, "#action-approve button[type=submit]", "approve").await;
    wait_for(&client, "#action-schedule").await;
    client
        .execute(
            "document.getElementById('at').value = arguments[0];",
            vec![json!("2026-11-30T09:30")],
        )
        .await
        .expect("the time set");
    fill(&client, "#department", "肿瘤内科").await;
    fill(&client, "#meeting_point", "门诊楼一层大厅").await;
    client
        .execute(
            "document.getElementById('meeting_at').value = arguments[0];",
            vec![json!("2026-11-30T09:00")],
        )
        .await
        .expect("the meeting time set");
    fill(&client, "#escort_name", "李专员").await;
    fill(&client, "#escort_phone", "13800000000").await;
    submit(&client, "#action-schedule button[type=submit]", "schedule").await;
    let mine: Value = get(&app, &format!("/api/v1/cases/{id}"), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(mine["status"], "scheduled");
    assert_eq!(mine["appointment"]["at"], "2026-11-30T09:30:00+08:00");
    screenshot(&client, "case").await;

    // The hospital moves the clinic: the specialist asks the insured's consent to a new time
    // (an offer), the insured accepts in the mini-program, the page shows the answer.
    wait_for(&client, "#action-offer").await;
    client
        .execute(
            "document.getElementById('offer-kind').value = 'time'; \
             document.getElementById('offer-at-1').value = arguments[0];",
            vec![json!("2026-12-01T14:00")],
        )
        .await
        .expect("the offer's kind and time set");
    fill(&client, "#offer-title-1", "专家门诊改至周二下午").await;
    fill(&client, "#offer-note", "医院调整了出诊时间，请确认").await;
    submit(&client, "#action-offer button[type=submit]", "offer").await;
    wait_for(&client, "#offer").await;
    let text = page_text(&client).await;
    assert!(
        text.contains("等待用户选择的方案") && text.contains("专家门诊改至周二下午"),
        "{text}"
    );
    screenshot(&client, "case-offer").await;
    let offered: Value = get(&app, &format!("/api/v1/cases/{id}"), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(offered["offer"]["kind"], "time", "{offered}");
    let accepted = post(
        &app,
        &format!("/api/v1/cases/{id}/offer"),
        Some(&user),
        &json!({"version": offered["version"], "option": 0}),
    )
    .await;
    assert_eq!(accepted.status(), 200);
    client
        .goto(&app.url(&format!("/console/cases/{id}")))
        .await
        .expect("the case again");
    wait_for(&client, "#actions").await;
    let text = page_text(&client).await;
    assert!(text.contains("用户选择了方案"), "{text}");
    assert!(!text.contains("等待用户选择的方案"), "{text}");
    assert!(text.contains("12月01日 14:00"), "the new time: {text}");
    client.close().await.expect("closed");

    // An insurer viewer at tablet width: the case, read-only.
    let tablet = browser(&driver, 1024).await;
    sign_in(&tablet, &app, "chrome-viewer").await;
    tablet
        .goto(&app.url(&format!("/console/cases/{id}")))
        .await
        .expect("the case");
    let text = page_text(&tablet).await;
    assert!(text.contains(&number) && text.contains("已安排"), "{text}");
    assert!(tablet.find(Locator::Css("form.action")).await.is_err());
    assert!(tablet.find(Locator::Css("#photos")).await.is_err());
    screenshot(&tablet, "case-insurer-viewer-1024").await;
    tablet.close().await.expect("closed");
}

async fn case_status(app: &TestApp, user: &str, id: &str) -> String {
    let case: Value = get(app, &format!("/api/v1/cases/{id}"), Some(user))
        .await
        .json()
        .await
        .expect("JSON");
    case["status"].as_str().expect("status").to_owned()
}

on_both_backends!(a_specialist_arranges_a_visit_in_a_real_browser);
