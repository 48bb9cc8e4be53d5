//! The auth area's refusals: tokens, sessions, refresh tokens and WeChat's login exchange. The
//! codes are in [`codes`]; [`AuthError`]'s `AreaError` impl maps each variant to one.

use serde_json::Value;

use super::sessions::RefreshError;
use crate::platform::error::{ApiError, AreaError, Fault, Kind};
use crate::platform::jwt::TokenError;
use crate::platform::ratelimit::Limited;
use crate::wechat::{WechatError, errcode};

/// The auth area's stable codes.
pub mod codes {
    pub const TOKEN_MISSING: &str = "token_missing";
    pub const TOKEN_INVALID: &str = "token_invalid";
    pub const TOKEN_ALGORITHM_INVALID: &str = "token_algorithm_invalid";
    pub const TOKEN_EXPIRED: &str = "token_expired";
    pub const TOKEN_AUDIENCE_INVALID: &str = "token_audience_invalid";
    pub const SESSION_REVOKED: &str = "session_revoked";
    pub const REFRESH_TOKEN_INVALID: &str = "refresh_token_invalid";
    pub const REFRESH_TOKEN_REUSED: &str = "refresh_token_reused";
    pub const WECHAT_CODE_INVALID: &str = "wechat_code_invalid";
    pub const WECHAT_CODE_USED: &str = "wechat_code_used";
    pub const WECHAT_USER_BLOCKED: &str = "wechat_user_blocked";
    pub const WECHAT_RATE_LIMITED: &str = "wechat_rate_limited";
    pub const WECHAT_UNAVAILABLE: &str = "wechat_unavailable";
    pub const DEV_LOGIN_DISABLED: &str = "dev_login_disabled";
    pub const WECHAT_NOT_CONFIGURED: &str = "wechat_not_configured";

    pub const ALL: &[&str] = &[
        TOKEN_MISSING,
        TOKEN_INVALID,
        TOKEN_ALGORITHM_INVALID,
        TOKEN_EXPIRED,
        TOKEN_AUDIENCE_INVALID,
        SESSION_REVOKED,
        REFRESH_TOKEN_INVALID,
        REFRESH_TOKEN_REUSED,
        WECHAT_CODE_INVALID,
        WECHAT_CODE_USED,
        WECHAT_USER_BLOCKED,
        WECHAT_RATE_LIMITED,
        WECHAT_UNAVAILABLE,
        DEV_LOGIN_DISABLED,
        WECHAT_NOT_CONFIGURED,
    ];
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("请先登录")]
    TokenMissing,
    #[error("{}", token_message(*.0))]
    Token(#[from] TokenError),
    #[error("登录已失效，请重新登录")]
    SessionRevoked,
    #[error("{}", refresh_message(.0))]
    Refresh(RefreshError),
    #[error("微信登录凭证无效或已过期，请重新进入小程序")]
    CodeInvalid,
    #[error("微信登录凭证已被使用，请重新进入小程序")]
    CodeUsed,
    #[error("微信提示该账号存在安全风险，暂时无法登录，请稍后再试或联系客服")]
    UserBlocked,
    #[error("登录过于频繁，请一分钟后再试")]
    WechatRateLimited,
    /// Busy after retries, timeouts, bad bodies, or our own misconfiguration: the user can
    /// only retry; operators see the log (the reason).
    #[error("微信服务暂时不可用，请稍后重试")]
    WechatUnavailable(String),
    #[error("开发登录仅在本地环境可用，请使用微信登录")]
    DevLoginDisabled,
    /// Local profile without WeChat credentials: a real code cannot be exchanged.
    #[error(
        "本地环境未配置微信小程序凭证，无法使用微信登录：请用 dev:<名字> 作为登录凭证（开发登录），或设置 APP_WECHAT__APP_ID 和 APP_WECHAT__APP_SECRET"
    )]
    WechatNotConfigured,
    #[error(transparent)]
    Limited(#[from] Limited),
    #[error(transparent)]
    Fault(#[from] Fault),
}

fn token_message(error: TokenError) -> &'static str {
    match error {
        TokenError::Expired => "登录已过期，请刷新登录状态",
        TokenError::Audience => "登录状态不适用于此处，请重新登录",
        TokenError::Invalid | TokenError::Algorithm => "登录状态无效，请重新登录",
    }
}

fn refresh_message(error: &RefreshError) -> &'static str {
    match error {
        RefreshError::Reused => "为保障账户安全，登录已失效，请重新登录",
        _ => "登录已失效，请重新登录",
    }
}

impl From<RefreshError> for AuthError {
    fn from(error: RefreshError) -> Self {
        match error {
            RefreshError::Cache(cache) => AuthError::Fault(cache.into()),
            other => AuthError::Refresh(other),
        }
    }
}

crate::platform::error::faults_from!(AuthError, cache);

impl From<anyhow::Error> for AuthError {
    fn from(error: anyhow::Error) -> Self {
        AuthError::Fault(error.into())
    }
}

/// How a failed `jscode2session` reads to the mini-program.
impl From<WechatError> for AuthError {
    fn from(error: WechatError) -> Self {
        match error.errcode() {
            Some(errcode::INVALID_CODE) => AuthError::CodeInvalid,
            Some(errcode::CODE_USED) => AuthError::CodeUsed,
            Some(errcode::HIGH_RISK_USER) => AuthError::UserBlocked,
            Some(errcode::RATE_LIMITED) => AuthError::WechatRateLimited,
            _ if matches!(error, WechatError::NotConfigured) => AuthError::WechatNotConfigured,
            _ => {
                // Busy after retries, timeouts, bad bodies, or our own misconfiguration
                // (40013/40125/40164): the user can only retry; operators see the log.
                tracing::error!(error = %error, "wechat login exchange failed");
                AuthError::WechatUnavailable(error.to_string())
            }
        }
    }
}

impl AreaError for AuthError {
    fn kind(&self) -> Kind {
        use AuthError::*;
        match self {
            TokenMissing | Token(_) | SessionRevoked | Refresh(_) => Kind::Unauthorized,
            CodeInvalid | CodeUsed | DevLoginDisabled | WechatNotConfigured => Kind::BadRequest,
            UserBlocked => Kind::Forbidden,
            WechatRateLimited => Kind::TooManyRequests,
            WechatUnavailable(_) => Kind::Unavailable,
            Limited(e) => e.kind(),
            Fault(_) => Kind::Internal,
        }
    }

    fn code(&self) -> &'static str {
        use codes::*;
        match self {
            AuthError::TokenMissing => TOKEN_MISSING,
            AuthError::Token(TokenError::Invalid) => TOKEN_INVALID,
            AuthError::Token(TokenError::Algorithm) => TOKEN_ALGORITHM_INVALID,
            AuthError::Token(TokenError::Expired) => TOKEN_EXPIRED,
            AuthError::Token(TokenError::Audience) => TOKEN_AUDIENCE_INVALID,
            AuthError::SessionRevoked | AuthError::Refresh(RefreshError::Revoked) => {
                SESSION_REVOKED
            }
            AuthError::Refresh(RefreshError::Reused) => REFRESH_TOKEN_REUSED,
            AuthError::Refresh(_) => REFRESH_TOKEN_INVALID,
            AuthError::CodeInvalid => WECHAT_CODE_INVALID,
            AuthError::CodeUsed => WECHAT_CODE_USED,
            AuthError::UserBlocked => WECHAT_USER_BLOCKED,
            AuthError::WechatRateLimited => WECHAT_RATE_LIMITED,
            AuthError::WechatUnavailable(_) => WECHAT_UNAVAILABLE,
            AuthError::DevLoginDisabled => DEV_LOGIN_DISABLED,
            AuthError::WechatNotConfigured => WECHAT_NOT_CONFIGURED,
            AuthError::Limited(e) => e.code(),
            AuthError::Fault(_) => crate::platform::error::codes::INTERNAL_ERROR,
        }
    }

    fn details(&self) -> Value {
        serde_json::json!({})
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            AuthError::WechatRateLimited => Some(60),
            AuthError::WechatUnavailable(_) => Some(5),
            _ => None,
        }
    }

    fn pass_through(self) -> Result<ApiError, Self> {
        match self {
            AuthError::Limited(e) => Ok(e.into()),
            AuthError::Fault(e) => Ok(e.into()),
            AuthError::Refresh(RefreshError::Cache(e)) => Ok(e.into()),
            AuthError::WechatUnavailable(reason) => {
                let message = AuthError::WechatUnavailable(String::new()).to_string();
                Ok(ApiError::unavailable(
                    codes::WECHAT_UNAVAILABLE,
                    anyhow::anyhow!("wechat unavailable: {reason}"),
                )
                .with_message(message))
            }
            other => Err(other),
        }
    }

    fn codes() -> Vec<&'static str> {
        codes::ALL.to_vec()
    }
}
