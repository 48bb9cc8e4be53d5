//! The staff: their accounts (argon2id), roles and insurer scopes, their console sessions (JWT
//! audience `console`), and who may see and change which case (`access`). The areas that change
//! cases ask here; the specialists' case API, queue and alerts over them are `crate::desk`.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod auth;
pub mod card;
pub mod role;
pub mod store;

pub use access::CurrentStaff;
pub use role::Role;
