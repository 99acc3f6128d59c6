use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;

use super::Access;
use super::json::{RecordResponse, Reopen};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::models::scoring::{ScoringRecord, SheetStatus, Signature, SignedKind, reopen_document};
use crate::models::{CycleId, UnitId};
use crate::schema::scoring_records;

/// Reopen a final sheet
///
/// Office only, with a reason (422 without). The signed content and its signatures stay on
/// record; the signatures are voided and a new round of signing begins once the team has
/// revised and resubmitted the sheet.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Reopen,
    responses(
        (status = 200, description = "Reopened", body = RecordResponse),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The sheet is not final", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/reopen")]
pub async fn reopen_scoring_record(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<Reopen>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let reason = body.0.reason.as_deref().map(clean).unwrap_or_default();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = super::context(conn, &user, cycle_id, unit_id, Access::Office)?;
        user.require_office()?;
        let record = ScoringRecord::find(conn, cycle_id, unit_id, true)?
            .filter(|r| r.status == SheetStatus::Final)
            .ok_or_else(|| ApiError::Conflict { code: "not_final", detail: "only a final sheet is reopened".to_owned() })?;
        let content = super::content_of(conn, &ctx, unit_id)?;
        let signatures = Signature::standing(conn, SignedKind::ScoringRecord, record.id, record.round)?;
        let snapshot = serde_json::json!({"content": content, "signatures": signatures, "version": record.version});
        reopen_document(conn, SignedKind::ScoringRecord, record.id, record.round, &reason, &user.sub, &snapshot)?;
        diesel::update(scoring_records::table.find(record.id))
            .set(scoring_records::round.eq(scoring_records::round + 1))
            .execute(conn)?;
        ScoringRecord::touch(conn, record.id, SheetStatus::Open)?;
        let view = super::view(conn, &ctx, unit_id)?;
        let change = Change::new(
            "reopen",
            "scoring_record",
            format!("{cycle_id}/{unit_id}"),
            serde_json::json!({"status": "final", "round": record.round}),
            serde_json::json!({"status": "open", "round": view.round, "reason": reason}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
