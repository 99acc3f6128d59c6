use actix_web::{get, web};

use super::json::DrawView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery};
use crate::models::routine::Draw;
use crate::ops::cycles::find_cycle;
use crate::ops::routine::shows_draw;

/// 查询抽查承诺和抽取结果 (The cycle's draws)
///
/// 所有角色均可读取每一次承诺（包括被重抽取代的）；种子和抽中单位在全部走访记录定稿前只对县纪委
/// 可见（`sealed`）。
///
/// Every role sees every commitment, superseded ones included; the seed and the sample only
/// the office until every visit record is final (`sealed`).
#[utoipa::path(
    tag = "routine",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页抽查 (one page of draws)", body = Page<DrawView>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/draws")]
pub async fn list_routine_draws(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<DrawView>>, ApiError> {
    let id = path.cycle_id;
    let (page, per_page) = page.resolve().map_err(ApiError::Validation)?;
    let draws = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        let shown = shows_draw(conn, &user, id)?;
        Draw::list(conn, id)?
            .iter()
            .map(|d| DrawView::new(d, shown))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(web::Json(Page::slice(draws, page, per_page)))
}
