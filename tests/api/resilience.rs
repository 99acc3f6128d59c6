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
    let after = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await;
    assert!(after.is_err(), "the server no longer accepts connections");
}
