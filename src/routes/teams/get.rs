use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::TeamResponse;
use crate::auth::{AuthUser, Role, scope};
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleTeamPath;
use crate::models::team::Team;

/// 查看考核组 (Get one inspection team)
///
/// 办公室可读取全部考核组；考核组成员可读取其担任组长或成员的考核组；其他人得到 404，如同不存在。
/// `ETag` 是考核组所示内容（含成员和负责单位）的哈希；`PATCH` 以之为 `If-Match`。
///
/// The office reads every team; an inspector the teams they lead or are on; anyone else gets
/// 404, as if it did not exist. The `ETag` is a hash of the team as shown (members and units
/// included); `PATCH` takes it as `If-Match`.
#[utoipa::path(
    tag = "teams",
    params(CycleTeamPath),
    responses(
        (status = 200, description = "考核组 (the team)", body = TeamResponse,
            headers(("ETag" = String, description = "考核组的哈希 (a hash of the team as shown)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/teams/{team_id}")]
pub async fn get_team(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleTeamPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleTeamPath { cycle_id, team_id } = path.into_inner();
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
