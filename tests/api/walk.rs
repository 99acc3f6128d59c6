//! The to-do list walked through one whole cycle (issue 17, "Done when"): on a fresh database
//! with the test clock, one cycle goes from draft through the self-inspection, the special
//! inspection, the review and publication (rectification and acknowledgement) to the archive.
//! At every step the tasks of two units, two inspectors of one team, the inspector of another
//! team and the office are read back whole: each task appears when it becomes due (with its
//! date), turns overdue after that date as the clock moves, disappears when the API call that
//! does it succeeds, and never shows another unit's or another team's business. The badge
//! (`?count_only=true`) counts what the list holds.

use chrono::{DateTime, TimeZone, Utc};
use diesel::connection::SimpleConnection;
use lianzheng::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::fixtures::{assigned, cycle, leader, team, unit};
use crate::helpers::TestApp;
use crate::publication::set_publication_document;

/// An instant in China Standard Time.
fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

fn exec(app: &TestApp, sql: &str) {
    app.db.owner().batch_execute(sql).expect(sql);
}

/// One walker: a name for the messages, a token, and the units it may ever see (`None`: any).
struct Who {
    name: &'static str,
    token: String,
    units: Option<Vec<i64>>,
}

/// The county of the walk: two units, two teams, one cycle.
struct Walk {
    app: TestApp,
    cycle: i64,
    /// 阳城镇 (a town), held by the first team.
    a: i64,
    /// 县财政局 (a department), held by the second team.
    b: i64,
    /// The town's first responsible persons.
    a_leaders: Vec<i64>,
    unit_a: Who,
    unit_b: Who,
    /// The first team's leader and member.
    leader1: Who,
    member1: Who,
    /// The second team's leader and member.
    leader2: Who,
    member2: Who,
    office: Who,
}

/// A task as the walk names it: its kind and its unit (none for the cycle's own).
type Key = (&'static str, Option<i64>);

/// What one walker's list holds at one step.
struct Seen(Vec<Value>);

impl Seen {
    fn get(&self, kind: &str, unit: Option<i64>) -> &Value {
        self.0
            .iter()
            .find(|t| t["kind"] == kind && t["unit_id"].as_i64() == unit)
            .unwrap_or_else(|| panic!("no {kind} task of {unit:?} in {:#?}", self.0))
    }

    /// The task's due date (or null) and overdue flag.
    fn due(&self, kind: &str, unit: Option<i64>) -> (Value, bool) {
        let task = self.get(kind, unit);
        (
            task["due"].clone(),
            task["overdue"].as_bool().expect("overdue"),
        )
    }
}

impl Walk {
    fn path(&self, unit: i64, rest: &str) -> String {
        format!(
            "/api/v1/assessment-cycles/{}/units/{unit}/{rest}",
            self.cycle
        )
    }

    async fn post(&self, path: &str, token: &str, body: Value, status: u16) -> Value {
        let response = self.app.post(path, token, &body).await;
        let got = response.status().as_u16();
        let text = response.text().await.expect("body");
        assert_eq!(got, status, "POST {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn put(&self, path: &str, token: &str, if_match: Option<&str>, body: Value) -> u16 {
        let mut request = self.app.request(Method::PUT, path, Some(token)).json(&body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        let response = request.send().await.expect("PUT");
        let got = response.status().as_u16();
        let text = response.text().await.expect("body");
        assert!(got == 200 || got == 201, "PUT {path}: {got} {text}");
        got
    }

    async fn transition(&self, to: &str) {
        let path = format!("/api/v1/assessment-cycles/{}/transitions", self.cycle);
        self.post(&path, &self.app.office, json!({"to": to}), 200)
            .await;
    }

    /// `who`'s list, checked against the badge and against `who`'s scope, and its tasks
    /// exactly `expected`.
    async fn expect(&self, who: &Who, expected: &[Key]) -> Seen {
        let response = self.app.get("/api/v1/me/tasks", &who.token).await;
        assert_eq!(response.status(), 200, "{}'s tasks", who.name);
        let list: Value = response.json().await.expect("json");
        let items = list["items"].as_array().cloned().expect("items");
        assert_eq!(list["count"], items.len(), "{}: {list}", who.name);
        let overdue = items.iter().filter(|t| t["overdue"] == true).count();
        assert_eq!(list["overdue"], overdue, "{}: {list}", who.name);
        let badge = self
            .app
            .get("/api/v1/me/tasks?count_only=true", &who.token)
            .await;
        assert_eq!(badge.status(), 200);
        let badge: Value = badge.json().await.expect("json");
        assert_eq!(badge["count"], items.len(), "{}'s badge: {badge}", who.name);
        assert_eq!(badge["overdue"], overdue, "{}'s badge: {badge}", who.name);
        assert!(badge.get("items").is_none_or(Value::is_null), "{badge}");
        for task in &items {
            assert_eq!(task["cycle_id"], self.cycle, "{}: {task}", who.name);
            if let Some(units) = &who.units {
                let unit = task["unit_id"].as_i64();
                assert!(
                    unit.is_some_and(|u| units.contains(&u)),
                    "{} sees another's task: {task}",
                    who.name
                );
            }
        }
        // Sorted by due date, the undated last.
        let dues: Vec<(bool, String)> = items
            .iter()
            .map(|t| {
                (
                    t["due"].is_null(),
                    t["due"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        let mut sorted = dues.clone();
        sorted.sort();
        assert_eq!(dues, sorted, "{}'s list is sorted: {items:#?}", who.name);
        let mut got: Vec<(String, Option<i64>)> = items
            .iter()
            .map(|t| {
                (
                    t["kind"].as_str().expect("kind").to_owned(),
                    t["unit_id"].as_i64(),
                )
            })
            .collect();
        got.sort();
        let mut want: Vec<(String, Option<i64>)> = expected
            .iter()
            .map(|(k, u)| ((*k).to_owned(), *u))
            .collect();
        want.sort();
        assert_eq!(got, want, "{}'s tasks: {items:#?}", who.name);
        Seen(items)
    }
}

/// Arranges the county through the API: two units with first responsible persons, a draft
/// cycle of 2014 (self-inspection due 20 September, special inspection ending 30 September,
/// team reports due 15 October).
async fn county() -> Walk {
    let app = TestApp::spawn_at(china(2014, 9, 1, 10, 0)).await;
    let a = unit(&app, "阳城镇", "town").await.id;
    let b = unit(&app, "县财政局", "county_department").await.id;
    let a_leaders = vec![
        leader(&app, a, "李建国", "党委书记", true).await.id,
        leader(&app, a, "梁伟", "镇长", true).await.id,
    ];
    leader(&app, b, "何志强", "局长", true).await;
    let cycle = cycle(&app, 2014).await.id;
    let inspector = |sub: &str| app.token(Role::Inspector, sub, None);
    Walk {
        cycle,
        a,
        b,
        a_leaders,
        unit_a: Who {
            name: "unit A",
            token: app.unit_token(a),
            units: Some(vec![a]),
        },
        unit_b: Who {
            name: "unit B",
            token: app.unit_token(b),
            units: Some(vec![b]),
        },
        leader1: Who {
            name: "team 1's leader",
            token: inspector("walk-leader-1"),
            units: Some(vec![a]),
        },
        member1: Who {
            name: "team 1's member",
            token: inspector("walk-member-1"),
            units: Some(vec![a]),
        },
        leader2: Who {
            name: "team 2's leader",
            token: inspector("walk-leader-2"),
            units: Some(vec![b]),
        },
        member2: Who {
            name: "team 2's member",
            token: inspector("walk-member-2"),
            units: Some(vec![b]),
        },
        office: Who {
            name: "the office",
            token: app.office.clone(),
            units: None,
        },
        app,
    }
}

const SUBMIT_SI: &str = "submit_self_inspection";
const SUBMIT_AR: &str = "submit_accountability_report";
const SI_MISSING: &str = "self_inspection_missing";
const PAPER: &str = "paper_copy_missing";
const ASSIGN: &str = "assign_team";
const OPEN_ROUND: &str = "open_evaluation_round";
const CLOSE_ROUND: &str = "close_evaluation_round";
const SCORE: &str = "score_unit";
const SIGN_SHEET: &str = "sign_scoring_record";
const WRITE_REPORT: &str = "write_team_report";
const SIGN_REPORT: &str = "sign_team_report";
const REPORT_PENDING: &str = "team_report_pending";
const ENTER_SCORE: &str = "enter_routine_score";
const ADVANCE: &str = "advance_cycle";
const BLOCKED: &str = "cycle_blocked";
const ACK: &str = "acknowledge_result";
const SUBMIT_RECT: &str = "submit_rectification";
const ACCEPT_RECT: &str = "accept_rectification";

/// Draft and self-inspection: the unit's two documents, the office's reminders, team
/// assignment, the paper copy, the evaluation round.
async fn self_inspection(w: &Walk) {
    let (a, b) = (Some(w.a), Some(w.b));
    // The town's self-inspection and its two first responsible persons' reports.
    let owes = [(SUBMIT_SI, a), (SUBMIT_AR, a), (SUBMIT_AR, a)];
    // A draft cycle: nobody owes anything but the office, which may open it.
    let everyone_else = [
        &w.unit_a, &w.unit_b, &w.leader1, &w.member1, &w.leader2, &w.member2,
    ];
    for who in everyone_else {
        w.expect(who, &[]).await;
    }
    let seen = w.expect(&w.office, &[(ADVANCE, None)]).await;
    assert_eq!(seen.due(ADVANCE, None), (Value::Null, false));

    w.transition("self_inspection").await;
    let seen = w.expect(&w.unit_a, &owes).await;
    assert_eq!(seen.due(SUBMIT_SI, a), (json!("2014-09-20"), false));
    assert_eq!(seen.due(SUBMIT_AR, a), (json!("2014-09-20"), false));
    assert_eq!(
        seen.get(SUBMIT_SI, a)["resource"],
        w.path(w.a, "self-inspection")
    );
    w.expect(&w.unit_b, &[(SUBMIT_SI, b), (SUBMIT_AR, b)]).await;
    for who in [&w.leader1, &w.member1, &w.leader2, &w.member2] {
        w.expect(who, &[]).await;
    }
    let office = [
        (SI_MISSING, a),
        (SI_MISSING, b),
        (ASSIGN, a),
        (ASSIGN, b),
        (BLOCKED, None),
    ];
    let seen = w.expect(&w.office, &office).await;
    assert_eq!(seen.due(ASSIGN, a), (json!("2014-09-20"), false));
    assert_eq!(seen.due(BLOCKED, None), (json!("2014-09-20"), false));

    // Teams: each assignment takes the office's task and gives the team its round to hold.
    let team1 = team(
        &w.app,
        w.cycle,
        "第一考核组",
        "walk-leader-1",
        &["walk-member-1"],
    )
    .await
    .id;
    let team2 = team(
        &w.app,
        w.cycle,
        "第二考核组",
        "walk-leader-2",
        &["walk-member-2"],
    )
    .await
    .id;
    assigned(&w.app, w.cycle, team1, w.a).await;
    for who in [&w.leader1, &w.member1] {
        let seen = w.expect(who, &[(OPEN_ROUND, a)]).await;
        assert_eq!(seen.due(OPEN_ROUND, a), (json!("2014-09-30"), false));
    }
    w.expect(&w.leader2, &[]).await;
    let office = [
        (SI_MISSING, a),
        (SI_MISSING, b),
        (ASSIGN, b),
        (BLOCKED, None),
    ];
    w.expect(&w.office, &office).await;
    assigned(&w.app, w.cycle, team2, w.b).await;
    for who in [&w.leader2, &w.member2] {
        w.expect(who, &[(OPEN_ROUND, b)]).await;
    }
    w.expect(&w.member1, &[(OPEN_ROUND, a)]).await;
    let office = [(SI_MISSING, a), (SI_MISSING, b), (ADVANCE, None)];
    let seen = w.expect(&w.office, &office).await;
    assert_eq!(seen.due(ADVANCE, None), (json!("2014-09-20"), false));

    // The last minute of the 20th in Beijing is on time; midnight is overdue.
    w.app.clock.set(china(2014, 9, 20, 23, 59));
    let seen = w.expect(&w.unit_a, &owes).await;
    assert_eq!(seen.due(SUBMIT_SI, a), (json!("2014-09-20"), false));
    w.app.clock.set(china(2014, 9, 21, 0, 0));
    let seen = w.expect(&w.unit_a, &owes).await;
    assert_eq!(seen.due(SUBMIT_SI, a), (json!("2014-09-20"), true));
    assert!(seen.0.iter().all(|t| t["overdue"] == true), "{:#?}", seen.0);
    let seen = w.expect(&w.office, &office).await;
    assert_eq!(seen.due(SI_MISSING, a), (json!("2014-09-20"), true));
    assert_eq!(seen.due(ADVANCE, None), (json!("2014-09-20"), true));
    // The round is due with the special inspection's end, not yet passed.
    let seen = w.expect(&w.leader1, &[(OPEN_ROUND, a)]).await;
    assert_eq!(seen.due(OPEN_ROUND, a), (json!("2014-09-30"), false));

    // The unit submits its self-inspection (late): its task and the office's reminder go; the
    // office now owes the paper copy's registration.
    submit_self_inspection(w).await;
    w.expect(&w.unit_a, &[(SUBMIT_AR, a), (SUBMIT_AR, a)]).await;
    let office = [(SI_MISSING, b), (PAPER, a), (ADVANCE, None)];
    let seen = w.expect(&w.office, &office).await;
    assert_eq!(seen.due(PAPER, a), (json!("2014-09-20"), true));
    w.expect(&w.unit_b, &[(SUBMIT_SI, b), (SUBMIT_AR, b)]).await;

    // Returned for revision: the unit's task comes back as a resubmission, and the office's
    // reminder with it; resubmitted, both go again.
    let si = w.path(w.a, "self-inspection");
    let reason = json!({"reason": "第1项请补充佐证材料"});
    w.post(&format!("{si}/return"), &w.app.office, reason, 200)
        .await;
    let seen = w.expect(&w.unit_a, &owes).await;
    let title = seen.get(SUBMIT_SI, a)["title"].as_str().expect("title");
    assert!(title.contains("重新提交"), "{title}");
    let office = [(SI_MISSING, a), (SI_MISSING, b), (ADVANCE, None)];
    w.expect(&w.office, &office).await;
    w.post(&format!("{si}/submit"), &w.unit_a.token, json!({}), 200)
        .await;
    w.expect(&w.unit_a, &[(SUBMIT_AR, a), (SUBMIT_AR, a)]).await;
    let office = [(SI_MISSING, b), (PAPER, a), (ADVANCE, None)];
    w.expect(&w.office, &office).await;
    // The office registers the paper copy.
    let paper = json!({"received_at": "2014-09-21T09:30:00+08:00"});
    w.post(&format!("{si}/paper-received"), &w.app.office, paper, 200)
        .await;
    w.expect(&w.office, &[(SI_MISSING, b), (ADVANCE, None)])
        .await;

    // Each first responsible person's accountability report, one at a time.
    for (done, leader_id) in w.a_leaders.iter().enumerate() {
        let report = w.path(w.a, &format!("accountability-reports/{leader_id}"));
        let body = json!({"body": "本人作为党风廉政建设第一责任人，认真履行职责……"});
        w.put(&report, &w.unit_a.token, None, body).await;
        w.post(&format!("{report}/submit"), &w.unit_a.token, json!({}), 200)
            .await;
        let left = vec![(SUBMIT_AR, a); w.a_leaders.len() - done - 1];
        w.expect(&w.unit_a, &left).await;
    }
    w.expect(&w.unit_b, &[(SUBMIT_SI, b), (SUBMIT_AR, b)]).await;

    // The first team holds the town's evaluation round: opened, it is to be closed by the
    // team and watched by the office; closed, it is gone for all.
    let rounds = w.path(w.a, "evaluation-rounds");
    let body = json!({"categories": [
        {"category": "staff_representative", "slips": 40},
        {"category": "leadership_member", "slips": 5}
    ]});
    let response = w.app.post(&rounds, &w.leader1.token, &body).await;
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let status = response.status();
    assert_eq!(status, 201, "{}", response.text().await.unwrap_or_default());
    for who in [&w.leader1, &w.member1] {
        let seen = w.expect(who, &[(CLOSE_ROUND, a)]).await;
        assert_eq!(seen.due(CLOSE_ROUND, a), (json!("2014-09-30"), false));
        let resource = seen.get(CLOSE_ROUND, a)["resource"].as_str().expect("path");
        assert!(location.ends_with(resource), "{location} {resource}");
    }
    let office = [(SI_MISSING, b), (CLOSE_ROUND, a), (ADVANCE, None)];
    w.expect(&w.office, &office).await;
    w.expect(&w.leader2, &[(OPEN_ROUND, b)]).await;
    let close = w
        .app
        .request(
            Method::POST,
            &format!("{location}/close"),
            Some(&w.member1.token),
        )
        .send()
        .await
        .expect("close");
    let status = close.status();
    assert_eq!(status, 200, "{}", close.text().await.unwrap_or_default());
    for who in [&w.leader1, &w.member1, &w.unit_a] {
        w.expect(who, &[]).await;
    }
    w.expect(&w.office, &[(SI_MISSING, b), (ADVANCE, None)])
        .await;
}

/// The town's self-inspection, every item at its maximum, submitted by the town.
async fn submit_self_inspection(w: &Walk) {
    let form = w
        .app
        .get(
            &format!("/api/v1/assessment-cycles/{}/forms/town", w.cycle),
            &w.app.office,
        )
        .await;
    let form: Value = form.json().await.expect("json");
    let scores: Vec<Value> = form["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| json!({"item_code": i["code"], "points": i["max_points"]}))
        .collect();
    let si = w.path(w.a, "self-inspection");
    let body = json!({"report": "2014年，我镇党委认真履行党风廉政建设主体责任。",
                      "scores": scores});
    w.put(&si, &w.unit_a.token, None, body).await;
    let submitted = w
        .post(&format!("{si}/submit"), &w.unit_a.token, json!({}), 200)
        .await;
    assert_eq!(submitted["late"], true, "{submitted}");
}

/// The special inspection: the town's sheet scored, submitted and signed, its team report
/// written, submitted and signed.
async fn special_inspection(w: &Walk) {
    let (a, b) = (Some(w.a), Some(w.b));
    w.app.clock.set(china(2014, 9, 25, 9, 0));
    w.transition("special_inspection").await;
    w.expect(&w.unit_a, &[]).await;
    // What the department never did stays its own, and late.
    let seen = w.expect(&w.unit_b, &[(SUBMIT_SI, b), (SUBMIT_AR, b)]).await;
    assert_eq!(seen.due(SUBMIT_SI, b), (json!("2014-09-20"), true));
    for who in [&w.leader1, &w.member1] {
        let seen = w.expect(who, &[(SCORE, a)]).await;
        assert_eq!(seen.due(SCORE, a), (json!("2014-09-30"), false));
        let resource = &seen.get(SCORE, a)["resource"];
        assert_eq!(resource, &json!(w.path(w.a, "scoring-record")));
    }
    for who in [&w.leader2, &w.member2] {
        w.expect(who, &[(SCORE, b), (OPEN_ROUND, b)]).await;
    }
    let seen = w
        .expect(&w.office, &[(SI_MISSING, b), (ADVANCE, None)])
        .await;
    assert_eq!(seen.due(ADVANCE, None), (json!("2014-09-30"), false));

    // The member submits the sheet for signature: both owe their signature.
    let sheet = w.path(w.a, "scoring-record");
    let read = w.app.get(&sheet, &w.member1.token).await;
    assert_eq!(read.status(), 200);
    w.post(&format!("{sheet}/submit"), &w.member1.token, json!({}), 200)
        .await;
    for who in [&w.leader1, &w.member1] {
        let seen = w.expect(who, &[(SIGN_SHEET, a)]).await;
        assert_eq!(seen.due(SIGN_SHEET, a), (json!("2014-09-30"), false));
    }
    w.post(
        &format!("{sheet}/signatures"),
        &w.member1.token,
        json!({}),
        201,
    )
    .await;
    w.expect(&w.member1, &[]).await;
    w.expect(&w.leader1, &[(SIGN_SHEET, a)]).await;
    // The special inspection's last day passes: the leader's signature is overdue.
    w.app.clock.set(china(2014, 10, 1, 0, 0));
    let seen = w.expect(&w.leader1, &[(SIGN_SHEET, a)]).await;
    assert_eq!(seen.due(SIGN_SHEET, a), (json!("2014-09-30"), true));
    for who in [&w.leader2, &w.member2] {
        let seen = w.expect(who, &[(SCORE, b), (OPEN_ROUND, b)]).await;
        assert_eq!(seen.due(SCORE, b), (json!("2014-09-30"), true));
        assert_eq!(seen.due(OPEN_ROUND, b), (json!("2014-09-30"), true));
    }
    let seen = w
        .expect(&w.office, &[(SI_MISSING, b), (ADVANCE, None)])
        .await;
    assert_eq!(seen.due(ADVANCE, None), (json!("2014-09-30"), true));
    let signed = w
        .post(
            &format!("{sheet}/signatures"),
            &w.leader1.token,
            json!({}),
            201,
        )
        .await;
    assert_eq!(signed["status"], "final", "{signed}");

    // A final sheet: the team writes its report; the office waits for it.
    for who in [&w.leader1, &w.member1] {
        let seen = w.expect(who, &[(WRITE_REPORT, a)]).await;
        assert_eq!(seen.due(WRITE_REPORT, a), (json!("2014-10-15"), false));
    }
    let office = [(SI_MISSING, b), (REPORT_PENDING, a), (ADVANCE, None)];
    let seen = w.expect(&w.office, &office).await;
    assert_eq!(seen.due(REPORT_PENDING, a), (json!("2014-10-15"), false));

    let report = w.path(w.a, "team-report");
    let read = w.app.get(&report, &w.member1.token).await;
    assert_eq!(read.status(), 200);
    let tag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let body = json!({
        "overall_evaluation": "该镇党委能认真履行党风廉政建设主体责任，总体评价为较好。",
        "problems_found": "廉政风险防控措施落实不到位。",
        "rectification_advice": "完善廉政风险点台账，按季度公开村级财务。"
    });
    w.put(&report, &w.member1.token, Some(&tag), body).await;
    // Written but not submitted: still the team's to submit.
    w.expect(&w.leader1, &[(WRITE_REPORT, a)]).await;
    w.post(
        &format!("{report}/submit"),
        &w.leader1.token,
        json!({}),
        200,
    )
    .await;
    for who in [&w.leader1, &w.member1] {
        let seen = w.expect(who, &[(SIGN_REPORT, a)]).await;
        assert_eq!(seen.due(SIGN_REPORT, a), (json!("2014-10-15"), false));
    }
    w.post(
        &format!("{report}/signatures"),
        &w.leader1.token,
        json!({}),
        201,
    )
    .await;
    w.expect(&w.leader1, &[]).await;
    w.expect(&w.member1, &[(SIGN_REPORT, a)]).await;
    w.expect(&w.office, &office).await;
    let signed = w
        .post(
            &format!("{report}/signatures"),
            &w.member1.token,
            json!({}),
            201,
        )
        .await;
    assert_eq!(signed["status"], "final", "{signed}");
    w.expect(&w.member1, &[]).await;
    w.expect(&w.office, &[(SI_MISSING, b), (ADVANCE, None)])
        .await;
    w.expect(&w.unit_a, &[]).await;
}

/// In the review, the department's team scores, submits and signs its sheet late, then
/// writes, submits and signs its report: each step through the API.
async fn department_team_signs_off(w: &Walk) {
    let b = Some(w.b);
    let sheet = w.path(w.b, "scoring-record");
    assert_eq!(w.app.get(&sheet, &w.member2.token).await.status(), 200);
    w.post(&format!("{sheet}/submit"), &w.member2.token, json!({}), 200)
        .await;
    for who in [&w.leader2, &w.member2] {
        let seen = w.expect(who, &[(SIGN_SHEET, b)]).await;
        assert_eq!(seen.due(SIGN_SHEET, b), (json!("2014-09-30"), true));
    }
    let signatures = format!("{sheet}/signatures");
    w.post(&signatures, &w.leader2.token, json!({}), 201).await;
    w.expect(&w.leader2, &[]).await;
    w.expect(&w.member2, &[(SIGN_SHEET, b)]).await;
    w.post(&signatures, &w.member2.token, json!({}), 201).await;
    for who in [&w.leader2, &w.member2] {
        let seen = w.expect(who, &[(WRITE_REPORT, b)]).await;
        assert_eq!(seen.due(WRITE_REPORT, b), (json!("2014-10-15"), false));
    }
    // In the review the office also owes both units' routine scores (undated).
    let scores = [(ENTER_SCORE, Some(w.a)), (ENTER_SCORE, b)];
    let office = [(REPORT_PENDING, b), (BLOCKED, None), scores[0], scores[1]];
    w.expect(&w.office, &office).await;
    w.expect(&w.leader1, &[]).await;
    // The team reports' date passes: the report and the office's reminder are overdue.
    w.app.clock.set(china(2014, 10, 16, 0, 0));
    for who in [&w.leader2, &w.member2] {
        let seen = w.expect(who, &[(WRITE_REPORT, b)]).await;
        assert_eq!(seen.due(WRITE_REPORT, b), (json!("2014-10-15"), true));
    }
    let seen = w.expect(&w.office, &office).await;
    assert_eq!(seen.due(REPORT_PENDING, b), (json!("2014-10-15"), true));
    assert_eq!(seen.due(BLOCKED, None), (json!("2014-10-15"), true));

    let report = w.path(w.b, "team-report");
    let read = w.app.get(&report, &w.leader2.token).await;
    let tag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let body = json!({
        "overall_evaluation": "该局党组能认真履行党风廉政建设主体责任，总体评价为好。",
        "problems_found": "个别股室廉政风险点排查不全面。",
        "rectification_advice": "完善廉政风险点台账。"
    });
    w.put(&report, &w.leader2.token, Some(&tag), body).await;
    w.post(
        &format!("{report}/submit"),
        &w.leader2.token,
        json!({}),
        200,
    )
    .await;
    for who in [&w.leader2, &w.member2] {
        let seen = w.expect(who, &[(SIGN_REPORT, b)]).await;
        assert_eq!(seen.due(SIGN_REPORT, b), (json!("2014-10-15"), true));
    }
    let signatures = format!("{report}/signatures");
    w.post(&signatures, &w.member2.token, json!({}), 201).await;
    w.expect(&w.member2, &[]).await;
    w.expect(&w.office, &office).await;
    w.post(&signatures, &w.leader2.token, json!({}), 201).await;
    for who in [&w.leader2, &w.member2, &w.unit_b] {
        w.expect(who, &[]).await;
    }
    w.expect(&w.office, &[(BLOCKED, None), scores[0], scores[1]])
        .await;
}

/// The review: what publication lacks blocks it until it is given; then the results are
/// published, the town owes its rectification and both units their acknowledgement; then the
/// archive.
async fn review_publication_archive(w: &Walk) {
    let (a, b) = (Some(w.a), Some(w.b));
    w.app.clock.set(china(2014, 10, 10, 9, 0));
    w.transition("review").await;
    // Out of the inspection, nothing is left for the units to write, nor for the town's team;
    // the department's team still owes its sheet (teams write during the review too), late.
    for who in [&w.unit_a, &w.unit_b, &w.leader1, &w.member1] {
        w.expect(who, &[]).await;
    }
    for who in [&w.leader2, &w.member2] {
        let seen = w.expect(who, &[(SCORE, b)]).await;
        assert_eq!(seen.due(SCORE, b), (json!("2014-09-30"), true));
    }
    let scores = [(ENTER_SCORE, a), (ENTER_SCORE, b)];
    let seen = w
        .expect(&w.office, &[(BLOCKED, None), scores[0], scores[1]])
        .await;
    assert_eq!(seen.due(BLOCKED, None), (json!("2014-10-15"), false));
    assert_eq!(seen.due(ENTER_SCORE, a), (Value::Null, false));
    let title = seen.get(BLOCKED, None)["title"].as_str().expect("title");
    assert!(title.contains("结果通报"), "{title}");
    department_team_signs_off(w).await;
    let seen = w
        .expect(&w.office, &[(BLOCKED, None), scores[0], scores[1]])
        .await;
    assert_eq!(seen.due(BLOCKED, None), (json!("2014-10-15"), true));
    assert_eq!(seen.due(ENTER_SCORE, b), (Value::Null, false));

    // Both units' routine scores, through the API: the office's tasks for them go; a line of
    // 95.00 that the town's routine score puts it under.
    let (c, ua, ub) = (w.cycle, w.a, w.b);
    w.post(
        &format!("/api/v1/assessment-cycles/{c}/spot-checks/scores"),
        &w.office.token,
        json!({"scores": [
            {"unit_id": ua, "score": "4.00", "note": "较差"},
            {"unit_id": ub, "score": "9.50", "note": "良好"}
        ]}),
        200,
    )
    .await;
    w.expect(&w.office, &[(BLOCKED, None)]).await;
    // The leaders' grades (bulk scoring content, in SQL).
    exec(
        &w.app,
        &format!(
            "UPDATE assessment_cycles SET rectification_line = 95.00 WHERE id = {c};
             INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, reason,
                 set_by, set_by_name)
                 SELECT {c}, l.unit_id, l.id, l.name, 'good', '平时掌握情况较好',
                     'office-admin', '办公室'
                 FROM leaders l WHERE l.unit_id IN ({ua}, {ub});"
        ),
    );
    // Still blocked: the decisions and the notice are missing.
    w.expect(&w.office, &[(BLOCKED, None)]).await;
    let decisions = format!("/api/v1/assessment-cycles/{c}/decisions");
    for kind in [
        "office_review",
        "standing_committee_decision",
        "county_committee_approval",
    ] {
        let mut body = json!({"kind": kind, "document_ref": format!("阳纪〔2014〕{}号", kind.len()),
                              "decided_on": "2014-11-01"});
        if kind == "office_review" {
            body["opinion"] = json!("建议按考核组评分确定考核结果");
        }
        w.post(&decisions, &w.app.office, body, 201).await;
    }
    w.expect(&w.office, &[(BLOCKED, None)]).await;
    set_publication_document(&w.app, c).await;
    let seen = w.expect(&w.office, &[(ADVANCE, None)]).await;
    assert_eq!(seen.due(ADVANCE, None), (json!("2014-10-15"), true));

    // Published at 10:00 in Beijing on 20 November: the town owes its rectification within
    // 30 days and both units their acknowledgement (no date); the archive waits for the
    // rectification.
    w.app.clock.set(china(2014, 11, 20, 10, 0));
    w.transition("published").await;
    let seen = w.expect(&w.unit_a, &[(SUBMIT_RECT, a), (ACK, a)]).await;
    assert_eq!(seen.due(SUBMIT_RECT, a), (json!("2014-12-20"), false));
    assert_eq!(seen.due(ACK, a), (Value::Null, false));
    assert_eq!(
        seen.get(ACK, a)["resource"],
        w.path(w.a, "result/acknowledgement")
    );
    w.expect(&w.unit_b, &[(ACK, b)]).await;
    for who in [&w.leader1, &w.member1, &w.leader2, &w.member2] {
        w.expect(who, &[]).await;
    }
    let seen = w.expect(&w.office, &[(BLOCKED, None)]).await;
    assert_eq!(seen.due(BLOCKED, None), (Value::Null, false));
    let title = seen.get(BLOCKED, None)["title"].as_str().expect("title");
    assert!(title.contains("归档"), "{title}");

    w.app.clock.set(china(2014, 12, 20, 23, 59));
    let seen = w.expect(&w.unit_a, &[(SUBMIT_RECT, a), (ACK, a)]).await;
    assert_eq!(seen.due(SUBMIT_RECT, a), (json!("2014-12-20"), false));
    w.app.clock.set(china(2014, 12, 21, 0, 0));
    let seen = w.expect(&w.unit_a, &[(SUBMIT_RECT, a), (ACK, a)]).await;
    assert_eq!(seen.due(SUBMIT_RECT, a), (json!("2014-12-20"), true));
    assert_eq!(
        seen.due(ACK, a),
        (Value::Null, false),
        "no date, never late"
    );

    // The town submits (late): the office is to accept it; accepted, the archive is free.
    let rect = w.path(w.a, "rectification");
    let body = json!({
        "explanation": "本单位考核得分低于整改线，主要原因是廉政风险防控制度执行不到位",
        "plan": "一、12月底前完成全部岗位廉政风险点排查；二、建立季度督查通报制度",
        "attachment_ids": []
    });
    w.put(&rect, &w.unit_a.token, None, body).await;
    // A draft is still owed.
    w.expect(&w.unit_a, &[(SUBMIT_RECT, a), (ACK, a)]).await;
    w.post(&format!("{rect}/submit"), &w.unit_a.token, json!({}), 200)
        .await;
    w.expect(&w.unit_a, &[(ACK, a)]).await;
    let seen = w
        .expect(&w.office, &[(ACCEPT_RECT, a), (BLOCKED, None)])
        .await;
    assert_eq!(seen.due(ACCEPT_RECT, a), (Value::Null, false));
    w.post(&format!("{rect}/accept"), &w.app.office, json!({}), 200)
        .await;
    w.expect(&w.office, &[(ADVANCE, None)]).await;
    w.expect(&w.unit_a, &[(ACK, a)]).await;

    // Each unit acknowledges its own result.
    let ack_a = w.path(w.a, "result/acknowledgement");
    w.post(&ack_a, &w.unit_a.token, json!({}), 201).await;
    w.expect(&w.unit_a, &[]).await;
    w.expect(&w.unit_b, &[(ACK, b)]).await;
    let ack_b = w.path(w.b, "result/acknowledgement");
    w.post(&ack_b, &w.unit_b.token, json!({}), 201).await;
    w.expect(&w.unit_b, &[]).await;

    // Archived: nothing of the cycle is left for anyone.
    w.transition("archived").await;
    for who in [
        &w.unit_a, &w.unit_b, &w.leader1, &w.member1, &w.leader2, &w.member2, &w.office,
    ] {
        w.expect(who, &[]).await;
    }
}

#[tokio::test]
async fn one_cycle_walked_from_draft_to_archive_shows_each_role_its_tasks_as_they_fall_due() {
    let w = county().await;
    self_inspection(&w).await;
    special_inspection(&w).await;
    review_publication_archive(&w).await;
    w.app.stop().await;
}
