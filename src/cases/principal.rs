//! Who calls an endpoint that both sides use (a case's files): the insured with a mini-program
//! token, or a staff member with a console token; the first that verifies. An extractor, for
//! the handlers of the areas over the cases.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use super::files::Reader;
use crate::auth::CurrentUser;
use crate::http::client_ip;
use crate::platform::error::ApiError;
use crate::staff::CurrentStaff;
use crate::state::AppState;

#[derive(Debug)]
pub enum Principal {
    User(CurrentUser),
    Staff(CurrentStaff),
}

impl Principal {
    pub fn reader<'a>(&'a self, req: &HttpRequest, state: &AppState) -> Reader<'a> {
        match self {
            Principal::User(user) => Reader::User(user.user_id),
            Principal::Staff(staff) => Reader::Staff {
                staff,
                ip: client_ip(req, &state.settings.server.trusted_proxies),
            },
        }
    }
}

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let user = CurrentUser::from_request(req, payload);
        let staff = CurrentStaff::from_request(req, payload);
        Box::pin(async move {
            match user.await {
                Ok(user) => Ok(Principal::User(user)),
                Err(user_error) => staff.await.map(Principal::Staff).map_err(|_| user_error),
            }
        })
    }
}
