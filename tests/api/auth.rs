//! Every way a token can fail, tokens from an asymmetric issuer, and role scopes.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use lianzheng::auth::Role;
use lianzheng::config::IssuerSettings;
use serde_json::{Value, json};

use crate::helpers::{TEST_SECRET, TestApp, assert_problem};

const OA_ISSUER: &str = "https://oa.yangshan.example";

fn now() -> i64 {
    jsonwebtoken::get_current_timestamp() as i64
}

fn claims() -> Value {
    json!({
        "iss": "lianzheng-cli", "aud": "lianzheng", "sub": "admin", "name": "管理员",
        "role": "office", "exp": now() + 3600, "iat": now()
    })
}

fn hs256(claims: &Value, secret: &[u8]) -> String {
    encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .expect("encode")
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

async fn list_with(app: &TestApp, token: &str) -> reqwest::Response {
    app.get("/api/v1/units", token).await
}

#[tokio::test]
async fn a_valid_cli_token_is_accepted() {
    let app = TestApp::spawn().await;
    let response = list_with(&app, &hs256(&claims(), TEST_SECRET.as_bytes())).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_request_without_a_token_is_401_with_www_authenticate() {
    let app = TestApp::spawn().await;
    let response = app
        .request(reqwest::Method::GET, "/api/v1/units", None)
        .send()
        .await
        .expect("send");
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    assert_problem(response, 401, "token_missing").await;
    let basic = app
        .request(reqwest::Method::GET, "/api/v1/units", None)
        .header("Authorization", "Basic YWRtaW46YWRtaW4=")
        .send()
        .await
        .expect("send");
    assert_problem(basic, 401, "token_missing").await;
}

#[tokio::test]
async fn a_token_signed_with_another_secret_is_rejected() {
    let app = TestApp::spawn().await;
    let token = hs256(&claims(), b"another-secret-0123456789abcdef0123456789");
    assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
}

#[tokio::test]
async fn a_token_expired_beyond_the_leeway_is_rejected_but_within_it_accepted() {
    let app = TestApp::spawn().await;
    let expired = hs256(
        &with(claims(), "exp", json!(now() - 300)),
        TEST_SECRET.as_bytes(),
    );
    assert_problem(list_with(&app, &expired).await, 401, "token_expired").await;
    let within_leeway = hs256(
        &with(claims(), "exp", json!(now() - 5)),
        TEST_SECRET.as_bytes(),
    );
    assert_eq!(list_with(&app, &within_leeway).await.status(), 200);
}

#[tokio::test]
async fn a_token_whose_nbf_is_in_the_future_is_rejected() {
    let app = TestApp::spawn().await;
    let token = hs256(
        &with(claims(), "nbf", json!(now() + 600)),
        TEST_SECRET.as_bytes(),
    );
    assert_problem(list_with(&app, &token).await, 401, "token_not_yet_valid").await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_rejected() {
    let app = TestApp::spawn().await;
    let token = hs256(
        &with(claims(), "aud", json!("some-other-service")),
        TEST_SECRET.as_bytes(),
    );
    let problem = assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("audience")
    );
}

#[tokio::test]
async fn a_token_from_an_unknown_issuer_is_rejected() {
    let app = TestApp::spawn().await;
    let token = hs256(
        &with(claims(), "iss", json!("https://evil.example")),
        TEST_SECRET.as_bytes(),
    );
    assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
    let no_issuer = {
        let mut c = claims();
        c.as_object_mut().expect("object").remove("iss");
        hs256(&c, TEST_SECRET.as_bytes())
    };
    assert_problem(list_with(&app, &no_issuer).await, 401, "token_invalid").await;
}

#[tokio::test]
async fn an_unsigned_alg_none_token_is_rejected() {
    let app = TestApp::spawn().await;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims().to_string());
    for token in [
        format!("{header}.{payload}."),
        format!("{header}.{payload}"),
    ] {
        assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
    }
}

#[tokio::test]
async fn a_string_typed_exp_is_rejected() {
    let app = TestApp::spawn().await;
    let token = hs256(
        &with(claims(), "exp", json!((now() + 3600).to_string())),
        TEST_SECRET.as_bytes(),
    );
    assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
}

#[tokio::test]
async fn a_token_without_exp_is_rejected() {
    let app = TestApp::spawn().await;
    let mut c = claims();
    c.as_object_mut().expect("object").remove("exp");
    assert_problem(
        list_with(&app, &hs256(&c, TEST_SECRET.as_bytes())).await,
        401,
        "token_invalid",
    )
    .await;
}

#[tokio::test]
async fn unknown_roles_and_unit_tokens_without_a_unit_are_rejected() {
    let app = TestApp::spawn().await;
    let admin = hs256(
        &with(claims(), "role", json!("admin")),
        TEST_SECRET.as_bytes(),
    );
    assert_problem(list_with(&app, &admin).await, 401, "token_invalid").await;
    let unit = hs256(
        &with(claims(), "role", json!("unit")),
        TEST_SECRET.as_bytes(),
    );
    assert_problem(list_with(&app, &unit).await, 401, "token_invalid").await;
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).expect("ascii"))
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

struct EcIssuer {
    pkcs8: Vec<u8>,
    public_pem: String,
}

fn ec_key_pair() -> EcIssuer {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .expect("generate EC key");
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
        .expect("parse EC key");
    let spki = pair.public_key().as_der().expect("SPKI");
    EcIssuer {
        pkcs8: pkcs8.as_ref().to_vec(),
        public_pem: pem("PUBLIC KEY", spki.as_ref()),
    }
}

fn rsa_public_pem() -> String {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rsa::{KeyPair, KeySize};
    use aws_lc_rs::signature::KeyPair as _;
    let pair = KeyPair::generate(KeySize::Rsa2048).expect("generate RSA key");
    pem(
        "PUBLIC KEY",
        pair.public_key().as_der().expect("SPKI").as_ref(),
    )
}

fn oa_issuer(algorithm: Algorithm, kid: Option<&str>, public_pem: &str) -> IssuerSettings {
    IssuerSettings {
        issuer: OA_ISSUER.to_owned(),
        algorithm,
        kid: kid.map(str::to_owned),
        public_key_pem: Some(public_pem.to_owned()),
        public_key_file: None,
        secret: None,
    }
}

fn oa_claims() -> Value {
    json!({
        "iss": OA_ISSUER, "aud": "lianzheng", "sub": "oa-user-1001", "name": "陈晓红",
        "role": "office", "exp": now() + 3600, "nbf": now() - 10
    })
}

#[tokio::test]
async fn a_token_from_an_es256_portal_issuer_is_accepted_and_its_kid_checked() {
    let keys = ec_key_pair();
    let public = keys.public_pem.clone();
    let app = TestApp::spawn_with(move |s| {
        s.extra_issuers = vec![oa_issuer(Algorithm::ES256, Some("2014-1"), &public)]
    })
    .await;
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some("2014-1".to_owned());
    let token = encode(
        &header,
        &oa_claims(),
        &EncodingKey::from_ec_der(&keys.pkcs8),
    )
    .expect("sign ES256");
    assert_eq!(list_with(&app, &token).await.status(), 200);

    header.kid = Some("another-key".to_owned());
    let wrong_kid = encode(
        &header,
        &oa_claims(),
        &EncodingKey::from_ec_der(&keys.pkcs8),
    )
    .expect("sign ES256");
    assert_problem(list_with(&app, &wrong_kid).await, 401, "token_invalid").await;

    let other = ec_key_pair();
    header.kid = Some("2014-1".to_owned());
    let forged = encode(
        &header,
        &oa_claims(),
        &EncodingKey::from_ec_der(&other.pkcs8),
    )
    .expect("sign ES256");
    assert_problem(list_with(&app, &forged).await, 401, "token_invalid").await;
}

#[tokio::test]
async fn an_rs256_issuers_public_key_used_as_an_hs256_secret_is_rejected() {
    let public = rsa_public_pem();
    let key = public.clone();
    let app = TestApp::spawn_with(move |s| {
        s.extra_issuers = vec![oa_issuer(Algorithm::RS256, None, &key)]
    })
    .await;
    let token = hs256(&oa_claims(), public.as_bytes());
    let problem = assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("HS256"),
        "{problem}"
    );
}

#[tokio::test]
async fn a_cli_issuer_token_signed_with_another_algorithm_is_rejected() {
    let keys = ec_key_pair();
    let app = TestApp::spawn().await;
    let token = encode(
        &Header::new(Algorithm::ES256),
        &claims(),
        &EncodingKey::from_ec_der(&keys.pkcs8),
    )
    .expect("sign");
    assert_problem(list_with(&app, &token).await, 401, "token_invalid").await;
}

#[tokio::test]
async fn roles_other_than_the_office_cannot_register_units() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "阳城镇", "kind": "town"});
    for token in [app.inspector_token(), app.unit_token(1)] {
        assert_problem(
            app.post("/api/v1/units", &token, &body).await,
            403,
            "forbidden",
        )
        .await;
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn the_token_cli_mints_a_token_the_service_accepts() {
    let app = TestApp::spawn().await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .args([
            "token",
            "--role",
            "unit",
            "--sub",
            "yc-01",
            "--unit-id",
            "7",
            "--ttl",
            "10m",
        ])
        .env("JWT_SECRET", TEST_SECRET)
        .env("JWT_ISSUER", "lianzheng-cli")
        .env("JWT_AUDIENCE", "lianzheng")
        .output()
        .expect("run lianzheng token");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout)
        .expect("utf8")
        .trim()
        .to_owned();
    let response = list_with(&app, &token).await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.expect("json");
    assert_eq!(
        page["total"], 0,
        "unit 7 does not exist, so a unit token sees nothing"
    );
    let _ = (Role::Unit, Duration::ZERO);
}
