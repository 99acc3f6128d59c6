use actix_web::{get, web};

use super::json::{CommendationFilterQuery, CommendationView};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::pagination::query_id;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::UnitId;
use crate::ops::commendations;

/// 查询表彰和通报批评 (The cycle's commendations and notices)
///
/// 按登记先后。县纪委办公室看到全部；单位看到已通报、范围为全体单位或指名本单位的；考核组看到
/// 已通报、涉及本组单位且范围不限于县纪委办公室的。
///
/// Oldest first. The office sees every record; a unit the published ones of scope `units` and
/// those of scope `unit` that name it; an inspector the published ones on their teams' units
/// (not scope `office`).
#[utoipa::path(
    tag = "publication",
    params(CyclePath, CommendationFilterQuery, PageQuery),
    responses(
        (status = 200, description = "一页记录 (one page of records)",
            body = Page<CommendationView>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/commendations")]
pub async fn list_commendations(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    filter: web::Query<CommendationFilterQuery>,
    paging: Paging,
) -> Result<web::Json<Page<CommendationView>>, ApiError> {
    let unit_id = query_id("unit_id", filter.unit_id.as_deref())?.map(UnitId);
    let (cycle_id, kind) = (path.cycle_id, filter.kind);
    let all = db::run(&pool, move |conn| {
        commendations::list(conn, &user, cycle_id, kind, unit_id)
    })
    .await?;
    Ok(web::Json(paging.slice(all)))
}
