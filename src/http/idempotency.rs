//! Safe retries: every `POST` accepts an `Idempotency-Key`, scoped to the caller (`sub`) and
//! the route. The same key with the same body replays the first response without doing the
//! work again; with another body it is 422; while the first is still in flight it is 409. Keys
//! live in PostgreSQL, so every instance shares them, and expire after 24 hours.
//!
//! The stored response commits in the same transaction as the write, or not at all: for a keyed
//! `POST` this middleware checks out one connection, opens a transaction, takes a transaction
//! advisory lock on the key (without waiting: a second request for it answers 409 at once), and
//! runs the handler on a copy of the pool pinned to that connection ([`PgPool::pin`]). The
//! response (2xx or 4xx) is then inserted and the transaction committed. A 5xx, a failed insert
//! or commit, or a dead instance rolls everything back, so the key stays free and a retry runs
//! at once; no outage can make a write run twice.

use std::rc::Rc;

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{Extensions, Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use chrono::{Duration, Utc};
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::audit::sha256_hex;
use crate::auth::authenticate;
use crate::db::{self, Held, PgPool};
use crate::error::ApiError;
use crate::http::json::{BodyLimit, BodyReadTimeout, read_body};
use crate::ops::attachments::UploadLimit;
use crate::schema::idempotency_keys as keys;

/// The request header carrying the key.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
/// Set on a response that is a replay of the first one.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How long a key is remembered.
const KEY_LIFETIME_HOURS: i64 = 24;
/// Response headers that are stored and replayed.
const KEPT_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

/// Routes that keep no idempotency record (the account-less ballot calls and the issuing of
/// ballot codes, which refuses a key): no stored response may hold a ballot code, and nothing
/// but the ballot may be written in a vote's transaction.
pub const EXEMPT_PATH_SUFFIXES: &[&str] = &["/ballots", "/ballots/form", "/codes"];

enum Claim {
    /// First time: do the work on this connection, inside its open transaction.
    New(Held),
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

/// What makes two requests "the same" for a key: the query, the media type and the body. A
/// multipart body's boundary is chosen afresh each time a client builds the body, so it is
/// replaced by a fixed token, in the body and in the media type: a retry of the same parts
/// replays instead of answering 422.
fn request_hash(query: &str, content_type: &str, body: &[u8]) -> String {
    let boundary = content_type
        .to_ascii_lowercase()
        .starts_with("multipart/")
        .then(|| {
            content_type.split(';').find_map(|p| {
                let (name, value) = p.trim().split_once('=')?;
                name.eq_ignore_ascii_case("boundary")
                    .then(|| value.trim().trim_matches('"').to_owned())
            })
        })
        .flatten()
        .filter(|b| !b.is_empty());
    let (content_type, body) = match boundary {
        Some(boundary) => (
            content_type.replace(&boundary, "BOUNDARY"),
            replace_all(body, boundary.as_bytes(), b"BOUNDARY"),
        ),
        None => (content_type.to_owned(), body.to_vec()),
    };
    sha256_hex(
        &[
            query.as_bytes(),
            b"\n",
            content_type.as_bytes(),
            b"\n",
            &body,
        ]
        .concat(),
    )
}

/// `haystack` with every occurrence of `needle` replaced by `with`.
fn replace_all(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(with);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The advisory lock id of a key: the first 8 bytes of SHA-256 over (sub, route, key), each
/// length-prefixed so that no two triples share an encoding.
fn lock_id(sub: &str, route: &str, key: &str) -> i64 {
    let mut hasher = Sha256::new();
    for part in [sub, route, key] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

type StoredRow = (
    String,
    Option<i16>,
    Option<Value>,
    Option<Vec<u8>>,
    chrono::DateTime<Utc>,
);

/// Opens the transaction of a keyed request and decides what to do with it. Only `New` keeps the
/// transaction (and its lock) open; every other answer ends it here.
fn claim(mut conn: Held, sub: &str, route: &str, key: &str, hash: &str) -> Result<Claim, ApiError> {
    AnsiTransactionManager::begin_transaction(&mut *conn)?;
    let decided = decide(&mut conn, sub, route, key, hash);
    match decided {
        Ok(None) => Ok(Claim::New(conn)),
        Ok(Some(answer)) => {
            AnsiTransactionManager::rollback_transaction(&mut *conn)?;
            Ok(answer)
        }
        // The connection is dropped inside its transaction, so the pool discards it.
        Err(error) => Err(error),
    }
}

/// `None`: the key is free and now locked by this transaction.
fn decide(
    conn: &mut PgConnection,
    sub: &str,
    route: &str,
    key: &str,
    hash: &str,
) -> Result<Option<Claim>, ApiError> {
    let locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
        .bind::<BigInt, _>(lock_id(sub, route, key))
        .get_result::<Locked>(conn)?
        .locked;
    if !locked {
        return Ok(Some(Claim::InFlight));
    }
    let row = keys::table
        .find((sub, route, key))
        .select((
            keys::request_hash,
            keys::response_status,
            keys::response_headers,
            keys::response_body,
            keys::expires_at,
        ))
        .first::<StoredRow>(conn)
        .optional()?;
    match row {
        None => Ok(None),
        // Expired, or a claim without a response left by an earlier version of the service
        // (which stored the response in a step of its own): the key is free again.
        Some((_, status, _, _, expires_at)) if status.is_none() || expires_at < Utc::now() => {
            diesel::delete(keys::table.find((sub, route, key))).execute(conn)?;
            Ok(None)
        }
        Some((stored_hash, _, _, _, _)) if stored_hash != hash => Ok(Some(Claim::Mismatch)),
        Some((_, status, headers, body, _)) => Ok(Some(Claim::Replay {
            status: status.unwrap_or(200),
            headers: headers.unwrap_or(Value::Null),
            body: body.unwrap_or_default(),
        })),
    }
}

/// The response a keyed request answered, as stored for replays.
struct Stored {
    sub: String,
    route: String,
    key: String,
    hash: String,
    status: u16,
    headers: Value,
    body: Vec<u8>,
}

/// Stores the response and commits it together with the handler's work.
fn complete(conn: &mut PgConnection, stored: Stored) -> Result<(), ApiError> {
    let now = Utc::now();
    let saved = diesel::insert_into(keys::table)
        .values((
            keys::caller_sub.eq(&stored.sub),
            keys::route.eq(&stored.route),
            keys::key.eq(&stored.key),
            keys::request_hash.eq(&stored.hash),
            keys::response_status.eq(stored.status as i16),
            keys::response_headers.eq(&stored.headers),
            keys::response_body.eq(&stored.body),
            keys::locked_at.eq(now),
            keys::expires_at.eq(now + Duration::hours(KEY_LIFETIME_HOURS)),
        ))
        .execute(conn);
    if let Err(error) = saved {
        let _ = AnsiTransactionManager::rollback_transaction(conn);
        return Err(error.into());
    }
    // On failure diesel rolls back; nothing of the request remains.
    AnsiTransactionManager::commit_transaction(conn)?;
    Ok(())
}

/// Removes the keys past their lifetime (run hourly by `serve`; a lookup ignores them anyway).
pub fn purge_expired(conn: &mut PgConnection) -> QueryResult<usize> {
    diesel::delete(keys::table.filter(keys::expires_at.lt(Utc::now()))).execute(conn)
}

fn answer(req: ServiceRequest, error: ApiError) -> ServiceResponse<BoxBody> {
    let response = error.error_response();
    req.into_response(response)
}

/// The answer to a request whose work could not be committed: nothing of it was kept.
fn not_committed(error: ApiError) -> ApiError {
    match error {
        // A refusal at commit (a deferred constraint) is the client's, and kept nothing either.
        error if error.status_code().is_client_error() => error,
        ApiError::Unavailable(detail) => ApiError::Unavailable(detail),
        other => {
            tracing::warn!(error = %other, "the idempotent request could not be committed");
            ApiError::Unavailable(
                "the change could not be committed and was not saved; retry with the same \
                 Idempotency-Key"
                    .to_owned(),
            )
        }
    }
}

/// Middleware: gives every request its own copy of the pool (one database deadline a request),
/// and applies idempotency keys to `POST` requests that carry one.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(shared) = req.app_data::<web::Data<PgPool>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let pool = shared.for_request();
    let mut container = Extensions::new();
    container.insert(web::Data::new(pool.clone()));
    req.add_data_container(Rc::new(container));

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
    let Some(key) = key else {
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
    let read_timeout = BodyReadTimeout::of(req.request());
    let mut payload = req.take_payload();
    let body = match read_body(req.request(), &mut payload, limit, read_timeout).await {
        Ok(body) => body.freeze(),
        Err(error) => return Ok(answer(req, error)),
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let hash = request_hash(req.query_string(), &content_type, &body);
    req.set_payload(Payload::from(body));
    let route = format!("POST {}", req.path());
    let sub = user.sub.clone();

    let claimed = {
        let (sub, route, key, hash) = (sub.clone(), route.clone(), key.clone(), hash.clone());
        db::run_owned(&pool, move |conn| claim(conn, &sub, &route, &key, &hash)).await
    };
    let conn = match claimed {
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
                    detail: "a request with this Idempotency-Key is still being processed; \
                             retry shortly"
                        .to_owned(),
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
        Ok(Claim::New(conn)) => conn,
    };
    if pool.pin(conn).is_err() {
        return Ok(answer(
            req,
            ApiError::internal("the request's pool copy has no scope"),
        ));
    }

    // From here on, dropping the pinned connection (still inside its transaction) makes the pool
    // discard it and PostgreSQL roll the transaction back: the key is free again.
    let response = match next.call(req).await {
        Ok(response) => response,
        Err(error) => {
            drop(pool.take_pinned());
            return Err(error);
        }
    };
    let status = response.status();
    if status.is_server_error() {
        drop(pool.take_pinned());
        return Ok(response.map_into_boxed_body());
    }
    let (request, response) = response.into_parts();
    let (head, body) = response.into_parts();
    let bytes = to_bytes(body).await.unwrap_or_default();
    let mut headers = Map::new();
    for name in KEPT_HEADERS {
        if let Some(value) = head.headers().get(&name).and_then(|v| v.to_str().ok()) {
            headers.insert(name.as_str().to_owned(), Value::String(value.to_owned()));
        }
    }
    let stored = Stored {
        sub,
        route,
        key,
        hash,
        status: status.as_u16(),
        headers: Value::Object(headers),
        body: bytes.to_vec(),
    };
    let Some(conn) = pool.take_pinned() else {
        // A call of the handler that gave up at the deadline still holds the connection.
        let error = ApiError::Unavailable("the database did not answer in time; retry".to_owned());
        return Ok(ServiceResponse::new(request, error.error_response()));
    };
    let committed = db::run_held(&pool, conn, move |mut conn| complete(&mut conn, stored)).await;
    match committed {
        Ok(()) => Ok(ServiceResponse::new(
            request,
            head.set_body(BoxBody::new(bytes)),
        )),
        Err(error) => {
            let error = not_committed(error);
            Ok(ServiceResponse::new(request, error.error_response()))
        }
    }
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

    #[test]
    fn lock_ids_tell_apart_triples_that_concatenate_alike() {
        assert_ne!(lock_id("ab", "c", "k"), lock_id("a", "bc", "k"));
        assert_eq!(lock_id("a", "POST /x", "k"), lock_id("a", "POST /x", "k"));
    }

    #[test]
    fn a_multipart_retry_with_a_new_boundary_hashes_alike_and_other_parts_do_not() {
        let body = |boundary: &str, content: &str| {
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
                 filename=\"a.txt\"\r\n\r\n{content}\r\n--{boundary}--\r\n"
            )
        };
        let hash = |boundary: &str, content: &str| {
            request_hash(
                "",
                &format!("multipart/form-data; boundary={boundary}"),
                body(boundary, content).as_bytes(),
            )
        };
        assert_eq!(hash("----a1", "自查"), hash("----b2", "自查"));
        assert_ne!(hash("----a1", "自查"), hash("----a1", "自查报告"));
        let json = |b: &str| request_hash("", "application/json", b.as_bytes());
        assert_ne!(json(r#"{"a":1}"#), json(r#"{"a":2}"#));
    }
}
