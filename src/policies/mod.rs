//! The policy registry: policies imported from insurers' files or pushed by partners, the
//! identity checks on them, and binding mini-program users to them.

pub mod bind;
pub mod changes;
pub mod error;
pub mod identity;
pub mod import;
pub mod partner;
pub mod record;
pub mod routes;
pub mod service;
pub mod store;
