use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateLeader, LeaderResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::UnitPath;
use crate::http::{ETag, ValidJson};
use crate::models::NewLeader;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::units::{
    ensure_active, ensure_first_responsible_limit, first_responsible_count, lock_visible,
};

/// 添加班子成员 (Add a leader to a unit)
///
/// 仅限县纪委办公室。乡镇至多两名第一责任人（党委书记和镇长），其他单位一名。
///
/// Office only. A town has at most two first responsible persons, any other unit one.
///
/// 409: 单位已归档 (`unit_archived`)，或第一责任人已满 (`too_many_first_responsible`) (the
/// unit is archived, or has all its first responsible persons).
#[utoipa::path(
    tag = "leaders",
    params(UnitPath),
    request_body = CreateLeader,
    responses(
        (status = 201, description = "已添加 (added)", body = LeaderResponse,
            headers(
                ("Location" = String, description = "新成员的 URL (URL of the new leader)"),
                ("ETag" = String, description = "当前版本 (current version)"),
            )),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/units/{unit_id}/leaders")]
pub async fn create_leader(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitPath>,
    body: ValidJson<CreateLeader>,
) -> Result<HttpResponse, ApiError> {
    let unit_id = path.unit_id;
    let body = body.0;
    let leader = db::write(&pool, user.actor(), move |conn| {
        let unit = lock_visible(conn, &user, unit_id)?;
        user.require_office()?;
        ensure_active(&unit)?;
        if body.is_first_responsible {
            ensure_first_responsible_limit(unit.kind, first_responsible_count(conn, unit_id)? + 1)?;
        }
        let new = NewLeader {
            unit_id,
            name: body.name.as_deref().map(clean).unwrap_or_default(),
            position: body.position.as_deref().map(clean).unwrap_or_default(),
            is_first_responsible: body.is_first_responsible,
        };
        let leader = new.insert(conn)?;
        let change = Change::created("leader", leader.id, &leader);
        Ok((leader, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/units/{unit_id}/leaders/{}", leader.id),
        ))
        .insert_header((header::ETAG, ETag::from_version(leader.version).0))
        .json(LeaderResponse::from(leader)))
}
