use crate::platform::cache::CacheError;

/// WeChat's documented `errcode` values that this service handles distinctly.
pub mod errcode {
    pub const SYSTEM_BUSY: i64 = -1;
    pub const INVALID_CREDENTIAL: i64 = 40001;
    pub const INVALID_OPENID: i64 = 40003;
    pub const INVALID_ACCESS_TOKEN: i64 = 40014;
    pub const INVALID_CODE: i64 = 40029;
    pub const INVALID_TEMPLATE_ID: i64 = 40037;
    pub const CODE_USED: i64 = 40163;
    pub const HIGH_RISK_USER: i64 = 40226;
    pub const ACCESS_TOKEN_EXPIRED: i64 = 42001;
    pub const RATE_LIMITED: i64 = 45011;
    pub const SUBSCRIPTION_QUOTA_EXHAUSTED: i64 = 43101;
    /// "Cannot make concurrent calls to the same OpenID" (community-reported).
    pub const CONCURRENT_SEND: i64 = 43108;
    pub const INVALID_TEMPLATE_DATA: i64 = 47003;
    pub const INVALID_PAGE: i64 = 41030;
}

#[derive(Debug, thiserror::Error)]
pub enum WechatError {
    /// WeChat answered with a non-zero `errcode`.
    #[error("WeChat errcode {code}: {message}")]
    Api { code: i64, message: String },
    #[error("WeChat did not answer within the timeout")]
    Timeout,
    #[error("WeChat could not be reached: {0}")]
    Unreachable(String),
    /// A body that is not the documented JSON (an HTML error page, a truncated body).
    #[error("WeChat answered with a malformed body: {0}")]
    Malformed(String),
    /// The phone number's watermark names another mini-program.
    #[error("the phone number was issued to another AppID")]
    WatermarkMismatch,
    /// Another instance holds the access-token lock for longer than it should.
    #[error("timed out waiting for another instance to fetch the access token")]
    TokenWait,
    /// No AppSecret: only `dev:` logins work (the local profile); production refuses to start.
    #[error("WeChat credentials are not configured (APP_WECHAT__APP_SECRET)")]
    NotConfigured,
    #[error(transparent)]
    Cache(#[from] CacheError),
}

impl WechatError {
    pub fn errcode(&self) -> Option<i64> {
        match self {
            WechatError::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The access token was rejected: drop it, fetch again, retry once.
    pub fn is_token_rejected(&self) -> bool {
        matches!(
            self.errcode(),
            Some(errcode::INVALID_CREDENTIAL)
                | Some(errcode::INVALID_ACCESS_TOKEN)
                | Some(errcode::ACCESS_TOKEN_EXPIRED)
        )
    }

    /// WeChat, or the path to it, is unavailable right now (as opposed to refusing this input).
    pub fn is_unavailable(&self) -> bool {
        match self {
            WechatError::Api { code, .. } => *code == errcode::SYSTEM_BUSY,
            WechatError::Timeout
            | WechatError::Unreachable(_)
            | WechatError::Malformed(_)
            | WechatError::TokenWait
            | WechatError::Cache(_) => true,
            WechatError::WatermarkMismatch | WechatError::NotConfigured => false,
        }
    }
}
