use actix_web::{get, web};
use diesel::prelude::*;

use super::json::LeaderResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{Page, PageQuery};
use crate::models::{Leader, UnitId};
use crate::ops::units::find_visible;
use crate::schema::leaders;

/// List a unit's leaders
///
/// First responsible persons first, then in the order they were added.
#[utoipa::path(
    tag = "leaders",
    params(("unit_id" = i64, Path, description = "Unit id", example = 1), PageQuery),
    responses(
        (status = 200, description = "One page of leaders", body = Page<LeaderResponse>),
        (
            status = 404,
            description = "No such unit in the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "A page parameter is out of range",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/units/{unit_id}/leaders")]
pub async fn list_leaders(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<UnitId>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<LeaderResponse>>, ApiError> {
    let unit_id = path.into_inner();
    let (page, per_page) = page.resolve().map_err(ApiError::Validation)?;
    let (rows, total) = db::run(&pool, move |conn| {
        find_visible(conn, &user, unit_id)?;
        let total = leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .count()
            .get_result::<i64>(conn)?;
        let rows = leaders::table
            .filter(leaders::unit_id.eq(unit_id))
            .order((leaders::is_first_responsible.desc(), leaders::id.asc()))
            .offset((page - 1) * per_page)
            .limit(per_page)
            .select(Leader::as_select())
            .load(conn)?;
        Ok((rows, total))
    })
    .await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(LeaderResponse::from).collect(),
        page,
        per_page,
        total,
    }))
}
