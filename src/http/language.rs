//! Middleware: the language every problem of a request is written in, from its
//! `Accept-Language` (Chinese unless English is preferred). It wraps everything that can answer
//! with a problem, so a refusal by a guard, the idempotency layer or a handler reads alike.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;

use crate::error::messages::{LANG, Lang};

/// Serves the request with its language set for [`crate::error::ApiError`]'s rendering.
pub async fn language(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let lang = Lang::negotiate(
        req.headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    LANG.scope(lang, next.call(req)).await
}
