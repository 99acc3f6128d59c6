use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};

use super::json::{LeaderGradeView, SetGrade};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::evaluation;

/// 评定班子成员等次 (Set a leader's grade)
///
/// Office only, between the self-inspection and the review (409 `grades_closed` otherwise).
/// Sets the grade (201) or replaces it (200, needs `If-Match`). The service proposes a grade
/// from the latest closed round by the cycle's rule; a grade that differs from the proposal,
/// or is set where there is none, needs a written `reason` (422 `reason_required`).
#[utoipa::path(
    tag = "evaluation",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "Leader id", example = 1),
        ("If-Match" = Option<String>, Header,
            description = "The grade's current ETag; required once it exists"),
    ),
    request_body = SetGrade,
    responses(
        (status = 200, description = "Replaced", body = LeaderGradeView,
            headers(("ETag" = String))),
        (status = 201, description = "Set", body = LeaderGradeView,
            headers(("Location" = String, description = "URL of the grade"), ("ETag" = String))),
        (status = 403, description = "The caller is not the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such cycle or leader of the unit",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not the phase for grades",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or a reason is required",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/leader-grades/{leader_id}")]
pub async fn put_leader_grade(
    req: HttpRequest,
    Office(user): Office,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
    body: ValidJson<SetGrade>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let body = body.0;
    let if_match = IfMatch::optional(&req);
    let actor = user.actor();
    let (view, created) = db::write(&pool, actor, move |conn| {
        crate::ops::cycles::ensure_not_published(conn, cycle_id)?;
        let cycle = crate::ops::cycles::find_cycle(conn, cycle_id)?;
        let setter = (user.sub.as_str(), user.name.as_str());
        let (view, created, change) =
            evaluation::set_grade(conn, setter, &cycle, unit_id, leader_id, body, if_match)?;
        Ok(((view, created), change))
    })
    .await?;
    let etag = ETag::from_version(view.version).0;
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                super::location(cycle_id, unit_id, leader_id),
            ))
            .insert_header((header::ETAG, etag))
            .json(view)
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .json(view)
    })
}
