use actix_web::{get, web};

use super::json::UnassignedUnit;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::CycleId;
use crate::models::team::Team;
use crate::ops::cycles::find_cycle;

/// Assessed units still without a team
///
/// Office only. The cycle cannot enter `special_inspection` while this list is not empty.
#[utoipa::path(
    tag = "teams",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (status = 200, description = "The units no team inspects yet", body = Vec<UnassignedUnit>),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/teams/unassigned")]
pub async fn list_unassigned_units(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<web::Json<Vec<UnassignedUnit>>, ApiError> {
    let id = path.into_inner();
    let rows = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        Ok(Team::unassigned(conn, id)?)
    })
    .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|(unit_id, unit_name)| UnassignedUnit { unit_id, unit_name })
            .collect(),
    ))
}
