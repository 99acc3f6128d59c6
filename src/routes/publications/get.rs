use actix_web::{get, web};

use super::PublicationPath;
use super::json::{PublishedFilter, UnitResult};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{Page, PageQuery, Paging};
use crate::ops::snapshots;

/// 查看某一版本通报的结果 (The results of one published version)
///
/// 该版本通报时保存的结果，与当前结果的格式相同，按名次排列，垂直管理单位的替代结果在后。县纪委办公室
/// 看到全部；单位看到本单位，以及该版本通报范围允许的同类或全部排名；考核组看到本组单位（该版本允许时
/// 看到全部排名）。班子成员档次只向县纪委、本组考核组和（该版本允许时）本单位显示。
///
/// The results as that version stored them, in the shape of the current results, by rank,
/// vertical units' fallbacks last. The office sees all of them; a unit its own, plus the
/// ranking of its kind or the whole ranking where that version's scope granted it; an
/// inspector their teams' units (the whole ranking where that version granted it). Leader
/// grades are shown to the office, the unit's team and, where that version granted it, the
/// unit itself.
///
/// 404: 没有该版本，或调用者看不到其中任何结果 (no such version, or nothing of it in the
/// caller's scope).
#[utoipa::path(
    tag = "publication",
    params(PublicationPath, PublishedFilter, PageQuery),
    responses(
        (status = 200, description = "一页该版本的结果，按名次 (one page of its results, by rank)",
            body = Page<UnitResult>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/publications/{version}")]
pub async fn get_publication(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<PublicationPath>,
    filter: web::Query<PublishedFilter>,
    paging: Paging,
) -> Result<web::Json<Page<UnitResult>>, ApiError> {
    let (cycle_id, version, kind) = (path.cycle_id, path.version, filter.kind);
    let all = db::run(&pool, move |conn| {
        snapshots::read(conn, &user, cycle_id, version, kind)
    })
    .await?;
    Ok(web::Json(paging.slice(all)))
}
