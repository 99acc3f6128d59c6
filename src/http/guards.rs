//! Two middlewares every request passes: one refuses query parameters and path segments that
//! PostgreSQL could not store (a NUL character) before any handler sees them; the other marks
//! every API response `Cache-Control: no-store`, so no shared or browser cache keeps data that
//! was read with someone's credentials.

use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use percent_encoding::percent_decode;

use crate::domain::text::is_blank;
use crate::error::{ApiError, FieldError};
use crate::http::json::invalid_character;

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space).
fn decode(component: &str) -> Vec<u8> {
    let spaced = component.replace('+', " ");
    percent_decode(spaced.as_bytes()).collect()
}

/// Every query parameter whose name or value decodes to a NUL, or whose value is not empty
/// but blank (only whitespace and invisible format characters, which would match nothing or
/// everything as a filter), named by the parameter.
pub fn unstorable_parameters(query: &str) -> Vec<FieldError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (name, value) = (decode(name), decode(value));
            let shown = String::from_utf8_lossy(&name).replace('\0', "\\u0000");
            if name.contains(&0) || value.contains(&0) {
                return Some(invalid_character(&shown));
            }
            let value = String::from_utf8_lossy(&value);
            (!value.is_empty() && is_blank(&value)).then(|| {
                FieldError::new(
                    &shown,
                    "blank",
                    format!("`{shown}` must not be blank; leave it out instead"),
                )
            })
        })
        .collect()
}

/// Whether a path segment decodes to a NUL (`/items/1.1%00`).
pub fn path_is_unstorable(path: &str) -> bool {
    decode_path(path).contains(&0)
}

fn decode_path(path: &str) -> Vec<u8> {
    percent_decode(path.as_bytes()).collect()
}

/// Middleware: 422 naming each query parameter (or `path`) that holds a NUL.
pub async fn refuse_unstorable_input(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut errors = Vec::new();
    if path_is_unstorable(req.path()) {
        errors.push(invalid_character("path"));
    }
    errors.extend(unstorable_parameters(req.query_string()));
    if errors.is_empty() {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let response = ApiError::Validation(errors).error_response();
    Ok(req.into_response(response))
}

/// Middleware: `Cache-Control: no-store` on every response under `/api/` and on every response
/// to a request that carried credentials. `ETag` and `304` still work: a client revalidates
/// with `If-None-Match` instead of trusting a stored copy.
pub async fn no_store(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let private = req.path().starts_with("/api/")
        || req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().contains_key(header::COOKIE);
    let mut response = next
        .call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)?;
    if private {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_with_a_nul_are_named() {
        let errors = unstorable_parameters("q=%00&page=1&actor=a%00b&x+y=%2500");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["q", "actor"]);
        assert_eq!(errors[0].code, "invalid_character");
        assert!(unstorable_parameters("q=阳城镇&kind=town&flag").is_empty());
        assert_eq!(unstorable_parameters("a%00=1")[0].field, "a\\u0000");
        let blank = unstorable_parameters("q=%E2%80%AE%E2%80%8B&actor=+&resource=&kind=town");
        let fields: Vec<&str> = blank.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["q", "actor"]);
        assert_eq!(blank[0].code, "blank");
    }

    #[test]
    fn paths_with_a_nul_are_refused() {
        assert!(path_is_unstorable("/api/v1/x/items/1.1%00"));
        assert!(!path_is_unstorable("/api/v1/x/items/1.1%2500"));
    }
}
