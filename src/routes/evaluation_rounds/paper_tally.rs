use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PaperTally, RoundView};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation;

/// 录入纸质测评票统计 (Enter a round's paper tally)
///
/// The office or the unit's inspection team, until the round closes; needs the round's
/// `If-Match`. Form 3 is also filled in on paper: the forms handed out and returned, and per
/// leader and category the counts per grade. No leader's counts together may exceed the forms
/// returned (422 `exceeds_forms_returned`). Kept apart from the online ballots and added into
/// the tally. Replaces the previous paper tally.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("round_id" = i64, Path, description = "Round id", example = 1),
        ("If-Match" = String, Header, description = "The round's current ETag", example = "\"2\""),
    ),
    request_body = PaperTally,
    responses(
        (status = 200, description = "Saved", body = RoundView, headers(("ETag" = String))),
        (status = 403, description = "The caller does not run this unit's evaluation",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round in the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round is closed",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid counts",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}/paper-tally")]
pub async fn put_paper_tally(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, RoundId)>,
    if_match: IfMatch,
    body: ValidJson<PaperTally>,
) -> Result<HttpResponse, ApiError> {
    let ids = path.into_inner();
    let body = body.0;
    let view = db::write(&pool, user.actor(), move |conn| {
        let round = super::runner_round(conn, &user, ids)?;
        if_match.check(&ETag::from_version(round.version))?;
        evaluation::put_paper_tally(conn, round, body)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
