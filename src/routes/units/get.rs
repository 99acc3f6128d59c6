use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::UnitResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::UnitPath;

/// 查看单位 (Get a unit)
///
/// 已归档单位仍可读取（标记 `archived`）。考核组成员在其考核组于未归档周期中负责该单位时可读取。
///
/// Archived units stay readable, marked `archived`. An inspector reads a unit while one of
/// their teams holds it in a cycle not yet archived. 404: 不存在或不在调用者权限范围内 (no such
/// unit in the caller's scope).
#[utoipa::path(
    tag = "units",
    params(UnitPath),
    responses(
        (
            status = 200,
            description = "单位 (the unit)",
            body = UnitResponse,
            headers(("ETag" = String, description = "当前版本 (current version)")),
        ),
    ),
    security(("bearer" = []))
)]
#[get("/units/{unit_id}")]
pub async fn get_unit(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.unit_id;
    let unit = db::run(&pool, move |conn| super::find_visible(conn, &user, id)).await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(unit.version),
        &UnitResponse::from(unit),
    ))
}
