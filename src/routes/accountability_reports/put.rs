use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};

use super::json::{PutReport, ReportResponse};
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::AccountabilityReport;
use crate::models::{CycleId, LeaderId, UnitId};
use crate::ops::attachments::attach;
use crate::ops::submitted::{self, SubmittedDocument};

/// Save an accountability report draft
///
/// Unit role only, for its own unit's first responsible persons, while the cycle is open to
/// units. Creates the draft (201) or replaces it (200, needs `If-Match`); a submitted report
/// cannot change until the office returns it (409).
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("leader_id" = i64, Path, description = "The first responsible person", example = 1),
        ("If-Match" = Option<String>, Header,
            description = "The current ETag; required once it exists"),
    ),
    request_body = PutReport,
    responses(
        (status = 200, description = "Saved", body = ReportResponse, headers(("ETag" = String))),
        (status = 201, description = "Started", body = ReportResponse,
            headers(("Location" = String, description = "URL of the report"), ("ETag" = String))),
        (status = 403, description = "The caller is not a unit",
            body = Problem, content_type = "application/problem+json"),
        (status = 404,
            description = "Outside the caller's scope, or not a first responsible person",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already, or the cycle is not open to units",
            body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale If-Match",
            body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "If-Match missing",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/accountability-reports/{leader_id}")]
pub async fn put_accountability_report(
    req: HttpRequest,
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, LeaderId)>,
    body: ValidJson<PutReport>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, leader_id) = path.into_inner();
    let body = body.0;
    let if_match = IfMatch::optional(&req);
    let actor = user.actor();
    let (view, created) = db::write(&pool, actor, move |conn| {
        let ctx = submitted::context(conn, &user, cycle_id, unit_id)?;
        submitted::ensure_open_for_units(&ctx.cycle)?;
        super::first_responsible(conn, unit_id, leader_id)?;
        let text = body.body.as_deref().map(clean).filter(|b| !b.is_empty());
        let text = text.as_deref();
        let (report, before) = match AccountabilityReport::find(conn, cycle_id, leader_id, true)? {
            Some(report) => {
                submitted::check_replace(&report, if_match)?;
                let before = report.clone().view(conn, &ctx)?;
                (
                    AccountabilityReport::update_draft(conn, report.id, text)?,
                    Some(before),
                )
            }
            None => {
                let new =
                    AccountabilityReport::insert_draft(conn, cycle_id, unit_id, leader_id, text)?;
                (new, None)
            }
        };
        let kind = OwnerKind::AccountabilityReport;
        attach(conn, &user, &body.attachment_ids, kind, report.id)?;
        let view = report.view(conn, &ctx)?;
        let change =
            submitted::draft_change::<AccountabilityReport>(view.id, before.as_ref(), &view);
        Ok(((view, before.is_none()), change))
    })
    .await?;
    let etag = ETag::from_version(view.version).0;
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!(
                    "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}\
                     /accountability-reports/{leader_id}"
                ),
            ))
            .insert_header((header::ETAG, etag))
            .json(view)
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .json(view)
    })
}
