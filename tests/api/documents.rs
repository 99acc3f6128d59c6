//! The two families of documents: what a unit submits (self-inspection, accountability
//! report) and what a team signs (score sheet, team report). Each member of a family keeps
//! the same record of its life; these tests pin the places where the members once drifted.

use serde_json::{Value, json};

use lianzheng::auth::Role;

use crate::helpers::{TestApp, assert_problem};

/// 小江镇 in the demo's 2014 cycle: its sheet is final and its team report open (team 3).
const FINAL_TOWN: &str = "/api/v1/assessment-cycles/1/units/9";

/// Writes, submits and has all three of team 3 sign the team report; returns it as final.
async fn final_team_report(app: &TestApp) -> Value {
    let path = format!("{FINAL_TOWN}/team-report");
    let member = app.token(Role::Inspector, "insp-3-a", None);
    let got = app.get(&path, &member).await;
    assert_eq!(got.status(), 200, "read the report");
    let tag = got.headers()["etag"].to_str().expect("ETag").to_owned();
    let put = app
        .request(reqwest::Method::PUT, &path, Some(&member))
        .header("If-Match", tag)
        .json(&json!({
            "overall_evaluation": "总体评价为较好。",
            "problems_found": "村务公开不及时。",
            "rectification_advice": "按季度公开村级财务。"
        }))
        .send()
        .await
        .expect("PUT");
    assert_eq!(put.status(), 200, "write the report");
    let leader = app.token(Role::Inspector, "insp-3-leader", None);
    let submit = app
        .post(&format!("{path}/submit"), &leader, &json!({}))
        .await;
    assert_eq!(submit.status(), 200, "submit the report");
    let mut last = Value::Null;
    for who in ["insp-3-leader", "insp-3-a", "insp-3-b"] {
        let token = app.token(Role::Inspector, who, None);
        let signed = app
            .post(&format!("{path}/signatures"), &token, &json!({}))
            .await;
        assert_eq!(signed.status(), 201, "{who} signs");
        last = signed.json().await.expect("report JSON");
    }
    assert_eq!(last["status"], "final", "signed by all: {last}");
    last
}

#[tokio::test]
async fn reopening_a_team_report_keeps_the_version_its_signatures_named() {
    let app = TestApp::spawn_demo().await;
    let report = final_team_report(&app).await;
    let version = report["version"].as_i64().expect("version");
    let reopened = app
        .post(
            &format!("{FINAL_TOWN}/team-report/reopen"),
            &app.office,
            &json!({"reason": "报告内容需与评分表一致"}),
        )
        .await;
    assert_eq!(reopened.status(), 200, "reopen");
    let kept = app.count(&format!(
        "SELECT count(*) AS n FROM reopenings WHERE document_kind = 'team_report' \
         AND (content->>'version')::int = {version} \
         AND jsonb_array_length(content->'signatures') = 3"
    ));
    assert_eq!(
        kept, 1,
        "the snapshot names version {version} beside its three signatures"
    );
}

#[tokio::test]
async fn the_audit_record_of_a_team_report_reopening_names_the_round_before() {
    let app = TestApp::spawn_demo().await;
    let report = final_team_report(&app).await;
    assert_eq!(report["round"], 1, "the first round");
    let reopened = app
        .post(
            &format!("{FINAL_TOWN}/team-report/reopen"),
            &app.office,
            &json!({"reason": "报告内容需与评分表一致"}),
        )
        .await;
    assert_eq!(reopened.status(), 200, "reopen");
    let body: Value = reopened.json().await.expect("report JSON");
    assert_eq!(body["round"], 2, "a new round begins");
    let records = app.count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'reopen' \
         AND resource = 'team_report' AND changes->'before'->>'round' = '1' \
         AND changes->'after'->>'round' = '2'",
    );
    assert_eq!(
        records, 1,
        "the audit record says which round closed and which began"
    );
}

/// 阳城镇 in the demo's 2014 cycle: its sheet is open (team 1) and its self-inspection submitted.
const TOWN: &str = "/api/v1/assessment-cycles/1/units/1";
/// 七拱镇, held by team 2.
const OTHER_TOWN: &str = "/api/v1/assessment-cycles/1/units/2";

#[tokio::test]
async fn a_unit_is_refused_a_team_write_for_its_role_alone_on_its_own_sheet_and_another() {
    let app = TestApp::spawn_demo().await;
    let items = "SELECT count(*) AS n FROM record_items";
    let (before, audit) = (
        app.count(items),
        app.count("SELECT count(*) AS n FROM audit_log"),
    );
    let unit = app.unit_token(1);
    for sheet in [TOWN, OTHER_TOWN] {
        let response = app
            .post(&format!("{sheet}/scoring-record/submit"), &unit, &json!({}))
            .await;
        // The same answer for its own sheet and another unit's: it says nothing of either.
        assert_problem(response, 403, "forbidden").await;
    }
    assert_eq!(app.count(items), before, "no item changed");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        audit,
        "nothing recorded"
    );
}

#[tokio::test]
async fn scoring_an_item_answers_the_item_exactly_as_the_sheet_then_shows_it() {
    let app = TestApp::spawn_demo().await;
    let member = app.token(Role::Inspector, "insp-1-a", None);
    let sheet: Value = app
        .get(&format!("{TOWN}/scoring-record"), &member)
        .await
        .json()
        .await
        .expect("sheet JSON");
    let item = &sheet["items"][0];
    let code = item["item_code"].as_str().expect("item code");
    let etag = item["etag"].as_str().expect("item ETag");
    let put = app
        .request(
            reqwest::Method::PUT,
            &format!("{TOWN}/scoring-record/items/{code}"),
            Some(&member),
        )
        .header("If-Match", etag)
        .json(&json!({"deductions": [], "evidence_notes": "查阅党委会议记录"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(put.status(), 200, "scored");
    let header = put.headers()["etag"].to_str().expect("ETag").to_owned();
    let written: Value = put.json().await.expect("item JSON");
    assert_ne!(written["etag"], item["etag"], "a new ETag");
    assert_eq!(
        written["etag"],
        header.as_str(),
        "the header carries the item's ETag"
    );
    let after: Value = app
        .get(&format!("{TOWN}/scoring-record"), &member)
        .await
        .json()
        .await
        .expect("sheet JSON");
    let shown = after["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["item_code"] == code))
        .expect("the item on the sheet");
    assert_eq!(
        &written, shown,
        "the answer is the item as the sheet shows it"
    );
    assert_eq!(written["evidence_notes"], "查阅党委会议记录");
}
