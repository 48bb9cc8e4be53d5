//! The specialists' web console (`/console/`): server-rendered pages (askama) with htmx for the
//! queue's refresh, both served from the binary. Every page and form calls the same area
//! services and authorisation as the JSON staff API (`staff::access`, `cases::actions::perform`,
//! `documents::read`, `documents::review`); only the session (a cookie, with a CSRF token per
//! session) and the rendering are the console's own.

pub mod admin_pages;
pub mod admin_routes;
pub mod alert_routes;
pub mod case_page;
pub mod case_routes;
mod case_sections;
pub mod forms;
pub mod labels;
pub mod objection_routes;
pub mod pages;
pub mod queue_routes;
pub mod report_routes;
pub mod respond;
pub mod routes;
pub mod session;

use pages::{Who, role_text};
use session::ConsoleUser;

use crate::platform::error::Fault;
use crate::state::AppState;

/// The page header's account line.
pub async fn who(state: &AppState, user: &ConsoleUser) -> Result<Who, Fault> {
    let insurer = match user.staff.account.insurer_id {
        Some(id) => crate::staff::admin::insurer_name(state, id).await?,
        None => None,
    };
    Ok(Who {
        login: user.staff.account.login.clone(),
        name: user.staff.account.display_name.clone(),
        role_text: role_text(user.staff.role),
        insurer,
        csrf: user.csrf.clone(),
        admin: user.staff.role == crate::staff::Role::Admin,
        reports: user.staff.role != crate::staff::Role::Specialist,
        objections: matches!(
            user.staff.role,
            crate::staff::Role::Supervisor | crate::staff::Role::Admin
        ),
    })
}

pub use routes::mount;
