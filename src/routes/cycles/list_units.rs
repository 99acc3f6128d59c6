use actix_web::{get, web};

use super::json::{CycleUnitFilter, CycleUnitResponse};
use crate::auth::{AuthUser, scope};
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{Page, PageQuery};
use crate::models::CycleId;
use crate::models::cycle_unit::CycleUnit;

/// The units a cycle assesses or excludes
///
/// The snapshot taken when the cycle left draft, with the office's later additions and
/// exclusions and their reasons. The office sees every unit; a unit-role caller only its own;
/// an inspector the units their teams hold in this cycle.
#[utoipa::path(
    tag = "cycles",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        CycleUnitFilter,
        PageQuery,
    ),
    responses(
        (
            status = 200,
            description = "One page of the cycle's units",
            body = Page<CycleUnitResponse>,
        ),
        (
            status = 404,
            description = "No such cycle",
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
#[get("/assessment-cycles/{cycle_id}/units")]
pub async fn list_cycle_units(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    filter: web::Query<CycleUnitFilter>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<CycleUnitResponse>>, ApiError> {
    let id = path.into_inner();
    let (page, per_page) = page.resolve().map_err(ApiError::Validation)?;
    let status = filter.status;
    let (rows, total) = db::run(&pool, move |conn| {
        super::find_cycle(conn, id)?;
        let only = scope::visible_units_in_cycle(conn, &user, id)?;
        Ok(CycleUnit::list(
            conn,
            id,
            status,
            only,
            (page - 1) * per_page,
            per_page,
        )?)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|(row, name, kind)| CycleUnitResponse::new(row, name, kind))
        .collect();
    Ok(web::Json(Page {
        items,
        page,
        per_page,
        total,
    }))
}
