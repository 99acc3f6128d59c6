use actix_web::{get, web};

use super::json::TransitionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::cycle::Transition;

/// 查询周期阶段变更记录 (A cycle's lifecycle history)
///
/// 每一步，先早后晚，含操作人、时间和备注。
///
/// Every step, oldest first, with who took it, when, and the note.
#[utoipa::path(
    tag = "cycles",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页阶段变更记录 (one page of transitions)",
            body = Page<TransitionResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/transitions")]
pub async fn list_transitions(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<TransitionResponse>>, ApiError> {
    let id = path.cycle_id;
    let rows = db::run(&pool, move |conn| {
        super::find_cycle(conn, id)?;
        Ok(Transition::for_cycle(conn, id)?)
    })
    .await?;
    let all = rows.into_iter().map(TransitionResponse::from).collect();
    Ok(web::Json(paging.slice(all)))
}
