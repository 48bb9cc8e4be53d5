//! Every error code the service answers with, gathered from the areas' enums: what the README
//! and the OpenAPI document are tested against.

use std::collections::BTreeSet;

use crate::error::{AreaError, codes};

/// The codes of each area, in the order the README lists them.
pub fn codes_by_area() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut shared = codes::ALL.to_vec();
    shared.extend(super::CODES);
    shared.extend(crate::ratelimit::Limited::codes());
    shared.extend(crate::idempotency::IdempotencyError::codes());
    vec![
        ("shared", shared),
        ("auth", crate::auth::error::AuthError::codes()),
        ("phone", crate::users::bind::PhoneError::codes()),
        ("consents", crate::consents::service::ConsentError::codes()),
        ("policies", crate::policies::error::PolicyError::codes()),
        (
            "applications",
            crate::cases::apply_error::ApplyError::codes(),
        ),
        ("cases", crate::cases::error::CaseError::codes()),
        ("console", {
            let mut console = crate::staff::auth::StaffLoginError::codes();
            console.extend(crate::staff::access::AccessError::codes());
            console
        }),
        ("documents", crate::documents::error::DocumentError::codes()),
        ("notifications", {
            let mut notifications = crate::notifications::centre::CentreError::codes();
            notifications.extend(crate::notifications::grants::GrantError::codes());
            notifications
        }),
        (
            "wechat push",
            crate::notifications::push_events::PushError::codes(),
        ),
        ("alerts", crate::staff::alerts::AlertError::codes()),
    ]
}

/// Every code, once.
pub fn all_codes() -> BTreeSet<&'static str> {
    codes_by_area()
        .into_iter()
        .flat_map(|(_, codes)| codes)
        .collect()
}

/// Codes any endpoint may answer (outages, bugs, the framework's own refusals): the OpenAPI
/// document does not repeat them on every operation.
pub const EVERYWHERE: &[&str] = &[
    codes::INTERNAL_ERROR,
    codes::SERVICE_UNAVAILABLE,
    codes::DATABASE_UNAVAILABLE,
    codes::CACHE_UNAVAILABLE,
    codes::METHOD_NOT_ALLOWED,
    codes::PAYLOAD_TOO_LARGE,
    codes::UNSUPPORTED_MEDIA_TYPE,
    codes::BAD_REQUEST,
];
