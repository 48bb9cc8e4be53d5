//! The outbox: a row per message the insured should receive, written in the transaction of the
//! change it reports, so a message is never lost and never sent for a change that rolled back.
//! The areas that change a case write here; `crate::notifications` (above them) sends, shows
//! and withdraws the rows.
//!
//! - `kind`: what a message is about; `templates`: which WeChat template each kind goes out
//!   with (data, checked at start); `store`: the rows (queue, claim, finish, read).

pub mod kind;
pub mod store;
pub mod templates;
