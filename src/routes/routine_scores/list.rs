use actix_web::{HttpResponse, get, web};

use super::json::ScoreView;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery};
use crate::openapi::responses::Forbidden;
use crate::ops::routine;

/// 查询日常考核得分 (The cycle's routine scores)
///
/// 县纪委随时看到全部。结果通报后，单位看到自己的，考核组成员看到本组负责单位的；通报前为 403
/// `not_published`。
///
/// The office sees every unit's at any time. Once the cycle is published, a unit sees its own
/// and an inspector those of its team's units; before that, 403 `not_published`.
#[utoipa::path(
    tag = "routine",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页得分 (one page of scores)", body = Page<ScoreView>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/spot-checks/scores")]
pub async fn list_routine_scores(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    page: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path.cycle_id;
    let (page, per_page) = page.resolve().map_err(ApiError::Validation)?;
    let scores = db::run(&pool, move |conn| routine::list_scores(conn, &user, id)).await?;
    Ok(match scores {
        Ok(all) => HttpResponse::Ok().json(Page::slice(all, page, per_page)),
        Err(withheld) => withheld.respond(),
    })
}
