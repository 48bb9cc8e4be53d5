//! Black-box tests of the real application over HTTP, on both backends.

mod case_support;
mod doc_support;
mod fake_wechat;
mod helpers;
mod proxy;
mod quota;
mod registry;
mod rules;
mod shapes;
mod storage_contract;

mod auth;
mod binary;
mod cache_contract;
mod case_access;
mod case_concurrency;
mod case_numbers;
mod cases;
mod catalog;
mod consents;
mod console;
mod console_actions;
mod console_admin;
mod console_browser;
mod console_pages;
mod dev_clock;
mod documents;
mod errors;
mod health;
mod import;
mod logs;
mod openapi;
mod outages;
mod phone;
mod policies;
mod wechat_client;
