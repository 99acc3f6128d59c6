use actix_web::{get, web};

use super::json::{CycleUnitFilter, CycleUnitResponse};
use crate::auth::{AuthUser, scope};
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::cycle_unit::CycleUnit;

/// 查询周期的考核单位 (The units a cycle assesses or excludes)
///
/// 周期离开筹备阶段时锁定的名单，以及办公室之后的增补和排除及其理由。办公室看到全部单位；
/// 单位用户只看到本单位；考核组成员看到其考核组在本周期负责的单位。
///
/// The snapshot taken when the cycle left draft, with the office's later additions and
/// exclusions and their reasons. The office sees every unit; a unit-role caller only its own;
/// an inspector the units their teams hold in this cycle.
#[utoipa::path(
    tag = "cycles",
    params(CyclePath, CycleUnitFilter, PageQuery),
    responses(
        (
            status = 200,
            description = "一页本周期的单位 (one page of the cycle's units)",
            body = Page<CycleUnitResponse>,
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/units")]
pub async fn list_cycle_units(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    filter: web::Query<CycleUnitFilter>,
    paging: Paging,
) -> Result<web::Json<Page<CycleUnitResponse>>, ApiError> {
    let id = path.cycle_id;
    let status = filter.status;
    let (rows, total) = db::run(&pool, move |conn| {
        super::find_cycle(conn, id)?;
        let only = scope::visible_units_in_cycle(conn, &user, id)?;
        Ok(CycleUnit::list(
            conn,
            id,
            status,
            only,
            paging.offset(),
            paging.per_page,
        )?)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|(row, name, kind)| CycleUnitResponse::new(row, name, kind))
        .collect();
    Ok(web::Json(paging.page_of(items, total)))
}
