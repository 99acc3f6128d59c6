use actix_web::{get, web};

use crate::audit::{self, Checkpoint, GENESIS};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};

/// A signed checkpoint of the audit trail
///
/// Every role. The newest record's id and hash, signed with the service's audit key (see
/// `GET /api/v1/audit/keys`). Keep it where the service cannot write (the OA portal, a printed
/// report): `lianzheng audit verify --since <checkpoint.json>` later proves that no record up
/// to it was changed, removed or reordered.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The signed head of the trail", body = Checkpoint),
        (status = 401, description = "No valid token", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit/head")]
pub async fn get_audit_head(
    _user: AuthUser,
    pool: web::Data<PgPool>,
) -> Result<web::Json<Checkpoint>, ApiError> {
    let head = db::run(&pool, |conn| Ok(audit::head(conn)?)).await?;
    let (id, hash) = match head {
        Some((id, hash)) => (Some(id), hash),
        None => (None, GENESIS.to_owned()),
    };
    Ok(web::Json(Checkpoint::sign(id, hash, pool.signer())))
}
