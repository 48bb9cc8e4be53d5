//! green-channel: the backend and BFF of the 英仕健康 critical-illness green-channel
//! mini-program. Areas own their routes, rules, stores and errors; the modules here are shared.

pub mod attachments;
pub mod auth;
pub mod calendar;
pub mod cases;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod consents;
pub mod console;
pub mod demo;
pub mod desk;
pub mod dev;
pub mod documents;
pub mod eligibility;
pub mod health;
pub mod http;
pub mod me;
pub mod notifications;
pub mod outbox;
pub mod plans;
pub mod platform;
pub mod policies;
pub mod privacy;
pub mod reports;
pub mod staff;
pub mod startup;
pub mod state;
pub mod users;
pub mod wechat;
pub mod worker;
