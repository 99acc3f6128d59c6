use actix_web::{get, web};
use diesel::prelude::*;

use super::json::LeaderResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::UnitPath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::Leader;
use crate::ops::units::find_visible;
use crate::schema::leaders;

/// 查询单位班子成员 (List a unit's leaders)
///
/// 第一责任人在前，其余按添加顺序。能读取该单位者即可读取。
///
/// First responsible persons first, then in the order they were added; readable by whoever may
/// read the unit.
#[utoipa::path(
    tag = "leaders",
    params(UnitPath, PageQuery),
    responses(
        (status = 200, description = "一页班子成员 (one page of leaders)", body = Page<LeaderResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/units/{unit_id}/leaders")]
pub async fn list_leaders(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
    paging: Paging,
) -> Result<web::Json<Page<LeaderResponse>>, ApiError> {
    let unit_id = path.unit_id;
    let (rows, total) = db::run(&pool, move |conn| {
        find_visible(conn, &user, unit_id)?;
        let total = leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .count()
            .get_result::<i64>(conn)?;
        let rows = leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .order((leaders::is_first_responsible.desc(), leaders::id.asc()))
            .offset(paging.offset())
            .limit(paging.per_page)
            .select(Leader::as_select())
            .load(conn)?;
        Ok((rows, total))
    })
    .await?;
    Ok(web::Json(paging.page_of(
        rows.into_iter().map(LeaderResponse::from).collect(),
        total,
    )))
}
