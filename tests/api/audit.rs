//! The audit trail: one record per successful write, none for a rejected one; a chain that
//! never forks and that names the first tampered record.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use lianzheng::audit::{Checkpoint, Expect, Fault, KeySet};

use crate::fixtures;
use crate::helpers::{TestApp, assert_problem};

mod cases;

use cases::Outcome;

fn audit_count(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM audit_log")
}

fn newest(app: &TestApp) -> (String, String) {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        action: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        resource: String,
    }
    let row: Row =
        diesel::sql_query("SELECT action, resource FROM audit_log ORDER BY id DESC LIMIT 1")
            .get_result(&mut app.db.owner())
            .expect("newest audit record");
    (row.action, row.resource)
}

#[tokio::test]
async fn every_write_in_the_contract_appends_exactly_one_record_and_a_rejected_one_none() {
    let spec: Value = serde_json::from_str(&lianzheng::openapi::spec_json()).expect("spec");
    let mut writes = Vec::new();
    for item in spec["paths"].as_object().expect("paths").values() {
        for (method, op) in item.as_object().expect("item") {
            // The account-less ballot calls (no `security`) write no audit record: nothing may
            // tie a vote to a time (tests/api/evaluation.rs checks they append none).
            if ["post", "put", "patch", "delete"].contains(&method.as_str())
                && op["security"].is_array()
            {
                writes.push(op["operationId"].as_str().expect("operationId").to_owned());
            }
        }
    }
    assert!(writes.len() >= 8, "found {writes:?}");
    let table = cases::table();
    let missing: Vec<&String> = writes
        .iter()
        .filter(|w| !table.contains_key(w.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "write operations with no audit case (add one to tests/api/audit/cases.rs): {missing:?}"
    );
    let unknown: Vec<&&str> = table
        .keys()
        .filter(|case| !writes.iter().any(|w| w == *case))
        .collect();
    assert!(
        unknown.is_empty(),
        "audit cases for no write operation of the contract: {unknown:?}"
    );
    for operation in writes {
        let app = TestApp::spawn().await;
        let Outcome { ok, action, bad } = table[operation.as_str()](&app).await;
        assert!(
            ok.status.is_success(),
            "{operation} succeeded: {}",
            ok.status
        );
        assert!(
            bad.status.is_client_error(),
            "{operation} was rejected: {}",
            bad.status
        );
        assert_eq!(
            ok.records, 1,
            "{operation}: one record for the successful call"
        );
        assert_eq!(
            bad.records, 0,
            "{operation}: no record for the rejected call"
        );
        let (newest_action, _) = newest(&app);
        assert_eq!(newest_action, action, "{operation}'s record");
        assert!(
            app.verify_audit(None).is_ok(),
            "{operation}: the chain verifies"
        );
    }
}

#[tokio::test]
async fn a_successful_write_adds_one_record_with_actor_request_and_changed_fields() {
    let app = TestApp::spawn().await;
    let unit = fixtures::unit(&app, "阳城镇", "town").await.id;
    assert_eq!(audit_count(&app), 1);
    let response = app
        .request(
            Method::PATCH,
            &format!("/api/v1/units/{unit}"),
            Some(&app.office),
        )
        .header("If-Match", "\"1\"")
        .header("X-Request-Id", "req-audit-1")
        .json(&json!({"contact_person": "黄志明"}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(audit_count(&app), 2);

    let page: Value = app
        .get("/api/v1/audit?resource=unit&per_page=1", &app.office)
        .await
        .json()
        .await
        .expect("json");
    let record = &page["items"][0];
    assert_eq!(record["action"], "update");
    assert_eq!(record["actor"]["sub"], "office-admin");
    assert_eq!(record["actor"]["role"], "office");
    assert_eq!(record["request_id"], "req-audit-1");
    assert_eq!(record["resource_id"], unit.to_string());
    assert_eq!(record["changes"]["before"]["contact_person"], Value::Null);
    assert_eq!(record["changes"]["after"]["contact_person"], "黄志明");
    assert!(
        record["changes"]["after"].get("name").is_none(),
        "unchanged fields are not recorded"
    );

    let stale = app
        .patch(
            &format!("/api/v1/units/{unit}"),
            &app.office,
            "\"1\"",
            &json!({"name": "x"}),
        )
        .await;
    assert_problem(stale, 412, "precondition_failed").await;
    assert_eq!(audit_count(&app), 2, "a rejected write leaves no record");

    let head: Value = app
        .get("/api/v1/audit/head", &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(head["hash"], record["hash"]);
    let unit_token = app.unit_token(unit);
    assert_problem(
        app.get("/api/v1/audit", &unit_token).await,
        403,
        "forbidden",
    )
    .await;
}

#[tokio::test]
async fn the_chain_verifies_after_eight_writers_append_at_once() {
    let app = TestApp::spawn_with(|s| s.pool_size = 8).await;
    let mut writers = Vec::new();
    for writer in 0..8 {
        let client = app.client.clone();
        let address = app.address.clone();
        let token = app.office.clone();
        writers.push(tokio::spawn(async move {
            for n in 0..5 {
                let response = client
                    .post(format!("{address}/api/v1/units"))
                    .bearer_auth(&token)
                    .json(
                        &json!({"name": format!("单位-{writer}-{n}"), "kind": "county_department"}),
                    )
                    .send()
                    .await
                    .expect("send");
                assert_eq!(response.status(), 201);
            }
        }));
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    assert_eq!(audit_count(&app), 40);
    let verified = app.verify_audit(None).expect("the chain verifies");
    assert_eq!(verified.records, 40);
    assert_eq!(
        app.count("SELECT count(DISTINCT prev_hash) AS n FROM audit_log"),
        40,
        "no fork"
    );
}

/// Arranges five audit records and returns their hashes in order.
async fn five_records(app: &TestApp) -> Vec<String> {
    for n in 0..5 {
        app.create_unit(&format!("单位{n}"), "town").await;
    }
    #[derive(QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        hash: String,
    }
    let rows: Vec<Hash> = diesel::sql_query("SELECT hash FROM audit_log ORDER BY id")
        .load(&mut app.db.owner())
        .expect("hashes");
    rows.into_iter().map(|r| r.hash).collect()
}

fn tamper(app: &TestApp, sql: &str) {
    app.db
        .superuser()
        .batch_execute(&format!(
            "ALTER TABLE audit_log DISABLE TRIGGER USER; {sql}; \
             ALTER TABLE audit_log ENABLE TRIGGER USER;"
        ))
        .expect("tamper as superuser");
}

fn first_id(app: &TestApp) -> i64 {
    app.count("SELECT min(id) AS n FROM audit_log")
}

#[tokio::test]
async fn an_edited_record_is_caught_at_that_record() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let third = first_id(&app) + 2;
    tamper(
        &app,
        &format!("UPDATE audit_log SET actor_sub = 'someone-else' WHERE id = {third}"),
    );
    let broken = app.verify_audit(None).expect_err("tampering is caught");
    assert_eq!(broken.id.0, third);
    assert!(broken.reason.contains("edited"), "{}", broken.reason);
}

/// One row of `audit_log` as a tamperer sees it.
#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    canonical: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    prev_hash: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    hash: String,
}

fn rows(conn: &mut PgConnection) -> Vec<Row> {
    diesel::sql_query("SELECT id, canonical, prev_hash, hash FROM audit_log ORDER BY id")
        .load(conn)
        .expect("audit rows")
}

/// Replaces `from` by `to` in record `id`'s content, then rehashes it and relinks every later
/// record, as someone who holds the owner's credentials but not the signing key would. With
/// `resign`, also signs the rewritten records, as a thief of the signing key would.
fn rewrite_history(
    conn: &mut PgConnection,
    id: i64,
    from: &str,
    to: &str,
    resign: Option<&lianzheng::audit::SigningKey>,
) {
    use lianzheng::audit::{record_message, sha256_hex};
    let mut sql = String::from("ALTER TABLE audit_log DISABLE TRIGGER USER;");
    let mut relink: Option<(String, String)> = None;
    for row in rows(conn).into_iter().filter(|r| r.id >= id) {
        let mut canonical = row.canonical.clone();
        let mut prev_hash = row.prev_hash.clone();
        if row.id == id {
            canonical = canonical.replace(from, to);
            sql.push_str(&format!(
                "UPDATE audit_log SET changes = replace(changes::text, '{from}', '{to}')::jsonb
                  WHERE id = {id};"
            ));
        }
        if let Some((old, new)) = &relink {
            canonical = canonical.replace(old.as_str(), new.as_str());
            prev_hash.clone_from(new);
        }
        let hash = sha256_hex(canonical.as_bytes());
        let signature = match resign {
            Some(key) => format!("'{}'", key.sign(&record_message(&hash))),
            None => "signature".to_owned(),
        };
        sql.push_str(&format!(
            "UPDATE audit_log SET canonical = '{}', prev_hash = '{prev_hash}', hash = '{hash}',
                    signature = {signature} WHERE id = {};",
            canonical.replace('\'', "''"),
            row.id
        ));
        relink = Some((row.hash, hash));
    }
    sql.push_str("ALTER TABLE audit_log ENABLE TRIGGER USER;");
    conn.batch_execute(&format!("BEGIN; {sql} COMMIT;"))
        .expect("rewrite history");
}

#[tokio::test]
async fn a_record_rewritten_by_the_owner_with_the_trigger_disabled_is_named_at_that_record() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let third = first_id(&app) + 2;
    rewrite_history(&mut app.db.owner(), third, "单位2", "伪造", None);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM audit_log WHERE id = {third} AND canonical LIKE '%伪造%'"
        )),
        1,
        "the owner did rewrite the record"
    );
    let broken = app
        .verify_audit(None)
        .expect_err("the rewrite is caught with the public key alone");
    assert_eq!(
        broken.id.0, third,
        "the edited record itself: {}",
        broken.reason
    );
    assert_eq!(broken.kind, Fault::BadSignature, "{}", broken.reason);
}

#[tokio::test]
async fn a_record_rewritten_by_a_superuser_is_named_at_that_record() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let second = first_id(&app) + 1;
    rewrite_history(&mut app.db.superuser(), second, "单位1", "伪造", None);
    let broken = app.verify_audit(None).expect_err("tampering is caught");
    assert_eq!(broken.id.0, second, "{}", broken.reason);
    assert_eq!(broken.kind, Fault::BadSignature);
}

#[tokio::test]
async fn a_row_forged_by_the_runtime_role_with_a_correct_hash_is_named() {
    use lianzheng::audit::{canonical_json, sha256_hex};
    let app = TestApp::spawn().await;
    let hashes = five_records(&app).await;
    let forged_id = first_id(&app) + 5;
    let prev_hash = hashes.last().expect("head");
    let key_id = app.signer.key_id().to_owned();
    let changes = json!({"before": {"total": "61.00"}, "after": {"total": "100.00"}});
    let content = json!({
        "id": forged_id, "occurred_at": "2014-10-16T02:00:00.000000Z",
        "actor": {"sub": "admin", "name": "管理员", "role": "office"},
        "action": "update", "resource": "scoring_record", "resource_id": "1/1",
        "changes": changes, "request_id": null, "prev_hash": prev_hash, "key_id": key_id,
    });
    let canonical = canonical_json(&content);
    let hash = sha256_hex(canonical.as_bytes());
    // A signature lifted from a genuine record: valid, but for another hash.
    let signature = audit_log_signature(&app, first_id(&app));
    assert!(signature.is_some(), "genuine records are signed");
    for (label, signature) in [("unsigned", None), ("with a lifted signature", signature)] {
        let db = &app.db;
        let mut forger = db.app();
        forger
            .batch_execute(&format!(
                "INSERT INTO audit_log (id, occurred_at, actor_sub, actor_name, actor_role, action,
                   resource, resource_id, changes, request_id, canonical, prev_hash, hash,
                   key_id, signature)
                 VALUES ({forged_id}, '2014-10-16T02:00:00Z', 'admin', '管理员', 'office',
                   'update', 'scoring_record', '1/1', '{changes}', NULL, '{canonical}',
                   '{prev_hash}', '{hash}', '{key_id}', {})",
                signature
                    .as_ref()
                    .map_or("NULL".to_owned(), |s| format!("'{s}'"))
            ))
            .expect("the runtime role may append");
        let broken = app.verify_audit(None).expect_err(label);
        assert_eq!(broken.id.0, forged_id, "{label}: {}", broken.reason);
        let expected = if signature.is_some() {
            Fault::BadSignature
        } else {
            Fault::Unsigned
        };
        assert_eq!(broken.kind, expected, "{label}: {}", broken.reason);
        db.superuser()
            .batch_execute(&format!(
                "ALTER TABLE audit_log DISABLE TRIGGER USER;
                 DELETE FROM audit_log WHERE id = {forged_id};
                 ALTER TABLE audit_log ENABLE TRIGGER USER;"
            ))
            .expect("remove the forgery for the next trial");
    }
    assert!(app.verify_audit(None).is_ok(), "the genuine chain verifies");
}

fn audit_log_signature(app: &TestApp, id: i64) -> Option<String> {
    #[derive(QueryableByName)]
    struct Signature {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        signature: Option<String>,
    }
    diesel::sql_query(format!("SELECT signature FROM audit_log WHERE id = {id}"))
        .get_result::<Signature>(&mut app.db.owner())
        .expect("signature")
        .signature
}

#[tokio::test]
async fn a_deleted_record_is_named_by_its_own_id() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let third = first_id(&app) + 2;
    tamper(&app, &format!("DELETE FROM audit_log WHERE id = {third}"));
    let broken = app.verify_audit(None).expect_err("deletion is caught");
    assert_eq!(broken.id.0, third, "{}", broken.reason);
    assert_eq!(broken.kind, Fault::Deleted);
    assert!(broken.reason.contains("deleted"), "{}", broken.reason);
}

#[tokio::test]
async fn reordered_records_are_named_where_they_moved() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let second = first_id(&app) + 1;
    let third = second + 1;
    tamper(
        &app,
        &format!(
            "UPDATE audit_log SET id = -1 WHERE id = {second};
             UPDATE audit_log SET id = {second} WHERE id = {third};
             UPDATE audit_log SET id = {third} WHERE id = -1"
        ),
    );
    let broken = app.verify_audit(None).expect_err("reordering is caught");
    assert_eq!(broken.id.0, second, "{}", broken.reason);
    assert_eq!(broken.kind, Fault::Reordered, "{}", broken.reason);
}

#[tokio::test]
async fn deleting_the_newest_records_is_caught_only_against_a_recorded_head() {
    let app = TestApp::spawn().await;
    let hashes = five_records(&app).await;
    let recorded_head = hashes.last().expect("head").clone();
    let last = first_id(&app) + 4;
    tamper(
        &app,
        &format!("DELETE FROM audit_log WHERE id >= {}", last - 1),
    );
    assert!(
        app.verify_audit(None).is_ok(),
        "without a recorded head the shortened chain still verifies"
    );
    let broken = app
        .verify_audit(Some(&recorded_head))
        .expect_err("caught against the head");
    assert_eq!(broken.id.0, last - 1, "names the first missing record");
    assert_eq!(broken.kind, Fault::Deleted);
    assert!(
        broken.reason.contains("not in the chain"),
        "{}",
        broken.reason
    );

    let earlier = app
        .verify_audit(Some(&hashes[1]))
        .expect("an earlier head is still on the chain");
    assert_eq!(earlier.after_recorded_head, Some(1));
}

/// Writes the published public keys to a file, as an auditor would save them.
async fn saved_public_keys(app: &TestApp, dir: &std::path::Path) -> std::path::PathBuf {
    let keys: Value = app
        .get("/api/v1/audit/keys", &app.unit_token(1))
        .await
        .json()
        .await
        .expect("keys");
    let path = dir.join("keys.json");
    std::fs::write(&path, keys.to_string()).expect("save the keys");
    path
}

fn temp_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lianzheng-audit-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `lianzheng audit verify` with only the database URL and `args`: no signing key.
fn cli_verify(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .args(["audit", "verify"])
        .args(args)
        .env_clear()
        .env("DATABASE_URL", app.db.app_url())
        .output()
        .expect("run audit verify")
}

#[tokio::test]
async fn audit_verify_on_the_command_line_names_the_broken_record_with_the_public_key_only() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let dir = temp_dir();
    let keys = saved_public_keys(&app, &dir).await;
    let keys = keys.to_str().expect("path");
    let ok = cli_verify(&app, &["--public-key", keys]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(stdout.contains("intact: 5 records"), "{stdout}");
    let without_key = cli_verify(&app, &[]);
    assert!(!without_key.status.success());
    assert!(
        String::from_utf8_lossy(&without_key.stderr).contains("no public key"),
        "{}",
        String::from_utf8_lossy(&without_key.stderr)
    );
    let third = first_id(&app) + 2;
    tamper(
        &app,
        &format!("UPDATE audit_log SET action = 'nothing' WHERE id = {third}"),
    );
    let broken = cli_verify(&app, &["--public-key", keys]);
    assert!(!broken.status.success());
    let stderr = String::from_utf8_lossy(&broken.stderr);
    assert!(
        stderr.contains(&format!("broken at record {third} (edited)")),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_head_checkpoint_verifies_with_the_published_key_and_fails_when_altered() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let keys: Value = app
        .get("/api/v1/audit/keys", &app.inspector_token())
        .await
        .json()
        .await
        .expect("keys");
    assert_eq!(keys["keys"][0]["key_id"], app.signer.key_id());
    assert_eq!(keys["keys"][0]["algorithm"], "ed25519");
    assert_eq!(keys["keys"][0]["current"], true);
    let published = KeySet::parse(&keys.to_string()).expect("a key set");
    let response = app.get("/api/v1/audit/head", &app.unit_token(1)).await;
    assert_eq!(response.status(), 200, "every role reads the head");
    let head: Value = response.json().await.expect("head");
    let checkpoint: Checkpoint = serde_json::from_value(head.clone()).expect("a checkpoint");
    assert_eq!(checkpoint.id.map(|id| id.0), Some(first_id(&app) + 4));
    assert_eq!(checkpoint.check(&published), Ok(()));
    for (field, value) in [
        ("hash", json!(lianzheng::audit::sha256_hex(b"other"))),
        ("id", json!(1)),
        ("at", json!("2099-01-01T00:00:00.000000Z")),
    ] {
        let mut altered = head.clone();
        altered[field] = value;
        let altered: Checkpoint = serde_json::from_value(altered).expect("checkpoint");
        assert!(altered.check(&published).is_err(), "altered {field}");
    }
    let other = KeySet::new(
        Some(
            lianzheng::audit::SigningKey::generate(lianzheng::audit::Algorithm::Ed25519)
                .expect("key")
                .0
                .public(),
        ),
        &[],
    );
    assert!(
        checkpoint.check(&other).is_err(),
        "another key does not verify it"
    );
}

#[tokio::test]
async fn verify_since_a_kept_checkpoint_catches_a_change_at_or_before_it() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let dir = temp_dir();
    let keys = saved_public_keys(&app, &dir).await;
    let head: Value = app
        .get("/api/v1/audit/head", &app.office)
        .await
        .json()
        .await
        .expect("head");
    let kept = dir.join("checkpoint.json");
    std::fs::write(&kept, head.to_string()).expect("keep the checkpoint");
    app.create_unit("新单位", "town").await;
    let args = [
        "--public-key",
        keys.to_str().expect("path"),
        "--since",
        kept.to_str().expect("path"),
    ];
    let ok = cli_verify(&app, &args);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        String::from_utf8_lossy(&ok.stdout).contains("followed by 1 newer records"),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );

    // Someone holding the signing key rewrites record 2 and re-signs everything after it: the
    // signatures all verify, but the kept checkpoint no longer matches.
    let second = first_id(&app) + 1;
    let checkpoint_id = head["id"].as_i64().expect("id");
    rewrite_history(
        &mut app.db.owner(),
        second,
        "单位1",
        "伪造",
        Some(&app.signer),
    );
    assert!(
        app.verify_audit(None).is_ok(),
        "re-signed, the chain alone verifies"
    );
    let caught = cli_verify(&app, &args);
    assert!(!caught.status.success());
    let stderr = String::from_utf8_lossy(&caught.stderr);
    assert!(
        stderr.contains(&format!("broken at record {checkpoint_id} (checkpoint)")),
        "{stderr}"
    );

    let mut altered = head.clone();
    altered["hash"] = json!(lianzheng::audit::sha256_hex(b"other"));
    std::fs::write(&kept, altered.to_string()).expect("alter the checkpoint");
    let forged = cli_verify(&app, &args);
    assert!(!forged.status.success());
    assert!(
        String::from_utf8_lossy(&forged.stderr).contains("signature does not verify"),
        "{}",
        String::from_utf8_lossy(&forged.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_truncated_chain_fails_against_a_kept_checkpoint() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let head: Value = app
        .get("/api/v1/audit/head", &app.office)
        .await
        .json()
        .await
        .expect("head");
    let checkpoint: Checkpoint = serde_json::from_value(head).expect("checkpoint");
    let last = first_id(&app) + 4;
    tamper(&app, &format!("DELETE FROM audit_log WHERE id >= {last}"));
    let expect = Expect {
        head: None,
        checkpoint: Some(&checkpoint),
    };
    let broken = lianzheng::audit::verify(&mut app.db.app(), &app.public_keys(), expect)
        .expect("walk")
        .expect_err("the checkpoint's record is gone");
    assert_eq!(broken.id.0, last);
    assert_eq!(broken.kind, Fault::Deleted);
}

#[tokio::test]
async fn an_sm2_service_signs_records_and_checkpoints_that_verify() {
    use lianzheng::audit::Algorithm;
    let app = TestApp::spawn_with(|s| {
        s.audit_algorithm = Algorithm::Sm2;
        s.audit_signing_key = Some(crate::helpers::audit_key(Algorithm::Sm2));
    })
    .await;
    assert_eq!(app.signer.algorithm(), Algorithm::Sm2);
    five_records(&app).await;
    let verified = app.verify_audit(None).expect("SM2 records verify");
    assert_eq!(verified.records, 5);
    let keys: Value = app
        .get("/api/v1/audit/keys", &app.office)
        .await
        .json()
        .await
        .expect("keys");
    assert_eq!(keys["keys"][0]["algorithm"], "sm2");
    let head: Value = app
        .get("/api/v1/audit/head", &app.office)
        .await
        .json()
        .await
        .expect("head");
    assert_eq!(head["algorithm"], "sm2");
    let checkpoint: Checkpoint = serde_json::from_value(head).expect("checkpoint");
    let published = KeySet::parse(&keys.to_string()).expect("keys");
    assert_eq!(checkpoint.check(&published), Ok(()));
    let third = first_id(&app) + 2;
    rewrite_history(&mut app.db.owner(), third, "单位2", "伪造", None);
    let broken = app.verify_audit(None).expect_err("caught");
    assert_eq!((broken.id.0, broken.kind), (third, Fault::BadSignature));
}

#[tokio::test]
async fn records_signed_with_a_retired_key_verify_beside_the_current_one() {
    let app = TestApp::spawn().await;
    five_records(&app).await;
    let retired = app.signer.public().clone();
    let (current, pkcs8) =
        lianzheng::audit::SigningKey::generate(lianzheng::audit::Algorithm::Ed25519).expect("key");
    let mut settings = app.settings.clone();
    settings.audit_signing_key = Some(pkcs8);
    settings.audit_verify_keys = vec![retired.clone()];
    let pool = lianzheng::db::connect(
        settings.database_url.expose(),
        2,
        settings.pool_timeout,
        settings.statement_timeout,
        std::sync::Arc::new(settings.audit_signer().expect("signer")),
    )
    .expect("pool");
    let rotated = lianzheng::startup::Application::build(&settings, pool).expect("build");
    let address = format!("http://127.0.0.1:{}", rotated.port());
    tokio::spawn(rotated.into_server());
    let response = app
        .client
        .post(format!("{address}/api/v1/units"))
        .bearer_auth(&app.office)
        .json(&json!({"name": "轮换后单位", "kind": "town"}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 201);
    let keys: Value = app
        .client
        .get(format!("{address}/api/v1/audit/keys"))
        .bearer_auth(&app.office)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("keys");
    assert_eq!(keys["keys"][0]["key_id"], current.key_id());
    assert_eq!(keys["keys"][1]["key_id"], retired.key_id());
    assert_eq!(keys["keys"][1]["current"], false);
    let both = KeySet::parse(&keys.to_string()).expect("keys");
    let expect = Expect::default();
    let verified = lianzheng::audit::verify(&mut app.db.app(), &both, expect)
        .expect("walk")
        .expect("old and new records verify");
    assert_eq!(verified.records, 6);
    let only_new = KeySet::new(Some(current.public()), &[]);
    let broken = lianzheng::audit::verify(&mut app.db.app(), &only_new, expect)
        .expect("walk")
        .expect_err("without the retired key the old records are unknown");
    assert_eq!(
        (broken.id.0, broken.kind),
        (first_id(&app), Fault::UnknownKey)
    );
}

#[test]
fn the_service_role_cannot_change_or_remove_audit_records() {
    let db = crate::helpers::TestDb::create();
    let mut app_role = db.app();
    let attempts = [
        ("UPDATE audit_log SET action = 'x'", "permission denied"),
        ("DELETE FROM audit_log", "permission denied"),
        ("TRUNCATE audit_log", "permission denied"),
        (
            "ALTER TABLE audit_log DISABLE TRIGGER USER",
            "must be owner",
        ),
        ("DROP TABLE audit_log", "must be owner"),
    ];
    for (sql, expected) in attempts {
        let error = app_role.batch_execute(sql).expect_err(sql);
        assert!(error.to_string().contains(expected), "{sql}: {error}");
    }
    app_role
        .batch_execute("SELECT count(*) FROM audit_log")
        .expect("but it may read");
    let mut owner = db.owner();
    let change =
        lianzheng::audit::Change::new("create", "unit", 1, Value::Null, json!({"name": "阳城镇"}));
    let (signer, _) =
        lianzheng::audit::SigningKey::generate(lianzheng::audit::Algorithm::Ed25519).expect("key");
    lianzheng::audit::append(
        &mut owner,
        &signer,
        &lianzheng::audit::Actor::system(),
        change,
    )
    .expect("append as owner");
    let error = owner
        .batch_execute("UPDATE audit_log SET action = 'x'")
        .expect_err("even the owner cannot edit");
    assert!(error.to_string().contains("append-only"), "{error}");
    let error = owner
        .batch_execute("DELETE FROM audit_log")
        .expect_err("even the owner cannot delete");
    assert!(error.to_string().contains("append-only"), "{error}");
}
