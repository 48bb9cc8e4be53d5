//! green-channel: the backend and BFF of the 英仕健康 critical-illness green-channel
//! mini-program. Areas own their routes, rules, stores and errors; the modules here are shared.

pub mod auth;
pub mod cache;
pub mod calendar;
pub mod cases;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod coalesce;
pub mod commands;
pub mod config;
pub mod consents;
pub mod console;
pub mod crypto;
pub mod db;
pub mod dev;
pub mod documents;
pub mod eligibility;
pub mod error;
pub mod health;
pub mod http;
pub mod idempotency;
pub mod net;
pub mod notifications;
pub mod outages;
pub mod plans;
pub mod policies;
pub mod ratelimit;
pub mod staff;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod users;
pub mod wechat;
pub mod worker;
