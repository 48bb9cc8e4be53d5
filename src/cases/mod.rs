//! Service cases (服务申请): one use of one service, created and followed by the insured, moved
//! forward by a medical service specialist, under the rules of the product plan.
//!
//! Layers: `routes` (HTTP) → `create`, `service` (the insured's operations, the queue),
//! `actions` (the provider side's, one entry point) and `watch` (what the jobs watch) → `store`
//! (every query and transaction: `store/`). The rules live beside them: `lifecycle`, `change`,
//! `cancellation`, `promises`, `form`.

pub mod actions;
pub mod apply_error;
pub mod cached;
pub mod cancellation;
pub mod change;
pub mod contact;
pub mod courier;
pub mod create;
pub mod error;
pub mod expiry;
pub mod files;
pub mod form;
pub mod forms;
pub mod intake;
pub mod lifecycle;
pub mod number;
pub mod objections;
pub mod offers;
pub mod principal;
pub mod promises;
pub mod queue;
pub mod register;
pub mod request_routes;
pub mod routes;
pub mod service;
pub mod store;
pub mod view;
pub mod watch;
