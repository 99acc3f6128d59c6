use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutTarget, TargetResponse};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CycleUnitPath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::routine::{NewRoutineTarget, RoutineTarget};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::lock_cycle;
use crate::ops::routine::{assessed_unit, ensure_routine_phase};

/// 制定单位的责任制目标 (Write a unit's responsibility targets)
///
/// 仅限县纪委办公室；须带 `If-Match`（尚未制定时为 `"0"`）。空白的上级任务存为未写。
///
/// Office only; needs `If-Match` (`"0"` before they are written). A blank `tasks` is stored as
/// not written.
///
/// 404: 单位不在本周期考核范围内 (the unit is not assessed in the cycle). 409: 周期不在自查、
/// 专项考核检查或复核阶段 (`routine_not_open`).
#[utoipa::path(
    tag = "routine",
    params(
        CycleUnitPath,
        ("If-Match" = String, Header,
            description = "目标当前的 ETag (the targets' current ETag)", example = "\"0\""),
    ),
    request_body = PutTarget,
    responses(
        (status = 200, description = "已保存 (saved)", body = TargetResponse,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/spot-checks/targets/{unit_id}")]
pub async fn put_routine_target(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleUnitPath>,
    if_match: IfMatch,
    body: ValidJson<PutTarget>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = (path.cycle_id, path.unit_id);
    let body = body.0;
    let target = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, cycle_id)?;
        assessed_unit(conn, cycle_id, unit_id)?;
        let current = RoutineTarget::find(conn, cycle_id, unit_id, true)?;
        if_match.check(&ETag::from_version(
            current.as_ref().map_or(0, |t| t.version),
        ))?;
        ensure_routine_phase(&cycle)?;
        let saved = NewRoutineTarget {
            cycle_id,
            unit_id,
            targets: body.targets.as_deref().map(clean).unwrap_or_default(),
            tasks: body.tasks.as_deref().map(clean).filter(|t| !t.is_empty()),
            updated_by: user.sub.clone(),
        }
        .upsert(conn)?;
        let id = format!("{cycle_id}/{unit_id}");
        let change = Change::updated("routine_target", id, &current, &saved);
        Ok((TargetResponse::new(cycle_id, unit_id, Some(saved)), change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(target.version).0))
        .json(target))
}
