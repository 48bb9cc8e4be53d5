//! The policies area's refusals: binding, invitations, and partners' pushes. The variant name
//! is the code, the `#[error]` text the message.

use serde_json::{Value, json};

use crate::platform::error::{AreaError, Fault, Kind};

#[derive(Debug, thiserror::Error, strum::IntoStaticStr, strum::VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum PolicyError {
    /// No policy with this name and ID number: the same answer whatever is wrong.
    #[error("未找到与您填写的姓名和证件号码相符的保单，请核对后重试")]
    PolicyNotFound,
    #[error("验证失败次数过多，为保护您的信息已暂停绑定，请24小时后再试或联系客服")]
    BindLocked { retry_after: u64 },
    #[error("姓名或证件号码格式不正确，请核对后重新填写")]
    InvalidIdentity { field: &'static str, reason: String },
    /// A policy id that is not bound to the caller.
    #[error("未找到该保单")]
    NotFound,
    #[error("该保单不包含所选服务，请重新选择")]
    UnknownService,
    #[error("只有被保险人本人可以邀请亲属")]
    NotTheInsured,
    #[error("该保单的服务仅限被保险人本人使用，不能邀请亲属")]
    RelativesNotAllowed,
    #[error("邀请码无效、已使用或已过期，请向被保险人重新获取")]
    InvitationInvalid,
    #[error("您已是该保单的被保险人，无需使用邀请码")]
    AlreadyBound,
    /// The policy is held by another account as its insured, and this account's verified phone
    /// is not the policy's (issue 29 §1).
    #[error(
        "该保单已绑定在另一个微信账号上。如您是被保险人本人，请先在本账号验证保单预留的手机号后再绑定；如您是家属，请被保险人在小程序中向您发出邀请"
    )]
    PolicyHeldElsewhere { phone_verified: bool },
    #[error("保单信息不完整或格式不正确")]
    InvalidPolicy { errors: Value },
    #[error("该保单或产品不属于您的机构")]
    PartnerForbidden,
    #[error("接口密钥无效或已吊销")]
    PartnerKeyInvalid,
    #[error(transparent)]
    Limited(#[from] crate::platform::ratelimit::Limited),
    #[error(transparent)]
    Fault(#[from] Fault),
}

crate::platform::error::faults_from!(PolicyError, cache);

impl AreaError for PolicyError {
    fn kind(&self) -> Kind {
        use PolicyError::*;
        match self {
            PolicyNotFound | NotFound | InvitationInvalid => Kind::NotFound,
            BindLocked { .. } => Kind::TooManyRequests,
            InvalidIdentity { .. }
            | UnknownService
            | RelativesNotAllowed
            | InvalidPolicy { .. } => Kind::Unprocessable,
            NotTheInsured | PartnerForbidden => Kind::Forbidden,
            AlreadyBound | PolicyHeldElsewhere { .. } => Kind::Conflict,
            PartnerKeyInvalid => Kind::Unauthorized,
            Limited(e) => e.kind(),
            Fault(_) => Kind::Internal,
        }
    }

    fn details(&self) -> Value {
        match self {
            Self::InvalidIdentity { field, reason } => json!({ "field": field, "reason": reason }),
            Self::InvalidPolicy { errors } => json!({ "errors": errors }),
            // Whether verifying the phone could still help: the account has none verified yet.
            Self::PolicyHeldElsewhere { phone_verified } => {
                json!({ "phone_verified": phone_verified })
            }
            _ => json!({}),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::BindLocked { retry_after } => Some((*retry_after).max(1)),
            _ => None,
        }
    }

    crate::platform::error::area_error_glue!(Limited, Fault);
}
