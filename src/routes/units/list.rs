use actix_web::{get, web};

use super::json::{SortOrder, UnitFilter, UnitResponse, UnitStatusFilter};
use crate::auth::{AuthUser, scope};
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{Page, PageQuery, Paging};
use crate::models::{Unit, UnitListQuery};

/// 查询单位列表 (List units)
///
/// 分页列出被考核单位，可按类型、名称和归档状态筛选，排序稳定（同值按 id）。办公室看到全部单位；
/// 单位用户只看到本单位；考核组成员看到其考核组在未归档周期中负责的单位。
///
/// Paginated, filterable by kind, name and archive status, in a stable order. The office sees
/// every unit; a unit-role caller sees only its own; an inspector the units their teams hold in
/// cycles not yet archived.
#[utoipa::path(
    tag = "units",
    params(UnitFilter, PageQuery),
    responses((status = 200, description = "一页单位 (one page of units)", body = Page<UnitResponse>)),
    security(("bearer" = []))
)]
#[get("/units")]
pub async fn list_units(
    user: AuthUser,
    pool: web::Data<PgPool>,
    filter: web::Query<UnitFilter>,
    paging: Paging,
) -> Result<web::Json<Page<UnitResponse>>, ApiError> {
    let filter = filter.into_inner();
    let query = UnitListQuery {
        kind: filter.kind,
        name_contains: filter
            .q
            .filter(|q| !crate::domain::text::is_blank(q))
            .map(|q| q.trim().to_owned()),
        archived: match filter.status.unwrap_or(UnitStatusFilter::Active) {
            UnitStatusFilter::Active => Some(false),
            UnitStatusFilter::Archived => Some(true),
            UnitStatusFilter::All => None,
        },
        only_ids: None,
        sort: filter.sort.unwrap_or_default(),
        descending: filter.order == Some(SortOrder::Desc),
        offset: paging.offset(),
        limit: paging.per_page,
    };
    let (rows, total) = db::run(&pool, move |conn| {
        let query = UnitListQuery {
            only_ids: scope::visible_registry_units(conn, &user)?,
            ..query
        };
        Ok(Unit::list(conn, &query)?)
    })
    .await?;
    Ok(web::Json(paging.page_of(
        rows.into_iter().map(UnitResponse::from).collect(),
        total,
    )))
}
