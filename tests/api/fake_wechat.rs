//! A fake WeChat server (wiremock) speaking the documented request and response shapes:
//! `GET /sns/jscode2session`, `POST /cgi-bin/stable_token`,
//! `POST /wxa/business/getuserphonenumber`, `POST /cgi-bin/message/subscribe/send`.

use std::time::Duration;

use figment::Figment;
use figment::providers::Serialized;
use serde_json::{Value, json};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const APP_ID: &str = "wx0f0e0d0c0b0a0908";
pub const APP_SECRET: &str = "fake-app-secret-0123456789abcdef";

pub struct FakeWechat {
    pub server: MockServer,
}

impl FakeWechat {
    pub async fn start() -> Self {
        Self {
            server: MockServer::start().await,
        }
    }

    /// Points an app's WeChat settings at this server.
    pub fn configure(&self, figment: Figment) -> Figment {
        figment
            .merge(Serialized::default("wechat.base_url", self.server.uri()))
            .merge(Serialized::default("wechat.app_id", APP_ID))
            .merge(Serialized::default("wechat.app_secret", APP_SECRET))
            .merge(Serialized::default("wechat.timeout_ms", 1000))
    }

    /// `jscode2session` for one code, as WeChat documents the request.
    pub fn code2session(code: &str) -> wiremock::MockBuilder {
        Mock::given(method("GET"))
            .and(path("/sns/jscode2session"))
            .and(query_param("appid", APP_ID))
            .and(query_param("secret", APP_SECRET))
            .and(query_param("js_code", code))
            .and(query_param("grant_type", "authorization_code"))
    }

    /// A successful exchange. WeChat leaves `errcode` out on success.
    pub fn session(openid: &str, session_key: &str, unionid: Option<&str>) -> ResponseTemplate {
        let mut body = json!({ "openid": openid, "session_key": session_key });
        if let Some(unionid) = unionid {
            body["unionid"] = json!(unionid);
        }
        ResponseTemplate::new(200).set_body_json(body)
    }

    /// WeChat's error shape: HTTP 200 with `errcode` and `errmsg`.
    pub fn error(code: i64, message: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({ "errcode": code, "errmsg": message }))
    }

    pub fn stable_token() -> wiremock::MockBuilder {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/stable_token"))
            .and(body_partial_json(json!({
                "grant_type": "client_credential",
                "appid": APP_ID,
                "secret": APP_SECRET,
                "force_refresh": false,
            })))
    }

    pub fn token(access_token: &str, expires_in: u64) -> ResponseTemplate {
        ResponseTemplate::new(200)
            .set_body_json(json!({ "access_token": access_token, "expires_in": expires_in }))
    }

    pub fn phone_number(access_token: &str) -> wiremock::MockBuilder {
        Mock::given(method("POST"))
            .and(path("/wxa/business/getuserphonenumber"))
            .and(query_param("access_token", access_token))
    }

    /// `countryCode` as a number, as in WeChat's own example.
    pub fn phone(pure: &str, app_id: &str) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(json!({
            "errcode": 0,
            "errmsg": "ok",
            "phone_info": {
                "phoneNumber": pure,
                "purePhoneNumber": pure,
                "countryCode": 86,
                "watermark": { "timestamp": 1_637_744_274, "appid": app_id }
            }
        }))
    }

    pub fn subscribe_send(access_token: &str) -> wiremock::MockBuilder {
        Mock::given(method("POST"))
            .and(path("/cgi-bin/message/subscribe/send"))
            .and(query_param("access_token", access_token))
    }

    pub fn slow(template: ResponseTemplate, delay: Duration) -> ResponseTemplate {
        template.set_delay(delay)
    }

    pub async fn received(&self, path_: &str) -> Vec<Value> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path() == path_)
            .map(|r| serde_json::from_slice(&r.body).unwrap_or(Value::Null))
            .collect()
    }
}

/// An app whose WeChat is this fake, with extra settings on top.
pub async fn spawn_with(
    backend: crate::helpers::Backend,
    fake: &FakeWechat,
    customize: impl FnOnce(Figment) -> Figment,
) -> crate::helpers::TestApp {
    crate::helpers::spawn_app_with(backend, |f| customize(fake.configure(f))).await
}
