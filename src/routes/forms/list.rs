use actix_web::{get, web};

use super::json::FormResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::CycleId;
use crate::models::form::ScoringForm;
use crate::ops::cycles::find_cycle;

/// A cycle's scoring forms
#[utoipa::path(
    tag = "forms",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (
            status = 200,
            description = "Every form of the cycle with its items",
            body = Vec<FormResponse>,
        ),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/forms")]
pub async fn list_forms(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<web::Json<Vec<FormResponse>>, ApiError> {
    let id = path.into_inner();
    let forms = db::run(&pool, move |conn| {
        find_cycle(conn, id)?;
        Ok(ScoringForm::for_cycle(conn, id)?)
    })
    .await?;
    Ok(web::Json(
        forms.into_iter().map(FormResponse::from).collect(),
    ))
}
