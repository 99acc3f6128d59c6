//! Probes.

use crate::helpers::{TestApp, assert_problem};

#[tokio::test]
async fn healthz_and_readyz_answer_without_a_token() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let response = app
            .request(reqwest::Method::GET, path, None)
            .send()
            .await
            .expect("send");
        assert_eq!(response.status(), 200, "{path}");
    }
}

#[tokio::test]
async fn readyz_is_503_with_retry_after_when_the_database_is_dropped_under_it() {
    let app = TestApp::spawn().await;
    app.db.drop_now();
    let response = app
        .request(reqwest::Method::GET, "/readyz", None)
        .send()
        .await
        .expect("send");
    assert!(response.headers().contains_key("retry-after"));
    assert_problem(response, 503, "service_unavailable").await;
    // A data call fails the same way, promptly, not with a 500.
    let response = app.get("/api/v1/units", &app.office).await;
    assert_problem(response, 503, "service_unavailable").await;
}

#[tokio::test]
async fn swagger_ui_is_served_and_redirected_to() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let redirect = client
        .get(format!("{}/swagger-ui", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(redirect.status(), 308);
    assert_eq!(redirect.headers()["location"], "/swagger-ui/");
    let page = client
        .get(format!("{}/swagger-ui/", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("swagger"));
    // The token pasted into Authorize is kept across reloads; the contract is the served one.
    let initializer = client
        .get(format!("{}/swagger-ui/swagger-initializer.js", app.address))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("js");
    let compact: String = initializer.split_whitespace().collect();
    assert!(
        compact.contains("\"persistAuthorization\":true"),
        "{initializer}"
    );
    assert!(
        initializer.contains("/api-docs/openapi.json"),
        "{initializer}"
    );
    let served: serde_json::Value = client
        .get(format!("{}/api-docs/openapi.json", app.address))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("contract");
    assert_eq!(served, lianzheng::openapi::spec());
}
