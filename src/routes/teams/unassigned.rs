use actix_web::{get, web};

use super::json::UnassignedUnit;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::team::Team;
use crate::openapi::responses::Forbidden;
use crate::ops::cycles::find_cycle;

/// 查询尚未分配考核组的单位 (Assessed units still without a team)
///
/// 仅限县纪委办公室。此列表不为空时，周期不能进入专项考核检查阶段。
///
/// Office only. The cycle cannot enter `special_inspection` while this list is not empty.
#[utoipa::path(
    tag = "teams",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页尚无考核组负责的单位 (one page of the units no team \
            inspects yet)", body = Page<UnassignedUnit>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/teams/unassigned")]
pub async fn list_unassigned_units(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<UnassignedUnit>>, ApiError> {
    let id = path.cycle_id;
    let rows = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        Ok(Team::unassigned(conn, id)?)
    })
    .await?;
    let all = rows
        .into_iter()
        .map(|(unit_id, unit_name)| UnassignedUnit { unit_id, unit_name })
        .collect();
    Ok(web::Json(paging.slice(all)))
}
