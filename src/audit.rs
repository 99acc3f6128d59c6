//! The tamper-evident audit trail: one hash-chained record for every write, appended in the
//! same transaction as the change (DOMAIN.md, "Signatures and discipline").
//!
//! Each record stores the exact canonical bytes it hashed (JSON with sorted keys and no
//! insignificant whitespace), their SHA-256, and the previous record's hash. Appends take a
//! transaction-scoped advisory lock as the last step of the transaction, so concurrent writers
//! queue for the few milliseconds of the append and the chain never forks (the unique
//! `prev_hash` makes a fork impossible even if the lock were bypassed).
//!
//! Every record is signed with a key kept outside the database ([`keys`]), so a row inserted
//! by the runtime role, or rewritten and rehashed by the owner or a superuser, fails
//! verification at that very row; verifying needs only the public keys.

use chrono::{DateTime, SecondsFormat, Utc};
use diesel::connection::SimpleConnection;
use diesel::pg::Pg;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::models::AuditRecordId;
use crate::schema::audit_log;

pub mod keys;

pub use keys::{Algorithm, KeySet, PublicKey, SigningKey};
use utoipa::ToSchema;

/// The `prev_hash` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Key of the advisory lock that serialises appends.
pub(crate) const APPEND_LOCK: i64 = 0x6c69_616e_7a68;

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

    /// A named action (`archive`, `restore`, ...) changed a resource; records the fields that
    /// differ.
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

impl AuditRecordId {
    /// The id of the record after this one: ids follow each other without gaps.
    pub fn next(self) -> Self {
        AuditRecordId(self.0 + 1)
    }
}

/// A row of `audit_log`.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log, check_for_backend(Pg))]
pub struct AuditRecord {
    pub id: AuditRecordId,
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
    /// The key that signed the record (`NULL` only on a row the service did not write).
    pub key_id: Option<String>,
    /// The signature of [`record_message`], base64.
    pub signature: Option<String>,
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
        "key_id": record.key_id,
    })
}

/// The bytes a record's signature covers: a context string and its hash, which commits to its
/// content, its id, its key id and the previous record's hash.
pub fn record_message(hash: &str) -> Vec<u8> {
    format!("lianzheng-audit-record-v1\n{hash}").into_bytes()
}

/// Appends the record of `change`, signed with `signer`. Call it last in the write's
/// transaction: it takes the append lock, which is held until the transaction ends.
///
/// Ids follow the newest record's without gaps, so a missing id is a deleted record.
pub fn append(
    conn: &mut PgConnection,
    signer: &SigningKey,
    actor: &Actor,
    change: Change,
) -> QueryResult<AuditRecord> {
    conn.batch_execute(&format!("SELECT pg_advisory_xact_lock({APPEND_LOCK})"))?;
    let (prev_id, prev_hash) =
        head(conn)?.unwrap_or_else(|| (AuditRecordId(0), GENESIS.to_owned()));
    let now = Utc::now();
    let occurred_at = DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now);
    let mut record = AuditRecord {
        id: prev_id.next(),
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
        key_id: Some(signer.key_id().to_owned()),
        signature: None,
    };
    record.canonical = canonical_json(&hashed_content(&record));
    record.hash = sha256_hex(record.canonical.as_bytes());
    record.signature = Some(signer.sign(&record_message(&record.hash)));
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
            audit_log::key_id.eq(&record.key_id),
            audit_log::signature.eq(&record.signature),
        ))
        .execute(conn)?;
    Ok(record)
}

/// The newest record's id and hash, if any.
pub fn head(conn: &mut PgConnection) -> QueryResult<Option<(AuditRecordId, String)>> {
    audit_log::table
        .order(audit_log::id.desc())
        .select((audit_log::id, audit_log::hash))
        .first(conn)
        .optional()
}

/// A signed statement of the chain's head at a moment: an outside witness keeps it, and
/// `lianzheng audit verify --since` later proves nothing up to it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Checkpoint {
    /// Id of the newest record (`null` when the trail is empty).
    #[schema(value_type = Option<i64>, example = 1284)]
    pub id: Option<AuditRecordId>,
    /// Its hash (64 zeros when the trail is empty).
    #[schema(example = "41ab0c5e9d2f7a86c3e1b0d4f5a6978812ab34cd56ef7890a1b2c3d4e5f60718")]
    pub hash: String,
    /// When the service signed the checkpoint (RFC 3339, UTC, microseconds).
    #[schema(example = "2014-10-15T08:00:00.000000Z")]
    pub at: String,
    /// The signing key (see `GET /api/v1/audit/keys`).
    #[schema(example = "ed25519-3f9a0c5e7b1d2468")]
    pub key_id: String,
    /// `ed25519` or `sm2`.
    pub algorithm: Algorithm,
    /// Base64 signature of `"lianzheng-audit-checkpoint-v1\n"` followed by the canonical JSON
    /// of the other five fields.
    #[schema(example = "q3J0c2lnbmF0dXJl…")]
    pub signature: String,
}

impl Checkpoint {
    /// Signs the head `(id, hash)` now.
    pub fn sign(id: Option<AuditRecordId>, hash: String, signer: &SigningKey) -> Self {
        let mut checkpoint = Self {
            id,
            hash,
            at: timestamp(&Utc::now()),
            key_id: signer.key_id().to_owned(),
            algorithm: signer.algorithm(),
            signature: String::new(),
        };
        checkpoint.signature = signer.sign(&checkpoint.message());
        checkpoint
    }

    /// The bytes the signature covers.
    pub fn message(&self) -> Vec<u8> {
        let content = json!({
            "id": self.id,
            "hash": self.hash,
            "at": self.at,
            "key_id": self.key_id,
            "algorithm": self.algorithm,
        });
        format!(
            "lianzheng-audit-checkpoint-v1\n{}",
            canonical_json(&content)
        )
        .into_bytes()
    }

    /// Checks the signature with the public keys alone.
    pub fn check(&self, keys: &KeySet) -> Result<(), String> {
        let key = keys
            .get(&self.key_id)
            .ok_or_else(|| format!("the checkpoint names an unknown key {}", self.key_id))?;
        if key.algorithm() != self.algorithm || !key.verifies(&self.message(), &self.signature) {
            return Err(format!(
                "the checkpoint's signature does not verify with key {}: it was altered",
                self.key_id
            ));
        }
        Ok(())
    }
}

/// What a successful verification saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Records walked.
    pub records: u64,
    /// Hash of the newest record (the genesis value when the trail is empty).
    pub head: String,
    /// Records after the recorded head or checkpoint, when one was given.
    pub after_recorded_head: Option<u64>,
}

/// What is wrong with the first broken record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Its columns or bytes differ from what it hashed and signed.
    Edited,
    /// It carries no signature: the service did not write it.
    Unsigned,
    /// It names a key the verifier does not know.
    UnknownKey,
    /// Its signature does not match its hash: forged, or rewritten and rehashed.
    BadSignature,
    /// It stands at a position other than the one it was written for.
    Reordered,
    /// It is missing.
    Deleted,
    /// It differs from a checkpoint kept outside (or the checkpoint itself is not genuine).
    Checkpoint,
}

impl Fault {
    /// A stable name for the kind of failure.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edited => "edited",
            Self::Unsigned => "unsigned",
            Self::UnknownKey => "unknown_key",
            Self::BadSignature => "bad_signature",
            Self::Reordered => "reordered",
            Self::Deleted => "deleted",
            Self::Checkpoint => "checkpoint",
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The first broken record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit chain broken at record {id} ({kind}): {reason}")]
pub struct Broken {
    /// Id of the first record that does not verify (for deleted records: the first missing id).
    pub id: AuditRecordId,
    /// What kind of failure.
    pub kind: Fault,
    /// What is wrong, for the operator.
    pub reason: String,
}

/// Checks one record on its own: its bytes, its columns, its position and its signature.
pub fn check_record(record: &AuditRecord, keys: &KeySet) -> Result<(), Broken> {
    let broken = |kind: Fault, reason: String| Broken {
        id: record.id,
        kind,
        reason,
    };
    if sha256_hex(record.canonical.as_bytes()) != record.hash {
        return Err(broken(
            Fault::Edited,
            "its hash does not match its canonical bytes (the record was edited)".into(),
        ));
    }
    let hashed: Value = serde_json::from_str(&record.canonical).map_err(|_| {
        broken(
            Fault::Edited,
            "its canonical bytes are not JSON (the record was edited)".into(),
        )
    })?;
    let (Some(key_id), Some(signature)) = (&record.key_id, &record.signature) else {
        return Err(broken(
            Fault::Unsigned,
            "it carries no signature: the service did not write it (forged)".into(),
        ));
    };
    if hashed["id"] != json!(record.id) {
        return Err(broken(
            Fault::Reordered,
            format!(
                "it stands at id {} but was written as record {}: records were moved",
                record.id, hashed["id"]
            ),
        ));
    }
    if hashed != hashed_content(record) {
        return Err(broken(
            Fault::Edited,
            "its columns differ from the content it hashed (the record was edited)".into(),
        ));
    }
    let Some(key) = keys.get(key_id) else {
        return Err(broken(
            Fault::UnknownKey,
            format!("it names key {key_id}, which is not among the verifying keys"),
        ));
    };
    if !key.verifies(&record_message(&record.hash), signature) {
        return Err(broken(
            Fault::BadSignature,
            format!(
                "its signature does not verify with key {key_id}: \
                 the record was forged, or edited and rehashed"
            ),
        ));
    }
    Ok(())
}

/// Checks that `record` follows the record before it (`prev`: its id and hash).
fn check_link(record: &AuditRecord, prev: (AuditRecordId, &str)) -> Result<(), Broken> {
    let (prev_id, prev_hash) = prev;
    if record.prev_hash == prev_hash {
        return Ok(());
    }
    let first_missing = prev_id.next();
    if record.id > first_missing {
        let missing = if record.id == first_missing.next() {
            format!("record {first_missing} is missing")
        } else {
            format!("records {first_missing} to {} are missing", record.id.0 - 1)
        };
        return Err(Broken {
            id: first_missing,
            kind: Fault::Deleted,
            reason: format!(
                "{missing}: record {} follows a record with hash {} that is no longer in the \
                 chain (deleted)",
                record.id, record.prev_hash
            ),
        });
    }
    Err(Broken {
        id: record.id,
        kind: Fault::Reordered,
        reason: format!(
            "it does not follow the record before it (expected prev_hash {prev_hash}, found {}): \
             records were inserted or reordered",
            record.prev_hash
        ),
    })
}

/// What a verification compares the chain against, besides its own signatures.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expect<'a> {
    /// A head hash recorded earlier (`--head`).
    pub head: Option<&'a str>,
    /// A signed checkpoint kept outside (`--since`).
    pub checkpoint: Option<&'a Checkpoint>,
}

/// Walks the whole chain in id order with the public keys alone, and names the first broken
/// record; optionally checks that a recorded head or a signed checkpoint is still on it.
pub fn verify(
    conn: &mut PgConnection,
    keys: &KeySet,
    expect: Expect<'_>,
) -> Result<Result<Verified, Broken>, diesel::result::Error> {
    const BATCH: i64 = 1000;
    if let Some(checkpoint) = expect.checkpoint
        && let Err(reason) = checkpoint.check(keys)
    {
        return Ok(Err(Broken {
            id: checkpoint.id.unwrap_or(AuditRecordId(0)),
            kind: Fault::Checkpoint,
            reason,
        }));
    }
    let checkpoint = expect
        .checkpoint
        .and_then(|c| c.id.map(|id| (id, c.hash.as_str())));
    let mut expected_prev = GENESIS.to_owned();
    let mut last_id = AuditRecordId(0);
    let mut records = 0u64;
    let mut seen_at: Option<u64> = None;
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
            let checked = check_record(record, keys)
                .and_then(|()| check_link(record, (last_id, &expected_prev)));
            if let Err(broken) = checked {
                return Ok(Err(broken));
            }
            records += 1;
            if let Some((id, hash)) = checkpoint
                && id == record.id
            {
                if hash != record.hash {
                    return Ok(Err(Broken {
                        id,
                        kind: Fault::Checkpoint,
                        reason: format!(
                            "its hash {} differs from the checkpoint's {hash}: \
                             the chain up to the checkpoint was rewritten",
                            record.hash
                        ),
                    }));
                }
                seen_at = Some(records);
            }
            if expect.head == Some(record.hash.as_str()) {
                seen_at = Some(records);
            }
            expected_prev.clone_from(&record.hash);
            last_id = record.id;
        }
    }
    let expected = match (checkpoint, expect.head) {
        (Some((id, hash)), _) => Some(format!("record {id} of the checkpoint (hash {hash})")),
        (None, Some(head)) if head != GENESIS => Some(format!("the recorded head {head}")),
        _ => None,
    };
    if let Some(expected) = expected {
        let Some(position) = seen_at else {
            return Ok(Err(Broken {
                id: last_id.next(),
                kind: Fault::Deleted,
                reason: format!(
                    "{expected} is not in the chain: records after {last_id} were deleted"
                ),
            }));
        };
        return Ok(Ok(Verified {
            records,
            head: expected_prev,
            after_recorded_head: Some(records - position),
        }));
    }
    let given = expect.head.is_some() || expect.checkpoint.is_some();
    Ok(Ok(Verified {
        records,
        head: expected_prev,
        after_recorded_head: given.then_some(records),
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

    fn sample(signer: &SigningKey) -> AuditRecord {
        let mut record = AuditRecord {
            id: AuditRecordId(1),
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
            key_id: Some(signer.key_id().to_owned()),
            signature: None,
        };
        record.canonical = canonical_json(&hashed_content(&record));
        record.hash = sha256_hex(record.canonical.as_bytes());
        record.signature = Some(signer.sign(&record_message(&record.hash)));
        record
    }

    fn kind(record: &AuditRecord, keys: &KeySet) -> Option<Fault> {
        check_record(record, keys).err().map(|broken| broken.kind)
    }

    #[test]
    fn an_edited_column_or_canonical_text_is_caught() {
        let (signer, _) = SigningKey::generate(Algorithm::Ed25519).expect("key");
        let keys = KeySet::new(Some(signer.public()), &[]);
        let record = sample(&signer);
        assert_eq!(check_record(&record, &keys), Ok(()));
        let mut edited = record.clone();
        edited.actor_sub = "someone-else".into();
        assert_eq!(kind(&edited, &keys), Some(Fault::Edited));
        let mut rewritten = record.clone();
        rewritten.canonical = rewritten.canonical.replace("阳城镇", "七拱镇");
        assert_eq!(kind(&rewritten, &keys), Some(Fault::Edited));
        rewritten.hash = sha256_hex(rewritten.canonical.as_bytes());
        rewritten.changes = json!({"before": null, "after": {"name": "七拱镇"}});
        assert_eq!(kind(&rewritten, &keys), Some(Fault::BadSignature));
        assert_eq!(kind(&record, &KeySet::default()), Some(Fault::UnknownKey));
        let mut unsigned = record.clone();
        unsigned.signature = None;
        assert_eq!(kind(&unsigned, &keys), Some(Fault::Unsigned));
    }

    #[test]
    fn a_checkpoint_verifies_and_an_altered_one_does_not() {
        let (signer, _) = SigningKey::generate(Algorithm::Sm2).expect("key");
        let keys = KeySet::new(Some(signer.public()), &[]);
        let checkpoint = Checkpoint::sign(Some(AuditRecordId(7)), sha256_hex(b"seven"), &signer);
        assert_eq!(checkpoint.check(&keys), Ok(()));
        let mut altered = checkpoint.clone();
        altered.id = Some(AuditRecordId(8));
        assert!(altered.check(&keys).is_err());
    }
}
