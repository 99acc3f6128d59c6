use actix_web::http::header;
use actix_web::{HttpResponse, patch, web};

use super::json::{UnitResponse, UpdateUnit};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::conditional::stale;
use crate::http::json::clean;
use crate::http::params::UnitPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::{Unit, UnitChangeset};
use crate::openapi::responses::{Conflict, Forbidden};

/// 修改单位信息 (Update a unit)
///
/// 仅限县纪委办公室。须带 `If-Match`（单位当前的 `ETag`）：标签过期答 412，不作任何修改。
///
/// Office only. Needs `If-Match` with the unit's current `ETag`: a stale tag answers 412 and
/// changes nothing.
///
/// 409: 单位已归档 (`unit_archived`)；名称已被占用 (`unit_name_taken`)；改为新类型后第一责任人
/// 超出上限 (`too_many_first_responsible`) (archived, name taken, or too many first
/// responsible persons for the new kind).
#[utoipa::path(
    tag = "units",
    params(
        UnitPath,
        ("If-Match" = String, Header, description = "单位当前的 ETag (the unit's current ETag)",
            example = "\"1\""),
    ),
    request_body = UpdateUnit,
    responses(
        (status = 200, description = "已修改 (updated)", body = UnitResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[patch("/units/{unit_id}")]
pub async fn update_unit(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateUnit>,
) -> Result<HttpResponse, ApiError> {
    let id = path.unit_id;
    let body = body.0;
    let unit = db::write(&pool, user.actor(), move |conn| {
        let current = super::lock_visible(conn, &user, id)?;
        user.require_office()?;
        if_match.check(&ETag::from_version(current.version))?;
        super::ensure_active(&current)?;
        if let Some(kind) = body.kind
            && kind != current.kind
        {
            super::ensure_first_responsible_limit(kind, super::first_responsible_count(conn, id)?)?;
        }
        let changes = UnitChangeset {
            name: body.name.as_deref().map(clean),
            kind: body.kind,
            contact_person: body.contact_person.map(|v| v.as_deref().map(clean)),
            contact_phone: body.contact_phone.map(|v| v.as_deref().map(clean)),
            address: body.address.map(|v| v.as_deref().map(clean)),
            email: body.email.map(|v| v.as_deref().map(clean)),
        };
        let updated =
            Unit::update_if_version(conn, id, current.version, &changes)?.ok_or_else(stale)?;
        let change = Change::updated("unit", id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(unit.version).0))
        .json(UnitResponse::from(unit)))
}
