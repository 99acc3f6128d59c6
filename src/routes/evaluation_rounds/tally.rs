use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::TallyView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation::{self, find_round};

/// 查看民主测评计票结果 (Get a closed round's tally)
///
/// Per leader: the counts per mark online, on paper and together (`unknown`, 不了解, counted
/// apart), the shares of the valid votes, the weighted score from the cycle's coefficients
/// (exact integer arithmetic) and the grade the cycle's rule proposes. The office and the
/// unit's inspection team in this cycle, once the round is closed (409
/// `evaluation_round_not_closed` before); below the cycle's minimum of ballots only the office
/// (403 `too_few_ballots`). The unit itself never sees counts (403).
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("round_id" = i64, Path, description = "Round id", example = 1),
    ),
    responses(
        (status = 200, description = "The tally", body = TallyView, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 403, description = "Too few ballots for this caller, or the unit itself",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round in the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round is not closed",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}/tally")]
pub async fn get_evaluation_tally(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, RoundId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, round_id) = path.into_inner();
    let tally = db::run(&pool, move |conn| {
        let (cycle, access) = super::context(conn, &user, cycle_id, unit_id)?;
        if let Err(withheld) = evaluation::rounds_visible(access, &cycle) {
            return Ok(Err(withheld));
        }
        let round = find_round(conn, cycle_id, unit_id, round_id, false)?;
        evaluation::visible_tally(conn, access, &cycle, &round)
    })
    .await?;
    Ok(match tally {
        Ok(view) => respond_with_etag(&req, &ETag::of_body(&view), &view),
        Err(withheld) => super::withheld(withheld),
    })
}
