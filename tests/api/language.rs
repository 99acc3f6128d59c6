//! Problems answer in Chinese by default and in English on `Accept-Language: en`, with the same
//! `code`; every code the source uses has its Chinese.

use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem};

/// Sends `POST /units` with `body` and the given `Accept-Language`.
async fn create_unit(app: &TestApp, body: &Value, language: Option<&str>) -> reqwest::Response {
    let mut request = app
        .request(reqwest::Method::POST, "/api/v1/units", Some(&app.office))
        .json(body);
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    request.send().await.expect("send")
}

fn content_language(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("content-language")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_refused_write_answers_in_chinese_by_default_and_in_english_on_request() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "  ", "kind": "township", "colour": "red"});

    let chinese = create_unit(&app, &body, None).await;
    assert_eq!(content_language(&chinese), "zh-CN");
    let problem = assert_problem(chinese, 422, "validation_failed").await;
    assert_eq!(problem["title"], "校验未通过");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("请求中有无效的字段")
    );
    let errors = problem["errors"].as_array().expect("errors");
    // A parse failure (the unknown field) does not hide the other offending field.
    let named: Vec<&str> = errors.iter().filter_map(|e| e["field"].as_str()).collect();
    assert!(
        named.contains(&"colour") && named.contains(&"name"),
        "{problem}"
    );
    let blank = errors.iter().find(|e| e["field"] == "name").expect("name");
    assert_eq!(blank["code"], "blank");
    assert_eq!(blank["message"], "`name` 不能为空白");

    let english = create_unit(&app, &body, Some("en-US,en;q=0.9")).await;
    assert_eq!(content_language(&english), "en");
    let problem = assert_problem(english, 422, "validation_failed").await;
    assert_eq!(problem["title"], "Unprocessable Entity");
    let errors = problem["errors"].as_array().expect("errors");
    let blank = errors.iter().find(|e| e["field"] == "name").expect("name");
    assert_eq!(blank["code"], "blank");
    assert_eq!(blank["message"], "`name` must not be blank");

    // A browser that prefers Chinese but accepts English gets Chinese.
    let mixed = create_unit(&app, &body, Some("zh-CN,zh;q=0.9,en;q=0.8")).await;
    assert_eq!(content_language(&mixed), "zh-CN");
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn refusals_before_any_handler_answer_in_the_callers_language_too() {
    let app = TestApp::spawn().await;
    // No token: refused by the extractor.
    let anonymous = app
        .request(reqwest::Method::GET, "/api/v1/units", None)
        .send()
        .await
        .expect("send");
    let problem = assert_problem(anonymous, 401, "token_missing").await;
    assert_eq!(problem["title"], "未认证");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("缺少登录令牌")
    );

    // A NUL in the query: refused by the guard middleware.
    let hostile = app
        .request(
            reqwest::Method::GET,
            "/api/v1/units?q=%00",
            Some(&app.office),
        )
        .header("Accept-Language", "en")
        .send()
        .await
        .expect("send");
    let problem = assert_problem(hostile, 422, "validation_failed").await;
    assert_eq!(problem["title"], "Unprocessable Entity");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("NUL")
    );

    // A missing object: Chinese first, the English particulars kept in brackets.
    let missing = app.get("/api/v1/units/999999", &app.office).await;
    let problem = assert_problem(missing, 404, "not_found").await;
    let detail = problem["detail"].as_str().unwrap_or_default();
    assert!(
        detail.starts_with("对象不存在，或不在您的权限范围内"),
        "{detail}"
    );
}

/// Every literal string in `text` that follows `marker` (`code: "x"`).
fn literals_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let end = rest.find('"')?;
            let code = &rest[..end];
            code.chars()
                .all(|c| c.is_ascii_lowercase() || c == '_')
                .then(|| code.to_owned())
        })
        .collect()
}

fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).expect("source"));
        }
    }
}

#[test]
fn every_problem_code_in_the_source_has_its_chinese() {
    use lianzheng::error::messages::{FIELDS, PROBLEMS};
    let mut texts = Vec::new();
    sources(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut texts,
    );
    let mut missing = Vec::new();
    for text in &texts {
        for code in literals_after(text, "code: \"") {
            if !PROBLEMS.iter().any(|(c, _)| *c == code) {
                missing.push(code);
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "problem codes without Chinese"
    );
    assert!(FIELDS.iter().any(|(c, _)| *c == "blank"));
}
