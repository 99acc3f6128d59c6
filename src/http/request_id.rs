//! One span per request, carrying a request id that is echoed in `X-Request-Id`, logged with
//! every line of that request, and kept for the audit trail. The last line of defence for the
//! error format lives here too: any error response that is not yet problem+json becomes one.

use std::future::{Ready, ready};
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse};
use tracing::Instrument;

use crate::error::{PROBLEM_JSON, Problem};

/// The header carrying the request id, in both directions.
pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

impl FromRequest for RequestId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(req
            .extensions()
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(String::new()))))
    }
}

/// The account-less ballot calls, which carry no request id.
const ANONYMOUS_PREFIX: &str = "/api/v1/ballots";

/// A caller-supplied id is kept when it is short and plain; otherwise a new one is made.
fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
}

/// Middleware: opens the request span, logs the outcome, and guarantees problem+json errors.
pub async fn trace_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // A ballot's request gets no id: no log line or header may tie a vote to anything.
    let anonymous = req.path().starts_with(ANONYMOUS_PREFIX);
    let id = if anonymous {
        String::new()
    } else {
        request_id(&req)
    };
    let span = if anonymous {
        tracing::info_span!("request", method = %req.method(), path = %req.path())
    } else {
        tracing::info_span!(
            "request",
            request_id = %id,
            method = %req.method(),
            path = %req.path(),
            sub = tracing::field::Empty,
        )
    };
    req.extensions_mut().insert(RequestId(id.clone()));
    let started = Instant::now();
    async move {
        let response = next.call(req).await?;
        let status = response.status();
        let latency_ms = started.elapsed().as_millis() as u64;
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), latency_ms, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), latency_ms, "request finished");
        }
        let mut response = ensure_problem(response);
        if let (false, Ok(value)) = (anonymous, HeaderValue::from_str(&id)) {
            response.headers_mut().insert(REQUEST_ID_HEADER, value);
        }
        Ok(response)
    }
    .instrument(span)
    .await
}

/// Rewrites an error response that is not problem+json (one made by a library) into one.
fn ensure_problem<B: MessageBody + 'static>(
    response: ServiceResponse<B>,
) -> ServiceResponse<BoxBody> {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if !status.is_client_error() && !status.is_server_error() || is_problem {
        return response.map_into_boxed_body();
    }
    let preflight = response.request().method() == actix_web::http::Method::OPTIONS;
    let code = match status.as_u16() {
        400 if preflight => "cors_refused",
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        _ if status.is_server_error() => "internal_error",
        _ => "http_error",
    };
    let problem = Problem {
        type_: format!("urn:lianzheng:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail: status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_owned(),
        code: code.to_owned(),
        errors: None,
        missing: None,
    };
    let (request, original) = response.into_parts();
    let mut fresh = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.append_header((name.clone(), value.clone()));
        }
    }
    let fresh = fresh
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .body(serde_json::to_string(&problem).unwrap_or_default());
    ServiceResponse::new(request, fresh)
}
