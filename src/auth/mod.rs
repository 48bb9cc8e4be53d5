//! Who is calling: WeChat login, sessions in the cache, access and refresh tokens, logout.
//! `POST /api/v1/auth/wechat-login`, `/auth/refresh`, `/auth/logout`; the `CurrentUser`
//! extractor every authenticated mini-program route uses.

pub mod error;
mod exchange;
pub mod extractor;
pub mod login;
pub mod routes;
pub mod sessions;

pub use extractor::CurrentUser;
