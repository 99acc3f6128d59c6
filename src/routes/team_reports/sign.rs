use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{Empty, SignatureRecord, TeamReportResponse};
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::domain::scoring::content_hash;
use crate::error::{ApiError, Problem};
use crate::http::{ETag, ValidJson};
use crate::models::team_report::TeamReport;
use crate::models::{CycleId, UnitId};
use crate::ops::signed::{self, Signed};
use crate::ops::team_reports;

/// Sign the team report
///
/// Each member and the leader once per round, with the SHA-256 of the report's canonical
/// content; final when all have signed. The answer is the report as it now stands; `Location`
/// names the new signature and `ETag` is the tag its GET sends.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Empty,
    responses(
        (status = 201, description = "Signed: the report now", body = TeamReportResponse,
            headers(("Location" = String, description = "URL of the new signature"),
                ("ETag" = String, description = "The signature's tag, as its GET sends"))),
        (status = 403, description = "The caller is the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope, or not started",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting signatures, or already signed",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/signatures")]
pub async fn sign_team_report(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let actor = user.actor();
    let (view, signature) = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let report = TeamReport::find(conn, cycle_id, unit_id, true)?.ok_or_else(|| {
            ApiError::not_found(format!(
                "the team has not written its report on unit {unit_id}"
            ))
        })?;
        let hash = content_hash(&team_reports::content(cycle_id, unit_id, Some(&report)));
        let report = Signed::from(&report);
        let signing = signed::sign(conn, report, &ctx, &user, &hash)?;
        let id = format!("{cycle_id}/{unit_id}");
        let signature = SignatureRecord::from(signing.signature.clone());
        let change = signed::sign_change(report, id, &user, &signing, &hash);
        Ok((
            (team_reports::view(conn, cycle_id, unit_id)?, signature),
            change,
        ))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/team-report/signatures/{}",
                signature.id
            ),
        ))
        .insert_header((header::ETAG, ETag::of_body(&signature).0))
        .json(view))
}
