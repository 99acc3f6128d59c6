use actix_web::{HttpResponse, get, web};

use super::json::LeaderGradeEntry;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::{CycleId, UnitId};
use crate::ops::evaluation;

/// 单位班子成员及评定等次 (List a unit's leaders with their grades)
///
/// Every current leader of the unit, with the final grade once set. The office sees the
/// proposal of the latest closed round and each grade's record; the unit's team too, where it
/// may see that round's tally. The unit itself sees the grades alone, after publication (403
/// `not_published` before).
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (status = 200, description = "The leaders and their grades", body = Vec<LeaderGradeEntry>),
        (status = 403, description = "The unit itself, before publication",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle, or the unit is outside the caller's scope",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/leader-grades")]
pub async fn list_leader_grades(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let entries = db::run(&pool, move |conn| {
        let (cycle, access) = super::context(conn, &user, cycle_id, unit_id)?;
        evaluation::list_grades(conn, access, &cycle, unit_id)
    })
    .await?;
    Ok(match entries {
        Ok(entries) => HttpResponse::Ok().json(entries),
        Err(withheld) => super::withheld(withheld),
    })
}
