//! The push of tasks to the OA portal (issue 17 §4): every write keeps the task states current
//! and records `created` and `done` events in its own transaction, the job records `overdue`
//! as due dates pass by the test clock, and the worker delivers every event, signed, to a
//! webhook receiver started here on port 0, which loses nothing when it is stopped and
//! restarted, nor when the service is.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::{DateTime, TimeZone, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use lianzheng::config::{Secret, Settings};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::TestApp;

/// The webhook's HMAC key in these tests.
const SECRET: &str = "outbox-test-webhook-secret-0123456789abcdef";

/// An instant in China Standard Time.
fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("offset")
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("time")
        .with_timezone(&Utc)
}

/// HMAC-SHA256 (RFC 2104) written out here, so the receiver checks the service's signature
/// with code of its own.
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut block = [0_u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    hex::encode(
        Sha256::new()
            .chain_update(pad(0x5c))
            .chain_update(inner)
            .finalize(),
    )
}

#[test]
fn the_tests_hmac_is_rfc_4231s() {
    assert_eq!(
        hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

/// One delivery the receiver got.
#[derive(Debug, Clone)]
struct Received {
    body: Value,
    header_id: String,
    signed: bool,
}

/// A webhook receiver on a fixed port, which can be stopped and started again on it.
struct Receiver {
    port: u16,
    got: Arc<Mutex<Vec<Received>>>,
    handle: Option<actix_web::dev::ServerHandle>,
}

async fn receive(
    req: HttpRequest,
    body: web::Bytes,
    got: web::Data<Mutex<Vec<Received>>>,
) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let signed = header("x-lianzheng-signature")
        == format!("sha256={}", hmac_sha256_hex(SECRET.as_bytes(), &body));
    let received = Received {
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        header_id: header("x-lianzheng-event-id"),
        signed,
    };
    got.lock().expect("received").push(received);
    HttpResponse::NoContent().finish()
}

impl Receiver {
    /// Starts on a free port.
    fn start() -> Self {
        let mut receiver = Self {
            port: 0,
            got: Arc::new(Mutex::new(Vec::new())),
            handle: None,
        };
        receiver.serve();
        receiver
    }

    fn serve(&mut self) {
        let got = web::Data::from(self.got.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(got.clone())
                .route("/hook", web::post().to(receive))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(1)
        .bind(("127.0.0.1", self.port))
        .expect("bind the receiver");
        self.port = server.addrs()[0].port();
        let server = server.run();
        self.handle = Some(server.handle());
        tokio::spawn(server);
    }

    /// Stops: connections to its port are refused until [`Receiver::restart`].
    async fn stop(&mut self) {
        if let Some(handle) = self.handle.take() {
            handle.stop(false).await;
        }
    }

    /// Starts again on the same port.
    fn restart(&mut self) {
        self.serve();
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hook", self.port)
    }

    fn received(&self) -> Vec<Received> {
        self.got.lock().expect("received").clone()
    }
}

/// Settings that deliver to `url` quickly: short polls and backoffs, a job every 100 ms.
fn pushing_to(url: String) -> impl FnOnce(&mut Settings) {
    move |settings: &mut Settings| {
        settings.task_push.webhook_url = Some(url);
        settings.task_push.webhook_secret = Some(Secret::new(SECRET));
        settings.task_push.webhook_timeout = Duration::from_secs(2);
        settings.task_push.webhook_poll = Duration::from_millis(50);
        settings.task_push.webhook_backoff = Duration::from_millis(100);
        settings.task_push.webhook_backoff_max = Duration::from_millis(400);
        settings.task_push.job_interval = Duration::from_millis(100);
        settings.task_push.public_base_url = "https://lianzheng.yangshan.example".to_owned();
    }
}

/// A job every 100 ms and no webhook.
fn quick_job(settings: &mut Settings) {
    settings.task_push.job_interval = Duration::from_millis(100);
}

/// Waits (30 s at most) until `done` holds.
async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..300 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

/// One row of the outbox with its task.
#[derive(Debug, Clone, QueryableByName)]
struct Event {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    event_id: String,
    #[diesel(sql_type = Text)]
    transition: String,
    #[diesel(sql_type = Text)]
    task_key: String,
    #[diesel(sql_type = Integer)]
    occurrence: i32,
    #[diesel(sql_type = Text)]
    recipient_role: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    recipient_unit_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    recipient_sub: Option<String>,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Nullable<BigInt>)]
    unit_id: Option<i64>,
    #[diesel(sql_type = Text)]
    resource: String,
    #[diesel(sql_type = Nullable<Text>)]
    due: Option<String>,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Nullable<Text>)]
    last_error: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    delivered: bool,
}

fn events(app: &TestApp) -> Vec<Event> {
    diesel::sql_query(
        "SELECT e.id, e.event_id, e.transition, s.task_key, s.occurrence, s.recipient_role, \
         s.recipient_unit_id, s.recipient_sub, s.kind, s.unit_id, s.resource, \
         to_char(s.due, 'YYYY-MM-DD') AS due, e.attempts, e.last_error, \
         e.delivered_at IS NOT NULL AS delivered \
         FROM task_events e JOIN task_states s ON s.id = e.task_state_id ORDER BY e.id",
    )
    .load(&mut app.db.owner())
    .expect("read the outbox")
}

/// The outbox once the quick job has stopped adding to it: the same for 500 ms (five runs),
/// within 20 s.
async fn settled(app: &TestApp) -> Vec<Event> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let mut seen = events(app);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = events(app);
        if now.len() == seen.len() || std::time::Instant::now() > deadline {
            return now;
        }
        seen = now;
    }
}

/// The events of one task (recipient, kind, resource), in order.
fn events_of<'a>(all: &'a [Event], recipient: &str, kind: &str, resource: &str) -> Vec<&'a Event> {
    all.iter()
        .filter(|e| {
            let to = match (&e.recipient_unit_id, &e.recipient_sub) {
                (Some(unit), _) => format!("unit:{unit}"),
                (_, Some(sub)) => format!("sub:{sub}"),
                _ => e.recipient_role.clone(),
            };
            to == recipient && e.kind == kind && e.resource == resource
        })
        .collect()
}

/// What the README documents: SHA-256 of `key:occurrence:transition` (`:due` for overdue).
fn documented_event_id(event: &Event) -> String {
    let mut text = format!(
        "{}:{}:{}",
        event.task_key, event.occurrence, event.transition
    );
    if event.transition == "overdue" {
        text.push(':');
        text.push_str(event.due.as_deref().unwrap_or_default());
    }
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[tokio::test]
async fn a_units_task_is_created_when_due_done_when_done_and_overdue_after_its_date() {
    // 15 September 2014: 太平镇 (3) has its returned self-inspection to resubmit by the 20th.
    let app = TestApp::spawn_demo_at_with(china(2014, 9, 15, 10, 0), quick_job).await;
    let unit = app.unit_token(3);
    let path = "/api/v1/assessment-cycles/1/units/3/self-inspection";
    // The job's first runs record what is overdue already (the 2011 cycle's tasks).
    let before = settled(&app).await;
    let first = events_of(&before, "unit:3", "submit_self_inspection", path);
    assert_eq!(first.len(), 1, "the seed recorded it: {first:?}");
    assert_eq!(
        (first[0].transition.as_str(), first[0].occurrence),
        ("created", 1)
    );
    assert_eq!(first[0].due.as_deref(), Some("2014-09-20"));

    // A refused write records nothing: the report is returned, not a draft to return again.
    let refused = app
        .post(
            &format!("{path}/return"),
            &app.office,
            &json!({"reason": "请补充第2.1项的佐证材料"}),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert_eq!(events(&app).len(), before.len());

    // Submitted: the unit's task is done, and the office's reminder too.
    let submitted = app.post(&format!("{path}/submit"), &unit, &json!({})).await;
    assert_eq!(submitted.status(), StatusCode::OK);
    let after = events(&app);
    let unit_task = events_of(&after, "unit:3", "submit_self_inspection", path);
    let kinds: Vec<(&str, i32)> = unit_task
        .iter()
        .map(|e| (e.transition.as_str(), e.occurrence))
        .collect();
    assert_eq!(kinds, [("created", 1), ("done", 1)]);
    let reminder = events_of(&after, "office", "self_inspection_missing", path);
    assert_eq!(reminder.last().expect("reminder").transition, "done");
    assert_eq!(
        after.len(),
        before.len() + 2,
        "nobody else's tasks changed: {:?}",
        &after[before.len()..]
    );

    // Returned again: the task comes back as its second occurrence, with an event of its own.
    let returned = app
        .post(
            &format!("{path}/return"),
            &app.office,
            &json!({"reason": "自评分与实际不符，第2.1项请补充说明并附佐证材料"}),
        )
        .await;
    assert_eq!(returned.status(), StatusCode::OK);
    let again = events(&app);
    let unit_task = events_of(&again, "unit:3", "submit_self_inspection", path);
    let last = unit_task.last().expect("the task again");
    assert_eq!((last.transition.as_str(), last.occurrence), ("created", 2));
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM task_states WHERE recipient_unit_id = 3 \
             AND kind = 'submit_self_inspection' AND state = 'open'"
        ),
        1
    );

    // The last minute of the 20th in Beijing: not yet; midnight: the job records it overdue.
    app.clock.set(china(2014, 9, 20, 23, 59));
    tokio::time::sleep(Duration::from_millis(400)).await;
    let overdue = |app: &TestApp| {
        events_of(&events(app), "unit:3", "submit_self_inspection", path)
            .iter()
            .filter(|e| e.transition == "overdue")
            .count()
    };
    assert_eq!(overdue(&app), 0);
    app.clock.set(china(2014, 9, 21, 0, 0));
    until("the job records the due date passed", || overdue(&app) == 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        overdue(&app),
        1,
        "recorded once, however often the job runs"
    );

    let submitted = app.post(&format!("{path}/submit"), &unit, &json!({})).await;
    assert_eq!(submitted.status(), StatusCode::OK);
    let all = events(&app);
    let walk: Vec<(&str, i32)> = events_of(&all, "unit:3", "submit_self_inspection", path)
        .iter()
        .map(|e| (e.transition.as_str(), e.occurrence))
        .collect();
    assert_eq!(
        walk,
        [
            ("created", 1),
            ("done", 1),
            ("created", 2),
            ("overdue", 2),
            ("done", 2)
        ]
    );
    for event in &all {
        assert_eq!(event.event_id, documented_event_id(event), "{event:?}");
    }
    let ids: BTreeSet<&str> = all.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "every event has an id of its own");
}

#[tokio::test]
async fn an_inspectors_signature_is_done_for_them_and_no_recipient_sees_another_units_task() {
    let app = TestApp::spawn_demo_at_with(china(2014, 9, 25, 9, 0), quick_job).await;
    let sheet = "/api/v1/assessment-cycles/1/units/5/scoring-record";
    let open = events(&app);
    let sign = events_of(&open, "sub:insp-5-a", "sign_scoring_record", sheet);
    assert_eq!(sign.len(), 1, "江英镇's sheet awaits insp-5-a: {sign:?}");
    assert!(
        events_of(&open, "sub:insp-5-leader", "sign_scoring_record", sheet).is_empty(),
        "the leader signed it already"
    );
    let member = app.token(lianzheng::auth::Role::Inspector, "insp-5-a", None);
    let signed = app
        .post(&format!("{sheet}/signatures"), &member, &json!({}))
        .await;
    assert_eq!(signed.status(), StatusCode::CREATED);
    let after = events(&app);
    let sign = events_of(&after, "sub:insp-5-a", "sign_scoring_record", sheet);
    let walk: Vec<&str> = sign.iter().map(|e| e.transition.as_str()).collect();
    assert_eq!(walk, ["created", "done"]);

    // A unit's events concern that unit alone; an inspector's, the units of their teams.
    let mut units = 0;
    for event in &after {
        if let Some(unit) = event.recipient_unit_id {
            units += 1;
            assert_eq!(event.unit_id, Some(unit), "{event:?}");
            assert!(
                event.resource.contains(&format!("/units/{unit}/")),
                "{event:?}"
            );
        }
    }
    assert!(
        units >= 4,
        "太平镇 and 县工商行政管理局 owe reports: {units}"
    );
    let teams: Vec<(String, i64)> = {
        #[derive(QueryableByName)]
        struct Held {
            #[diesel(sql_type = Text)]
            sub: String,
            #[diesel(sql_type = BigInt)]
            unit_id: i64,
        }
        diesel::sql_query(
            "SELECT t.leader_sub AS sub, tu.unit_id FROM team_units tu \
             JOIN inspection_teams t ON t.id = tu.team_id \
             UNION SELECT m.sub, tu.unit_id FROM team_units tu \
             JOIN team_members m ON m.team_id = tu.team_id",
        )
        .load::<Held>(&mut app.db.owner())
        .expect("teams")
        .into_iter()
        .map(|h| (h.sub, h.unit_id))
        .collect()
    };
    for event in after.iter().filter(|e| e.recipient_sub.is_some()) {
        let sub = event.recipient_sub.clone().unwrap_or_default();
        let unit = event.unit_id.expect("an inspector's task concerns a unit");
        assert!(teams.contains(&(sub, unit)), "{event:?}");
    }
}

#[tokio::test]
async fn the_webhook_gets_every_event_signed_and_after_a_restart_what_it_missed() {
    let mut receiver = Receiver::start();
    let app =
        TestApp::spawn_demo_at_with(china(2014, 9, 15, 10, 0), pushing_to(receiver.url())).await;
    let delivered_all = |app: &TestApp| {
        app.count("SELECT count(*) AS n FROM task_events WHERE delivered_at IS NULL") == 0
    };
    until("the seed's events are delivered", || delivered_all(&app)).await;
    let seeded = events(&app);
    assert!(
        seeded.len() > 100,
        "the demo owes many tasks: {}",
        seeded.len()
    );

    // The receiver stops; a write's events wait, and fail, and are retried with a backoff.
    receiver.stop().await;
    let path = "/api/v1/assessment-cycles/1/units/3/self-inspection";
    let submitted = app
        .post(&format!("{path}/submit"), &app.unit_token(3), &json!({}))
        .await;
    assert_eq!(submitted.status(), StatusCode::OK);
    let missed: Vec<Event> = events(&app).into_iter().skip(seeded.len()).collect();
    assert_eq!(
        missed.len(),
        2,
        "the unit's task and the office's reminder: {missed:?}"
    );
    until("every missed event failed twice", || {
        events(&app)
            .iter()
            .skip(seeded.len())
            .all(|e| e.attempts >= 2 && e.last_error.is_some() && !e.delivered)
    })
    .await;
    let failed = app
        .get("/api/v1/task-deliveries?state=failed", &app.office)
        .await;
    assert_eq!(failed.status(), StatusCode::OK);
    let failed: Value = failed.json().await.expect("json");
    assert_eq!(failed["total"], missed.len(), "{failed}");
    let item = &failed["items"][0];
    assert_eq!(item["state"], "failed");
    assert!(item["attempts"].as_i64().unwrap_or(0) >= 2, "{item}");
    assert!(
        item["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{item}"
    );
    assert!(item["next_attempt_at"].is_string(), "{item}");
    let refused = app.get("/api/v1/task-deliveries", &app.unit_token(3)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The service stops too, and its worker with it: the receiver back, nothing arrives...
    app.handle.stop(true).await;
    receiver.restart();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!delivered_all(&app), "the stopped service delivers nothing");
    // ...until another instance takes over the same database.
    let another = app.spawn_another_instance();
    until("the missed events are delivered", || delivered_all(&app)).await;
    let delivered = app
        .client
        .get(format!(
            "{another}/api/v1/task-deliveries?state=delivered&per_page=1"
        ))
        .bearer_auth(&app.office)
        .send()
        .await
        .expect("list deliveries");
    let delivered: Value = delivered.json().await.expect("json");
    assert_eq!(delivered["total"], seeded.len() + missed.len());

    // Nothing lost, every body signed, and an event's id the same on every delivery.
    let all = events(&app);
    let got = receiver.received();
    assert!(got.iter().all(|r| r.signed), "every body is signed");
    let mut seen: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for r in &got {
        assert_eq!(r.body["event_id"].as_str(), Some(r.header_id.as_str()));
        let sequence = r.body["sequence"].as_i64().expect("sequence");
        seen.entry(sequence)
            .or_default()
            .insert(r.header_id.clone());
    }
    for event in &all {
        let ids = seen.get(&event.id).cloned().unwrap_or_default();
        assert_eq!(
            ids,
            BTreeSet::from([event.event_id.clone()]),
            "{event:?} arrived, always with its id"
        );
    }
    let units = missed
        .iter()
        .find(|e| e.recipient_unit_id == Some(3))
        .expect("the unit's event");
    let body = &got
        .iter()
        .find(|r| r.header_id == units.event_id)
        .expect("a missed event")
        .body;
    assert_eq!(body["event"], "done");
    assert_eq!(
        body["recipient"],
        json!({"role": "unit", "unit_id": 3}),
        "{body}"
    );
    assert_eq!(body["task"]["resource"], path);
    assert_eq!(
        body["link"],
        format!("https://lianzheng.yangshan.example{path}")
    );
    let inspector = got
        .iter()
        .find(|r| r.body["recipient"].get("sub").is_some())
        .expect("an inspector's event");
    assert_eq!(
        inspector.body["recipient"].as_object().map(|o| o.len()),
        Some(1),
        "an inspector is named by sub alone: {}",
        inspector.body
    );
    receiver.stop().await;
}

/// How many statements one write's recording of the task states runs, and what it recorded.
fn statements(conn: &mut PgConnection) -> (usize, lianzheng::ops::outbox::Recorded) {
    let (count, recorded) = crate::statements::statements(conn, |conn| {
        conn.transaction(|conn| lianzheng::ops::outbox::record(conn, china(2014, 9, 25, 9, 0)))
    });
    // The transaction's BEGIN and COMMIT are not the recording's.
    (
        count.saturating_sub(2),
        recorded.expect("record the task states"),
    )
}

#[tokio::test]
async fn a_write_records_the_task_states_in_as_many_statements_for_300_units_as_for_30() {
    let app = TestApp::spawn_demo().await;
    let mut conn = app.db.owner();
    crate::fixtures::add_units_half_on_team_1(&mut conn, 30, 1);
    let small = statements(&mut conn);
    let unchanged = statements(&mut conn);
    crate::fixtures::add_units_half_on_team_1(&mut conn, 270, 31);
    let large = statements(&mut conn);
    assert_eq!(small.0, large.0, "statements for 30 and for 300 units");
    assert_eq!(unchanged.0, small.0, "and when nothing changed");
    assert!(small.1.created >= 30, "{:?}", small.1);
    assert_eq!(unchanged.1, Default::default());
    assert!(
        large.1.created >= small.1.created + 270,
        "{:?} {:?}",
        small.1,
        large.1
    );
}

/// A live task state's title, by id.
fn title(app: &TestApp, id: i64) -> String {
    #[derive(QueryableByName)]
    struct Title {
        #[diesel(sql_type = Text)]
        title: String,
    }
    diesel::sql_query("SELECT title FROM task_states WHERE id = $1")
        .bind::<BigInt, _>(id)
        .get_result::<Title>(&mut app.db.owner())
        .expect("a task state")
        .title
}

/// The id of the first live task state that `condition` picks.
fn live_state(app: &TestApp, condition: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    diesel::sql_query(format!(
        "SELECT id FROM task_states WHERE state <> 'done' AND {condition} ORDER BY id LIMIT 1"
    ))
    .get_result::<Id>(&mut app.db.owner())
    .unwrap_or_else(|e| panic!("a live task state where {condition}: {e}"))
    .id
}

#[tokio::test]
async fn a_sheet_edit_records_its_units_tasks_and_its_cycles_and_leaves_the_others_alone() {
    let now = china(2014, 9, 25, 9, 0);
    let app = TestApp::spawn_demo_at(now).await;
    settled(&app).await;
    // 江英镇 (5): its sheet awaits insp-5-a's signature; its leader signed it already.
    let sheet = "/api/v1/assessment-cycles/1/units/5/scoring-record";
    let leader = app.token(lianzheng::auth::Role::Inspector, "insp-5-leader", None);
    // Live states the write may change (the unit's in the 2014 cycle, and that cycle's
    // transition) and states it may not (another unit's in that cycle, another cycle's),
    // each given a title no task has: the comparison puts back those it covers.
    let own = live_state(
        &app,
        "cycle_id = 1 AND unit_id = 5 AND recipient_sub = 'insp-5-a'",
    );
    let transition = live_state(&app, "cycle_id = 1 AND unit_id IS NULL");
    let neighbour = live_state(&app, "cycle_id = 1 AND unit_id <> 5");
    let other_cycle = live_state(&app, "cycle_id <> 1");
    let titles: Vec<String> = [own, transition, neighbour, other_cycle]
        .iter()
        .map(|id| title(&app, *id))
        .collect();
    diesel::sql_query("UPDATE task_states SET title = 'stale' WHERE id = ANY($1)")
        .bind::<diesel::sql_types::Array<BigInt>, _>(vec![own, transition, neighbour, other_cycle])
        .execute(&mut app.db.owner())
        .expect("make four states stale");
    let before = events(&app);

    // The leader edits an item: the signatures are void, so the leader owes one again.
    let got: Value = app.get(sheet, &leader).await.json().await.expect("sheet");
    let item = &got["items"][0];
    let code = item["item_code"].as_str().expect("item code");
    let etag = item["etag"].as_str().expect("item etag");
    let put = app
        .request(
            reqwest::Method::PUT,
            &format!("{sheet}/items/{code}"),
            Some(&leader),
        )
        .header("If-Match", etag)
        .json(&json!({"deductions": []}))
        .send()
        .await
        .expect("PUT the item");
    assert_eq!(put.status(), StatusCode::OK);
    let after = events(&app);
    let sign = events_of(&after, "sub:insp-5-leader", "sign_scoring_record", sheet);
    let walk: Vec<&str> = sign.iter().map(|e| e.transition.as_str()).collect();
    assert_eq!(walk.last(), Some(&"created"), "{sign:?}");
    assert!(
        after[before.len()..].iter().all(|e| e.unit_id == Some(5)),
        "events of the unit's tasks alone: {:?}",
        &after[before.len()..]
    );
    assert_eq!(
        title(&app, own),
        titles[0],
        "the unit's own state is compared"
    );
    assert_eq!(
        title(&app, transition),
        titles[1],
        "so is its cycle's transition"
    );
    assert_eq!(title(&app, neighbour), "stale", "another unit's is not");
    assert_eq!(title(&app, other_cycle), "stale", "nor another cycle's");

    // What the write compared, it left as a comparison of everything would: that finds no
    // task to create or to mark done, and puts back only the two titles out of the scope.
    let mut conn = app.db.owner();
    let recorded = conn
        .transaction(|conn| lianzheng::ops::outbox::record(conn, now))
        .expect("record everything");
    assert_eq!(recorded, Default::default());
    assert_eq!(title(&app, neighbour), titles[2]);
    assert_eq!(title(&app, other_cycle), titles[3]);
}

#[tokio::test]
async fn the_sheet_edits_of_many_units_at_once_leave_the_states_a_full_comparison_agrees_with() {
    let now = china(2014, 9, 25, 9, 0);
    let app = TestApp::spawn_demo_at_with(now, |s| s.pool_size = 8).await;
    settled(&app).await;
    let audited = app.count("SELECT count(*) AS n FROM audit_log");
    let events_before = events(&app).len();
    // Every sheet of the 2014 cycle not final yet, each edited by its team's leader: three
    // items one after the other, the units all at once.
    let teams: Value = app
        .get(
            "/api/v1/assessment-cycles/1/teams?per_page=100",
            &app.office,
        )
        .await
        .json()
        .await
        .expect("teams");
    let mut edits = Vec::new();
    for team in teams["items"].as_array().expect("teams") {
        let sub = team["leader"]["sub"].as_str().expect("leader");
        let leader = app.token(lianzheng::auth::Role::Inspector, sub, None);
        for unit in team["unit_ids"].as_array().expect("units") {
            let sheet = format!("/api/v1/assessment-cycles/1/units/{unit}/scoring-record");
            let got: Value = app.get(&sheet, &leader).await.json().await.expect("sheet");
            if got["status"] == "final" {
                continue;
            }
            let items: Vec<(String, String)> = got["items"]
                .as_array()
                .expect("items")
                .iter()
                .take(3)
                .map(|i| {
                    (i["item_code"].as_str().expect("code").to_owned(), {
                        i["etag"].as_str().expect("etag").to_owned()
                    })
                })
                .collect();
            edits.push((sheet, leader.clone(), items));
        }
    }
    assert!(edits.len() >= 6, "sheets to edit: {}", edits.len());
    let puts: usize = edits.iter().map(|(_, _, items)| items.len()).sum();
    let mut running = tokio::task::JoinSet::new();
    for (sheet, leader, items) in edits {
        let client = app.client.clone();
        let address = app.address.clone();
        running.spawn(async move {
            for (code, etag) in items {
                let response = client
                    .put(format!("{address}{sheet}/items/{code}"))
                    .bearer_auth(&leader)
                    .header("If-Match", etag)
                    .json(&json!({"deductions": []}))
                    .send()
                    .await
                    .expect("PUT an item");
                assert_eq!(response.status(), StatusCode::OK, "{sheet} {code}");
            }
        });
    }
    while let Some(done) = running.join_next().await {
        done.expect("a unit's edits");
    }
    assert!(
        events(&app).len() > events_before,
        "the edits voided signatures"
    );
    // Each write compared its own unit and its cycle: together they left nothing for a
    // comparison of everything to create or mark done.
    let recorded = app
        .db
        .owner()
        .transaction(|conn| lianzheng::ops::outbox::record(conn, now))
        .expect("record everything");
    assert_eq!(recorded, Default::default());
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        audited + puts as i64
    );
    app.verify_audit(None).expect("the chain verifies");
}
