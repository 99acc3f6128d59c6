use actix_web::{HttpResponse, post, web};

use super::json::{RecordResponse, Reopen};
use crate::auth::AuthUser;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::http::json::clean;
use crate::models::scoring::ScoringRecord;
use crate::models::{CycleId, UnitId};
use crate::ops::sheets;
use crate::ops::signed::{self, Signed};

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
        (
            status = 403,
            description = "The caller is not the office",
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
            description = "The sheet is not final",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 422,
            description = "No reason given",
            body = Problem,
            content_type = "application/problem+json",
        ),
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
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Office)?;
        user.require_office()?;
        let record = ScoringRecord::find(conn, cycle_id, unit_id, true)?;
        let content = |conn: &mut _| sheets::content_of(conn, &ctx, unit_id);
        let before = signed::reopen(
            conn,
            record.as_ref().map(Signed::from),
            &reason,
            &user.sub,
            content,
        )?;
        let view = sheets::view(conn, &ctx, unit_id)?;
        let id = format!("{cycle_id}/{unit_id}");
        Ok((
            view.clone(),
            signed::reopen_change(before, id, view.round, &reason),
        ))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
