//! The specialists' desk: the JSON staff API over the one action path (`cases::actions`), the
//! case lists and views they work from (scoped to their insurer), and the alerts on promises
//! about to be broken. Who they are and what they may do is `crate::staff`, below the cases.

pub mod alerts;
pub mod bodies;
pub mod cases;
mod into_command;
pub mod objections;
pub mod queue;
pub mod routes;
pub mod step_bodies;
