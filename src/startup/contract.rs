//! Every error code the service answers with, gathered from the areas' enums: what the README
//! and the OpenAPI document are tested against.

use std::collections::BTreeSet;

use crate::platform::error::{AreaError, codes};

/// The codes of each area, in the order the README lists them.
pub fn codes_by_area() -> Vec<(&'static str, Vec<&'static str>)> {
    let mut shared = codes::ALL.to_vec();
    shared.extend(crate::http::CODES);
    shared.extend(crate::platform::ratelimit::Limited::codes());
    shared.extend(crate::platform::idempotency::IdempotencyError::codes());
    vec![
        ("shared", shared),
        ("auth", crate::auth::error::AuthError::codes()),
        ("phone", crate::users::bind::PhoneError::codes()),
        ("consents", crate::consents::service::ConsentError::codes()),
        ("account", crate::privacy::erasure::ErasureError::codes()),
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
        ("alerts", crate::desk::alerts::AlertError::codes()),
        ("reports", crate::reports::error::ReportError::codes()),
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

/// Adds to every operation of the document the answers any such operation can give besides its
/// own: 401 where a credential is needed, 400 where the path, query or body can be malformed,
/// 413/415/422 where there is a JSON body, 503 for every `/api/v1` operation, each with the
/// error envelope and its codes. An operation's own description of a status is kept.
pub fn complete(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::Operation;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let answer = |codes: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(codes)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    let fill = |path: &str, operation: &mut Operation| {
        let responses = &mut operation.responses.responses;
        let mut add = |status: &str, codes: &str| {
            responses
                .entry(status.to_owned())
                .or_insert_with(|| answer(codes));
        };
        let secured = operation
            .security
            .as_ref()
            .is_some_and(|s| !s.is_empty() && !s.iter().any(|r| r == &Default::default()));
        if secured {
            add(
                "401",
                "`token_missing`, `token_invalid`, `token_expired`, `token_audience_invalid`, `session_revoked`",
            );
        }
        let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
        let json_body = operation.request_body.as_ref().is_some_and(|b| match b {
            RefOr::T(body) => body.content.contains_key("application/json"),
            RefOr::Ref(_) => true,
        });
        if has_parameters || json_body {
            add("400", "`invalid_path`, `invalid_query`, `malformed_json`");
        }
        if json_body {
            add("413", "`payload_too_large`");
            add("415", "`unsupported_media_type`");
            add("422", "`invalid_body`");
        }
        if path.starts_with("/api/v1/") {
            add(
                "503",
                "`database_unavailable`, `cache_unavailable`, `service_unavailable`",
            );
        }
    };
    for (path, item) in api.paths.paths.iter_mut() {
        for operation in [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.delete.as_mut(),
            item.patch.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            fill(path, operation);
        }
    }
}
