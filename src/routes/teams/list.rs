use actix_web::{get, web};

use super::json::TeamResponse;
use crate::auth::{AuthUser, Role};
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::team::Team;
use crate::ops::cycles::find_cycle;

/// 查询周期的考核组 (A cycle's inspection teams)
///
/// 办公室看到全部考核组；考核组成员看到其担任组长或成员的考核组；单位用户看不到。
///
/// The office sees every team; an inspector the teams they lead or are on; a unit none.
#[utoipa::path(
    tag = "teams",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页考核组及其成员和负责单位 (one page of teams with their \
            members and units)", body = Page<TeamResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/teams")]
pub async fn list_teams(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<TeamResponse>>, ApiError> {
    let id = path.cycle_id;
    let teams = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        Ok(match user.role {
            Role::Office => Team::for_cycle(conn, id, None)?,
            Role::Inspector => Team::for_cycle(conn, id, Some(&user.sub))?,
            Role::Unit => Vec::new(),
        })
    })
    .await?;
    let all = teams.into_iter().map(TeamResponse::from).collect();
    Ok(web::Json(paging.slice(all)))
}
