//! The tamper-evident audit trail: one hash-chained record for every write, appended in the
//! same transaction as the change (DOMAIN.md, "Signatures and discipline").
//!
//! Each record stores the exact canonical bytes it hashed (JSON with sorted keys and no
//! insignificant whitespace), their SHA-256, and the previous record's hash. Appends take a
//! transaction-scoped advisory lock as the last step of the transaction, so concurrent writers
//! queue for the few milliseconds of the append and the chain never forks (the unique
//! `prev_hash` makes a fork impossible even if the lock were bypassed).

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::connection::SimpleConnection;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::schema::audit_log;

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Key of the advisory lock that serialises appends.
const APPEND_LOCK: i64 = 0x6c69_616e_7a68;

/// Who made a change, and in which request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// Subject of the caller's token, or `system` for CLI commands.
    pub sub: String,
    /// Display name.
    pub name: String,
    /// Role scope, or `system`.
    pub role: String,
    /// Request id, for changes made through the API.
    pub request_id: Option<String>,
}

impl Actor {
    /// The actor of CLI commands such as `seed-demo`.
    pub fn system() -> Self {
        Self {
            sub: "system".into(),
            name: "system".into(),
            role: "system".into(),
            request_id: None,
        }
    }
}

/// One change to record.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// What was done: `create`, `update`, `delete`, `archive`, ...
    pub action: String,
    /// The kind of resource: `unit`, `leader`, ...
    pub resource: &'static str,
    /// Its id.
    pub resource_id: Option<String>,
    /// The changed fields before (`null` for a creation).
    pub before: Value,
    /// The changed fields after (`null` for a deletion).
    pub after: Value,
}

fn to_value(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Change {
    /// A resource was created; records all of it.
    pub fn created(resource: &'static str, id: impl ToString, after: &impl Serialize) -> Self {
        Self::new("create", resource, id, Value::Null, to_value(after))
    }

    /// A resource changed; records only the fields that differ.
    pub fn updated(
        resource: &'static str,
        id: impl ToString,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Self {
        Self::changed("update", resource, id, before, after)
    }

    /// A named action (`archive`, `restore`, ...) changed a resource; records the fields that differ.
    pub fn changed(
        action: &str,
        resource: &'static str,
        id: impl ToString,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Self {
        let (before, after) = diff(to_value(before), to_value(after));
        Self::new(action, resource, id, before, after)
    }

    /// A resource was deleted; records all of it.
    pub fn deleted(resource: &'static str, id: impl ToString, before: &impl Serialize) -> Self {
        Self::new("delete", resource, id, to_value(before), Value::Null)
    }

    /// Any other change, recorded as given.
    pub fn new(
        action: &str,
        resource: &'static str,
        id: impl ToString,
        before: Value,
        after: Value,
    ) -> Self {
        Self {
            action: action.to_owned(),
            resource,
            resource_id: Some(id.to_string()),
            before,
            after,
        }
    }
}

/// Keeps only the top-level fields whose values differ.
fn diff(before: Value, after: Value) -> (Value, Value) {
    match (before, after) {
        (Value::Object(before), Value::Object(after)) => {
            let mut old = Map::new();
            let mut new = Map::new();
            for (key, value) in &after {
                if before.get(key) != Some(value) {
                    new.insert(key.clone(), value.clone());
                    old.insert(key.clone(), before.get(key).cloned().unwrap_or(Value::Null));
                }
            }
            for (key, value) in &before {
                if !after.contains_key(key) {
                    old.insert(key.clone(), value.clone());
                }
            }
            (Value::Object(old), Value::Object(new))
        }
        (before, after) => (before, after),
    }
}

/// Canonical JSON: object keys sorted by code point, no insignificant whitespace, numbers and
/// strings as serde_json writes them. Deterministic for the same value.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// SHA-256 of `bytes`, in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A row of `audit_log`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log, check_for_backend(Pg))]
pub struct AuditRecord {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_sub: String,
    pub actor_name: String,
    pub actor_role: String,
    pub action: String,
    pub resource: String,
    pub resource_id: Option<String>,
    pub changes: Value,
    pub request_id: Option<String>,
    pub canonical: String,
    pub prev_hash: String,
    pub hash: String,
}

fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The content a record hashes; also what verification compares the columns against.
fn hashed_content(record: &AuditRecord) -> Value {
    json!({
        "id": record.id,
        "occurred_at": timestamp(&record.occurred_at),
        "actor": {"sub": record.actor_sub, "name": record.actor_name, "role": record.actor_role},
        "action": record.action,
        "resource": record.resource,
        "resource_id": record.resource_id,
        "changes": record.changes,
        "request_id": record.request_id,
        "prev_hash": record.prev_hash,
    })
}

/// Appends the record of `change`. Call it last in the write's transaction: it takes the append
/// lock, which is held until the transaction ends.
pub fn append(conn: &mut PgConnection, actor: &Actor, change: Change) -> QueryResult<AuditRecord> {
    conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))?;
    let prev_hash: String = audit_log::table
        .order(audit_log::id.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let id: i64 = diesel::select(diesel::dsl::sql::<BigInt>("nextval('audit_log_id_seq')"))
        .get_result(conn)?;
    let now = Utc::now();
    let occurred_at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let mut record = AuditRecord {
        id,
        occurred_at,
        actor_sub: actor.sub.clone(),
        actor_name: actor.name.clone(),
        actor_role: actor.role.clone(),
        action: change.action,
        resource: change.resource.to_owned(),
        resource_id: change.resource_id,
        changes: json!({"before": change.before, "after": change.after}),
        request_id: actor.request_id.clone(),
        canonical: String::new(),
        prev_hash,
        hash: String::new(),
    };
    record.canonical = canonical_json(&hashed_content(&record));
    record.hash = sha256_hex(record.canonical.as_bytes());
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(record.id),
            audit_log::occurred_at.eq(record.occurred_at),
            audit_log::actor_sub.eq(&record.actor_sub),
            audit_log::actor_name.eq(&record.actor_name),
            audit_log::actor_role.eq(&record.actor_role),
            audit_log::action.eq(&record.action),
            audit_log::resource.eq(&record.resource),
            audit_log::resource_id.eq(&record.resource_id),
            audit_log::changes.eq(&record.changes),
            audit_log::request_id.eq(&record.request_id),
            audit_log::canonical.eq(&record.canonical),
            audit_log::prev_hash.eq(&record.prev_hash),
            audit_log::hash.eq(&record.hash),
        ))
        .execute(conn)?;
    Ok(record)
}

/// The newest record's id and hash, if any.
pub fn head(conn: &mut PgConnection) -> QueryResult<Option<(i64, String)>> {
    audit_log::table
        .order(audit_log::id.desc())
        .select((audit_log::id, audit_log::hash))
        .first(conn)
        .optional()
}

/// What a successful verification saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Records walked.
    pub records: u64,
    /// Hash of the newest record (the genesis value when the trail is empty).
    pub head: String,
    /// Records after the recorded head, when one was given.
    pub after_recorded_head: Option<u64>,
}

/// The first broken link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at record {id}: {reason}")]
pub struct Broken {
    /// Id of the first record that does not verify (for a missing head: the last record).
    pub id: i64,
    /// What is wrong.
    pub reason: String,
}

/// Checks one record against its predecessor's hash.
pub fn check_record(record: &AuditRecord, expected_prev: &str) -> Result<(), Broken> {
    let broken = |reason: String| Broken {
        id: record.id,
        reason,
    };
    if sha256_hex(record.canonical.as_bytes()) != record.hash {
        return Err(broken(
            "its hash does not match its canonical bytes (the record was edited)".into(),
        ));
    }
    let hashed: Value = serde_json::from_str(&record.canonical)
        .map_err(|_| broken("its canonical bytes are not JSON (the record was edited)".into()))?;
    if hashed != hashed_content(record) {
        return Err(broken(
            "its columns differ from the content it hashed (the record was edited)".into(),
        ));
    }
    if record.prev_hash != expected_prev {
        return Err(broken(format!(
            "it does not follow the record before it (expected prev_hash {expected_prev}, found {}): \
             a record was deleted, inserted or reordered",
            record.prev_hash
        )));
    }
    Ok(())
}

/// Walks the whole chain in id order, optionally checking that `recorded_head` is still on it.
pub fn verify(
    conn: &mut PgConnection,
    recorded_head: Option<&str>,
) -> Result<Result<Verified, Broken>, diesel::result::Error> {
    const BATCH: i64 = 1000;
    let mut expected_prev = GENESIS.to_owned();
    let mut last_id = i64::MIN;
    let mut records = 0u64;
    let mut head_seen_at: Option<u64> = None;
    loop {
        let batch: Vec<AuditRecord> = audit_log::table
            .filter(audit_log::id.gt(last_id))
            .order(audit_log::id.asc())
            .limit(BATCH)
            .select(AuditRecord::as_select())
            .load(conn)?;
        if batch.is_empty() {
            break;
        }
        for record in &batch {
            if let Err(broken) = check_record(record, &expected_prev) {
                return Ok(Err(broken));
            }
            records += 1;
            if recorded_head == Some(record.hash.as_str()) {
                head_seen_at = Some(records);
            }
            expected_prev.clone_from(&record.hash);
            last_id = record.id;
        }
    }
    if let Some(head) = recorded_head
        && head != GENESIS
    {
        match head_seen_at {
            None => {
                return Ok(Err(Broken {
                    id: last_id.max(0),
                    reason: format!(
                        "the recorded head {head} is not in the chain: records up to and including it were deleted"
                    ),
                }));
            }
            Some(position) => {
                return Ok(Ok(Verified {
                    records,
                    head: expected_prev,
                    after_recorded_head: Some(records - position),
                }));
            }
        }
    }
    Ok(Ok(Verified {
        records,
        head: expected_prev,
        after_recorded_head: recorded_head.map(|_| records),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let value = json!({"b": 1, "a": {"y": "阳山", "x": [true, null]}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"x":[true,null],"y":"阳山"},"b":1}"#
        );
    }

    #[test]
    fn a_diff_keeps_only_changed_fields() {
        let (before, after) = diff(
            json!({"name": "a", "kind": "town"}),
            json!({"name": "b", "kind": "town"}),
        );
        assert_eq!(before, json!({"name": "a"}));
        assert_eq!(after, json!({"name": "b"}));
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn sample() -> AuditRecord {
        let mut record = AuditRecord {
            id: 1,
            occurred_at: DateTime::from_timestamp(1_410_000_000, 0).expect("time"),
            actor_sub: "admin".into(),
            actor_name: "管理员".into(),
            actor_role: "office".into(),
            action: "create".into(),
            resource: "unit".into(),
            resource_id: Some("1".into()),
            changes: json!({"before": null, "after": {"name": "阳城镇"}}),
            request_id: None,
            canonical: String::new(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        record.canonical = canonical_json(&hashed_content(&record));
        record.hash = sha256_hex(record.canonical.as_bytes());
        record
    }

    #[test]
    fn an_edited_column_or_canonical_text_is_caught() {
        let record = sample();
        assert_eq!(check_record(&record, GENESIS), Ok(()));
        let mut edited = record.clone();
        edited.actor_sub = "someone-else".into();
        assert!(check_record(&edited, GENESIS).is_err());
        let mut rewritten = record.clone();
        rewritten.canonical = rewritten.canonical.replace("阳城镇", "七拱镇");
        assert!(check_record(&rewritten, GENESIS).is_err());
        assert!(check_record(&record, &sha256_hex(b"other")).is_err());
    }
}
