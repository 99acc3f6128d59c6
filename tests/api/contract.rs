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

/// Whether `text` holds a CJK ideograph.
fn has_chinese(text: &str) -> bool {
    text.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

/// The `operationId`s (with tag) whose summary has no Chinese, among the operations `keep`s.
fn summaries_without_chinese(keep: impl Fn(&str) -> bool) -> Vec<String> {
    let spec: Value = serde_json::from_str(&lianzheng::openapi::spec_json()).expect("spec JSON");
    operations(&spec)
        .into_iter()
        .filter(|(_, _, op)| keep(op["tags"][0].as_str().unwrap_or_default()))
        .filter(|(_, _, op)| !op["summary"].as_str().is_some_and(has_chinese))
        .map(|(_, _, op)| {
            let id = op["operationId"].as_str().unwrap_or("?");
            format!("{id} ({})", op["tags"][0].as_str().unwrap_or("untagged"))
        })
        .collect()
}

/// The tags whose handlers the issue 12 sweep has reached.
const SWEPT_TAGS: &[&str] = &["units", "leaders", "cycles", "forms", "teams", "health"];

#[test]
fn every_swept_operation_has_a_chinese_summary() {
    let missing = summaries_without_chinese(|tag| SWEPT_TAGS.contains(&tag));
    assert_eq!(missing, Vec::<String>::new(), "summaries without Chinese");
}

#[test]
fn every_operation_has_a_chinese_summary() {
    let missing = summaries_without_chinese(|_| true);
    assert_eq!(missing, Vec::<String>::new(), "summaries without Chinese");
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
