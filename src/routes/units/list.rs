use actix_web::{get, web};

use super::json::{SortOrder, UnitFilter, UnitResponse, UnitStatusFilter};
use crate::auth::{AuthUser, scope};
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{Page, PageQuery};
use crate::models::{Unit, UnitListQuery};

/// List units
///
/// Paginated, filterable by kind, name and archive status, in a stable order. The office sees
/// every unit; a unit-role caller sees only its own; an inspector the units their teams hold in
/// cycles not yet archived.
#[utoipa::path(
    tag = "units",
    params(UnitFilter, PageQuery),
    responses(
        (status = 200, description = "One page of units", body = Page<UnitResponse>),
        (
            status = 422,
            description = "A page parameter is out of range",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/units")]
pub async fn list_units(
    user: AuthUser,
    pool: web::Data<PgPool>,
    filter: web::Query<UnitFilter>,
    page: web::Query<PageQuery>,
) -> Result<web::Json<Page<UnitResponse>>, ApiError> {
    let (page, per_page) = page.resolve().map_err(ApiError::Validation)?;
    let filter = filter.into_inner();
    let query = UnitListQuery {
        kind: filter.kind,
        name_contains: filter
            .q
            .filter(|q| !crate::domain::text::is_blank(q))
            .map(|q| q.trim().to_owned()),
        archived: match filter.status.unwrap_or(UnitStatusFilter::Active) {
            UnitStatusFilter::Active => Some(false),
            UnitStatusFilter::Archived => Some(true),
            UnitStatusFilter::All => None,
        },
        only_ids: None,
        sort: filter.sort.unwrap_or_default(),
        descending: filter.order == Some(SortOrder::Desc),
        offset: (page - 1) * per_page,
        limit: per_page,
    };
    let (rows, total) = db::run(&pool, move |conn| {
        let query = UnitListQuery {
            only_ids: scope::visible_registry_units(conn, &user)?,
            ..query
        };
        Ok(Unit::list(conn, &query)?)
    })
    .await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(UnitResponse::from).collect(),
        page,
        per_page,
        total,
    }))
}
