//! Liveness and readiness probes; open, no token needed.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, PgPool};
use crate::error::ApiError;

/// A probe's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`（存活）或 `ready`（就绪） (`ok` or `ready`).
    #[schema(example = "ok")]
    pub status: &'static str,
}

/// 存活探针 (Liveness: the process is up)
///
/// 无需令牌，不访问数据库。
///
/// Open, no token needed; it does not touch the database.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "进程在运行 (the process is up)", body = HealthStatus))
)]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok" })
}

/// How long readiness waits for the database before answering 503: a probe must not hang.
const READY_WITHIN: Duration = Duration::from_millis(1500);

/// 就绪探针 (Readiness: the database answers)
///
/// 无需令牌。数据库须在 1.5 秒内应答，否则答 503。
///
/// Open, no token needed. The database must answer within 1.5 s, else 503.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "数据库应答 (the database answers)", body = HealthStatus))
)]
#[get("/readyz")]
pub async fn readyz(pool: web::Data<PgPool>) -> Result<HttpResponse, ApiError> {
    db::run(&pool.within(READY_WITHIN), |conn| {
        db::ping(conn).map_err(|e| {
            tracing::warn!(error = %e, "readiness check failed");
            ApiError::Unavailable("the database does not answer".to_owned())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(HealthStatus { status: "ready" }))
}
