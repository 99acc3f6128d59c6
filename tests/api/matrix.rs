//! The authorization matrix (issue 18 item 3): every operation of the contract, called on the
//! catalogue's real objects with its valid body, as seven callers: the office, the unit's
//! inspector in the call's cycle, an inspector of the same unit in another cycle, another
//! team's inspector, the unit itself, another unit and no token.
//!
//! Each refused caller gets the exact answer of the access rule (ARCHITECTURE.md, "Access
//! rule"): 401 without a token; 403 `forbidden` for a role the policy
//! (`lianzheng::auth::policy`) never admits; 404 for an object outside the caller's scope; 403
//! `not_published` where publication is the rule. The database is unchanged after each refused
//! write, and after an operation's refused reads (a checksum of every table,
//! `publication::checksums`). The refusals run first; then the admitted readers; the
//! owner's positive control (the catalogue's call, 2xx) last, so no refusal sees a state a
//! success changed. An operation of the contract the catalogue does not know fails the test.
//!
//! What publication grants a unit has its own test below.

use lianzheng::auth::Role;
use lianzheng::auth::policy::roles_of;
use serde_json::{Value, json};

use crate::catalogue::{
    self, Call, Entry, PARALLEL, Who, catalogue, contract, contract_operations,
};
use crate::helpers::TestApp;
use crate::publication::checksums;

/// The seven callers of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Office,
    /// The leader of the team that holds the unit in the call's cycle.
    TeamInspector,
    /// The leader of a team that holds the unit in another cycle.
    OtherCycleInspector,
    /// The leader of a team of the call's cycle that does not hold the unit.
    OtherTeamInspector,
    OwnUnit,
    OtherUnit,
    NoToken,
}

const CALLERS: [Caller; 7] = [
    Caller::Office,
    Caller::TeamInspector,
    Caller::OtherCycleInspector,
    Caller::OtherTeamInspector,
    Caller::OwnUnit,
    Caller::OtherUnit,
    Caller::NoToken,
];

/// What a caller must be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expect {
    /// Refused with this status and problem code; `or_not_found` also accepts 404 (a role the
    /// policy refuses, on an object outside its scope: the handler may load the object through
    /// the scope rule before it checks the role).
    Refused {
        status: u16,
        code: &'static str,
        or_not_found: bool,
    },
    /// Admitted: a read answers 2xx; a write by a non-owner is not sent (it would change what
    /// the owner's positive control relies on).
    Admitted,
}

fn refused(status: u16, code: &'static str) -> Expect {
    Expect::Refused {
        status,
        code,
        or_not_found: false,
    }
}

/// Demo units the matrix falls back on for operations of no unit.
const TOWN: i64 = 1;
const DEPARTMENT: i64 = 14;

/// The objects a call is on, read from its path.
#[derive(Debug, Clone)]
struct Context {
    path: String,
    cycle: Option<i64>,
    unit: Option<i64>,
    team: Option<i64>,
}

/// The number after `segment` in `path`.
fn after(path: &str, segment: &str) -> Option<i64> {
    path.split('/')
        .skip_while(|s| *s != segment)
        .nth(1)
        .and_then(|s| s.parse().ok())
}

fn context(path: &str) -> Context {
    let unit = after(path, "units")
        .or_else(|| after(path, "targets"))
        .or_else(|| after(path, "scores"));
    Context {
        path: path.to_owned(),
        cycle: after(path, "assessment-cycles"),
        unit,
        team: after(path, "teams"),
    }
}

/// Inspector tokens need a `'static` sub; the demo's subs are few.
fn leak(sub: String) -> &'static str {
    Box::leak(sub.into_boxed_str())
}

#[derive(diesel::QueryableByName)]
struct Sub {
    #[diesel(sql_type = diesel::sql_types::Text)]
    sub: String,
}

fn sub_of(app: &TestApp, sql: &str) -> Option<String> {
    use diesel::RunQueryDsl;
    diesel::sql_query(sql)
        .load::<Sub>(&mut app.db.owner())
        .expect("an inspector")
        .into_iter()
        .next()
        .map(|s| s.sub)
}

/// The subs of everyone on a team (leader and members) in `cycle` holding `unit`.
fn on_unit_team(app: &TestApp, cycle: i64, unit: i64, sub: &str) -> bool {
    app.count(&format!(
        "SELECT count(*) AS n FROM team_units tu JOIN inspection_teams t ON t.id = tu.team_id \
         WHERE tu.cycle_id = {cycle} AND tu.unit_id = {unit} AND (t.leader_sub = '{sub}' \
         OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.sub = '{sub}'))"
    )) > 0
}

/// Whether a team holding `unit` in a cycle not yet archived has `sub` on it.
fn inspects_now(app: &TestApp, unit: i64, sub: &str) -> bool {
    app.count(&format!(
        "SELECT count(*) AS n FROM team_units tu JOIN inspection_teams t ON t.id = tu.team_id \
         JOIN assessment_cycles c ON c.id = tu.cycle_id \
         WHERE tu.unit_id = {unit} AND c.state <> 'archived' AND (t.leader_sub = '{sub}' \
         OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.sub = '{sub}'))"
    )) > 0
}

/// The concrete callers of a call: who each is, and the unit and cycle the matrix reads them
/// against.
struct Cast {
    unit: i64,
    other_unit: i64,
    team_inspector: &'static str,
    other_cycle_inspector: &'static str,
    other_team_inspector: &'static str,
}

fn cast(app: &TestApp, ctx: &Context) -> Cast {
    let cycle = ctx.cycle.unwrap_or(catalogue::CYCLE);
    let unit = ctx.unit.unwrap_or(TOWN);
    let other_unit = if unit == DEPARTMENT { TOWN } else { DEPARTMENT };
    // The team of the call's cycle: the team in its path, else the one holding the unit; a
    // cycle without teams (the draft) borrows the 2014 cycle's.
    let team_cycle = if app.count(&format!(
        "SELECT count(*) AS n FROM inspection_teams WHERE cycle_id = {cycle}"
    )) > 0
    {
        cycle
    } else {
        catalogue::CYCLE
    };
    let team_inspector = match ctx.team {
        Some(team) => sub_of(
            app,
            &format!("SELECT leader_sub AS sub FROM inspection_teams WHERE id = {team}"),
        ),
        None => sub_of(
            app,
            &format!(
                "SELECT t.leader_sub AS sub FROM team_units tu \
                 JOIN inspection_teams t ON t.id = tu.team_id \
                 WHERE tu.cycle_id = {team_cycle} AND tu.unit_id = {unit}"
            ),
        ),
    }
    .unwrap_or_else(|| "insp-1-leader".to_owned());
    // Another team: of the call's cycle where it has another, else of the 2014 cycle; never
    // one whose leader is on a team holding the unit in any cycle.
    let other_team_inspector = sub_of(
        app,
        &format!(
            "SELECT t.leader_sub AS sub FROM inspection_teams t \
             WHERE t.leader_sub <> '{team_inspector}' AND NOT EXISTS (SELECT 1 FROM team_units tu \
             JOIN inspection_teams h ON h.id = tu.team_id \
             WHERE tu.unit_id = {unit} AND h.leader_sub = t.leader_sub) \
             ORDER BY t.cycle_id = {team_cycle} DESC, t.cycle_id, t.id"
        ),
    )
    .expect("another team");
    let other_cycle_inspector = sub_of(
        app,
        &format!(
            "SELECT t.leader_sub AS sub FROM team_units tu \
             JOIN inspection_teams t ON t.id = tu.team_id \
             WHERE tu.cycle_id <> {team_cycle} \
             ORDER BY tu.unit_id = {unit} DESC, tu.cycle_id = 3 DESC, tu.cycle_id"
        ),
    )
    .expect("a team of the unit in another cycle");
    Cast {
        unit,
        other_unit,
        team_inspector: leak(team_inspector),
        other_cycle_inspector: leak(other_cycle_inspector),
        other_team_inspector: leak(other_team_inspector),
    }
}

impl Cast {
    fn who(&self, caller: Caller) -> Who {
        match caller {
            Caller::Office => Who::Office,
            Caller::TeamInspector => Who::Inspector(self.team_inspector),
            Caller::OtherCycleInspector => Who::Inspector(self.other_cycle_inspector),
            Caller::OtherTeamInspector => Who::Inspector(self.other_team_inspector),
            Caller::OwnUnit => Who::Unit(self.unit),
            Caller::OtherUnit => Who::Unit(self.other_unit),
            Caller::NoToken => Who::Anonymous,
        }
    }
}

fn role_of(caller: Caller) -> Option<Role> {
    match caller {
        Caller::Office => Some(Role::Office),
        Caller::TeamInspector | Caller::OtherCycleInspector | Caller::OtherTeamInspector => {
            Some(Role::Inspector)
        }
        Caller::OwnUnit | Caller::OtherUnit => Some(Role::Unit),
        Caller::NoToken => None,
    }
}

/// Whether the caller's scope holds the call's object (the scope rules of `auth::scope`): the
/// office everything; a unit its own unit's objects and the cycle's common ones; an inspector
/// a unit's documents of a cycle through their team in that cycle, a unit's registry record
/// while one of their teams holds it in a cycle not yet archived, and the cycle's common ones.
/// Besides: a team is seen by its members only; a unit only reads its team documents (score
/// sheet, team report), never writes them; a draft commendation is the office's; a publication
/// version is seen by an inspector through a team of its cycle; a routine visit record is the
/// office's alone while the draw is sealed (the catalogue's visit is not final); an attachment
/// not yet attached is its uploader's (the catalogue's uploader is 阳城镇, the matrix's own
/// unit).
fn in_scope(app: &TestApp, ctx: &Context, cast: &Cast, caller: Caller, write: bool) -> bool {
    let who = cast.who(caller);
    if matches!(who, Who::Office | Who::Anonymous) {
        return true;
    }
    let path = ctx.path.as_str();
    if path.contains("/routine-visit") {
        return false;
    }
    if path.contains("/commendations/") {
        // The catalogue's commendation is a draft: the office's until it is published.
        return false;
    }
    if path.contains("/publications/") {
        // A publication version: to an inspector through a team of its cycle.
        if let (Who::Inspector(sub), Some(cycle)) = (who, ctx.cycle) {
            return app.count(&format!(
                "SELECT count(*) AS n FROM inspection_teams t WHERE t.cycle_id = {cycle} AND \
                 (t.leader_sub = '{sub}' OR EXISTS (SELECT 1 FROM team_members m \
                 WHERE m.team_id = t.id AND m.sub = '{sub}'))"
            )) > 0;
        }
    }
    if path.starts_with("/api/v1/attachments/") {
        return who == Who::Unit(TOWN);
    }
    if let Some(team) = ctx.team {
        return match who {
            Who::Inspector(sub) => {
                app.count(&format!(
                    "SELECT count(*) AS n FROM inspection_teams t WHERE t.id = {team} AND \
                     (t.leader_sub = '{sub}' OR EXISTS (SELECT 1 FROM team_members m \
                     WHERE m.team_id = t.id AND m.sub = '{sub}'))"
                )) > 0
            }
            _ => false,
        };
    }
    let team_document = path.contains("/scoring-record") || path.contains("/team-report");
    match (who, ctx.unit) {
        (_, None) => true,
        (Who::Unit(id), Some(unit)) => id == unit && !(write && team_document),
        (Who::Inspector(sub), Some(unit)) => match ctx.cycle {
            Some(cycle) => on_unit_team(app, cycle, unit, sub),
            None => inspects_now(app, unit, sub),
        },
        (Who::Office | Who::Anonymous, _) => true,
    }
}

/// Reads a unit sees only once its cycle is published (DOMAIN.md, "What is not yet
/// published"): before, 403 `not_published` to the unit whose scope holds them.
const UNITS_AFTER_PUBLICATION: &[&str] = &[
    "get_scoring_record",
    "get_referral",
    "get_scoring_record_signature",
    "get_team_report",
    "get_team_report_signature",
    "list_evaluation_rounds",
    "get_evaluation_round",
    "get_evaluation_tally",
    "list_leader_grades",
    "get_leader_grade",
    "list_results",
    "get_unit_result",
    "get_result_acknowledgement",
    "get_unit_report",
    "list_routine_scores",
    "get_routine_score",
];
/// Results an inspector sees only once published: before, 404 (`ops::results`).
const INSPECTORS_HIDDEN_BEFORE_PUBLICATION: &[&str] =
    &["list_results", "get_unit_result", "get_unit_report"];
/// Routine scores: before publication 403 `not_published` to the inspectors whose scope holds
/// them too (`scope::routine_scores`; 404 outside it).
const INSPECTORS_NOT_PUBLISHED: &[&str] = &["list_routine_scores", "get_routine_score"];

fn published(app: &TestApp, cycle: i64) -> bool {
    app.count(&format!(
        "SELECT count(*) AS n FROM assessment_cycles WHERE id = {cycle} \
         AND state IN ('published', 'archived')"
    )) > 0
}

/// The access rule's answer for `caller`.
fn expected(
    app: &TestApp,
    ctx: &Context,
    cast: &Cast,
    operation: &str,
    secured: bool,
    write: bool,
    caller: Caller,
) -> Expect {
    let Some(role) = role_of(caller) else {
        return if secured {
            refused(401, "token_missing")
        } else {
            Expect::Admitted
        };
    };
    if !secured {
        return Expect::Admitted;
    }
    let scoped = in_scope(app, ctx, cast, caller, write);
    if !roles_of(operation).contains(&role) {
        return Expect::Refused {
            status: 403,
            code: "forbidden",
            or_not_found: !scoped,
        };
    }
    let unpublished = ctx.cycle.is_some_and(|c| !published(app, c));
    match role {
        Role::Inspector
            if scoped && unpublished && INSPECTORS_NOT_PUBLISHED.contains(&operation) =>
        {
            return refused(403, "not_published");
        }
        Role::Inspector
            if unpublished && INSPECTORS_HIDDEN_BEFORE_PUBLICATION.contains(&operation) =>
        {
            return refused(404, "not_found");
        }
        Role::Unit if scoped && unpublished && UNITS_AFTER_PUBLICATION.contains(&operation) => {
            return refused(403, "not_published");
        }
        _ => {}
    }
    if scoped {
        Expect::Admitted
    } else {
        refused(404, "not_found")
    }
}

async fn answer(call: &Call, app: &TestApp) -> (u16, Value) {
    let response = call.send(app).await;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn shorten(body: &Value) -> String {
    body.to_string().chars().take(200).collect()
}

/// One operation's row of the matrix; lists what is wrong (nothing, when it holds).
async fn row(entry: Entry, op: Value) -> Vec<String> {
    let name = entry.name();
    let operation = op["operationId"].as_str().unwrap_or_default().to_owned();
    let secured = op.get("security").is_some();
    let app = TestApp::spawn_demo().await;
    let call = entry.call(&app).await;
    let ctx = context(&call.path);
    let cast = cast(&app, &ctx);
    let mut failures = Vec::new();
    let plan: Vec<(Caller, Expect)> = CALLERS
        .iter()
        .map(|c| {
            let write = entry.is_write();
            (
                *c,
                expected(&app, &ctx, &cast, &operation, secured, write, *c),
            )
        })
        .collect();
    let mut conn = app.db.owner();
    let before = checksums(&mut conn);
    // The refusals first: each must leave every table as it was.
    for (caller, expect) in &plan {
        let Expect::Refused {
            status,
            code,
            or_not_found,
        } = expect
        else {
            continue;
        };
        let sent = call.clone().by(cast.who(*caller));
        let (got, body) = answer(&sent, &app).await;
        let matches = (got == *status && body["code"] == *code)
            || (*or_not_found && got == 404 && body["code"] == "not_found");
        if !matches {
            let or = if *or_not_found { " or 404" } else { "" };
            failures.push(format!(
                "{name} ({operation}) as {caller:?} {:?}: expected {status} {code}{or}, \
                 got {got}: {}",
                sent.who,
                shorten(&body)
            ));
        }
        // A write's refusal is checked one by one; a read's (cheaper on 2 cores) all at once
        // below.
        if entry.is_write() && checksums(&mut conn) != before {
            failures.push(format!(
                "{name} ({operation}) as {caller:?}: the refused call changed the database"
            ));
            break;
        }
    }
    if !entry.is_write() && checksums(&mut conn) != before {
        failures.push(format!(
            "{name} ({operation}): a refused read changed the database"
        ));
    }
    // The admitted readers: a read changes nothing, so the owner's call still holds after.
    if !entry.is_write() {
        for (caller, expect) in &plan {
            if *expect != Expect::Admitted || cast.who(*caller) == call.who {
                continue;
            }
            let sent = call.clone().by(cast.who(*caller));
            let (got, body) = answer(&sent, &app).await;
            if !(200..300).contains(&got) {
                failures.push(format!(
                    "{name} ({operation}) as {caller:?} {:?}: admitted, got {got}: {}",
                    sent.who,
                    shorten(&body)
                ));
            }
        }
    }
    // The positive control: the owner succeeds.
    let (got, body) = answer(&call, &app).await;
    if got != call.expect {
        failures.push(format!(
            "{name} ({operation}) as its owner {:?}: expected {}, got {got}: {}",
            call.who,
            call.expect,
            shorten(&body)
        ));
    }
    app.stop().await;
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_operation_answers_each_caller_by_the_access_rule() {
    let spec = contract();
    let entries = catalogue();
    let mut failures = Vec::new();
    let mut running = tokio::task::JoinSet::new();
    for (method, path, op) in contract_operations(&spec) {
        let Some(entry) = entries
            .iter()
            .find(|e| e.method == method && e.template == path)
            .copied()
        else {
            failures.push(format!(
                "{method} {path}: not in the catalogue, so not in the matrix"
            ));
            continue;
        };
        if running.len() >= PARALLEL
            && let Some(done) = running.join_next().await
        {
            failures.extend(done.expect("a matrix task"));
        }
        running.spawn(async move {
            match tokio::spawn(row(entry, op)).await {
                Ok(found) => found,
                Err(e) => vec![format!("{}: the setup failed: {e}", entry.name())],
            }
        });
    }
    while let Some(done) = running.join_next().await {
        failures.extend(done.expect("a matrix task"));
    }
    failures.sort();
    for failure in &failures {
        eprintln!("MATRIX {failure}");
    }
    assert!(
        failures.is_empty(),
        "{} cells of the matrix disagree with the access rule:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_matrix_reads_the_unit_cycle_and_team_of_a_path() {
    let ctx = context("/api/v1/assessment-cycles/1/units/9/scoring-record/items/1.1");
    assert_eq!((ctx.cycle, ctx.unit, ctx.team), (Some(1), Some(9), None));
    let ctx = context("/api/v1/assessment-cycles/1/spot-checks/targets/3");
    assert_eq!((ctx.cycle, ctx.unit), (Some(1), Some(3)));
    let ctx = context("/api/v1/assessment-cycles/1/teams/2/units");
    assert_eq!((ctx.cycle, ctx.unit, ctx.team), (Some(1), None, Some(2)));
    let ctx = context("/api/v1/units/14/leaders");
    assert_eq!((ctx.cycle, ctx.unit), (None, Some(14)));
}

async fn status_of(app: &TestApp, path: &str, who: Who) -> (u16, Value) {
    answer(&Call::get(path).by(who), app).await
}

/// What publication grants a unit: its own result and report once published; a unit of its
/// kind's result under scope `kind`, never another kind's; only its own under scope `own`; and
/// before publication 403 `not_published` for its own.
#[tokio::test]
async fn publication_grants_a_unit_its_own_result_and_report_and_what_its_scope_shows() {
    let app = TestApp::spawn_demo().await;
    // Demo 2013 (cycle 5): published with scope `kind`. 阳城镇 (1) and 七拱镇 (2) are towns,
    // 县委办公室 (14) a county department.
    let result =
        |cycle: i64, unit: i64| format!("/api/v1/assessment-cycles/{cycle}/units/{unit}/result");
    let report = |cycle: i64, unit: i64| {
        format!("/api/v1/assessment-cycles/{cycle}/reports/units/{unit}?format=json")
    };
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM result_settings WHERE cycle_id = 5 \
             AND publication_scope = 'kind'"
        ),
        1,
        "the demo publishes 2013 with scope kind"
    );
    let mut conn = app.db.owner();
    let before = checksums(&mut conn);
    let town = Who::Unit(1);
    assert_eq!(status_of(&app, &result(5, 1), town).await.0, 200);
    assert_eq!(status_of(&app, &report(5, 1), town).await.0, 200);
    assert_eq!(
        status_of(&app, &result(5, 2), town).await.0,
        200,
        "same kind"
    );
    let (status, body) = status_of(&app, &result(5, 14), town).await;
    assert_eq!(
        (status, &body["code"]),
        (404, &json!("not_found")),
        "another kind"
    );
    let (status, body) = status_of(&app, &report(5, 2), town).await;
    assert_eq!(
        (status, &body["code"]),
        (404, &json!("not_found")),
        "another's report"
    );
    // Before publication: 2011 (cycle 3) in review.
    let (status, body) = status_of(&app, &result(3, 1), town).await;
    assert_eq!((status, &body["code"]), (403, &json!("not_published")));
    let (status, body) = status_of(&app, &report(3, 1), town).await;
    assert_eq!((status, &body["code"]), (403, &json!("not_published")));
    let (status, _) = status_of(&app, &result(3, 2), town).await;
    assert_eq!(status, 404, "another's result before publication");
    assert_eq!(checksums(&mut conn), before, "reads change nothing");

    // Under scope `own` (the 2013 settings changed in SQL: a published cycle's settings are
    // frozen to the API): its own is 200, a same-kind unit's 404.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(
            "UPDATE result_settings SET publication_scope = 'own' WHERE cycle_id = 5",
        ),
        &mut conn,
    )
    .expect("scope own");
    assert_eq!(status_of(&app, &result(5, 1), town).await.0, 200);
    assert_eq!(status_of(&app, &report(5, 1), town).await.0, 200);
    let (status, body) = status_of(&app, &result(5, 2), town).await;
    assert_eq!(
        (status, &body["code"]),
        (404, &json!("not_found")),
        "scope own"
    );
    app.stop().await;
}
