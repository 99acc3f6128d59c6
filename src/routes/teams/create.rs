use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateTeam, TeamResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, ValidJson};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::teams;

/// 组建考核组 (Form an inspection team)
///
/// 仅限县纪委办公室，结果通报前。名称在本周期内唯一；组长（县纪委常委）和成员均以其令牌的
/// `sub` 标识。
///
/// Office only, before the cycle is published. A name unique in the cycle, a leader (a
/// standing member of the discipline commission) and members, each by the `sub` of their token.
///
/// 409: 名称在本周期已被使用 (`team_name_taken`)，或周期已通报或归档 (`cycle_published`) (the name
/// is taken in this cycle, or the cycle is closed).
#[utoipa::path(
    tag = "teams",
    params(CyclePath),
    request_body = CreateTeam,
    responses(
        (status = 201, description = "已组建 (formed)", body = TeamResponse,
            headers(
                ("Location" = String, description = "新考核组的 URL (URL of the new team)"),
                ("ETag" = String, description = "考核组的哈希 (a hash of the team as shown)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/teams")]
pub async fn create_team(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<CreateTeam>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
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
