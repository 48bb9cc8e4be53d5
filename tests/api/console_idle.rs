//! A console session left alone ends: after the idle span without a request the user made (the
//! queue's timed refresh does not count), and at the absolute end whatever happens. A page's own
//! script that finds its session over sends the whole page to the login page.

use std::time::Duration;

use figment::providers::Serialized;

use crate::case_support::{PASSWORD, PLAN1_INSURER, staff};
use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::on_both_backends;

const FORM: &str = "application/x-www-form-urlencoded";

async fn app(backend: Backend, idle_secs: u64, ttl_secs: u64) -> TestApp {
    let app = spawn_app_with(backend, move |f| {
        f.merge(Serialized::default("console.idle_timeout_secs", idle_secs))
            .merge(Serialized::default("console.session_ttl_secs", ttl_secs))
    })
    .await;
    staff(&app, "idle-specialist", "specialist", Some(PLAN1_INSURER)).await;
    app
}

/// Signs in; the session cookie.
async fn sign_in(app: &TestApp) -> String {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("login", "idle-specialist"), ("password", PASSWORD)])
        .finish();
    let response = app
        .client
        .post(app.url("/console/login"))
        .header("content-type", FORM)
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 303, "signed in");
    response.headers()["set-cookie"]
        .to_str()
        .expect("text")
        .split(';')
        .next()
        .expect("a pair")
        .to_owned()
}

/// The queue page as the user opens it: its status.
async fn open(app: &TestApp, cookie: &str) -> u16 {
    app.client
        .get(app.url("/console/"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16()
}

/// The queue's rows as the page's timer asks for them (htmx, marked as a refresh).
async fn refresh(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.client
        .get(app.url("/console/queue/rows"))
        .header("cookie", cookie)
        .header("hx-request", "true")
        .header("x-console-refresh", "1")
        .send()
        .await
        .expect("sent")
}

async fn pause(millis: u64) {
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

async fn an_idle_console_session_ends(backend: Backend) {
    let app = app(backend, 3, 3600).await;
    let cookie = sign_in(&app).await;
    assert_eq!(open(&app, &cookie).await, 200);
    // Each request of the user's starts the idle span again: 4.5 s after signing in, with a
    // request every 1.5 s, the session is still open (it would have ended at 3 s).
    pause(1500).await;
    assert_eq!(open(&app, &cookie).await, 200);
    pause(1500).await;
    assert_eq!(open(&app, &cookie).await, 200);
    // The timer's refreshes are served but keep nothing open.
    pause(1500).await;
    assert_eq!(refresh(&app, &cookie).await.status().as_u16(), 200);
    pause(1000).await;
    assert_eq!(refresh(&app, &cookie).await.status().as_u16(), 200);
    // 3.5 s after the user's last request: over. The timer's next refresh sends the page to
    // the login page as a whole (htmx follows HX-Redirect), and the user's next request too.
    pause(1000).await;
    let over = refresh(&app, &cookie).await;
    assert_eq!(over.status().as_u16(), 401);
    assert_eq!(over.headers()["hx-redirect"], "/console/login");
    let page = app
        .client
        .get(app.url("/console/"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(page.headers()["location"], "/console/login");
    // Signing in again opens a new session.
    let again = sign_in(&app).await;
    assert_ne!(again, cookie);
    assert_eq!(open(&app, &again).await, 200);
}

async fn a_busy_console_session_still_ends_at_its_absolute_end(backend: Backend) {
    let app = app(backend, 3, 3).await;
    let cookie = sign_in(&app).await;
    // A request every second keeps it from idling, not past its three seconds.
    for _ in 0..2 {
        pause(1000).await;
        assert_eq!(open(&app, &cookie).await, 200);
    }
    pause(1300).await;
    assert_eq!(open(&app, &cookie).await, 303, "over at its absolute end");
}

on_both_backends!(
    an_idle_console_session_ends,
    a_busy_console_session_still_ends_at_its_absolute_end,
);
