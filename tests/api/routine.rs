//! The routine inspection (plan §4(二)): the verifiable draw, its seal, visits and routine
//! scores.

use std::io::Write;
use std::process::{Command, Stdio};

use diesel::connection::SimpleConnection;
use lianzheng::auth::Role;
use lianzheng::domain::draw::{self, EligibleGroup, SampleGroup};
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{cycle_in_self_inspection, unit};
use crate::helpers::{TestApp, assert_problem, mark_published};

/// A cycle in self-inspection with three county departments, three towns, an enterprise, a
/// vertical unit, a department the office excluded and one archived since the cycle opened.
struct Setup {
    cycle: i64,
    depts: Vec<i64>,
    towns: Vec<i64>,
    enterprise: i64,
    vertical: i64,
    excluded: i64,
    archived: i64,
}

async fn setup(app: &TestApp) -> Setup {
    let mut depts = Vec::new();
    for name in ["县财政局", "县教育局", "县水利局"] {
        depts.push(unit(app, name, "county_department").await.id);
    }
    let mut towns = Vec::new();
    for name in ["阳城镇", "七拱镇", "太平镇"] {
        towns.push(unit(app, name, "town").await.id);
    }
    let enterprise = unit(app, "县城投公司", "county_enterprise").await.id;
    let vertical = unit(app, "县国税局", "vertical").await.id;
    let excluded = unit(app, "县档案局", "county_department").await.id;
    let archived = unit(app, "县粮食局", "county_department").await.id;
    let cycle = cycle_in_self_inspection(app, 2030).await;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE cycle_units SET status = 'excluded', form_kind = NULL, reason = '合并' \
             WHERE cycle_id = {cycle} AND unit_id = {excluded};
             UPDATE units SET archived_at = now() WHERE id = {archived};"
        ))
        .expect("exclude and archive");
    Setup {
        cycle,
        depts,
        towns,
        enterprise,
        vertical,
        excluded,
        archived,
    }
}

fn path(cycle: i64, rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/spot-checks{rest}")
}

fn visit_path(cycle: i64, unit: i64, rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/routine-visit{rest}")
}

fn office(app: &TestApp, sub: &str) -> String {
    app.token(Role::Office, sub, None)
}

async fn json_of(response: reqwest::Response, status: u16, what: &str) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{what}: {body}");
    body
}

async fn commit(app: &TestApp, cycle: i64, body: Value) -> reqwest::Response {
    app.post(&path(cycle, "/draws"), &app.office, &body).await
}

fn future_commitment() -> Value {
    let at = chrono::Utc::now() + chrono::Duration::hours(2);
    json!({"seed_source": "双色球第2030001期开奖号码", "seed_publishes_at": at.to_rfc3339()})
}

/// Lets the committed time pass: the source has published.
fn time_passes(app: &TestApp, cycle: i64) {
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE routine_draws SET seed_publishes_at = now() - interval '1 minute' \
             WHERE cycle_id = {cycle}"
        ))
        .expect("let the committed time pass");
}

/// A committed and seeded draw, as the office sees it.
async fn seeded(app: &TestApp, cycle: i64, seed: &str) -> Value {
    json_of(commit(app, cycle, future_commitment()).await, 201, "commit").await;
    time_passes(app, cycle);
    let seeded = app
        .post(&path(cycle, "/seed"), &app.office, &json!({"seed": seed}))
        .await;
    json_of(seeded, 200, "seed").await
}

fn sampled(draw: &Value) -> Vec<i64> {
    draw["sample"]
        .as_array()
        .expect("a sample")
        .iter()
        .flat_map(|g| g["unit_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|u| u.as_i64())
        .collect()
}

/// Writes, submits and has both visitors sign the unit's visit record.
async fn final_visit(app: &TestApp, cycle: i64, unit: i64) {
    let zhang = office(app, "office-zhang");
    let read = app.get(&visit_path(cycle, unit, ""), &zhang).await;
    let etag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let body = json!({
        "visitors": [{"sub": "office-zhang", "name": "张建国"}, {"sub": "office-li", "name": "李明"}],
        "methods": ["field_visit", "ledger_review"],
        "findings": "台帐齐全",
        "questionnaire": {"handed_out": 10, "returned": 9, "answers_counted": 9},
        "visited_on": "2030-11-02"
    });
    let put = app
        .request(Method::PUT, &visit_path(cycle, unit, ""), Some(&zhang))
        .header("If-Match", etag)
        .json(&body)
        .send()
        .await
        .expect("PUT");
    json_of(put, 200, "write the visit").await;
    let submit = app
        .post(&visit_path(cycle, unit, "/submit"), &zhang, &json!({}))
        .await;
    json_of(submit, 200, "submit the visit").await;
    for sub in ["office-zhang", "office-li"] {
        let signed = app
            .post(
                &visit_path(cycle, unit, "/signatures"),
                &office(app, sub),
                &json!({}),
            )
            .await;
        json_of(signed, 201, "sign the visit").await;
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM routine_visits \
             WHERE cycle_id = {cycle} AND unit_id = {unit} AND status = 'final'"
        )),
        1
    );
}

/// Runs `scripts/verify_draw.py` on `input` and returns its JSON output and exit status.
fn script(input: &Value) -> (Value, bool) {
    let mut child = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/verify_draw.py"
        ))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run python3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.to_string().as_bytes())
        .expect("write the draw");
    let out = child.wait_with_output().expect("the script's output");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    (
        serde_json::from_str(&text).expect("the script prints JSON"),
        out.status.success(),
    )
}

#[tokio::test]
async fn the_worked_example_is_reproduced_by_the_service_and_by_the_script() {
    // README "The routine draw": the worked example.
    let seed = "2026138: 03 11 17 22 28 31 + 09";
    let groups = vec![
        EligibleGroup {
            group: SampleGroup::CountyDepartment,
            size: 2,
            unit_ids: vec![2, 3, 4, 5, 6, 7],
        },
        EligibleGroup {
            group: SampleGroup::Town,
            size: 2,
            unit_ids: vec![10, 11, 12, 13],
        },
    ];
    let service = serde_json::to_value(draw::draw(seed, 1, &groups)).expect("sample JSON");
    let expected = json!([
        {"group": "county_department", "unit_ids": [3, 7]},
        {"group": "town", "unit_ids": [11, 13]}
    ]);
    assert_eq!(service, expected);
    let (out, ok) = script(&json!({"cycle_id": 1, "seed": seed, "eligible": groups}));
    assert!(ok);
    assert_eq!(out["sample"], expected);
    assert_eq!(
        out["eligible_sha256"],
        "d7fe392638fa055bcc323437c0871f22c675c07229d726eb1ebb85196f622f2e"
    );
    assert_eq!(out["eligible_sha256"], draw::eligible_sha256(1, &groups));

    // And a draw the service made, as it shows it, re-run by the script.
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let made = seeded(&app, s.cycle, "2030001: 01 02 03 04 05 06 + 07").await;
    let (out, ok) = script(&made);
    assert!(ok, "the script agrees with the service: {out}");
    assert_eq!(out["sample"], made["sample"]);
    assert_eq!(out["eligible_sha256"], made["eligible_sha256"]);
    assert_eq!(out["sample_matches"], true);
    app.stop().await;
}

#[tokio::test]
async fn a_draw_is_reproduced_bit_for_bit_from_its_stored_inputs() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let made = seeded(&app, s.cycle, "2030002: 07 08 09 10 11 12 + 13").await;
    let groups: Vec<EligibleGroup> =
        serde_json::from_value(made["eligible"].clone()).expect("eligible lists");
    let again = draw::draw("2030002: 07 08 09 10 11 12 + 13", s.cycle, &groups);
    assert_eq!(serde_json::to_value(&again).expect("JSON"), made["sample"]);
    assert_eq!(made["algorithm_version"], 1);
    // What is stored is what was shown: seed, lists, version and result.
    let sample = made["sample"].to_string().replace('\'', "''");
    let eligible = made["eligible"].to_string().replace('\'', "''");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM routine_draws WHERE cycle_id = {} \
             AND seed = '2030002: 07 08 09 10 11 12 + 13' AND algorithm_version = 1 \
             AND sample = '{sample}'::jsonb AND eligible = '{eligible}'::jsonb",
            s.cycle
        )),
        1
    );
    let id = made["id"].as_i64().expect("draw id");
    let verified = app
        .get(&path(s.cycle, &format!("/draws/{id}/verify")), &app.office)
        .await;
    let verified = json_of(verified, 200, "verify").await;
    assert_eq!(verified["matches"], true);
    assert_eq!(verified["sample"], made["sample"]);
    assert_eq!(verified["eligible_sha256"], made["eligible_sha256"]);
    app.stop().await;
}

#[tokio::test]
async fn the_verify_call_catches_a_tampered_result_and_a_tampered_eligible_list() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let made = seeded(&app, s.cycle, "2030003").await;
    let id = made["id"].as_i64().expect("draw id");
    let chosen = sampled(&made);
    let other_dept = *s
        .depts
        .iter()
        .find(|d| !chosen.contains(d))
        .expect("a department not drawn");
    let verify_url = path(s.cycle, &format!("/draws/{id}/verify"));
    let verify = || app.get(&verify_url, &app.office);

    // The stored result names a department the seed did not draw.
    let drawn_dept = made["sample"][0]["unit_ids"][0]
        .as_i64()
        .expect("a drawn unit");
    let tampered =
        made["sample"]
            .to_string()
            .replacen(&drawn_dept.to_string(), &other_dept.to_string(), 1);
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE routine_draws SET sample = '{tampered}'::jsonb WHERE id = {id}"
        ))
        .expect("tamper with the result");
    let found = json_of(verify().await, 200, "verify").await;
    assert_eq!(found["sample_matches"], false);
    assert_eq!(found["eligible_matches"], true);
    assert_eq!(found["matches"], false);

    // Put the result back, then drop a department from the stored list.
    let sample = made["sample"].to_string();
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE routine_draws SET sample = '{sample}'::jsonb, \
             eligible = jsonb_set(eligible, '{{0,unit_ids}}', \
               (eligible #> '{{0,unit_ids}}') - 0) WHERE id = {id}"
        ))
        .expect("tamper with the list");
    let found = json_of(verify().await, 200, "verify").await;
    assert_eq!(found["eligible_matches"], false);
    assert_eq!(found["matches"], false);
    app.stop().await;
}

#[tokio::test]
async fn a_seed_before_the_commitment_or_before_its_committed_time_is_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let seed = json!({"seed": "2030004"});
    let early = app.post(&path(s.cycle, "/seed"), &app.office, &seed).await;
    assert_problem(early, 409, "no_commitment").await;

    // A source that has published already cannot be committed to.
    let past = json!({"seed_source": "双色球", "seed_publishes_at": "2020-01-01T00:00:00Z"});
    let refused = commit(&app, s.cycle, past).await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_in_future");
    assert_eq!(app.count("SELECT count(*) AS n FROM routine_draws"), 0);

    json_of(
        commit(&app, s.cycle, future_commitment()).await,
        201,
        "commit",
    )
    .await;
    let audit_before = app.count("SELECT count(*) AS n FROM audit_log");
    let early = app.post(&path(s.cycle, "/seed"), &app.office, &seed).await;
    assert_problem(early, 409, "seed_too_early").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM routine_draws WHERE seed IS NULL AND sample IS NULL"),
        1
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        audit_before
    );

    // Once the time has passed, the same seed is taken, once.
    time_passes(&app, s.cycle);
    let taken = app.post(&path(s.cycle, "/seed"), &app.office, &seed).await;
    json_of(taken, 200, "seed").await;
    let again = app.post(&path(s.cycle, "/seed"), &app.office, &seed).await;
    assert_problem(again, 409, "draw_seeded").await;
    app.stop().await;
}

#[tokio::test]
async fn the_sample_is_sealed_from_units_and_inspectors_until_every_visit_is_final() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let made = seeded(&app, s.cycle, "2030005").await;
    let id = made["id"].as_i64().expect("draw id");
    let chosen = sampled(&made);
    assert_eq!(chosen.len(), 4);
    let unit = app.unit_token(chosen[0]);
    let inspector = app.inspector_token();

    for token in [&unit, &inspector] {
        let list = app.get(&path(s.cycle, "/draws"), token).await;
        let list = json_of(list, 200, "the draws").await;
        let shown = &list["items"][0];
        assert_eq!(shown["sealed"], true);
        assert!(
            shown["seed"].is_null() && shown["sample"].is_null(),
            "{shown}"
        );
        assert_eq!(shown["eligible_sha256"], made["eligible_sha256"]);
        let verify = app
            .get(&path(s.cycle, &format!("/draws/{id}/verify")), token)
            .await;
        assert_problem(verify, 403, "forbidden").await;
    }
    // Not even its own visit record tells a unit it was drawn.
    let own = app.get(&visit_path(s.cycle, chosen[0], ""), &unit).await;
    assert_problem(own, 404, "not_found").await;

    for &u in &chosen[..3] {
        final_visit(&app, s.cycle, u).await;
    }
    let still = app
        .get(&path(s.cycle, &format!("/draws/{id}")), &unit)
        .await;
    assert_eq!(json_of(still, 200, "the draw").await["sealed"], true);

    final_visit(&app, s.cycle, chosen[3]).await;
    for token in [&unit, &inspector] {
        let open = app
            .get(&path(s.cycle, &format!("/draws/{id}")), token)
            .await;
        let open = json_of(open, 200, "the draw").await;
        assert_eq!(open["sealed"], false);
        assert_eq!(open["sample"], made["sample"]);
        assert_eq!(open["seed"], "2030005");
        let verify = app
            .get(&path(s.cycle, &format!("/draws/{id}/verify")), token)
            .await;
        assert_eq!(json_of(verify, 200, "verify").await["matches"], true);
    }
    let own = app.get(&visit_path(s.cycle, chosen[0], ""), &unit).await;
    assert_eq!(json_of(own, 200, "its visit").await["status"], "final");
    app.stop().await;
}

#[tokio::test]
async fn only_assessed_active_units_are_eligible_and_enterprises_only_when_the_plan_adds_them() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let plan = json!({"scope": "责任制目标", "methods": "实地走访", "schedule": "11月",
                      "sample_enterprises": 1});
    let put = app
        .request(Method::PUT, &path(s.cycle, "/plan"), Some(&app.office))
        .header("If-Match", "\"0\"")
        .json(&plan)
        .send()
        .await
        .expect("PUT");
    json_of(put, 200, "the plan").await;
    let made = json_of(
        commit(&app, s.cycle, future_commitment()).await,
        201,
        "commit",
    )
    .await;
    let groups = &made["eligible"];
    assert_eq!(groups[0]["group"], "county_department");
    assert_eq!(groups[0]["unit_ids"], json!(s.depts));
    assert_eq!(groups[1]["group"], "town");
    assert_eq!(groups[1]["unit_ids"], json!(s.towns));
    assert_eq!(groups[2]["group"], "county_enterprise");
    assert_eq!(groups[2]["unit_ids"], json!([s.enterprise]));
    let listed = groups.to_string();
    for never in [s.vertical, s.excluded, s.archived] {
        assert!(
            !groups
                .as_array()
                .expect("groups")
                .iter()
                .any(|g| g["unit_ids"]
                    .as_array()
                    .is_some_and(|u| u.contains(&json!(never)))),
            "{never} is not eligible: {listed}"
        );
    }
    // The enterprise sample size is frozen by the commitment.
    let changed = app
        .request(Method::PUT, &path(s.cycle, "/plan"), Some(&app.office))
        .header("If-Match", "\"1\"")
        .json(
            &json!({"scope": "责任制目标", "methods": "实地走访", "schedule": "11月",
                      "sample_enterprises": 0}),
        )
        .send()
        .await
        .expect("PUT");
    assert_problem(changed, 409, "draw_committed").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM routine_plans WHERE sample_enterprises = 1"),
        1
    );
    app.stop().await;
}

#[tokio::test]
async fn sample_sizes_larger_than_the_pool_are_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET routine_sample_towns = 4 WHERE id = {}",
            s.cycle
        ))
        .expect("ask for more towns than there are");
    let refused = commit(&app, s.cycle, future_commitment()).await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "routine_sample_towns");
    assert_eq!(problem["errors"][0]["code"], "exceeds_pool");
    assert_eq!(app.count("SELECT count(*) AS n FROM routine_draws"), 0);
    app.stop().await;
}

#[tokio::test]
async fn a_redraw_needs_a_reason_and_every_commitment_stays_listed() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    json_of(
        commit(&app, s.cycle, future_commitment()).await,
        201,
        "commit",
    )
    .await;
    let bare = commit(&app, s.cycle, future_commitment()).await;
    let problem = assert_problem(bare, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "reason");
    let mut again = future_commitment();
    again["reason"] = json!("原定开奖因故推迟");
    json_of(commit(&app, s.cycle, again).await, 201, "redraw").await;
    let list = app
        .get(&path(s.cycle, "/draws"), &app.unit_token(s.towns[0]))
        .await;
    let list = json_of(list, 200, "the draws").await;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["status"], "superseded");
    assert_eq!(list["items"][1]["status"], "committed");
    assert_eq!(list["items"][1]["reason"], "原定开奖因故推迟");
    app.stop().await;
}

#[tokio::test]
async fn a_bulk_entry_with_one_bad_row_changes_nothing() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let audit_before = app.count("SELECT count(*) AS n FROM audit_log");
    let body = json!({"scores": [
        {"unit_id": s.depts[0], "score": "9.50", "note": "良好"},
        {"unit_id": s.towns[0], "score": "8.00", "note": "一般"},
        {"unit_id": s.vertical, "score": "9.00", "note": "垂直管理单位"},
        {"unit_id": s.depts[0], "score": "9.00", "note": "重复"}
    ]});
    let refused = app
        .post(&path(s.cycle, "/scores"), &app.office, &body)
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["scores[2].unit_id", "scores[3].unit_id"]);
    assert_eq!(app.count("SELECT count(*) AS n FROM routine_scores"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        audit_before
    );

    let good = json!({"scores": [
        {"unit_id": s.depts[0], "score": "9.50", "note": "良好"},
        {"unit_id": s.towns[0], "score": "10", "note": "优秀"}
    ]});
    let created = app
        .post(&path(s.cycle, "/scores"), &app.office, &good)
        .await;
    let created = json_of(created, 200, "bulk entry").await;
    assert_eq!(created[1]["score"], "10.00");
    assert_eq!(app.count("SELECT count(*) AS n FROM routine_scores"), 2);
    // Creating only: a second entry for a scored unit is refused.
    let twice = app
        .post(&path(s.cycle, "/scores"), &app.office, &good)
        .await;
    let problem = assert_problem(twice, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "already_scored");
    app.stop().await;
}

#[tokio::test]
async fn scores_over_ten_or_with_three_decimals_are_refused() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({"scores": [
        {"unit_id": s.depts[0], "score": "10.01", "note": "超出"},
        {"unit_id": s.depts[1], "score": "9.505", "note": "三位小数"},
        {"unit_id": s.depts[2], "score": "9.50", "note": "良好"}
    ]});
    let refused = app
        .post(&path(s.cycle, "/scores"), &app.office, &body)
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "scores[0].score");
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    assert_eq!(problem["errors"][1]["field"], "scores[1].score");
    assert_eq!(problem["errors"][1]["code"], "too_precise");
    assert_eq!(app.count("SELECT count(*) AS n FROM routine_scores"), 0);

    let one = json!({"scores": [{"unit_id": s.depts[2], "score": "9.50", "note": "良好"}]});
    json_of(
        app.post(&path(s.cycle, "/scores"), &app.office, &one).await,
        200,
        "entry",
    )
    .await;
    let score_path = path(s.cycle, &format!("/scores/{}", s.depts[2]));
    for bad in ["11", "9.999"] {
        let put = app
            .request(Method::PUT, &score_path, Some(&app.office))
            .header("If-Match", "\"1\"")
            .json(&json!({"score": bad, "note": "更正"}))
            .send()
            .await
            .expect("PUT");
        assert_problem(put, 422, "validation_failed").await;
    }
    assert_eq!(
        app.count("SELECT count(*) AS n FROM routine_scores WHERE score = 9.50 AND version = 1"),
        1
    );
    let put = app
        .request(Method::PUT, &score_path, Some(&app.office))
        .header("If-Match", "\"1\"")
        .json(&json!({"score": "9.25", "note": "复核后调整"}))
        .send()
        .await
        .expect("PUT");
    assert_eq!(json_of(put, 200, "correction").await["score"], "9.25");
    app.stop().await;
}

#[tokio::test]
async fn a_sampled_unit_gets_no_score_before_its_visit_record_is_final() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let made = seeded(&app, s.cycle, "2030006").await;
    let chosen = sampled(&made)[0];
    let body = json!({"scores": [{"unit_id": chosen, "score": "9.00", "note": "走访前"}]});
    let refused = app
        .post(&path(s.cycle, "/scores"), &app.office, &body)
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "visit_not_final");
    assert_eq!(app.count("SELECT count(*) AS n FROM routine_scores"), 0);

    final_visit(&app, s.cycle, chosen).await;
    let created = app
        .post(&path(s.cycle, "/scores"), &app.office, &body)
        .await;
    json_of(created, 200, "after the visit").await;
    app.stop().await;
}

#[tokio::test]
async fn a_visit_record_is_signed_only_by_its_visitors_and_only_a_sampled_unit_has_one() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let made = seeded(&app, s.cycle, "2030007").await;
    let chosen = sampled(&made);
    let not_drawn = *s
        .towns
        .iter()
        .find(|t| !chosen.contains(t))
        .expect("a town not drawn");
    let none = app
        .get(&visit_path(s.cycle, not_drawn, ""), &app.office)
        .await;
    assert_problem(none, 404, "not_found").await;

    let zhang = office(&app, "office-zhang");
    let body = json!({
        "visitors": [{"sub": "office-zhang", "name": "张建国"}],
        "methods": ["field_visit"], "findings": "良好", "visited_on": "2030-11-03"
    });
    let put = app
        .request(
            Method::PUT,
            &visit_path(s.cycle, chosen[0], ""),
            Some(&zhang),
        )
        .header("If-Match", "*")
        .json(&body)
        .send()
        .await
        .expect("PUT");
    json_of(put, 200, "write").await;
    let submit = app
        .post(
            &visit_path(s.cycle, chosen[0], "/submit"),
            &zhang,
            &json!({}),
        )
        .await;
    json_of(submit, 200, "submit").await;
    let stranger = app
        .post(
            &visit_path(s.cycle, chosen[0], "/signatures"),
            &office(&app, "office-wang"),
            &json!({}),
        )
        .await;
    assert_problem(stranger, 403, "forbidden").await;
    let inspector = app
        .post(
            &visit_path(s.cycle, chosen[0], "/signatures"),
            &app.inspector_token(),
            &json!({}),
        )
        .await;
    assert_problem(inspector, 403, "forbidden").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM signatures"), 0);
    let signed = app
        .post(
            &visit_path(s.cycle, chosen[0], "/signatures"),
            &zhang,
            &json!({}),
        )
        .await;
    let signed = json_of(signed, 201, "sign").await;
    assert_eq!(signed["status"], "final");
    assert_eq!(signed["signatures"][0]["signer_role"], "visitor");
    app.stop().await;
}

#[tokio::test]
async fn units_and_inspectors_see_routine_scores_only_after_publication() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let body = json!({"scores": [
        {"unit_id": s.towns[0], "score": "9.00", "note": "良好"},
        {"unit_id": s.towns[1], "score": "8.50", "note": "一般"}
    ]});
    json_of(
        app.post(&path(s.cycle, "/scores"), &app.office, &body)
            .await,
        200,
        "entry",
    )
    .await;
    let own = path(s.cycle, &format!("/scores/{}", s.towns[0]));
    let other = path(s.cycle, &format!("/scores/{}", s.towns[1]));
    let unit = app.unit_token(s.towns[0]);
    assert_problem(app.get(&own, &unit).await, 403, "not_published").await;
    assert_problem(app.get(&other, &unit).await, 404, "not_found").await;
    let list = app
        .get(&path(s.cycle, "/scores"), &app.inspector_token())
        .await;
    assert_problem(list, 403, "not_published").await;
    let all = json_of(
        app.get(&path(s.cycle, "/scores"), &app.office).await,
        200,
        "all",
    )
    .await;
    assert_eq!(all["total"], 2);

    mark_published(&app, s.cycle);
    let seen = json_of(app.get(&own, &unit).await, 200, "own score").await;
    assert_eq!(seen["score"], "9.00");
    assert_problem(app.get(&other, &unit).await, 404, "not_found").await;
    let listed = json_of(app.get(&path(s.cycle, "/scores"), &unit).await, 200, "list").await;
    assert_eq!(listed["total"], 1);
    app.stop().await;
}

#[tokio::test]
async fn the_sample_sizes_change_after_the_draft_stage_until_the_draw_is_committed() {
    let app = TestApp::spawn().await;
    let s = setup(&app).await;
    let plan = |etag: &'static str, towns: i64| {
        app.request(Method::PUT, &path(s.cycle, "/plan"), Some(&app.office))
            .header("If-Match", etag)
            .json(
                &json!({"scope": "目标", "methods": "走访", "schedule": "11月",
                          "sample_towns": towns}),
            )
            .send()
    };
    let one = json_of(plan("\"0\"", 1).await.expect("PUT"), 200, "the plan").await;
    assert_eq!(one["sample_towns"], 1);
    let towns = |n: i64| {
        format!(
            "SELECT count(*) AS n FROM assessment_cycles WHERE id = {} \
             AND routine_sample_towns = {n}",
            s.cycle
        )
    };
    assert_eq!(app.count(&towns(1)), 1);
    let made = json_of(
        commit(&app, s.cycle, future_commitment()).await,
        201,
        "commit",
    )
    .await;
    assert_eq!(made["eligible"][1]["size"], 1);
    let frozen = plan("\"1\"", 3).await.expect("PUT");
    assert_problem(frozen, 409, "draw_committed").await;
    assert_eq!(app.count(&towns(1)), 1);
    app.stop().await;
}
