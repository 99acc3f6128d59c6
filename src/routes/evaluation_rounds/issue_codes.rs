use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, post, web};

use super::json::{IssueCodes, IssuedCode, IssuedCodes};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::evaluation::display_code;
use crate::error::{ApiError, Problem};
use crate::http::idempotency::IDEMPOTENCY_KEY;
use crate::http::{ETag, ValidJson};
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation::{self, BallotSettings, ballot_url, print_sheet};

/// 发放一次性测评码 (Issue one-time ballot codes)
///
/// The office or the unit's inspection team, while the round is open. The codes are shown this
/// once, with a print-ready HTML sheet of slips (each with a QR code of the ballot page, the
/// code in the URL's fragment); only their keyed hashes are stored. Refuses an
/// `Idempotency-Key` (400 `idempotency_key_refused`): a replay would have to store the codes.
/// The audit record says only how many were issued.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("round_id" = i64, Path, description = "Round id", example = 1),
    ),
    request_body = IssueCodes,
    responses(
        (status = 200, description = "The codes, shown once", body = IssuedCodes,
            headers(("ETag" = String, description = "The round's new ETag"))),
        (status = 400, description = "An Idempotency-Key was sent",
            body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller does not run this unit's evaluation",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round in the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round is not open",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid count",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}/codes")]
pub async fn issue_ballot_codes(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    ballot: web::Data<BallotSettings>,
    path: web::Path<(CycleId, UnitId, RoundId)>,
    body: ValidJson<IssueCodes>,
) -> Result<HttpResponse, ApiError> {
    if req.headers().contains_key(&IDEMPOTENCY_KEY) {
        return Err(ApiError::BadRequest {
            code: "idempotency_key_refused",
            detail: "ballot codes are shown once and never stored, so this call cannot be \
                     replayed: send it without an Idempotency-Key"
                .to_owned(),
        });
    }
    let ids = path.into_inner();
    let count = body.0.count.unwrap_or(1) as usize;
    let settings = ballot.get_ref().clone();
    let page_url = settings.page_url.clone();
    let (codes, round, unit_name) = db::write(&pool, user.actor(), move |conn| {
        let round = super::runner_round(conn, &user, ids)?;
        let unit_name: String = {
            use crate::schema::units;
            use diesel::prelude::*;
            units::table
                .find(round.unit_id)
                .select(units::name)
                .first(conn)?
        };
        let (codes, round, change): (Vec<String>, _, Change) =
            evaluation::issue_codes(conn, &round, count, &settings)?;
        Ok(((codes, round, unit_name), change))
    })
    .await?;
    let codes: Vec<IssuedCode> = codes
        .iter()
        .map(|c| IssuedCode {
            code: display_code(c),
            url: ballot_url(&page_url, c),
        })
        .collect();
    let sheet = print_sheet(&round.title, &unit_name, &codes);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(round.version).0))
        .json(IssuedCodes {
            round_id: round.id,
            codes,
            print_sheet: sheet,
            version: round.version,
        }))
}
