use actix_web::{HttpResponse, delete, web};

use crate::audit::Change;
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::models::scoring::{Referral, ScoringRecord};
use crate::models::{CycleId, ReferralId, UnitId};
use crate::ops::{signed, signed::Signed};

/// Withdraw a referral
///
/// Members and the leader of the assigned team, while the sheet is not final; like any change,
/// it voids the signatures collected so far.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
        ("referral_id" = i64, Path, description = "Referral id", example = 1),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (
            status = 403,
            description = "The caller is the office",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 404,
            description = "Outside the caller's scope, or no such referral",
            body = Problem,
            content_type = "application/problem+json",
        ),
        (
            status = 409,
            description = "The sheet is final",
            body = Problem,
            content_type = "application/problem+json",
        ),
    ),
    security(("bearer" = []))
)]
#[delete("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals/{referral_id}")]
pub async fn delete_referral(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId, ReferralId)>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id, referral_id) = path.into_inner();
    let actor = user.actor();
    db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let record = ScoringRecord::find(conn, cycle_id, unit_id, true)?
            .ok_or_else(|| ApiError::not_found(format!("no referral {referral_id}")))?;
        signed::ensure_changeable(Signed::from(&record))?;
        let Some(removed) = Referral::delete(conn, record.id, referral_id)? else {
            return Err(ApiError::not_found(format!("no referral {referral_id}")));
        };
        let (facts, decision) = (removed.facts, removed.decision);
        signed::changed(conn, Signed::from(&record))?;
        let change = Change::deleted(
            "referral",
            referral_id,
            &serde_json::json!({"facts": facts, "decision": decision}),
        );
        Ok(((), change))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
