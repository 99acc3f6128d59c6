//! Conditional requests: `ETag` on single resources, `If-Match` on writes (412 when stale, 428
//! when absent) and `If-None-Match` on reads (304 when unchanged).

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::ApiError;

/// A strong entity tag derived from a row's version counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(pub String);

impl ETag {
    /// The tag of version `version` of a resource.
    pub fn from_version(version: i32) -> Self {
        ETag(format!("\"{version}\""))
    }
}

/// Tags in an `If-Match` or `If-None-Match` header; `*` matches any.
fn header_matches(value: &str, etag: &ETag) -> bool {
    value
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate == etag.0)
}

/// The `If-Match` header of a write. Writes that need it take this extractor; a request without
/// it answers 428.
#[derive(Debug, Clone)]
pub struct IfMatch(String);

impl IfMatch {
    /// Answers 412 unless the header names `current`.
    pub fn check(&self, current: &ETag) -> Result<(), ApiError> {
        if header_matches(&self.0, current) {
            Ok(())
        } else {
            Err(stale())
        }
    }

    /// The version the client expects, if the header is a single tag this service made.
    pub fn expected_version(&self) -> Option<i32> {
        let tag = self.0.trim();
        if tag == "*" {
            return None;
        }
        tag.strip_prefix('"')?.strip_suffix('"')?.parse().ok()
    }

    /// Whether the header is `*` (any current version).
    pub fn is_any(&self) -> bool {
        self.0.trim() == "*"
    }
}

/// The 412 answer for a stale `If-Match`.
pub fn stale() -> ApiError {
    ApiError::PreconditionFailed(
        "the resource has changed since it was read (If-Match does not match its ETag); read it again and retry"
            .to_owned(),
    )
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.headers()
                .get(header::IF_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(|v| IfMatch(v.to_owned()))
                .ok_or_else(|| {
                    ApiError::PreconditionRequired(
                        "this write needs an If-Match header with the resource's current ETag"
                            .to_owned(),
                    )
                }),
        )
    }
}

/// A 200 with the body and its `ETag`, or a 304 when `If-None-Match` already names it.
pub fn respond_with_etag<T: Serialize>(req: &HttpRequest, etag: &ETag, body: &T) -> HttpResponse {
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| header_matches(v, etag));
    if unchanged {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.0.clone()))
            .finish()
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag.0.clone()))
            .json(body)
    }
}

impl IfMatch {
    /// The `If-Match` header when present, for writes where it is optional.
    pub fn optional(req: &HttpRequest) -> Option<IfMatch> {
        req.headers()
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(|v| IfMatch(v.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_the_version() {
        assert_eq!(IfMatch("\"7\"".into()).expected_version(), Some(7));
        assert_eq!(IfMatch("W/\"7\"".into()).expected_version(), None);
        assert!(IfMatch("*".into()).is_any());
    }

    #[test]
    fn lists_and_stars_match() {
        let tag = ETag::from_version(3);
        assert!(header_matches("\"1\", \"3\"", &tag));
        assert!(header_matches("*", &tag));
        assert!(!header_matches("\"4\"", &tag));
    }
}
