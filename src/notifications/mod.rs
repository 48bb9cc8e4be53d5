//! Notifications the insured should receive: sent from the outbox, shown in the message
//! centre, reminded on the business clock, withdrawn when no longer true.
//!
//! The rows themselves, their kinds and the templates they go out with are `crate::outbox`
//! (below the cases, which write them in their transactions); this area reads and sends them.
//!
//! - `centre`: the in-app message centre;
//! - `dispatch`: claims due rows and sends them; `supersede`: whether a row is still true;
//! - `grants`: the one-shot subscribe grants;
//! - `reminders`: reminders on the business clock;
//! - `push`, `push_events`: WeChat's message push (safe mode);
//! - `store`: the grants' rows and the pushes already handled;
//! - `routes`, `push_routes`: HTTP.

pub mod centre;
pub mod dispatch;
pub mod grants;
pub mod push;
pub mod push_events;
pub mod push_routes;
pub mod reminders;
pub mod routes;
pub mod store;
pub mod supersede;
pub mod texts;
