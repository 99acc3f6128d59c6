use actix_web::http::header;
use actix_web::{HttpResponse, put, web};
use serde_json::json;

use super::json::{ItemView, PutItem};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::domain::points::Points;
use crate::domain::scoring::{check_deductions, item_points};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::scoring::{NewRecordItem, RecordItem, ScoringRecord};
use crate::models::{CycleId, UnitId};
use crate::ops::sheets;
use crate::ops::signed::{self, Signed};

/// Score one item
///
/// Members and the leader of the assigned team only (403 for the office, 404 for anyone
/// else), during the special inspection or the review. Needs `If-Match` with the item's ETag
/// (`"0"` for an item not yet written): a stale one is 412 and changes nothing, so two members
/// can work on different items at once and no change is silently lost. Deductions cite the
/// form's rule (points within its range, at most its cap) or stand free with their grounds;
/// the item's points are computed, never below zero. A change after the first signature voids
/// the signatures; a final sheet is 409.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("item_code" = String, Path, description = "Item code", example = "1.3"),
        ("If-Match" = String, Header, description = "The item's ETag", example = "\"0\""),
    ),
    request_body = PutItem,
    responses(
        (status = 200, description = "Scored", body = ItemView, headers(("ETag" = String))),
        (
            status = 403,
            description = "The caller is the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope, or no such item",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The sheet is final, or the cycle is not in the special inspection",
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
            description = "Deductions outside their rule's range or over its cap",
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
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/items/{item_code}")]
pub async fn put_record_item(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, String)>,
    if_match: IfMatch,
    body: ValidJson<PutItem>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, code) = path.into_inner();
    let body = body.0;
    let actor = user.actor();
    let item = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let form_item =
            ctx.items.iter().find(|i| i.code == code).ok_or_else(|| {
                ApiError::not_found(format!("item {code} is not on the unit's form"))
            })?;
        let record = ScoringRecord::open_locked(conn, cycle_id, unit_id)?;
        signed::ensure_changeable(Signed::from(&record))?;
        let current = RecordItem::find(conn, record.id, &code)?;
        let version = current.as_ref().map_or(0, |c| c.version);
        if_match.check(&ETag::from_version(version))?;
        let errors = check_deductions(&form_item.to_item(), &body.deductions);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
        let points = item_points(&Points(form_item.max_points.clone()), &body.deductions);
        let row = NewRecordItem {
            record_id: record.id,
            item_code: code.clone(),
            deductions: serde_json::to_value(&body.deductions).unwrap_or_default(),
            evidence_notes: body
                .evidence_notes
                .as_deref()
                .map(clean)
                .filter(|n| !n.is_empty()),
            points: points.0,
            updated_by: user.sub.clone(),
        }
        .upsert(conn)?;
        signed::changed(conn, Signed::from(&record))?;
        // The item alone, from the row just written: the rest of the sheet is not read again.
        let own = sheets::self_score(conn, cycle_id, unit_id, &code)?;
        let margin = Points(ctx.cycle.flag_margin.clone());
        let item = sheets::item_view(form_item, Some(&row), own, &margin);
        let before = json!({
            "deductions": current.as_ref().map(|c| c.deductions.clone()),
            "evidence_notes": current.as_ref().and_then(|c| c.evidence_notes.clone()),
        });
        let after = json!({
            "deductions": item.deductions,
            "evidence_notes": item.evidence_notes,
            "points": item.points,
        });
        let id = format!("{cycle_id}/{unit_id}/{code}");
        Ok((
            item,
            Change::updated("scoring_record_item", id, &before, &after),
        ))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, item.etag.clone()))
        .json(item))
}
