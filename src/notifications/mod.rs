//! Notifications the insured should receive. This area owns the outbox: a row per message,
//! written in the transaction of the change it reports, so a message is never lost and never
//! sent for a change that rolled back. Sending (WeChat subscribe messages) reads the outbox.

pub mod centre;
pub mod kind;
pub mod outbox;
pub mod routes;
pub mod texts;

pub use kind::NotificationKind;
