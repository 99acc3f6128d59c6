use actix_web::{HttpResponse, post, web};

use super::json::{CreateTransition, CycleResponse, TransitionResponse, TransitionResult};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::models::CycleId;
use crate::ops::cycles::advance;

/// Move a cycle to its next state
///
/// Office only. `draft → self_inspection → special_inspection → review → published →
/// archived`, one step at a time; anything else is 409 `illegal_transition`. Leaving draft
/// needs a valid form for every kind of unit in scope (409 `cycle_forms_invalid`) and takes the
/// snapshot of the units the cycle assesses. Every step is recorded with who, when and the note.
#[utoipa::path(
    tag = "cycles",
    params(("cycle_id" = i64, Path, description = "Cycle id", example = 1)),
    request_body = CreateTransition,
    responses(
        (status = 200, description = "Moved", body = TransitionResult),
        (
            status = 403,
            description = "The caller is not the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "No such cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Not the next state, or a guard failed; `detail` says why",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Invalid body",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/transitions")]
pub async fn create_transition(
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<CycleId>,
    body: ValidJson<CreateTransition>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let body = body.0;
    let to = body
        .to
        .ok_or_else(|| ApiError::field("to", "required", "the field `to` is required"))?;
    let note = body.note.as_deref().map(clean);
    let actor = user.actor();
    let (transition, cycle) = db::write(&pool, actor, move |conn| {
        advance(conn, id, to, &user.sub, &user.name, note)
    })
    .await?;
    let result = TransitionResult {
        transition: TransitionResponse::from(transition),
        cycle: CycleResponse::from(cycle),
    };
    tracing::info!(cycle_id = %id, to = %to, "cycle moved");
    Ok(HttpResponse::Ok().json(result))
}
