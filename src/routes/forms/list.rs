use actix_web::{get, web};

use super::json::FormResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::params::CyclePath;
use crate::http::{Page, PageQuery, Paging};
use crate::models::form::ScoringForm;
use crate::ops::cycles::find_cycle;

/// 查询周期的考评表 (A cycle's scoring forms)
///
/// 本周期的全部考评表及其评分项。考评表不保密，所有角色均可读取。
///
/// Every form of the cycle with its items; every role may read them.
#[utoipa::path(
    tag = "forms",
    params(CyclePath, PageQuery),
    responses(
        (status = 200, description = "一页考评表 (one page of forms)", body = Page<FormResponse>),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/forms")]
pub async fn list_forms(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CyclePath>,
    paging: Paging,
) -> Result<web::Json<Page<FormResponse>>, ApiError> {
    let id = path.cycle_id;
    let forms = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        Ok(ScoringForm::for_cycle(conn, id)?)
    })
    .await?;
    let all = forms.into_iter().map(FormResponse::from).collect();
    Ok(web::Json(paging.slice(all)))
}
