use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::RoundView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation::round_view;

/// 查看民主测评 (Get an evaluation round)
///
/// The office and the unit's inspection team in this cycle; the unit itself gets 403.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("round_id" = i64, Path, description = "Round id", example = 1),
    ),
    responses(
        (status = 200, description = "The round", body = RoundView, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 403, description = "The unit itself: it sees its leaders' grades only",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round in the caller's scope",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}")]
pub async fn get_evaluation_round(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, RoundId)>,
) -> Result<HttpResponse, ApiError> {
    let ids = path.into_inner();
    let view = db::run(&pool, move |conn| {
        Ok(match super::visible_round(conn, &user, ids, false)? {
            Ok((_, _, round)) => Ok(round_view(conn, round)?),
            Err(withheld) => Err(withheld),
        })
    })
    .await?;
    Ok(match view {
        Ok(view) => respond_with_etag(&req, &ETag::from_version(view.version), &view),
        Err(withheld) => super::withheld(withheld),
    })
}
