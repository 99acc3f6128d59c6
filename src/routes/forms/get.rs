use actix_web::{HttpRequest, HttpResponse, get, web};

use super::json::FormResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ETag;
use crate::http::conditional::respond_with_etag;
use crate::models::CycleId;
use crate::models::form::{FormKind, ScoringForm};
use crate::ops::cycles::find_cycle;

/// One scoring form
#[utoipa::path(
    tag = "forms",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        (
            "form_kind" = FormKind,
            Path,
            description = "`town`, `county_department` or `county_enterprise`",
        ),
    ),
    responses(
        (status = 200, description = "The form", body = FormResponse, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (
            status = 404,
            description = "No such cycle or form",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/forms/{form_kind}")]
pub async fn get_form(
    req: HttpRequest,
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, FormKind)>,
) -> Result<HttpResponse, ApiError> {
    let (id, kind) = path.into_inner();
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
