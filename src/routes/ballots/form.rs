use actix_web::{HttpRequest, HttpResponse, post, web};

use super::json::{BallotForm, CodeOnly};
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::ops::evaluation::{BallotSettings, ballot_form};

/// 凭测评码取得测评票 (Fetch the ballot form for a code)
///
/// No token: the participant has only the code from their slip, sent in the body. Answers the
/// round's leaders and categories without using the code up. An unknown, used or closed-round
/// code gets one answer (422 `code` `not_valid`); a mistyped one 422 `mistyped`; a suspended
/// round 409 `evaluation_round_suspended`; too many failed codes from one address 429 with
/// `Retry-After`.
#[utoipa::path(
    tag = "ballots",
    request_body = CodeOnly,
    responses(
        (status = 200, description = "The ballot form", body = BallotForm),
        (status = 409, description = "The round is suspended",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The code does not vote, or a field is invalid",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed codes from this address",
            body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds to wait"))),
    )
)]
#[post("/ballots/form")]
pub async fn get_ballot_form(
    req: HttpRequest,
    pool: web::Data<PgPool>,
    ballot: web::Data<BallotSettings>,
    body: ValidJson<CodeOnly>,
) -> Result<HttpResponse, ApiError> {
    let settings = ballot.get_ref().clone();
    let client_key = settings
        .key
        .client_key(&super::client_address(&req, &settings.trusted_proxies));
    let code = body.0.code.unwrap_or_default();
    let form = db::run(&pool, move |conn| {
        Ok(
            match super::find_code(conn, &settings, &client_key, &code)? {
                Ok((round, _)) => Ok(ballot_form(conn, &round)?),
                Err(refusal) => Err(refusal),
            },
        )
    })
    .await?;
    match form {
        Ok(form) => Ok(HttpResponse::Ok().json(form)),
        Err(refusal) => super::refused(refusal),
    }
}
