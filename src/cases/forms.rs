//! The forms a plan hands the insured to fill in (seed 004 二(二) 「寄送相关表格请被服务人填写」),
//! downloaded from their case: by its owner, or by staff in the case's insurer scope (audited as
//! every staff read of a case's files). The filled forms come back as `second_opinion_forms`.

use bytes::Bytes;
use uuid::Uuid;

use super::error::CaseError;
use super::files::{Reader, readable_case};
use super::service::plan_of;
use super::store;
use crate::state::AppState;

/// A form as it is downloaded: its name (`<title>.pdf`) and bytes.
#[derive(Debug, Clone)]
pub struct OpenedForm {
    pub file_name: String,
    pub bytes: Bytes,
}

/// The form `index` of the case `case_id`'s service, for `reader`.
pub async fn open(
    state: &AppState,
    reader: Reader<'_>,
    case_id: Uuid,
    index: usize,
) -> Result<OpenedForm, CaseError> {
    let found = store::find(&state.db, case_id).await?;
    let case = readable_case(
        state,
        reader,
        found,
        ("form_read", ("case", case_id)),
        || CaseError::NotFound,
        |_, _| Ok(()),
    )
    .await?;
    let (_, service) = plan_of(state, &case)?;
    let form = service.forms.get(index).ok_or(CaseError::NotFound)?;
    let bytes = state
        .plans
        .form(&form.file)
        .cloned()
        .ok_or_else(|| CaseError::unexpected("a plan's form not loaded"))?;
    Ok(OpenedForm {
        file_name: format!("{}.pdf", form.title),
        bytes,
    })
}
