use actix_web::{get, web};

use crate::audit::{self, Checkpoint, GENESIS};
use crate::auth::AuthUser;
use crate::db::{self, PgPool};
use crate::error::ApiError;

/// 审计日志的签名检查点 (A signed checkpoint of the audit trail)
///
/// 所有角色。最新一条记录的 id 和哈希，用服务的审计密钥签名（见 `GET /api/v1/audit/keys`）。
/// 把它保存在服务写不到的地方（OA 门户、打印的报告）：日后
/// `lianzheng audit verify --since <checkpoint.json>` 可证明此前的记录没有被修改、删除或重排。
/// (Every role. The newest record's id and hash, signed with the service's audit key. Keep it
/// where the service cannot write: `lianzheng audit verify --since <checkpoint.json>` later
/// proves that no record up to it was changed, removed or reordered.)
#[utoipa::path(
    tag = "audit",
    responses((
        status = 200,
        description = "签名的日志头 (the signed head of the trail)",
        body = Checkpoint,
    )),
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
