//! The specialists' console: staff accounts (argon2id), console sessions (JWT audience
//! `console`), and the case API that moves cases forward, scoped to insurers.

pub mod accounts;
pub mod auth;
pub mod cases;
pub mod routes;

pub use accounts::Role;
pub use auth::CurrentStaff;
