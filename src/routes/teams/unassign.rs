use actix_web::{HttpResponse, delete, web};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleTeamUnitPath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::lock_cycle;
use crate::schema::team_units;

/// 将单位移出考核组 (Take a unit off a team)
///
/// 仅限县纪委办公室。考核组不负责该单位时答 404。
///
/// Office only; 404 when the team does not inspect the unit.
///
/// 409: 周期已通报或归档 (`cycle_published`) (the cycle is closed).
#[utoipa::path(
    tag = "teams",
    params(CycleTeamUnitPath),
    responses((status = 204, description = "已移出 (unassigned)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/teams/{team_id}/units/{unit_id}")]
pub async fn unassign_unit(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleTeamUnitPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleTeamUnitPath {
        cycle_id,
        team_id,
        unit_id,
    } = path.into_inner();
    db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, cycle_id)?;
        crate::ops::cycles::refuse_published(&cycle)?;
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
