//! Notifications the insured should receive. This area owns the outbox: a row per message,
//! written in the transaction of the change it reports, so a message is never lost and never
//! sent for a change that rolled back.
//!
//! - `outbox`: the rows (queue, claim, finish); `centre`: the in-app message centre;
//! - `templates`: which WeChat template each kind goes out with (data, checked at start);
//! - `dispatch`: claims due rows and sends them; `supersede`: whether a row is still true;
//! - `grants`, `grant_store`: the one-shot subscribe grants;
//! - `reminders`: reminders on the business clock;
//! - `push`, `push_events`, `push_store`: WeChat's message push (safe mode);
//! - `routes`, `push_routes`: HTTP.

pub mod centre;
pub mod dispatch;
pub mod grant_store;
pub mod grants;
pub mod kind;
pub mod outbox;
pub mod push;
pub mod push_events;
pub mod push_routes;
pub mod push_store;
pub mod reminders;
pub mod routes;
pub mod supersede;
pub mod templates;
pub mod texts;

pub use kind::NotificationKind;
