//! The supervisors' list of objections and complaints waiting for an answer (seed 002 (一)2.6),
//! the oldest first, each linked to its case: answered there with `answer-objection`.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::cases::error::CaseError;
use crate::cases::lifecycle::Status;
use crate::cases::objections::ObjectionView;
use crate::cases::service::{open_objections, service_name, status_of};
use crate::cases::view::status_text;
use crate::staff::access::CurrentStaff;
use crate::state::AppState;

/// An objection waiting for its answer, with the case it is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenObjection {
    pub case_id: Uuid,
    #[schema(example = "GC2611-00042")]
    pub number: String,
    pub service_name: String,
    pub status: Status,
    pub status_text: &'static str,
    pub objection: ObjectionView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ObjectionList {
    /// The oldest first (at most 200).
    pub items: Vec<OpenObjection>,
}

/// The open objections in `staff`'s scope.
pub async fn list(state: &AppState, staff: &CurrentStaff) -> Result<ObjectionList, CaseError> {
    let items = open_objections(state, staff)
        .await?
        .into_iter()
        .map(|(objection, case)| {
            let status = status_of(&case);
            OpenObjection {
                case_id: case.public_id,
                number: crate::cases::store::number_of(&case),
                service_name: service_name(state, &case),
                status,
                status_text: status_text(status),
                objection: ObjectionView::of(&objection),
            }
        })
        .collect();
    Ok(ObjectionList { items })
}
