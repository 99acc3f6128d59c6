//! `/api/v1/ballots`: the one account-less write. The people of a unit vote from their phones
//! or a shared computer at the evaluation meeting with a one-time code from a printed slip. The
//! code travels in the body, never in a URL; a failed code counts against the client's address
//! (as seen through the trusted proxies) and against its round. Nothing of a vote is logged:
//! these requests carry no request id, and no line names a code, an address or a grade.

mod cast;
mod form;
pub mod json;

use std::net::IpAddr;

use actix_web::{HttpRequest, HttpResponse};
use diesel::PgConnection;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::config::TrustedProxy;
use crate::error::ApiError;
use crate::models::evaluation::Round;
use crate::ops::evaluation::{
    BallotSettings, CodeRefusal, check_rate, record_failure, round_of_code,
};

/// Registers the ballot routes.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.service(form::get_ballot_form)
        .service(cast::cast_ballot);
}

/// The client's address: the connection's peer, or, when the peer is a trusted proxy, the
/// rightmost `X-Forwarded-For` entry that is not a trusted proxy (the entries to its left are
/// the client's own claims).
pub fn client_address(req: &HttpRequest, trusted: &[TrustedProxy]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_owned();
    };
    let is_trusted = |ip: IpAddr| trusted.iter().any(|p| p.contains(ip));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    let forwarded: Vec<String> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|e| e.trim().chars().take(64).collect::<String>())
        .filter(|e| !e.is_empty())
        .collect();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if is_trusted(ip) => continue,
            Ok(ip) => return ip.to_string(),
            // Not an address: the proxy passed on what the client claimed; it still tells
            // clients apart.
            Err(_) => return entry.clone(),
        }
    }
    forwarded
        .first()
        .cloned()
        .unwrap_or_else(|| peer.to_string())
}

/// The open round of `code`, or why it does not vote. Refuses at once (429) a client that has
/// used up its failures; counts a failed code against the client and its round.
pub fn find_code(
    conn: &mut PgConnection,
    ballot: &BallotSettings,
    client_key: &str,
    code: &str,
) -> Result<Result<(Round, String), CodeRefusal>, ApiError> {
    if let Some(refusal) = check_rate(conn, ballot, client_key)? {
        return Ok(Err(refusal));
    }
    match round_of_code(conn, ballot, code)? {
        Ok(found) => Ok(Ok(found)),
        Err((CodeRefusal::Suspended, _)) => Ok(Err(CodeRefusal::Suspended)),
        Err((refusal, round)) => {
            record_failure(conn, ballot, client_key, round.as_ref())?;
            Ok(Err(refusal))
        }
    }
}

/// The answer to a code that does not vote.
pub fn refused(refusal: CodeRefusal) -> Result<HttpResponse, ApiError> {
    match refusal {
        CodeRefusal::TooMany(seconds) => Ok(crate::http::problem::too_many(
            seconds,
            "too many failed codes from this address; wait and try again",
        )),
        other => Err(other.error()),
    }
}
