//! Every error, including actix's own, is problem+json with a stable code; nothing is stored.

use serde_json::json;

use crate::helpers::{TestApp, assert_problem, captured_logs};

#[tokio::test]
async fn malformed_json_is_400_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::POST, "/api/v1/units", Some(&app.office))
        .header("Content-Type", "application/json")
        .body(r#"{"name": "阳城镇", "kind": "#)
        .send()
        .await
        .expect("send");
    assert_problem(response, 400, "malformed_json").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::POST, "/api/v1/units", Some(&app.office))
        .header("Content-Type", "text/plain")
        .body("name=阳城镇")
        .send()
        .await
        .expect("send");
    assert_problem(response, 415, "unsupported_media_type").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn an_oversized_body_is_413_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "阳城镇", "kind": "town", "address": "长".repeat(100_000)});
    let response = app.post("/api/v1/units", &app.office, &body).await;
    assert_problem(response, 413, "payload_too_large").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = TestApp::spawn().await;
    assert_problem(
        app.get("/api/v1/no-such-thing", &app.office).await,
        404,
        "not_found",
    )
    .await;
    let bare = app
        .request(reqwest::Method::GET, "/nothing/here", None)
        .send()
        .await
        .expect("send");
    assert_problem(bare, 404, "not_found").await;
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::PUT, "/api/v1/units/1", Some(&app.office))
        .send()
        .await
        .expect("send");
    let allow = response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_problem(response, 405, "method_not_allowed").await;
    for method in ["GET", "PATCH", "DELETE"] {
        assert!(allow.contains(method), "Allow lists {method}: {allow}");
    }
}

#[tokio::test]
async fn bad_query_strings_and_path_ids_are_clear_problems() {
    let app = TestApp::spawn().await;
    // A page parameter that is no number at all is named, like one out of range.
    let problem = assert_problem(
        app.get("/api/v1/units?per_page=many", &app.office).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "per_page");
    assert_eq!(problem["errors"][0]["code"], "not_an_integer");
    assert_problem(
        app.get("/api/v1/units?kind=village", &app.office).await,
        400,
        "invalid_query",
    )
    .await;
    let problem = assert_problem(
        app.get("/api/v1/units?per_page=1000&page=0", &app.office)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"].as_array().map(Vec::len), Some(2));
    assert_problem(
        app.get("/api/v1/units/abc", &app.office).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::GET, "/healthz", None)
        .header("X-Request-Id", "trace-abc-123")
        .send()
        .await
        .expect("send");
    assert_eq!(response.headers()["x-request-id"], "trace-abc-123");
    let fresh = app.get("/api/v1/units", &app.office).await;
    assert_eq!(
        fresh.headers()["x-request-id"].len(),
        36,
        "a generated UUID"
    );
}

#[tokio::test]
async fn no_log_line_ever_contains_a_token() {
    let app = TestApp::spawn().await;
    let valid = app.office.clone();
    let forged = format!("{}x", app.office);
    app.get("/api/v1/units", &valid).await;
    app.get("/api/v1/units", &forged).await;
    app.post(
        "/api/v1/units",
        &valid,
        &json!({"name": "阳城镇", "kind": "town"}),
    )
    .await;
    app.request(reqwest::Method::GET, "/api/v1/units", None)
        .header("Authorization", format!("Token {valid}"))
        .send()
        .await
        .expect("send");
    let logs = captured_logs();
    assert!(
        logs.contains("request finished"),
        "the requests were logged"
    );
    let signature = valid.rsplit('.').next().expect("signature");
    assert!(
        !logs.contains(&valid) && !logs.contains(signature),
        "a token leaked into the logs"
    );
    assert!(
        !logs.contains(crate::helpers::TEST_SECRET),
        "the secret leaked into the logs"
    );
}
