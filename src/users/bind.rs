//! Binding the phone number from WeChat's phone button.

use super::phone::PhoneNumber;
use super::store;
use crate::auth::CurrentUser;
use crate::auth::error::codes::{WECHAT_RATE_LIMITED, WECHAT_UNAVAILABLE};
use crate::error::{ApiError, Kind};
use crate::ratelimit::{self, HOUR};
use crate::state::AppState;
use crate::wechat::{WechatError, errcode};

pub const PHONE_CODE_INVALID: &str = "phone_code_invalid";
pub const PHONE_UNSUPPORTED: &str = "phone_unsupported";

fn code_invalid() -> ApiError {
    ApiError::new(
        Kind::BadRequest,
        PHONE_CODE_INVALID,
        "手机号授权已失效，请重新点击授权按钮",
    )
}

fn from_wechat(error: WechatError) -> ApiError {
    match error.errcode() {
        Some(errcode::INVALID_CODE) => code_invalid(),
        Some(errcode::RATE_LIMITED) => ApiError::new(
            Kind::TooManyRequests,
            WECHAT_RATE_LIMITED,
            "操作过于频繁，请一分钟后再试",
        )
        .retry_after(60),
        _ if matches!(error, WechatError::WatermarkMismatch) => code_invalid(),
        _ => ApiError::unavailable(WECHAT_UNAVAILABLE, error)
            .with_message("微信服务暂时不可用，请稍后重试"),
    }
}

/// Exchanges the phone button's code and stores the number sealed, with its blind index.
pub async fn bind_phone(
    state: &AppState,
    user: &CurrentUser,
    code: &str,
) -> Result<PhoneNumber, ApiError> {
    ratelimit::check(
        &*state.cache,
        &format!("phone:user:{}", user.user_id),
        state.settings.limits.phone_per_user_per_hour,
        HOUR,
    )
    .await?;
    let account = store::find(&state.db, user.user_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let phone = match code.strip_prefix("dev:") {
        Some(number) if state.settings.wechat.dev_login && !state.settings.is_production() => {
            PhoneNumber::parse("86", number).map_err(|_| code_invalid())?
        }
        _ => {
            let info = state
                .wechat
                .phone_number(code, &account.openid)
                .await
                .map_err(from_wechat)?;
            PhoneNumber::parse(&info.country_code, &info.pure_phone_number).map_err(|e| {
                ApiError::new(
                    Kind::Unprocessable,
                    PHONE_UNSUPPORTED,
                    "暂不支持该手机号，请使用中国大陆手机号",
                )
                .with_details(serde_json::json!({ "reason": e.to_string() }))
            })?
        }
    };
    let sealed = state
        .crypto
        .seal_str(&phone.normalised(), &store::phone_aad(account.id))
        .map_err(ApiError::internal)?;
    let index = state.crypto.blind_index("phone", &phone.normalised());
    let now = state.clocks.business.now();
    store::set_phone(
        &state.db,
        account.id,
        sealed,
        index,
        phone.country_code(),
        now,
    )
    .await?;
    tracing::info!(user_id = account.id, "phone bound");
    Ok(phone)
}
