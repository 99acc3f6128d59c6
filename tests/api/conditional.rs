//! One conditional-request scheme across the API: `If-Match` compares strongly and accepts
//! exactly the tag the GET sent, `If-None-Match` compares weakly and takes lists and `*`, and
//! every tag covers everything its response shows.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{Sheet, record, sheet};
use crate::helpers::{TestApp, assert_problem};

fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"]
        .to_str()
        .expect("ascii etag")
        .to_owned()
}

async fn get_if_none_match(app: &TestApp, path: &str, token: &str, tag: &str) -> u16 {
    app.request(Method::GET, path, Some(token))
        .header("If-None-Match", tag)
        .send()
        .await
        .expect("send")
        .status()
        .as_u16()
}

fn team_report(s: &Sheet) -> String {
    format!(
        "/api/v1/assessment-cycles/{}/units/{}/team-report",
        s.f.cycle, s.f.town
    )
}

#[tokio::test]
async fn the_team_reports_put_accepts_the_etag_its_get_sent() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let read = app.get(&team_report(&s), &s.member1).await;
    assert_eq!(read.status(), 200);
    let tag = etag(&read);
    let body = json!({"overall_evaluation": "总体评价为较好"});
    let saved = app
        .request(Method::PUT, &team_report(&s), Some(&s.member1))
        .header("If-Match", &tag)
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(saved.status(), 200, "the GET's own tag is current");
    let new_tag = etag(&saved);
    assert_ne!(new_tag, tag);
    let again = app.get(&team_report(&s), &s.member1).await;
    assert_eq!(etag(&again), new_tag, "PUT and GET send the same tag");
    let stale = app
        .request(Method::PUT, &team_report(&s), Some(&s.member2))
        .header("If-Match", &tag)
        .json(&json!({"overall_evaluation": "较差"}))
        .send()
        .await
        .expect("send");
    assert_problem(stale, 412, "precondition_failed").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM team_reports WHERE overall_evaluation = '较差'"),
        0
    );
}

fn self_inspection(s: &Sheet) -> String {
    format!(
        "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
        s.f.cycle, s.f.town
    )
}

/// The town saves a draft with every item at `first` points (item 0 only) and submits it.
async fn submit_self_score(app: &TestApp, s: &Sheet, if_match: Option<&str>, first: &str) {
    let token = app.unit_token(s.f.town);
    let mut scores: Vec<Value> =
        s.f.items
            .iter()
            .map(|(code, max)| json!({"item_code": code, "points": max}))
            .collect();
    scores[0]["points"] = json!(first);
    let body = json!({"report": "我镇党委认真履行主体责任。", "scores": scores});
    let mut put = app
        .request(Method::PUT, &self_inspection(s), Some(&token))
        .json(&body);
    if let Some(tag) = if_match {
        put = put.header("If-Match", tag);
    }
    let saved = put.send().await.expect("send");
    assert!(
        saved.status().is_success(),
        "draft saved: {}",
        saved.status()
    );
    let submitted = app
        .post(
            &format!("{}/submit", self_inspection(s)),
            &token,
            &json!({}),
        )
        .await;
    assert_eq!(submitted.status(), 200);
}

#[tokio::test]
async fn the_sheets_etag_changes_when_the_unit_resubmits_a_changed_self_score() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    submit_self_score(&app, &s, None, "1.00").await;
    let before = app.get(&record(&s), &s.leader).await;
    let tag = etag(&before);
    let before: Value = before.json().await.expect("json");
    assert_eq!(before["items"][0]["self_score"], "1.00");

    let returned = app
        .post(
            &format!("{}/return", self_inspection(&s)),
            &app.office,
            &json!({"reason": "第1项自评分依据不足"}),
        )
        .await;
    assert_eq!(returned.status(), 200);
    let unit_tag = etag(&returned);
    submit_self_score(&app, &s, Some(&unit_tag), "2.00").await;

    let after = app
        .request(Method::GET, &record(&s), Some(&s.leader))
        .header("If-None-Match", &tag)
        .send()
        .await
        .expect("send");
    assert_eq!(after.status(), 200, "the self-score shown has changed");
    assert_ne!(etag(&after), tag);
    let after: Value = after.json().await.expect("json");
    assert_eq!(after["items"][0]["self_score"], "2.00");
}

#[tokio::test]
async fn if_none_match_compares_weakly_and_takes_lists_and_a_star() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("阳城镇", "town").await;
    let path = format!("/api/v1/units/{}", unit["id"]);
    let tag = etag(&app.get(&path, &app.office).await);
    assert_eq!(tag, "\"1\"");
    for header in ["W/\"1\"", "\"1\"", "\"9\", W/\"1\"", "*"] {
        assert_eq!(
            get_if_none_match(&app, &path, &app.office, header).await,
            304,
            "If-None-Match: {header}"
        );
    }
    for header in ["\"2\"", "W/\"2\", \"3\""] {
        assert_eq!(
            get_if_none_match(&app, &path, &app.office, header).await,
            200,
            "If-None-Match: {header}"
        );
    }
}

#[tokio::test]
async fn if_match_compares_strongly_so_a_weak_tag_changes_nothing() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("阳城镇", "town").await;
    let path = format!("/api/v1/units/{}", unit["id"]);
    let weak = app
        .patch(
            &path,
            &app.office,
            "W/\"1\"",
            &json!({"name": "阳城镇人民政府"}),
        )
        .await;
    assert_problem(weak, 412, "precondition_failed").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM units WHERE name = '阳城镇人民政府'"),
        0
    );
    let listed = app
        .patch(
            &path,
            &app.office,
            "\"7\", \"1\"",
            &json!({"name": "阳城镇人民政府"}),
        )
        .await;
    assert_eq!(listed.status(), 200, "a list naming the current tag passes");
}

#[tokio::test]
async fn if_match_star_passes_on_an_item_put_as_it_does_on_patch() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let code = &s.f.items[0].0;
    let response = app
        .request(
            Method::PUT,
            &format!("{}/items/{code}", record(&s)),
            Some(&s.member1),
        )
        .header("If-Match", "*")
        .json(&json!({"deductions": [], "evidence_notes": "查阅会议记录"}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM record_items WHERE evidence_notes = '查阅会议记录'"),
        1
    );
    let methods = app
        .request(
            Method::PUT,
            &format!("{}/methods", record(&s)),
            Some(&s.member1),
        )
        .header("If-Match", "*")
        .json(&json!({"methods": ["hearing_report"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(methods.status(), 200, "and on the methods");
}

#[tokio::test]
async fn the_score_sheet_answers_304_to_a_weak_copy_of_its_own_tag() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let tag = etag(&app.get(&record(&s), &s.leader).await);
    assert!(tag.starts_with('"'), "a strong tag: {tag}");
    let weak = format!("W/{tag}");
    assert_eq!(
        get_if_none_match(&app, &record(&s), &s.leader, &weak).await,
        304
    );
}
