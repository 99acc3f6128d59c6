//! The task states and their outbox (issue 17 §4): what the OA portal's to-do centre is told.
//!
//! Every write ([`crate::db::write`]) ends with [`record`]: in the write's own transaction, it
//! computes every recipient's tasks with [`tasks::for_everyone`], compares them with the live
//! rows of `task_states`, inserts the new ones and marks the gone ones done, each with its event
//! in `task_events`. A write may move a cycle (every unit's tasks) or one signature (one
//! inspector's), so all recipients are compared, in a fixed number of statements whatever the
//! county's size: the lock, the task queries, one read of the live states and three writes,
//! each run even when it has nothing to do. A write that changes one unit's documents of one
//! cycle alone ([`crate::db::write_in`] with [`Scope::Unit`], the team's edits of a sheet, a
//! report or a visit record) compares only that unit's tasks in that cycle and the cycle's
//! transition task, with the same statements narrowed to them: nothing else it could change.
//! Such edits of different units run side by side (see [`record_in`] for the locks). The job
//! of [`run_job`] records `overdue` events as due dates pass, by the application's clock, and
//! repairs what writes outside `db::write` (the seed, the CLI) left behind. The webhook worker
//! (`crate::webhook`) delivers the events.
//!
//! An event's id is the SHA-256 of its task's key, the task's occurrence and the transition
//! (and for `overdue` the due date that passed), so a redelivery carries the same id.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Date, Integer, Nullable, Text, Timestamptz};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::calendar::is_late;
use crate::error::ApiError;
use crate::ops::tasks::{self, Recipient, Task};

/// Key of the advisory lock that lets one instance at a time run the overdue job.
const JOB_LOCK: i64 = 0x6c7a_6a6f_6273;

/// Key of the advisory lock of [`record_in`]: a comparison of every task holds it alone, a
/// scoped one shares it.
const RECORD_LOCK: i64 = 0x6c7a_7461_736b;

/// Takes the transaction-scoped advisory lock of the pair `(a, b)` (the two-key locks, apart
/// from the one-key locks of [`RECORD_LOCK`], [`JOB_LOCK`] and the audit trail's append).
fn lock_pair(conn: &mut PgConnection, a: i32, b: i32) -> Result<(), ApiError> {
    diesel::sql_query("SELECT pg_advisory_xact_lock($1, $2)")
        .bind::<Integer, _>(a)
        .bind::<Integer, _>(b)
        .execute(conn)?;
    Ok(())
}

/// A recipient as the portal receives it: `{"role": "office"}`, `{"role": "unit", "unit_id":
/// 7}` or `{"sub": "insp-1-leader"}` for an inspector.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({"role": "unit", "unit_id": 3}))]
pub struct RecipientView {
    /// `office` or `unit`; absent for an inspector, who is named by `sub`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "unit")]
    pub role: Option<String>,
    /// The unit, for `role: unit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = 3)]
    pub unit_id: Option<i64>,
    /// The inspector's token subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "insp-1-leader")]
    pub sub: Option<String>,
}

impl Recipient {
    /// The stored role: `office`, `unit` or `inspector`.
    fn role(&self) -> &'static str {
        match self {
            Recipient::Office => "office",
            Recipient::Unit(_) => "unit",
            Recipient::Inspector(_) => "inspector",
        }
    }

    /// The recipient's part of a task's key.
    fn key(&self) -> String {
        match self {
            Recipient::Office => "office".to_owned(),
            Recipient::Unit(id) => format!("unit:{id}"),
            Recipient::Inspector(sub) => format!("sub:{sub}"),
        }
    }

    /// The recipient of stored columns.
    pub fn from_columns(role: &str, unit_id: Option<i64>, sub: Option<&str>) -> Option<Self> {
        match (role, unit_id, sub) {
            ("office", None, None) => Some(Recipient::Office),
            ("unit", Some(id), None) => Some(Recipient::Unit(id)),
            ("inspector", None, Some(sub)) => Some(Recipient::Inspector(sub.to_owned())),
            _ => None,
        }
    }

    /// How the portal receives it.
    pub fn view(&self) -> RecipientView {
        match self {
            Recipient::Office => RecipientView {
                role: Some("office".to_owned()),
                unit_id: None,
                sub: None,
            },
            Recipient::Unit(id) => RecipientView {
                role: Some("unit".to_owned()),
                unit_id: Some(*id),
                sub: None,
            },
            Recipient::Inspector(sub) => RecipientView {
                role: None,
                unit_id: None,
                sub: Some(sub.clone()),
            },
        }
    }
}

/// A task's identity: the SHA-256 of its recipient, kind and resource.
pub fn task_key(recipient: &Recipient, task: &Task) -> String {
    crate::audit::sha256_hex(
        format!(
            "{}\n{}\n{}",
            recipient.key(),
            task.kind.as_str(),
            task.resource
        )
        .as_bytes(),
    )
}

/// What one call of [`record`] or [`run_job`] changed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    /// Tasks that appeared (`created` events).
    pub created: usize,
    /// Tasks that went (`done` events).
    pub done: usize,
    /// Tasks whose due date passed (`overdue` events).
    pub overdue: usize,
}

#[derive(QueryableByName)]
struct LiveState {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    task_key: String,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Nullable<Text>)]
    unit_name: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    due: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    cycle_id: i64,
    #[diesel(sql_type = Text)]
    resource: String,
    #[diesel(sql_type = Text)]
    state: String,
}

#[derive(QueryableByName)]
struct Affected {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Which tasks a write may change, so which of them [`record_in`] compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Any task of any cycle: the safe default of [`crate::db::write`], and the job's.
    Everything,
    /// The tasks about one unit in one cycle (their resources are that unit's in that cycle,
    /// [`tasks::unit_resources`]) and that cycle's transition task (its guards read every unit
    /// of the cycle): for a write that changes only that unit's documents of that cycle (a
    /// team's sheet, report or visit record), and nothing another cycle's, another unit's, or
    /// the office's tasks of the whole cycle (assigning teams, entering routine scores) are
    /// computed from. Every other task stays as it is: the write changed nothing it depends on,
    /// and the job catches up on the clock.
    Unit {
        /// The cycle.
        cycle_id: i64,
        /// The unit.
        unit_id: i64,
    },
}

/// Which tasks [`record_in`] compares: all, or those of a cycle whose resource is the
/// cycle's transitions or under one unit's resources.
enum Covered {
    All,
    Unit {
        cycle_id: i64,
        transitions: String,
        prefix: String,
    },
}

impl Covered {
    fn of(scope: Scope) -> Self {
        match scope {
            Scope::Everything => Covered::All,
            Scope::Unit { cycle_id, unit_id } => Covered::Unit {
                cycle_id,
                transitions: tasks::transitions_path(cycle_id),
                prefix: tasks::unit_resources(cycle_id, unit_id),
            },
        }
    }

    /// Whether the task of `cycle_id` at `resource` is in the scope. Its key is made of its
    /// recipient, kind and resource, so a task in the scope never shares a key with one out
    /// of it.
    fn covers(&self, cycle_id: i64, resource: &str) -> bool {
        match self {
            Covered::All => true,
            Covered::Unit {
                cycle_id: cycle,
                transitions,
                prefix,
            } => cycle_id == *cycle && (resource == transitions || resource.starts_with(prefix)),
        }
    }
}

/// Brings `task_states` up to date with every recipient's tasks at `now` and records the
/// `created` and `done` events, in the caller's transaction: [`record_in`] for
/// [`Scope::Everything`].
pub fn record(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<Recorded, ApiError> {
    record_in(conn, now, Scope::Everything)
}

/// Brings the task states of `scope` up to date with the recipients' tasks at `now` and records
/// the `created` and `done` events, in the caller's transaction (a write's, in
/// [`crate::db::write`]): computes the tasks of the scope, reads the live states of the same
/// scope, and compares them; the states outside it are neither read nor changed.
///
/// The writes whose scopes overlap follow each other, each comparing with the states the one
/// before it committed: transaction-scoped advisory locks, held until the write ends, taken in
/// one order. [`Scope::Everything`] takes [`RECORD_LOCK`] alone (after every scoped write under
/// way, before any later one); [`Scope::Unit`] shares it, then takes its unit's lock in the
/// cycle and computes that unit's tasks, then the cycle's lock and computes the transition
/// task. So the edits of different units run their queries side by side and queue only for the
/// cycle's transition and the audit trail's append. Always the same number of statements for a
/// scope, whatever the county's size.
pub fn record_in(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    scope: Scope,
) -> Result<Recorded, ApiError> {
    // The two-key locks take 32-bit ids; larger ones (never seen) compare everything.
    let keys = match scope {
        Scope::Unit { cycle_id, unit_id } => i32::try_from(cycle_id)
            .ok()
            .zip(i32::try_from(unit_id).ok()),
        Scope::Everything => None,
    };
    let scope = if keys.is_some() {
        scope
    } else {
        Scope::Everything
    };
    let (computed, cycle, unit) = match (scope, keys) {
        (Scope::Unit { cycle_id, unit_id }, Some((cycle_key, unit_key))) => {
            diesel::sql_query("SELECT pg_advisory_xact_lock_shared($1)")
                .bind::<BigInt, _>(RECORD_LOCK)
                .execute(conn)?;
            lock_pair(conn, cycle_key, unit_key)?;
            let mut computed = tasks::for_unit(conn, cycle_id, unit_id, now)?;
            // Unit ids start at 1: the cycle's own lock is its pair with 0.
            lock_pair(conn, cycle_key, 0)?;
            computed.extend(tasks::for_transition(conn, cycle_id, now)?);
            (computed, Some(cycle_id), Some(unit_id))
        }
        _ => {
            diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
                .bind::<BigInt, _>(RECORD_LOCK)
                .execute(conn)?;
            (tasks::for_everyone(conn, now)?, None, None)
        }
    };
    // Both sides of the comparison are kept to the same rule: a task the queries gave that is
    // out of the scope (the office's tasks of the whole cycle) is neither owed nor gone.
    let covered = Covered::of(scope);
    let mut owed: BTreeMap<String, (Recipient, Task)> = BTreeMap::new();
    for (recipient, task) in computed {
        if !covered.covers(task.cycle_id, &task.resource) {
            continue;
        }
        owed.entry(task_key(&recipient, &task))
            .or_insert((recipient, task));
    }
    // The unit's live states and the cycle's own (no unit; the transition task) cover the
    // scope, through the index `task_states_live_scope`; `covers` keeps the scope exactly.
    let live: Vec<LiveState> = diesel::sql_query(
        "SELECT id, task_key, title, unit_name, due, cycle_id, resource, state \
         FROM task_states WHERE state <> 'done' AND ($1::int8 IS NULL \
           OR (cycle_id = $1 AND unit_id = $2) OR (cycle_id = $1 AND unit_id IS NULL)) \
         ORDER BY id",
    )
    .bind::<Nullable<BigInt>, _>(cycle)
    .bind::<Nullable<BigInt>, _>(unit)
    .load(conn)?;
    let live: HashMap<String, LiveState> = live
        .into_iter()
        .filter(|s| covered.covers(s.cycle_id, &s.resource))
        .map(|s| (s.task_key.clone(), s))
        .collect();

    let mut new = NewStates::default();
    let mut changed = Changed::default();
    // In a stable order (recipient, then the task), so that ids follow the same order each time.
    let mut fresh: Vec<(&String, &(Recipient, Task))> = owed
        .iter()
        .filter(|(key, _)| !live.contains_key(*key))
        .collect();
    fresh.sort_by(|(ka, (ra, ta)), (kb, (rb, tb))| {
        (ra, ta.cycle_id, ta.unit_id, ta.kind.as_str(), ka).cmp(&(
            rb,
            tb.cycle_id,
            tb.unit_id,
            tb.kind.as_str(),
            kb,
        ))
    });
    for (key, (recipient, task)) in fresh {
        new.push(key, recipient, task);
    }
    for (key, (_, task)) in &owed {
        let Some(state) = live.get(key) else {
            continue;
        };
        if state.title != task.title || state.due != task.due || state.unit_name != task.unit_name {
            // A later due date that has not passed takes an overdue task back to open; the job
            // records `overdue` again (another event: its id names the date) if it passes.
            let reopen = state.state == "overdue" && !task.due.is_some_and(|d| is_late(d, now));
            changed.ids.push(state.id);
            changed.titles.push(task.title.clone());
            changed.unit_names.push(task.unit_name.clone());
            changed.dues.push(task.due);
            changed.reopen.push(reopen);
        }
    }
    let mut gone: Vec<i64> = live
        .values()
        .filter(|s| !owed.contains_key(&s.task_key))
        .map(|s| s.id)
        .collect();
    gone.sort_unstable();

    let created = insert_created(conn, &new, now)?;
    let done = mark_done(conn, &gone, now)?;
    update_changed(conn, &changed)?;
    Ok(Recorded {
        created,
        done,
        overdue: 0,
    })
}

/// The columns of the tasks that appeared, one array each (one `INSERT` for all of them).
#[derive(Default)]
struct NewStates {
    keys: Vec<String>,
    roles: Vec<String>,
    recipient_units: Vec<Option<i64>>,
    subs: Vec<Option<String>>,
    kinds: Vec<String>,
    cycles: Vec<i64>,
    units: Vec<Option<i64>>,
    unit_names: Vec<Option<String>>,
    titles: Vec<String>,
    resources: Vec<String>,
    dues: Vec<Option<NaiveDate>>,
}

impl NewStates {
    fn push(&mut self, key: &str, recipient: &Recipient, task: &Task) {
        self.keys.push(key.to_owned());
        self.roles.push(recipient.role().to_owned());
        self.recipient_units.push(match recipient {
            Recipient::Unit(id) => Some(*id),
            _ => None,
        });
        self.subs.push(match recipient {
            Recipient::Inspector(sub) => Some(sub.clone()),
            _ => None,
        });
        self.kinds.push(task.kind.as_str().to_owned());
        self.cycles.push(task.cycle_id);
        self.units.push(task.unit_id);
        self.unit_names.push(task.unit_name.clone());
        self.titles.push(task.title.clone());
        self.resources.push(task.resource.clone());
        self.dues.push(task.due);
    }
}

/// Live tasks whose title, unit name or due date changed.
#[derive(Default)]
struct Changed {
    ids: Vec<i64>,
    titles: Vec<String>,
    unit_names: Vec<Option<String>>,
    dues: Vec<Option<NaiveDate>>,
    reopen: Vec<bool>,
}

/// The SQL of an event id: SHA-256 (hex) of `key:occurrence:transition`.
fn event_id_sql(transition: &str) -> String {
    format!(
        "encode(sha256(convert_to(task_key || ':' || occurrence || ':{transition}', \
         'UTF8')), 'hex')"
    )
}

/// Inserts the new tasks, each as the next occurrence of its key, with their `created` events.
fn insert_created(
    conn: &mut PgConnection,
    new: &NewStates,
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let rows: Affected = diesel::sql_query(format!(
        "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], \
         $5::text[], $6::int8[], $7::int8[], $8::text[], $9::text[], $10::text[], $11::date[]) \
         WITH ORDINALITY AS x(task_key, recipient_role, recipient_unit_id, recipient_sub, kind, \
         cycle_id, unit_id, unit_name, title, resource, due, n)), \
         inserted AS (INSERT INTO task_states (task_key, occurrence, recipient_role, \
         recipient_unit_id, recipient_sub, kind, cycle_id, unit_id, unit_name, title, resource, \
         due, state, created_at) \
         SELECT x.task_key, COALESCE((SELECT max(s.occurrence) FROM task_states s \
         WHERE s.task_key = x.task_key), 0) + 1, x.recipient_role, x.recipient_unit_id, \
         x.recipient_sub, x.kind, x.cycle_id, x.unit_id, x.unit_name, x.title, x.resource, \
         x.due, 'open', $12 FROM input x ORDER BY x.n \
         RETURNING id, task_key, occurrence), \
         events AS (INSERT INTO task_events (event_id, task_state_id, transition, occurred_at) \
         SELECT {id}, id, 'created', $12 FROM inserted ORDER BY id \
         ON CONFLICT (event_id) DO NOTHING RETURNING 1) \
         SELECT count(*) AS n FROM events",
        id = event_id_sql("created")
    ))
    .bind::<Array<Text>, _>(&new.keys)
    .bind::<Array<Text>, _>(&new.roles)
    .bind::<Array<Nullable<BigInt>>, _>(&new.recipient_units)
    .bind::<Array<Nullable<Text>>, _>(&new.subs)
    .bind::<Array<Text>, _>(&new.kinds)
    .bind::<Array<BigInt>, _>(&new.cycles)
    .bind::<Array<Nullable<BigInt>>, _>(&new.units)
    .bind::<Array<Nullable<Text>>, _>(&new.unit_names)
    .bind::<Array<Text>, _>(&new.titles)
    .bind::<Array<Text>, _>(&new.resources)
    .bind::<Array<Nullable<Date>>, _>(&new.dues)
    .bind::<Timestamptz, _>(now)
    .get_result(conn)?;
    Ok(rows.n as usize)
}

/// Marks the gone tasks done, with their `done` events.
fn mark_done(conn: &mut PgConnection, ids: &[i64], now: DateTime<Utc>) -> Result<usize, ApiError> {
    let rows: Affected = diesel::sql_query(format!(
        "WITH done AS (UPDATE task_states SET state = 'done', done_at = $2 \
         WHERE id = ANY($1) AND state <> 'done' RETURNING id, task_key, occurrence), \
         events AS (INSERT INTO task_events (event_id, task_state_id, transition, occurred_at) \
         SELECT {id}, id, 'done', $2 FROM done ORDER BY id \
         ON CONFLICT (event_id) DO NOTHING RETURNING 1) \
         SELECT count(*) AS n FROM events",
        id = event_id_sql("done")
    ))
    .bind::<Array<BigInt>, _>(ids)
    .bind::<Timestamptz, _>(now)
    .get_result(conn)?;
    Ok(rows.n as usize)
}

/// Keeps the live tasks' titles, unit names and due dates current (no event).
fn update_changed(conn: &mut PgConnection, changed: &Changed) -> Result<(), ApiError> {
    diesel::sql_query(
        "UPDATE task_states s SET title = x.title, unit_name = x.unit_name, due = x.due, \
         state = CASE WHEN x.reopen THEN 'open' ELSE s.state END \
         FROM unnest($1::int8[], $2::text[], $3::text[], $4::date[], $5::bool[]) \
         AS x(id, title, unit_name, due, reopen) \
         WHERE s.id = x.id AND s.state <> 'done'",
    )
    .bind::<Array<BigInt>, _>(&changed.ids)
    .bind::<Array<Text>, _>(&changed.titles)
    .bind::<Array<Nullable<Text>>, _>(&changed.unit_names)
    .bind::<Array<Nullable<Date>>, _>(&changed.dues)
    .bind::<Array<Bool>, _>(&changed.reopen)
    .execute(conn)?;
    Ok(())
}

/// Marks overdue every open task whose due date has passed at `now` (the end of that day in
/// China, as [`is_late`] reads it), with its `overdue` event.
pub fn mark_overdue(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let today = now
        .with_timezone(&crate::domain::calendar::china())
        .date_naive();
    let rows: Affected = diesel::sql_query(
        "WITH late AS (UPDATE task_states SET state = 'overdue' \
         WHERE state = 'open' AND due < $1 RETURNING id, task_key, occurrence, due), \
         events AS (INSERT INTO task_events (event_id, task_state_id, transition, occurred_at) \
         SELECT encode(sha256(convert_to(task_key || ':' || occurrence || ':overdue:' \
         || to_char(due, 'YYYY-MM-DD'), 'UTF8')), 'hex'), id, 'overdue', $2 \
         FROM late ORDER BY id ON CONFLICT (event_id) DO NOTHING RETURNING 1) \
         SELECT count(*) AS n FROM events",
    )
    .bind::<Date, _>(today)
    .bind::<Timestamptz, _>(now)
    .get_result(conn)?;
    Ok(rows.n as usize)
}

/// The per-minute job, in one transaction: if no other instance runs it now (a transaction's
/// advisory lock, tried, never waited for), brings the task states up to date ([`record`]) and
/// records the due dates that passed ([`mark_overdue`]). `None` when another instance ran it.
pub fn run_job(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<Option<Recorded>, ApiError> {
    conn.transaction(|conn| {
        #[derive(QueryableByName)]
        struct Locked {
            #[diesel(sql_type = Bool)]
            locked: bool,
        }
        let lock: Locked = diesel::sql_query("SELECT pg_try_advisory_xact_lock($1) AS locked")
            .bind::<BigInt, _>(JOB_LOCK)
            .get_result(conn)?;
        if !lock.locked {
            return Ok(None);
        }
        let mut recorded = record(conn, now)?;
        recorded.overdue = mark_overdue(conn, now)?;
        Ok(Some(recorded))
    })
}

/// One event to deliver, with its task, as [`claim`] hands it to the worker.
#[derive(Debug, Clone, QueryableByName)]
pub struct Pending {
    /// The outbox row (its order).
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    /// The stable event id.
    #[diesel(sql_type = Text)]
    pub event_id: String,
    /// `created`, `done` or `overdue`.
    #[diesel(sql_type = Text)]
    pub transition: String,
    /// When it happened, by the application's clock.
    #[diesel(sql_type = Timestamptz)]
    pub occurred_at: DateTime<Utc>,
    /// Attempts so far, this one included.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    /// The task's occurrence (1 the first time it appeared).
    #[diesel(sql_type = Integer)]
    pub occurrence: i32,
    /// The recipient's role: `office`, `unit` or `inspector`.
    #[diesel(sql_type = Text)]
    pub recipient_role: String,
    /// The recipient unit, for `unit`.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub recipient_unit_id: Option<i64>,
    /// The recipient's `sub`, for `inspector`.
    #[diesel(sql_type = Nullable<Text>)]
    pub recipient_sub: Option<String>,
    /// The task's kind (a `TaskKind`).
    #[diesel(sql_type = Text)]
    pub kind: String,
    /// The task's cycle.
    #[diesel(sql_type = BigInt)]
    pub cycle_id: i64,
    /// The unit it concerns, if one.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub unit_id: Option<i64>,
    /// That unit's name.
    #[diesel(sql_type = Nullable<Text>)]
    pub unit_name: Option<String>,
    /// Its Chinese title.
    #[diesel(sql_type = Text)]
    pub title: String,
    /// The API path of what it concerns.
    #[diesel(sql_type = Text)]
    pub resource: String,
    /// Its due date, if one.
    #[diesel(sql_type = Nullable<Date>)]
    pub due: Option<NaiveDate>,
}

/// The columns of [`Pending`], over the outbox row `e` and its task `s`.
pub const PENDING_COLUMNS: &str = "e.id, e.event_id, e.transition, e.occurred_at, e.attempts, \
     s.occurrence, s.recipient_role, s.recipient_unit_id, s.recipient_sub, s.kind, s.cycle_id, \
     s.unit_id, s.unit_name, s.title, s.resource, s.due";

/// Takes up to `limit` events due for delivery at `at` (system time: delivery is operational,
/// not a due date), oldest first and never one while an earlier event of its task is
/// undelivered, and leases them until `lease_until`: another instance (or this one after a
/// crash) takes them again only then. Counts the attempt.
pub fn claim(
    conn: &mut PgConnection,
    at: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Pending>, ApiError> {
    let sql = format!(
        "WITH claimed AS (UPDATE task_events e SET attempts = e.attempts + 1, \
         last_attempt_at = $1, next_attempt_at = $2 \
         WHERE e.id IN (SELECT c.id FROM task_events c WHERE c.delivered_at IS NULL \
           AND (c.next_attempt_at IS NULL OR c.next_attempt_at <= $1) \
           AND NOT EXISTS (SELECT 1 FROM task_events p WHERE p.task_state_id = c.task_state_id \
             AND p.id < c.id AND p.delivered_at IS NULL) \
           ORDER BY c.id LIMIT $3 FOR UPDATE SKIP LOCKED) \
         RETURNING e.*) \
         SELECT {PENDING_COLUMNS} FROM claimed e JOIN task_states s ON s.id = e.task_state_id \
         ORDER BY e.id"
    );
    Ok(diesel::sql_query(sql)
        .bind::<Timestamptz, _>(at)
        .bind::<Timestamptz, _>(lease_until)
        .bind::<BigInt, _>(limit)
        .load(conn)?)
}

/// Records a delivery the receiver acknowledged (2xx).
pub fn delivered(
    conn: &mut PgConnection,
    id: i64,
    status: u16,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    diesel::sql_query(
        "UPDATE task_events SET delivered_at = $2, last_status = $3, last_error = NULL, \
         next_attempt_at = NULL WHERE id = $1",
    )
    .bind::<BigInt, _>(id)
    .bind::<Timestamptz, _>(at)
    .bind::<Integer, _>(i32::from(status))
    .execute(conn)?;
    Ok(())
}

/// Records a failed attempt and when the next may start.
pub fn failed(
    conn: &mut PgConnection,
    id: i64,
    status: Option<u16>,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let error: String = error.chars().take(500).collect();
    diesel::sql_query(
        "UPDATE task_events SET last_status = $2, last_error = $3, next_attempt_at = $4 \
         WHERE id = $1 AND delivered_at IS NULL",
    )
    .bind::<BigInt, _>(id)
    .bind::<Nullable<Integer>, _>(status.map(i32::from))
    .bind::<Text, _>(error)
    .bind::<Timestamptz, _>(retry_at)
    .execute(conn)?;
    Ok(())
}

/// The task of an event, as the portal receives it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventTask {
    /// What it asks for (a `TaskKind` of `GET /api/v1/me/tasks`).
    #[schema(example = "submit_self_inspection")]
    pub kind: String,
    /// Its title in Chinese.
    #[schema(example = "修改并重新提交2014年度自查报告")]
    pub title: String,
    /// The cycle it belongs to.
    #[schema(example = 1)]
    pub cycle_id: i64,
    /// The unit it concerns, if one.
    #[schema(example = 3)]
    pub unit_id: Option<i64>,
    /// The unit's name, if one.
    #[schema(example = "太平镇")]
    pub unit_name: Option<String>,
    /// The API path of the resource it concerns.
    #[schema(example = "/api/v1/assessment-cycles/1/units/3/self-inspection")]
    pub resource: String,
    /// Its due date (the end of that day, Asia/Shanghai), if it has one.
    pub due: Option<NaiveDate>,
    /// 1 the first time the task appeared, 2 when it came back after it was done, ...
    #[schema(example = 1)]
    pub occurrence: i32,
}

impl Pending {
    /// The recipient of the event's task.
    pub fn recipient(&self) -> Option<Recipient> {
        Recipient::from_columns(
            &self.recipient_role,
            self.recipient_unit_id,
            self.recipient_sub.as_deref(),
        )
    }

    /// The event's task.
    pub fn task(&self) -> EventTask {
        EventTask {
            kind: self.kind.clone(),
            title: self.title.clone(),
            cycle_id: self.cycle_id,
            unit_id: self.unit_id,
            unit_name: self.unit_name.clone(),
            resource: self.resource.clone(),
            due: self.due,
            occurrence: self.occurrence,
        }
    }
}

/// The body the webhook receives: the event, its task, its recipient and a link into the API.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventBody {
    /// The stable event id (the same on every delivery of this event).
    #[schema(example = "5d41402abc4b2a76b9719d911017c592e5d41402abc4b2a76b9719d911017c59")]
    pub event_id: String,
    /// `created`, `done` or `overdue`.
    #[schema(example = "created")]
    pub event: String,
    /// The outbox's order: a later event of the same task has a larger number.
    #[schema(example = 42)]
    pub sequence: i64,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Whose to-do list it belongs on.
    pub recipient: RecipientView,
    /// The task.
    pub task: EventTask,
    /// The resource's URL (`PUBLIC_BASE_URL` followed by its path).
    #[schema(
        example = "https://lianzheng.yangshan.example/api/v1/assessment-cycles/1/units/3/\
                        self-inspection"
    )]
    pub link: String,
}

impl EventBody {
    /// The body of `event`, its link under `base` (no trailing slash; empty for the path alone).
    pub fn of(event: &Pending, base: &str) -> Result<Self, ApiError> {
        let recipient = event
            .recipient()
            .ok_or_else(|| ApiError::internal("a task state without a valid recipient"))?;
        Ok(Self {
            event_id: event.event_id.clone(),
            event: event.transition.clone(),
            sequence: event.id,
            occurred_at: event.occurred_at,
            recipient: recipient.view(),
            task: event.task(),
            link: format!("{base}{}", event.resource),
        })
    }
}

crate::text_enum! {
    /// Where an event's delivery stands.
    pub enum DeliveryState {
        /// 已送达 (the receiver acknowledged it with 2xx)
        Delivered => "delivered",
        /// 待发送 (not tried yet, or its first attempt is under way)
        Pending => "pending",
        /// 发送失败，等待重试 (its last attempt failed; it is retried after a backoff)
        Failed => "failed",
    }
}

/// The SQL of an event's [`DeliveryState`], over the outbox row `e`.
const STATE_SQL: &str = "CASE WHEN e.delivered_at IS NOT NULL THEN 'delivered' \
     WHEN e.last_error IS NOT NULL THEN 'failed' ELSE 'pending' END";

/// One event with its delivery, as the office lists them.
#[derive(Debug, Clone, QueryableByName)]
pub struct Delivery {
    /// The event and its task.
    #[diesel(embed)]
    pub event: Pending,
    /// Where its delivery stands.
    #[diesel(sql_type = Text)]
    pub state: DeliveryState,
    /// When the last attempt started.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// When the next attempt may start (undelivered only).
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's status at the last attempt, if it answered.
    #[diesel(sql_type = Nullable<Integer>)]
    pub last_status: Option<i32>,
    /// What the last failed attempt met.
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
    /// When the receiver acknowledged it.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One page of the outbox, newest first, in `state` if given, with the count of all that match.
pub fn deliveries(
    conn: &mut PgConnection,
    state: Option<DeliveryState>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Delivery>, i64), ApiError> {
    let state = state.map(DeliveryState::as_str);
    let total: Affected = diesel::sql_query(format!(
        "SELECT count(*) AS n FROM task_events e WHERE $1::text IS NULL OR {STATE_SQL} = $1"
    ))
    .bind::<Nullable<Text>, _>(state)
    .get_result(conn)?;
    let rows = diesel::sql_query(format!(
        "SELECT {PENDING_COLUMNS}, {STATE_SQL} AS state, e.last_attempt_at, \
         CASE WHEN e.delivered_at IS NULL THEN e.next_attempt_at END AS next_attempt_at, \
         e.last_status, e.last_error, e.delivered_at \
         FROM task_events e JOIN task_states s ON s.id = e.task_state_id \
         WHERE $1::text IS NULL OR {STATE_SQL} = $1 ORDER BY e.id DESC OFFSET $2 LIMIT $3"
    ))
    .bind::<Nullable<Text>, _>(state)
    .bind::<BigInt, _>(offset)
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    Ok((rows, total.n))
}
