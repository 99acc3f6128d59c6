//! Conditional requests, one scheme for every handler (RFC 9110 §13): `ETag` on single
//! resources, `If-Match` on writes (428 when absent, 412 when it names no current tag) and
//! `If-None-Match` on reads (304 when it names the current tag).
//!
//! `If-Match` uses the strong comparison: it passes only for exactly the tag the GET sent, so a
//! weak `W/"1"` never authorises a write. `If-None-Match` uses the weak comparison, so `W/"1"`
//! matches `"1"`. Both take a list of tags, and `*` means "any current representation": it
//! passes `If-Match` whenever the resource exists (every handler checks after loading it) and
//! makes `If-None-Match` answer 304.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::ApiError;

/// A strong entity tag, quotes included (`"3"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ETag(pub String);

impl ETag {
    /// The tag of version `version` of a resource whose version counter changes with everything
    /// its representation shows.
    pub fn from_version(version: i32) -> Self {
        ETag(format!("\"{version}\""))
    }

    /// The tag of a representation assembled from several tables (a score sheet, a team
    /// report, a team): the first 128 bits of the SHA-256 of its JSON, so that it changes
    /// exactly when anything the response shows changes, with no version to forget.
    pub fn of_body<T: Serialize>(body: &T) -> Self {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let hash = crate::audit::sha256_hex(&bytes);
        ETag(format!("\"{}\"", &hash[..32]))
    }
}

/// What a precondition header names: any current representation, or a list of tags.
enum Condition<'a> {
    /// `*`.
    Any,
    /// Each tag as (weak, opaque tag with its quotes).
    Tags(Vec<(bool, &'a str)>),
}

fn parse(value: &str) -> Condition<'_> {
    if value.trim() == "*" {
        return Condition::Any;
    }
    Condition::Tags(
        value
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| match t.strip_prefix("W/") {
                Some(opaque) => (true, opaque.trim()),
                None => (false, t),
            })
            .collect(),
    )
}

/// The strong comparison (RFC 9110 §8.8.3.2): both tags strong and identical.
fn strong_match(value: &str, current: &ETag) -> bool {
    match parse(value) {
        Condition::Any => true,
        Condition::Tags(tags) => tags
            .iter()
            .any(|(weak, opaque)| !weak && *opaque == current.0),
    }
}

/// The weak comparison: the opaque tags are identical, weak or not.
fn weak_match(value: &str, current: &ETag) -> bool {
    match parse(value) {
        Condition::Any => true,
        Condition::Tags(tags) => tags.iter().any(|(_, opaque)| *opaque == current.0),
    }
}

/// The `If-Match` header of a write. Writes that need it take this extractor; a request without
/// it answers 428.
#[derive(Debug, Clone)]
pub struct IfMatch(String);

impl IfMatch {
    /// Answers 412 unless the header names `current` (strong comparison) or is `*`. Call it
    /// after loading the resource under its lock: that the resource exists is what `*` asks.
    pub fn check(&self, current: &ETag) -> Result<(), ApiError> {
        if strong_match(&self.0, current) {
            Ok(())
        } else {
            Err(stale())
        }
    }

    /// The `If-Match` header when present, for writes where it is optional.
    pub fn optional(req: &HttpRequest) -> Option<IfMatch> {
        req.headers()
            .get(header::IF_MATCH)
            .and_then(|v| v.to_str().ok())
            .map(|v| IfMatch(v.to_owned()))
    }
}

/// The 412 answer for a stale `If-Match`.
pub fn stale() -> ApiError {
    ApiError::PreconditionFailed(
        "the resource has changed since it was read (If-Match does not match its ETag); \
         read it again and retry"
            .to_owned(),
    )
}

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(IfMatch::optional(req).ok_or_else(|| {
            ApiError::PreconditionRequired(
                "this write needs an If-Match header with the resource's current ETag".to_owned(),
            )
        }))
    }
}

/// A request's `If-None-Match` header, taken out of the request so that a blocking closure can
/// decide before it loads a large body.
#[derive(Debug, Clone, Default)]
pub struct IfNoneMatch(Option<String>);

impl IfNoneMatch {
    /// The header of `req`, if any.
    pub fn of(req: &HttpRequest) -> Self {
        IfNoneMatch(
            req.headers()
                .get(header::IF_NONE_MATCH)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        )
    }

    /// Whether it names `current` (weak comparison), so a GET answers 304.
    pub fn names(&self, current: &ETag) -> bool {
        self.0.as_deref().is_some_and(|v| weak_match(v, current))
    }
}

/// The 304 answer, carrying the current tag.
pub fn not_modified(etag: &ETag) -> HttpResponse {
    HttpResponse::NotModified()
        .insert_header((header::ETAG, etag.0.clone()))
        .finish()
}

/// A 200 with the body and its `ETag`, or a 304 when `If-None-Match` already names it.
pub fn respond_with_etag<T: Serialize>(req: &HttpRequest, etag: &ETag, body: &T) -> HttpResponse {
    if IfNoneMatch::of(req).names(etag) {
        not_modified(etag)
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag.0.clone()))
            .json(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_compares_strongly() {
        let tag = ETag::from_version(7);
        assert!(strong_match("\"7\"", &tag));
        assert!(strong_match("\"1\", \"7\"", &tag));
        assert!(strong_match("*", &tag));
        assert!(!strong_match("W/\"7\"", &tag));
        assert!(!strong_match("\"8\"", &tag));
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let tag = ETag::from_version(3);
        assert!(weak_match("W/\"3\"", &tag));
        assert!(weak_match("\"1\", W/\"3\"", &tag));
        assert!(weak_match("*", &tag));
        assert!(!weak_match("W/\"4\", \"5\"", &tag));
    }

    #[test]
    fn a_body_tag_changes_with_the_body() {
        let a = ETag::of_body(&serde_json::json!({"self_score": "1.00"}));
        let b = ETag::of_body(&serde_json::json!({"self_score": "2.00"}));
        assert_ne!(a, b);
        assert_eq!(a, ETag::of_body(&serde_json::json!({"self_score": "1.00"})));
        assert_eq!(a.0.len(), 34);
    }
}
