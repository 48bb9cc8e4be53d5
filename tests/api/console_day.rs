//! A specialist's day in a real browser (issue 28, "done when"): the queue, a case opened from
//! it and claimed, its photos reviewed in the viewer (one accepted and on to the next, one sent
//! back with a reason, back to the previous), a closed case found by its number, and the audit
//! page an administrator reads. On every page the text a person sees (`innerText`) must hold no
//! raw code: no `snake_case` identifier, no lower-case English token, no UUID — names and Chinese
//! only (the accounts' own logins and the insurer's policy numbers excepted: people chose them). Screenshots go to
//! `target/console-screenshots/day-*.png`; the README shows copies of them.

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::case_support::*;
use crate::console_browser::{
    browser, click, documents, driver, fill, page_text, screenshot, sign_in, submit, wait_for,
};
use crate::doc_support::{complete_materials, consent, upload};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";
/// What a person chose or the insurer wrote, not a code of ours: the accounts' logins and the
/// policy numbers the fixtures give.
const ALLOWED: &[&str] = &["day-specialist", "day-admin", "P-day", "P-day-2"];

/// The raw codes in a text a person reads: UUIDs, `snake_case` identifiers and lower-case
/// English tokens (three letters or more), except the words of `allowed`.
fn raw_codes(text: &str, allowed: &[&str]) -> Vec<String> {
    let is_uuid = |t: &str| {
        t.len() == 36
            && t.char_indices().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            })
    };
    let english = |t: &str| {
        t.contains('_') && t.chars().any(|c| c.is_ascii_lowercase())
            || (t.chars().filter(char::is_ascii_lowercase).count() >= 3
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
    };
    let mut found = Vec::new();
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        let token = token.trim_matches('-');
        if token.is_empty() || allowed.contains(&token) {
            continue;
        }
        if is_uuid(token) || token.split('-').any(english) {
            found.push(token.to_owned());
        }
    }
    found
}

#[test]
fn the_raw_code_check_finds_codes_and_spares_names() {
    let text = "状态：in_review · 申请 3f2a9c1e-0b7d-4e2a-9c1e-0b7d4e2a9c1e · thumbnail_read · \
                submitted · GC2611-00042 · PDF 文件 · 127.0.0.1 · 12月01日 09:30 · day-specialist";
    assert_eq!(
        raw_codes(text, ALLOWED),
        [
            "in_review",
            "3f2a9c1e-0b7d-4e2a-9c1e-0b7d4e2a9c1e",
            "thumbnail_read",
            "submitted"
        ]
    );
    assert!(raw_codes("张三丰 · 北京市 · 史带财产保险 · CT · GC2611-00001", &[]).is_empty());
}

/// A photo of a printed page: a letterhead, lines of text, a stamp; different for each seed.
fn page(seed: u32) -> Vec<u8> {
    use image::{DynamicImage, Rgb, RgbImage};
    let (w, h) = (960, 720);
    let picture = RgbImage::from_fn(w, h, |x, y| {
        let paper = Rgb([246, 244, 238]);
        let ink = Rgb([60, 60, 70]);
        if (40..76).contains(&y) && (80..880).contains(&x) {
            return Rgb([40, 70, 140]);
        }
        let line = (y + 12 * seed) / 28;
        let within = (y + 12 * seed) % 28;
        let length = 300 + (line * 97 + seed * 31) % 520;
        if y > 110 && y < 640 && (8..18).contains(&within) && x > 80 && x < 80 + length {
            return if (x / 9 + line).is_multiple_of(7) {
                paper
            } else {
                ink
            };
        }
        let (dx, dy) = (i64::from(x) - 760, i64::from(y) - 600);
        if (dx * dx + dy * dy - 3600).abs() < 500 {
            return Rgb([200, 40, 40]);
        }
        paper
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(picture)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut out, 88,
        ))
        .expect("encoded");
    out
}

/// Fails on a raw code in the visible text of the page the browser shows.
async fn no_raw_codes(client: &Client, page: &str) {
    let text = client
        .execute("return document.body.innerText;", vec![])
        .await
        .expect("the page's text");
    let text = text.as_str().expect("text").to_owned();
    let found = raw_codes(&text, ALLOWED);
    assert!(
        found.is_empty(),
        "{page}: raw codes in what a person reads: {found:?}\n{text}"
    );
}

async fn review_state(app: &TestApp, user: &str, case: &str, photo: &str) -> String {
    documents(app, user, case)
        .await
        .iter()
        .find(|d| d["id"] == photo)
        .expect("the photo")["review_state"]
        .as_str()
        .expect("a state")
        .to_owned()
}

/// Waits (10 s at most) for the browser to be at a path.
async fn wait_for_path(client: &Client, path: &str) {
    for _ in 0..100 {
        if client.current_url().await.expect("url").path() == path {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the browser did not reach {path}");
}

async fn a_specialists_day(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let driver = driver().await;
    staff(&app, "day-specialist", "specialist", Some(PLAN1_INSURER)).await;
    staff(&app, "day-admin", "admin", None).await;
    // The case of the day: submitted with its three photos.
    let (user, policy) = insured(&app, "day", PLAN1, "2026-01-05", "11010519800101001").await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let id = id(&case);
    let number = case["number"].as_str().expect("number").to_owned();
    // Photos of a page, of a size a screenshot shows.
    consent(&app, &user).await;
    for (seed, category) in ["outpatient_record", "pathology_report", "admission_slip"]
        .into_iter()
        .enumerate()
    {
        let response = upload(&app, &user, &id, category, &page(seed as u32)).await;
        assert_eq!(response.status().as_u16(), 201, "{category}");
    }
    ok(
        &app,
        &format!("/api/v1/cases/{id}/submit"),
        &user,
        &json!({}),
    )
    .await;
    // Another insured's case, submitted and then cancelled: closed, in no open tab.
    let (other, other_policy) =
        insured(&app, "day-2", PLAN1, "2026-01-05", "11010519800101002").await;
    let closed = created(&app, &other, &beijing_outpatient(&other_policy)).await;
    let closed_id = crate::case_support::id(&closed);
    let closed_number = closed["number"].as_str().expect("number").to_owned();
    complete_materials(&app, &other, &closed_id).await;
    ok(
        &app,
        &format!("/api/v1/cases/{closed_id}/submit"),
        &other,
        &json!({}),
    )
    .await;
    cancel(&app, &other, &closed_id).await;

    // Morning: the queue, the case of the day in it, the cancelled one not.
    let client = browser(&driver, 1280).await;
    sign_in(&client, &app, "day-specialist").await;
    let queue = page_text(&client).await;
    assert!(queue.contains(&number), "{queue}");
    assert!(!queue.contains(&closed_number), "{queue}");
    no_raw_codes(&client, "the queue").await;
    screenshot(&client, "day-1-queue").await;

    // The case, opened from the queue and claimed.
    click(&client, &format!("a[href='/console/cases/{id}']")).await;
    wait_for(&client, "#action-claim").await;
    submit(&client, "#action-claim button[type=submit]", "claim").await;
    no_raw_codes(&client, "the case").await;
    screenshot(&client, "day-2-case").await;

    // The photos in the viewer: the first accepted, on to the next; the next sent back as
    // blurry; back to the first.
    let photos: Vec<String> = documents(&app, &user, &id)
        .await
        .iter()
        .map(|d| d["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(photos.len(), 3);
    click(
        &client,
        &format!("a[href='/console/documents/{}/view']", photos[0]),
    )
    .await;
    wait_for(&client, "#viewer-review").await;
    let viewer = page_text(&client).await;
    assert!(
        viewer.contains(&number) && viewer.contains("第 1 份，共 3 份"),
        "{viewer}"
    );
    no_raw_codes(&client, "the viewer").await;
    screenshot(&client, "day-3-viewer").await;
    click(&client, "#viewer-review button[value=accept]").await;
    wait_for_path(&client, &format!("/console/documents/{}/view", photos[1])).await;
    wait_for(&client, "#viewer-review").await;
    assert_eq!(review_state(&app, &user, &id, &photos[0]).await, "accepted");
    client
        .find(Locator::Css("#viewer-reason"))
        .await
        .expect("the reason")
        .select_by_value("blurry")
        .await
        .expect("chosen");
    fill(&client, "#viewer-note", "字迹看不清，请靠近重拍").await;
    click(&client, "#viewer-review button[value=reject]").await;
    wait_for_path(&client, &format!("/console/documents/{}/view", photos[2])).await;
    wait_for(&client, "#viewer-review").await;
    assert_eq!(review_state(&app, &user, &id, &photos[1]).await, "rejected");
    no_raw_codes(&client, "the viewer after a review").await;
    click(&client, "a[accesskey=p]").await;
    wait_for_path(&client, &format!("/console/documents/{}/view", photos[1])).await;
    let sent_back = page_text(&client).await;
    assert!(
        sent_back.contains("需重拍") && sent_back.contains("字迹看不清"),
        "{sent_back}"
    );

    // Afternoon: the insured of the cancelled case calls; its number, typed as heard, finds it.
    client.goto(&app.url("/console/")).await.expect("the queue");
    wait_for(&client, "table.queue").await;
    fill(&client, "#number", &closed_number.to_lowercase()).await;
    click(&client, "form.filters button[type=submit]").await;
    for _ in 0..100 {
        if client
            .current_url()
            .await
            .expect("url")
            .query()
            .is_some_and(|q| q.contains("number="))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    wait_for(&client, "table.queue").await;
    let found = page_text(&client).await;
    assert!(
        found.contains(&closed_number) && found.contains("共 1 件") && found.contains("已取消"),
        "{found}"
    );
    no_raw_codes(&client, "the closed case found").await;
    screenshot(&client, "day-4-closed-case").await;
    client.close().await.expect("closed");

    // Evening: the administrator reads who looked at what.
    let admin = browser(&driver, 1280).await;
    sign_in(&admin, &app, "day-admin").await;
    admin
        .goto(&app.url(&format!("/console/admin/audit?case={number}")))
        .await
        .expect("the audit page");
    wait_for(&admin, "table.queue").await;
    let audit = page_text(&admin).await;
    assert!(
        audit.contains(&number) && audit.contains("day-specialist"),
        "{audit}"
    );
    // Every read in words of its own (`查阅` is what an unnamed kind would read as).
    assert!(
        audit.contains("在查看页打开资料")
            && !audit
                .lines()
                .any(|l| l.split('\t').any(|cell| cell == "查阅")),
        "{audit}"
    );
    no_raw_codes(&admin, "the audit page").await;
    screenshot(&admin, "day-5-audit").await;
    admin.close().await.expect("closed");
}

on_both_backends!(a_specialists_day);
