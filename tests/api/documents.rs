//! The two families of documents: what a unit submits (self-inspection, accountability
//! report) and what a team signs (score sheet, team report). Each member of a family keeps
//! the same record of its life; these tests pin the places where the members once drifted.

use serde_json::{Value, json};

use lianzheng::auth::Role;

use crate::helpers::TestApp;

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
