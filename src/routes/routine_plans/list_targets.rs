use actix_web::{get, web};

use super::json::TargetResponse;
use crate::auth::AuthUser;
use crate::auth::scope::visible_units_in_cycle;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery};
use crate::models::routine::RoutineTarget;
use crate::ops::cycles::find_cycle;

/// 查询各单位的责任制目标 (The units' responsibility targets)
///
/// 县纪委看到全部；单位只看到自己的；考核组成员看到本组负责单位的。只列出已制定的。
///
/// The office sees every unit's; a unit its own; an inspector those of its team's units. Only
/// targets written are listed.
#[utoipa::path(
    tag = "routine",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页责任制目标 (one page of targets)",
            body = Page<TargetResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/targets")]
pub async fn list_routine_targets(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<TargetResponse>>, ApiError> {
    let id = path.cycle_id;
    let (page, per_page) = page.resolve().map_err(ApiError::Validation)?;
    let rows = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        let only = visible_units_in_cycle(conn, &user, id)?;
        Ok(RoutineTarget::list(conn, id, only)?)
    })
    .await?;
    let all = rows
        .into_iter()
        .map(|r| TargetResponse::new(r.cycle_id, r.unit_id, Some(r)))
        .collect();
    Ok(web::Json(Page::slice(all, page, per_page)))
}
