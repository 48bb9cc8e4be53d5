//! The insured's steps in the conversation on a case: answering an offer, asking for a change,
//! telling they will be late, objecting or complaining, downloading the plan's forms, asking for
//! documents by courier. Each parses the request, calls one function of `cases::actions` (or
//! `cases::forms`) and answers with the case as saved.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::actions::{ChangeKind, ChangeRequest};
use super::error::CaseError;
use super::objections::ObjectionKind;
use super::offers::Answer;
use super::service;
use super::view::CaseView;
use crate::auth::CurrentUser;
use crate::platform::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The insured's answer to the open offer: `option` (0-based) to accept one, or `decline: true`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferAnswerBody {
    /// The case version the answer was decided on (a stale one is a 409 `case_modified`).
    pub version: i32,
    /// The option chosen (0-based).
    pub option: Option<usize>,
    /// Declines every option (what that means is in `offer.decline_text`).
    #[serde(default)]
    pub decline: bool,
}

/// Answers the offer the case shows (`offer`): one of its options, or a decline. Declining
/// ends the service uncounted where the plan says so (plan 3's named expert); otherwise the
/// specialist arranges again.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = OfferAnswerBody,
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`offer_closed` (answered, replaced or lapsed), `case_modified`, `invalid_transition`", body = ErrorBody),
        (status = 422, description = "`offer_choice_invalid`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/offer")]
pub async fn answer_offer(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<OfferAnswerBody>,
) -> Result<web::Json<CaseView>, ApiError> {
    let answer = match (body.option, body.decline) {
        (Some(index), false) => Answer::Accept(index),
        (None, true) => Answer::Decline,
        _ => return Err(CaseError::OfferChoiceInvalid.into()),
    };
    let saved =
        crate::cases::actions::answer(&state, user.user_id, *path, body.version, answer).await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}

/// A change the insured asks for a booked visit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestBody {
    pub version: i32,
    /// `time` (another time) or `hospital` (another hospital).
    pub kind: ChangeKind,
    /// What the insured would like, in their words (up to 200 characters).
    #[schema(max_length = 200)]
    pub note: Option<String>,
    /// Asked after the plan's free cut-off the change counts as a use: the first answer is 409
    /// `change_counts`; asking again with `true` records it.
    #[serde(default)]
    pub accept_counted: bool,
}

/// Asks the specialist for another time or hospital for the booked visit, under the plan's
/// rule for cancelling (seed 002 Q&A: free until 12:00 the day before, counted after; seed 000:
/// no change once booked). The specialist answers with an offer or a new booking.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ChangeRequestBody,
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`change_not_allowed` (`details.hotline`), `change_counts` (ask again accepting the count), `invalid_transition` (no booked visit), `case_modified`", body = ErrorBody),
        (status = 422, description = "`field_too_long`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/change-request")]
pub async fn request_change(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ChangeRequestBody>,
) -> Result<web::Json<CaseView>, ApiError> {
    crate::http::check_lengths(&[("note", body.note.as_deref(), 200)])?;
    let body = body.into_inner();
    let request = ChangeRequest {
        kind: body.kind,
        note: body.note,
        accept_counted: body.accept_counted,
    };
    let saved =
        crate::cases::actions::request_change(&state, user.user_id, *path, body.version, request)
            .await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}

/// The insured will be late for the booked visit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LateBody {
    pub version: i32,
    /// About how many minutes late.
    #[schema(maximum = 600)]
    pub minutes: Option<u32>,
}

/// Tells the specialist before the visit that the insured will be late: recorded on the case;
/// a late arrival told in advance does not forfeit the visit (seed 002 (一)2.9(5) 「无故迟到」).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = LateBody,
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`late_notice_too_late` (the time has passed), `invalid_transition` (no booked visit), `case_modified`", body = ErrorBody),
        (status = 422, description = "`invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/late")]
pub async fn notify_late(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<LateBody>,
) -> Result<web::Json<CaseView>, ApiError> {
    let minutes = body.minutes.map(|m| m.min(600));
    let saved =
        crate::cases::actions::notify_late(&state, user.user_id, *path, body.version, minutes)
            .await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}

/// An objection to a decision, or a complaint about the service.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionBody {
    pub version: i32,
    /// `objection` (to the review's result or another decision that ended the case: a refusal,
    /// a termination, a no-show) or `complaint` (about the service, on any submitted case).
    pub kind: ObjectionKind,
    /// In the insured's words (1 to 500 characters).
    #[schema(max_length = 500)]
    pub text: String,
}

/// Objects to a decision on the case or complains about the service (seed 002 (一)2.6
/// 「若对于审核结果或者服务质量有异议」): recorded on the case's timeline, listed for the
/// supervisors, answered in the message centre. One of each kind waits for its answer at a
/// time; the plan's complaint line (`complaint_line`) stays open besides.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = ObjectionBody,
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`objection_not_allowed` (an objection on a case no decision ended, a complaint before submission), `objection_pending` (one of that kind waits for its answer), `case_modified`", body = ErrorBody),
        (status = 422, description = "`objection_text_required`, `field_too_long`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/objections")]
pub async fn raise_objection(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<ObjectionBody>,
) -> Result<web::Json<CaseView>, ApiError> {
    crate::http::check_lengths(&[("text", Some(&body.text), 500)])?;
    let saved = crate::cases::actions::raise_objection(
        &state,
        user.user_id,
        (*path, body.version),
        body.kind,
        &body.text,
    )
    .await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}

/// A form of the case's plan to fill in and upload as `second_opinion_forms` (the case lists
/// them in `forms`): a PDF, as an attachment. For the case's owner, or staff in scope (audited).
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path), ("index" = usize, Path, description = "The form's `index` in the case's `forms`")),
    responses(
        (status = 200, content_type = "application/pdf", description = "The form"),
        (status = 404, description = "`not_found` (no such case for the caller, or no such form)", body = ErrorBody),
    )
)]
#[get("/cases/{id}/forms/{index}")]
pub async fn get_form(
    req: HttpRequest,
    principal: crate::cases::principal::Principal,
    state: web::Data<AppState>,
    path: web::Path<(Uuid, usize)>,
) -> Result<HttpResponse, ApiError> {
    let (id, index) = path.into_inner();
    let reader = principal.reader(&req, &state);
    let opened = crate::cases::forms::open(&state, reader, id, index).await?;
    Ok(crate::http::private_bytes(
        opened.bytes,
        "application/pdf".to_owned(),
        crate::http::attachment(&opened.file_name),
        "private, max-age=3600".to_owned(),
    ))
}

/// Documents by courier, as the insured asks.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourierBody {
    pub version: i32,
    /// `return_documents` (send reports, cards and originals back: the address is required) or
    /// `send_originals` (how and where to send originals: no address).
    pub purpose: crate::cases::courier::CourierPurpose,
    /// The recipient (up to 32 characters).
    #[schema(max_length = 32)]
    pub recipient: Option<String>,
    /// The recipient's mobile phone.
    #[schema(max_length = 15)]
    pub phone: Option<String>,
    /// Province, city, district and street (up to 200 characters).
    #[schema(max_length = 200)]
    pub address: Option<String>,
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

/// Asks for documents by courier (seed 004 陪诊 「报告及医保卡等通过快递寄送」; seed 002
/// (一)2.9(4): originals sent to the specialist, postage the insured's own): reports and cards
/// sent back to an address (sealed at rest; the case shows it masked, the specialist who holds
/// the case sees it in full), or how to send originals. The specialist answers with the carrier
/// and waybill, or with directions, in the message centre. One request waits at a time.
#[utoipa::path(
    tag = "cases",
    security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    request_body = CourierBody,
    responses(
        (status = 200, body = CaseView),
        (status = 404, description = "`not_found`", body = ErrorBody),
        (status = 409, description = "`courier_pending` (a request waits for its answer), `invalid_transition` (a draft), `case_modified`", body = ErrorBody),
        (status = 422, description = "`courier_address_required`, `courier_address_invalid`, `courier_address_not_needed`, `field_too_long`, `invalid_body`", body = ErrorBody),
    )
)]
#[post("/cases/{id}/courier")]
pub async fn request_courier(
    user: CurrentUser,
    state: web::Data<AppState>,
    path: web::Path<Uuid>,
    body: web::Json<CourierBody>,
) -> Result<web::Json<CaseView>, ApiError> {
    crate::http::check_lengths(&[
        ("recipient", body.recipient.as_deref(), 32),
        ("phone", body.phone.as_deref(), 15),
        ("address", body.address.as_deref(), 200),
        ("note", body.note.as_deref(), 200),
    ])?;
    let body = body.into_inner();
    let given = |v: &Option<String>| v.as_deref().is_some_and(|t| !t.trim().is_empty());
    let address =
        (given(&body.recipient) || given(&body.phone) || given(&body.address)).then(|| {
            (
                body.recipient.clone().unwrap_or_default(),
                body.phone.clone().unwrap_or_default(),
                body.address.clone().unwrap_or_default(),
            )
        });
    let request = crate::cases::actions::CourierRequest {
        purpose: body.purpose,
        address,
        note: body.note,
    };
    let saved = crate::cases::actions::request_courier(
        &state,
        user.user_id,
        (*path, body.version),
        request,
    )
    .await?;
    Ok(web::Json(service::detail_view(&state, &saved).await?))
}
