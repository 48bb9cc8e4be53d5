//! sea-orm entities, first generated with sea-orm-cli (see the README for the command) and then
//! kept by hand. Behaviour lives in the application crate, never here.

pub mod app_user;
pub mod audit_log;
pub mod case_courier;
pub mod case_event;
pub mod case_objection;
pub mod case_offer;
pub mod case_report;
pub mod document;
pub mod holiday;
pub mod holiday_year;
pub mod idempotency_key;
pub mod insurer;
pub mod intake_refusal;
pub mod notification;
pub mod object_intent;
pub mod partner_api_key;
pub mod policy;
pub mod policy_binding;
pub mod prelude;
pub mod product;
pub mod quota_use;
pub mod relative_invitation;
pub mod service_case;
pub mod staff;
pub mod subscribe_grant;
pub mod user_consent;
pub mod wechat_push_event;
pub mod weekly_report;
