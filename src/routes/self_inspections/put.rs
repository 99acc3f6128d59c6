use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, put, web};

use super::json::{PutSelfInspection, SelfInspectionResponse};
use crate::auth::UnitUser;
use crate::db::{self, PgPool};
use crate::domain::points::Points;
use crate::error::{ApiError, FieldError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::attachment::OwnerKind;
use crate::models::self_inspection::{SelfInspection, SelfInspectionDraft, SelfScore};
use crate::models::{CycleId, UnitId};
use crate::ops::attachments::attach;
use crate::ops::submitted::{self, SubmittedDocument};

/// Save the unit's self-inspection draft
///
/// Unit role only, for its own unit (403 for other roles; another unit's is 404), while the
/// cycle is in `self_inspection` or `special_inspection`. Sends the whole draft: the report,
/// the self-scores (each 0 to the item's maximum, two decimals, for an item of the unit's
/// form), the problems found with their fixes, and attachments. Creates it (201) or replaces it
/// (200, needs `If-Match`). A submitted one cannot change until the office returns it (409).
#[utoipa::path(
    tag = "self-inspections",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        (
            "If-Match" = Option<String>,
            Header,
            description = "The current ETag; required once it exists",
        ),
    ),
    request_body = PutSelfInspection,
    responses(
        (
            status = 200,
            description = "Saved",
            body = SelfInspectionResponse,
            headers(("ETag" = String)),
        ),
        (status = 201, description = "Started", body = SelfInspectionResponse,
            headers(("Location" = String), ("ETag" = String))),
        (
            status = 403,
            description = "The caller is not a unit",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope, or not assessed in the cycle",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "Submitted already, or the cycle is not open to units",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 412,
            description = "Stale If-Match",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "Scores out of range, over-precise, or for items not on the form",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 428,
            description = "If-Match missing",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection")]
pub async fn put_self_inspection(
    req: HttpRequest,
    UnitUser(user): UnitUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<PutSelfInspection>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let body = body.0;
    let if_match = IfMatch::optional(&req);
    let actor = user.actor();
    let (view, created) = db::write(&pool, actor, move |conn| {
        let context = submitted::context(conn, &user, cycle_id, unit_id)?;
        submitted::ensure_open_for_units(&context.cycle)?;
        let mut errors = Vec::new();
        for (i, score) in body.scores.iter().enumerate() {
            match context
                .items
                .iter()
                .find(|item| item.code == score.item_code.trim())
            {
                None => errors.push(FieldError::new(
                    format!("scores[{i}].item_code"),
                    "unknown_item",
                    format!("item {} is not on the unit's form", score.item_code),
                )),
                Some(item) if score.points > Points(item.max_points.clone()) => {
                    errors.push(FieldError::new(
                        format!("scores[{i}].points"),
                        "over_max",
                        format!(
                            "item {} is worth at most {}",
                            item.code,
                            Points(item.max_points.clone())
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let existing = SelfInspection::find(conn, cycle_id, unit_id, true)?;
        let draft = SelfInspectionDraft {
            report: body.report.as_deref().map(clean).filter(|r| !r.is_empty()),
            problems: serde_json::to_value(&body.problems).unwrap_or_default(),
        };
        let (doc, before) = match existing {
            Some(doc) => {
                submitted::check_replace(&doc, if_match)?;
                let before = doc.clone().view(conn, &context)?;
                (
                    SelfInspection::update_draft(conn, doc.id, &draft)?,
                    Some(before),
                )
            }
            None => (
                SelfInspection::insert_draft(conn, cycle_id, unit_id, &draft)?,
                None,
            ),
        };
        let scores: Vec<SelfScore> = body
            .scores
            .iter()
            .map(|s| SelfScore {
                self_inspection_id: doc.id,
                item_code: s.item_code.trim().to_owned(),
                points: s.points.0.clone(),
                note: s.note.as_deref().map(clean).filter(|n| !n.is_empty()),
            })
            .collect();
        SelfInspection::replace_scores(conn, doc.id, &scores)?;
        let kind = OwnerKind::SelfInspection;
        attach(conn, &user, &body.attachment_ids, kind, doc.id)?;
        let view = doc.view(conn, &context)?;
        let change = submitted::draft_change::<SelfInspection>(view.id, before.as_ref(), &view);
        Ok(((view, before.is_none()), change))
    })
    .await?;
    let etag = ETag::from_version(view.version).0;
    Ok(if created {
        HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/self-inspection"),
            ))
            .insert_header((header::ETAG, etag))
            .json(view)
    } else {
        HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .json(view)
    })
}
