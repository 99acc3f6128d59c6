use actix_web::http::header;
use actix_web::{HttpResponse, patch, web};

use super::json::{LeaderResponse, UpdateLeader};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::conditional::stale;
use crate::http::json::clean;
use crate::http::params::UnitLeaderPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::{Leader, LeaderChangeset};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::units::{ensure_active, ensure_first_responsible_limit, lock_visible};

/// 修改班子成员 (Update a leader)
///
/// 仅限县纪委办公室；须带 `If-Match`（成员当前的 `ETag`，过期答 412）。
///
/// Office only; needs `If-Match` with the leader's current `ETag` (412 when stale).
///
/// 409: 单位已归档 (`unit_archived`)，或第一责任人已满 (`too_many_first_responsible`) (the
/// unit is archived, or has all its first responsible persons).
#[utoipa::path(
    tag = "leaders",
    params(
        UnitLeaderPath,
        ("If-Match" = String, Header,
            description = "成员当前的 ETag (the leader's current ETag)", example = "\"1\""),
    ),
    request_body = UpdateLeader,
    responses(
        (status = 200, description = "已修改 (updated)", body = LeaderResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[patch("/units/{unit_id}/leaders/{leader_id}")]
pub async fn update_leader(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitLeaderPath>,
    if_match: IfMatch,
    body: ValidJson<UpdateLeader>,
) -> Result<HttpResponse, ApiError> {
    let UnitLeaderPath { unit_id, leader_id } = path.into_inner();
    let body = body.0;
    let leader = db::write(&pool, user.actor(), move |conn| {
        let unit = lock_visible(conn, &user, unit_id)?;
        let current = super::find_leader(conn, unit_id, leader_id)?;
        user.require_office()?;
        if_match.check(&ETag::from_version(current.version))?;
        ensure_active(&unit)?;
        if body.is_first_responsible == Some(true) && !current.is_first_responsible {
            let others = Leader::count_first_responsible(conn, unit_id, Some(leader_id))?;
            ensure_first_responsible_limit(unit.kind, others + 1)?;
        }
        let changes = LeaderChangeset {
            name: body.name.as_deref().map(clean),
            position: body.position.as_deref().map(clean),
            is_first_responsible: body.is_first_responsible,
        };
        let updated = Leader::update_if_version(conn, leader_id, current.version, &changes)?
            .ok_or_else(stale)?;
        let change = Change::updated("leader", leader_id, &current, &updated);
        Ok((updated, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(leader.version).0))
        .json(LeaderResponse::from(leader)))
}
