use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::RoundView;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, Empty, ValidJson};
use crate::models::{CycleId, RoundId, UnitId};
use crate::ops::evaluation;

/// 恢复已暂停的民主测评 (Resume a suspended evaluation round)
///
/// Office only. A round is suspended when its failed codes pass the cycle's budget (one shared
/// address at a meeting must not lock everyone out, so the office decides); resuming forgets
/// the failures. 409 `evaluation_round_not_suspended` otherwise.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("round_id" = i64, Path, description = "Round id", example = 1),
    ),
    responses(
        (status = 200, description = "Open again", body = RoundView, headers(("ETag" = String))),
        (status = 403, description = "The caller is not the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such round",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The round is not suspended",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds/{round_id}/resume")]
pub async fn resume_evaluation_round(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, RoundId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let ids = path.into_inner();
    let view = db::write(&pool, user.actor(), move |conn| {
        let round = super::runner_round(conn, &user, ids)?;
        evaluation::resume_round(conn, round)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
