use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;

use super::json::{CreateTeam, TeamResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::lifecycle::CycleState;
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::CycleId;
use crate::models::team::{Team, TeamMember};
use crate::ops::cycles::lock_cycle;
use crate::schema::{inspection_teams, team_members};

/// Form an inspection team
///
/// Office only, before the cycle is published. A name unique in the cycle, a leader (a
/// standing member of the discipline commission) and members, each by the `sub` of their token.
#[utoipa::path(
    tag = "teams",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    request_body = CreateTeam,
    responses(
        (status = 201, description = "Formed", body = TeamResponse,
            headers(("Location" = String, description = "URL of the new team"), ("ETag" = String))),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The name is taken in this cycle, or the cycle is closed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/teams")]
pub async fn create_team(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    body: ValidJson<CreateTeam>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.into_inner();
    let body = body.0;
    let (name, leader) = match (body.name, body.leader) {
        (Some(name), Some(leader)) => (clean(&name), leader),
        _ => {
            return Err(ApiError::field(
                "name",
                "required",
                "name and leader are required",
            ));
        }
    };
    let team = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, cycle_id)?;
        if matches!(cycle.state, CycleState::Published | CycleState::Archived) {
            return Err(ApiError::Conflict {
                code: "cycle_closed",
                detail: format!("cycle {cycle_id} is {}", cycle.state),
            });
        }
        let team: Team = diesel::insert_into(inspection_teams::table)
            .values((
                inspection_teams::cycle_id.eq(cycle_id),
                inspection_teams::name.eq(&name),
                inspection_teams::leader_sub.eq(leader.sub.trim()),
                inspection_teams::leader_name.eq(leader.name.trim()),
            ))
            .returning(Team::as_returning())
            .get_result(conn)?;
        let members: Vec<TeamMember> = body
            .members
            .iter()
            .map(|m| TeamMember {
                team_id: team.id,
                sub: m.sub.trim().to_owned(),
                name: m.name.trim().to_owned(),
            })
            .collect();
        diesel::insert_into(team_members::table)
            .values(&members)
            .execute(conn)?;
        let full = Team::for_cycle(conn, cycle_id, None)?
            .into_iter()
            .find(|t| t.team.id == team.id)
            .ok_or_else(|| ApiError::internal("the new team vanished"))?;
        let response = TeamResponse::from(full);
        let change = Change::created("team", response.id, &response);
        Ok((response, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessment-cycles/{cycle_id}/teams/{}", team.id),
        ))
        .insert_header((header::ETAG, ETag::of_body(&team).0))
        .json(team))
}
