//! Score sheets: access by team, deductions, per-item ETags, signing, final sheets, reopening.

use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{Sheet, record, sheet};
use crate::helpers::{TestApp, assert_problem};

fn put_item(
    app: &TestApp,
    s: &Sheet,
    token: &str,
    code: &str,
    etag: &str,
    body: Value,
) -> reqwest::RequestBuilder {
    app.request(
        Method::PUT,
        &format!("{}/items/{code}", record(s)),
        Some(token),
    )
    .header("If-Match", etag)
    .json(&body)
}

/// The town form's item 1.3 (专题研究) has a per-occurrence rule with a cap; find its rule.
async fn capped_item(app: &TestApp, s: &Sheet) -> (String, Value, String) {
    let form: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{}/forms/town", s.f.cycle),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    let item = form["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["rules"][0]["per_occurrence"] == true && !i["rules"][0]["cap"].is_null())
        .cloned()
        .expect("a capped per-occurrence rule");
    (
        item["code"].as_str().expect("code").to_owned(),
        item["rules"][0].clone(),
        item["max_points"].as_str().expect("max").to_owned(),
    )
}

#[tokio::test]
async fn a_member_of_another_team_neither_reads_nor_edits_the_sheet() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let (code, _, _) = capped_item(&app, &s).await;
    put_item(
        &app,
        &s,
        &s.member1,
        &code,
        "\"0\"",
        json!({"evidence_notes": "查阅党委会议记录"}),
    )
    .send()
    .await
    .expect("send");
    let read = assert_problem(app.get(&record(&s), &s.other_team).await, 404, "not_found").await;
    assert!(!read.to_string().contains("查阅党委会议记录"));
    let write = put_item(
        &app,
        &s,
        &s.other_team,
        &code,
        "\"1\"",
        json!({"evidence_notes": "改写"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(write, 404, "not_found").await;
    let office = put_item(
        &app,
        &s,
        &app.office,
        &code,
        "\"1\"",
        json!({"evidence_notes": "改写"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(office, 403, "forbidden").await;
    // The unit itself is told its sheet is not published yet; another unit sees nothing.
    let own = assert_problem(
        app.get(&record(&s), &app.unit_token(s.f.town)).await,
        403,
        "not_published",
    )
    .await;
    assert!(!own.to_string().contains("查阅党委会议记录"));
    assert_problem(
        app.get(&record(&s), &app.unit_token(s.f.dept)).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM record_items WHERE evidence_notes = '查阅党委会议记录'"
        ),
        1
    );
    assert_eq!(app.get(&record(&s), &app.office).await.status(), 200);
}

#[tokio::test]
async fn deductions_outside_their_rules_range_or_over_its_cap_are_rejected() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let (code, rule, _) = capped_item(&app, &s).await;
    let over_max = format!(
        "{}.50",
        rule["points"]["max"]
            .as_str()
            .expect("max")
            .split('.')
            .next()
            .expect("int")
    );
    let outside = json!({"deductions": [
        {"rule_code": rule["code"], "occurrences": 1, "points": over_max, "kind": "other"}
    ]});
    let problem = assert_problem(
        put_item(&app, &s, &s.member1, &code, "\"0\"", outside)
            .send()
            .await
            .expect("send"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "outside_rule_range");
    let max = rule["points"]["max"].as_str().expect("max");
    let over_cap = json!({"deductions": [
        {"rule_code": rule["code"], "occurrences": 20, "points": max, "kind": "other"}
    ]});
    let problem = assert_problem(
        put_item(&app, &s, &s.member1, &code, "\"0\"", over_cap)
            .send()
            .await
            .expect("send"),
        422,
        "validation_failed",
    )
    .await;
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["code"].as_str().unwrap_or(""))
        .collect();
    assert!(codes.contains(&"over_cap"), "{problem}");
    let free = json!({"deductions": [
        {"rule_code": null, "points": "1.00", "kind": "integrity_violation"}
    ]});
    assert_problem(
        put_item(&app, &s, &s.member1, &code, "\"0\"", free)
            .send()
            .await
            .expect("send"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM record_items"), 0);
}

#[tokio::test]
async fn an_item_never_goes_below_zero_and_differences_from_the_self_score_are_flagged() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let (code, rule, max) = capped_item(&app, &s).await;
    let body = json!({"deductions": [
        {"rule_code": rule["code"], "occurrences": 1, "points": rule["points"]["min"],
         "kind": "other"},
        {"rule_code": null, "points": max, "grounds": "班子成员违规收受礼金1起", "kind": "integrity_violation"}
    ]});
    let response = put_item(&app, &s, &s.member1, &code, "\"0\"", body)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let item: Value = response.json().await.expect("json");
    assert_eq!(item["points"], "0.00");
    let sheet: Value = app
        .get(&record(&s), &s.leader)
        .await
        .json()
        .await
        .expect("json");
    let full: Vec<&Value> = sheet["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["item_code"] != code.as_str())
        .collect();
    assert!(
        full.iter().all(|i| i["points"] == i["max_points"]),
        "untouched items keep full marks"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM record_items WHERE item_code = '{code}' AND points = 0"
        )),
        1
    );
}

#[tokio::test]
async fn two_members_writing_the_same_item_with_the_same_etag_lose_no_update() {
    let app = TestApp::spawn_with(|c| c.workers = 2).await;
    let s = sheet(&app).await;
    let (code, _, _) = capped_item(&app, &s).await;
    let (a, b) = tokio::join!(
        put_item(
            &app,
            &s,
            &s.member1,
            &code,
            "\"0\"",
            json!({"evidence_notes": "成员一的记录"})
        )
        .send(),
        put_item(
            &app,
            &s,
            &s.member2,
            &code,
            "\"0\"",
            json!({"evidence_notes": "成员二的记录"})
        )
        .send()
    );
    let (a, b) = (a.expect("send"), b.expect("send"));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 412],
        "one wins, one is told its copy is stale"
    );
    let loser = if a.status() == 412 { a } else { b };
    assert_problem(loser, 412, "precondition_failed").await;
    let sheet: Value = app
        .get(&record(&s), &s.leader)
        .await
        .json()
        .await
        .expect("json");
    let item = sheet["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item_code"] == code.as_str())
        .cloned()
        .expect("item");
    assert_eq!(item["etag"], "\"1\"");
    let winner_note = item["evidence_notes"].as_str().expect("note").to_owned();
    // The loser reads the item again and writes on top of the winner's version.
    let retry = put_item(
        &app,
        &s,
        &s.member2,
        &code,
        "\"1\"",
        json!({"evidence_notes": format!("{winner_note}；补充")}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(retry.status(), 200);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM record_items WHERE evidence_notes = '{winner_note}；补充'"
        )),
        1
    );
}

#[tokio::test]
async fn two_members_writing_different_items_at_once_both_succeed() {
    let app = TestApp::spawn_with(|c| c.workers = 2).await;
    let s = sheet(&app).await;
    let codes: Vec<String> = s.f.items.iter().take(2).map(|(c, _)| c.clone()).collect();
    let (a, b) = tokio::join!(
        put_item(
            &app,
            &s,
            &s.member1,
            &codes[0],
            "\"0\"",
            json!({"evidence_notes": "一"})
        )
        .send(),
        put_item(
            &app,
            &s,
            &s.member2,
            &codes[1],
            "\"0\"",
            json!({"evidence_notes": "二"})
        )
        .send()
    );
    assert_eq!(a.expect("send").status(), 200);
    assert_eq!(b.expect("send").status(), 200);
    assert_eq!(app.count("SELECT count(*) AS n FROM record_items"), 2);
}

#[tokio::test]
async fn the_sheet_is_final_only_when_all_have_signed_and_a_change_voids_signatures() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let (code, _, _) = capped_item(&app, &s).await;
    put_item(
        &app,
        &s,
        &s.member1,
        &code,
        "\"0\"",
        json!({"evidence_notes": "记录"}),
    )
    .send()
    .await
    .expect("send");
    let early = app
        .post(
            &format!("{}/signatures", record(&s)),
            &s.member1,
            &json!({}),
        )
        .await;
    assert_problem(early, 409, "not_awaiting_signatures").await;
    assert_eq!(
        app.post(&format!("{}/submit", record(&s)), &s.member1, &json!({}))
            .await
            .status(),
        200
    );

    let first: Value = app
        .post(
            &format!("{}/signatures", record(&s)),
            &s.member1,
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(first["status"], "awaiting_signatures");
    assert_eq!(
        first["signatures"][0]["content_sha256"], first["content_sha256"],
        "the signature hashes the content as it stands"
    );
    assert_problem(
        app.post(
            &format!("{}/signatures", record(&s)),
            &s.member1,
            &json!({}),
        )
        .await,
        409,
        "already_signed",
    )
    .await;

    // A change after the first signature voids it.
    put_item(
        &app,
        &s,
        &s.member2,
        &code,
        "\"1\"",
        json!({"evidence_notes": "修改后的记录"}),
    )
    .send()
    .await
    .expect("send");
    let after: Value = app
        .get(&record(&s), &s.leader)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(after["signatures"].as_array().map(Vec::len), Some(0));
    assert_eq!(
        app.count("SELECT count(*) AS n FROM signatures WHERE voided_at IS NOT NULL"),
        1
    );

    for (token, expected) in [
        (&s.member1, "awaiting_signatures"),
        (&s.member2, "awaiting_signatures"),
        (&s.leader, "final"),
    ] {
        let signed: Value = app
            .post(&format!("{}/signatures", record(&s)), token, &json!({}))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(signed["status"], expected);
    }
    let edit = put_item(
        &app,
        &s,
        &s.member1,
        &code,
        "\"2\"",
        json!({"evidence_notes": "终稿后修改"}),
    )
    .send()
    .await
    .expect("send");
    assert_problem(edit, 409, "record_final").await;
    let referral = app
        .post(
            &format!("{}/referrals", record(&s)),
            &s.member1,
            &json!({"facts": "x", "decision": "y"}),
        )
        .await;
    assert_problem(referral, 409, "record_final").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM record_items WHERE evidence_notes = '终稿后修改'"),
        0
    );
}

#[tokio::test]
async fn only_the_office_reopens_a_final_sheet_and_only_with_a_reason() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let referral = json!({"facts": "2014年5月因安全生产监管失职被追究纪律责任",
                          "decision": "阳纪发〔2014〕12号"});
    app.post(&format!("{}/referrals", record(&s)), &s.member1, &referral)
        .await;
    app.post(&format!("{}/submit", record(&s)), &s.leader, &json!({}))
        .await;
    for token in [&s.member1, &s.member2, &s.leader] {
        app.post(&format!("{}/signatures", record(&s)), token, &json!({}))
            .await;
    }
    let final_sheet: Value = app
        .get(&record(&s), &app.office)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(final_sheet["status"], "final");

    assert_problem(
        app.post(&format!("{}/reopen", record(&s)), &app.office, &json!({}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.post(
            &format!("{}/reopen", record(&s)),
            &s.leader,
            &json!({"reason": "x"}),
        )
        .await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM reopenings"), 0);
    let reopened = app
        .post(
            &format!("{}/reopen", record(&s)),
            &app.office,
            &json!({"reason": "审核发现第4.2项扣分依据不足"}),
        )
        .await;
    assert_eq!(reopened.status(), 200);
    let reopened: Value = reopened.json().await.expect("json");
    assert_eq!(reopened["status"], "open");
    assert_eq!(reopened["round"], 2);
    assert_eq!(reopened["referrals"][0]["decision"], "阳纪发〔2014〕12号");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM signatures"),
        3,
        "the old signatures stay on record"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM signatures WHERE void_reason LIKE 'reopened:%'"),
        3
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM reopenings \
             WHERE content->'content' IS NOT NULL AND reason = '审核发现第4.2项扣分依据不足'"
        ),
        1
    );
    assert_problem(
        app.post(
            &format!("{}/reopen", record(&s)),
            &app.office,
            &json!({"reason": "再次"}),
        )
        .await,
        409,
        "not_final",
    )
    .await;
}

fn report(s: &Sheet) -> String {
    format!(
        "/api/v1/assessment-cycles/{}/units/{}/team-report",
        s.f.cycle, s.f.town
    )
}

fn put_report(
    app: &TestApp,
    s: &Sheet,
    token: &str,
    etag: &str,
    body: Value,
) -> reqwest::RequestBuilder {
    app.request(Method::PUT, &report(s), Some(token))
        .header("If-Match", etag)
        .json(&body)
}

/// The ETag the team report's GET sends now.
async fn report_etag(app: &TestApp, s: &Sheet) -> String {
    app.get(&report(s), &s.leader).await.headers()["etag"]
        .to_str()
        .expect("etag")
        .to_owned()
}

fn full_report() -> Value {
    json!({
        "overall_evaluation": "该镇党委能认真履行党风廉政建设主体责任，总体评价为较好。",
        "problems_found": "廉政风险防控措施落实不到位。",
        "rectification_advice": "完善廉政风险点台账，按季度公开村级财务。"
    })
}

#[tokio::test]
async fn the_team_report_is_written_submitted_late_and_signed_by_all() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let first = report_etag(&app, &s).await;
    let partial = put_report(
        &app,
        &s,
        &s.member1,
        &first,
        json!({"overall_evaluation": "较好"}),
    )
    .send()
    .await
    .expect("send");
    assert_eq!(partial.status(), 200);
    let second = partial.headers()["etag"].to_str().expect("etag").to_owned();
    assert_problem(
        app.post(&format!("{}/submit", report(&s)), &s.member1, &json!({}))
            .await,
        422,
        "validation_failed",
    )
    .await;
    let stale = put_report(&app, &s, &s.member2, &first, full_report())
        .send()
        .await
        .expect("send");
    assert_problem(stale, 412, "precondition_failed").await;
    assert_eq!(
        put_report(&app, &s, &s.member2, &second, full_report())
            .send()
            .await
            .expect("send")
            .status(),
        200
    );
    assert_problem(
        put_report(&app, &s, &s.other_team, "*", full_report())
            .send()
            .await
            .expect("send"),
        404,
        "not_found",
    )
    .await;

    // The cycle's team-report date (2014-10-15) is long past: the report is late, and accepted.
    let submitted: Value = app
        .post(&format!("{}/submit", report(&s)), &s.leader, &json!({}))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(submitted["status"], "awaiting_signatures");
    assert_eq!(submitted["late"], true);
    // Like the sheet's, the audit record names the content submitted; the report adds its mark.
    let hash = submitted["content_sha256"]
        .as_str()
        .expect("content_sha256");
    let recorded = app.count(&format!(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'submit_for_signature' \
         AND resource = 'team_report' AND changes->'after'->>'content_sha256' = '{hash}' \
         AND changes->'after'->>'late' = 'true' \
         AND changes->'after'->>'status' = 'awaiting_signatures'"
    ));
    assert_eq!(recorded, 1, "the submission's audit record");
    for (token, expected) in [
        (&s.leader, "awaiting_signatures"),
        (&s.member1, "awaiting_signatures"),
        (&s.member2, "final"),
    ] {
        let signed: Value = app
            .post(&format!("{}/signatures", report(&s)), token, &json!({}))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(signed["status"], expected);
    }
    let current = report_etag(&app, &s).await;
    let edit = put_report(&app, &s, &s.member1, &current, full_report())
        .send()
        .await
        .expect("send");
    assert_problem(edit, 409, "report_final").await;
    let reopened = app
        .post(
            &format!("{}/reopen", report(&s)),
            &app.office,
            &json!({"reason": "报告内容需与评分表一致"}),
        )
        .await;
    assert_eq!(reopened.status(), 200);
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM signatures \
             WHERE document_kind = 'team_report' AND voided_at IS NOT NULL"
        ),
        3
    );
}

#[tokio::test]
async fn the_demo_sheets_signatures_match_their_content() {
    let app = TestApp::spawn().await;
    let mut conn = app.db.app();
    lianzheng::seed::seed_demo(&mut conn, &app.signer).expect("seed the demo county");
    let cycle = app.count("SELECT id AS n FROM assessment_cycles WHERE year = 2014");
    let unit = app.count(&format!(
        "SELECT min(unit_id) AS n FROM scoring_records WHERE status = 'final' \
         AND cycle_id = {cycle}"
    ));
    let sheet: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/scoring-record"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(sheet["status"], "final");
    let signatures = sheet["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), 3);
    for signature in signatures {
        assert_eq!(signature["content_sha256"], sheet["content_sha256"]);
    }
    assert!(
        sheet["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| i["self_score"].is_string()),
        "self-scores beside"
    );
}

#[tokio::test]
async fn a_referral_is_withdrawn_by_the_team_until_the_sheet_is_final() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let created: Value = app
        .post(
            &format!("{}/referrals", record(&s)),
            &s.member1,
            &json!({"facts": "失职被追究纪律责任", "decision": "阳纪发〔2014〕12号"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let id = created["referrals"][0]["id"].as_i64().expect("id");
    let path = format!("{}/referrals/{id}", record(&s));
    assert_problem(
        app.request(Method::DELETE, &path, Some(&s.other_team))
            .send()
            .await
            .expect("send"),
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.request(Method::DELETE, &path, Some(&app.office))
            .send()
            .await
            .expect("send"),
        403,
        "forbidden",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM referrals"), 1);
    let removed = app
        .request(Method::DELETE, &path, Some(&s.member2))
        .send()
        .await
        .expect("send");
    assert_eq!(removed.status(), 204);
    assert_eq!(app.count("SELECT count(*) AS n FROM referrals"), 0);
    assert_problem(
        app.request(Method::DELETE, &path, Some(&s.member2))
            .send()
            .await
            .expect("send"),
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn sheet_items_carry_their_rules_and_deductions_cite_a_rule_by_its_code() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let (code, _, _) = capped_item(&app, &s).await;
    let sheet: Value = app
        .get(&record(&s), &s.member1)
        .await
        .json()
        .await
        .expect("json");
    let item = sheet["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item_code"] == code.as_str())
        .expect("the item")
        .clone();
    let rule = &item["rules"][0];
    assert_eq!(rule["code"], format!("{code}-R1"));
    assert!(rule["grounds"].is_string() && rule["per_occurrence"] == true);
    assert!(rule["points"]["min"].is_string() && rule["cap"].is_string());
    let body = json!({"deductions": [
        {"rule_code": rule["code"], "occurrences": 1, "points": rule["points"]["min"],
         "kind": "other"}
    ]});
    let scored = put_item(&app, &s, &s.member1, &code, "\"0\"", body)
        .send()
        .await
        .expect("send");
    assert_eq!(scored.status(), 200);
    let scored: Value = scored.json().await.expect("json");
    assert_eq!(scored["deductions"][0]["rule_code"], rule["code"]);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM record_items
              WHERE deductions -> 0 ->> 'rule_code' = '{code}-R1'"
        )),
        1
    );
    let by_index = json!({"deductions": [
        {"rule": 0, "occurrences": 1, "points": rule["points"]["min"], "kind": "other"}
    ]});
    let refused = put_item(&app, &s, &s.member1, &code, "\"1\"", by_index)
        .send()
        .await
        .expect("send");
    assert_problem(refused, 422, "validation_failed").await;
    let unknown = json!({"deductions": [
        {"rule_code": "9.9-R1", "occurrences": 1, "points": "1.00", "kind": "other"}
    ]});
    let problem = assert_problem(
        put_item(&app, &s, &s.member1, &code, "\"1\"", unknown)
            .send()
            .await
            .expect("send"),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "unknown_rule");
    assert_eq!(problem["errors"][0]["field"], "deductions[0].rule_code");
}

#[tokio::test]
async fn a_new_signature_records_canonical_version_2_and_matches_the_sheet() {
    let app = TestApp::spawn().await;
    let s = sheet(&app).await;
    let submitted = app
        .post(&format!("{}/submit", record(&s)), &s.member1, &json!({}))
        .await;
    assert_eq!(submitted.status(), 200);
    let signed: Value = app
        .post(&format!("{}/signatures", record(&s)), &s.leader, &json!({}))
        .await
        .json()
        .await
        .expect("json");
    let signature = &signed["signatures"][0];
    assert_eq!(signature["canonical_version"], 2);
    assert_eq!(signature["content_sha256"], signed["content_sha256"]);
    assert_eq!(signature["content_matches"], true);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM signatures WHERE canonical_version = 2"),
        1
    );
}
