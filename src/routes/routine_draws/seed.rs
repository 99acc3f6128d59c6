use actix_web::{HttpResponse, post, web};
use chrono::Utc;

use super::json::{DrawView, SeedDraw};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ValidJson;
use crate::http::params::CyclePath;
use crate::openapi::responses::{Conflict, Forbidden};
use crate::ops::routine;

/// 录入种子并抽取 (Enter the seed and draw)
///
/// 仅限县纪委办公室，在承诺的公布时间之后。服务按公开的算法（README“The routine draw”）从种子、
/// 周期 id 和冻结的名单算出抽中单位，保存种子、名单、算法版本和结果。种子和结果在全部走访记录
/// 定稿前只对县纪委可见（四不两直）。
///
/// Office only, after the committed time. The service derives the sample from the seed, the
/// cycle id and the frozen lists by the documented algorithm (README "The routine draw") and
/// stores the seed, the algorithm version and the result. The seed and the sample stay with
/// the office until every visit record is final (visits are unannounced).
///
/// 409: 尚无承诺 (`no_commitment`)，未到承诺的公布时间 (`seed_too_early`)，已录入种子
/// (`draw_seeded`)，或周期不在日常考核阶段 (`routine_not_open`). 422: 种子为空、含换行或首尾空格
/// (the seed is blank, holds a line break or surrounding spaces).
#[utoipa::path(
    tag = "routine",
    params(CyclePath),
    request_body = SeedDraw,
    responses(
        (status = 200, description = "已抽取 (drawn)", body = DrawView),
        Forbidden,
        Conflict,
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/spot-checks/seed")]
pub async fn seed_routine_draw(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    body: ValidJson<SeedDraw>,
) -> Result<HttpResponse, ApiError> {
    let cycle_id = path.cycle_id;
    let seed = body.0.seed.unwrap_or_default();
    let draw = db::write(&pool, user.actor(), move |conn| {
        let (draw, change) = routine::seed(conn, &user, cycle_id, &seed, Utc::now())?;
        Ok((DrawView::new(&draw, true)?, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(draw))
}
