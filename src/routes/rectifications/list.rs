use actix_web::{get, web};

use super::json::{RectificationFilter, RectificationRow};
use crate::auth::AuthUser;
use crate::clock::Clock;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::rectifications;

/// 查询应整改单位 (The units that owe a rectification)
///
/// 结果通报后总分不高于整改线、须整改的单位，按单位排列：整改状态、截止日期（当天结束，北京时间）、
/// 是否逾期提交 (`late`)、是否已逾期 (`overdue`：仍在单位手中且已过截止日期，按服务的时钟)。已撤销
/// 的只在 `state=withdrawn` 时列出。县纪委办公室看全部，考核组成员看本组在该周期负责的单位；单位
/// 为 403。 (The units that owe a rectification, by unit: its state, due date, whether the last
/// submission was late, and whether it is overdue: still with the unit past its due date, by
/// the service's clock. Withdrawn ones only with `state=withdrawn`. The office sees all,
/// inspectors their teams' units; a unit gets 403.)
#[utoipa::path(
    tag = "rectifications",
    params(CyclePath, RectificationFilter, PageQuery),
    responses(
        (status = 200, description = "一页应整改单位 (one page of rectifications, by unit)",
            body = Page<RectificationRow>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/rectifications")]
pub async fn list_rectifications(
    user: AuthUser,
    pool: web::Data<PgPool>,
    clock: web::Data<Clock>,
    path: web::Path<CyclePath>,
    filter: web::Query<RectificationFilter>,
    paging: Paging,
) -> Result<web::Json<Page<RectificationRow>>, ApiError> {
    let (id, filter, now) = (path.cycle_id, filter.into_inner(), clock.now());
    let all = db::run(&pool, move |conn| {
        rectifications::list(conn, &user, id, &filter, now)
    })
    .await?;
    Ok(web::Json(paging.slice(all)))
}
