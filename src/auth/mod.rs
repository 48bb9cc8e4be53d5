//! Who is calling: sessions in the cache, access and refresh tokens (refresh, logout), and the
//! `CurrentUser` extractor every authenticated mini-program route uses. The WeChat login that
//! opens a session is `crate::me::login`.

pub mod answer;
pub mod error;
pub mod extractor;
pub mod sessions;
pub mod tokens;

pub use extractor::CurrentUser;
