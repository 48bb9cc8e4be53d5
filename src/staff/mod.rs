//! The specialists' console: staff accounts (argon2id), console sessions (JWT audience
//! `console`), who may see and change which case (`access`), and the case API over the one
//! action path (`cases::actions`), scoped to insurers.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod alerts;
pub mod auth;
pub mod bodies;
pub mod cases;
pub mod routes;
pub mod store;

pub use access::CurrentStaff;
pub use accounts::Role;
