use actix_web::http::header;
use actix_web::{HttpResponse, post, web};

use super::Access;
use super::json::{Empty, RecordResponse};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::domain::scoring::content_hash;
use crate::error::{ApiError, Problem};
use crate::http::ValidJson;
use crate::models::scoring::{ScoringRecord, SheetStatus, SignedKind, sign_document};
use crate::models::{CycleId, UnitId};

/// Sign the sheet
///
/// Each member and the leader of the assigned team signs once per round; the signature records
/// who, when, the version signed and the SHA-256 of the sheet's canonical content (RFC 8785,
/// see README) at that moment. When all have signed the sheet is final.
#[utoipa::path(
    tag = "scoring",
    params(
        ("cycle_id" = i64, Path, description = "Cycle id", example = 1),
        ("unit_id" = i64, Path, description = "Unit id", example = 1),
    ),
    request_body = Empty,
    responses(
        (status = 201, description = "Signed", body = RecordResponse, headers(("Location" = String))),
        (status = 403, description = "The caller is the office", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Outside the caller's scope", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not awaiting signatures, or already signed", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record/signatures")]
pub async fn sign_scoring_record(
    user: AuthUser,
    pool: web::Data<PgPool>,
    path: web::Path<(CycleId, UnitId)>,
    _body: ValidJson<Empty>,
) -> Result<HttpResponse, ApiError> {
    let (cycle_id, unit_id) = path.into_inner();
    let actor = user.actor();
    let view = db::write(&pool, actor, move |conn| {
        let ctx = super::context(conn, &user, cycle_id, unit_id, Access::Team)?;
        super::ensure_team_phase(&ctx.cycle)?;
        let record = ScoringRecord::open_locked(conn, cycle_id, unit_id)?;
        if record.status != SheetStatus::AwaitingSignatures {
            return Err(ApiError::Conflict {
                code: "not_awaiting_signatures",
                detail: format!("the sheet is {}; it is signed after it is submitted for signature", record.status),
            });
        }
        let team = ctx.team.as_ref().ok_or_else(|| ApiError::internal("a signer without a team"))?;
        let role = if team.team.leader_sub == user.sub { "leader" } else { "member" };
        let hash = content_hash(&super::content_of(conn, &ctx, unit_id)?);
        let required: Vec<&str> =
            std::iter::once(team.team.leader_sub.as_str()).chain(team.members.iter().map(|m| m.sub.as_str())).collect();
        let signer = (user.sub.as_str(), user.name.as_str(), role);
        let everyone =
            sign_document(conn, SignedKind::ScoringRecord, record.id, record.round, record.version, signer, &hash, &required)?
                .map_err(|_| ApiError::Conflict { code: "already_signed", detail: "you have signed this version already".to_owned() })?;
        if everyone {
            ScoringRecord::touch(conn, record.id, SheetStatus::Final)?;
        }
        let view = super::view(conn, &ctx, unit_id)?;
        let change = Change::new(
            "sign",
            "scoring_record",
            format!("{cycle_id}/{unit_id}"),
            serde_json::Value::Null,
            serde_json::json!({"signer": user.sub, "role": role, "content_sha256": hash, "status": view.status}),
        );
        Ok((view, change))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/assessment-cycles/{cycle_id}/units/{unit_id}/scoring-record"),
        ))
        .json(view))
}
