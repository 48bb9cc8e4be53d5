//! Black-box tests of the real application over HTTP, on both backends.

mod helpers;
mod proxy;

mod binary;
mod cache_contract;
mod dev_clock;
mod errors;
mod health;
mod openapi;
mod outages;
