use actix_web::{HttpResponse, get, web};

use super::json::RoundView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::evaluation::Round;
use crate::models::{CycleId, UnitId};
use crate::ops::evaluation::{round_view, rounds_visible};

/// 单位本周期的民主测评列表 (List a unit's evaluation rounds in a cycle)
///
/// Oldest first. The office and the unit's inspection team in this cycle; the unit itself gets
/// 403 (`not_published`, then `grades_only`).
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (status = 200, description = "The rounds", body = Vec<RoundView>),
        (status = 403, description = "The unit itself: it sees its leaders' grades only",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle, or the unit is outside the caller's scope",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds")]
pub async fn list_evaluation_rounds(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let rounds = db::run(&pool, move |conn| {
        let (cycle, access) = super::context(conn, &user, cycle_id, unit_id)?;
        if let Err(withheld) = rounds_visible(access, &cycle) {
            return Ok(Err(withheld));
        }
        let views: Result<Vec<RoundView>, ApiError> = Round::list(conn, cycle_id, unit_id)?
            .into_iter()
            .map(|r| round_view(conn, r))
            .collect();
        Ok(Ok(views?))
    })
    .await?;
    Ok(match rounds {
        Ok(rounds) => HttpResponse::Ok().json(rounds),
        Err(withheld) => super::withheld(withheld),
    })
}
