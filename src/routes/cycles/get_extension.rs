use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::ExtensionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleExtensionPath;
use crate::models::cycle::DeadlineExtension;

/// 查看一条延期记录 (One deadline extension)
///
/// 能读取周期延期记录者即可读取。延期记录不会改变，其 `ETag`（正文的哈希，即创建时返回的标签）
/// 也不变。
///
/// Readable by whoever reads the cycle's extensions. An extension never changes, so its `ETag`
/// (a hash of the body, the one its creation answered) never does either.
#[utoipa::path(
    tag = "cycles",
    params(CycleExtensionPath),
    responses(
        (status = 200, description = "延期记录 (the extension)", body = ExtensionResponse,
            headers(("ETag" = String, description = "正文的哈希 (a hash of the body)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/deadline-extensions/{extension_id}")]
pub async fn get_deadline_extension(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleExtensionPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleExtensionPath {
        cycle_id,
        extension_id,
    } = path.into_inner();
    let row = db::run(&pool, move |conn| {
        super::find_cycle(conn, cycle_id)?;
        DeadlineExtension::find(conn, cycle_id, extension_id)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "cycle {cycle_id} has no deadline extension {extension_id}"
            ))
        })
    })
    .await?;
    let body = ExtensionResponse::from(row);
    Ok(respond_with_etag(&req, &ETag::of_body(&body), &body))
}
