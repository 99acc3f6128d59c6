//! [`ValidJson`]: the body extractor every write uses.
//!
//! It checks the media type (415: `application/json` only; an empty body needs none and reads
//! as `{}`), the size (413), the syntax (400), refuses strings PostgreSQL cannot store (422
//! `invalid_character`, naming each JSON path), and then deserialises with
//! the path of the offending field (422), rejecting unknown fields (each request type carries
//! `deny_unknown_fields`), and finally runs the type's own [`Validate`] rules, which list every
//! offending field at once.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::domain::text;
use crate::error::{ApiError, FieldError};

/// The largest JSON body accepted, registered as app data (`BODY_LIMIT`).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// The longest a client may take to send a whole request body, registered as app data
/// (`BODY_READ_TIMEOUT`); past it the request answers 400 `body_timeout`.
#[derive(Debug, Clone, Copy)]
pub struct BodyReadTimeout(pub std::time::Duration);

impl BodyReadTimeout {
    /// The default when none is registered.
    pub const DEFAULT: std::time::Duration = std::time::Duration::from_secs(30);

    /// The timeout registered for `req`'s app.
    pub fn of(req: &HttpRequest) -> std::time::Duration {
        req.app_data::<BodyReadTimeout>()
            .map_or(Self::DEFAULT, |t| t.0)
    }

    /// The answer to a body that did not arrive in time.
    pub fn exceeded(timeout: std::time::Duration) -> ApiError {
        ApiError::BadRequest {
            code: "body_timeout",
            detail: format!(
                "the request body did not arrive within {} s",
                timeout.as_secs_f64()
            ),
        }
    }
}

/// Field-level rules of a request body, run after it deserialised.
pub trait Validate {
    /// Checks the value against its rules, each broken one noted in `rules`.
    fn check(&self, _rules: &mut Rules) {}

    /// Every rule the value breaks; empty when it is valid.
    fn validate(&self) -> Vec<FieldError> {
        let mut rules = Rules::default();
        self.check(&mut rules);
        rules.0
    }
}

// A handler that reads no body still takes `ValidJson<Empty>`, so that a body it would ignore
// (malformed JSON, an unknown field, another media type) is refused, as the contract says.
/// An empty body, for calls that need none: no body, or `{}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

impl Validate for Empty {
    fn validate(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

/// A JSON body that has been read, deserialised and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

/// Whether the request declares `application/json`, with at most a `charset=utf-8` parameter.
/// Other `+json` types (`application/json-patch+json`, ...) mean other semantics: 415.
pub fn is_json(content_type: &str) -> bool {
    let mut parts = content_type.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.all(|param| {
            let Some((name, value)) = param.split_once('=') else {
                return false;
            };
            let value = value.trim().trim_matches('"');
            name.trim().eq_ignore_ascii_case("charset") && value.eq_ignore_ascii_case("utf-8")
        })
}

/// Every string (and object key) in `value` that PostgreSQL could not store, by JSON path in
/// the form field errors use (`deductions[0].grounds`; `$` for the document itself).
pub fn unstorable_strings(value: &Value) -> Vec<FieldError> {
    fn walk(value: &Value, path: &str, errors: &mut Vec<FieldError>) {
        let join = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        match value {
            Value::String(s) if !text::is_storable(s) => {
                let field = if path.is_empty() { "$" } else { path };
                errors.push(invalid_character(field));
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{i}]"), errors);
                }
            }
            Value::Object(members) => {
                for (name, member) in members {
                    if text::is_storable(name) {
                        walk(member, &join(name), errors);
                    } else {
                        errors.push(invalid_character(&join(&name.replace('\0', "\\u0000"))));
                    }
                }
            }
            _ => {}
        }
    }
    let mut errors = Vec::new();
    walk(value, "", &mut errors);
    errors
}

/// The field error for text holding a character PostgreSQL cannot store (NUL).
pub fn invalid_character(field: &str) -> FieldError {
    FieldError::new(
        field,
        text::INVALID_CHARACTER,
        format!("`{field}` contains a character that cannot be stored (NUL)"),
    )
}

/// Reads a body of at most `limit` bytes, answering 413 past it and 400 `body_timeout` when it
/// takes longer than `timeout` to arrive (a client trickling bytes holds nothing for long).
pub async fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
    timeout: std::time::Duration,
) -> Result<web::BytesMut, ApiError> {
    actix_web::rt::time::timeout(timeout, read_all(req, payload, limit))
        .await
        .map_err(|_| BodyReadTimeout::exceeded(timeout))?
}

async fn read_all(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "the body is larger than the limit of {limit} bytes"
        ))
    };
    if let Some(length) = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        && length > limit
    {
        return Err(too_large());
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "body_unreadable",
            detail: e.to_string(),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Turns a serde error at a path into a field error.
fn field_error(error: serde_path_to_error::Error<serde_json::Error>) -> FieldError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let message = inner.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_owned();
    let join = |name: &str| {
        if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(name) = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next())
    {
        let field = if path == "." { name.to_owned() } else { path };
        return FieldError::new(field, "unknown_field", format!("unknown field `{name}`"));
    }
    if let Some(name) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        return FieldError::new(
            join(name),
            "required",
            format!("the field `{name}` is required"),
        );
    }
    FieldError::new(
        if path == "." { String::from("$") } else { path },
        "invalid",
        message,
    )
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let content_type = req
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.to_str().unwrap_or("invalid"));
            let wrong_type = || {
                ApiError::UnsupportedMediaType(
                    "the body must be sent as Content-Type: application/json".to_owned(),
                )
            };
            if content_type.is_some_and(|t| !is_json(t)) {
                return Err(wrong_type());
            }
            let limit = req.app_data::<BodyLimit>().map_or(1024 * 1024, |l| l.0);
            let timeout = BodyReadTimeout::of(&req);
            let mut body = read_body(&req, &mut payload, limit, timeout).await?;
            if body.is_empty() {
                // No body at all reads as `{}`: required fields are named, optional ones default.
                body.extend_from_slice(b"{}");
            } else if content_type.is_none() {
                return Err(wrong_type());
            }
            let document = match serde_json::from_slice::<Value>(&body) {
                Ok(document) => document,
                // `1e400` is valid JSON (RFC 8259 sets no limit) but no field can hold it: the
                // typed read below names the field, as for any other value out of range.
                Err(e) if e.to_string().starts_with("number out of range") => {
                    let mut deserializer = serde_json::Deserializer::from_slice(&body);
                    return Err(
                        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
                            Err(e) => ApiError::Validation(vec![field_error(e)]),
                            Ok(_) => ApiError::BadRequest {
                                code: "malformed_json",
                                detail: format!("the body is not valid JSON: {e}"),
                            },
                        },
                    );
                }
                Err(e) => {
                    return Err(ApiError::BadRequest {
                        code: "malformed_json",
                        detail: format!("the body is not valid JSON: {e}"),
                    });
                }
            };
            let unstorable = unstorable_strings(&document);
            if !unstorable.is_empty() {
                return Err(ApiError::Validation(unstorable));
            }
            let mut document = document;
            integral_numbers(&mut document);
            let value: T = match serde_path_to_error::deserialize(&document) {
                Ok(value) => value,
                Err(first) => return Err(ApiError::Validation(every_field::<T>(document, first))),
            };
            let errors = value.validate();
            if errors.is_empty() {
                Ok(ValidJson(value))
            } else {
                Err(ApiError::Validation(errors))
            }
        })
    }
}

/// JSON does not tell `129` from `129.0`, and JSON Schema's `integer` takes both: a number with
/// no fraction, exactly representable (within ±2^53), becomes an integer before the typed read,
/// so that an integer field takes it. Any other fraction stays, and an integer field refuses it.
/// (Decimals travel as strings, so no decimal passes through here.)
fn integral_numbers(value: &mut Value) {
    const EXACT: f64 = 9_007_199_254_740_992.0;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() <= EXACT
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(members) => members.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// How many members a body may have wrong before the answer stops listing them.
const MAX_LISTED: usize = 100;

/// Every offending field of a body that did not deserialise, not only the first: the member
/// serde stopped at is taken out and the rest read again, until it reads or stops at a member
/// already named; then the type's own rules add what they find in what is left.
fn every_field<T: DeserializeOwned + Validate>(
    mut document: Value,
    first: serde_path_to_error::Error<serde_json::Error>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut next = Some(first);
    while let Some(error) = next.take() {
        let segments: Vec<serde_path_to_error::Segment> = error.path().iter().cloned().collect();
        let found = field_error(error);
        if errors.iter().any(|e: &FieldError| e.field == found.field) || errors.len() >= MAX_LISTED
        {
            return errors;
        }
        errors.push(found);
        if !remove_member(&mut document, &segments) {
            return errors;
        }
        match serde_path_to_error::deserialize::<_, T>(&document) {
            Ok(value) => {
                let named: Vec<String> = errors.iter().map(|e| e.field.clone()).collect();
                errors.extend(
                    value
                        .validate()
                        .into_iter()
                        .filter(|e| !named.contains(&e.field)),
                );
                return errors;
            }
            Err(error) => next = Some(error),
        }
    }
    errors
}

/// Takes the member at `path` out of `document` (serde's path of an unknown field ends with
/// the field). False when there is nothing to take out.
fn remove_member(document: &mut Value, path: &[serde_path_to_error::Segment]) -> bool {
    use serde_path_to_error::Segment;
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut node = document;
    for segment in parents {
        node = match (segment, node) {
            (Segment::Map { key }, Value::Object(map)) => match map.get_mut(key) {
                Some(child) => child,
                None => return false,
            },
            (Segment::Seq { index }, Value::Array(items)) => match items.get_mut(*index) {
                Some(child) => child,
                None => return false,
            },
            _ => return false,
        };
    }
    match (last, node) {
        (Segment::Map { key }, Value::Object(map)) => map.remove(key).is_some(),
        // An element of a list cannot be left out without shifting the others: stop there.
        _ => false,
    }
}

/// Deserialises a field that may be absent (`None`), `null` (`Some(None)`) or a value.
/// Use with `#[serde(default, deserialize_with = "double_option")]`.
pub fn double_option<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// Collects the rules of text fields: trims, checks required, blank and length.
#[derive(Debug, Default)]
pub struct Rules(pub Vec<FieldError>);

impl Rules {
    /// A text field that must be present and not blank, at most `max` characters.
    pub fn required_text(&mut self, field: &str, value: &Option<String>, max: usize) {
        match value {
            None => self.0.push(FieldError::new(
                field,
                "required",
                format!("the field `{field}` is required"),
            )),
            Some(v) => self.text(field, v, max),
        }
    }

    /// A text field that, when present, must not be blank and at most `max` characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if text::is_blank(value) {
            self.0.push(FieldError::new(
                field,
                "blank",
                format!("`{field}` must not be blank"),
            ));
        } else if value.chars().count() > max {
            self.0.push(FieldError::new(
                field,
                "too_long",
                format!("`{field}` must be at most {max} characters"),
            ));
        }
    }

    /// An optional text field: blank is allowed only as `null`, and at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            self.text(field, v, max);
        }
    }

    /// A required non-text field.
    pub fn required<T>(&mut self, field: &str, value: &Option<T>) {
        if value.is_none() {
            self.0.push(FieldError::new(
                field,
                "required",
                format!("the field `{field}` is required"),
            ));
        }
    }
}

/// Trims a text value for storage.
pub fn clean(value: &str) -> String {
    value.trim().to_owned()
}

/// Trims an optional text value for storage.
pub fn clean_opt(value: Option<&str>) -> Option<String> {
    value.map(clean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        grounds: Option<String>,
        points: Option<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: Option<String>,
        year: Option<i32>,
        inner: Option<Inner>,
        items: Option<Vec<Inner>>,
    }

    impl Validate for Body {
        fn check(&self, rules: &mut Rules) {
            rules.required_text("name", &self.name, 10);
        }
    }

    fn errors_of(body: Value) -> Vec<(String, String)> {
        let text = body.to_string();
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let first = serde_path_to_error::deserialize::<_, Body>(&mut deserializer)
            .expect_err("the body is wrong");
        every_field::<Body>(body, first)
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_body_that_does_not_parse_names_every_wrong_member_and_the_rules_broken_by_the_rest() {
        let errors = errors_of(serde_json::json!({
            "year": "2014",
            "colour": "red",
            "inner": { "points": -1, "extra": 1 },
            "items": [{ "grounds": 5 }],
        }));
        let fields: Vec<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
        assert!(fields.contains(&"year"), "{errors:?}");
        assert!(fields.contains(&"colour"), "{errors:?}");
        assert!(fields.contains(&"inner.points"), "{errors:?}");
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("inner") && *f != "inner.points")
        );
        assert!(fields.contains(&"items[0].grounds"), "{errors:?}");
        // The rest then breaks the type's own rule: `name` is required.
        assert!(
            errors.contains(&("name".to_owned(), "required".to_owned())),
            "{errors:?}"
        );
    }

    #[test]
    fn a_whole_number_written_with_a_fraction_reads_as_an_integer() {
        let mut body = serde_json::json!({"year": 2014.0, "items": [{"points": 3.0}], "x": 1.5});
        integral_numbers(&mut body);
        assert_eq!(body["year"], serde_json::json!(2014));
        assert!(body["year"].is_i64() && body["items"][0]["points"].is_i64());
        assert!(body["x"].is_f64(), "a real fraction stays");
        let mut huge = serde_json::json!(1e300);
        integral_numbers(&mut huge);
        assert!(huge.is_f64(), "beyond 2^53 a float is not an exact integer");
    }

    #[test]
    fn each_field_is_named_once() {
        let errors = errors_of(serde_json::json!({ "name": 5, "year": [] }));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].0, "name");
        assert_eq!(errors[1].0, "year");
    }
}
