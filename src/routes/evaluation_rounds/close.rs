use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::RoundView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, Empty, ValidJson};
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation;

/// 结束民主测评 (Close an evaluation round)
///
/// The office or the unit's inspection team. Deletes the round's unused codes and rewrites its
/// ballots in a shuffled order with fresh random ids in one transaction, so that nothing in the
/// database orders them by time; then the tally can be read, and the grade proposal uses this
/// round. 409 `evaluation_round_closed` when it is closed already.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("round_id" = i64, Path, description = "Round id", example = 1),
    ),
    responses(
        (status = 200, description = "Closed", body = RoundView, headers(("ETag" = String))),
        (status = 403, description = "The caller does not run this unit's evaluation",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round in the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Closed already",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}/close")]
pub async fn close_evaluation_round(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, RoundId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let ids = path.into_inner();
    let view = db::write(&pool, user.actor(), move |conn| {
        let round = super::runner_round(conn, &user, ids)?;
        evaluation::close_round(conn, round)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
