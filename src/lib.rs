//! green-channel: the backend and BFF of the 英仕健康 critical-illness green-channel
//! mini-program. Areas own their routes, rules, stores and errors; the modules here are shared.

pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod dev;
pub mod error;
pub mod health;
pub mod startup;
pub mod state;
pub mod telemetry;
