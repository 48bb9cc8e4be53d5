use super::jwt::TokenError;
use super::sessions::RefreshError;
use crate::cache::CacheError;
use crate::error::{ApiError, Kind};
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
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token")]
    TokenMissing,
    #[error("access token: {0}")]
    Token(#[from] TokenError),
    #[error("session revoked")]
    SessionRevoked,
    #[error("refresh: {0}")]
    Refresh(RefreshError),
    #[error("wechat code invalid")]
    CodeInvalid,
    #[error("wechat code already used")]
    CodeUsed,
    #[error("wechat says the user is high-risk")]
    UserBlocked,
    #[error("wechat rate limit")]
    WechatRateLimited,
    #[error("wechat unavailable: {0}")]
    WechatUnavailable(String),
    #[error("dev login is off")]
    DevLoginDisabled,
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl From<RefreshError> for AuthError {
    fn from(error: RefreshError) -> Self {
        match error {
            RefreshError::Cache(cache) => AuthError::Api(cache.into()),
            other => AuthError::Refresh(other),
        }
    }
}

impl From<CacheError> for AuthError {
    fn from(error: CacheError) -> Self {
        AuthError::Api(error.into())
    }
}

impl From<sea_orm::DbErr> for AuthError {
    fn from(error: sea_orm::DbErr) -> Self {
        AuthError::Api(error.into())
    }
}

impl From<anyhow::Error> for AuthError {
    fn from(error: anyhow::Error) -> Self {
        AuthError::Api(ApiError::internal(error))
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
            _ => {
                // Busy after retries, timeouts, bad bodies, or our own misconfiguration
                // (40013/40125/40164): the user can only retry; operators see the log.
                tracing::error!(error = %error, "wechat login exchange failed");
                AuthError::WechatUnavailable(error.to_string())
            }
        }
    }
}

fn unauthorized(code: &'static str, message: &'static str) -> ApiError {
    ApiError::new(Kind::Unauthorized, code, message)
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        use codes::*;
        match error {
            AuthError::TokenMissing => unauthorized(TOKEN_MISSING, "请先登录"),
            AuthError::Token(TokenError::Invalid) => {
                unauthorized(TOKEN_INVALID, "登录状态无效，请重新登录")
            }
            AuthError::Token(TokenError::Algorithm) => {
                unauthorized(TOKEN_ALGORITHM_INVALID, "登录状态无效，请重新登录")
            }
            AuthError::Token(TokenError::Expired) => {
                unauthorized(TOKEN_EXPIRED, "登录已过期，请刷新登录状态")
            }
            AuthError::Token(TokenError::Audience) => {
                unauthorized(TOKEN_AUDIENCE_INVALID, "登录状态不适用于此处，请重新登录")
            }
            AuthError::SessionRevoked | AuthError::Refresh(RefreshError::Revoked) => {
                unauthorized(SESSION_REVOKED, "登录已失效，请重新登录")
            }
            AuthError::Refresh(RefreshError::Invalid) => {
                unauthorized(REFRESH_TOKEN_INVALID, "登录已失效，请重新登录")
            }
            AuthError::Refresh(RefreshError::Reused) => unauthorized(
                REFRESH_TOKEN_REUSED,
                "为保障账户安全，登录已失效，请重新登录",
            ),
            AuthError::Refresh(RefreshError::Cache(cache)) => cache.into(),
            AuthError::CodeInvalid => ApiError::new(
                Kind::BadRequest,
                WECHAT_CODE_INVALID,
                "微信登录凭证无效或已过期，请重新进入小程序",
            ),
            AuthError::CodeUsed => ApiError::new(
                Kind::BadRequest,
                WECHAT_CODE_USED,
                "微信登录凭证已被使用，请重新进入小程序",
            ),
            AuthError::UserBlocked => ApiError::new(
                Kind::Forbidden,
                WECHAT_USER_BLOCKED,
                "微信提示该账号存在安全风险，暂时无法登录，请稍后再试或联系客服",
            ),
            AuthError::WechatRateLimited => ApiError::new(
                Kind::TooManyRequests,
                WECHAT_RATE_LIMITED,
                "登录过于频繁，请一分钟后再试",
            )
            .retry_after(60),
            AuthError::WechatUnavailable(reason) => ApiError::unavailable(
                WECHAT_UNAVAILABLE,
                anyhow::anyhow!("wechat unavailable: {reason}"),
            )
            .with_message("微信服务暂时不可用，请稍后重试"),
            AuthError::DevLoginDisabled => ApiError::new(
                Kind::BadRequest,
                DEV_LOGIN_DISABLED,
                "开发登录仅在本地环境可用，请使用微信登录",
            ),
            AuthError::Api(api) => api,
        }
    }
}
