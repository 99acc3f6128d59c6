//! Publication (issue 15, part 2): the review's decision records, the guard of `review →
//! published` naming each missing piece unit by unit, the freeze of every cycle-bound write
//! once results are published (409 `cycle_published`, nothing changed), and reopening a
//! published cycle (`published → review`, with a note) to publish it again.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use lianzheng::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::catalogue::{Entry, PARALLEL, REVIEW_CYCLE, catalogue};
use crate::fixtures::{Fixture, fixture, upload};
use crate::helpers::{TestApp, assert_problem, mark_published};

pub(crate) fn exec(app: &TestApp, sql: &str) {
    app.db.owner().batch_execute(sql).expect(sql);
}

#[derive(QueryableByName, Debug, PartialEq, Eq)]
pub(crate) struct Digest {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    digest: String,
}

/// A checksum of every table's rows, table by table.
pub(crate) fn checksums(conn: &mut PgConnection) -> Vec<Digest> {
    #[derive(QueryableByName)]
    struct Table {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let tables: Vec<Table> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .load(conn)
    .expect("the tables");
    let sql: Vec<String> = tables
        .iter()
        .map(|t| {
            format!(
                "SELECT '{0}'::text AS name, \
                 md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS digest \
                 FROM \"{0}\" x",
                t.name
            )
        })
        .collect();
    diesel::sql_query(sql.join(" UNION ALL ") + " ORDER BY 1")
        .load(conn)
        .expect("checksums")
}

pub(crate) async fn transition(app: &TestApp, cycle: i64, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
        &app.office,
        &body,
    )
    .await
}

pub(crate) fn state(app: &TestApp, cycle: i64) -> String {
    #[derive(QueryableByName)]
    struct State {
        #[diesel(sql_type = Text)]
        state: String,
    }
    diesel::sql_query(format!(
        "SELECT state FROM assessment_cycles WHERE id = {cycle}"
    ))
    .get_result::<State>(&mut app.db.owner())
    .expect("state")
    .state
}

fn decision(kind: &str) -> Value {
    let mut body = json!({
        "kind": kind, "document_ref": format!("阳纪〔2014〕{}号", kind.len()),
        "decided_on": "2014-11-01"
    });
    if kind == "office_review" {
        body["opinion"] = json!("建议按考核组评分确定考核结果");
    }
    body
}

/// The fixture's cycle (a town with two leaders, a department with one) moved into review in
/// SQL: the way there is not what these tests are about.
pub(crate) async fn in_review(app: &TestApp) -> Fixture {
    let f = fixture(app).await;
    exec(
        app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    f
}

/// Gives `unit` every piece of its own that publication needs, in SQL: a final sheet, a
/// routine score, a final team report and a grade for each of its active leaders.
fn complete_unit(app: &TestApp, cycle: i64, unit: i64) {
    exec(
        app,
        &format!(
            "INSERT INTO scoring_records (cycle_id, unit_id, status)
                 VALUES ({cycle}, {unit}, 'final');
             INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by)
                 VALUES ({cycle}, {unit}, 9.50, '良好', 'office-admin');
             INSERT INTO team_reports (cycle_id, unit_id, status) VALUES ({cycle}, {unit}, 'final');
             INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, reason,
                 set_by, set_by_name)
                 SELECT {cycle}, {unit}, id, name, 'good', '平时掌握情况较好', 'office-admin', '办公室'
                 FROM leaders WHERE unit_id = {unit};"
        ),
    );
}

/// Sets the publication notice's reference (through the API), the cycle-level piece
/// publication needs.
pub async fn set_publication_document(app: &TestApp, cycle: i64) {
    let path = format!("/api/v1/assessment-cycles/{cycle}/publication");
    let read = app.get(&path, &app.office).await;
    assert_eq!(read.status(), 200, "read the publication settings");
    let tag = read.headers()["etag"].to_str().expect("etag").to_owned();
    let saved = app
        .request(Method::PUT, &path, Some(&app.office))
        .header("If-Match", tag)
        .json(
            &json!({"publication_scope": "own", "units_see_leader_grades": false,
                      "inspectors_see_ranking": false, "document_ref": "阳纪通〔2014〕3号"}),
        )
        .send()
        .await
        .expect("PUT");
    assert_eq!(saved.status(), 200, "set the publication's document");
}

/// Gives every assessed unit of `cycle` what publication needs (in SQL), records the three
/// decisions and sets the notice's reference (through the API), so that `review → published`
/// passes its guard.
pub async fn ready_to_publish(app: &TestApp, cycle: i64) {
    exec(
        app,
        &format!(
            "INSERT INTO scoring_records (cycle_id, unit_id, status)
                 SELECT cycle_id, unit_id, 'final' FROM cycle_units
                 WHERE cycle_id = {cycle} AND status = 'assessed';
             INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by)
                 SELECT cycle_id, unit_id, 9.50, '良好', 'office-admin' FROM cycle_units
                 WHERE cycle_id = {cycle} AND status = 'assessed';
             INSERT INTO team_reports (cycle_id, unit_id, status)
                 SELECT cycle_id, unit_id, 'final' FROM cycle_units
                 WHERE cycle_id = {cycle} AND status = 'assessed';
             INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, reason,
                 set_by, set_by_name)
                 SELECT {cycle}, l.unit_id, l.id, l.name, 'good', '平时掌握情况较好',
                     'office-admin', '办公室'
                 FROM leaders l JOIN cycle_units cu ON cu.unit_id = l.unit_id
                 WHERE cu.cycle_id = {cycle} AND cu.status = 'assessed';"
        ),
    );
    let path = format!("/api/v1/assessment-cycles/{cycle}/decisions");
    for kind in [
        "office_review",
        "standing_committee_decision",
        "county_committee_approval",
    ] {
        let recorded = app.post(&path, &app.office, &decision(kind)).await;
        assert_eq!(recorded.status(), 201, "record the {kind}");
    }
    set_publication_document(app, cycle).await;
}

fn missing_of(problem: &Value, unit: i64) -> Option<Value> {
    problem["missing"]["units"]
        .as_array()
        .expect("missing units")
        .iter()
        .find(|u| u["unit_id"] == unit)
        .cloned()
}

fn leader_ids(app: &TestApp, unit: i64) -> Vec<i64> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    diesel::sql_query(format!(
        "SELECT id FROM leaders WHERE unit_id = {unit} ORDER BY id"
    ))
    .load::<Id>(&mut app.db.owner())
    .expect("leaders")
    .into_iter()
    .map(|l| l.id)
    .collect()
}

#[tokio::test]
async fn publishing_names_each_missing_piece_unit_by_unit_until_nothing_is_missing() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    let before = checksums(&mut app.db.owner());
    let refused = transition(&app, f.cycle, json!({"to": "published"})).await;
    let problem = assert_problem(refused, 409, "publication_incomplete").await;
    assert_eq!(
        checksums(&mut app.db.owner()),
        before,
        "a refusal changes nothing"
    );
    assert_eq!(state(&app, f.cycle), "review");
    for (unit, leaders) in [(f.town, 2), (f.dept, 1)] {
        let missing = missing_of(&problem, unit).expect("the unit is listed");
        assert_eq!(
            missing["missing"],
            json!([
                "final_sheet",
                "routine_score",
                "leader_grades",
                "final_team_report"
            ]),
            "{missing}"
        );
        assert_eq!(
            missing["leaders_without_grade"],
            json!(leader_ids(&app, unit))
        );
        assert_eq!(
            missing["leaders_without_grade"].as_array().map(Vec::len),
            Some(leaders)
        );
    }
    assert_eq!(
        problem["missing"]["decisions"],
        json!([
            "office_review",
            "standing_committee_decision",
            "county_committee_approval"
        ])
    );
    assert_eq!(problem["missing"]["cycle"], json!(["publication_document"]));

    // The town complete: only the department is listed.
    complete_unit(&app, f.cycle, f.town);
    let problem = assert_problem(
        transition(&app, f.cycle, json!({"to": "published"})).await,
        409,
        "publication_incomplete",
    )
    .await;
    assert!(missing_of(&problem, f.town).is_none(), "{problem}");
    assert!(missing_of(&problem, f.dept).is_some(), "{problem}");

    // Each piece of the department's, one at a time, leaves the list as it arrives.
    let cycle = f.cycle;
    let dept = f.dept;
    let steps = [
        (
            format!(
                "INSERT INTO scoring_records (cycle_id, unit_id, status) \
                 VALUES ({cycle}, {dept}, 'final')"
            ),
            json!(["routine_score", "leader_grades", "final_team_report"]),
        ),
        (
            format!(
                "INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by) \
                 VALUES ({cycle}, {dept}, 8.00, '一般', 'office-admin')"
            ),
            json!(["leader_grades", "final_team_report"]),
        ),
        (
            format!(
                "INSERT INTO team_reports (cycle_id, unit_id, status) \
                 VALUES ({cycle}, {dept}, 'open')"
            ),
            json!(["leader_grades", "final_team_report"]),
        ),
        (
            format!(
                "UPDATE team_reports SET status = 'final' \
                 WHERE cycle_id = {cycle} AND unit_id = {dept}"
            ),
            json!(["leader_grades"]),
        ),
    ];
    for (sql, expected) in steps {
        exec(&app, &sql);
        let problem = assert_problem(
            transition(&app, f.cycle, json!({"to": "published"})).await,
            409,
            "publication_incomplete",
        )
        .await;
        let missing = missing_of(&problem, f.dept).expect("the department is listed");
        assert_eq!(missing["missing"], expected, "after {sql}");
    }

    // A closed evaluation round decides whose grades are owed: its frozen leaders (here one
    // who has left since, 990001), not the active ones.
    exec(
        &app,
        &format!(
            "INSERT INTO evaluation_rounds (cycle_id, unit_id, tag, title, state, categories,
                 closed_at) VALUES ({cycle}, {dept}, 'ZZ9', '测评', 'closed', '[]', now());
             INSERT INTO evaluation_round_leaders (round_id, leader_id, ordinal, name, position)
                 SELECT id, 990001, 1, '调离人员', '原局长' FROM evaluation_rounds WHERE tag = 'ZZ9';"
        ),
    );
    let problem = assert_problem(
        transition(&app, f.cycle, json!({"to": "published"})).await,
        409,
        "publication_incomplete",
    )
    .await;
    let missing = missing_of(&problem, f.dept).expect("the department is listed");
    assert_eq!(missing["leaders_without_grade"], json!([990001]));
    assert_eq!(missing["missing"], json!(["leader_grades"]), "{missing}");

    // A round still open (or suspended) blocks publication: no ballot may arrive after it.
    for state in ["open", "suspended"] {
        exec(
            &app,
            &format!(
                "INSERT INTO evaluation_rounds (cycle_id, unit_id, tag, title, state, categories)
                 VALUES ({cycle}, {dept}, 'ZZ8', '补充测评', '{state}', '[]')"
            ),
        );
        let problem = assert_problem(
            transition(&app, f.cycle, json!({"to": "published"})).await,
            409,
            "publication_incomplete",
        )
        .await;
        let missing = missing_of(&problem, f.dept).expect("the department is listed");
        assert_eq!(
            missing["missing"],
            json!(["leader_grades", "evaluation_round_open"]),
            "{state}: {missing}"
        );
        exec(&app, "DELETE FROM evaluation_rounds WHERE tag = 'ZZ8'");
    }
    exec(
        &app,
        &format!(
            "INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, reason,
                 set_by, set_by_name)
             VALUES ({cycle}, {dept}, 990001, '调离人员', 'average', '调离前评定', 'office-admin',
                 '办公室')"
        ),
    );

    // Only the decisions are missing now; each recorded leaves the list.
    let path = format!("/api/v1/assessment-cycles/{cycle}/decisions");
    for (i, kind) in [
        "office_review",
        "standing_committee_decision",
        "county_committee_approval",
    ]
    .iter()
    .enumerate()
    {
        let problem = assert_problem(
            transition(&app, f.cycle, json!({"to": "published"})).await,
            409,
            "publication_incomplete",
        )
        .await;
        assert_eq!(problem["missing"]["units"], json!([]), "{problem}");
        assert_eq!(
            problem["missing"]["decisions"].as_array().map(Vec::len),
            Some(3 - i)
        );
        let recorded = app.post(&path, &app.office, &decision(kind)).await;
        assert_eq!(recorded.status(), 201, "{kind}");
    }
    // Last, the publication notice's reference.
    let problem = assert_problem(
        transition(&app, f.cycle, json!({"to": "published"})).await,
        409,
        "publication_incomplete",
    )
    .await;
    assert_eq!(problem["missing"]["decisions"], json!([]), "{problem}");
    assert_eq!(problem["missing"]["cycle"], json!(["publication_document"]));
    set_publication_document(&app, f.cycle).await;
    let published = transition(&app, f.cycle, json!({"to": "published"})).await;
    assert_eq!(published.status(), 200);
    assert_eq!(state(&app, f.cycle), "published");
    app.stop().await;
}

/// Whether the catalogue entry is a write bound to one cycle that publication freezes: every
/// one under `/assessment-cycles/{cycle_id}/` but the lifecycle's own steps, and what follows
/// publication and changes no result: commendations and notices, acknowledgements (回执), and
/// the rectification, the one document a published cycle takes.
fn frozen(entry: &Entry) -> bool {
    entry.is_write()
        && entry
            .template
            .starts_with("/api/v1/assessment-cycles/{cycle_id}/")
        && !entry.template.ends_with("/transitions")
        && !entry.template.contains("/commendations")
        && !entry.template.ends_with("/result/acknowledgement")
        && !entry.template.contains("/rectification")
        && !entry.template.ends_with("/reports/committee")
}

/// The cycle a concrete path names.
fn cycle_of(path: &str) -> i64 {
    path.trim_start_matches("/api/v1/assessment-cycles/")
        .split('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{path} names a cycle"))
}

/// Prepares `entry`'s valid call on a fresh demo, publishes its cycle (in SQL), sends it, and
/// lists what is wrong: anything but 409 `cycle_published`, or any table changed.
async fn frozen_write(entry: Entry) -> Vec<String> {
    let app = TestApp::spawn_demo().await;
    let call = entry.call(&app).await;
    let cycle = cycle_of(&call.path);
    mark_published(&app, cycle);
    let before = checksums(&mut app.db.owner());
    let response = call.send(&app).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let mut failures = Vec::new();
    if status != 409 || problem["code"] != "cycle_published" {
        let shown: String = text.chars().take(300).collect();
        failures.push(format!("{}: {status} {shown}", entry.name()));
    }
    let after = checksums(&mut app.db.owner());
    let changed: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| b.name.as_str())
        .collect();
    if !changed.is_empty() {
        failures.push(format!("{}: changed {changed:?}", entry.name()));
    }
    app.stop().await;
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn after_publication_every_cycle_bound_write_answers_cycle_published_and_changes_nothing() {
    let entries: Vec<Entry> = catalogue().into_iter().filter(frozen).collect();
    assert!(entries.len() >= 40, "{} frozen writes", entries.len());
    let mut failures = Vec::new();
    let mut running = tokio::task::JoinSet::new();
    for entry in entries {
        if running.len() >= PARALLEL
            && let Some(done) = running.join_next().await
        {
            failures.extend(done.expect("a frozen write task"));
        }
        running.spawn(async move {
            match tokio::spawn(frozen_write(entry)).await {
                Ok(found) => found,
                Err(e) => vec![format!("{}: the setup failed: {e}", entry.name())],
            }
        });
    }
    while let Some(done) = running.join_next().await {
        failures.extend(done.expect("a frozen write task"));
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} writes not frozen:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn reopening_published_results_needs_the_office_and_a_note_then_they_publish_again() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    ready_to_publish(&app, f.cycle).await;
    let published = transition(&app, f.cycle, json!({"to": "published"})).await;
    assert_eq!(published.status(), 200);

    // Frozen: the routine score cannot change.
    let score = format!(
        "/api/v1/assessment-cycles/{}/spot-checks/scores/{}",
        f.cycle, f.town
    );
    let correct = || {
        app.request(Method::PUT, &score, Some(&app.office))
            .header("If-Match", "\"1\"")
            .json(&json!({"score": "9.00", "note": "更正"}))
            .send()
    };
    assert_problem(correct().await.expect("PUT"), 409, "cycle_published").await;

    // Back to review: office only, and never without a note.
    let inspector = app.token(Role::Inspector, "insp-1-leader", None);
    let by_inspector = app
        .post(
            &format!("/api/v1/assessment-cycles/{}/transitions", f.cycle),
            &inspector,
            &json!({"to": "review", "note": "更正"}),
        )
        .await;
    assert_problem(by_inspector, 403, "forbidden").await;
    let before = checksums(&mut app.db.owner());
    let bare = transition(&app, f.cycle, json!({"to": "review"})).await;
    let problem = assert_problem(bare, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "note", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "note_required", "{problem}");
    let blank = transition(&app, f.cycle, json!({"to": "review", "note": "  "})).await;
    assert_problem(blank, 422, "validation_failed").await;
    assert_eq!(
        checksums(&mut app.db.owner()),
        before,
        "refusals change nothing"
    );
    let note = "阳山县2013年考核结果中某单位常规考核得分录入有误，经县纪委常委会同意退回更正";
    let reopened = transition(&app, f.cycle, json!({"to": "review", "note": note})).await;
    assert_eq!(reopened.status(), 200);
    assert_eq!(state(&app, f.cycle), "review");

    // Correct, then publish again; the history shows both publications and the step back.
    assert_eq!(correct().await.expect("PUT").status(), 200);
    let again = transition(&app, f.cycle, json!({"to": "published"})).await;
    assert_eq!(again.status(), 200);
    let history: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{}/transitions", f.cycle),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    let steps: Vec<(String, String)> = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|t| {
            (
                t["from_state"].as_str().unwrap_or("").to_owned(),
                t["to_state"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let tail: Vec<(&str, &str)> = steps
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert_eq!(
        tail,
        [
            ("review", "published"),
            ("published", "review"),
            ("review", "published")
        ]
    );
    let back = history["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["from_state"] == "published")
        .expect("the step back");
    assert_eq!(back["note"], note);
    app.stop().await;
}

#[tokio::test]
async fn decision_records_carry_opinions_and_attachments_and_change_only_in_review() {
    let app = TestApp::spawn().await;
    let f = in_review(&app).await;
    let path = format!("/api/v1/assessment-cycles/{}/decisions", f.cycle);
    let file = upload(
        &app,
        &app.office,
        "复核意见.txt",
        "县党廉办复核意见：建议按考核组评分确定考核结果。\n"
            .as_bytes()
            .to_vec(),
    )
    .await;
    let mut review = decision("office_review");
    review["unit_opinions"] = json!([{"unit_id": f.town, "opinion": "维持考核组评分"}]);
    review["attachment_ids"] = json!([file]);
    let made = app.post(&path, &app.office, &review).await;
    assert_eq!(made.status(), 201);
    let id = {
        let location = made.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        assert_eq!(made.headers()["etag"], "\"1\"");
        let body: Value = made.json().await.expect("json");
        assert_eq!(location, format!("{path}/{}", body["id"]));
        assert_eq!(body["kind"], "office_review");
        assert_eq!(body["recorded_by"], "office-admin");
        assert_eq!(body["unit_opinions"][0]["unit_id"], f.town);
        assert_eq!(body["unit_opinions"][0]["unit_name"], "阳城镇");
        assert_eq!(body["attachments"][0]["id"], file);
        assert_eq!(body["attachments"][0]["attached_to"], "cycle_decision");
        body["id"].as_i64().expect("id")
    };
    // The document is the office's: a unit or an inspector never sees it.
    let download = format!("/api/v1/attachments/{file}");
    assert_eq!(app.get(&download, &app.office).await.status(), 200);
    let unit = app.unit_token(f.town);
    let inspector = app.token(Role::Inspector, "insp-1-leader", None);
    assert_problem(app.get(&download, &unit).await, 404, "not_found").await;
    for token in [&unit, &inspector] {
        assert_problem(app.get(&path, token).await, 403, "forbidden").await;
        let one = format!("{path}/{id}");
        assert_problem(app.get(&one, token).await, 403, "forbidden").await;
        let record = app
            .post(&path, token, &decision("county_committee_approval"))
            .await;
        assert_problem(record, 403, "forbidden").await;
    }

    // The rules of each kind, each refusal changing nothing.
    let before = checksums(&mut app.db.owner());
    let mut no_opinion = decision("office_review");
    no_opinion["opinion"] = Value::Null;
    let problem = assert_problem(
        app.post(&path, &app.office, &no_opinion).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "opinion");
    let mut misplaced = decision("standing_committee_decision");
    misplaced["opinion"] = json!("同意");
    misplaced["unit_opinions"] = json!([{"unit_id": f.town, "opinion": "同意"}]);
    let problem = assert_problem(
        app.post(&path, &app.office, &misplaced).await,
        422,
        "validation_failed",
    )
    .await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["opinion", "unit_opinions"], "{problem}");
    let mut stranger = decision("office_review");
    stranger["unit_opinions"] = json!([{"unit_id": 999_999, "opinion": "同意"}]);
    let problem = assert_problem(
        app.post(&path, &app.office, &stranger).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "unit_opinions[0].unit_id");
    assert_eq!(problem["errors"][0]["code"], "not_assessed");
    let twice = app
        .post(&path, &app.office, &decision("office_review"))
        .await;
    assert_problem(twice, 409, "decision_recorded").await;
    assert_eq!(checksums(&mut app.db.owner()), before);

    // Amending: If-Match required and current; opinions replaced, attachments kept.
    let one = format!("{path}/{id}");
    let amendment = json!({
        "document_ref": "阳纪办〔2014〕22号", "decided_on": "2014-11-02",
        "opinion": "修订后的初步意见", "unit_opinions": []
    });
    let put = |tag: Option<&str>| {
        let mut request = app.request(Method::PUT, &one, Some(&app.office));
        if let Some(tag) = tag {
            request = request.header("If-Match", tag);
        }
        request.json(&amendment).send()
    };
    assert_problem(put(None).await.expect("PUT"), 428, "precondition_required").await;
    assert_problem(
        put(Some("\"7\"")).await.expect("PUT"),
        412,
        "precondition_failed",
    )
    .await;
    let amended = put(Some("\"1\"")).await.expect("PUT");
    assert_eq!(amended.status(), 200);
    assert_eq!(amended.headers()["etag"], "\"2\"");
    let body: Value = amended.json().await.expect("json");
    assert_eq!(body["document_ref"], "阳纪办〔2014〕22号");
    assert_eq!(body["unit_opinions"], json!([]));
    assert_eq!(body["attachments"][0]["id"], file);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM cycle_decision_unit_opinions WHERE decision_id = {id}"
        )),
        0
    );

    // Outside review: before it, 409 `cycle_not_in_review`; once published, `cycle_published`,
    // the attachment stays too.
    for (state, code) in [
        ("special_inspection", "cycle_not_in_review"),
        ("published", "cycle_published"),
    ] {
        exec(
            &app,
            &format!(
                "UPDATE assessment_cycles SET state = '{state}' WHERE id = {}",
                f.cycle
            ),
        );
        let before = checksums(&mut app.db.owner());
        let record = app
            .post(&path, &app.office, &decision("county_committee_approval"))
            .await;
        assert_problem(record, 409, code).await;
        assert_problem(put(Some("\"2\"")).await.expect("PUT"), 409, code).await;
        let removed = app
            .request(Method::DELETE, &download, Some(&app.office))
            .send()
            .await
            .expect("DELETE");
        assert_problem(removed, 409, code).await;
        assert_eq!(checksums(&mut app.db.owner()), before, "{state}");
    }
    exec(
        &app,
        &format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ),
    );
    let removed = app
        .request(Method::DELETE, &download, Some(&app.office))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(removed.status(), 204);
    app.stop().await;
}

#[tokio::test]
async fn the_demos_2011_cycle_is_in_review_and_publishing_it_lists_what_it_lacks() {
    let app = TestApp::spawn_demo().await;
    assert_eq!(state(&app, REVIEW_CYCLE), "review");
    let assessed = app.count(&format!(
        "SELECT count(*) AS n FROM cycle_units WHERE cycle_id = {REVIEW_CYCLE} \
         AND status = 'assessed'"
    ));
    assert!(assessed > 50, "{assessed} assessed units");
    let before = checksums(&mut app.db.owner());
    let refused = transition(&app, REVIEW_CYCLE, json!({"to": "published"})).await;
    let problem = assert_problem(refused, 409, "publication_incomplete").await;
    assert_eq!(checksums(&mut app.db.owner()), before);
    let units = problem["missing"]["units"].as_array().expect("units");
    assert_eq!(i64::try_from(units.len()).ok(), Some(assessed));
    assert!(
        units.iter().all(|u| u["missing"][0] == "final_sheet"),
        "{problem}"
    );
    assert_eq!(
        problem["missing"]["decisions"],
        json!(["county_committee_approval"])
    );
    // The office's task list says the same, from the same guard.
    let tasks: Value = app
        .get("/api/v1/me/tasks", &app.office)
        .await
        .json()
        .await
        .expect("json");
    let blocked = tasks["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["cycle_id"] == REVIEW_CYCLE && t["unit_id"].is_null())
        .expect("the 2011 cycle's next step");
    assert_eq!(blocked["kind"], "cycle_blocked", "{blocked}");
    // The 2014 cycle stays in the special inspection.
    assert_eq!(state(&app, 1), "special_inspection");
    app.stop().await;
}

#[tokio::test]
async fn a_draft_documents_attachment_stays_once_its_cycle_is_published() {
    let app = TestApp::spawn_demo().await;
    // 太平镇's mayor's draft report carries an upload of 太平镇's.
    let id = app.count(
        "SELECT min(id) AS n FROM attachments WHERE owner_kind = 'accountability_report' \
         AND uploader_sub = 'unit-user-3'",
    );
    mark_published(&app, 1);
    let before = checksums(&mut app.db.owner());
    let removed = app
        .request(
            Method::DELETE,
            &format!("/api/v1/attachments/{id}"),
            Some(&app.unit_token(3)),
        )
        .send()
        .await
        .expect("DELETE");
    assert_problem(removed, 409, "cycle_published").await;
    assert_eq!(checksums(&mut app.db.owner()), before);
    app.stop().await;
}
