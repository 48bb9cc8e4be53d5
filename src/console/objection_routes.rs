//! The console's list of objections and complaints waiting for a supervisor's answer (the same
//! list as `GET /api/v1/staff/objections`), each linked to the case where it is answered.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::pages::{Who, when};
use super::respond::{ConsoleError, render};
use super::session::ConsoleUser;
use crate::cases::service::{open_objections, service_name, status_of};
use crate::cases::view::status_text;
use crate::state::AppState;

/// One objection as the list shows it.
#[derive(Debug)]
pub struct ObjectionLine {
    pub case_id: String,
    pub number: String,
    pub service: String,
    pub status: &'static str,
    pub label: &'static str,
    pub text: String,
    pub raised_at: String,
}

#[derive(Template, Debug)]
#[template(path = "console/objections.html")]
pub struct ObjectionsPage {
    pub who: Option<Who>,
    pub rows: Vec<ObjectionLine>,
}

pub async fn objections_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
) -> Result<HttpResponse, ConsoleError> {
    let rows = open_objections(&state, &user.staff)
        .await?
        .into_iter()
        .map(|(objection, case)| ObjectionLine {
            case_id: case.public_id.to_string(),
            number: crate::cases::store::number_of(&case),
            service: service_name(&state, &case),
            status: status_text(status_of(&case)),
            label: objection.kind.label(),
            text: objection.body,
            raised_at: when(Some(objection.raised_at)),
        })
        .collect();
    let page = ObjectionsPage {
        who: Some(super::who(&state, &user).await?),
        rows,
    };
    Ok(render(StatusCode::OK, &page))
}
