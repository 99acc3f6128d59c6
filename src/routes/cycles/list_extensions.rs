use actix_web::{get, web};

use super::json::ExtensionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::cycle::DeadlineExtension;

/// 查询周期的延期记录 (A cycle's deadline extensions)
///
/// 全部延期记录，先早后晚，含理由。
///
/// Every extension, oldest first, with its reason.
#[utoipa::path(
    tag = "cycles",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页延期记录 (one page of extensions)",
            body = Page<ExtensionResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/deadline-extensions")]
pub async fn list_deadline_extensions(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<ExtensionResponse>>, ApiError> {
    let id = path.cycle_id;
    let rows = db::run(&pool, move |conn| {
        super::find_cycle(conn, id)?;
        Ok(DeadlineExtension::for_cycle(conn, id)?)
    })
    .await?;
    let all = rows.into_iter().map(ExtensionResponse::from).collect();
    Ok(web::Json(paging.slice(all)))
}
