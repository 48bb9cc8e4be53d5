//! The application form's reference data: which services a policy offers, where, in which
//! hospitals and departments, for which illnesses.

pub mod data;
pub mod routes;

pub use data::Catalog;
