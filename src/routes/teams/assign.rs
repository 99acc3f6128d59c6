use actix_web::{HttpResponse, put, web};
use serde_json::json;

use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::{CycleId, TeamId, UnitId};
use crate::ops::teams;

/// Assign a unit to a team
///
/// Office only. Each assessed unit is inspected by exactly one team: assigning a unit that
/// another team has moves it (the database holds one row per unit and cycle).
#[utoipa::path(
    tag = "teams",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("team_id" = i64, Path, description = "Team id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (status = 204, description = "Assigned"),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such cycle or team",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The unit is not assessed in the cycle, or the cycle is closed",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/teams/{team_id}/units/{unit_id}")]
pub async fn assign_unit(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, TeamId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, team_id, unit_id) = path.into_inner();
    db::write(&pool, user.actor(), move |conn| {
        let previous = teams::assign_unit(conn, cycle_id, team_id, unit_id)?;
        let change = Change::new(
            "assign",
            "team_unit",
            format!("{cycle_id}/{unit_id}"),
            json!({"team_id": previous}),
            json!({"team_id": team_id}),
        );
        Ok(((), change))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
