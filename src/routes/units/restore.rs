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

/// 恢复已归档单位 (Restore an archived unit)
///
/// 仅限县纪委办公室。
///
/// Office only.
///
/// 409: 单位未归档 (`unit_not_archived`)，或其名称已被其他未归档单位使用 (`unit_name_taken`)
/// (not archived, or an active unit has taken its name meanwhile).
#[utoipa::path(
    tag = "units",
    params(UnitPath),
    responses(
        (status = 200, description = "已恢复 (active again)", body = UnitResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/units/{unit_id}/restore")]
pub async fn restore_unit(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let id = path.unit_id;
    let unit = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        if current.archived_at.is_none() {
            return Err(ApiError::Conflict {
                code: "unit_not_archived",
                detail: format!("unit {id} is not archived"),
            });
        }
        let updated = Unit::set_archived(conn, id, false)?;
        let change = Change::changed("restore", "unit", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
