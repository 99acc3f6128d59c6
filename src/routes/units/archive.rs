use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::UnitResponse;
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::UnitPath;
use crate::http::{ETag, Empty, ValidJson};
use crate::models::Unit;
use crate::openapi::responses::{Conflict, Forbidden};

/// 归档单位 (Archive a unit)
///
/// 仅限县纪委办公室。已归档单位仍可读取（标记 `archived`），只读，并释放其名称；被考核数据引用的
/// 单位不会被删除。
///
/// Office only. An archived unit stays readable (marked `archived`), is read-only, and frees
/// its name; it is never deleted while assessment data refers to it.
///
/// 409: 已归档 (`unit_archived`: already archived).
#[utoipa::path(
    tag = "units",
    params(UnitPath),
    responses(
        (status = 200, description = "已归档 (archived)", body = UnitResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/units/{unit_id}/archive")]
pub async fn archive_unit(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let id = path.unit_id;
    let unit = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        super::ensure_active(&current)?;
        let updated = Unit::set_archived(conn, id, true)?;
        let change = Change::changed("archive", "unit", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
