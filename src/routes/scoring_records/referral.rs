use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::json::{CreateReferral, RecordResponse, ReferralView};
use crate::audit::Change;
use crate::auth::Inspector;
use crate::auth::scope::TeamDocumentAccess;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};
use crate::http::json::clean;
use crate::http::{ETag, ValidJson};
use crate::models::scoring::{NewReferral, ScoringRecord};
use crate::models::{CycleId, Leader, UnitId};
use crate::ops::{sheets, signed, signed::Signed};

/// Refer a dereliction-of-duty case to the 公述民评 group
///
/// Where someone in the unit has been held to disciplinary account for dereliction of duty
/// (因工作失职被追究纪律责任), the team records a referral instead of a deduction (plan §4):
/// the leader where known, the facts, and the decision it rests on. The answer is the sheet
/// as it now stands; `Location` names the new referral and `ETag` is the tag its GET sends.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = CreateReferral,
    responses(
        (status = 201, description = "Referred: the sheet now", body = RecordResponse,
            headers(("Location" = String, description = "URL of the new referral"),
                ("ETag" = String, description = "The referral's tag, as its GET sends"))),
        (status = 403, description = "The caller is the office",
            body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The sheet is final",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Facts or decision missing, or a leader of another unit",
            body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals")]
pub async fn create_referral(
    Inspector(user): Inspector,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    body: ValidJson<CreateReferral>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let body = body.0;
    let actor = user.actor();
    let (view, referral) = db::write(&pool, actor, move |conn| {
        let ctx = signed::context(conn, &user, cycle_id, unit_id, TeamDocumentAccess::Team)?;
        signed::ensure_team_phase(&ctx.cycle)?;
        let record = ScoringRecord::open_locked(conn, cycle_id, unit_id)?;
        signed::ensure_changeable(Signed::from(&record))?;
        let leader_name = match body.leader_id {
            None => None,
            Some(id) => Some(
                Leader::find(conn, unit_id, id)
                    .map_err(|_| {
                        ApiError::field(
                            "leader_id",
                            "not_in_unit",
                            format!("leader {id} is not a leader of unit {unit_id}"),
                        )
                    })?
                    .name,
            ),
        };
        let facts = body.facts.as_deref().map(clean).unwrap_or_default();
        let decision = body.decision.as_deref().map(clean).unwrap_or_default();
        let referral = NewReferral {
            record_id: record.id,
            leader_id: body.leader_id,
            leader_name: leader_name.clone(),
            facts: facts.clone(),
            decision: decision.clone(),
            created_by: user.sub.clone(),
        }
        .insert(conn)?;
        let referral = ReferralView::from(referral);
        signed::changed(conn, Signed::from(&record))?;
        let view = sheets::view(conn, &ctx, unit_id)?;
        let change = Change::created(
            "referral",
            format!("{cycle_id}/{unit_id}"),
            &serde_json::json!({"leader_name": leader_name, "facts": facts, "decision": decision}),
        );
        Ok(((view, referral), change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/referrals/{}",
                referral.id
            ),
        ))
        .insert_header((header::ETAG, ETag::of_body(&referral).0))
        .json(view))
}
