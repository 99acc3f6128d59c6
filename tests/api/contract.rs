//! The OpenAPI contract: committed, complete, and every documented route protected.

use serde_json::Value;

use crate::helpers::TestApp;

/// Routes that need no token: the probes, and the account-less ballot calls.
const OPEN_ROUTES: &[&str] = &[
    "/healthz",
    "/readyz",
    "/api/v1/ballots",
    "/api/v1/ballots/form",
];
/// The open routes that take a body: without a valid one they answer 422, never 401.
const BALLOT_ROUTES: &[&str] = &["/api/v1/ballots", "/api/v1/ballots/form"];

#[test]
fn the_committed_contract_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    let generated = lianzheng::openapi::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json`"
    );
}

fn operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    ops
}

#[test]
fn every_operation_is_named_tagged_and_documents_its_errors() {
    let spec: Value = serde_json::from_str(&lianzheng::openapi::spec_json()).expect("spec JSON");
    let ops = operations(&spec);
    assert!(
        ops.len() >= 14,
        "all routes are in the contract, found {}",
        ops.len()
    );
    for (method, path, op) in ops {
        assert!(
            op["operationId"].is_string(),
            "{method} {path} has an operationId"
        );
        assert!(
            op["tags"].as_array().is_some_and(|t| !t.is_empty()),
            "{method} {path} has a tag"
        );
        assert!(
            op["responses"]["500"].is_object(),
            "{method} {path} documents 500"
        );
        let open = OPEN_ROUTES.contains(&path.as_str());
        assert_eq!(op["security"].is_array(), !open, "{method} {path} security");
        if !open {
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path} documents 401"
            );
        }
    }
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn every_documented_operation_exists_and_refuses_a_call_without_a_token() {
    let app = TestApp::spawn().await;
    let spec: Value = serde_json::from_str(&lianzheng::openapi::spec_json()).expect("spec JSON");
    for (method, path, _) in operations(&spec) {
        let concrete = path
            .split('/')
            .map(|s| if s.starts_with('{') { "1" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let response = app
            .request(method.clone(), &concrete, None)
            .header("Content-Type", "application/json")
            .body("{}")
            .send()
            .await
            .expect("send");
        let status = response.status().as_u16();
        if BALLOT_ROUTES.contains(&path.as_str()) {
            assert_eq!(status, 422, "{method} {path} is open and reads its body");
            continue;
        }
        if OPEN_ROUTES.contains(&path.as_str()) {
            assert_eq!(status, 200, "{method} {path} is open");
            continue;
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        assert_eq!(status, 401, "{method} {path} without a token");
        assert_eq!(content_type, "application/problem+json", "{method} {path}");
    }
}
