//! Service cases (服务申请): one use of one service, created and followed by the insured, moved
//! forward by a medical service specialist, under the rules of the product plan.

pub mod cancellation;
pub mod create;
pub mod expiry;
pub mod lifecycle;
pub mod routes;
pub mod store;
pub mod view;
