//! A fake WeChat server for load tests on this machine (`scripts/bench-auth`): answers
//! `jscode2session` with an openid derived from the code (1,000 distinct users, so logins hit
//! existing accounts as they mostly do in production), `stable_token` with a fixed token and
//! `subscribeMessage.send` with success (`scripts/bench-notifications`). Requests are not
//! recorded, so a long run keeps its memory flat.
//!
//!     cargo run --release --example fake_wechat -- 127.0.0.1:9911

use std::net::TcpListener;

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

struct Code2Session;

impl Respond for Code2Session {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let code = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "js_code")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let user = code
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
            % 1000;
        ResponseTemplate::new(200).set_body_json(json!({
            "openid": format!("o-bench-{user:04}"),
            "session_key": "YmVuY2gtc2Vzc2lvbi1rZXk=",
        }))
    }
}

#[tokio::main]
async fn main() {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9911".to_owned());
    let listener = TcpListener::bind(&address).expect("bind the fake WeChat");
    let server = MockServer::builder()
        .listener(listener)
        .disable_request_recording()
        .start()
        .await;
    Mock::given(method("GET"))
        .and(path("/sns/jscode2session"))
        .respond_with(Code2Session)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/stable_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "bench-token", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/cgi-bin/message/subscribe/send"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(r#"{"errcode":0,"errmsg":"ok","msgid":1988810812324364291}"#),
        )
        .mount(&server)
        .await;
    eprintln!("fake WeChat on {}", server.uri());
    tokio::signal::ctrl_c().await.ok();
}
