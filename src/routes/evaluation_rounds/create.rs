use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{OpenRound, RoundView};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, ValidJson};
use crate::models::{CycleId, UnitId};
use crate::ops::evaluation;

/// 发起民主测评 (Open an evaluation round)
///
/// The office or the unit's inspection team in this cycle, during the self-inspection or the
/// special inspection (409 `cycle_not_inspecting`). The unit's leaders are frozen on the
/// ballot; at most one round per unit is open at a time (409 `evaluation_round_open`). The
/// first round of a cycle freezes its evaluation settings.
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = OpenRound,
    responses(
        (status = 201, description = "Opened", body = RoundView,
            headers(("Location" = String, description = "URL of the round"), ("ETag" = String))),
        (status = 403, description = "The caller does not run this unit's evaluation",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle, or the unit is outside the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409,
            description = "Wrong phase, a round is open, the unit is not assessed or has no \
                leaders",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/evaluation-rounds")]
pub async fn create_evaluation_round(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<OpenRound>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let body = body.0;
    let view = db::write(&pool, user.actor(), move |conn| {
        let (_, access) = super::context(conn, &user, cycle_id, unit_id)?;
        super::require_runner(access)?;
        let cycle = crate::ops::cycles::lock_cycle(conn, cycle_id)?;
        crate::ops::cycles::refuse_published(&cycle)?;
        evaluation::open_round(conn, &cycle, unit_id, body)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            super::location(cycle_id, unit_id, view.id),
        ))
        .insert_header((header::ETAG, ETag::from_version(view.version).0))
        .json(view))
}
