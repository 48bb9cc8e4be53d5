//! The mini-program's users: one per WeChat openid, with the phone number they bound.
//! `GET /api/v1/me` and `POST /api/v1/me/phone` live here.

pub mod bind;
pub mod cached;
pub mod phone;
pub mod routes;
pub mod service;
pub mod store;
