//! Cross-origin calls from a browser front end: which request headers a preflight may name
//! (the API's own, plus `CORS_EXTRA_REQUEST_HEADERS`) and which response headers it can read.

use actix_web::http::header::HeaderName;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::TestApp;

/// The origin the test settings allow.
const PORTAL: &str = "https://oa.yangshan.example";

/// A preflight from the portal for a PATCH naming `headers`.
async fn preflight(app: &TestApp, headers: &str) -> reqwest::Response {
    app.request(Method::OPTIONS, "/api/v1/units/1", None)
        .header("Origin", PORTAL)
        .header("Access-Control-Request-Method", "PATCH")
        .header("Access-Control-Request-Headers", headers)
        .send()
        .await
        .expect("send the preflight")
}

/// The lower-cased, comma-separated names of a response's header `name`.
fn names(response: &reqwest::Response, name: &str) -> Vec<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("an ASCII header").to_lowercase())
        .unwrap_or_default()
        .split(',')
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect()
}

#[tokio::test]
async fn a_preflight_may_name_every_request_header_the_api_reads() {
    let app = TestApp::spawn().await;
    let api_headers = [
        "authorization",
        "content-type",
        "accept",
        "accept-language",
        "if-match",
        "if-none-match",
        "idempotency-key",
        "x-request-id",
    ];
    let response = preflight(&app, &api_headers.join(", ")).await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(response.headers()["access-control-allow-origin"], PORTAL);
    let allowed = names(&response, "access-control-allow-headers");
    for header in api_headers {
        assert!(
            allowed.iter().any(|a| a == header),
            "{header} allowed: {allowed:?}"
        );
    }
}

#[tokio::test]
async fn a_preflight_naming_another_header_is_refused_unless_configured() {
    let app = TestApp::spawn().await;
    let response = preflight(&app, "authorization, x-trace-id").await;
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    let status = response.status().as_u16();
    assert_eq!(status, 400);
    let problem: Value = response.json().await.expect("problem JSON");
    assert_eq!(problem["code"], "cors_refused");
    assert_eq!(problem["status"], status);

    let configured = TestApp::spawn_with(|settings| {
        settings.cors_extra_request_headers = vec![
            HeaderName::from_static("x-trace-id"),
            HeaderName::from_static("x-portal-user"),
        ];
    })
    .await;
    let response = preflight(&configured, "authorization, X-Trace-Id, x-portal-user").await;
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(response.headers()["access-control-allow-origin"], PORTAL);
    let allowed = names(&response, "access-control-allow-headers");
    for header in ["x-trace-id", "x-portal-user", "authorization"] {
        assert!(
            allowed.iter().any(|a| a == header),
            "{header} allowed: {allowed:?}"
        );
    }
    // Still only the configured ones.
    let response = preflight(&configured, "x-trace-id, x-other").await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn a_cross_origin_response_exposes_every_header_a_client_reads() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::GET, "/api/v1/units", Some(&app.office))
        .header("Origin", PORTAL)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], PORTAL);
    let exposed = names(&response, "access-control-expose-headers");
    for header in [
        "etag",
        "location",
        "retry-after",
        "x-request-id",
        "idempotent-replayed",
        "content-disposition",
    ] {
        assert!(
            exposed.iter().any(|e| e == header),
            "{header} exposed: {exposed:?}"
        );
    }
}
