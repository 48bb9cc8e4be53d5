//! The signed-in insured as they see themself: WeChat login with a `wx.login` code (the code
//! exchanged once, the account found or made, a session opened), `/me` with their masked phone
//! and bound policies, and the summary that comes with tokens. `POST /api/v1/auth/wechat-login`,
//! `/auth/refresh`, `/auth/logout`, `GET /api/v1/me` and `POST /api/v1/me/phone` live here; the
//! sessions and tokens are `crate::auth`'s, the user rows `crate::users`'.

mod exchange;
pub mod login;
pub mod routes;
pub mod service;
