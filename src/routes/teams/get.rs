use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::TeamResponse;
use crate::auth::{AuthUser, Role, scope};
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::team::Team;
use crate::models::{CycleId, TeamId};

/// Get one inspection team
///
/// The office reads every team; an inspector the teams they lead or are on; anyone else gets
/// 404, as if it did not exist. The `ETag` is a hash of the team as shown (members and units
/// included); `PATCH` takes it as `If-Match`, and a matching `If-None-Match` answers 304.
#[utoipa::path(
    tag = "teams",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("team_id" = i64, Path, description = "Team id", example = 1),
    ),
    responses(
        (status = 200, description = "The team", body = TeamResponse, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "No such team in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/teams/{team_id}")]
pub async fn get_team(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, TeamId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, team_id) = path.into_inner();
    let team = db::run(&pool, move |conn| {
        Team::for_cycle(conn, cycle_id, None)?
            .into_iter()
            .find(|t| t.team.id == team_id)
            .filter(|t| match user.role {
                Role::Office => true,
                Role::Inspector => scope::on_team(t, &user.sub),
                Role::Unit => false,
            })
            .ok_or_else(|| {
                ApiError::not_found(format!("cycle {cycle_id} has no team {team_id} in scope"))
            })
    })
    .await?;
    let team = TeamResponse::from(team);
    Ok(respond_with_etag(&req, &ETag::of_body(&team), &team))
}
