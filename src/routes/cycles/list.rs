use actix_web::{get, web};
use diesel::prelude::*;

use super::json::{CycleFilter, CycleResponse};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::{Page, PageQuery, Paging};
use crate::models::cycle::Cycle;
use crate::schema::assessment_cycles;

/// 查询考核周期列表 (List assessment cycles)
///
/// 年度新者在前。所有角色均可读取。
///
/// Newest year first. Every role may read cycles.
#[utoipa::path(
    tag = "cycles",
    params(CycleFilter, PageQuery),
    responses(
        (status = 200, description = "一页考核周期 (one page of cycles)", body = Page<CycleResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles")]
pub async fn list_cycles(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    filter: web::Query<CycleFilter>,
    paging: Paging,
) -> Result<web::Json<Page<CycleResponse>>, ApiError> {
    let state = filter.state;
    let (rows, total) = db::run(&pool, move |conn| {
        let query = || {
            let mut q = assessment_cycles::table.into_boxed();
            if let Some(state) = state {
                q = q.filter(assessment_cycles::state.eq(state));
            }
            q
        };
        let total: i64 = query().count().get_result(conn)?;
        let rows = query()
            .order(assessment_cycles::year.desc())
            .offset(paging.offset())
            .limit(paging.per_page)
            .select(Cycle::as_select())
            .load(conn)?;
        Ok((rows, total))
    })
    .await?;
    Ok(web::Json(paging.page_of(
        rows.into_iter().map(CycleResponse::from).collect(),
        total,
    )))
}
