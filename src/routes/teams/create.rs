use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateTeam, TeamResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::CycleId;
use crate::ops::teams;

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
        (
            status = 409,
            description = "The name is taken in this cycle, or the cycle is closed",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid fields",
            body = Problem,
            content_type = "application/problem+json",
        ),
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
        let leader = (leader.sub.trim(), leader.name.trim());
        let members: Vec<(String, String)> = body
            .members
            .iter()
            .map(|m| (m.sub.trim().to_owned(), m.name.trim().to_owned()))
            .collect();
        let full = teams::create_team(conn, cycle_id, &name, leader, &members)?;
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
