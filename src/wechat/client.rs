use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::RequestBuilder;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use tracing::Instrument;

use super::error::{WechatError, errcode};
use crate::platform::cache::SharedCache;
use crate::platform::config::WechatSettings;

/// How often `errcode -1` (system busy) is retried, with the first backoff doubling each time.
const BUSY_RETRIES: u32 = 2;
const BUSY_BACKOFF: Duration = Duration::from_millis(100);

/// The typed client. Cheap to clone; one per process (it holds the connection pool).
#[derive(Clone)]
pub struct WechatClient {
    pub(super) http: reqwest::Client,
    base_url: String,
    pub(super) app_id: String,
    app_secret: Option<SecretString>,
    pub(super) cache: SharedCache,
    pub(super) token_lock: Arc<tokio::sync::Mutex<()>>,
    pub(super) timeout: Duration,
}

impl std::fmt::Debug for WechatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WechatClient")
            .field("base_url", &self.base_url)
            .field("app_id", &self.app_id)
            .finish_non_exhaustive()
    }
}

/// `jscode2session`'s answer. The session key never leaves the server.
#[derive(Debug, Deserialize)]
pub struct Code2Session {
    pub openid: String,
    pub session_key: SecretString,
    #[serde(default)]
    pub unionid: Option<String>,
}

/// `getuserphonenumber`'s `phone_info`.
#[derive(Debug, Clone, Deserialize)]
pub struct PhoneInfo {
    /// With the country code for numbers outside mainland China.
    #[serde(rename = "phoneNumber")]
    pub phone_number: String,
    #[serde(rename = "purePhoneNumber")]
    pub pure_phone_number: String,
    /// Documented as a string, shown as a number in WeChat's own example: both are accepted.
    #[serde(rename = "countryCode", deserialize_with = "string_or_number")]
    pub country_code: String,
    pub watermark: Watermark,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Watermark {
    pub appid: String,
    #[serde(default)]
    pub timestamp: i64,
}

#[derive(Deserialize)]
struct PhoneResponse {
    phone_info: PhoneInfo,
}

/// `subscribeMessage.send`'s request body.
#[derive(Debug, Clone, Serialize)]
pub struct SubscribeMessage {
    pub touser: String,
    pub template_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// `{"thing1": {"value": "…"}, …}`, keyed by the template's keyword ids.
    pub data: Value,
    /// `developer`, `trial` or `formal`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub miniprogram_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

#[derive(Deserialize)]
struct SendResponse {
    /// A 64-bit integer: never a string or a float.
    msgid: u64,
}

#[derive(Deserialize)]
pub(super) struct StableToken {
    pub access_token: String,
    pub expires_in: u64,
}

impl WechatClient {
    pub fn new(settings: &WechatSettings, cache: SharedCache) -> Result<Self, WechatError> {
        let timeout = Duration::from_millis(settings.timeout_ms);
        // reqwest's TLS runs on the ring provider the object store's transport uses too: one
        // crypto stack in the build. The first install wins; later ones do nothing.
        crate::platform::crypto::install_tls_provider();
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(2)))
            .pool_idle_timeout(Duration::from_secs(60))
            .user_agent(concat!("green-channel/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| WechatError::Unreachable(e.without_url().to_string()))?;
        Ok(Self {
            http,
            base_url: settings.base_url.trim_end_matches('/').to_owned(),
            app_id: settings.app_id.clone(),
            app_secret: settings.app_secret.clone(),
            cache,
            token_lock: Arc::default(),
            timeout,
        })
    }

    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Whether real WeChat calls can be made (an AppSecret is set).
    pub fn configured(&self) -> bool {
        self.app_secret.is_some()
    }

    fn secret(&self) -> Result<&str, WechatError> {
        self.app_secret
            .as_ref()
            .map(|s| s.expose_secret())
            .ok_or(WechatError::NotConfigured)
    }

    /// `GET /sns/jscode2session`: a `wx.login` code for the user's openid and session key.
    pub async fn code2session(&self, code: &str) -> Result<Code2Session, WechatError> {
        let secret = self.secret()?;
        self.retry_when_busy("jscode2session", || {
            self.http.get(self.url("/sns/jscode2session")).query(&[
                ("appid", self.app_id.as_str()),
                ("secret", secret),
                ("js_code", code),
                ("grant_type", "authorization_code"),
            ])
        })
        .await
    }

    /// `POST /wxa/business/getuserphonenumber`: the phone button's code for the number. With
    /// `openid`, WeChat checks that the code belongs to that user.
    pub async fn phone_number(&self, code: &str, openid: &str) -> Result<PhoneInfo, WechatError> {
        let body = serde_json::json!({ "code": code, "openid": openid });
        let response: PhoneResponse = self
            .with_access_token(|token| {
                let body = body.clone();
                async move {
                    self.retry_when_busy("getuserphonenumber", || {
                        self.http
                            .post(self.url("/wxa/business/getuserphonenumber"))
                            .query(&[("access_token", token.as_str())])
                            .json(&body)
                    })
                    .await
                }
            })
            .await?;
        if response.phone_info.watermark.appid != self.app_id {
            tracing::warn!("phone number watermark names another AppID");
            return Err(WechatError::WatermarkMismatch);
        }
        Ok(response.phone_info)
    }

    /// `POST /cgi-bin/message/subscribe/send`; WeChat's `msgid` on success.
    pub async fn send_subscribe_message(
        &self,
        message: &SubscribeMessage,
    ) -> Result<u64, WechatError> {
        let response: SendResponse = self
            .with_access_token(|token| async move {
                self.call(
                    "subscribe_send",
                    self.http
                        .post(self.url("/cgi-bin/message/subscribe/send"))
                        .query(&[("access_token", token.as_str())])
                        .json(message),
                )
                .await
            })
            .await?;
        Ok(response.msgid)
    }

    /// `POST /cgi-bin/stable_token` in normal mode. `force_refresh` is never true here: it is
    /// limited to 20 a day and invalidates every instance's token.
    pub(super) async fn fetch_stable_token(&self) -> Result<StableToken, WechatError> {
        let body = serde_json::json!({
            "grant_type": "client_credential",
            "appid": self.app_id,
            "secret": self.secret()?,
            "force_refresh": false,
        });
        self.retry_when_busy("stable_token", || {
            self.http
                .post(self.url("/cgi-bin/stable_token"))
                .json(&body)
        })
        .await
    }

    /// Retries `errcode -1` a bounded number of times with a doubling backoff.
    async fn retry_when_busy<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        request: impl Fn() -> RequestBuilder,
    ) -> Result<T, WechatError> {
        let mut backoff = BUSY_BACKOFF;
        let mut attempt = 0;
        loop {
            match self.call(endpoint, request()).await {
                Err(WechatError::Api { code, .. })
                    if code == errcode::SYSTEM_BUSY && attempt < BUSY_RETRIES =>
                {
                    attempt += 1;
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                }
                other => return other,
            }
        }
    }

    /// One call: transport errors, HTTP errors, `errcode` and malformed bodies each become their
    /// own `WechatError`. Only the endpoint name is logged, never the URL (it holds secrets).
    async fn call<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        request: RequestBuilder,
    ) -> Result<T, WechatError> {
        let span = tracing::info_span!("wechat", endpoint, errcode = tracing::field::Empty);
        async move {
            let started = Instant::now();
            let result = Self::exchange(request).await;
            let millis = started.elapsed().as_millis() as u64;
            match &result {
                Ok(_) => tracing::debug!(millis, "wechat call succeeded"),
                Err(WechatError::Api { code, .. }) => {
                    tracing::Span::current().record("errcode", code);
                    tracing::warn!(millis, "wechat answered with an error code");
                }
                Err(error) => tracing::warn!(millis, error = %error, "wechat call failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn exchange<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, WechatError> {
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status();
        if !status.is_success() {
            return Err(WechatError::Unreachable(format!(
                "HTTP {}",
                status.as_u16()
            )));
        }
        let bytes = response.bytes().await.map_err(transport_error)?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| WechatError::Malformed(format!("not JSON: {e}")))?;
        // On success WeChat often omits errcode altogether: absent and 0 both mean success.
        let code = value.get("errcode").and_then(Value::as_i64).unwrap_or(0);
        if code != 0 {
            let message = value
                .get("errmsg")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            return Err(WechatError::Api { code, message });
        }
        serde_json::from_value(value)
            .map_err(|e| WechatError::Malformed(format!("unexpected shape: {e}")))
    }
}

fn transport_error(error: reqwest::Error) -> WechatError {
    // `without_url`: the URL carries `secret=` or `access_token=`.
    let error = error.without_url();
    if error.is_timeout() {
        WechatError::Timeout
    } else if error.is_decode() || error.is_body() {
        WechatError::Malformed(error.to_string())
    } else {
        WechatError::Unreachable(error.to_string())
    }
}

fn string_or_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(i64),
    }
    Ok(match Raw::deserialize(deserializer)? {
        Raw::Text(text) => text,
        Raw::Number(number) => number.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_are_read_as_text_or_number() {
        for raw in [r#""86""#, "86"] {
            let info: PhoneInfo = serde_json::from_str(&format!(
                r#"{{"phoneNumber":"13800001234","purePhoneNumber":"13800001234","countryCode":{raw},"watermark":{{"appid":"wx1","timestamp":1}}}}"#
            ))
            .expect("parses");
            assert_eq!(info.country_code, "86");
        }
    }

    #[test]
    fn message_ids_are_64_bit_integers() {
        let response: SendResponse =
            serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","msgid":1988810812324364291}"#)
                .expect("parses");
        assert_eq!(response.msgid, 1_988_810_812_324_364_291);
    }
}
