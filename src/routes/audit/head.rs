use actix_web::{get, web};

use super::json::AuditHead;
use crate::audit::{self, GENESIS};
use crate::auth::Office;
use crate::db::{self, PgPool};
use crate::error::{ApiError, Problem};

/// The newest audit hash
///
/// Office only. Record the hash somewhere the service cannot write (the OA portal, a printed
/// report): deleting the newest records is detectable only against such a published head.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The newest record's id and hash", body = AuditHead),
        (status = 403, description = "The caller is not the office", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit/head")]
pub async fn get_audit_head(
    _office: Office,
    pool: web::Data<PgPool>,
) -> Result<web::Json<AuditHead>, ApiError> {
    let head = db::run(&pool, |conn| Ok(audit::head(conn)?)).await?;
    Ok(web::Json(match head {
        Some((id, hash)) => AuditHead { id: Some(id), hash },
        None => AuditHead {
            id: None,
            hash: GENESIS.to_owned(),
        },
    }))
}
