use actix_web::{HttpResponse, put, web};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::lifecycle::CycleState;
use crate::error::{ApiError, Problem};
use crate::models::cycle_unit::{CycleUnit, CycleUnitStatus};
use crate::models::{CycleId, UnitId};
use crate::ops::cycles::lock_cycle;
use crate::schema::{inspection_teams, team_units};

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
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle or team", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The unit is not assessed in the cycle, or the cycle is closed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/teams/{team_id}/units/{unit_id}")]
pub async fn assign_unit(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, i64, UnitId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, team_id, unit_id) = path.into_inner();
    db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, cycle_id)?;
        if matches!(cycle.state, CycleState::Published | CycleState::Archived) {
            return Err(ApiError::Conflict {
                code: "cycle_closed",
                detail: format!("cycle {cycle_id} is {}", cycle.state),
            });
        }
        let exists: i64 = inspection_teams::table
            .filter(inspection_teams::id.eq(team_id))
            .filter(inspection_teams::cycle_id.eq(cycle_id))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            return Err(ApiError::not_found(format!(
                "cycle {cycle_id} has no team {team_id}"
            )));
        }
        let assessed = CycleUnit::find(conn, cycle_id, unit_id)?
            .is_some_and(|p| p.status == CycleUnitStatus::Assessed);
        if !assessed {
            return Err(ApiError::Conflict {
                code: "unit_not_assessed",
                detail: format!("unit {unit_id} is not assessed in cycle {cycle_id}"),
            });
        }
        let previous: Option<i64> = team_units::table
            .find((cycle_id, unit_id))
            .select(team_units::team_id)
            .first(conn)
            .optional()?;
        diesel::insert_into(team_units::table)
            .values((
                team_units::cycle_id.eq(cycle_id),
                team_units::unit_id.eq(unit_id),
                team_units::team_id.eq(team_id),
            ))
            .on_conflict((team_units::cycle_id, team_units::unit_id))
            .do_update()
            .set((
                team_units::team_id.eq(team_id),
                team_units::assigned_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
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
