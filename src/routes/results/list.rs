use actix_web::{get, web};

use super::json::{ResultFilterQuery, UnitResult};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::openapi::responses::Forbidden;
use crate::ops::results;

/// 查询考核结果排名 (The cycle's results, by rank)
///
/// 每个纳入考核单位的专项考核得分、日常考核得分、总分（四舍五入到两位小数）、是否须整改（总分
/// 不高于整改线）、同类和全县排名（并列同名次，之后跳过：1、1、3）、档次（一票否决时封顶）和班子
/// 成员的最终档次。评分表未定稿或缺日常考核得分的单位列出所缺材料，无总分、无名次，排在最后。
/// 垂直管理单位的替代结果另列（`fallback-results`）。通报前只有县纪委办公室可看：单位为 403
/// `not_published`，考核组为 404；通报后单位看到本单位及通报范围允许的排名，考核组看到本组单位。
///
/// Each assessed unit's special score, routine score, total (rounded half-up to two
/// decimals), whether it owes rectification (total at or below the line), its competition
/// ranks within its kind and overall (1, 1, 3), its band (capped by a veto) and its leaders'
/// final grades. A unit whose sheet is not final or that lacks a routine score is listed with
/// what is missing, without a number or a rank, last. Vertical units' fallbacks are listed
/// apart. Before publication only the office sees them (a unit 403 `not_published`, an
/// inspector 404); after it, a unit its own and what the publication scope grants, an
/// inspector its teams' units.
#[utoipa::path(
    tag = "results",
    params(CyclePath, ResultFilterQuery, PageQuery),
    responses(
        (status = 200, description = "一页结果，按名次 (one page of results, by rank)",
            body = Page<UnitResult>),
        Forbidden,
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/results")]
pub async fn list_results(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    filter: web::Query<ResultFilterQuery>,
    paging: Paging,
) -> Result<web::Json<Page<UnitResult>>, ApiError> {
    let (id, kind) = (path.cycle_id, filter.kind);
    let window = Some((paging.offset(), paging.per_page));
    let (items, total) = db::run(&pool, move |conn| {
        results::list(conn, &user, id, kind, window)
    })
    .await?;
    Ok(web::Json(paging.page_of(items, total)))
}
