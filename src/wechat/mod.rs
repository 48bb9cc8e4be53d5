//! The WeChat server API: one typed reqwest client (`client`), the shared access token
//! (`token`), and the typed error every call returns (`error`). Documented request and response
//! shapes only; the base URL comes from `APP_WECHAT__BASE_URL` so tests point it at a fake.
//! `secret=` and `access_token=` travel in query strings: no URL with a query is ever logged.

mod client;
mod error;
mod token;

pub use client::{Code2Session, PhoneInfo, SubscribeMessage, WechatClient};
pub use error::{WechatError, errcode};
