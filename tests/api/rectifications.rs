//! Rectification (issue 15 item 5; plan §5): a unit at or below the line at publication owes
//! a written explanation and a rectification plan, due at the end of the day (Asia/Shanghai)
//! 30 days after the publication in which it first owes; a late one is marked late; the office
//! returns it with a reason or accepts it; a republication withdraws the duty of a unit that
//! no longer owes and dates a newly owing one from itself; `published → archived` needs every
//! owed one accepted; the office's list says which are overdue; the units' and the office's
//! tasks follow (issue 17).
//!
//! The arrangement: the demo county's cycle in review (3), given in SQL what publication needs,
//! its line raised to 95.00 so that a routine score of 4.00 (a total of 94.00) owes and one of
//! 9.50 (99.50) does not, and the county committee's approval recorded through the API.

use chrono::{DateTime, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use reqwest::Method;
use serde_json::{Value, json};

use crate::catalogue::REVIEW_CYCLE;
use crate::helpers::{TestApp, assert_problem};

/// 阳城镇: 9.50, never owes.
const SAFE: i64 = 1;
/// 七拱镇: 4.00 at the first publication, 9.50 at the second: withdrawn.
const WITHDRAWN: i64 = 2;
/// 太平镇: 4.00 at both publications: keeps its deadline.
const STILL: i64 = 3;
/// 县委办公室: 9.50, then 4.00 at the second publication: newly owing.
const NEWLY: i64 = 14;

fn exec(app: &TestApp, sql: &str) {
    app.db.owner().batch_execute(sql).expect(sql);
}

/// 10:00 in Beijing on 20 November 2014.
fn first_publication() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2014, 11, 20, 2, 0, 0)
        .single()
        .expect("a valid time")
}

fn path(unit: i64, rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/units/{unit}/rectification{rest}")
}

fn list_path(query: &str) -> String {
    format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/rectifications{query}")
}

fn set_routine(app: &TestApp, unit: i64, score: &str) {
    exec(
        app,
        &format!(
            "UPDATE routine_scores SET score = {score} \
             WHERE cycle_id = {REVIEW_CYCLE} AND unit_id = {unit}"
        ),
    );
}

/// Gives every assessed unit of the review cycle what publication needs (in SQL), routine
/// scores of 9.50 but 4.00 for `owing`, a line of 95.00, the notice's reference, and records
/// the county committee's approval (the demo has the other two decisions).
async fn ready(app: &TestApp, owing: &[i64]) {
    let c = REVIEW_CYCLE;
    exec(
        app,
        &format!(
            "UPDATE assessment_cycles SET rectification_line = 95.00 WHERE id = {c};
             UPDATE result_settings SET document_ref = '阳纪通〔2014〕3号' WHERE cycle_id = {c};
             INSERT INTO scoring_records (cycle_id, unit_id, status)
                 SELECT cycle_id, unit_id, 'final' FROM cycle_units
                 WHERE cycle_id = {c} AND status = 'assessed'
                 ON CONFLICT DO NOTHING;
             UPDATE scoring_records SET status = 'final' WHERE cycle_id = {c};
             DELETE FROM record_items WHERE record_id IN
                 (SELECT id FROM scoring_records WHERE cycle_id = {c});
             INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by)
                 SELECT cycle_id, unit_id, 9.50, '良好', 'office-admin' FROM cycle_units
                 WHERE cycle_id = {c} AND status = 'assessed'
                 ON CONFLICT DO NOTHING;
             UPDATE routine_scores SET score = 9.50 WHERE cycle_id = {c};
             INSERT INTO team_reports (cycle_id, unit_id, status)
                 SELECT cycle_id, unit_id, 'final' FROM cycle_units
                 WHERE cycle_id = {c} AND status = 'assessed'
                 ON CONFLICT DO NOTHING;
             UPDATE team_reports SET status = 'final' WHERE cycle_id = {c};
             INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, reason,
                 set_by, set_by_name)
                 SELECT {c}, l.unit_id, l.id, l.name, 'good', '平时掌握情况较好',
                     'office-admin', '办公室'
                 FROM leaders l JOIN cycle_units cu ON cu.unit_id = l.unit_id
                 WHERE cu.cycle_id = {c} AND cu.status = 'assessed'
                 ON CONFLICT DO NOTHING;"
        ),
    );
    for unit in owing {
        set_routine(app, *unit, "4.00");
    }
    let approval = json!({
        "kind": "county_committee_approval", "document_ref": "阳委〔2014〕31号",
        "decided_on": "2014-11-18"
    });
    let recorded = app
        .post(
            &format!("/api/v1/assessment-cycles/{c}/decisions"),
            &app.office,
            &approval,
        )
        .await;
    assert_eq!(recorded.status(), 201, "record the approval");
}

async fn transition(app: &TestApp, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/transitions"),
        &app.office,
        &body,
    )
    .await
}

async fn publish(app: &TestApp) {
    let published = transition(app, json!({"to": "published"})).await;
    let status = published.status();
    assert_eq!(
        status,
        200,
        "{}",
        published.text().await.unwrap_or_default()
    );
}

async fn reopen(app: &TestApp) {
    let note = "经县纪委常委会同意退回更正日常考核得分";
    let reopened = transition(app, json!({"to": "review", "note": note})).await;
    assert_eq!(reopened.status(), 200, "reopen");
}

async fn json_of(response: reqwest::Response, status: u16) -> (Value, Option<String>) {
    let got = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.expect("body");
    assert_eq!(got, status, "{text}");
    (serde_json::from_str(&text).expect("json"), etag)
}

async fn get(app: &TestApp, unit: i64, token: &str) -> (Value, Option<String>) {
    json_of(app.get(&path(unit, ""), token).await, 200).await
}

async fn put(app: &TestApp, unit: i64, if_match: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app
        .request(Method::PUT, &path(unit, ""), Some(&app.unit_token(unit)))
        .json(body);
    if let Some(tag) = if_match {
        request = request.header("If-Match", tag);
    }
    request.send().await.expect("PUT")
}

fn draft() -> Value {
    json!({
        "explanation": "本单位考核得分低于整改线，主要原因是廉政风险防控制度执行不到位",
        "plan": "一、12月底前完成全部岗位廉政风险点排查；二、建立季度督查通报制度",
        "attachment_ids": []
    })
}

/// The unit writes and submits its rectification; returns the view submitted.
async fn write_and_submit(app: &TestApp, unit: i64) -> Value {
    let started = put(app, unit, None, &draft()).await;
    json_of(started, 201).await;
    let submit = app
        .post(&path(unit, "/submit"), &app.unit_token(unit), &json!({}))
        .await;
    json_of(submit, 200).await.0
}

async fn accept(app: &TestApp, unit: i64) -> reqwest::Response {
    app.post(&path(unit, "/accept"), &app.office, &json!({}))
        .await
}

async fn listed(app: &TestApp, query: &str) -> Vec<Value> {
    let (list, _) = json_of(app.get(&list_path(query), &app.office).await, 200).await;
    list["items"].as_array().cloned().unwrap_or_default()
}

fn units_of(rows: &[Value]) -> Vec<i64> {
    rows.iter().filter_map(|r| r["unit_id"].as_i64()).collect()
}

async fn tasks(app: &TestApp, token: &str) -> Vec<Value> {
    let (list, _) = json_of(app.get("/api/v1/me/tasks", token).await, 200).await;
    list["items"].as_array().cloned().unwrap_or_default()
}

fn task<'a>(items: &'a [Value], kind: &str, unit: i64) -> Option<&'a Value> {
    items
        .iter()
        .find(|t| t["kind"] == kind && t["unit_id"] == unit)
}

#[tokio::test]
async fn a_unit_at_or_below_the_line_owes_a_rectification_due_30_days_after_publication() {
    let app = TestApp::spawn_demo_at(first_publication()).await;
    ready(&app, &[WITHDRAWN]).await;
    let own = app.unit_token(WITHDRAWN);

    // Before publication: withheld from the unit, and nothing to write.
    assert_problem(
        app.get(&path(WITHDRAWN, ""), &own).await,
        403,
        "not_published",
    )
    .await;
    let early = put(&app, WITHDRAWN, None, &draft()).await;
    assert_problem(early, 403, "not_published").await;
    assert!(task(&tasks(&app, &own).await, "submit_rectification", WITHDRAWN).is_none());

    publish(&app).await;
    let (owed, etag) = get(&app, WITHDRAWN, &own).await;
    assert_eq!(owed["status"], "owed", "{owed}");
    // 20 November (Beijing) + 30 days: due at the end of 20 December, Asia/Shanghai.
    assert_eq!(owed["due_on"], "2014-12-20", "{owed}");
    assert_eq!(owed["owed_since"], "2014-11-20T02:00:00Z", "{owed}");
    assert_eq!(owed["late"], false);
    assert_eq!(etag.as_deref(), Some("\"1\""));
    // A unit above the line owes none; the office sees the owing unit's.
    assert_problem(
        app.get(&path(SAFE, ""), &app.unit_token(SAFE)).await,
        404,
        "not_found",
    )
    .await;
    get(&app, WITHDRAWN, &app.office).await;
    assert_eq!(units_of(&listed(&app, "").await), vec![WITHDRAWN]);

    // Another unit's is hidden (404), to read and to write.
    let other = app.unit_token(SAFE);
    assert_problem(
        app.get(&path(WITHDRAWN, ""), &other).await,
        404,
        "not_found",
    )
    .await;
    let foreign = app
        .request(Method::PUT, &path(WITHDRAWN, ""), Some(&other))
        .json(&draft())
        .send()
        .await
        .expect("PUT");
    assert_problem(foreign, 404, "not_found").await;
    // A unit does not read the office's list.
    assert_problem(app.get(&list_path(""), &own).await, 403, "forbidden").await;

    // The unit's task, due on the deadline; the clock turns it overdue after that day only.
    let items = tasks(&app, &own).await;
    let owed_task = task(&items, "submit_rectification", WITHDRAWN).expect("task");
    assert_eq!(owed_task["due"], "2014-12-20");
    assert_eq!(owed_task["overdue"], false);
    app.clock.set(
        Utc.with_ymd_and_hms(2014, 12, 20, 15, 59, 0)
            .single()
            .expect("a valid time"),
    );
    let items = tasks(&app, &own).await;
    assert_eq!(
        task(&items, "submit_rectification", WITHDRAWN).expect("present")["overdue"],
        false
    );
    assert!(
        !listed(&app, "").await[0]["overdue"]
            .as_bool()
            .expect("present")
    );
    app.clock.set(
        Utc.with_ymd_and_hms(2014, 12, 20, 16, 0, 1)
            .single()
            .expect("a valid time"),
    );
    let items = tasks(&app, &own).await;
    assert_eq!(
        task(&items, "submit_rectification", WITHDRAWN).expect("present")["overdue"],
        true
    );
    assert_eq!(
        units_of(&listed(&app, "?overdue=true").await),
        vec![WITHDRAWN]
    );
    assert!(listed(&app, "?overdue=false").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_late_rectification_is_accepted_and_marked_late_and_returns_with_a_reason() {
    let app = TestApp::spawn_demo_at(first_publication()).await;
    ready(&app, &[WITHDRAWN]).await;
    publish(&app).await;
    let own = app.unit_token(WITHDRAWN);

    // The first save starts the owed rectification (201, its URL); then `If-Match` is needed.
    let started = put(&app, WITHDRAWN, None, &json!({"explanation": "说明"})).await;
    assert_eq!(
        started
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some(path(WITHDRAWN, "").as_str())
    );
    let (body, etag) = json_of(started, 201).await;
    assert_eq!(body["status"], "draft");
    let bare = put(&app, WITHDRAWN, None, &draft()).await;
    assert_problem(bare, 428, "precondition_required").await;
    let stale = put(&app, WITHDRAWN, Some("\"1\""), &draft()).await;
    assert_problem(stale, 412, "precondition_failed").await;
    // Incomplete: the plan is missing.
    let incomplete = app
        .post(&path(WITHDRAWN, "/submit"), &own, &json!({}))
        .await;
    let problem = assert_problem(incomplete, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "plan", "{problem}");
    let saved = put(&app, WITHDRAWN, etag.as_deref(), &draft()).await;
    json_of(saved, 200).await;

    // On time (the last minute of the due date).
    app.clock.set(
        Utc.with_ymd_and_hms(2014, 12, 20, 15, 59, 0)
            .single()
            .expect("a valid time"),
    );
    let submit = app
        .post(&path(WITHDRAWN, "/submit"), &own, &json!({}))
        .await;
    let (submitted, _) = json_of(submit, 200).await;
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["late"], false);
    // The office's task; the unit's is gone.
    assert!(task(&tasks(&app, &own).await, "submit_rectification", WITHDRAWN).is_none());
    let office = tasks(&app, &app.office).await;
    assert!(task(&office, "accept_rectification", WITHDRAWN).is_some());

    // Returned with a reason only, and only by the office.
    let by_unit = app
        .post(&path(WITHDRAWN, "/return"), &own, &json!({"reason": "x"}))
        .await;
    assert_problem(by_unit, 403, "forbidden").await;
    let no_reason = app
        .post(&path(WITHDRAWN, "/return"), &app.office, &json!({}))
        .await;
    assert_problem(no_reason, 422, "validation_failed").await;
    let reason = "整改措施不具体，请明确完成时限和责任人";
    let returned = app
        .post(
            &path(WITHDRAWN, "/return"),
            &app.office,
            &json!({"reason": reason}),
        )
        .await;
    let (returned, etag) = json_of(returned, 200).await;
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["return_reason"], reason);
    let items = tasks(&app, &own).await;
    let again = task(&items, "submit_rectification", WITHDRAWN).expect("task again");
    assert!(
        again["title"]
            .as_str()
            .expect("present")
            .starts_with("修改并重新提交")
    );
    assert!(
        task(
            &tasks(&app, &app.office).await,
            "accept_rectification",
            WITHDRAWN
        )
        .is_none()
    );
    let not_submitted = accept(&app, WITHDRAWN).await;
    assert_problem(not_submitted, 409, "not_submitted").await;

    // Resubmitted after the due date: accepted, and marked late.
    let revised = put(&app, WITHDRAWN, etag.as_deref(), &draft()).await;
    json_of(revised, 200).await;
    app.clock.set(
        Utc.with_ymd_and_hms(2014, 12, 20, 16, 0, 0)
            .single()
            .expect("a valid time"),
    );
    let submit = app
        .post(&path(WITHDRAWN, "/submit"), &own, &json!({}))
        .await;
    let (late, _) = json_of(submit, 200).await;
    assert_eq!(late["late"], true);
    assert_eq!(late["submission_count"], 2);
    let versions = late["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["return_reason"], reason);
    assert_eq!(versions[1]["late"], true);

    // Accepted by the office: it no longer changes, and the tasks are gone.
    let by_unit = app
        .post(&path(WITHDRAWN, "/accept"), &own, &json!({}))
        .await;
    assert_problem(by_unit, 403, "forbidden").await;
    let (accepted, etag) = json_of(accept(&app, WITHDRAWN).await, 200).await;
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["accepted_by"], "office-admin");
    assert_eq!(accepted["accepted_at"], "2014-12-20T16:00:00Z");
    let change = put(&app, WITHDRAWN, etag.as_deref(), &draft()).await;
    assert_problem(change, 409, "already_submitted").await;
    assert_problem(accept(&app, WITHDRAWN).await, 409, "not_submitted").await;
    assert!(
        task(
            &tasks(&app, &app.office).await,
            "accept_rectification",
            WITHDRAWN
        )
        .is_none()
    );
    assert!(task(&tasks(&app, &own).await, "submit_rectification", WITHDRAWN).is_none());
    assert_eq!(listed(&app, "?state=accepted").await[0]["late"], true);
    app.stop().await;
}

#[tokio::test]
async fn a_republication_withdraws_who_no_longer_owes_and_dates_who_newly_owes_from_itself() {
    let app = TestApp::spawn_demo_at(first_publication()).await;
    ready(&app, &[WITHDRAWN, STILL]).await;
    publish(&app).await;
    let started = put(&app, WITHDRAWN, None, &draft()).await;
    json_of(started, 201).await;

    // Reopened: the unit may not write; corrected and published again ten days later.
    reopen(&app).await;
    let (_, etag) = get(&app, WITHDRAWN, &app.office).await;
    let closed = put(&app, WITHDRAWN, etag.as_deref(), &draft()).await;
    assert_problem(closed, 403, "not_published").await;
    set_routine(&app, WITHDRAWN, "9.50");
    set_routine(&app, NEWLY, "4.00");
    // The office shortens the deadline of who owes from the next publication on: 10 days.
    let settings = format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/publication");
    let (current, etag) = json_of(app.get(&settings, &app.office).await, 200).await;
    assert_eq!(current["rectification_days"], 30, "the default: {current}");
    let mut body = json!({"publication_scope": "kind", "units_see_leader_grades": false,
        "inspectors_see_ranking": false, "document_ref": "阳纪通〔2014〕5号"});
    for days in [0, 366] {
        body["rectification_days"] = json!(days);
        let refused = app
            .request(reqwest::Method::PUT, &settings, Some(&app.office))
            .header("If-Match", etag.as_deref().unwrap_or_default())
            .json(&body)
            .send()
            .await
            .expect("PUT the settings");
        let problem = assert_problem(refused, 422, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["field"], "rectification_days",
            "{problem}"
        );
    }
    body["rectification_days"] = json!(10);
    let saved = app
        .request(reqwest::Method::PUT, &settings, Some(&app.office))
        .header("If-Match", etag.as_deref().unwrap_or_default())
        .json(&body)
        .send()
        .await
        .expect("PUT the settings");
    let (saved, _) = json_of(saved, 200).await;
    assert_eq!(saved["rectification_days"], 10, "{saved}");
    app.clock.set(
        Utc.with_ymd_and_hms(2014, 11, 30, 17, 0, 0)
            .single()
            .expect("a valid time"),
    );
    publish(&app).await;

    let (withdrawn, _) = get(&app, WITHDRAWN, &app.unit_token(WITHDRAWN)).await;
    assert_eq!(withdrawn["status"], "withdrawn", "{withdrawn}");
    let (still, _) = get(&app, STILL, &app.office).await;
    assert_eq!(still["status"], "owed");
    assert_eq!(
        still["due_on"], "2014-12-20",
        "a unit still owing keeps its deadline"
    );
    // Published at 01:00 on 1 December in Beijing, with 10 days set: due 11 December.
    let (newly, _) = get(&app, NEWLY, &app.unit_token(NEWLY)).await;
    assert_eq!(newly["status"], "owed");
    assert_eq!(newly["due_on"], "2014-12-11", "{newly}");
    assert_eq!(newly["owed_since"], "2014-11-30T17:00:00Z");

    assert_eq!(units_of(&listed(&app, "").await), vec![STILL, NEWLY]);
    assert_eq!(
        units_of(&listed(&app, "?state=withdrawn").await),
        vec![WITHDRAWN]
    );
    let own = app.unit_token(WITHDRAWN);
    assert!(task(&tasks(&app, &own).await, "submit_rectification", WITHDRAWN).is_none());
    let change = put(&app, WITHDRAWN, Some("\"3\""), &draft()).await;
    assert_problem(change, 409, "already_submitted").await;
    app.stop().await;
}

#[tokio::test]
async fn archiving_waits_until_every_owed_rectification_is_accepted() {
    let app = TestApp::spawn_demo_at(first_publication()).await;
    ready(&app, &[WITHDRAWN, STILL]).await;
    publish(&app).await;
    write_and_submit(&app, WITHDRAWN).await;
    json_of(accept(&app, WITHDRAWN).await, 200).await;

    let refused = transition(&app, json!({"to": "archived"})).await;
    let problem = assert_problem(refused, 409, "rectifications_pending").await;
    let pending = problem["missing"]["rectifications"]
        .as_array()
        .expect("pending");
    assert_eq!(units_of(pending), vec![STILL], "{problem}");
    assert_eq!(pending[0]["status"], "owed");
    let office = tasks(&app, &app.office).await;
    assert!(
        office.iter().any(|t| t["kind"] == "cycle_blocked"
            && t["cycle_id"] == REVIEW_CYCLE
            && t["title"].as_str().unwrap_or("").contains("整改")),
        "{office:?}"
    );

    write_and_submit(&app, STILL).await;
    json_of(accept(&app, STILL).await, 200).await;
    let archived = transition(&app, json!({"to": "archived"})).await;
    assert_eq!(archived.status(), 200);
    let late = put(&app, STILL, Some("\"4\""), &draft()).await;
    assert_problem(late, 409, "cycle_archived").await;
    let (kept, _) = get(&app, STILL, &app.unit_token(STILL)).await;
    assert_eq!(kept["status"], "accepted");
    app.stop().await;
}
