//! Safe retries, cross-origin calls, limits, and several instances sharing one database.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use lianzheng::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

fn create(app: &TestApp, token: &str, key: &str, body: &Value) -> reqwest::RequestBuilder {
    app.request(Method::POST, "/api/v1/units", Some(token))
        .header("Idempotency-Key", key)
        .json(body)
}

#[tokio::test]
async fn a_retried_post_with_the_same_key_replays_the_first_response_and_creates_one_row() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "阳城镇", "kind": "town"});
    let first = create(&app, &app.office, "key-1", &body)
        .send()
        .await
        .expect("send");
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].clone();
    let first_body: Value = first.json().await.expect("json");

    let retry = create(&app, &app.office, "key-1", &body)
        .send()
        .await
        .expect("send");
    assert_eq!(retry.status(), 201);
    assert_eq!(retry.headers()["location"], location);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    let retry_body: Value = retry.json().await.expect("json");
    assert_eq!(retry_body, first_body);
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        1,
        "the work was done once"
    );
}

#[tokio::test]
async fn the_same_key_arriving_twice_at_once_creates_one_row() {
    let app = TestApp::spawn_with(|s| s.workers = 2).await;
    let body = json!({"name": "七拱镇", "kind": "town"});
    let (a, b) = tokio::join!(
        create(&app, &app.office, "key-race", &body).send(),
        create(&app, &app.office, "key-race", &body).send()
    );
    let mut statuses = [
        a.expect("send").status().as_u16(),
        b.expect("send").status().as_u16(),
    ];
    statuses.sort();
    assert!(
        statuses == [201, 201] || statuses == [201, 409],
        "one does the work: {statuses:?}"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);
}

#[tokio::test]
async fn the_same_key_with_another_body_is_rejected() {
    let app = TestApp::spawn().await;
    create(
        &app,
        &app.office,
        "key-2",
        &json!({"name": "太平镇", "kind": "town"}),
    )
    .send()
    .await
    .expect("send");
    let other = create(
        &app,
        &app.office,
        "key-2",
        &json!({"name": "杜步镇", "kind": "town"}),
    )
    .send()
    .await
    .expect("send");
    let problem = assert_problem(other, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "idempotency_key_reused");
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);
}

#[tokio::test]
async fn the_same_key_from_another_user_does_not_replay_the_first_users_response() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "江英镇", "kind": "town"});
    let first = create(&app, &app.office, "shared-key", &body)
        .send()
        .await
        .expect("send");
    assert_eq!(first.status(), 201);
    let colleague = app.token(Role::Office, "office-colleague", None);
    let second = create(&app, &colleague, "shared-key", &body)
        .send()
        .await
        .expect("send");
    assert!(second.headers().get("idempotent-replayed").is_none());
    assert_problem(second, 409, "unit_name_taken").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 1);
}

#[tokio::test]
async fn a_rejected_first_attempt_is_replayed_as_rejected() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "", "kind": "town"});
    let first = create(&app, &app.office, "key-bad", &body)
        .send()
        .await
        .expect("send");
    assert_eq!(first.status(), 422);
    let again = create(&app, &app.office, "key-bad", &body)
        .send()
        .await
        .expect("send");
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_problem(again, 422, "validation_failed").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM idempotency_keys"), 1);
}

#[tokio::test]
async fn an_invalid_idempotency_key_is_400() {
    let app = TestApp::spawn().await;
    let long = "k".repeat(300);
    let response = create(
        &app,
        &app.office,
        &long,
        &json!({"name": "阳城镇", "kind": "town"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(response, 400, "invalid_idempotency_key").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_answered_and_a_foreign_one_refused() {
    let app = TestApp::spawn().await;
    let preflight = |origin: &str| {
        app.request(Method::OPTIONS, "/api/v1/units/1", None)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "PATCH")
            .header(
                "Access-Control-Request-Headers",
                "authorization, if-match, idempotency-key, content-type",
            )
            .send()
    };
    let allowed = preflight("https://oa.yangshan.example")
        .await
        .expect("send");
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://oa.yangshan.example"
    );
    let allowed_headers = allowed.headers()["access-control-allow-headers"]
        .to_str()
        .expect("ascii")
        .to_lowercase();
    for header in ["authorization", "if-match", "idempotency-key"] {
        assert!(
            allowed_headers.contains(header),
            "{header} allowed: {allowed_headers}"
        );
    }

    let foreign = preflight("https://evil.example").await.expect("send");
    assert!(
        foreign
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let status = foreign.status().as_u16();
    assert!(foreign.status().is_client_error(), "{status}");
    let problem: Value = foreign.json().await.expect("problem JSON");
    assert_eq!(problem["status"], status);
    assert_eq!(problem["code"], "cors_refused");

    let actual = app
        .request(Method::GET, "/api/v1/units", Some(&app.office))
        .header("Origin", "https://oa.yangshan.example")
        .send()
        .await
        .expect("send");
    let exposed = actual.headers()["access-control-expose-headers"]
        .to_str()
        .expect("ascii")
        .to_lowercase();
    assert!(
        exposed.contains("etag") && exposed.contains("location"),
        "{exposed}"
    );
}

/// Holds a row lock on the unit from outside the service, as a long transaction would.
fn lock_unit(app: &TestApp, unit_id: i64) -> diesel::PgConnection {
    let mut conn = app.db.owner();
    conn.batch_execute(&format!(
        "BEGIN; SELECT * FROM units WHERE id = {unit_id} FOR UPDATE;"
    ))
    .expect("lock");
    conn
}

#[tokio::test]
async fn a_statement_over_the_timeout_answers_503_and_changes_nothing() {
    let app = TestApp::spawn_with(|s| s.statement_timeout = Duration::from_millis(500)).await;
    let unit = app.create_unit("阳城镇", "town").await;
    let unit_id = unit["id"].as_i64().expect("id");
    let lock = lock_unit(&app, unit_id);
    let started = std::time::Instant::now();
    let response = app
        .patch(
            &format!("/api/v1/units/{unit_id}"),
            &app.office,
            "\"1\"",
            &json!({"name": "改名"}),
        )
        .await;
    assert!(response.headers().contains_key("retry-after"));
    assert_problem(response, 503, "service_unavailable").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "answered promptly"
    );
    drop(lock);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name = '阳城镇'"),
        1
    );
}

#[tokio::test]
async fn a_saturated_pool_answers_503_instead_of_hanging() {
    let app = TestApp::spawn_with(|s| {
        s.pool_size = 1;
        s.pool_timeout = Duration::from_millis(300);
        s.workers = 2;
    })
    .await;
    let unit = app.create_unit("阳城镇", "town").await;
    let unit_id = unit["id"].as_i64().expect("id");
    let lock = lock_unit(&app, unit_id);
    let path = format!("/api/v1/units/{unit_id}");
    let body = json!({"name": "改名"});
    // This write holds the only connection while it waits for the lock.
    let blocked = app.patch(&path, &app.office, "\"1\"", &body);
    let waiting = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let started = std::time::Instant::now();
        let response = app.get("/api/v1/units", &app.office).await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the wait for a connection is bounded"
        );
        assert_problem(response, 503, "service_unavailable").await;
    };
    let release = async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        drop(lock);
    };
    let (blocked, (), ()) = tokio::join!(blocked, waiting, release);
    assert_eq!(
        blocked.status(),
        200,
        "the blocked write finishes once the lock is released"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name = '改名'"),
        1
    );
}

#[tokio::test]
async fn two_instances_on_one_database_lose_and_duplicate_nothing() {
    let app = TestApp::spawn().await;
    let second = app.spawn_another_instance();
    let mut tasks = Vec::new();
    for n in 0..20 {
        let address = if n % 2 == 0 {
            app.address.clone()
        } else {
            second.clone()
        };
        let client = app.client.clone();
        let token = app.office.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"name": format!("县直单位{n}"), "kind": "county_department"});
            let key = format!("key-{n}");
            // Each request is sent twice, once to each instance, as a client retrying through a
            // load balancer would.
            let mut statuses = Vec::new();
            for _ in 0..2 {
                let response = client
                    .post(format!("{address}/api/v1/units"))
                    .bearer_auth(&token)
                    .header("Idempotency-Key", &key)
                    .json(&body)
                    .send()
                    .await
                    .expect("send");
                statuses.push(response.status().as_u16());
            }
            statuses
        }));
    }
    for task in tasks {
        let statuses = task.await.expect("task");
        assert_eq!(statuses, [201, 201], "created once, then replayed");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 20);
    assert_eq!(app.count("SELECT count(DISTINCT name) AS n FROM units"), 20);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), 20);
    assert!(app.verify_audit(None).is_ok());
    let other = reqwest::Client::new()
        .get(format!("{second}/api/v1/units?per_page=100"))
        .bearer_auth(&app.office)
        .send()
        .await
        .expect("send");
    let page: Value = other.json().await.expect("json");
    assert_eq!(page["total"], 20, "the second instance sees every row");
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_requests_in_flight() {
    let app = TestApp::spawn_with(|s| s.shutdown_timeout = Duration::from_secs(10)).await;
    let unit = app.create_unit("阳城镇", "town").await;
    let unit_id = unit["id"].as_i64().expect("id");
    let lock = lock_unit(&app, unit_id);
    let path = format!("/api/v1/units/{unit_id}");
    let body = json!({"name": "改名"});
    let in_flight = app.patch(&path, &app.office, "\"1\"", &body);
    let stop = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let stopping = app.handle.stop(true);
        tokio::time::sleep(Duration::from_millis(500)).await;
        drop(lock);
        stopping.await;
    };
    let (response, ()) = tokio::join!(in_flight, stop);
    assert_eq!(
        response.status(),
        200,
        "the request in flight was finished, not cut"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name = '改名'"),
        1
    );
    // Only our own server can complete its own future: unlike probing the freed port (which
    // another test process may have bound meanwhile), this cannot pass by accident.
    let server = app.server.lock().expect("server handle").take();
    let finished = tokio::time::timeout(Duration::from_secs(2), server.expect("server task"))
        .await
        .expect("the server task ends once stopped")
        .expect("the server task did not panic");
    assert!(finished.is_ok(), "the server stopped cleanly: {finished:?}");
}

/// A keyed leader creation, as a client that retries with the same key would send it.
fn keyed_leader(app: &TestApp, unit_id: i64, key: &str, name: &str) -> reqwest::RequestBuilder {
    app.request(
        Method::POST,
        &format!("/api/v1/units/{unit_id}/leaders"),
        Some(&app.office),
    )
    .header("Idempotency-Key", key)
    .json(&json!({"name": name, "position": "副书记", "is_first_responsible": false}))
}

/// Runs SQL as the superuser on the app's database (triggers, locks, killing backends).
fn superuser_sql(app: &TestApp, sql: &str) {
    app.db.superuser().batch_execute(sql).expect(sql);
}

/// Waits until one of the service's sessions is blocked on a lock, and returns its pid.
async fn blocked_service_backend(app: &TestApp) -> i32 {
    #[derive(diesel::QueryableByName)]
    struct Pid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        pid: i32,
    }
    let mut conn = app.db.superuser();
    for _ in 0..100 {
        let blocked: Vec<Pid> = diesel::RunQueryDsl::load(
            diesel::sql_query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND application_name = 'lianzheng' AND wait_event_type = 'Lock'",
            ),
            &mut conn,
        )
        .expect("read pg_stat_activity");
        if let Some(first) = blocked.first() {
            return first.pid;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no service session became blocked on the lock");
}

const REFUSE: &str = "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS \
    $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;";

#[tokio::test]
async fn a_response_that_cannot_be_stored_undoes_the_write_and_the_retry_runs_at_once() {
    let app = TestApp::spawn().await;
    let unit_id = app.create_unit("阳城镇", "town").await["id"]
        .as_i64()
        .expect("id");
    superuser_sql(
        &app,
        &format!(
            "{REFUSE} CREATE TRIGGER refuse_responses BEFORE INSERT OR UPDATE ON idempotency_keys \
             FOR EACH ROW WHEN (NEW.response_status IS NOT NULL) EXECUTE FUNCTION refuse();"
        ),
    );
    let first = keyed_leader(&app, unit_id, "key-store", "李明")
        .send()
        .await
        .expect("send");
    assert!(first.headers().contains_key("retry-after"));
    assert_problem(first, 503, "service_unavailable").await;
    let leaders = "SELECT count(*) AS n FROM leaders WHERE name = '李明'";
    assert_eq!(app.count(leaders), 0, "the write went with its response");
    assert_eq!(app.count("SELECT count(*) AS n FROM idempotency_keys"), 0);

    superuser_sql(&app, "DROP TRIGGER refuse_responses ON idempotency_keys");
    let started = std::time::Instant::now();
    let retry = keyed_leader(&app, unit_id, "key-store", "李明")
        .send()
        .await
        .expect("send");
    assert_eq!(retry.status(), 201, "the key was left free");
    assert!(retry.headers().get("idempotent-replayed").is_none());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "at once, not after a claim expires"
    );
    let replay = keyed_leader(&app, unit_id, "key-store", "李明")
        .send()
        .await
        .expect("send");
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(app.count(leaders), 1, "the work was done once");
}

#[tokio::test]
async fn a_write_whose_commit_fails_leaves_the_key_free_for_a_retry_that_succeeds_once() {
    let app = TestApp::spawn().await;
    let unit_id = app.create_unit("阳城镇", "town").await["id"]
        .as_i64()
        .expect("id");
    // Checked only at COMMIT: the handler's work succeeds, its transaction does not.
    superuser_sql(
        &app,
        &format!(
            "{REFUSE} CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON leaders \
             DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse();"
        ),
    );
    let first = keyed_leader(&app, unit_id, "key-commit", "王芳")
        .send()
        .await
        .expect("send");
    assert_problem(first, 503, "service_unavailable").await;
    let leaders = "SELECT count(*) AS n FROM leaders WHERE name = '王芳'";
    assert_eq!(app.count(leaders), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM idempotency_keys"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE resource = 'leader'"),
        0
    );

    superuser_sql(&app, "DROP TRIGGER refuse_at_commit ON leaders");
    let started = std::time::Instant::now();
    let retry = keyed_leader(&app, unit_id, "key-commit", "王芳")
        .send()
        .await
        .expect("send");
    assert_eq!(retry.status(), 201);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the retry ran at once"
    );
    assert_eq!(app.count(leaders), 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE resource = 'leader'"),
        1
    );
}

#[tokio::test]
async fn the_stored_response_and_the_write_commit_in_one_transaction() {
    let app = TestApp::spawn().await;
    let unit_id = app.create_unit("阳城镇", "town").await["id"]
        .as_i64()
        .expect("id");
    // SHARE blocks the response's INSERT but lets everybody read.
    let mut lock = app.db.superuser();
    lock.batch_execute("BEGIN; LOCK TABLE idempotency_keys IN SHARE MODE;")
        .expect("lock");
    let request = tokio::spawn(keyed_leader(&app, unit_id, "key-tx", "赵强").send());
    let pid = blocked_service_backend(&app).await;
    // The session waiting to store the response has already written the leader (it holds a
    // lock on `leaders`), yet nobody else sees it: the write waits for its response.
    let holds = app.count(&format!(
        "SELECT count(*) AS n FROM pg_locks WHERE pid = {pid} \
         AND relation = 'leaders'::regclass AND mode = 'RowExclusiveLock'"
    ));
    assert_eq!(holds, 1, "the blocked transaction wrote the leader");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM leaders WHERE name = '赵强'"),
        0
    );
    lock.batch_execute("COMMIT").expect("unlock");
    let response = request.await.expect("task").expect("send");
    assert_eq!(response.status(), 201);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM leaders WHERE name = '赵强'"),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM idempotency_keys WHERE response_status = 201"),
        1
    );
}

#[tokio::test]
async fn a_concurrent_duplicate_is_refused_at_once_and_the_work_is_done_once() {
    let app = TestApp::spawn().await;
    let unit_id = app.create_unit("阳城镇", "town").await["id"]
        .as_i64()
        .expect("id");
    let mut lock = app.db.superuser();
    lock.batch_execute("BEGIN; LOCK TABLE idempotency_keys IN SHARE MODE;")
        .expect("lock");
    let first = tokio::spawn(keyed_leader(&app, unit_id, "key-dup", "孙丽").send());
    blocked_service_backend(&app).await;
    let started = std::time::Instant::now();
    let duplicate = keyed_leader(&app, unit_id, "key-dup", "孙丽")
        .send()
        .await
        .expect("send");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "refused without waiting"
    );
    assert_problem(duplicate, 409, "idempotency_in_flight").await;
    lock.batch_execute("COMMIT").expect("unlock");
    assert_eq!(first.await.expect("task").expect("send").status(), 201);
    let retry = keyed_leader(&app, unit_id, "key-dup", "孙丽")
        .send()
        .await
        .expect("send");
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM leaders WHERE name = '孙丽'"),
        1
    );
}

/// Sends a request head and the first bytes of a body that never completes, and returns the
/// raw answer.
async fn trickle(app: &TestApp, path: &str, content_type: &str, first: &str) -> String {
    use std::io::{Read, Write};
    let address = app.address.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\n\
         Content-Type: {content_type}\r\nContent-Length: 1000\r\n\r\n{first}",
        app.office
    );
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        stream.write_all(head.as_bytes()).expect("write");
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("client thread")
}

#[tokio::test]
async fn a_body_trickled_slower_than_the_read_timeout_is_refused() {
    let app = TestApp::spawn_with(|s| s.body_read_timeout = Duration::from_secs(1)).await;
    let started = std::time::Instant::now();
    let answer = trickle(&app, "/api/v1/units", "application/json", "{").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"code\":\"body_timeout\""), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the body wait is bounded"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn an_upload_trickled_slower_than_the_read_timeout_is_refused() {
    let app = TestApp::spawn_with(|s| s.body_read_timeout = Duration::from_secs(1)).await;
    let started = std::time::Instant::now();
    let first =
        "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF";
    let answer = trickle(
        &app,
        "/api/v1/attachments",
        "multipart/form-data; boundary=b",
        first,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("\"code\":\"body_timeout\""), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the upload wait is bounded"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
}

#[tokio::test]
async fn a_retried_upload_with_the_same_key_replays_though_the_boundary_is_new() {
    let app = TestApp::spawn().await;
    let token = app.unit_token(1);
    let upload = || {
        let part = reqwest::multipart::Part::bytes("自查佐证材料".as_bytes().to_vec())
            .file_name("佐证.txt")
            .mime_str("text/plain")
            .expect("mime");
        // reqwest draws a new random boundary for every form, as browsers' FormData does.
        app.request(Method::POST, "/api/v1/attachments", Some(&token))
            .header("Idempotency-Key", "upload-retry-1")
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let first = upload().await.expect("first upload");
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.expect("json");
    let again = upload().await.expect("retried upload");
    assert_eq!(again.status(), 201, "the retry replays instead of 422");
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let again: Value = again.json().await.expect("json");
    assert_eq!(again["id"], first["id"]);
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 1);
}
