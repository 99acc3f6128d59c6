//! The democratic evaluation: rounds, one-time codes, account-less ballots, the rate limit and
//! suspension, paper tallies, the tally, the minimum-ballot rule, leader grades, and the
//! anonymity of stored ballots, checked as the service's own database role.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;
use diesel::sql_types::Text;
use lianzheng::config::{Secret, TrustedProxy};
use lianzheng::domain::evaluation::{ALPHABET, code_from, parse_code, tag_of};
use lianzheng::ops::evaluation::BallotKey;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{self, Fixture};
use crate::helpers::{
    TEST_BALLOT_CODE_KEY, TestApp, assert_problem, captured_logs, mark_published,
};

/// The inspection team's leader in the fixture's cycle.
const TEAM_LEADER: &str = "eval-team-leader";

/// The fixture, with a team holding the town and a third leader for the town.
struct Evaluation {
    f: Fixture,
    team: String,
    leaders: Vec<i64>,
}

async fn arrange(app: &TestApp) -> Evaluation {
    let f = fixtures::fixture(app).await;
    let third = fixtures::leader(app, f.town, "陈小红", "纪委书记", false)
        .await
        .id;
    let team = fixtures::team(app, f.cycle, "第一考核组", TEAM_LEADER, &["eval-team-a"])
        .await
        .id;
    fixtures::assigned(app, f.cycle, team, f.town).await;
    let leaders = vec![f.town_leaders[0], f.town_leaders[1], third];
    Evaluation {
        team: app.token(lianzheng::auth::Role::Inspector, TEAM_LEADER, None),
        f,
        leaders,
    }
}

impl Evaluation {
    fn rounds(&self, unit: i64) -> String {
        format!(
            "/api/v1/assessment-cycles/{}/units/{unit}/evaluation-rounds",
            self.f.cycle
        )
    }

    fn grades(&self, unit: i64) -> String {
        format!(
            "/api/v1/assessment-cycles/{}/units/{unit}/leader-grades",
            self.f.cycle
        )
    }
}

/// Opens a round of `unit` as `token` with staff representatives and leadership members;
/// returns its path.
async fn open(app: &TestApp, e: &Evaluation, token: &str, unit: i64) -> String {
    let body = json!({"categories": [
        {"category": "staff_representative", "slips": 40},
        {"category": "leadership_member", "slips": 5}
    ]});
    let response = app.post(&e.rounds(unit), token, &body).await;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = response.text().await.expect("body");
    assert_eq!(status, 201, "open a round: {text}");
    location
}

/// Issues `n` codes of the round at `round` as `token`.
async fn issue(app: &TestApp, token: &str, round: &str, n: usize) -> Vec<String> {
    let response = app
        .post(&format!("{round}/codes"), token, &json!({"count": n}))
        .await;
    assert_eq!(response.status(), 200, "issue codes");
    let body: Value = response.json().await.expect("codes");
    body["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect()
}

/// A ballot grading each of `leaders` with the mark at the same place in `marks`.
fn ballot(code: &str, category: &str, leaders: &[i64], marks: &[&str]) -> Value {
    let grades: Vec<Value> = leaders
        .iter()
        .zip(marks)
        .map(|(l, m)| json!({"leader_id": l, "grade": m}))
        .collect();
    json!({"code": code, "category": category, "grades": grades})
}

/// Casts `body` with no token, from `forwarded` (an `X-Forwarded-For`) when given.
fn cast(
    app: &TestApp,
    body: &Value,
    forwarded: Option<&str>,
) -> impl Future<Output = reqwest::Response> + use<> {
    let mut request = app
        .request(Method::POST, "/api/v1/ballots", None)
        .json(body);
    if let Some(address) = forwarded {
        request = request.header("X-Forwarded-For", address);
    }
    async move { request.send().await.expect("cast") }
}

/// Fetches the ballot form of `code` with no token.
async fn form(app: &TestApp, code: &str, forwarded: Option<&str>) -> reqwest::Response {
    let mut request = app
        .request(Method::POST, "/api/v1/ballots/form", None)
        .json(&json!({"code": code}));
    if let Some(address) = forwarded {
        request = request.header("X-Forwarded-For", address);
    }
    request.send().await.expect("ballot form")
}

/// A well-formed code of the round tagged `tag` that was never issued.
fn forged(tag: &str, bits: u64) -> String {
    code_from(tag, bits)
}

/// The round's tag from one of its codes.
fn tag(code: &str) -> String {
    tag_of(&parse_code(code).expect("a code")).to_owned()
}

async fn close(app: &TestApp, token: &str, round: &str) {
    let response = app
        .request(Method::POST, &format!("{round}/close"), Some(token))
        .send()
        .await
        .expect("close");
    assert_eq!(response.status(), 200, "close the round");
}

async fn json_of(response: reqwest::Response, status: u16) -> Value {
    let actual = response.status().as_u16();
    let text = response.text().await.expect("body");
    assert_eq!(actual, status, "{text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

async fn etag_of(app: &TestApp, path: &str) -> String {
    let response = app.get(path, &app.office).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_owned()
}

#[tokio::test]
async fn a_code_votes_once_and_a_reused_unknown_or_closed_round_code_gets_the_same_answer() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 3).await;
    let marks = ["good", "fairly_good", "unknown"];
    let first = cast(
        &app,
        &ballot(&codes[0], "staff_representative", &e.leaders, &marks),
        None,
    );
    let first = first.await;
    assert_eq!(first.status(), 204);
    assert!(first.headers().get("location").is_none(), "no Location");
    assert_eq!(first.text().await.expect("body"), "", "no ballot id");

    let again = cast(
        &app,
        &ballot(&codes[0], "staff_representative", &e.leaders, &marks),
        None,
    );
    let reused = assert_problem(again.await, 422, "validation_failed").await;
    let unknown_code = forged(&tag(&codes[0]), 0x12_3456_789A);
    let unknown = ballot(&unknown_code, "staff_representative", &e.leaders, &marks);
    let unknown = assert_problem(cast(&app, &unknown, None).await, 422, "validation_failed").await;
    assert_eq!(reused["errors"], unknown["errors"], "one answer for both");
    assert_eq!(reused["errors"][0]["field"], "code");
    assert_eq!(reused["errors"][0]["code"], "not_valid");

    close(&app, &e.team, &round).await;
    let closed = cast(
        &app,
        &ballot(&codes[1], "staff_representative", &e.leaders, &marks),
        None,
    );
    let closed = assert_problem(closed.await, 422, "validation_failed").await;
    assert_eq!(
        closed["errors"], reused["errors"],
        "a closed round's code: the same answer"
    );
    let form_closed = assert_problem(form(&app, &codes[2], None).await, 422, "validation_failed");
    assert_eq!(form_closed.await["errors"], reused["errors"]);
    assert_eq!(app.count("SELECT count(*) AS n FROM evaluation_ballots"), 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ballot_codes"),
        0,
        "unused codes go"
    );

    let compact = parse_code(&codes[1]).expect("code");
    let last = if compact.ends_with('A') { 'B' } else { 'A' };
    let typo = format!("{}{last}", &compact[..11]);
    let mistyped = cast(
        &app,
        &ballot(&typo, "staff_representative", &e.leaders, &marks),
        None,
    );
    let mistyped = assert_problem(mistyped.await, 422, "validation_failed").await;
    assert_eq!(mistyped["errors"][0]["code"], "mistyped");
}

#[tokio::test]
async fn a_code_of_another_round_or_unit_does_not_vote_there_and_stays_unused() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let dept_team = fixtures::team(
        &app,
        e.f.cycle,
        "第二考核组",
        "eval-dept-leader",
        &["eval-dept-a"],
    )
    .await
    .id;
    fixtures::assigned(&app, e.f.cycle, dept_team, e.f.dept).await;
    let town_round = open(&app, &e, &e.team, e.f.town).await;
    let dept_round = open(&app, &e, &app.office, e.f.dept).await;
    let town_codes = issue(&app, &e.team, &town_round, 1).await;
    let dept_codes = issue(&app, &app.office, &dept_round, 1).await;
    let dept_leader: Value = json_of(app.get(&dept_round, &app.office).await, 200).await;
    let dept_leader = dept_leader["leaders"][0]["leader_id"]
        .as_i64()
        .expect("a leader");

    // The town's code with the department's leader: not on this code's ballot.
    let body = ballot(
        &town_codes[0],
        "staff_representative",
        &[dept_leader],
        &["good"],
    );
    let refused = assert_problem(cast(&app, &body, None).await, 422, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "grades[0].leader_id");
    assert_eq!(refused["errors"][0]["code"], "not_on_ballot");

    // The town code's random part under the department round's prefix: not a code of it.
    let compact = parse_code(&town_codes[0]).expect("code");
    let bits = compact[3..11].chars().fold(0_u64, |acc, c| {
        (acc << 5)
            | ALPHABET
                .iter()
                .position(|s| char::from(*s) == c)
                .expect("symbol") as u64
    });
    let moved = forged(&tag(&dept_codes[0]), bits);
    let body = ballot(&moved, "staff_representative", &[dept_leader], &["good"]);
    let moved = assert_problem(cast(&app, &body, None).await, 422, "validation_failed").await;
    assert_eq!(moved["errors"][0]["code"], "not_valid");
    assert_eq!(app.count("SELECT count(*) AS n FROM evaluation_ballots"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ballot_codes"),
        2,
        "both codes unused"
    );

    let marks = ["good", "good", "average"];
    let town = ballot(&town_codes[0], "staff_representative", &e.leaders, &marks);
    assert_eq!(
        cast(&app, &town, None).await.status(),
        204,
        "the code votes where it belongs"
    );
}

#[tokio::test]
async fn a_ballot_missing_a_leader_or_naming_one_twice_is_refused_and_leaves_the_code_unused() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let code = issue(&app, &e.team, &round, 1).await.remove(0);
    let missing = ballot(
        &code,
        "staff_representative",
        &e.leaders[..2],
        &["good", "good"],
    );
    let missing = assert_problem(cast(&app, &missing, None).await, 422, "validation_failed").await;
    assert_eq!(missing["errors"][0]["code"], "leader_missing");
    let twice = [e.leaders[0], e.leaders[0], e.leaders[1], e.leaders[2]];
    let twice = ballot(&code, "staff_representative", &twice, &["good"; 4]);
    let twice = assert_problem(cast(&app, &twice, None).await, 422, "validation_failed").await;
    assert_eq!(twice["errors"][0]["field"], "grades[1].leader_id");
    let category = ballot(&code, "service_recipient", &e.leaders, &["good"; 3]);
    let category = assert_problem(cast(&app, &category, None).await, 422, "validation_failed");
    assert_eq!(category.await["errors"][0]["field"], "category");
    assert_eq!(app.count("SELECT count(*) AS n FROM evaluation_ballots"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM ballot_codes"), 1);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ballot_failures"),
        0,
        "a valid code's incomplete ballot is no failed code"
    );
    let whole = ballot(
        &code,
        "staff_representative",
        &e.leaders,
        &["good", "poor", "unknown"],
    );
    assert_eq!(cast(&app, &whole, None).await.status(), 204);
}

#[tokio::test]
async fn a_round_past_its_failure_budget_is_suspended_until_the_office_resumes_it() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let settings = format!(
        "/api/v1/assessment-cycles/{}/evaluation-settings",
        e.f.cycle
    );
    let tag0 = etag_of(&app, &settings).await;
    let changed = app
        .patch(&settings, &app.office, &tag0, &json!({"failure_budget": 2}))
        .await;
    assert_eq!(changed.status(), 200);
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 2).await;
    let prefix = tag(&codes[0]);
    for n in 0..3 {
        let wrong = forged(&prefix, 1000 + n);
        let body = ballot(&wrong, "staff_representative", &e.leaders, &["good"; 3]);
        assert_problem(cast(&app, &body, None).await, 422, "validation_failed").await;
    }
    let view: Value = json_of(app.get(&round, &app.office).await, 200).await;
    assert_eq!(view["state"], "suspended");
    assert_eq!(view["failed_attempts"], 3);

    let valid = ballot(&codes[0], "staff_representative", &e.leaders, &["good"; 3]);
    assert_problem(
        cast(&app, &valid, None).await,
        409,
        "evaluation_round_suspended",
    )
    .await;
    assert_problem(
        form(&app, &codes[0], None).await,
        409,
        "evaluation_round_suspended",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM evaluation_ballots"), 0);

    let resume = format!("{round}/resume");
    let by_team = app
        .request(Method::POST, &resume, Some(&e.team))
        .send()
        .await;
    assert_problem(by_team.expect("send"), 403, "forbidden").await;
    let resumed = app
        .request(Method::POST, &resume, Some(&app.office))
        .send()
        .await;
    let resumed = json_of(resumed.expect("send"), 200).await;
    assert_eq!(resumed["state"], "open");
    assert_eq!(resumed["failed_attempts"], 0);
    assert_eq!(cast(&app, &valid, None).await.status(), 204, "votes again");
    let again = app
        .request(Method::POST, &resume, Some(&app.office))
        .send()
        .await;
    assert_problem(again.expect("send"), 409, "evaluation_round_not_suspended").await;
}

#[tokio::test]
async fn failed_codes_are_limited_per_client_address_seen_through_the_trusted_proxies() {
    let app = TestApp::spawn_with(|s| {
        s.trusted_proxies = vec![TrustedProxy::parse("127.0.0.1").expect("proxy")];
        s.ballot_failure_limit = 3;
    })
    .await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 3).await;
    // A prefix no round has: these fail against the address only.
    let stranger = if tag(&codes[0]) == "ZZZ" {
        "ZZY"
    } else {
        "ZZZ"
    };
    for n in 0..3 {
        let wrong = forged(stranger, n);
        let response = form(&app, &wrong, Some("203.0.113.7")).await;
        assert_problem(response, 422, "validation_failed").await;
    }
    let valid = ballot(&codes[0], "staff_representative", &e.leaders, &["good"; 3]);
    let limited = cast(&app, &valid, Some("203.0.113.7")).await;
    let retry = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    assert!(
        retry.is_some_and(|s| (1..=900).contains(&s)),
        "Retry-After {retry:?}"
    );
    assert_problem(limited, 429, "too_many_failures").await;
    // What the client claims left of the proxy's entry does not change who it is.
    let spoofed = cast(&app, &valid, Some("198.51.100.1, 203.0.113.7")).await;
    assert_problem(spoofed, 429, "too_many_failures").await;
    // Another client behind the same proxy votes.
    assert_eq!(cast(&app, &valid, Some("203.0.113.8")).await.status(), 204);
    // A proxy chain: the rightmost address that is no trusted proxy is the client.
    let next = ballot(&codes[1], "staff_representative", &e.leaders, &["good"; 3]);
    let chained = cast(&app, &next, Some("203.0.113.7, 127.0.0.1")).await;
    assert_problem(chained, 429, "too_many_failures").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM evaluation_ballots"), 1);
    let view: Value = json_of(app.get(&round, &app.office).await, 200).await;
    assert_eq!(
        view["failed_attempts"], 0,
        "failures of no round's prefix spare the round"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ballot_failures WHERE client_key LIKE '%203.0.113%'"),
        0,
        "the counters hold no address"
    );
}

#[tokio::test]
async fn without_trusted_proxies_a_forwarded_address_is_not_believed() {
    let app = TestApp::spawn_with(|s| s.ballot_failure_limit = 2).await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 1).await;
    let stranger = if tag(&codes[0]) == "ZZZ" {
        "ZZY"
    } else {
        "ZZZ"
    };
    for (n, claimed) in ["203.0.113.1", "203.0.113.2"].iter().enumerate() {
        let response = form(&app, &forged(stranger, n as u64), Some(claimed)).await;
        assert_problem(response, 422, "validation_failed").await;
    }
    let valid = ballot(&codes[0], "staff_representative", &e.leaders, &["good"; 3]);
    let limited = cast(&app, &valid, Some("203.0.113.3")).await;
    assert_problem(limited, 429, "too_many_failures").await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM ballot_codes"),
        1,
        "the code is unused"
    );
}

#[tokio::test]
async fn paper_counts_above_the_forms_returned_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let tag0 = etag_of(&app, &round).await;
    let paper = format!("{round}/paper-tally");
    let count = |leader: i64, good: i64, poor: i64| {
        json!({"leader_id": leader, "category": "staff_representative",
               "good": good, "fairly_good": 0, "average": 0, "poor": poor, "unknown": 1})
    };
    let over = json!({"forms_handed_out": 10, "forms_returned": 8,
                      "counts": [count(e.leaders[0], 5, 2), count(e.leaders[1], 6, 2)]});
    let put = |body: Value, tag: String| {
        app.request(Method::PUT, &paper, Some(&e.team))
            .header("If-Match", tag)
            .json(&body)
            .send()
    };
    let refused = assert_problem(
        put(over, tag0.clone()).await.expect("put"),
        422,
        "validation_failed",
    );
    let refused = refused.await;
    assert_eq!(refused["errors"][0]["field"], "counts[1]");
    assert_eq!(refused["errors"][0]["code"], "exceeds_forms_returned");
    let back = json!({"forms_handed_out": 5, "forms_returned": 6, "counts": []});
    let back = assert_problem(
        put(back, tag0.clone()).await.expect("put"),
        422,
        "validation_failed",
    );
    assert_eq!(back.await["errors"][0]["field"], "forms_returned");
    assert_eq!(
        app.count("SELECT count(*) AS n FROM evaluation_paper_counts"),
        0
    );
    assert_eq!(
        etag_of(&app, &round).await,
        tag0,
        "the round did not change"
    );

    let fits = json!({"forms_handed_out": 10, "forms_returned": 8,
                      "counts": [count(e.leaders[0], 5, 2), count(e.leaders[1], 5, 2)]});
    let saved = json_of(put(fits, tag0.clone()).await.expect("put"), 200).await;
    assert_eq!(saved["paper_forms_returned"], 8);
    let stale = json!({"forms_handed_out": 10, "forms_returned": 8, "counts": []});
    assert_problem(
        put(stale, tag0).await.expect("put"),
        412,
        "precondition_failed",
    )
    .await;
    assert_eq!(
        app.count("SELECT count(*) AS n FROM evaluation_paper_counts"),
        2
    );
}

/// Casts `marks[i]` (one mark per leader) with the i-th code.
async fn cast_all(app: &TestApp, codes: &[String], leaders: &[i64], marks: &[[&str; 3]]) {
    for (code, ballot_marks) in codes.iter().zip(marks) {
        let category = "staff_representative";
        let response = cast(app, &ballot(code, category, leaders, ballot_marks), None).await;
        assert_eq!(response.status(), 204, "cast {ballot_marks:?}");
    }
}

#[tokio::test]
async fn the_tally_adds_paper_and_online_and_keeps_unknown_apart() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 8).await;
    let mut marks = vec![["good", "poor", "unknown"]; 5];
    marks.extend([["fairly_good", "average", "unknown"]; 2]);
    marks.push(["unknown", "poor", "good"]);
    cast_all(&app, &codes, &e.leaders, &marks).await;
    let tally_path = format!("{round}/tally");
    let early = app.get(&tally_path, &e.team).await;
    assert_problem(early, 409, "evaluation_round_not_closed").await;
    let tag0 = etag_of(&app, &round).await;
    let paper = json!({"forms_handed_out": 4, "forms_returned": 4, "counts": [
        {"leader_id": e.leaders[0], "category": "leadership_member",
         "good": 1, "fairly_good": 1, "average": 1, "poor": 0, "unknown": 1},
        {"leader_id": e.leaders[2], "category": "staff_representative",
         "good": 0, "fairly_good": 0, "average": 0, "poor": 0, "unknown": 4}
    ]});
    let put = app
        .request(Method::PUT, &format!("{round}/paper-tally"), Some(&e.team))
        .header("If-Match", tag0)
        .json(&paper)
        .send()
        .await
        .expect("paper");
    assert_eq!(put.status(), 200);
    close(&app, &e.team, &round).await;

    let tally = json_of(app.get(&tally_path, &e.team).await, 200).await;
    assert_eq!(tally["online_ballots"], 8);
    assert_eq!(tally["ballots"], 12);
    let first = &tally["leaders"][0];
    assert_eq!(first["leader_id"], e.leaders[0]);
    assert_eq!(
        first["online"],
        json!({"good": 5, "fairly_good": 2, "average": 0, "poor": 0, "unknown": 1})
    );
    assert_eq!(
        first["paper"],
        json!({"good": 1, "fairly_good": 1, "average": 1, "poor": 0, "unknown": 1})
    );
    assert_eq!(
        first["total"],
        json!({"good": 6, "fairly_good": 3, "average": 1, "poor": 0, "unknown": 2})
    );
    assert_eq!(first["valid_votes"], 10, "unknown is not a valid vote");
    assert_eq!(first["shares"]["good"], "0.6000");
    assert_eq!(first["shares"]["fairly_good"], "0.3000");
    // (6 × 1.0 + 3 × 0.8 + 1 × 0.6) / 10 = 0.90
    assert_eq!(first["weighted_score"], "0.9000");
    assert_eq!(first["proposed_grade"], "good");
    let second = &tally["leaders"][1];
    assert_eq!(second["total"]["poor"], 6);
    assert_eq!(second["proposed_grade"], "poor");
    let third = &tally["leaders"][2];
    assert_eq!(third["total"]["unknown"], 11);
    assert_eq!(third["valid_votes"], 1);
    assert_eq!(third["shares"]["good"], "1.0000");
    let office = json_of(app.get(&tally_path, &app.office).await, 200).await;
    assert_eq!(office, tally, "the office sees the same tally");
}

#[tokio::test]
async fn below_the_cycle_minimum_only_the_office_sees_the_tally_and_the_proposals() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 3).await;
    cast_all(&app, &codes, &e.leaders, &[["good", "good", "good"]; 3]).await;
    close(&app, &e.team, &round).await;
    let tally_path = format!("{round}/tally");
    assert_problem(app.get(&tally_path, &e.team).await, 403, "too_few_ballots").await;
    let office = json_of(app.get(&tally_path, &app.office).await, 200).await;
    assert_eq!(office["ballots"], 3);
    assert_eq!(office["min_ballots"], 10);
    let team_grades = json_of(app.get(&e.grades(e.f.town), &e.team).await, 200).await;
    assert!(team_grades[0]["proposed_grade"].is_null(), "{team_grades}");
    let office_grades = json_of(app.get(&e.grades(e.f.town), &app.office).await, 200).await;
    assert_eq!(office_grades[0]["proposed_grade"], "good");
    let other = app.token(lianzheng::auth::Role::Inspector, "someone-else", None);
    assert_problem(app.get(&tally_path, &other).await, 404, "not_found").await;
}

#[tokio::test]
async fn a_unit_sees_its_leaders_grades_only_after_publication_and_never_the_counts() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 10).await;
    cast_all(
        &app,
        &codes,
        &e.leaders,
        &[["good", "fairly_good", "poor"]; 10],
    )
    .await;
    close(&app, &e.team, &round).await;
    let grade_path = |leader: i64| format!("{}/{leader}", e.grades(e.f.town));
    let set = app
        .request(Method::PUT, &grade_path(e.leaders[0]), Some(&app.office))
        .json(&json!({"grade": "good"}))
        .send()
        .await
        .expect("grade");
    assert_eq!(set.status(), 201);
    let unit = app.unit_token(e.f.town);
    let tally_path = format!("{round}/tally");
    assert_problem(
        app.get(&e.grades(e.f.town), &unit).await,
        403,
        "not_published",
    )
    .await;
    assert_problem(
        app.get(&grade_path(e.leaders[0]), &unit).await,
        403,
        "not_published",
    )
    .await;
    assert_problem(
        app.get(&e.rounds(e.f.town), &unit).await,
        403,
        "not_published",
    )
    .await;
    assert_problem(app.get(&tally_path, &unit).await, 403, "not_published").await;
    let other_unit = app.unit_token(e.f.dept);
    assert_problem(
        app.get(&e.grades(e.f.town), &other_unit).await,
        404,
        "not_found",
    )
    .await;

    mark_published(&app, e.f.cycle);
    let grades = json_of(app.get(&e.grades(e.f.town), &unit).await, 200).await;
    let first = grades
        .as_array()
        .expect("grades")
        .iter()
        .find(|g| g["leader_id"] == e.leaders[0])
        .expect("the first leader")
        .clone();
    assert_eq!(first["grade"], "good");
    assert!(first.get("proposed_grade").is_none(), "{first}");
    assert!(first.get("record").is_none(), "{first}");
    let single = json_of(app.get(&grade_path(e.leaders[0]), &unit).await, 200).await;
    assert_eq!(single["grade"], "good");
    assert!(single["proposed_grade"].is_null() && single["reason"].is_null());
    assert_problem(app.get(&tally_path, &unit).await, 403, "grades_only").await;
    assert_problem(
        app.get(&e.rounds(e.f.town), &unit).await,
        403,
        "grades_only",
    )
    .await;
    assert_problem(
        app.get(&e.grades(e.f.town), &other_unit).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn each_branch_of_the_proposal_rule_and_a_grade_against_it_needs_a_reason() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let fourth = fixtures::leader(&app, e.f.town, "黄明", "副镇长", false)
        .await
        .id;
    let fifth = fixtures::leader(&app, e.f.town, "周强", "武装部长", false)
        .await
        .id;
    let leaders = [e.leaders[0], e.leaders[1], e.leaders[2], fourth, fifth];
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 10).await;
    // Per leader over ten ballots: 6 good 4 fairly good (good); 4 poor (poor); 2 good 6 fairly
    // good 2 average (0.80: fairly good); 1 good 9 average (0.64: average); all unknown (none).
    for (n, code) in codes.iter().enumerate() {
        let first = if n < 6 { "good" } else { "fairly_good" };
        let second = if n < 4 { "poor" } else { "good" };
        let third = match n {
            0 | 1 => "good",
            2..=7 => "fairly_good",
            _ => "average",
        };
        let fourth_mark = if n == 0 { "good" } else { "average" };
        let marks = [first, second, third, fourth_mark, "unknown"];
        let body = json!({"code": code, "category": "staff_representative",
            "grades": leaders.iter().zip(marks).map(|(l, m)| json!({"leader_id": l, "grade": m}))
                .collect::<Vec<_>>()});
        assert_eq!(cast(&app, &body, None).await.status(), 204);
    }
    close(&app, &e.team, &round).await;
    let tally = json_of(app.get(&format!("{round}/tally"), &app.office).await, 200).await;
    let proposed: Vec<Value> = tally["leaders"]
        .as_array()
        .expect("leaders")
        .iter()
        .map(|l| l["proposed_grade"].clone())
        .collect();
    assert_eq!(
        proposed,
        vec![
            json!("good"),
            json!("poor"),
            json!("fairly_good"),
            json!("average"),
            Value::Null
        ]
    );
    assert_eq!(tally["leaders"][2]["weighted_score"], "0.8000");
    assert_eq!(tally["leaders"][3]["weighted_score"], "0.6400");

    let grade = |leader: i64| format!("{}/{leader}", e.grades(e.f.town));
    let put = |leader: i64, body: Value| {
        app.request(Method::PUT, &grade(leader), Some(&app.office))
            .json(&body)
            .send()
    };
    let agreed = put(leaders[0], json!({"grade": "good"}))
        .await
        .expect("put");
    assert_eq!(agreed.status(), 201);
    assert!(agreed.headers().get("location").is_some());
    let against = put(leaders[1], json!({"grade": "average"}))
        .await
        .expect("put");
    let against = assert_problem(against, 422, "validation_failed").await;
    assert_eq!(against["errors"][0]["field"], "reason");
    assert_eq!(against["errors"][0]["code"], "reason_required");
    let none = put(leaders[4], json!({"grade": "average"}))
        .await
        .expect("put");
    assert_problem(none, 422, "validation_failed").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM leader_grades"), 1);
    let reasoned =
        json!({"grade": "average", "reason": "平时掌握情况较好，测评差评集中于一次信访事件"});
    let reasoned = json_of(put(leaders[1], reasoned).await.expect("put"), 201).await;
    assert_eq!(reasoned["proposed_grade"], "poor");
    assert_eq!(reasoned["grade"], "average");
    let by_team = app
        .request(Method::PUT, &grade(leaders[2]), Some(&e.team))
        .json(&json!({"grade": "fairly_good"}))
        .send()
        .await
        .expect("put");
    assert_problem(by_team, 403, "forbidden").await;
    let replace = put(leaders[0], json!({"grade": "good"}))
        .await
        .expect("put");
    assert_problem(replace, 428, "precondition_required").await;
    let replaced = app
        .request(Method::PUT, &grade(leaders[0]), Some(&app.office))
        .header("If-Match", "\"1\"")
        .json(&json!({"grade": "fairly_good", "reason": "综合平时表现下调一档"}))
        .send()
        .await
        .expect("put");
    let replaced = json_of(replaced, 200).await;
    assert_eq!(replaced["version"], 2);
    assert_eq!(app.count("SELECT count(*) AS n FROM leader_grades"), 2);
}

#[tokio::test]
async fn the_evaluation_settings_change_until_the_first_round_opens() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let path = format!(
        "/api/v1/assessment-cycles/{}/evaluation-settings",
        e.f.cycle
    );
    let defaults = json_of(app.get(&path, &e.team).await, 200).await;
    assert_eq!(defaults["coefficients"]["fairly_good"], "0.80");
    assert_eq!(defaults["min_ballots"], 10);
    assert_eq!(
        defaults["rule"]["poor_above_poor_share"],
        json!({"numerator": 1, "denominator": 3})
    );
    assert_eq!(defaults["frozen"], false);
    let tag0 = etag_of(&app, &path).await;
    let overlapping = json!({"rule": {
        "good_min_good_share": {"numerator": 3, "denominator": 5},
        "good_max_poor_share": {"numerator": 1, "denominator": 2},
        "poor_above_poor_share": {"numerator": 1, "denominator": 3},
        "fairly_good_min_score": "0.80"}});
    let refused = app.patch(&path, &app.office, &tag0, &overlapping).await;
    let refused = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(refused["errors"][0]["field"], "rule.good_max_poor_share");
    let changed = app
        .patch(&path, &app.office, &tag0, &json!({"min_ballots": 5}))
        .await;
    let changed = json_of(changed, 200).await;
    assert_eq!(changed["min_ballots"], 5);
    open(&app, &e, &e.team, e.f.town).await;
    let tag1 = etag_of(&app, &path).await;
    let frozen = app
        .patch(&path, &app.office, &tag1, &json!({"min_ballots": 3}))
        .await;
    assert_problem(frozen, 409, "evaluation_started").await;
    assert_eq!(
        json_of(app.get(&path, &app.office).await, 200).await["frozen"],
        true
    );
    let again = app
        .post(
            &e.rounds(e.f.town),
            &e.team,
            &json!({"categories": [
        {"category": "staff_representative", "slips": 10}]}),
        )
        .await;
    assert_problem(again, 409, "evaluation_round_open").await;
}

#[tokio::test]
async fn only_the_office_and_the_units_team_run_its_rounds() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let body = json!({"categories": [{"category": "staff_representative", "slips": 10}]});
    let unit = app.unit_token(e.f.town);
    assert_problem(
        app.post(&e.rounds(e.f.town), &unit, &body).await,
        403,
        "forbidden",
    )
    .await;
    let stranger = app.token(lianzheng::auth::Role::Inspector, "another-inspector", None);
    assert_problem(
        app.post(&e.rounds(e.f.town), &stranger, &body).await,
        404,
        "not_found",
    )
    .await;
    // The department is not the team's: 404 for the team, as if nothing existed.
    assert_problem(
        app.post(&e.rounds(e.f.dept), &e.team, &body).await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM evaluation_rounds"), 0);
    let round = open(&app, &e, &e.team, e.f.town).await;
    let view = json_of(app.get(&round, &e.team).await, 200).await;
    let names: Vec<&str> = view["leaders"]
        .as_array()
        .expect("leaders")
        .iter()
        .map(|l| l["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        names,
        vec!["李建国", "梁伟", "陈小红"],
        "frozen in ballot order"
    );
    fixtures::leader(&app, e.f.town, "新任副镇长", "副镇长", false).await;
    let later = json_of(app.get(&round, &e.team).await, 200).await;
    assert_eq!(
        later["leaders"], view["leaders"],
        "a later leader is not on the ballot"
    );
}

#[tokio::test]
async fn issuing_codes_refuses_an_idempotency_key_and_its_record_says_only_how_many() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let keyed = app
        .request(Method::POST, &format!("{round}/codes"), Some(&e.team))
        .header("Idempotency-Key", "codes-1")
        .json(&json!({"count": 2}))
        .send()
        .await
        .expect("issue");
    assert_problem(keyed, 400, "idempotency_key_refused").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM ballot_codes"), 0);
    let response = app
        .post(&format!("{round}/codes"), &e.team, &json!({"count": 3}))
        .await;
    let issued = json_of(response, 200).await;
    let codes: Vec<String> = issued["codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_owned())
        .collect();
    assert_eq!(codes.len(), 3);
    let sheet = issued["print_sheet"].as_str().expect("sheet");
    for (code, entry) in codes.iter().zip(issued["codes"].as_array().expect("codes")) {
        assert_eq!(code.len(), 14, "XXXX-XXXX-XXXX: {code}");
        assert!(parse_code(code).is_some(), "{code} checks");
        let compact = parse_code(code).expect("code");
        assert_eq!(
            entry["url"],
            format!("https://oa.yangshan.example/ballot#c={compact}")
        );
        assert!(sheet.contains(code.as_str()), "the sheet shows {code}");
    }
    assert_eq!(sheet.matches("<svg").count(), 3, "one QR code a slip");
    assert_eq!(app.count("SELECT count(*) AS n FROM ballot_codes"), 3);
    let key = BallotKey::new(&Secret::new(TEST_BALLOT_CODE_KEY));
    let stored = app.count(&format!(
        "SELECT count(*) AS n FROM ballot_codes WHERE code_hash = '{}'",
        key.code_hash(&parse_code(&codes[0]).expect("code"))
    ));
    assert_eq!(stored, 1, "stored as its keyed hash");
    let changes: Vec<String> = diesel::sql_query(
        "SELECT changes::text AS text FROM audit_log WHERE action = 'issue_codes'",
    )
    .load::<TextRow>(&mut app.db.owner())
    .expect("audit")
    .into_iter()
    .map(|r| r.text)
    .collect();
    assert_eq!(changes.len(), 1);
    assert!(
        changes[0].contains("\"codes_issued\": 3") || changes[0].contains("\"codes_issued\":3")
    );
    for code in &codes {
        let compact = parse_code(code).expect("code");
        assert!(!changes[0].contains(&compact) && !changes[0].contains(code.as_str()));
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM idempotency_keys"), 0);
}

#[tokio::test]
async fn a_ballot_needs_no_token_and_leaves_no_audit_idempotency_or_request_id_behind() {
    let app = TestApp::spawn().await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let code = issue(&app, &e.team, &round, 1).await.remove(0);
    let form = json_of(form(&app, &code, None).await, 200).await;
    assert_eq!(form["leaders"].as_array().map(Vec::len), Some(3));
    assert_eq!(form["unit_name"], "阳城镇");
    let audit = app.count("SELECT count(*) AS n FROM audit_log");
    let response = app
        .request(Method::POST, "/api/v1/ballots", None)
        .header("Idempotency-Key", "ballot-1")
        .header("X-Request-Id", "vote-request-1")
        .json(&ballot(
            &code,
            "leadership_member",
            &e.leaders,
            &["good"; 3],
        ))
        .send()
        .await
        .expect("cast");
    assert_eq!(response.status(), 204);
    assert!(
        response.headers().get("x-request-id").is_none(),
        "no request id"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        audit,
        "no audit record"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM idempotency_keys"), 0);
    assert!(
        !captured_logs().contains("vote-request-1"),
        "no request id in the logs"
    );
}

#[derive(QueryableByName)]
struct TextRow {
    #[diesel(sql_type = Text)]
    text: String,
}

fn texts(conn: &mut PgConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<TextRow>(conn)
        .expect(sql)
        .into_iter()
        .map(|r| r.text)
        .collect()
}

#[tokio::test]
async fn stored_ballots_cannot_be_linked_to_their_code_address_or_time() {
    const CLIENT: &str = "198.51.100.23";
    let app = TestApp::spawn_with(|s| {
        s.trusted_proxies = vec![TrustedProxy::parse("127.0.0.1").expect("proxy")];
    })
    .await;
    let e = arrange(&app).await;
    let round = open(&app, &e, &e.team, e.f.town).await;
    let codes = issue(&app, &e.team, &round, 24).await;
    let key = BallotKey::new(&Secret::new(TEST_BALLOT_CODE_KEY));
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| key.code_hash(&parse_code(c).expect("code")))
        .collect();
    let mut app_conn = app.db.app();
    let marks = ["good", "fairly_good", "average", "poor", "unknown"];
    // The known mapping: code i casts the marks of ballot i, and its transaction id is learnt
    // as the one new ballot row's xmin.
    let mut mapping: BTreeMap<String, (Vec<&str>, String)> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, code) in codes.iter().enumerate().take(22) {
        let ballot_marks = vec![marks[i % 5], marks[(i / 5) % 5], marks[(i + 2) % 5]];
        let body = ballot(code, "staff_representative", &e.leaders, &ballot_marks);
        assert_eq!(cast(&app, &body, Some(CLIENT)).await.status(), 204);
        let now: BTreeSet<String> = texts(
            &mut app_conn,
            "SELECT xmin::text AS text FROM evaluation_ballots",
        )
        .into_iter()
        .collect();
        let new: Vec<&String> = now.difference(&seen).collect();
        assert_eq!(new.len(), 1, "one new ballot row per vote");
        mapping.insert(code.clone(), (ballot_marks, new[0].clone()));
        seen = now;
    }
    let voting: BTreeSet<String> = mapping.values().map(|(_, xid)| xid.clone()).collect();
    assert_eq!(voting.len(), 22, "each vote its own transaction");
    close(&app, &e.team, &round).await;

    // Every ballot row was written by the closing transaction (which also closed the round).
    let ballot_xmins = texts(
        &mut app_conn,
        "SELECT xmin::text AS text FROM evaluation_ballots",
    );
    assert_eq!(ballot_xmins.len(), 22);
    let round_id = round.rsplit('/').next().expect("round id");
    let closing = texts(
        &mut app_conn,
        &format!("SELECT xmin::text AS text FROM evaluation_rounds WHERE id = {round_id}"),
    );
    assert!(
        ballot_xmins.iter().all(|x| *x == closing[0]),
        "{ballot_xmins:?} {closing:?}"
    );
    assert!(!voting.contains(&closing[0]));

    // The ballots hold what was cast, nothing more.
    let mut stored: Vec<Vec<String>> = texts(
        &mut app_conn,
        "SELECT grades::text AS text FROM evaluation_ballots",
    )
    .into_iter()
    .map(|g| {
        let g: Value = serde_json::from_str(&g).expect("grades");
        e.leaders
            .iter()
            .map(|l| g[l.to_string()].as_str().unwrap_or("").to_owned())
            .collect()
    })
    .collect();
    let mut cast_marks: Vec<Vec<String>> = mapping
        .values()
        .map(|(m, _)| m.iter().map(|s| (*s).to_owned()).collect())
        .collect();
    stored.sort();
    cast_marks.sort();
    assert_eq!(stored, cast_marks);

    // The ballot table's columns: no time, no sequential id, no code, no address.
    let columns = texts(
        &mut app_conn,
        "SELECT column_name || ':' || data_type || ':' || coalesce(column_default, '') AS text
           FROM information_schema.columns WHERE table_name = 'evaluation_ballots'",
    );
    for column in &columns {
        assert!(
            !column.contains("time") && !column.contains(":date"),
            "{column}"
        );
        assert!(!column.contains("nextval"), "{column}");
    }
    assert!(
        columns
            .iter()
            .any(|c| c.starts_with("id:uuid:gen_random_uuid()")),
        "{columns:?}"
    );
    let tables = texts(
        &mut app_conn,
        "SELECT table_name::text AS text FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    assert!(tables.len() > 20, "{tables:?}");
    for table in &tables {
        // No row of any table holds a code, a code's hash or the client's address...
        let rows = texts(
            &mut app_conn,
            &format!("SELECT t::text AS text FROM {table} t"),
        );
        for row in &rows {
            for (code, hash) in codes.iter().zip(&hashes) {
                let compact = parse_code(code).expect("code");
                assert!(
                    !row.contains(code.as_str()) && !row.contains(&compact),
                    "{table} holds a code"
                );
                assert!(!row.contains(hash.as_str()), "{table} holds a code hash");
            }
            assert!(!row.contains(CLIENT), "{table} holds the address");
        }
        // ... and none carries a voting transaction's id.
        let xids = texts(
            &mut app_conn,
            &format!(
                "SELECT xmin::text AS text FROM {table}
                 UNION ALL SELECT xmax::text FROM {table} WHERE xmax::text <> '0'"
            ),
        );
        for xid in xids {
            assert!(
                !voting.contains(&xid),
                "{table} carries a voting transaction's id"
            );
        }
    }

    // No captured log line of a vote names a code, the address or a grade.
    let logs = captured_logs();
    for code in &codes {
        let compact = parse_code(code).expect("code");
        assert!(
            !logs.contains(code.as_str()) && !logs.contains(&compact),
            "a code is logged"
        );
    }
    assert!(!logs.contains(CLIENT), "the address is logged");
    let vote_lines: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("/api/v1/ballots"))
        .collect();
    assert!(vote_lines.len() >= 22, "the votes' requests are logged");
    for line in vote_lines {
        assert!(!line.contains("\"request_id\":"), "{line}");
        for mark in marks {
            assert!(!line.contains(mark), "{line}");
        }
    }
}

#[tokio::test]
async fn the_service_refuses_to_start_without_a_ballot_code_key_outside_development_mode() {
    let db = crate::helpers::TestDb::create();
    let build = |adjust: &dyn Fn(&mut lianzheng::config::Settings)| {
        let mut settings = crate::helpers::test_settings(&db);
        adjust(&mut settings);
        let signer = std::sync::Arc::new(settings.audit_signer().expect("audit key"));
        let pool = lianzheng::db::connect(
            settings.database_url.expose(),
            1,
            settings.pool_timeout,
            settings.statement_timeout,
            signer,
        )
        .expect("pool");
        lianzheng::startup::Application::build(&settings, pool).map(|_| ())
    };
    let missing = build(&|s| s.ballot_code_key = None).expect_err("refused");
    assert!(
        missing.to_string().contains("BALLOT_CODE_KEY is not set"),
        "{missing}"
    );
    let short = build(&|s| s.ballot_code_key = Some(Secret::new("short"))).expect_err("refused");
    assert!(short.to_string().contains("at least 32"), "{short}");
    let dev = build(&|s| {
        s.ballot_code_key = None;
        s.dev_mode = true;
    });
    assert!(dev.is_ok(), "development mode uses an ephemeral key");
}
