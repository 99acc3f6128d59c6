use actix_web::{HttpRequest, HttpResponse, get, web};

use super::CycleDrawPath;
use super::json::DrawView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::routine::Draw;
use crate::ops::cycles::find_cycle;
use crate::ops::routine::shows_draw;

/// 查看一次抽查 (One draw)
///
/// 承诺对所有角色可见；种子和抽中单位在全部走访记录定稿前只对县纪委可见。
///
/// The commitment is shown to every role; the seed and the sample only to the office until
/// every visit record is final.
///
/// 404: 本周期没有这次抽查 (the cycle has no such draw).
#[utoipa::path(
    tag = "routine",
    params(CycleDrawPath),
    responses(
        (status = 200, description = "抽查 (the draw)", body = DrawView,
            headers(("ETag" = String, description = "抽查的哈希 (a hash of the draw as shown)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/draws/{draw_id}")]
pub async fn get_routine_draw(
    req: HttpRequest,
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleDrawPath>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, id) = (path.cycle_id, path.draw_id);
    let draw = db::run(&pool, move |conn| {
        find_cycle(conn, cycle_id)?;
        let draw = Draw::find(conn, cycle_id, id)?
            .ok_or_else(|| ApiError::not_found(format!("cycle {cycle_id} has no draw {id}")))?;
        DrawView::new(&draw, shows_draw(conn, &user, cycle_id)?)
    })
    .await?;
    Ok(respond_with_etag(&req, &ETag::of_body(&draw), &draw))
}
