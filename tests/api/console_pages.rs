//! The web console's pages and forms over HTTP, as a browser sends them (cookies, urlencoded
//! forms, no JavaScript): sign-in, the queue, a case, its photos, the actions — each refusal
//! shown in Chinese and changing nothing — and the same scope and role rules as the JSON API.

use serde_json::{Value, json};

use crate::case_support::*;
use crate::doc_support::complete_materials;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::registry::PLAN1;

const MONDAY: &str = "2026-11-23T10:00:00+08:00";

/// A urlencoded form body, as a browser sends one.
fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A browser's session: the console cookie it was given.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

async fn sign_in<'a>(app: &'a TestApp, login: &str) -> Browser<'a> {
    let response = app
        .client
        .post(app.url("/console/login"))
        .header("content-type", FORM)
        .body(form(&[("login", login), ("password", PASSWORD)]))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 303, "signed in");
    assert_eq!(response.headers()["location"], "/console/");
    let set = response.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().expect("a pair").to_owned();
    Browser { app, cookie }
}

impl Browser<'_> {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.app
            .client
            .get(self.app.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("sent")
    }

    async fn page(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "{path}");
        response.text().await.expect("HTML")
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.app
            .client
            .post(self.app.url(path))
            .header("cookie", &self.cookie)
            .header("content-type", FORM)
            .body(super::console_pages::form(form))
            .send()
            .await
            .expect("sent")
    }
}

/// The CSRF token and the case version a page's forms carry.
fn csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field")
        .to_owned()
}

fn version_in(html: &str) -> String {
    html.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a version field")
        .to_owned()
}

async fn case_json(app: &TestApp, token: &str, id: &str) -> Value {
    get(app, &format!("/api/v1/cases/{id}"), Some(token))
        .await
        .json()
        .await
        .expect("JSON")
}

async fn a_specialist_works_a_case_in_the_console(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) = insured(&app, "web", PLAN1, "2026-01-05", "11010519800101001").await;
    staff(&app, "web-specialist", "specialist", Some(PLAN1_INSURER)).await;
    staff(&app, "web-foreign", "specialist", Some(PLAN3_INSURER)).await;
    staff(&app, "web-viewer", "insurer_viewer", Some(PLAN1_INSURER)).await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let id = id(&case);
    let number = case["number"].as_str().expect("number").to_owned();
    complete_materials(&app, &user, &id).await;
    ok(
        &app,
        &format!("/api/v1/cases/{id}/submit"),
        &user,
        &json!({}),
    )
    .await;

    // Not signed in: to the login page. The page is locked down.
    let anonymous = app.get("/console/").await;
    assert_eq!(anonymous.status().as_u16(), 303);
    assert_eq!(anonymous.headers()["location"], "/console/login");
    let login = app.get("/console/login").await;
    assert_eq!(login.status().as_u16(), 200);
    let csp = login.headers()["content-security-policy"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(login.headers()["x-frame-options"], "DENY");
    assert!(login.text().await.expect("HTML").contains("专员登录"));
    // A wrong password: said in Chinese, no cookie.
    let wrong = app
        .client
        .post(app.url("/console/login"))
        .header("content-type", FORM)
        .body(form(&[
            ("login", "web-specialist"),
            ("password", "not the password"),
        ]))
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong.status().as_u16(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    assert!(
        wrong
            .text()
            .await
            .expect("HTML")
            .contains("账号或密码不正确")
    );
    // A mini-program token opens no console page.
    let with_token = app
        .client
        .get(app.url("/console/"))
        .bearer_auth(&user)
        .send()
        .await
        .expect("sent");
    assert_eq!(with_token.status().as_u16(), 303);

    let browser = sign_in(&app, "web-specialist").await;
    // The console cookie authorises no JSON API call.
    let api = app
        .client
        .get(app.url("/api/v1/staff/cases"))
        .header("cookie", &browser.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(api.status().as_u16(), 401);

    // The queue shows the case; its number finds it.
    let queue = browser.page("/console/").await;
    assert!(queue.contains(&number), "the queue lists {number}");
    assert!(queue.contains("已提交，等待审核"));
    let found = browser
        .page(&format!("/console/?number={}", number.to_lowercase()))
        .await;
    assert!(found.contains(&number) && found.contains("共 1 件"));
    // …and so does its policy's number (issue 28).
    let by_policy = browser.page("/console/?policy_no=P-web").await;
    assert!(
        by_policy.contains(&number) && by_policy.contains("共 1 件"),
        "{by_policy}"
    );
    // …and the insured's name as the queue masks it, kept in the form.
    let by_name = browser.page("/console/?name=%E5%BC%A0**").await;
    assert!(
        by_name.contains(&number)
            && by_name.contains("共 1 件")
            && by_name.contains(r#"value="张**""#),
        "{by_name}"
    );
    let refused = browser.page("/console/?name=*").await;
    assert!(
        refused.contains("张**") && refused.contains("共 0 件"),
        "{refused}"
    );
    let rows = browser.page("/console/queue/rows").await;
    assert!(rows.contains(&number) && rows.starts_with("<tbody"));

    // The case page: the request, the photos, the actions this role may take now.
    let page = browser.page(&format!("/console/cases/{id}")).await;
    assert!(page.contains(&number) && page.contains("北京大学第一医院"));
    assert!(page.contains("action=\"/console/cases/") && page.contains("认领"));
    assert!(
        !page.contains("审核通过"),
        "approve is not offered before the claim"
    );
    let token = csrf(&page);
    let version = version_in(&page);

    // Without the CSRF token: refused, nothing changed.
    let forged = browser
        .post(
            &format!("/console/cases/{id}/claim"),
            &[("version", version.as_str())],
        )
        .await;
    assert_eq!(forged.status().as_u16(), 403);
    assert!(forged.text().await.expect("HTML").contains("页面已过期"));
    let wrong_token = browser
        .post(
            &format!("/console/cases/{id}/claim"),
            &[("csrf", "forged"), ("version", version.as_str())],
        )
        .await;
    assert_eq!(wrong_token.status().as_u16(), 403);
    assert_eq!(case_json(&app, &user, &id).await["status"], "submitted");

    // Claim: done, and the page says so.
    let claimed = browser
        .post(
            &format!("/console/cases/{id}/claim"),
            &[("csrf", token.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(claimed.status().as_u16(), 303);
    assert_eq!(
        claimed.headers()["location"],
        format!("/console/cases/{id}?done=claim").as_str()
    );
    assert_eq!(case_json(&app, &user, &id).await["status"], "in_review");
    let page = browser
        .page(&format!("/console/cases/{id}?done=claim"))
        .await;
    assert!(page.contains("已完成：认领"));
    // A decision on the old version: refused, shown with the new state, nothing changed.
    let stale = browser
        .post(
            &format!("/console/cases/{id}/approve"),
            &[("csrf", token.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(stale.status().as_u16(), 409);
    let stale = stale.text().await.expect("HTML");
    assert!(stale.contains("该申请刚刚有了新的变化") && stale.contains("审核中"));
    assert_eq!(case_json(&app, &user, &id).await["status"], "in_review");

    // The photos: a thumbnail through the audited read; one rejected with a reason.
    let documents: Value = get(&app, &format!("/api/v1/cases/{id}/documents"), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    let doc = documents["items"][0]["id"]
        .as_str()
        .expect("a document")
        .to_owned();
    let thumbnail = browser
        .get(&format!("/console/documents/{doc}/thumbnail"))
        .await;
    assert_eq!(thumbnail.status().as_u16(), 200);
    assert_eq!(thumbnail.headers()["content-type"], "image/jpeg");
    let viewer = browser
        .page(&format!("/console/documents/{doc}/view"))
        .await;
    assert!(viewer.contains(&format!("/console/documents/{doc}/image")));
    assert!(
        count(
            &app,
            "select count(*) from audit_log where action = 'thumbnail_read'"
        )
        .await
            >= 1
    );
    let rejected = browser
        .post(
            &format!("/console/documents/{doc}/review"),
            &[
                ("csrf", token.as_str()),
                ("decision", "reject"),
                ("reason", "blurry"),
            ],
        )
        .await;
    assert_eq!(rejected.status().as_u16(), 303);
    let documents: Value = get(&app, &format!("/api/v1/cases/{id}/documents"), Some(&user))
        .await
        .json()
        .await
        .expect("JSON");
    let reviewed = documents["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["id"] == doc.as_str())
        .expect("the document");
    assert_eq!(reviewed["review_state"], "rejected");

    // Reviewed where it is looked at: the viewer names the case and the file's place, takes the
    // decision, and goes on to the next file.
    let items = documents["items"].as_array().expect("items");
    assert!(items.len() >= 2, "two files to review");
    let second = items[1]["id"].as_str().expect("id").to_owned();
    let viewer = browser
        .page(&format!("/console/documents/{second}/view"))
        .await;
    let number = case_json(&app, &user, &id).await["number"]
        .as_str()
        .expect("number")
        .to_owned();
    assert!(viewer.contains(&number), "{viewer}");
    assert!(
        viewer.contains(&format!("第 2 份，共 {} 份", items.len())),
        "{viewer}"
    );
    assert!(
        viewer.contains("id=\"viewer-review\"") && viewer.contains("待审核"),
        "{viewer}"
    );
    let next = items
        .get(2)
        .map_or(second.clone(), |d| d["id"].as_str().expect("id").to_owned());
    let accepted = browser
        .post(
            &format!("/console/documents/{second}/review"),
            &[
                ("csrf", token.as_str()),
                ("decision", "accept"),
                ("from", "viewer"),
                ("next", next.as_str()),
            ],
        )
        .await;
    assert_eq!(accepted.status().as_u16(), 303);
    assert_eq!(
        accepted.headers()["location"],
        format!("/console/documents/{next}/view?done=review").as_str()
    );
    let seen = browser
        .page(&format!("/console/documents/{second}/view"))
        .await;
    assert!(seen.contains("合格"), "{seen}");

    // Approve and schedule through the forms.
    let page = browser.page(&format!("/console/cases/{id}")).await;
    let approved = browser
        .post(
            &format!("/console/cases/{id}/approve"),
            &[
                ("csrf", token.as_str()),
                ("version", version_in(&page).as_str()),
            ],
        )
        .await;
    assert_eq!(approved.status().as_u16(), 303);
    let page = browser.page(&format!("/console/cases/{id}")).await;
    let past = browser
        .post(
            &format!("/console/cases/{id}/schedule"),
            &[
                ("csrf", token.as_str()),
                ("version", version_in(&page).as_str()),
                ("at", "2026-11-20T09:00"),
                ("hospital", "北京大学第一医院"),
                ("department", "肿瘤内科"),
                ("meeting_point", "门诊楼大厅"),
            ],
        )
        .await;
    assert_eq!(past.status().as_u16(), 422);
    assert!(
        past.text()
            .await
            .expect("HTML")
            .contains("预约时间须晚于当前时间")
    );
    let scheduled = browser
        .post(
            &format!("/console/cases/{id}/schedule"),
            &[
                ("csrf", token.as_str()),
                ("version", version_in(&page).as_str()),
                ("at", "2026-11-30T09:30"),
                ("hospital", "北京大学第一医院"),
                ("department", "肿瘤内科"),
                ("meeting_point", "门诊楼大厅"),
            ],
        )
        .await;
    assert_eq!(scheduled.status().as_u16(), 303);
    let mine = case_json(&app, &user, &id).await;
    assert_eq!(mine["status"], "scheduled");
    assert_eq!(mine["appointment"]["at"], "2026-11-30T09:30:00+08:00");
    // Beside the open tabs: the ended cases and every case (issue 28).
    let all = browser.page("/console/?phase=all").await;
    assert!(
        all.contains("已结束") && all.contains(&format!("/console/cases/{id}")),
        "{all}"
    );
    let closed = browser.page("/console/?phase=closed").await;
    assert!(
        !closed.contains(&format!("/console/cases/{id}")),
        "still open"
    );

    // Another insurer's specialist: the case does not exist for them.
    let foreign = sign_in(&app, "web-foreign").await;
    assert_eq!(
        foreign
            .get(&format!("/console/cases/{id}"))
            .await
            .status()
            .as_u16(),
        404
    );
    // The insurer viewer: statuses and dates, no photos, no actions; a forged action is 403.
    let viewer = sign_in(&app, "web-viewer").await;
    let page = viewer.page(&format!("/console/cases/{id}")).await;
    assert!(page.contains(&number) && page.contains("已安排"));
    assert!(!page.contains("医疗资料（照片") && !page.contains("action=\"/console/cases/"));
    let forbidden = viewer
        .post(
            &format!("/console/cases/{id}/complete"),
            &[("csrf", csrf(&page).as_str()), ("version", "99")],
        )
        .await;
    assert_eq!(forbidden.status().as_u16(), 403);
    assert_eq!(case_json(&app, &user, &id).await["status"], "scheduled");
    // Error pages inside the console are pages, with the navigation and the logout (issue 28):
    // a bad id, an address no page answers, a file the account may not see, one not there.
    for (who, path, status) in [
        (&viewer, "/console/cases/not-a-case".to_owned(), 400),
        (&viewer, "/console/nowhere".to_owned(), 404),
        (
            &viewer,
            format!("/console/documents/{}/view", uuid::Uuid::new_v4()),
            404,
        ),
        (&foreign, format!("/console/cases/{id}"), 404),
    ] {
        let response = who.get(&path).await;
        assert_eq!(response.status().as_u16(), status, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/html"),
            "{path}"
        );
        assert!(
            response.headers().contains_key("content-security-policy"),
            "{path}"
        );
        let page = response.text().await.expect("HTML");
        assert!(
            page.contains("退出登录") && page.contains("href=\"/console/\">工作队列"),
            "{path}: {page}"
        );
    }

    // Logout ends the session at once; so does deactivating the account.
    let out = browser
        .post("/console/logout", &[("csrf", token.as_str())])
        .await;
    assert_eq!(out.status().as_u16(), 303);
    assert_eq!(browser.get("/console/").await.status().as_u16(), 303);
    sea_orm::ConnectionTrait::execute_unprepared(
        &app.db,
        "update staff set active = false where login = 'web-viewer'",
    )
    .await
    .expect("deactivated");
    assert_eq!(viewer.get("/console/").await.status().as_u16(), 303);
}

/// The alerts page: what falls due within the window, in the account's scope, before it does.
async fn the_console_lists_promises_before_they_fall_due(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let (user, policy) =
        insured(&app, "alerts-web", PLAN3, "2026-01-05", "11010519800101008").await;
    staff(
        &app,
        "alerts-web-specialist",
        "specialist",
        Some(PLAN3_INSURER),
    )
    .await;
    staff(
        &app,
        "alerts-web-foreign",
        "specialist",
        Some(PLAN1_INSURER),
    )
    .await;
    let case = created(&app, &user, &beijing_outpatient(&policy)).await;
    let number = case["number"].as_str().expect("number").to_owned();
    complete_materials(&app, &user, &id(&case)).await;
    ok(
        &app,
        &format!("/api/v1/cases/{}/submit", id(&case)),
        &user,
        &json!({}),
    )
    .await;

    let anonymous = app.get("/console/alerts").await;
    assert_eq!(anonymous.status().as_u16(), 303);
    let specialist = sign_in(&app, "alerts-web-specialist").await;
    let html = specialist.page("/console/alerts").await;
    assert!(html.contains(&number), "{html}");
    assert!(html.contains("首次联系") && html.contains("即将到期 <strong>1</strong>"));
    assert!(
        specialist
            .page("/console/")
            .await
            .contains("/console/alerts")
    );
    set_clock(&app, "2026-11-23T12:30:00+08:00").await;
    let html = specialist.page("/console/alerts").await;
    assert!(
        // (29 whole minutes and some seconds, or 30, as the test's clock runs on.)
        html.contains("已超时 <strong>1</strong>")
            && (html.contains("已超时 29 分钟") || html.contains("已超时 30 分钟")),
        "{html}"
    );
    let foreign = sign_in(&app, "alerts-web-foreign").await;
    let html = foreign.page("/console/alerts").await;
    assert!(!html.contains(&number) && html.contains("没有即将到期或已超时的承诺"));
}

/// Browsers ask for `/favicon.ico`; every page names the console's icon (issue 28).
async fn the_console_has_an_icon(backend: Backend) {
    let app = app_at(backend, MONDAY).await;
    let asked = app
        .client
        .get(app.url("/favicon.ico"))
        .send()
        .await
        .expect("answers");
    assert_eq!(asked.status().as_u16(), 303);
    assert_eq!(asked.headers()["location"], "/console/static/favicon.svg");
    let icon = app
        .client
        .get(app.url("/console/static/favicon.svg"))
        .send()
        .await
        .expect("answers");
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    let login = app
        .client
        .get(app.url("/console/login"))
        .send()
        .await
        .expect("answers")
        .text()
        .await
        .expect("HTML");
    assert!(login.contains("/console/static/favicon.svg"), "{login}");
}

on_both_backends!(
    a_specialist_works_a_case_in_the_console,
    the_console_lists_promises_before_they_fall_due,
    the_console_has_an_icon,
);
