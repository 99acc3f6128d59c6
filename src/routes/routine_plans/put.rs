use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PlanView, PutPlan};
use crate::audit::Change;
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::domain::lifecycle::CycleState;
use crate::error::ApiError;
use crate::http::json::clean;
use crate::http::params::CyclePath;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::routine::{Draw, NewRoutinePlan, RoutinePlan};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::lock_cycle;
use crate::ops::routine::{draw_committed, ensure_routine_phase};

/// 制定日常考核检查方案 (Write the year's routine-check plan)
///
/// 仅限县纪委办公室；须带 `If-Match`（尚未制定时为 `"0"`）。抽查县属企业数在抽查承诺之后不能再改。
///
/// Office only; needs `If-Match` (`"0"` before the plan is written). The number of enterprises
/// drawn changes only until the draw is committed.
///
/// 409: 已作出抽查承诺 (`draw_committed`)，或周期已通报或归档 (`routine_not_open`) (the draw is
/// committed, or the cycle is published or archived).
#[utoipa::path(
    tag = "routine",
    params(
        CyclePath,
        ("If-Match" = String, Header,
            description = "方案当前的 ETag (the plan's current ETag)", example = "\"0\""),
    ),
    request_body = PutPlan,
    responses(
        (status = 200, description = "已保存 (saved)", body = PlanView,
            headers(("ETag" = String, description = "新版本 (the new version)"))),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/spot-checks/plan")]
pub async fn put_routine_plan(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    if_match: IfMatch,
    body: ValidJson<PutPlan>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
    let body = body.0;
    let plan = db::write(&pool, user.actor(), move |conn| {
        let cycle = lock_cycle(conn, cycle_id)?;
        let current = RoutinePlan::find(conn, cycle_id, true)?;
        if_match.check(&ETag::from_version(
            current.as_ref().map_or(0, |p| p.version),
        ))?;
        if cycle.state != CycleState::Draft {
            ensure_routine_phase(&cycle)?;
        }
        let enterprises = i32::try_from(body.sample_enterprises.unwrap_or(0)).unwrap_or(0);
        let before = current.as_ref().map_or(0, |p| p.sample_enterprises);
        if enterprises != before && Draw::current(conn, cycle_id, false)?.is_some() {
            return Err(draw_committed(cycle_id));
        }
        let text = |v: &Option<String>| v.as_deref().map(clean).unwrap_or_default();
        let saved = NewRoutinePlan {
            cycle_id,
            scope: text(&body.scope),
            methods: text(&body.methods),
            schedule: text(&body.schedule),
            sample_enterprises: enterprises,
            updated_by: user.sub.clone(),
        }
        .upsert(conn)?;
        let change = Change::updated("routine_plan", cycle_id, &current, &saved);
        Ok((PlanView::new(&cycle, Some(saved)), change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(plan.version).0))
        .json(plan))
}
