//! Reports (issue 15): a case's written report (a second opinion, the service report of
//! treatment abroad) delivered to the insured — and to the insurer where the plan says so — and
//! the insurer's weekly service-progress report (`weekly`), made by the background jobs and by
//! `green-channel report weekly`.

pub mod error;
pub mod files;
pub mod published;
pub mod routes;
pub mod store;
pub mod weekly;
