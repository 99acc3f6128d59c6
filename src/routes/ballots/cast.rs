use actix_web::{HttpRequest, HttpResponse, post, web};

use super::json::CastBallot;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::ops::evaluation::{self, BallotSettings, CodeRefusal, record_failure};

/// 投票 (Cast a ballot)
///
/// No token. The code, the participant's category, and for every leader on the ballot one of
/// `good`, `fairly_good`, `average`, `poor` or `unknown` (不了解), each leader once, and an
/// optional comment. A code votes once: it is deleted in the transaction that stores the
/// ballot, and nothing else is written there. The answer carries no ballot id and no
/// `Location`; no call reads a ballot back. Refusals as for the ballot form; a ballot that
/// misses a leader or names another is 422, and leaves the code unused.
#[utoipa::path(
    tag = "ballots",
    request_body = CastBallot,
    responses(
        (status = 204, description = "Recorded"),
        (status = 409, description = "The round is suspended",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The code does not vote, or the ballot is incomplete",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed codes from this address",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds to wait"))),
    )
)]
#[post("/ballots")]
pub async fn cast_ballot(
    req: HttpRequest,
    pool: web::Data<PgPool>,
    ballot: web::Data<BallotSettings>,
    body: ValidJson<CastBallot>,
) -> Result<HttpResponse, ApiError> {
    let settings = ballot.get_ref().clone();
    let client_key = settings
        .key
        .client_key(&super::client_address(&req, &settings.trusted_proxies));
    let body = body.0;
    let outcome = db::run(&pool, move |conn| {
        let code = body.code.clone().unwrap_or_default();
        let (round, hash) = match super::find_code(conn, &settings, &client_key, &code)? {
            Ok(found) => found,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let ballot = evaluation::check_ballot(conn, &round, &body)?;
        if evaluation::cast(conn, &hash, &ballot)? {
            return Ok(Ok(()));
        }
        // Used meanwhile, or the round closed: the same answer as any code that does not vote.
        record_failure(conn, &settings, &client_key, Some(&round))?;
        Ok(Err(CodeRefusal::NotValid))
    })
    .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(refusal) => super::refused(refusal),
    }
}
