//! The rows of what is attached to a case.

pub mod documents;
pub mod reports;
