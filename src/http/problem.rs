//! Problem answers with their own stable code, for refusals [`crate::error::ApiError`] has no
//! variant for (a withheld evaluation result, a rate limit).

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};

use crate::error::messages::{self, Lang};
use crate::error::{PROBLEM_JSON, Problem};

/// An RFC 9457 answer with `status`, `code` and the English `detail`, in the request's language
/// as every other problem is (see [`crate::error::messages`]).
pub fn problem(status: u16, code: &str, detail: &str) -> HttpResponse {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let lang = messages::current();
    let (title, detail) = match lang {
        Lang::En => (
            status.canonical_reason().unwrap_or("Error").to_owned(),
            detail.to_owned(),
        ),
        Lang::Zh => (
            messages::title(status.as_u16()).to_owned(),
            messages::detail(status.as_u16(), code, detail),
        ),
    };
    let body = Problem {
        type_: format!("urn:lianzheng:problem:{code}"),
        title,
        status: status.as_u16(),
        detail,
        code: code.to_owned(),
        errors: None,
        missing: None,
    };
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, PROBLEM_JSON))
        .insert_header((header::CONTENT_LANGUAGE, lang.tag()))
        .insert_header((header::VARY, "Accept-Language"))
        .body(serde_json::to_string(&body).unwrap_or_default())
}

/// 429 `too_many_failures`, with `Retry-After`.
pub fn too_many(retry_after_seconds: u64, detail: &str) -> HttpResponse {
    let mut response = problem(429, "too_many_failures", detail);
    if let Ok(value) = header::HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}
