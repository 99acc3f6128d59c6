use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::FormResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::http::params::CycleFormPath;
use crate::models::form::ScoringForm;
use crate::ops::cycles::find_cycle;

/// 查看考评表 (One scoring form)
///
/// 所有角色均可读取。
///
/// Every role may read a form.
#[utoipa::path(
    tag = "forms",
    params(CycleFormPath),
    responses(
        (status = 200, description = "考评表 (the form)", body = FormResponse,
            headers(("ETag" = String, description = "当前版本 (current version)"))),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/forms/{form_kind}")]
pub async fn get_form(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleFormPath>,
) -> Result<HttpResponse, ApiError> {
    let CycleFormPath {
        cycle_id: id,
        form_kind: kind,
    } = path.into_inner();
    let form = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        ScoringForm::for_cycle(conn, id)?
            .into_iter()
            .find(|f| f.form.form_kind == kind)
            .ok_or_else(|| ApiError::not_found(format!("cycle {id} has no {kind} form")))
    })
    .await?;
    Ok(respond_with_etag(
        &req,
        &ETag::from_version(form.form.version),
        &FormResponse::from(form),
    ))
}
