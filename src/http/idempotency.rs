//! Safe retries: every `POST` accepts an `Idempotency-Key`, scoped to the caller (`sub`) and
//! the route. The same key with the same body replays the first response without doing the
//! work again; with another body it is 422; while the first is still in flight it is 409. Keys
//! live in PostgreSQL, so every instance shares them, and expire after 24 hours.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::audit::sha256_hex;
use crate::auth::authenticate;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::{BodyLimit, read_body};
use crate::ops::attachments::UploadLimit;
use crate::schema::idempotency_keys as keys;

/// The request header carrying the key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a response that is a replay of the first one.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key is remembered.
const KEY_LIFETIME_HOURS: i64 = 24;
/// An in-flight claim older than this is taken to be abandoned (its instance died).
const ABANDONED_AFTER_SECONDS: i64 = 120;
/// Response headers that are stored and replayed.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// Routes that keep no idempotency record (the account-less ballot submission and the issuing
/// of ballot codes, once they exist): no stored response may hold a ballot code.
pub const EXEMPT_PATH_SUFFIXES: &[&str] = &[];

#[derive(Debug)]
enum Claim {
    /// First time: do the work.
    New,
    /// Done before with the same body: replay.
    Replay {
        status: i16,
        headers: Value,
        body: Vec<u8>,
    },
    /// Same key, different body.
    Mismatch,
    /// The first request is still being processed.
    InFlight,
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
}

fn claim(
    conn: &mut PgConnection,
    sub: &str,
    route: &str,
    key: &str,
    hash: &str,
) -> Result<Claim, ApiError> {
    conn.transaction(|conn| {
        let now = Utc::now();
        diesel::delete(keys::table.filter(keys::expires_at.lt(now))).execute(conn)?;
        let inserted = diesel::insert_into(keys::table)
            .values((
                keys::caller_sub.eq(sub),
                keys::route.eq(route),
                keys::key.eq(key),
                keys::request_hash.eq(hash),
                keys::locked_at.eq(now),
                keys::expires_at.eq(now + Duration::hours(KEY_LIFETIME_HOURS)),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        if inserted == 1 {
            return Ok(Claim::New);
        }
        let row = keys::table
            .find((sub, route, key))
            .select((
                keys::request_hash,
                keys::response_status,
                keys::response_headers,
                keys::response_body,
                keys::locked_at,
            ))
            .for_update()
            .first::<(
                String,
                Option<i16>,
                Option<Value>,
                Option<Vec<u8>>,
                chrono::DateTime<Utc>,
            )>(conn)
            .optional()?;
        let Some((stored_hash, status, headers, body, locked_at)) = row else {
            return Ok(Claim::InFlight);
        };
        if stored_hash != hash {
            return Ok(Claim::Mismatch);
        }
        match status {
            Some(status) => Ok(Claim::Replay {
                status,
                headers: headers.unwrap_or(Value::Null),
                body: body.unwrap_or_default(),
            }),
            None if locked_at < now - Duration::seconds(ABANDONED_AFTER_SECONDS) => {
                diesel::update(keys::table.find((sub, route, key)))
                    .set(keys::locked_at.eq(now))
                    .execute(conn)?;
                Ok(Claim::New)
            }
            None => Ok(Claim::InFlight),
        }
    })
}

fn complete(
    conn: &mut PgConnection,
    sub: &str,
    route: &str,
    key: &str,
    status: u16,
    headers: Value,
    body: &[u8],
) -> QueryResult<()> {
    diesel::update(keys::table.find((sub, route, key)))
        .set((
            keys::response_status.eq(status as i16),
            keys::response_headers.eq(headers),
            keys::response_body.eq(body),
        ))
        .execute(conn)
        .map(|_| ())
}

fn release(conn: &mut PgConnection, sub: &str, route: &str, key: &str) -> QueryResult<()> {
    diesel::delete(keys::table.find((sub, route, key)))
        .execute(conn)
        .map(|_| ())
}

fn answer(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    let response = error.error_response();
    req.into_response(response)
}

/// Middleware: applies idempotency keys to `POST` requests that carry one.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let key = req
        .headers()
        .get(&IDEMPOTENCY_KEY)
        .map(|v| v.to_str().map(str::to_owned));
    let exempt = EXEMPT_PATH_SUFFIXES.iter().any(|s| req.path().ends_with(s));
    let key = match key {
        Some(_) if req.method() != Method::POST || exempt => None,
        None => None,
        Some(Ok(key)) if valid_key(&key) => Some(key),
        Some(_) => {
            return Ok(answer(
                req,
                ApiError::BadRequest {
                    code: "invalid_idempotency_key",
                    detail: "Idempotency-Key must be 1 to 255 visible ASCII characters".to_owned(),
                },
            ));
        }
    };
    let (Some(key), Some(pool)) = (key, req.app_data::<web::Data<PgPool>>().cloned()) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    // Without a valid caller there is nothing to scope the key to: the handler answers 401.
    let Ok(user) = authenticate(req.request()) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/"));
    let limit = if multipart {
        req.app_data::<UploadLimit>()
            .map_or(20 * 1024 * 1024, |l| l.0)
            + 64 * 1024
    } else {
        req.app_data::<BodyLimit>().map_or(1024 * 1024, |l| l.0)
    };
    let mut payload = req.take_payload();
    let body = match read_body(req.request(), &mut payload, limit).await {
        Ok(body) => body.freeze(),
        Err(error) => return Ok(answer(req, error)),
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let hash = sha256_hex(
        &[
            req.query_string().as_bytes(),
            b"\n",
            content_type.as_bytes(),
            b"\n",
            &body,
        ]
        .concat(),
    );
    req.set_payload(Payload::from(body));
    let route = format!("POST {}", req.path());
    let sub = user.sub.clone();

    let claimed = {
        let (sub, route, key, hash) = (sub.clone(), route.clone(), key.clone(), hash.clone());
        db::run(&pool, move |conn| claim(conn, &sub, &route, &key, &hash)).await
    };
    match claimed {
        Err(error) => return Ok(answer(req, error)),
        Ok(Claim::Mismatch) => {
            return Ok(answer(
                req,
                ApiError::Validation(vec![crate::error::FieldError::new(
                    "Idempotency-Key",
                    "idempotency_key_reused",
                    "this key was already used with a different request body",
                )]),
            ));
        }
        Ok(Claim::InFlight) => {
            return Ok(answer(
                req,
                ApiError::Conflict {
                    code: "idempotency_in_flight",
                    detail: "a request with this Idempotency-Key is still being processed; retry shortly".to_owned(),
                },
            ));
        }
        Ok(Claim::Replay {
            status,
            headers,
            body,
        }) => {
            let mut response =
                HttpResponse::build(StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK));
            if let Value::Object(headers) = headers {
                for (name, value) in headers {
                    if let (Ok(name), Some(Ok(value))) = (
                        HeaderName::try_from(name.as_str()),
                        value.as_str().map(HeaderValue::from_str),
                    ) {
                        response.insert_header((name, value));
                    }
                }
            }
            response.insert_header((REPLAYED, "true"));
            tracing::info!("idempotent replay");
            return Ok(req.into_response(response.body(body)));
        }
        Ok(Claim::New) => {}
    }

    let response = next.call(req).await;
    let response = match response {
        Ok(response) => response,
        Err(error) => {
            let _ = db::run(&pool, move |conn| Ok(release(conn, &sub, &route, &key)?)).await;
            return Err(error);
        }
    };
    let status = response.status();
    if status.is_server_error() {
        // Nothing was done: let a retry try again.
        let _ = db::run(&pool, move |conn| Ok(release(conn, &sub, &route, &key)?)).await;
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let mut stored = Map::new();
    for name in KEPT_HEADERS {
        if let Some(value) = head.headers().get(&name).and_then(|v| v.to_str().ok()) {
            stored.insert(name.as_str().to_owned(), Value::String(value.to_owned()));
        }
    }
    let saved = {
        let bytes = bytes.clone();
        db::run(&pool, move |conn| {
            Ok(complete(
                conn,
                &sub,
                &route,
                &key,
                status.as_u16(),
                Value::Object(stored),
                &bytes,
            )?)
        })
        .await
    };
    if let Err(error) = saved {
        tracing::warn!(error = %error, "could not store the idempotent response");
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(BoxBody::new(bytes)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(valid_key("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d"));
        assert!(!valid_key(""));
        assert!(!valid_key("带中文"));
        assert!(!valid_key(&"k".repeat(256)));
    }
}
