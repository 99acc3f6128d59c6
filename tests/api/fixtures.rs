//! The objects many tests arrange, made through the API the way the office and units make them,
//! and handed back as typed ids and ETags, so a test never digs an id out of JSON.

use diesel::connection::SimpleConnection;
use lianzheng::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A registered unit.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Its id.
    pub id: i64,
    /// The ETag its registration answered.
    pub etag: String,
}

/// A leader of a unit.
#[derive(Debug, Clone)]
pub struct Leader {
    /// Its id.
    pub id: i64,
    /// The ETag its creation answered.
    pub etag: String,
}

/// An assessment cycle.
#[derive(Debug, Clone)]
pub struct Cycle {
    /// Its id.
    pub id: i64,
    /// The ETag its creation answered.
    pub etag: String,
}

/// An inspection team of one cycle.
#[derive(Debug, Clone)]
pub struct Team {
    /// Its id.
    pub id: i64,
    /// The ETag its creation answered.
    pub etag: String,
}

/// The id and the ETag (if any) of a `201 Created` answer, failing loudly on any other status.
async fn created(response: reqwest::Response, what: &str) -> (i64, Option<String>) {
    let status = response.status();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await.expect("the creation's body");
    assert_eq!(status, 201, "create {what}: {body}");
    let json: Value = serde_json::from_str(&body).expect("the created object's JSON");
    let id = json["id"].as_i64().expect("the created object's id");
    (id, etag)
}

/// Like [`created`], for the objects a later change names by their ETag.
async fn tagged(response: reqwest::Response, what: &str) -> (i64, String) {
    let (id, etag) = created(response, what).await;
    assert!(etag.is_some(), "creating {what} answers its ETag");
    (id, etag.unwrap_or_default())
}

/// Registers a unit as the office.
pub async fn unit(app: &TestApp, name: &str, kind: &str) -> Unit {
    let body = json!({"name": name, "kind": kind});
    let response = app.post("/api/v1/units", &app.office, &body).await;
    let (id, etag) = tagged(response, name).await;
    Unit { id, etag }
}

/// Adds a leader to `unit` as the office; `first` makes them a first responsible person.
pub async fn leader(app: &TestApp, unit: i64, name: &str, position: &str, first: bool) -> Leader {
    let body = json!({"name": name, "position": position, "is_first_responsible": first});
    let path = format!("/api/v1/units/{unit}/leaders");
    let (id, etag) = tagged(app.post(&path, &app.office, &body).await, name).await;
    Leader { id, etag }
}

/// Opens the cycle of `year` as a draft, with the default forms.
pub async fn cycle(app: &TestApp, year: i64) -> Cycle {
    let body = json!({"year": year});
    let response = app
        .post("/api/v1/assessment-cycles", &app.office, &body)
        .await;
    let (id, etag) = tagged(response, &format!("the {year} cycle")).await;
    Cycle { id, etag }
}

/// Opens the cycle of `year` and moves it into self-inspection, with the due date ahead unless
/// a test moves it.
pub async fn cycle_in_self_inspection(app: &TestApp, year: i64) -> i64 {
    let cycle = cycle(app, year).await.id;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET self_inspection_due = '2099-09-20' WHERE id = {cycle}"
        ))
        .expect("arrange the calendar");
    let moved = app
        .post(
            &format!("/api/v1/assessment-cycles/{cycle}/transitions"),
            &app.office,
            &json!({"to": "self_inspection"}),
        )
        .await;
    assert_eq!(moved.status(), 200, "open the {year} cycle");
    cycle
}

/// Forms a team in `cycle`, led by the inspector `leader` with `members` (token subjects).
pub async fn team(app: &TestApp, cycle: i64, name: &str, leader: &str, members: &[&str]) -> Team {
    let members: Vec<Value> = members
        .iter()
        .map(|m| json!({"sub": m, "name": "考核组成员"}))
        .collect();
    let body =
        json!({"name": name, "leader": {"sub": leader, "name": "欧阳志明"}, "members": members});
    let path = format!("/api/v1/assessment-cycles/{cycle}/teams");
    let (id, etag) = tagged(app.post(&path, &app.office, &body).await, name).await;
    Team { id, etag }
}

/// Asks, as the office, for `unit` to be assigned to `team`; the caller checks the answer.
pub async fn assign(app: &TestApp, cycle: i64, team: i64, unit: i64) -> reqwest::Response {
    app.request(
        Method::PUT,
        &format!("/api/v1/assessment-cycles/{cycle}/teams/{team}/units/{unit}"),
        Some(&app.office),
    )
    .send()
    .await
    .expect("send")
}

/// Assigns `unit` to `team`, failing loudly unless it answers 204.
pub async fn assigned(app: &TestApp, cycle: i64, team: i64, unit: i64) {
    let response = assign(app, cycle, team, unit).await;
    assert_eq!(response.status(), 204, "assign unit {unit} to team {team}");
}

/// Forms one team and assigns every assessed unit of the cycle to it.
pub async fn team_for_every_unit(app: &TestApp, cycle: i64) -> i64 {
    let team = team(
        app,
        cycle,
        "第一考核组",
        "inspector-leader",
        &["inspector-1"],
    )
    .await
    .id;
    let unassigned: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/teams/unassigned?per_page=100"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(
        unassigned["total"].as_i64() <= Some(100),
        "one page holds them all"
    );
    for unit in unassigned["items"].as_array().expect("units") {
        let unit = unit["unit_id"].as_i64().expect("unit_id");
        assigned(app, cycle, team, unit).await;
    }
    let still: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/teams/unassigned"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        still["items"],
        json!([]),
        "every unit of the cycle has a team"
    );
    assert_eq!(still["total"], 0);
    team
}

/// Uploads `bytes` as `name` with `token`, failing loudly unless it answers 201; returns the
/// attachment's id.
pub async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> i64 {
    let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let response = app
        .request(Method::POST, "/api/v1/attachments", Some(token))
        .multipart(reqwest::multipart::Form::new().part("file", part))
        .send()
        .await
        .expect("upload");
    created(response, name).await.0
}

/// A town and a department with their first responsible persons, in a cycle in self-inspection.
pub struct Fixture {
    /// The 2014 cycle, in self-inspection, its due date ahead.
    pub cycle: i64,
    /// 阳城镇, with two first responsible persons.
    pub town: i64,
    /// 县财政局, with one first responsible person.
    pub dept: i64,
    /// The town's secretary and head, in that order.
    pub town_leaders: Vec<i64>,
    /// The town form's items: code and maximum points.
    pub items: Vec<(String, String)>,
}

/// Arranges a [`Fixture`].
pub async fn fixture(app: &TestApp) -> Fixture {
    let town = unit(app, "阳城镇", "town").await.id;
    let dept = unit(app, "县财政局", "county_department").await.id;
    let secretary = leader(app, town, "李建国", "党委书记", true).await.id;
    let head = leader(app, town, "梁伟", "镇长", true).await.id;
    leader(app, dept, "何志强", "局长", true).await;
    let cycle = cycle_in_self_inspection(app, 2014).await;
    let form: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/forms/town"),
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    let items = form["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap_or("").to_owned(),
                i["max_points"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect::<Vec<_>>();
    assert!(!items.is_empty(), "the town form of {cycle} has items");
    Fixture {
        cycle,
        town,
        dept,
        town_leaders: vec![secretary, head],
        items,
    }
}

impl Fixture {
    /// The path of `unit`'s self-inspection in the fixture's cycle.
    pub fn self_inspection(&self, unit: i64) -> String {
        format!(
            "/api/v1/assessment-cycles/{}/units/{unit}/self-inspection",
            self.cycle
        )
    }

    /// Every item of the town form at its maximum, as a self-inspection's scores.
    pub fn full_scores(&self) -> Vec<Value> {
        self.items
            .iter()
            .map(|(code, max)| json!({"item_code": code, "points": max}))
            .collect()
    }
}

/// The subjects of the sheet's inspectors, for tokens and the catalogue's `Who::Inspector`.
pub mod inspectors {
    /// The leader of the town's team.
    pub const LEADER: &str = "leader-a";
    /// The first member of the town's team.
    pub const MEMBER1: &str = "member-a1";
    /// The second member of the town's team.
    pub const MEMBER2: &str = "member-a2";
    /// The member of the department's team.
    pub const OTHER_TEAM: &str = "member-b1";
}

/// The [`Fixture`] moved into the special inspection: the town held by one team (a leader and
/// two members), the department by another.
pub struct Sheet {
    /// The units and the cycle.
    pub f: Fixture,
    /// The town team's leader.
    pub leader: String,
    /// The town team's first member.
    pub member1: String,
    /// The town team's second member.
    pub member2: String,
    /// The department team's member: outside the town's sheet.
    pub other_team: String,
}

/// Arranges a [`Sheet`].
pub async fn sheet(app: &TestApp) -> Sheet {
    use inspectors::{LEADER, MEMBER1, MEMBER2, OTHER_TEAM};
    let f = fixture(app).await;
    let town_team = team(app, f.cycle, "第一考核组", LEADER, &[MEMBER1, MEMBER2]).await;
    assigned(app, f.cycle, town_team.id, f.town).await;
    let dept_team = team(app, f.cycle, "第二考核组", "leader-b", &[OTHER_TEAM]).await;
    assigned(app, f.cycle, dept_team.id, f.dept).await;
    let moved = app
        .post(
            &format!("/api/v1/assessment-cycles/{}/transitions", f.cycle),
            &app.office,
            &json!({"to": "special_inspection"}),
        )
        .await;
    assert_eq!(moved.status(), 200);
    let inspector = |sub: &str| app.token(Role::Inspector, sub, None);
    let s = Sheet {
        leader: inspector(LEADER),
        member1: inspector(MEMBER1),
        member2: inspector(MEMBER2),
        other_team: inspector(OTHER_TEAM),
        f,
    };
    let opened = app.get(&record(&s), &s.member1).await;
    assert_eq!(opened.status(), 200, "the town's team reads its sheet");
    s
}

/// The path of the town's score sheet.
pub fn record(s: &Sheet) -> String {
    format!(
        "/api/v1/assessment-cycles/{}/units/{}/scoring-record",
        s.f.cycle, s.f.town
    )
}

/// The path of the town's team report.
pub fn team_report(s: &Sheet) -> String {
    format!(
        "/api/v1/assessment-cycles/{}/units/{}/team-report",
        s.f.cycle, s.f.town
    )
}

// In bulk, in SQL: the county departments the fixed-statements tests add, 30 then 270 more, to
// show a read or a write runs as many statements for 300 units as for 30.

/// The ids of the bulk units `from` to `from + n - 1`, as a subquery.
fn bulk_batch(n: i64, from: i64) -> String {
    let to = from + n - 1;
    format!(
        "SELECT u.id FROM units u WHERE u.name LIKE '批量单位%' \
         AND substring(u.name from 5)::int BETWEEN {from} AND {to}"
    )
}

/// Adds `n` assessed county departments, 批量单位`from` on, to `cycle`, in bulk.
pub fn add_bulk_units(conn: &mut diesel::PgConnection, cycle: i64, n: i64, from: i64) {
    conn.batch_execute(&format!(
        "WITH new AS (INSERT INTO units (name, kind) \
           SELECT '批量单位' || g, 'county_department' FROM generate_series({from}, {to}) g \
           RETURNING id) \
         INSERT INTO cycle_units (cycle_id, unit_id, status, form_kind, updated_by) \
           SELECT {cycle}, id, 'assessed', 'county_department', 'test' FROM new",
        to = from + n - 1
    ))
    .expect("bulk units");
}

/// Adds `n` bulk units to `cycle`, each with a final sheet (its untouched items at their
/// maxima) and a routine score; `then`, SQL over the subquery of the units' ids, adds the rest.
fn add_sheets_and_scores(
    conn: &mut diesel::PgConnection,
    (cycle, n, from): (i64, i64, i64),
    then: impl FnOnce(&str) -> String,
) {
    add_bulk_units(conn, cycle, n, from);
    let batch = bulk_batch(n, from);
    let then = then(&batch);
    conn.batch_execute(&format!(
        "INSERT INTO scoring_records (cycle_id, unit_id, status) \
           SELECT {cycle}, id, 'final' FROM ({batch}) b;
         INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by) \
           SELECT {cycle}, id, (id % 10)::numeric, '批量', 'test' FROM ({batch}) b;
         {then}"
    ))
    .expect("bulk sheets and scores");
}

/// Adds `n` bulk units to `cycle`, each with a final sheet (its untouched items at their
/// maxima), a routine score and one referral.
pub fn add_scored_units(conn: &mut diesel::PgConnection, cycle: i64, n: i64, from: i64) {
    let referrals = |batch: &str| {
        format!(
            "INSERT INTO referrals (record_id, leader_name, facts, decision, created_by) \
               SELECT sr.id, '负责人', '失职', '诫勉谈话', 'test' FROM scoring_records sr \
               WHERE sr.cycle_id = {cycle} AND sr.unit_id IN ({batch});"
        )
    };
    add_sheets_and_scores(conn, (cycle, n, from), referrals);
}

/// Adds `n` bulk units to `cycle`, each with a final sheet (its untouched items at their
/// maxima), a routine score and a graded first responsible leader.
pub fn add_graded_units(conn: &mut diesel::PgConnection, cycle: i64, n: i64, from: i64) {
    let grades = |batch: &str| {
        format!(
            "WITH l AS (INSERT INTO leaders (unit_id, name, position, is_first_responsible) \
               SELECT id, '负责人' || id, '局长', true FROM ({batch}) b RETURNING id, unit_id) \
             INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade, \
               reason, set_by, set_by_name) \
             SELECT {cycle}, unit_id, id, '负责人', 'good', '日常了解', 'test', 'test' FROM l"
        )
    };
    add_sheets_and_scores(conn, (cycle, n, from), grades);
}

/// Adds `n` bulk units to the demo cycle (1), the even ids among all of them on the team of
/// `insp-1-leader`.
pub fn add_units_half_on_team_1(conn: &mut diesel::PgConnection, n: i64, from: i64) {
    add_bulk_units(conn, 1, n, from);
    conn.batch_execute(
        "INSERT INTO team_units (cycle_id, unit_id, team_id) \
         SELECT 1, cu.unit_id, (SELECT id FROM inspection_teams WHERE cycle_id = 1 \
           AND leader_sub = 'insp-1-leader') \
         FROM cycle_units cu JOIN units u ON u.id = cu.unit_id \
         WHERE cu.cycle_id = 1 AND u.name LIKE '批量单位%' AND u.id % 2 = 0 \
         ON CONFLICT DO NOTHING",
    )
    .expect("bulk assignment");
}
