use actix_web::{get, web};

use super::json::AuditKeys;
use crate::audit::keys::PublishedKeys;
use crate::auth::AuthUser;
use crate::error::{ApiError, Problem};

/// The audit trail's public keys
///
/// Every role. The current signing key and the retired ones, by id, as PEM: with them alone an
/// auditor verifies every record and checkpoint (`lianzheng audit verify --public-key`), and
/// cannot sign.
#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The public keys", body = PublishedKeys),
        (status = 401, description = "No valid token", body = Problem,
            content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit/keys")]
pub async fn list_audit_keys(
    _user: AuthUser,
    keys: web::Data<AuditKeys>,
) -> Result<web::Json<PublishedKeys>, ApiError> {
    Ok(web::Json(keys.0.published()))
}
