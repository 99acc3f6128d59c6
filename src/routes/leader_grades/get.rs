use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::LeaderGradeView;
use crate::auth::AuthUser;
use crate::auth::scope::EvaluationAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::evaluation::LeaderGrade;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::evaluation::{Withheld, published};

/// 查看班子成员评定等次 (Get a leader's grade)
///
/// The office and the unit's team in this cycle; the unit itself after publication, without
/// the proposal and the reason (403 `not_published` before). 404 until the grade is set.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "Leader id", example = 1),
    ),
    responses(
        (status = 200, description = "The grade", body = LeaderGradeView,
            headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 403, description = "The unit itself, before publication",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No grade, or outside the caller's scope",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/leader-grades/{leader_id}")]
pub async fn get_leader_grade(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let grade = db::run(&pool, move |conn| {
        let (cycle, access) = super::context(conn, &user, cycle_id, unit_id)?;
        if access == EvaluationAccess::OwnUnit && !published(&cycle) {
            return Ok(Err(Withheld::NotPublished));
        }
        let grade = LeaderGrade::find(conn, cycle_id, unit_id, leader_id, false)?
            .ok_or_else(|| ApiError::not_found(format!("leader {leader_id} has no grade yet")))?;
        let mut view = LeaderGradeView::from(grade);
        if access == EvaluationAccess::OwnUnit {
            view.proposed_grade = None;
            view.round_id = None;
            view.reason = None;
        }
        Ok(Ok(view))
    })
    .await?;
    Ok(match grade {
        Ok(view) => respond_with_etag(&req, &ETag::from_version(view.version), &view),
        Err(withheld) => super::withheld(withheld),
    })
}
