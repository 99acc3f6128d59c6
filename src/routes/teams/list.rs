use actix_web::{get, web};

use super::json::TeamResponse;
use crate::auth::{AuthUser, Role};
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::CycleId;
use crate::models::team::Team;
use crate::ops::cycles::find_cycle;

/// A cycle's inspection teams
///
/// The office sees every team; an inspector the teams they lead or are on; a unit none.
#[utoipa::path(
    tag = "teams",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (
            status = 200,
            description = "The teams with their members and units",
            body = Vec<TeamResponse>,
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
#[get("/assessment-cycles/{cycle_id}/teams")]
pub async fn list_teams(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<web::Json<Vec<TeamResponse>>, ApiError> {
    let id = path.into_inner();
    let teams = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        Ok(match user.role {
            Role::Office => Team::for_cycle(conn, id, None)?,
            Role::Inspector => Team::for_cycle(conn, id, Some(&user.sub))?,
            Role::Unit => Vec::new(),
        })
    })
    .await?;
    Ok(web::Json(
        teams.into_iter().map(TeamResponse::from).collect(),
    ))
}
