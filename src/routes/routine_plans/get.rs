use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::PlanView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CyclePath;
use crate::models::routine::RoutinePlan;
use crate::ops::cycles::find_cycle;

/// 查看日常考核检查方案 (The year's routine-check plan)
///
/// 所有角色均可读取：检查内容、方式、时间安排和抽查数量。尚未制定时 `version` 为 0。
///
/// Every role may read it: what is checked, how, when, and how many units of each group are
/// drawn. `version` is 0 before the plan is written.
#[utoipa::path(
    tag = "routine",
    params(CyclePath),
    responses(
        (status = 200, description = "检查方案 (the plan)", body = PlanView,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/plan")]
pub async fn get_routine_plan(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let plan = db::run(&pool, move |conn| {
        let cycle = find_cycle(conn, id)?;
        Ok(PlanView::new(&cycle, RoutinePlan::find(conn, id, false)?))
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(plan.version),
        &plan,
    ))
}
