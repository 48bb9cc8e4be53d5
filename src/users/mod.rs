//! The mini-program's users: one per WeChat openid, with the phone number they bound
//! (`bind`, `phone`), and the cache scopes their copies live under (`cached`). What a user sees
//! of themself, and the WeChat login that makes or finds them, is `crate::me`, above the
//! policies.

pub mod bind;
pub mod cached;
pub mod phone;
pub mod service;
pub mod store;
