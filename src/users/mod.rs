//! The mini-program's users: one per WeChat openid, with the phone number they bound. Logging
//! in with a `wx.login` code makes or finds the user (`login`, `exchange`); the sessions and
//! tokens it opens are `crate::auth`'s. `POST /api/v1/auth/wechat-login`, `/auth/refresh`,
//! `/auth/logout`, `GET /api/v1/me` and `POST /api/v1/me/phone` live here.

pub mod bind;
pub mod cached;
mod exchange;
pub mod login;
pub mod phone;
pub mod routes;
pub mod service;
pub mod store;
