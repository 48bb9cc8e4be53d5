//! Binding the phone number from WeChat's phone button.

use super::phone::PhoneNumber;
use super::store;
use crate::auth::CurrentUser;
use serde_json::{Value, json};

use crate::auth::error::codes::WECHAT_UNAVAILABLE;
use crate::platform::error::{ApiError, AreaError, Fault, Kind};
use crate::platform::ratelimit::{self, HOUR, Limited};
use crate::state::AppState;
use crate::wechat::{WechatError, errcode};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum PhoneError {
    #[error("手机号授权已失效，请重新点击授权按钮")]
    PhoneCodeInvalid,
    #[error("暂不支持该手机号，请使用中国大陆手机号")]
    PhoneUnsupported { reason: String },
    #[error("操作过于频繁，请一分钟后再试")]
    WechatRateLimited,
    #[error("微信服务暂时不可用，请稍后重试")]
    WechatUnavailable(WechatError),
    #[error("未找到该用户")]
    NotFound,
    /// Local profile without WeChat credentials.
    #[error("本地环境未配置微信小程序凭证，无法获取手机号：请用 dev:<11位手机号> 作为授权凭证")]
    WechatNotConfigured,
    #[error(transparent)]
    Limited(#[from] Limited),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(PhoneError, cache);

/// How a failed `getuserphonenumber` reads to the mini-program.
impl From<WechatError> for PhoneError {
    fn from(error: WechatError) -> Self {
        match error.errcode() {
            Some(errcode::INVALID_CODE) => Self::PhoneCodeInvalid,
            Some(errcode::RATE_LIMITED) => Self::WechatRateLimited,
            _ if matches!(error, WechatError::WatermarkMismatch) => Self::PhoneCodeInvalid,
            _ if matches!(error, WechatError::NotConfigured) => Self::WechatNotConfigured,
            _ => Self::WechatUnavailable(error),
        }
    }
}

impl AreaError for PhoneError {
    fn kind(&self) -> Kind {
        match self {
            Self::PhoneCodeInvalid | Self::WechatNotConfigured => Kind::BadRequest,
            Self::PhoneUnsupported { .. } => Kind::Unprocessable,
            Self::WechatRateLimited => Kind::TooManyRequests,
            Self::WechatUnavailable(_) => Kind::Unavailable,
            Self::NotFound => Kind::NotFound,
            Self::Limited(e) => e.kind(),
            Self::Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::PhoneUnsupported { reason } => json!({ "reason": reason }),
            _ => json!({}),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        matches!(self, Self::WechatRateLimited).then_some(60)
    }

    fn pass_through(self) -> Result<ApiError, Self> {
        match self {
            Self::WechatUnavailable(e) => Ok(ApiError::unavailable(WECHAT_UNAVAILABLE, e)
                .with_message("微信服务暂时不可用，请稍后重试")),
            Self::Limited(e) => Ok(e.into()),
            Self::Fault(e) => Ok(e.into()),
            other => Err(other),
        }
    }

    crate::platform::error::area_error_glue!(codes except Limited, Fault);
}

/// Exchanges the phone button's code and stores the number sealed, with its blind index.
pub async fn bind_phone(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<PhoneNumber, PhoneError> {
    ratelimit::check(
        &*state.cache,
        &format!("phone:user:{}", user.user_id),
        state.settings.limits.phone_per_user_per_hour,
        HOUR,
    )
    .await?;
    let account = store::find(&state.db, user.user_id)
        .await?
        .ok_or(PhoneError::NotFound)?;
    let phone = match code.strip_prefix("dev:") {
        Some(number) if state.settings.wechat.dev_login && !state.settings.is_production() => {
            PhoneNumber::parse("86", number).map_err(|_| PhoneError::PhoneCodeInvalid)?
        }
        _ => {
            let info = state.wechat.phone_number(code, &account.openid).await?;
            PhoneNumber::parse(&info.country_code, &info.pure_phone_number).map_err(|e| {
                PhoneError::PhoneUnsupported {
                    reason: e.to_string(),
                }
            })?
        }
    };
    let sealed = state
        .crypto
        .seal_str(&phone.normalised(), &store::phone_aad(account.id))
        .map_err(|e| Fault::Unexpected(anyhow::Error::from(e)))?;
    let index = state.crypto.blind_index("phone", &phone.normalised());
    let now = state.clocks.business.now();
    super::cached::changing(state, user.user_id, user.public_id, async {
        store::set_phone(
            &state.db,
            account.id,
            sealed,
            index,
            phone.country_code(),
            now,
        )
        .await
        .map_err(PhoneError::from)
    })
    .await?;
    tracing::info!(user_id = account.id, "phone bound");
    Ok(phone)
}
