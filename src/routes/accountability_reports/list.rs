use actix_web::{get, web};

use super::json::LeaderReport;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::self_inspection::AccountabilityReport;
use crate::models::{CycleId, Leader, UnitId};
use crate::ops::submitted::context;

/// A unit's accountability reports
///
/// One entry per first responsible person (a town's Party secretary and head, a department's
/// or enterprise's first responsible person), with the report once started.
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (
            status = 200,
            description = "The first responsible persons and their reports",
            body = Vec<LeaderReport>,
        ),
        (
            status = 404,
            description = "Outside the caller's scope, or not assessed",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports")]
pub async fn list_accountability_reports(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
) -> Result<web::Json<Vec<LeaderReport>>, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let rows = db::run(&pool, move |conn| {
        context(conn, &user, cycle_id, unit_id)?;
        let leaders: Vec<Leader> = Leader::for_unit(conn, unit_id)?
            .into_iter()
            .filter(|l| l.is_first_responsible)
            .collect();
        let mut reports = AccountabilityReport::for_unit(conn, cycle_id, unit_id)?;
        let mut rows = Vec::new();
        for leader in leaders {
            let report = match reports.iter().position(|r| r.leader_id == leader.id) {
                Some(i) => Some(super::view(conn, reports.swap_remove(i))?),
                None => None,
            };
            rows.push(LeaderReport {
                leader_id: leader.id,
                leader_name: leader.name,
                position: leader.position,
                report,
            });
        }
        Ok(rows)
    })
    .await?;
    Ok(web::Json(rows))
}
