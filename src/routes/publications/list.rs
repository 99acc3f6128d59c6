use actix_web::{get, web};

use super::json::PublicationView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::ops::snapshots;

/// 查询本周期的结果通报版本 (The versions of a cycle's published results)
///
/// 每次通报保存当时的全部结果，编为版本 1、2……；县纪委退回重新通报时产生新版本，旧版本仍可查阅。
/// 最新的在前。所有角色可查看版本列表，各版本的结果按查看权限提供。
///
/// Each publication stored every result as it was, as version 1, 2, ...; publishing again
/// after the office reopened the cycle makes a new version, and earlier ones stay readable.
/// Newest first. Every role lists the versions; each version's results follow the rules of the
/// results.
#[utoipa::path(
    tag = "publication",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页通报版本，最新的在前 (one page of versions, newest first)",
            body = Page<PublicationView>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/publications")]
pub async fn list_publications(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<PublicationView>>, ApiError> {
    let cycle_id = path.cycle_id;
    let (items, total) = db::run(&pool, move |conn| {
        snapshots::list(conn, cycle_id, paging.offset(), paging.per_page)
    })
    .await?;
    Ok(web::Json(paging.page_of(items, total)))
}
