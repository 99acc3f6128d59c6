use actix_web::{get, web};

use super::json::TransitionResponse;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::CycleId;
use crate::models::cycle::Transition;

/// A cycle's lifecycle history
///
/// Every step, oldest first, with who took it, when, and the note.
#[utoipa::path(
    tag = "cycles",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    responses(
        (status = 200, description = "The transitions", body = Vec<TransitionResponse>),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[get("/assessment-cycles/{cycle_id}/transitions")]
pub async fn list_transitions(
    _user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
) -> Result<web::Json<Vec<TransitionResponse>>, ApiError> {
    let id = path.into_inner();
    let rows = db::run(&pool, move |conn| {
        super::find_cycle(conn, id)?;
        Ok(Transition::for_cycle(conn, id)?)
    })
    .await?;
    Ok(web::Json(
        rows.into_iter().map(TransitionResponse::from).collect(),
    ))
}
