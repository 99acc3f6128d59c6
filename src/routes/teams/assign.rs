use actix_web::{HttpResponse, put, web};
use serde_json::json;

use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CycleTeamUnitPath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::teams;

/// 将单位分配给考核组 (Assign a unit to a team)
///
/// 仅限县纪委办公室。每个纳入考核的单位恰由一个考核组负责：分配已属其他考核组的单位即将其移入
/// 本组。
///
/// Office only. Each assessed unit is inspected by exactly one team: assigning a unit that
/// another team has moves it.
///
/// 409: 单位未纳入本周期考核 (`unit_not_assessed`)，或周期已通报或归档 (`cycle_published`) (the
/// unit is not assessed in the cycle, or the cycle is closed).
#[utoipa::path(
    tag = "teams",
    params(CycleTeamUnitPath),
    responses((status = 204, description = "已分配 (assigned)"), Forbidden, Conflict),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/teams/{team_id}/units/{unit_id}")]
pub async fn assign_unit(
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
