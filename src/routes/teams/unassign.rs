use actix_web::{HttpResponse, delete, web};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::{CycleId, TeamId, UnitId};
use crate::ops::cycles::lock_cycle;
use crate::schema::team_units;

/// Take a unit off a team
///
/// Office only.
#[utoipa::path(
    tag = "teams",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("team_id" = i64, Path, description = "Team id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    responses(
        (status = 204, description = "Unassigned"),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "The team does not inspect this unit",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/teams/{team_id}/units/{unit_id}")]
pub async fn unassign_unit(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, TeamId, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, team_id, unit_id) = path.into_inner();
    db::write(&pool, user.actor(), move |conn| {
        lock_cycle(conn, cycle_id)?;
        let removed = diesel::delete(
            team_units::table
                .filter(team_units::cycle_id.eq(cycle_id))
                .filter(team_units::unit_id.eq(unit_id))
                .filter(team_units::team_id.eq(team_id)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(ApiError::not_found(format!(
                "team {team_id} does not inspect unit {unit_id}"
            )));
        }
        let change = Change::new(
            "unassign",
            "team_unit",
            format!("{cycle_id}/{unit_id}"),
            json!({"team_id": team_id}),
            json!({"team_id": null}),
        );
        Ok(((), change))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
