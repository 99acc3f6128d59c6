use actix_web::{get, web};

use super::json::AuditKeys;
use crate::audit::keys::PublishedKeys;
use crate::auth::AuthUser;
use crate::error::ApiError;

/// 审计日志的公钥 (The audit trail's public keys)
///
/// 所有角色。当前签名密钥和已停用的密钥，按 id 列出，PEM 格式：审计人员仅凭这些公钥即可验证每条
/// 记录和检查点（`lianzheng audit verify --public-key`），但无法签名。 (Every role. The current
/// signing key and the retired ones, by id, as PEM: with them alone an auditor verifies every
/// record and checkpoint, and cannot sign.)
#[utoipa::path(
    tag = "audit",
    responses((status = 200, description = "公钥 (the public keys)", body = PublishedKeys)),
    security(("bearer" = []))
)]
#[get("/audit/keys")]
pub async fn list_audit_keys(
    _user: AuthUser,
    keys: web::Data<AuditKeys>,
) -> Result<web::Json<PublishedKeys>, ApiError> {
    Ok(web::Json(keys.0.published()))
}
