//! Response bodies and filters of the audit trail.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::audit::AuditRecord;
use crate::models::AuditRecordId;

/// Who made a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActor {
    /// Token subject, or `system` for CLI commands.
    #[schema(example = "admin")]
    pub sub: String,
    /// Display name.
    #[schema(example = "管理员")]
    pub name: String,
    /// `office`, `inspector`, `unit` or `system`.
    #[schema(example = "office")]
    pub role: String,
}

/// One record of the audit trail.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 12, "occurred_at": "2014-09-20T08:30:00.123456Z",
    "actor": {"sub": "admin", "name": "管理员", "role": "office"},
    "action": "update", "resource": "unit", "resource_id": "3",
    "changes": {"before": {"contact_person": "黄志明"}, "after": {"contact_person": "欧阳明"}},
    "request_id": "0b6f3c1e-6a0e-4d2b-9a57-2f1f3c7d9e10",
    "prev_hash": "9f2c…", "hash": "41ab…", "canonical": "{\"action\":\"update\",…}",
    "key_id": "ed25519-3f9a0c5e7b1d2468", "signature": "q3J0c2lnbmF0dXJl…"
}))]
pub struct AuditEntry {
    /// Position in the chain.
    pub id: AuditRecordId,
    /// When the change was committed.
    pub occurred_at: DateTime<Utc>,
    /// Who made it.
    pub actor: AuditActor,
    /// `create`, `update`, `delete`, `archive`, `restore`, ...
    pub action: String,
    /// `unit`, `leader`, ...
    pub resource: String,
    /// Id of the resource.
    pub resource_id: Option<String>,
    /// The changed fields, before and after.
    pub changes: AuditChanges,
    /// The request that made the change (`X-Request-Id`).
    pub request_id: Option<String>,
    /// Hash of the record before this one.
    pub prev_hash: String,
    /// SHA-256 of `canonical`, in hex.
    pub hash: String,
    /// The exact bytes that were hashed (JSON with sorted keys).
    pub canonical: String,
    /// The key that signed it (`GET /api/v1/audit/keys`).
    pub key_id: Option<String>,
    /// Base64 signature of `"lianzheng-audit-record-v1\n"` followed by `hash`.
    pub signature: Option<String>,
}

/// What a change changed: the fields that differ, as they were and as they became. A creation
/// records all of the new resource in `after`, a deletion all of the old one in `before`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditChanges {
    /// 变更前 (the changed fields before; `null` for a creation).
    #[schema(value_type = Option<Object>)]
    pub before: Value,
    /// 变更后 (the changed fields after; `null` for a deletion).
    #[schema(value_type = Option<Object>)]
    pub after: Value,
}

impl From<Value> for AuditChanges {
    /// The `changes` column: `{"before": ..., "after": ...}`.
    fn from(mut changes: Value) -> Self {
        Self {
            before: changes
                .get_mut("before")
                .map(Value::take)
                .unwrap_or_default(),
            after: changes
                .get_mut("after")
                .map(Value::take)
                .unwrap_or_default(),
        }
    }
}

impl From<AuditRecord> for AuditEntry {
    fn from(r: AuditRecord) -> Self {
        Self {
            id: r.id,
            occurred_at: r.occurred_at,
            actor: AuditActor {
                sub: r.actor_sub,
                name: r.actor_name,
                role: r.actor_role,
            },
            action: r.action,
            resource: r.resource,
            resource_id: r.resource_id,
            changes: AuditChanges::from(r.changes),
            request_id: r.request_id,
            prev_hash: r.prev_hash,
            hash: r.hash,
            canonical: r.canonical,
            key_id: r.key_id,
            signature: r.signature,
        }
    }
}

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// 只看此类资源 (only records of this resource kind, for example `unit`; an empty value
    /// matches nothing).
    pub resource: Option<String>,
    /// 只看此资源 id (only records of this resource id, with `resource`).
    pub resource_id: Option<String>,
    /// 只看此操作人 (only records by this actor's `sub`).
    pub actor: Option<String>,
    /// 起始时间 (only records at or after this time, RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// 截止时间 (only records before this time, RFC 3339).
    pub to: Option<DateTime<Utc>>,
}

/// The public keys that verify the trail, registered as app data.
#[derive(Debug, Clone)]
pub struct AuditKeys(pub crate::audit::KeySet);
