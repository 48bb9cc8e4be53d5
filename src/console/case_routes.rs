//! The console's case page, its actions and its photos.

use actix_web::ResponseError;
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use uuid::Uuid;

use super::case_page;
use super::forms::{self, Fields};
use super::pages::ViewerPage;
use super::respond::{ConsoleError, checked, render, see_other};
use super::session::ConsoleUser;
use crate::cases::actions::perform;
use crate::cases::files::Reader;
use crate::cases::service::case_in_scope;
use crate::documents::read;
use crate::documents::review;
use crate::documents::view::Rendition;
use crate::http::client_ip;
use crate::platform::error::ApiError;
use crate::state::AppState;

pub async fn case(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ConsoleError> {
    let case = case_in_scope(&state, &user.staff, *path).await?;
    let fields = Fields::parse(req.query_string().as_bytes());
    let notice = fields
        .get("done")
        .map(|action| format!("已完成：{}", super::pages::done_label(action)));
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let page = case_page::build(&state, &user, ip, &case, notice, None).await?;
    Ok(render(StatusCode::OK, &page))
}

/// The case page again with `error` shown in the form it came from (`at`: the form's id), at
/// the status the API would answer.
pub(super) async fn refused(
    state: &AppState,
    user: &ConsoleUser,
    req: &HttpRequest,
    (id, at): (Uuid, String),
    error: ApiError,
) -> Result<HttpResponse, ConsoleError> {
    let case = case_in_scope(state, &user.staff, id).await?;
    let ip = client_ip(req, &state.settings.server.trusted_proxies);
    let shown = Some((error.body().message, at));
    let page = case_page::build(state, user, ip, &case, None, shown).await?;
    Ok(render(error.status_code(), &page))
}

pub async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<(Uuid, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let (id, action) = path.into_inner();
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let command = match forms::command(&action, &fields) {
        Ok(command) => command,
        Err(e) => {
            return refused(
                &state,
                &user,
                &req,
                (id, format!("action-{action}")),
                e.into(),
            )
            .await;
        }
    };
    match perform(&state, &user.staff, id, command).await {
        Ok(_) => Ok(see_other(&format!("/console/cases/{id}?done={action}"))),
        // Not in scope: as absent as on the API.
        Err(crate::cases::error::CaseError::NotFound) => {
            Err(crate::cases::error::CaseError::NotFound.into())
        }
        Err(e) => {
            let at = format!("action-{action}");
            refused(&state, &user, &req, (id, at), e.into()).await
        }
    }
}

pub async fn review_document(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
    body: web::Bytes,
) -> Result<HttpResponse, ConsoleError> {
    let fields = Fields::parse(&body);
    checked(&user, &fields)?;
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let reader = Reader::Staff {
        staff: &user.staff,
        ip,
    };
    let (doc, case) = read::readable_document(&state, reader, *path, "document_viewed").await?;
    let outcome = match forms::review(&fields) {
        Ok((decision, reason, note)) => {
            review::review(&state, &user.staff, ip, *path, decision, reason, note)
                .await
                .map_err(ApiError::from)
        }
        Err(e) => Err(e.into()),
    };
    // Reviewed in the viewer: on to the file it names next (one of the case's), else back to it.
    let in_viewer = fields.get("from") == Some("viewer");
    let next = fields
        .get("next")
        .and_then(|n| Uuid::parse_str(n).ok())
        .unwrap_or(doc.public_id);
    match outcome {
        Ok(_) if in_viewer => Ok(see_other(&format!(
            "/console/documents/{next}/view?done=review"
        ))),
        Ok(_) => Ok(see_other(&format!(
            "/console/cases/{}?done=review#photos",
            case.public_id
        ))),
        Err(e) => {
            let at = format!("photo-{}", doc.public_id);
            refused(&state, &user, &req, (case.public_id, at), e).await
        }
    }
}

pub async fn viewer(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<Uuid>,
) -> Result<HttpResponse, ConsoleError> {
    let ip = client_ip(&req, &state.settings.server.trusted_proxies);
    let reader = Reader::Staff {
        staff: &user.staff,
        ip,
    };
    let (doc, case) = read::readable_document(&state, reader, *path, "document_viewed").await?;
    let list = read::list(&state, reader, case.public_id).await?;
    let ids: Vec<Uuid> = list.items.iter().map(|d| d.id).collect();
    let at = ids.iter().position(|id| *id == doc.public_id).unwrap_or(0);
    let label = crate::attachments::materials::parse_category(&doc.category)
        .map_or("其他资料", |m| m.label());
    let shown = list.items.iter().find(|d| d.id == doc.public_id);
    let state_of = |d: &crate::documents::view::DocumentView| {
        use crate::attachments::store::documents::ReviewState;
        match d.review_state {
            ReviewState::Accepted => ("合格", "accepted"),
            ReviewState::Rejected => ("需重拍", "rejected"),
            ReviewState::Pending => ("待审核", "pending"),
        }
    };
    let (review_state, state_class) = shown.map_or(("待审核", "pending"), state_of);
    let can_review = crate::staff::access::may_change(
        &user.staff,
        case.assignee_id,
        crate::staff::access::Need::Owner,
    )
    .is_ok();
    let page = ViewerPage {
        who: Some(super::who(&state, &user).await?),
        id: doc.public_id.to_string(),
        case_id: case.public_id.to_string(),
        label,
        case_number: case.case_number.clone().unwrap_or_default(),
        record: shown
            .filter(|d| d.file_kind != "photo")
            .map(|d| d.file_kind_label),
        facts: shown.map(|d| d.facts_lines.clone()).unwrap_or_default(),
        size: super::case_sections::size(doc.bytes),
        state: review_state,
        state_class,
        message: shown.and_then(|d| d.review_message.clone()),
        position: at + 1,
        total: ids.len(),
        can_review,
        csrf: user.csrf.clone(),
        retake_reasons: super::case_sections::retake_reasons(),
        previous: at
            .checked_sub(1)
            .and_then(|i| ids.get(i))
            .map(Uuid::to_string),
        next: ids.get(at + 1).map(Uuid::to_string),
    };
    Ok(render(StatusCode::OK, &page))
}

/// The image or thumbnail, through the audited read of the documents area.
pub async fn image(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<(Uuid, String)>,
) -> Result<HttpResponse, ConsoleError> {
    let (id, rendition) = path.into_inner();
    let rendition = match rendition.as_str() {
        // A PDF or DICOM file, byte for byte (the same object as a photo's image).
        "image" | "file" => Rendition::Image,
        "thumbnail" => Rendition::Thumbnail,
        _ => return Err(ApiError::not_found().into()),
    };
    let reader = Reader::Staff {
        staff: &user.staff,
        ip: client_ip(&req, &state.settings.server.trusted_proxies),
    };
    let opened = read::open(&state, reader, id, rendition).await?;
    // A PDF or DICOM file is saved, never opened in the console's origin.
    let disposition = if opened.media_type.starts_with("image/") {
        "inline".to_owned()
    } else {
        format!("attachment; filename=\"{}\"", opened.file_name)
    };
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
        ))
        .content_type(opened.media_type)
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ))
        .no_chunking(opened.object.length)
        .streaming(opened.object.chunks))
}
