//! Arranging notification tests: an app whose WeChat is a local fake and whose background jobs
//! the test runs itself (one dispatcher round, one reminder pass), grants as the mini-program
//! reports them, and what the fake received.

use figment::providers::Serialized;
use green_channel::notifications::{dispatch, reminders};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use crate::case_support::ok;
use crate::fake_wechat::FakeWechat;
use crate::helpers::{Backend, TestApp};

pub const PROGRESS: &str = "local-progress-template";
pub const APPOINTMENT: &str = "local-appointment-template";
pub const REMINDER: &str = "local-reminder-template";
pub const ACCESS_TOKEN: &str = "ACCESS-TOKEN-1";
pub const SEND_PATH: &str = "/cgi-bin/message/subscribe/send";

/// A fake WeChat that hands out an access token; sends are mounted by each test.
pub async fn fake() -> FakeWechat {
    let fake = FakeWechat::start().await;
    FakeWechat::stable_token()
        .respond_with(FakeWechat::token(ACCESS_TOKEN, 7200))
        .mount(&fake.server)
        .await;
    fake
}

/// WeChat's success answer with a 64-bit `msgid`.
pub fn sent(msgid: u64) -> wiremock::ResponseTemplate {
    wiremock::ResponseTemplate::new(200)
        .set_body_string(format!(r#"{{"errcode":0,"errmsg":"ok","msgid":{msgid}}}"#))
        .insert_header("content-type", "application/json")
}

/// The app on the fake, the business clock pinned at `now`, the jobs run by the test.
pub async fn notify_app(backend: Backend, fake: &FakeWechat, now: &str) -> TestApp {
    let now = now.to_owned();
    crate::fake_wechat::spawn_with(backend, fake, move |f| {
        f.merge(Serialized::default("clock.adjustable", true))
            .merge(Serialized::default("clock.now", now))
            .merge(Serialized::default("cases.sweep_interval_secs", 86_400))
            .merge(Serialized::default("worker.in_process", false))
            .merge(Serialized::default("worker.max_attempts", 3))
    })
    .await
}

/// Records `wx.requestSubscribeMessage`'s result as the mini-program would.
pub async fn grant(app: &TestApp, token: &str, result: &Value) -> Value {
    ok(app, "/api/v1/notifications/grants", token, result).await
}

/// One accept of each template id.
pub async fn accept(app: &TestApp, token: &str, templates: &[&str]) {
    for template in templates {
        grant(
            app,
            token,
            &json!({ *template: "accept", "errMsg": "requestSubscribeMessage:ok" }),
        )
        .await;
    }
}

pub async fn dispatch(app: &TestApp) -> dispatch::Report {
    dispatch::run_once(&app.state)
        .await
        .expect("a dispatch round")
}

pub async fn remind(app: &TestApp) -> reminders::Queued {
    reminders::run_once(&app.state)
        .await
        .expect("a reminder pass")
}

/// The bodies of the sends the fake received, in order.
pub async fn sends(fake: &FakeWechat) -> Vec<Value> {
    fake.received(SEND_PATH).await
}

/// Every outbox row, oldest first.
pub async fn rows(app: &TestApp) -> Vec<entity::notification::Model> {
    entity::notification::Entity::find()
        .order_by_asc(entity::notification::Column::Id)
        .all(&app.db)
        .await
        .expect("rows")
}

pub async fn row(app: &TestApp, id: i64) -> entity::notification::Model {
    entity::notification::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("the row")
}

/// The row id and openid of the user whose token this is.
pub async fn user_of(app: &TestApp, token: &str) -> (i64, String) {
    let me: Value = crate::case_support::get(app, "/api/v1/me", Some(token))
        .await
        .json()
        .await
        .expect("JSON");
    let public: uuid::Uuid = me["id"].as_str().expect("id").parse().expect("uuid");
    let user = entity::app_user::Entity::find()
        .filter(entity::app_user::Column::PublicId.eq(public))
        .one(&app.db)
        .await
        .expect("query")
        .expect("the user");
    (user.id, user.openid)
}

/// Queues a message for `user_id` the way a case change does (no case: never superseded).
pub async fn queue(app: &TestApp, user_id: i64, marker: &str) -> i64 {
    let now = app.state.clocks.business.now();
    green_channel::outbox::store::enqueue(
        &app.db,
        user_id,
        None,
        green_channel::outbox::kind::NotificationKind::CaseApproved,
        &json!({ "case_number": marker, "service": "重大疾病专家门诊预约" }),
        now,
    )
    .await
    .expect("queued");
    rows(app).await.last().expect("a row").id
}

/// Open grants of the user per template id.
pub async fn remaining(app: &TestApp, user_id: i64) -> std::collections::BTreeMap<String, u64> {
    green_channel::notifications::store::grants::remaining(&app.db, user_id)
        .await
        .expect("grants")
}
