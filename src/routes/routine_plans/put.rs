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
use crate::models::cycle::{Cycle, CycleChangeset};
use crate::models::routine::{Draw, NewRoutinePlan, RoutinePlan};
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::cycles::lock_cycle;
use crate::ops::routine::{draw_committed, ensure_routine_phase};

/// 制定日常考核检查方案 (Write the year's routine-check plan)
///
/// 仅限县纪委办公室；须带 `If-Match`（尚未制定时为 `"0"`）。抽查数量（县直单位、乡镇即周期设置，
/// 以及县属企业）在筹备阶段之后仍可修改，直到作出抽查承诺。
///
/// Office only; needs `If-Match` (`"0"` before the plan is written). The sample sizes (county
/// departments and towns, the cycle's settings, and enterprises) change after the draft stage
/// too, until the draw is committed.
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
        let size = |v: Option<i64>, now: i32| v.and_then(|n| i32::try_from(n).ok()).unwrap_or(now);
        let enterprises = size(body.sample_enterprises, 0);
        let departments = size(body.sample_departments, cycle.routine_sample_departments);
        let towns = size(body.sample_towns, cycle.routine_sample_towns);
        let before = PlanView::new(&cycle, current);
        let sizes_change = (enterprises, departments, towns)
            != (
                before.sample_enterprises,
                before.sample_departments,
                before.sample_towns,
            );
        if sizes_change && Draw::current(conn, cycle_id, false)?.is_some() {
            return Err(draw_committed(cycle_id));
        }
        // The sample sizes are settings that change after the draft stage, until the draw.
        let cycle = if (departments, towns)
            == (cycle.routine_sample_departments, cycle.routine_sample_towns)
        {
            cycle
        } else {
            let sizes = CycleChangeset {
                routine_sample_departments: Some(departments),
                routine_sample_towns: Some(towns),
                ..Default::default()
            };
            Cycle::update(conn, cycle_id, &sizes)?
        };
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
        let after = PlanView::new(&cycle, Some(saved));
        let change = Change::updated("routine_plan", cycle_id, &before, &after);
        Ok((after, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, ETag::from_version(plan.version).0))
        .json(plan))
}
