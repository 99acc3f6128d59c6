use actix_web::http::header;
use actix_web::{HttpResponse, patch, web};
use diesel::prelude::*;

use super::json::{TeamResponse, UpdateTeam};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CycleTeamPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::team::{Team, TeamMember};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::lock_cycle;
use crate::schema::{inspection_teams, team_members};

/// 修改考核组名称、组长或成员 (Change a team's name, leader or members)
///
/// 仅限县纪委办公室，结果通报前；须带 `If-Match`（考核组 GET 返回的 ETag）。提交 `members`
/// 即替换整个成员名单；须签署考核组评分表的人员随之变化。
///
/// Office only, before the cycle is published; needs `If-Match` with the ETag its GET sent.
/// Sending `members` replaces the whole list. Who must sign the team's sheets follows the change.
///
/// 409: 名称已被使用 (`team_name_taken`)，或周期已通报或归档 (`cycle_published`) (the name is
/// taken, or the cycle is closed).
#[utoipa::path(
    tag = "teams",
    params(
        CycleTeamPath,
        ("If-Match" = String, Header,
            description = "考核组 GET 返回的 ETag (the ETag the team's GET sent)"),
    ),
    request_body = UpdateTeam,
    responses(
        (status = 200, description = "已修改 (changed)", body = TeamResponse,
            headers(("ETag" = String, description = "考核组的哈希 (a hash of the team as shown)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[patch("/assessment-cycles/{cycle_id}/teams/{team_id}")]
pub async fn update_team(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleTeamPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateTeam>,
) -> Result<HttpResponse, ApiError> {
    let CycleTeamPath { cycle_id, team_id } = path.into_inner();
    let body = body.0;
    let team = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, cycle_id)?;
        crate::ops::cycles::refuse_published(&cycle)?;
        let before = Team::for_cycle(conn, cycle_id, None)?
            .into_iter()
            .find(|t| t.team.id == team_id)
            .ok_or_else(|| {
                ApiError::not_found(format!("cycle {cycle_id} has no team {team_id}"))
            })?;
        if_match.check(&ETag::of_body(&TeamResponse::from(before.clone())))?;
        if let Some(name) = &body.name {
            diesel::update(inspection_teams::table.find(team_id))
                .set(inspection_teams::name.eq(clean(name)))
                .execute(conn)?;
        }
        if let Some(leader) = &body.leader {
            diesel::update(inspection_teams::table.find(team_id))
                .set((
                    inspection_teams::leader_sub.eq(leader.sub.trim()),
                    inspection_teams::leader_name.eq(leader.name.trim()),
                ))
                .execute(conn)?;
        }
        if let Some(members) = &body.members {
            diesel::delete(team_members::table.filter(team_members::team_id.eq(team_id)))
                .execute(conn)?;
            let rows: Vec<TeamMember> = members
                .iter()
                .map(|m| TeamMember {
                    team_id,
                    sub: m.sub.trim().to_owned(),
                    name: m.name.trim().to_owned(),
                })
                .collect();
            diesel::insert_into(team_members::table)
                .values(&rows)
                .execute(conn)?;
        }
        diesel::update(inspection_teams::table.find(team_id))
            .set((
                inspection_teams::version.eq(inspection_teams::version + 1),
                inspection_teams::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let after = Team::for_cycle(conn, cycle_id, None)?
            .into_iter()
            .find(|t| t.team.id == team_id)
            .ok_or_else(|| ApiError::internal("the team vanished"))?;
        if after.members.iter().any(|m| m.sub == after.team.leader_sub) {
            return Err(ApiError::field(
                "members",
                "duplicate",
                "the leader is not also a member",
            ));
        }
        let (before, after) = (TeamResponse::from(before), TeamResponse::from(after));
        let change = Change::updated("team", team_id, &before, &after);
        Ok((after, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::of_body(&team).0))
        .json(team))
}
