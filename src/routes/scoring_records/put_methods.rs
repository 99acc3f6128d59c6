use actix_web::http::header;
use actix_web::{HttpResponse, put, web};

use super::json::{PutMethods, RecordResponse};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::{ETag, IfMatch, ValidJson};
use crate::models::scoring::ScoringRecord;
use crate::models::{CycleId, UnitId};
use crate::ops::{sheets, signed, signed::Signed};

/// Record the methods the team used
///
/// Hearing the unit's report, democratic evaluation, individual talks, group discussion,
/// reviewing records (plan §4). Team members and leader only; needs `If-Match` with the
/// sheet's `methods_etag`.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("If-Match" = String, Header, description = "The sheet's methods_etag", example = "\"0\""),
    ),
    request_body = PutMethods,
    responses(
        (status = 200, description = "Recorded", body = RecordResponse),
        (
            status = 403,
            description = "The caller is the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The sheet is final",
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
            status = 428,
            description = "If-Match missing",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[put("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/methods")]
pub async fn put_record_methods(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    if_match: IfMatch,
    body: ValidJson<PutMethods>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let mut methods = body.0.methods;
    methods.sort_by_key(|m| m.as_str());
    methods.dedup();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let record = ScoringRecord::open_locked(conn, cycle_id, unit_id)?;
        signed::ensure_changeable(Signed::from(&record))?;
        if_match.check(&ETag::from_version(record.methods_version))?;
        let value = ScoringRecord::set_methods(conn, record.id, &methods)?;
        signed::changed(conn, Signed::from(&record))?;
        let view = sheets::view(conn, &ctx, unit_id)?;
        let change = Change::updated(
            "scoring_record",
            format!("{cycle_id}/{unit_id}"),
            &serde_json::json!({"methods": record.methods}),
            &serde_json::json!({"methods": value}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, view.methods_etag.clone()))
        .json(view))
}
