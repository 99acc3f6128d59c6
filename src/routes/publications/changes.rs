use actix_web::{get, web};

use super::PublicationPath;
use super::json::{ChangesQuery, UnitChange};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, FieldError};
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::snapshots;

/// 查看两个通报版本之间的变化 (What changed between two published versions)
///
/// 仅限县纪委办公室。逐个单位列出本版本与 `against` 版本（默认为上一版本；0 表示与尚未通报相比）
/// 之间新增、移除或有变化的结果，每个变化的字段给出旧值和新值。
///
/// Office only. Unit by unit, the results added, removed or changed between this version and
/// version `against` (by default the one before; 0 compares with nothing published), each
/// changed field with its old and new value.
///
/// 404: 没有该版本 (no such version). 422: `against` 须为 0 至本版本减一 (`against` must be 0
/// to this version minus one).
#[utoipa::path(
    tag = "publication",
    params(PublicationPath, ChangesQuery, PageQuery),
    responses(
        (status = 200, description = "一页有变化的单位 (one page of the units that changed)",
            body = Page<UnitChange>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/publications/{version}/changes")]
pub async fn list_publication_changes(
    _office: Office,
    pool: web::Data<PgPool>,
    path: web::Path<PublicationPath>,
    query: web::Query<ChangesQuery>,
    paging: Paging,
) -> Result<web::Json<Page<UnitChange>>, ApiError> {
    let (cycle_id, version) = (path.cycle_id, path.version);
    let against = match query.against.as_deref() {
        None => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            ApiError::Validation(vec![FieldError::new(
                "against",
                "out_of_range",
                "`against` must be a version number",
            )])
        })?),
    };
    let all = db::run(&pool, move |conn| {
        snapshots::changes(conn, cycle_id, version, against)
    })
    .await?;
    Ok(web::Json(paging.slice(all)))
}
