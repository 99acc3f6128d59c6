//! Fault tests: the real service against a private PostgreSQL cluster of its own, under keyed
//! write load (client-generated `Idempotency-Key`s, retried with the same key):
//!
//! - through an 8 s stop of the server (`pg_ctl stop -m fast`, then start), a 10 s freeze of
//!   every process of the cluster (SIGSTOP, then SIGCONT), and a 16 s freeze, longer than a
//!   request's database budget;
//! - on two `lianzheng serve` processes, through a `-m fast` and a `-m immediate` restart and a
//!   SIGKILL of one instance, the other serving on.
//!
//! They prove that no write runs twice, every acknowledged write is kept, every answer comes
//! within the documented bound (`DB_POOL_TIMEOUT` + `DB_STATEMENT_TIMEOUT` + 1 s) under the
//! default settings, the answers during the outage are 503 problem+json with `Retry-After`, a
//! retry after a 503 succeeds, the service serves again within 5 s of the database accepting
//! connections without restarting, and `lianzheng audit verify` passes. A third test kills the
//! service's connections from the server (`pg_terminate_backend`): a dead connection answers at
//! most one request, with 503, never 500. They run alone (nextest group `faults`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use lianzheng::audit::keys::Algorithm;
use lianzheng::auth::Role;
use lianzheng::config::{Secret, Settings};
use lianzheng::db;
use lianzheng::startup::Application;
use serde_json::{Value, json};

use crate::helpers::{APP_ROLE, OWNER_ROLE, TEST_SECRET, TestApp, audit_key, token};

/// The defaults of `DB_POOL_TIMEOUT` and `DB_STATEMENT_TIMEOUT` (README, configuration).
const POOL_TIMEOUT: Duration = Duration::from_secs(3);
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);
/// The README's bound on any answer: the database budget plus 1 s for the rest of the request.
const BOUND: Duration = Duration::from_secs(3 + 10 + 1);
/// Scheduling margin on a shared 2-core machine where other test runs compete for the CPU.
const MARGIN: Duration = Duration::from_secs(2);
/// Concurrent clients, each creating leaders one after another.
const CLIENTS: usize = 6;

/// The directory of the PostgreSQL server binaries (`initdb`, `pg_ctl`, `postgres`).
fn server_binaries() -> PathBuf {
    if let Ok(dir) = std::env::var("PG_BIN_DIR") {
        return PathBuf::from(dir);
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|version| version.path().join("bin"))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    // The newest version: numeric directory names sort by length, then text.
    found.sort_by_key(|bin| {
        let name = bin
            .parent()
            .map(|v| v.display().to_string())
            .unwrap_or_default();
        (name.len(), name)
    });
    found.pop().unwrap_or_else(|| {
        panic!(
            "the fault test needs the PostgreSQL server binaries (initdb, pg_ctl) under \
             /usr/lib/postgresql/<version>/bin or PG_BIN_DIR: run scripts/pg-ensure.sh"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// A throw-away PostgreSQL cluster: its own data directory, port and processes.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Cluster {
    /// `initdb` with trust authentication, then starts it on a free port.
    fn create() -> Self {
        let bin = server_binaries();
        let dir = std::env::temp_dir().join(format!(
            "lianzheng-faults-{}",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("create the cluster directory");
        let as_postgres = is_root();
        if as_postgres {
            // initdb refuses to run as root: the cluster belongs to the postgres OS user.
            run(Command::new("chown").arg("postgres:").arg(&dir));
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let cluster = Self {
            bin,
            dir,
            port,
            as_postgres,
        };
        let data = cluster.data();
        run(cluster
            .command("initdb")
            .args(["-D", &data, "-U", "postgres", "-A", "trust"])
            .args(["-E", "UTF8", "--locale=C", "--no-sync"]));
        cluster.start();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// A server binary, run as the postgres OS user when the test runs as root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    fn start(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=60",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        run(self
            .command("pg_ctl")
            .args([
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "-o",
                &options,
            ])
            .arg("start"));
    }

    fn stop_fast(&self) {
        run(self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "fast", "-w", "stop"]));
    }

    /// The postmaster and every process it forked.
    fn processes(&self) -> Vec<String> {
        let pid_file = Path::new(&self.data()).join("postmaster.pid");
        let postmaster = std::fs::read_to_string(pid_file)
            .expect("postmaster.pid")
            .lines()
            .next()
            .expect("the postmaster's pid")
            .trim()
            .to_owned();
        let mut pids = vec![postmaster.clone()];
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // `pid (comm) state ppid ...`; comm may hold spaces, so split after the last ')'.
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1));
            if parent == Some(postmaster.as_str()) {
                pids.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        pids
    }

    /// Signals the postmaster (which must exist) and its children (a child may have just
    /// exited; the postmaster, stopped, forks no new ones).
    fn signal(&self, signal: &str) {
        let processes = self.processes();
        run(Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(&processes[0]));
        for child in &processes[1..] {
            let _ = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(child)
                .output();
        }
    }

    fn url(&self, user: &str, db: &str) -> String {
        format!("postgres://{user}@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Never leave a frozen or running cluster behind, even when an assertion failed.
        if Path::new(&self.data()).join("postmaster.pid").exists() {
            self.signal("CONT");
            let _ = self
                .command("pg_ctl")
                .args(["-D", &self.data(), "-m", "immediate", "-w", "stop"])
                .output();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a command to its end, failing the test with its output when it fails.
fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs a blocking cluster operation off the async threads.
async fn blocking(f: impl FnOnce() + Send + 'static) {
    tokio::task::spawn_blocking(f)
        .await
        .expect("cluster operation");
}

/// What one attempt of one keyed request got.
#[derive(Debug, Clone)]
#[expect(
    dead_code,
    reason = "the details are read through Debug, in assertion messages"
)]
enum Outcome {
    Created,
    /// 503 problem+json with `Retry-After`.
    Unavailable,
    /// 409 `idempotency_in_flight`: the key's earlier attempt still holds it.
    InFlight,
    /// Any other answer: status, content type, body.
    Other(u16, String, String),
    /// No answer at all.
    Failed(String),
}

#[derive(Debug, Clone)]
struct Attempt {
    name: String,
    /// Which of the service's addresses it went to.
    instance: usize,
    /// When it was sent, from the start of the load.
    sent_at: Duration,
    took: Duration,
    outcome: Outcome,
}

/// One client: creates leaders one after another, each with its own key and unique name,
/// retrying each with the same key until it is created or refused for good. It starts on one of
/// the instances (`addresses`) and moves to the next when an instance does not answer at all.
async fn client(
    start: Instant,
    addresses: Arc<Vec<String>>,
    office: String,
    unit_id: i64,
    client: usize,
    stop: Arc<AtomicBool>,
) -> Vec<Attempt> {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(60))
        .build()
        .expect("HTTP client");
    let mut attempts = Vec::new();
    let mut n = 0;
    let mut at = client % addresses.len();
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let name = format!("故障测试-{client}-{n}");
        let key = uuid::Uuid::new_v4().to_string();
        let body = json!({"name": name, "position": "委员", "is_first_responsible": false});
        loop {
            let sent = Instant::now();
            let address = &addresses[at];
            let answer = http
                .post(format!("{address}/api/v1/units/{unit_id}/leaders"))
                .bearer_auth(&office)
                .header("Idempotency-Key", &key)
                .json(&body)
                .send()
                .await;
            let outcome = match answer {
                Err(e) => Outcome::Failed(e.to_string()),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let header = |name: &str| crate::workbooks::header(&response, name);
                    let content_type = header("content-type");
                    let retry_after = header("retry-after");
                    let text = response.text().await.unwrap_or_default();
                    let problem: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    match status {
                        201 => Outcome::Created,
                        503 if content_type == "application/problem+json"
                            && !retry_after.is_empty()
                            && problem["code"] == "service_unavailable" =>
                        {
                            Outcome::Unavailable
                        }
                        409 if content_type == "application/problem+json"
                            && problem["code"] == "idempotency_in_flight" =>
                        {
                            Outcome::InFlight
                        }
                        _ => Outcome::Other(status, content_type, text),
                    }
                }
            };
            // 409 `idempotency_in_flight` is retried too; any other 4xx is final.
            let done = matches!(outcome, Outcome::Created | Outcome::Other(400..=499, ..));
            let instance = at;
            if matches!(outcome, Outcome::Failed(_)) {
                at = (at + 1) % addresses.len();
            }
            attempts.push(Attempt {
                name: name.clone(),
                instance,
                sent_at: sent.duration_since(start),
                took: sent.elapsed(),
                outcome,
            });
            if done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    attempts
}

#[derive(QueryableByName)]
struct NameCount {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The settings of `serve` with their defaults for every database wait.
fn settings(url: String) -> Settings {
    let mut settings = Settings::from_env().expect("settings");
    settings.database_url = Secret::new(url);
    settings.bind_addr = "127.0.0.1:0".to_owned();
    settings.pool_size = 10;
    settings.pool_timeout = POOL_TIMEOUT;
    settings.statement_timeout = STATEMENT_TIMEOUT;
    settings.workers = 2;
    settings.dev_mode = false;
    settings.jwt_secret = Secret::new(TEST_SECRET);
    settings.jwt_issuer = "lianzheng-cli".to_owned();
    settings.jwt_audience = "lianzheng".to_owned();
    settings.extra_issuers = Vec::new();
    settings.audit_algorithm = Algorithm::Ed25519;
    settings.audit_signing_key = Some(audit_key(Algorithm::Ed25519));
    settings.audit_key_id = None;
    settings.ballot_code_key = Some(Secret::new(crate::helpers::TEST_BALLOT_CODE_KEY));
    settings.shutdown_timeout = Duration::from_secs(1);
    settings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keyed_writes_survive_a_database_stop_and_freeze_once_each_within_the_bound() {
    let cluster = migrated_cluster();

    let settings = settings(cluster.url(APP_ROLE, "lianzheng"));
    assert_eq!(settings.database_budget() + Duration::from_secs(1), BOUND);
    let signer = Arc::new(settings.audit_signer().expect("audit key"));
    let pool = db::connect(
        settings.database_url.expose(),
        settings.pool_size,
        settings.pool_timeout,
        settings.statement_timeout,
        signer,
    )
    .expect("connect the service");
    let app = Application::build(&settings, pool).expect("build the service");
    let address = format!("http://127.0.0.1:{}", app.port());
    let server = app.into_server();
    let handle = server.handle();
    tokio::spawn(server);
    let office = token(&settings, Role::Office, "office-admin", None);
    let http = reqwest::Client::new();
    let unit: Value = http
        .post(format!("{address}/api/v1/units"))
        .bearer_auth(&office)
        .json(&json!({"name": "故障测试镇", "kind": "town"}))
        .send()
        .await
        .expect("create the unit")
        .json()
        .await
        .expect("unit JSON");
    let unit_id = unit["id"].as_i64().expect("unit id");

    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let addresses = Arc::new(vec![address.clone()]);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (addresses, office, stop) = (addresses.clone(), office.clone(), stop.clone());
            tokio::spawn(client(start, addresses, office, unit_id, n, stop))
        })
        .collect();

    tokio::time::sleep(Duration::from_secs(2)).await;
    // An 8 s stop: every connection is cut and new ones are refused.
    let c = cluster.clone();
    blocking(move || c.stop_fast()).await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    let c = cluster.clone();
    blocking(move || c.start()).await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    // A 10 s freeze: the server's sockets stay open and silent, as in a partition.
    let c = cluster.clone();
    blocking(move || c.signal("STOP")).await;
    let frozen = Instant::now();
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Probed beside the freeze, so the freeze lasts 10 s however long the probe takes.
    let probe = {
        let (http, address) = (http.clone(), address.clone());
        tokio::spawn(async move {
            let sent = Instant::now();
            let ready = http
                .get(format!("{address}/readyz"))
                .timeout(Duration::from_secs(20))
                .send()
                .await;
            (ready.map(|r| r.status().as_u16()), sent.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_secs(10).saturating_sub(frozen.elapsed())).await;
    let c = cluster.clone();
    blocking(move || c.signal("CONT")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;

    // A 16 s freeze, past the 13 s database budget: requests must give up at their deadline.
    let c = cluster.clone();
    blocking(move || c.signal("STOP")).await;
    tokio::time::sleep(Duration::from_secs(16)).await;
    let thawed = start.elapsed();
    let c = cluster.clone();
    blocking(move || c.signal("CONT")).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);

    let mut attempts = Vec::new();
    for task in clients {
        attempts.extend(task.await.expect("client task"));
    }
    let keys = saved_keys(&address, &office, &cluster.dir).await;
    handle.stop(false).await;

    let (ready_status, probe_took) = probe.await.expect("probe task");
    assert_eq!(
        ready_status.expect("readyz answers"),
        503,
        "readyz on a frozen database"
    );
    assert!(
        probe_took < Duration::from_secs(2),
        "readyz took {probe_took:?}"
    );

    let failed: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Failed(_)))
        .collect();
    assert!(failed.is_empty(), "requests left unanswered: {failed:?}");
    let others: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Other(..)))
        .collect();
    assert!(
        others.is_empty(),
        "answers other than 201 or 503 problem+json with Retry-After: {others:?}"
    );
    let slowest = attempts.iter().map(|a| a.took).max().unwrap_or_default();
    assert!(
        slowest <= BOUND + MARGIN,
        "slowest answer {slowest:?}, bound {BOUND:?} + margin {MARGIN:?}"
    );

    let cut = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Unavailable))
        .filter(|a| a.took >= settings.database_budget() - Duration::from_secs(1))
        .count();
    assert!(
        cut > 0,
        "the long freeze ran requests into their deadline, answered 503"
    );

    // Per key, in order: after its last 503 the next attempt created the leader. Only an attempt
    // cut at its deadline during the long freeze may still hold its key for a moment after the
    // thaw (its transaction then rolls back): 409 `idempotency_in_flight`, answered within 2 s
    // of it.
    let mut by_name: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for attempt in &attempts {
        by_name
            .entry(attempt.name.as_str())
            .or_default()
            .push(attempt);
    }
    let mut retried = 0;
    for (name, tries) in &by_name {
        let outcomes: Vec<&Outcome> = tries.iter().map(|a| &a.outcome).collect();
        let stray = tries.iter().find(|a| {
            matches!(a.outcome, Outcome::InFlight)
                && !(thawed..thawed + Duration::from_secs(2)).contains(&(a.sent_at + a.took))
        });
        assert!(stray.is_none(), "{name}: refused as in flight: {tries:?}");
        if let Some(last) = outcomes
            .iter()
            .rposition(|o| matches!(o, Outcome::Unavailable))
        {
            retried += 1;
            let next = outcomes[last + 1..]
                .iter()
                .find(|o| !matches!(o, Outcome::InFlight));
            assert!(
                matches!(next, Some(Outcome::Created)),
                "{name}: the retry after a 503 did not succeed: {tries:?}"
            );
        }
    }
    assert!(
        retried > 0,
        "the outage was felt: some requests were answered 503"
    );
    let acknowledged: BTreeSet<&str> = by_name
        .iter()
        .filter(|(_, tries)| {
            tries
                .last()
                .is_some_and(|a| matches!(a.outcome, Outcome::Created))
        })
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(acknowledged.len(), by_name.len(), "every key ended created");

    let mut check =
        PgConnection::establish(&cluster.url(OWNER_ROLE, "lianzheng")).expect("connect to check");
    let stored: Vec<NameCount> = diesel::sql_query(
        "SELECT name, count(*) AS n FROM leaders WHERE name LIKE '故障测试-%' GROUP BY name",
    )
    .load(&mut check)
    .expect("leaders by name");
    let twice: Vec<(&str, i64)> = stored
        .iter()
        .filter(|s| s.n != 1)
        .map(|s| (s.name.as_str(), s.n))
        .collect();
    assert!(twice.is_empty(), "writes that ran twice: {twice:?}");
    let stored: BTreeSet<&str> = stored.iter().map(|s| s.name.as_str()).collect();
    let lost: Vec<&&str> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    let audited = diesel::sql_query(
        "SELECT count(*) AS n FROM audit_log WHERE resource = 'leader' AND action = 'create'",
    )
    .get_result::<Count>(&mut check)
    .expect("audit count")
    .n;
    assert_eq!(audited as usize, stored.len(), "one audit record a write");
    // The unit, then every leader.
    assert_audit_verifies(&cluster.url(APP_ROLE, "lianzheng"), &keys, stored.len() + 1);

    let unavailable = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Unavailable))
        .count();
    eprintln!(
        "faults: {} writes, {} attempts, {unavailable} answered 503 ({cut} at the deadline), \
         slowest {slowest:?}, readyz on the frozen database {probe_took:?}",
        acknowledged.len(),
        attempts.len()
    );
}

/// Terminates every connection the service holds to its database (waiting until each is gone)
/// and returns how many there were.
fn terminate_service_connections(app: &TestApp) -> i64 {
    diesel::sql_query(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS n \
           FROM pg_stat_activity \
          WHERE datname = current_database() AND application_name = 'lianzheng' \
            AND pid <> pg_backend_pid()",
    )
    .get_result::<Count>(&mut app.db.superuser())
    .expect("terminate the service's connections")
    .n
}

/// Sends bursts of concurrent reads until the pool holds at least two connections, so that a
/// kill finds more than one dead connection in the pool. Returns how many reads answered 503
/// (a connection left dead by an earlier kill that the sequential requests did not meet).
async fn hold_two_connections(app: &TestApp, unit_id: i64) -> usize {
    let url = format!("{}/api/v1/units/{unit_id}", app.address);
    let mut unavailable = 0;
    for _ in 0..50 {
        let open = app.count(
            "SELECT count(*) AS n FROM pg_stat_activity \
              WHERE datname = current_database() AND application_name = 'lianzheng'",
        );
        if open >= 2 {
            return unavailable;
        }
        let burst: Vec<_> = (0..4)
            .map(|_| tokio::spawn(app.client.get(&url).bearer_auth(&app.office).send()))
            .collect();
        for read in burst {
            let response = read.await.expect("task").expect("GET a unit");
            match response.status().as_u16() {
                200 => {}
                _ => {
                    crate::helpers::assert_problem(response, 503, "service_unavailable").await;
                    unavailable += 1;
                }
            }
        }
    }
    panic!("the pool never held two connections at once");
}

/// The four shapes of a database call: a probe, a read, a write, and a keyed write (the
/// idempotency middleware's own transaction).
#[derive(Debug, Clone, Copy)]
enum Call {
    Ready,
    Read,
    Write,
    KeyedWrite,
}

#[tokio::test]
async fn a_connection_killed_by_the_server_answers_at_most_one_request_503_and_never_500() {
    let app = TestApp::spawn_with(|settings| settings.pool_size = 4).await;
    let unit_id = app.create_unit("断线测试镇", "town").await["id"]
        .as_i64()
        .expect("unit id");
    let mut created = 0;
    let (mut killed_in_all, mut unavailable) = (0, 0);
    for call in [Call::Ready, Call::Read, Call::Write, Call::KeyedWrite] {
        unavailable += hold_two_connections(&app, unit_id).await;
        let killed = terminate_service_connections(&app);
        killed_in_all += killed as usize;
        assert!(killed >= 2, "{call:?}: {killed} connections killed");
        let mut statuses = Vec::new();
        for n in 0..4 {
            let response = match call {
                Call::Ready => app
                    .request(reqwest::Method::GET, "/readyz", None)
                    .send()
                    .await
                    .expect("readyz"),
                Call::Read => {
                    app.get(&format!("/api/v1/units/{unit_id}"), &app.office)
                        .await
                }
                Call::Write | Call::KeyedWrite => {
                    let mut request = app
                        .request(
                            reqwest::Method::POST,
                            &format!("/api/v1/units/{unit_id}/leaders"),
                            Some(&app.office),
                        )
                        .json(
                            &json!({"name": format!("断线-{call:?}-{n}"), "position": "委员",
                                      "is_first_responsible": false}),
                        );
                    if matches!(call, Call::KeyedWrite) {
                        request =
                            request.header("Idempotency-Key", uuid::Uuid::new_v4().to_string());
                    }
                    request.send().await.expect("POST a leader")
                }
            };
            let status = response.status().as_u16();
            if status == 503 {
                crate::helpers::assert_problem(response, 503, "service_unavailable").await;
                unavailable += 1;
            } else if status == 201 {
                created += 1;
            }
            statuses.push(status);
        }
        assert!(
            statuses.iter().all(|s| (200..300).contains(s) || *s == 503),
            "{call:?}: only success or 503 after the kill: {statuses:?}"
        );
        assert!(
            statuses.iter().filter(|s| **s == 503).count() <= 1,
            "{call:?}: {killed} dead connections answered at most one request: {statuses:?}"
        );
        assert!(
            statuses[1..].iter().all(|s| (200..300).contains(s)),
            "{call:?}: the requests after the first succeed: {statuses:?}"
        );
    }
    unavailable += hold_two_connections(&app, unit_id).await;
    assert!(
        unavailable <= killed_in_all,
        "each of {killed_in_all} dead connections answered at most one request: {unavailable} 503s"
    );
    assert_eq!(
        app.count("SELECT count(*) AS n FROM leaders WHERE name LIKE '断线-%'"),
        created,
        "every leader created and nothing else (a 503 changed nothing)"
    );
    assert_eq!(
        app.count(
            "SELECT count(*) AS n FROM audit_log WHERE resource = 'leader' AND action = 'create'"
        ),
        created,
        "one audit record a created leader"
    );
}

/// The service's public audit keys, saved where an auditor keeps them.
async fn saved_keys(address: &str, token: &str, dir: &Path) -> PathBuf {
    let keys: Value = reqwest::Client::new()
        .get(format!("{address}/api/v1/audit/keys"))
        .bearer_auth(token)
        .send()
        .await
        .expect("GET the audit keys")
        .json()
        .await
        .expect("audit keys JSON");
    let path = dir.join("audit-keys.json");
    std::fs::write(&path, keys.to_string()).expect("save the audit keys");
    path
}

/// `lianzheng audit verify` with the public keys alone: the chain holds `records`, intact.
fn assert_audit_verifies(url: &str, keys: &Path, records: usize) {
    let output = Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .args(["audit", "verify", "--public-key"])
        .arg(keys)
        .env_clear()
        .env("DATABASE_URL", url)
        .output()
        .expect("run audit verify");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "audit verify: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("intact: {records} records")),
        "{records} records in {stdout}"
    );
}

/// A private cluster with both roles and a migrated `lianzheng` database.
fn migrated_cluster() -> Arc<Cluster> {
    let cluster = Arc::new(Cluster::create());
    let mut admin = PgConnection::establish(&cluster.url("postgres", "postgres"))
        .expect("connect to the private cluster");
    admin
        .batch_execute(&format!(
            "CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB; CREATE ROLE {APP_ROLE} LOGIN;"
        ))
        .expect("roles");
    admin
        .batch_execute(&format!("CREATE DATABASE lianzheng OWNER {OWNER_ROLE}"))
        .expect("database");
    drop(admin);
    db::migrate(&cluster.url(OWNER_ROLE, "lianzheng"), Some(APP_ROLE)).expect("migrate");
    cluster
}

/// `lianzheng serve` as a process of its own (so that it can be killed with SIGKILL), with the
/// production defaults for every database wait.
struct Instance {
    child: std::process::Child,
    address: String,
}

impl Instance {
    fn start(url: &str, audit_key: &Secret, log: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::fs::File::create(log).expect("the instance's log file");
        let child = Command::new(env!("CARGO_BIN_EXE_lianzheng"))
            .arg("serve")
            .env_clear()
            .env("DATABASE_URL", url)
            .env("BIND_ADDR", format!("127.0.0.1:{port}"))
            .env("WORKERS", "2")
            .env("SHUTDOWN_TIMEOUT", "1s")
            .env("LOG_FORMAT", "json")
            .env("RUST_LOG", "warn")
            .env("JWT_SECRET", TEST_SECRET)
            .env("AUDIT_SIGNING_KEY", audit_key.expose())
            .env("BALLOT_CODE_KEY", crate::helpers::TEST_BALLOT_CODE_KEY)
            .stdout(log.try_clone().expect("log file"))
            .stderr(log)
            .spawn()
            .expect("start lianzheng serve");
        let instance = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return instance;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("lianzheng serve did not listen on {port}");
    }

    /// Whether the process is still running (it never restarted itself).
    fn running(&mut self) -> bool {
        self.child
            .try_wait()
            .expect("the instance's status")
            .is_none()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn keyed_writes_on_two_instances_survive_restarts_and_the_kill_of_one_once_each() {
    let cluster = migrated_cluster();
    let url = cluster.url(APP_ROLE, "lianzheng");
    let key = audit_key(Algorithm::Ed25519);
    let mut one = Instance::start(&url, &key, &cluster.dir.join("one.log"));
    let mut two = Instance::start(&url, &key, &cluster.dir.join("two.log"));
    let office = token(&settings(url.clone()), Role::Office, "office-admin", None);
    let unit: Value = reqwest::Client::new()
        .post(format!("{}/api/v1/units", one.address))
        .bearer_auth(&office)
        .json(&json!({"name": "故障测试镇", "kind": "town"}))
        .send()
        .await
        .expect("create the unit")
        .json()
        .await
        .expect("unit JSON");
    let unit_id = unit["id"].as_i64().expect("unit id");

    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let addresses = Arc::new(vec![one.address.clone(), two.address.clone()]);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|n| {
            let (addresses, office, stop) = (addresses.clone(), office.clone(), stop.clone());
            tokio::spawn(client(start, addresses, office, unit_id, n, stop))
        })
        .collect();

    // Two restarts: a fast one (sessions told to end) and an immediate one (no goodbye, crash
    // recovery). `pg_ctl start -w` returns once the server accepts connections.
    let mut accepting = Vec::new();
    // When each fault began: the two stops, then the kill.
    let mut faults = Vec::new();
    for mode in ["fast", "immediate"] {
        tokio::time::sleep(Duration::from_secs(2)).await;
        faults.push(start.elapsed());
        let c = cluster.clone();
        blocking(move || {
            run(c
                .command("pg_ctl")
                .args(["-D", &c.data(), "-m", mode, "-w", "stop"]));
            c.start();
        })
        .await;
        accepting.push((mode, start.elapsed()));
        tokio::time::sleep(Duration::from_secs(6)).await;
    }
    // SIGKILL of one instance under load: the other keeps serving, and a retry there of a
    // request the dead one had in flight runs once.
    two.child.kill().expect("SIGKILL the second instance");
    let killed = start.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    let mut attempts = Vec::new();
    for task in clients {
        attempts.extend(task.await.expect("client task"));
    }
    let keys = saved_keys(&one.address, &office, &cluster.dir).await;
    assert!(
        one.running(),
        "the first instance served throughout, never restarted"
    );
    assert!(!two.running(), "the second instance was killed");

    // No answer at all only from the killed instance, from the moment it died.
    let unanswered: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Failed(_)))
        .filter(|a| a.instance != 1 || a.sent_at + a.took < killed)
        .collect();
    assert!(
        unanswered.is_empty(),
        "requests left unanswered: {unanswered:?}"
    );
    let others: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Other(..)))
        .collect();
    assert!(
        others.is_empty(),
        "answers other than 201 or 503 problem+json with Retry-After: {others:?}"
    );
    let slowest = attempts.iter().map(|a| a.took).max().unwrap_or_default();
    assert!(
        slowest <= BOUND + MARGIN,
        "slowest answer {slowest:?}, bound {BOUND:?} + margin {MARGIN:?}"
    );
    // A key is refused as in flight only while the killed instance's transaction still held it.
    let stray: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::InFlight))
        .filter(|a| !(killed..killed + Duration::from_secs(3)).contains(&(a.sent_at + a.took)))
        .collect();
    assert!(stray.is_empty(), "refused as in flight: {stray:?}");
    let unavailable = attempts
        .iter()
        .filter(|a| matches!(a.outcome, Outcome::Unavailable))
        .count();
    assert!(
        unavailable > 0,
        "the restarts were felt: some answers were 503"
    );
    // Within 5 s of the database accepting connections both instances serve again, without a
    // restart of their own: every request sent from then until the next fault succeeds.
    faults.push(killed);
    for (n, (mode, up)) in accepting.iter().enumerate() {
        let served = *up + Duration::from_secs(5);
        let next = faults[n + 1];
        let late: Vec<&Attempt> = attempts
            .iter()
            // Sent once it should serve, answered before the next fault began.
            .filter(|a| a.sent_at >= served && a.sent_at + a.took < next)
            .filter(|a| !matches!(a.outcome, Outcome::Created))
            .collect();
        assert!(
            late.is_empty(),
            "-m {mode}: not served again 5 s after the database accepted connections \
             ({accepting:?}, faults at {faults:?}): {late:?}"
        );
        let first = attempts
            .iter()
            .filter(|a| a.sent_at >= *up && matches!(a.outcome, Outcome::Created))
            .map(|a| a.sent_at + a.took)
            .min();
        assert!(
            first.is_some_and(|first| first <= served),
            "-m {mode}: first write after the restart at {first:?}, database up at {up:?}"
        );
    }

    let mut by_name: BTreeMap<&str, Vec<&Attempt>> = BTreeMap::new();
    for attempt in &attempts {
        by_name
            .entry(attempt.name.as_str())
            .or_default()
            .push(attempt);
    }
    let acknowledged: BTreeSet<&str> = by_name
        .iter()
        .filter(|(_, tries)| {
            tries
                .last()
                .is_some_and(|a| matches!(a.outcome, Outcome::Created))
        })
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(acknowledged.len(), by_name.len(), "every key ended created");
    let mut check =
        PgConnection::establish(&cluster.url(OWNER_ROLE, "lianzheng")).expect("connect to check");
    let stored: Vec<NameCount> = diesel::sql_query(
        "SELECT name, count(*) AS n FROM leaders WHERE name LIKE '故障测试-%' GROUP BY name",
    )
    .load(&mut check)
    .expect("leaders by name");
    let twice: Vec<(&str, i64)> = stored
        .iter()
        .filter(|s| s.n != 1)
        .map(|s| (s.name.as_str(), s.n))
        .collect();
    assert!(twice.is_empty(), "writes that ran twice: {twice:?}");
    let stored: BTreeSet<&str> = stored.iter().map(|s| s.name.as_str()).collect();
    let lost: Vec<&&str> = acknowledged.difference(&stored).collect();
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:?}");
    let audited = diesel::sql_query(
        "SELECT count(*) AS n FROM audit_log WHERE resource = 'leader' AND action = 'create'",
    )
    .get_result::<Count>(&mut check)
    .expect("audit count")
    .n;
    assert_eq!(audited as usize, stored.len(), "one audit record a write");
    assert_audit_verifies(&url, &keys, stored.len() + 1);
    eprintln!(
        "faults on two instances: {} writes, {} attempts, {unavailable} answered 503, slowest \
         {slowest:?}, database accepting at {accepting:?}, one killed at {killed:?}",
        acknowledged.len(),
        attempts.len()
    );
}
