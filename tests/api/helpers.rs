//! The test harness: a fresh database per test, cloned from a migrated template, and the real
//! application started on port 0 with real signed tokens for each role.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use lianzheng::audit::keys::{Algorithm, KeySet, SigningKey};
use lianzheng::auth::Role;
use lianzheng::auth::jwt::{TokenRequest, mint};
use lianzheng::clock::Clock;
use lianzheng::config::{LogFormat, Secret, Settings};
use lianzheng::db;
use lianzheng::startup::Application;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The runtime (non-owner) role the service connects as.
pub const APP_ROLE: &str = "lianzheng_app";
/// The owner role that migrates.
pub const OWNER_ROLE: &str = "lianzheng_owner";
/// The secret the test server trusts for the CLI issuer.
pub const TEST_SECRET: &str = "test-secret-0123456789abcdef0123456789abcdef";

fn pg_host() -> String {
    std::env::var("TEST_PG_HOST").unwrap_or_else(|_| "127.0.0.1".to_owned())
}

fn pg_port() -> String {
    std::env::var("TEST_PG_PORT").unwrap_or_else(|_| "5432".to_owned())
}

/// URL of `db` as `user`.
pub fn url(user: &str, db: &str) -> String {
    format!("postgres://{user}@{}:{}/{db}", pg_host(), pg_port())
}

fn admin_url() -> String {
    std::env::var("TEST_DATABASE_ADMIN_URL").unwrap_or_else(|_| url("postgres", "postgres"))
}

fn admin() -> PgConnection {
    PgConnection::establish(&admin_url())
        .expect("connect to PostgreSQL as the admin (run scripts/pg-ensure.sh)")
}

/// Hash of every migration file: the template's name changes whenever a migration does.
fn migrations_hash() -> String {
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations dir")
        .flatten()
        .flat_map(|dir| {
            std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
                .map(|f| f.path())
        })
        .collect();
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).expect("read migration"));
    }
    hex::encode(hasher.finalize())[..16].to_owned()
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Creates the roles (once per cluster) and the migrated template (once per migration set),
/// serialised by an advisory lock so that many test processes starting at once never race.
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = format!("lianzheng_tpl_{}", migrations_hash());
        let mut conn = admin();
        conn.batch_execute("SELECT pg_advisory_lock(7272014)")
            .expect("lock");
        conn.batch_execute(&format!(
            "DO $$ BEGIN
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
                 CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB; END IF;
               IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                 CREATE ROLE {APP_ROLE} LOGIN; END IF;
             END $$;"
        ))
        .expect("roles");
        let exists = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(&name)
            .get_result::<Count>(&mut conn)
            .expect("query pg_database")
            .n
            > 0;
        if !exists {
            let building = format!("{name}_building");
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                .expect("drop stale");
            conn.batch_execute(&format!("CREATE DATABASE {building} OWNER {OWNER_ROLE}"))
                .expect("create template");
            db::migrate(&url(OWNER_ROLE, &building), Some(APP_ROLE)).expect("migrate template");
            conn.batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                .expect("rename template");
        }
        conn.batch_execute("SELECT pg_advisory_unlock(7272014)")
            .expect("unlock");
        name
    })
}

/// Hash of the files the demo county is built from: the template holding it is rebuilt whenever
/// the demo data, the default forms or any source file change.
fn demo_hash() -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    // The seed runs through the operations, models and rules of the whole crate, so any source
    // file may change what it writes: all of src/ counts, with the data it loads.
    fn walk(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .expect("a source or data dir")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    for dir in ["data/demo", "data/forms", "src"] {
        walk(&std::path::Path::new(root).join(dir), &mut files);
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.to_string_lossy().as_bytes());
        hasher.update(std::fs::read(&file).expect("read demo file"));
    }
    hex::encode(hasher.finalize())[..12].to_owned()
}

/// The audit key of the demo county: fixed, because the demo template outlives the test process
/// that seeded it, and the apps started on its clones keep signing the same chain.
const DEMO_AUDIT_KEY: &str = "MC4CAQAwBQYDK2VwBCIEIGY6kWSYE7j0zbkMpHubuo7kutei0E/NmKTSer8Q/lfM";

/// The demo county's signing key.
fn demo_signer() -> SigningKey {
    SigningKey::from_pkcs8(DEMO_AUDIT_KEY, Algorithm::Ed25519, None).expect("the demo audit key")
}

/// The migrated template plus the demo county (`lianzheng::seed::seed_demo`), built once per
/// migration set and demo data under the same advisory lock as the plain template.
fn demo_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let plain = template();
        let name = format!("lianzheng_demo_{}_{}", migrations_hash(), demo_hash());
        let mut conn = admin();
        conn.batch_execute("SELECT pg_advisory_lock(7272014)")
            .expect("lock");
        let exists = diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(&name)
            .get_result::<Count>(&mut conn)
            .expect("query pg_database")
            .n
            > 0;
        if !exists {
            let building = format!("{name}_building");
            conn.batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                .expect("drop stale");
            clone_database(&mut conn, plain, &building);
            {
                // Seeded as the service's own role, the way `lianzheng seed-demo` does.
                let mut app = PgConnection::establish(&url(APP_ROLE, &building))
                    .expect("connect to the demo template as the app role");
                let signer = demo_signer();
                let key = Secret::new(TEST_BALLOT_CODE_KEY);
                lianzheng::seed::seed_demo_with_ballot_key(&mut app, &signer, &key)
                    .expect("seed the demo county");
            }
            conn.batch_execute(&format!("ALTER DATABASE {building} RENAME TO {name}"))
                .expect("rename demo template");
        }
        conn.batch_execute("SELECT pg_advisory_unlock(7272014)")
            .expect("unlock");
        name
    })
}

/// `CREATE DATABASE name TEMPLATE template`, retried while another session briefly holds the
/// template (PostgreSQL refuses to copy a database somebody is connected to).
fn clone_database(conn: &mut PgConnection, template: &str, name: &str) {
    let mut attempt = 0;
    loop {
        match conn.batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE {template} OWNER {OWNER_ROLE}"
        )) {
            Ok(()) => return,
            Err(e) if attempt < 20 => {
                attempt += 1;
                eprintln!("clone of {template} failed ({e}); retrying");
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("cannot clone {template}: {e}"),
        }
    }
}

/// A fresh database cloned from the template, dropped when this value is dropped.
pub struct TestDb {
    /// Database name.
    pub name: String,
}

impl TestDb {
    /// Clones the template into a new database.
    pub fn create() -> Self {
        let template = template();
        let name = format!("lianzheng_test_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin();
        let mut attempt = 0;
        loop {
            match conn.batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE {template} OWNER {OWNER_ROLE}"
            )) {
                Ok(()) => break,
                Err(e) if attempt < 20 => {
                    attempt += 1;
                    eprintln!("clone of {template} failed ({e}); retrying");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("cannot clone {template}: {e}"),
            }
        }
        Self { name }
    }

    /// Clones the demo template (the migrated schema plus the demo county) into a new database.
    pub fn create_demo() -> Self {
        let template = demo_template();
        let name = format!("lianzheng_test_{}", uuid::Uuid::new_v4().simple());
        clone_database(&mut admin(), template, &name);
        Self { name }
    }

    /// The service's connection URL (the non-owner role).
    pub fn app_url(&self) -> String {
        url(APP_ROLE, &self.name)
    }

    /// The owner's connection URL.
    pub fn owner_url(&self) -> String {
        url(OWNER_ROLE, &self.name)
    }

    /// A connection as the owner, for arranging and asserting on rows.
    pub fn owner(&self) -> PgConnection {
        PgConnection::establish(&self.owner_url()).expect("connect as owner")
    }

    /// A connection as the superuser, for tampering the way only a superuser can.
    pub fn superuser(&self) -> PgConnection {
        let admin = admin_url();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        PgConnection::establish(&format!("{base}/{}", self.name)).expect("connect as superuser")
    }

    /// A connection as the service's own role.
    pub fn app(&self) -> PgConnection {
        PgConnection::establish(&self.app_url()).expect("connect as the app role")
    }

    /// Drops the database now, closing the service's connections.
    pub fn drop_now(&self) {
        let _ = admin().batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.drop_now();
    }
}

/// Everything the process logged, for asserting what never appears in logs.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().expect("log buffer").clone()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(|| Arc::new(Mutex::new(Vec::new())))
}

#[derive(Clone)]
struct BufferWriter(Arc<Mutex<Vec<u8>>>);

impl Write for BufferWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let buffer = log_buffer().clone();
        lianzheng::telemetry::init_with_filter(
            LogFormat::Json,
            tracing_subscriber::EnvFilter::new("debug"),
            move || BufferWriter(buffer.clone()),
        );
    });
}

/// Settings for a test server on `db`.
pub fn test_settings(db: &TestDb) -> Settings {
    let mut settings = Settings::from_env().expect("settings");
    settings.database_url = Secret::new(db.app_url());
    settings.dev_mode = false;
    settings.audit_algorithm = Algorithm::Ed25519;
    settings.audit_signing_key = Some(audit_key(Algorithm::Ed25519));
    settings.audit_key_id = None;
    settings.audit_verify_keys = Vec::new();
    settings.bind_addr = "127.0.0.1:0".to_owned();
    settings.pool_size = 4;
    settings.pool_timeout = Duration::from_secs(2);
    settings.workers = 1;
    settings.jwt_secret = Secret::new(TEST_SECRET);
    settings.jwt_issuer = "lianzheng-cli".to_owned();
    settings.jwt_audience = "lianzheng".to_owned();
    settings.jwt_leeway = Duration::from_secs(30);
    settings.extra_issuers = Vec::new();
    settings.cors_allowed_origins = vec!["https://oa.yangshan.example".to_owned()];
    settings.body_limit = 64 * 1024;
    settings.shutdown_timeout = Duration::from_secs(1);
    settings.ballot_code_key = Some(Secret::new(TEST_BALLOT_CODE_KEY));
    settings.ballot_page_url = "https://oa.yangshan.example/ballot".to_owned();
    settings.trusted_proxies = Vec::new();
    settings.ballot_failure_limit = 10;
    settings.ballot_failure_window = Duration::from_secs(900);
    // The overdue job stays out of a test's way (it would record `overdue` events while the
    // test compares tables); the task-push tests run it every 100 ms.
    settings.task_push.job_interval = Duration::from_secs(86_400);
    settings
}

/// The ballot codes' HMAC key of the test servers.
pub const TEST_BALLOT_CODE_KEY: &str = "test-ballot-code-key-0123456789abcdef";

/// A fresh audit signing key (PKCS#8, base64 DER), as `lianzheng audit keygen` prints it.
pub fn audit_key(algorithm: Algorithm) -> Secret {
    SigningKey::generate(algorithm)
        .expect("generate an audit key")
        .1
}

/// A running application on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The settings it runs with.
    pub settings: Settings,
    /// Its database.
    pub db: TestDb,
    /// An office token.
    pub office: String,
    /// Stops the server.
    pub handle: actix_web::dev::ServerHandle,
    /// The server's task, to check that it has ended.
    pub server: Mutex<Option<tokio::task::JoinHandle<std::io::Result<()>>>>,
    /// The key its audit records are signed with (tests verify with its public half only).
    pub signer: Arc<SigningKey>,
    /// Its clock: the system's, or a settable one (`spawn_demo_at`).
    pub clock: Clock,
}

impl TestApp {
    /// Starts the application with the default test settings.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the application after `adjust` has changed its settings.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> Self {
        init_logs();
        let db = TestDb::create();
        let mut settings = test_settings(&db);
        adjust(&mut settings);
        Self::start(db, settings, reqwest::Client::new(), Clock::system())
    }

    /// Starts the application on a fresh, empty database with its clock standing at `at`; move
    /// it with `app.clock.set(..)` (issue 17's walk through a cycle).
    pub async fn spawn_at(at: DateTime<Utc>) -> Self {
        init_logs();
        let db = TestDb::create();
        let settings = test_settings(&db);
        let client = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .expect("HTTP client");
        Self::start(db, settings, client, Clock::manual(at))
    }

    /// Starts the application on a fresh demo county with its clock standing at `at`; move it
    /// with `app.clock.set(..)` (issue 17 §6).
    pub async fn spawn_demo_at(at: DateTime<Utc>) -> Self {
        init_logs();
        let db = TestDb::create_demo();
        let mut settings = test_settings(&db);
        settings.audit_signing_key = Some(Secret::new(DEMO_AUDIT_KEY));
        Self::start(db, settings, reqwest::Client::new(), Clock::manual(at))
    }

    /// [`TestApp::spawn_demo_at`] after `adjust` has changed its settings (the task push's
    /// webhook and intervals, issue 17 §4).
    pub async fn spawn_demo_at_with(at: DateTime<Utc>, adjust: impl FnOnce(&mut Settings)) -> Self {
        init_logs();
        let db = TestDb::create_demo();
        let mut settings = test_settings(&db);
        settings.audit_signing_key = Some(Secret::new(DEMO_AUDIT_KEY));
        adjust(&mut settings);
        Self::start(db, settings, reqwest::Client::new(), Clock::manual(at))
    }

    /// Starts the application on a fresh clone of the demo county (see `src/seed.rs`).
    pub async fn spawn_demo() -> Self {
        init_logs();
        let db = TestDb::create_demo();
        let mut settings = test_settings(&db);
        settings.audit_signing_key = Some(Secret::new(DEMO_AUDIT_KEY));
        // Idle connections are dropped before the server's 5 s keep-alive closes them, so a
        // request never goes out on a connection the server is closing.
        let client = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(2))
            .build()
            .expect("HTTP client");
        Self::start(db, settings, client, Clock::system())
    }

    /// Connects the pool, builds the real application on `db` and serves it on port 0.
    fn start(db: TestDb, settings: Settings, client: reqwest::Client, clock: Clock) -> Self {
        let signer = Arc::new(settings.audit_signer().expect("the audit signing key"));
        let pool = db::connect(
            settings.database_url.expose(),
            settings.pool_size,
            settings.pool_timeout,
            settings.statement_timeout,
            signer.clone(),
        )
        .expect("connect the test pool");
        let app = Application::build_with_clock(&settings, pool, clock.clone())
            .expect("build the application");
        let address = format!("http://127.0.0.1:{}", app.port());
        let server = app.into_server();
        let handle = server.handle();
        let server = Mutex::new(Some(tokio::spawn(server)));
        let office = token(&settings, Role::Office, "office-admin", None);
        Self {
            address,
            client,
            settings,
            db,
            office,
            handle,
            server,
            signer,
            clock,
        }
    }

    /// Stops the server and drops its database, for tests that start many apps in turn.
    pub async fn stop(self) {
        self.handle.stop(false).await;
    }

    /// Starts another instance of the service on its own port, against the same database.
    pub fn spawn_another_instance(&self) -> String {
        let pool = db::connect(
            self.settings.database_url.expose(),
            self.settings.pool_size,
            self.settings.pool_timeout,
            self.settings.statement_timeout,
            self.signer.clone(),
        )
        .expect("connect the second pool");
        // The same clock as the first: on the system's, a second instance of a test set in 2014
        // would find every task of the demo overdue.
        let app = Application::build_with_clock(&self.settings, pool, self.clock.clone())
            .expect("build the second instance");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.into_server());
        address
    }

    /// The public keys that verify its trail (the current one and the configured retired
    /// ones), without the signing key: what an auditor holds.
    pub fn public_keys(&self) -> KeySet {
        self.settings.audit_keys(Some(self.signer.public()))
    }

    /// The audit trail verified from the database with the public keys alone, as
    /// `lianzheng audit verify` does.
    pub fn verify_audit(
        &self,
        head: Option<&str>,
    ) -> Result<lianzheng::audit::Verified, lianzheng::audit::Broken> {
        let expect = lianzheng::audit::Expect {
            head,
            checkpoint: None,
        };
        lianzheng::audit::verify(&mut self.db.app(), &self.public_keys(), expect)
            .expect("walk the audit chain")
    }

    /// A token for the CLI issuer.
    pub fn token(&self, role: Role, sub: &str, unit_id: Option<i64>) -> String {
        token(&self.settings, role, sub, unit_id)
    }

    /// A unit-role token for `unit_id`.
    pub fn unit_token(&self, unit_id: i64) -> String {
        self.token(Role::Unit, &format!("unit-user-{unit_id}"), Some(unit_id))
    }

    /// An inspector token.
    pub fn inspector_token(&self) -> String {
        self.token(Role::Inspector, "inspector-1", None)
    }

    /// `METHOD path` with a bearer token.
    pub fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut builder = self
            .client
            .request(method, format!("{}{}", self.address, path));
        if let Some(token) = token {
            builder = builder.bearer_auth(token);
        }
        builder
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path, Some(token))
            .send()
            .await
            .expect("GET")
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.request(reqwest::Method::POST, path, Some(token))
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// PATCH JSON with a token and an `If-Match`.
    pub async fn patch(
        &self,
        path: &str,
        token: &str,
        if_match: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.request(reqwest::Method::PATCH, path, Some(token))
            .header("If-Match", if_match)
            .json(body)
            .send()
            .await
            .expect("PATCH")
    }

    /// Registers a unit as the office and returns its JSON.
    pub async fn create_unit(&self, name: &str, kind: &str) -> Value {
        let response = self
            .post(
                "/api/v1/units",
                &self.office,
                &serde_json::json!({"name": name, "kind": kind}),
            )
            .await;
        assert_eq!(response.status(), 201, "create unit {name}");
        response.json().await.expect("unit JSON")
    }

    /// Adds a leader as the office and returns its JSON.
    pub async fn create_leader(
        &self,
        unit_id: i64,
        name: &str,
        position: &str,
        first: bool,
    ) -> Value {
        let response = self
            .post(
                &format!("/api/v1/units/{unit_id}/leaders"),
                &self.office,
                &serde_json::json!({"name": name, "position": position,
                                    "is_first_responsible": first}),
            )
            .await;
        assert_eq!(response.status(), 201, "create leader {name}");
        response.json().await.expect("leader JSON")
    }

    /// Counts rows with an SQL query returning `n`, as the owner.
    pub fn count(&self, sql: &str) -> i64 {
        diesel::sql_query(sql)
            .get_result::<Count>(&mut self.db.owner())
            .expect("count query")
            .n
    }
}

/// Mints a token signed with the test secret.
pub fn token(settings: &Settings, role: Role, sub: &str, unit_id: Option<i64>) -> String {
    mint(
        settings.jwt_secret.expose(),
        &settings.jwt_issuer,
        &settings.jwt_audience,
        &TokenRequest {
            sub,
            name: Some("测试用户"),
            role,
            unit_id,
            ttl: Duration::from_secs(3600),
        },
    )
    .expect("mint token")
}

/// Asserts an RFC 9457 answer with this status and code, and returns the problem.
pub async fn assert_problem(response: reqwest::Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json", "content type");
    let problem: Value = response.json().await.expect("problem JSON");
    assert_eq!(problem["code"], code, "problem code in {problem}");
    assert_eq!(problem["status"], status, "problem status");
    for field in ["type", "title", "detail"] {
        assert!(problem[field].is_string(), "problem has {field}: {problem}");
    }
    problem
}

/// Marks `cycle` published in SQL alone (no transition, no snapshot): for the tests of what a
/// published cycle shows or refuses, where the way there is not what they are about.
pub fn mark_published(app: &TestApp, cycle: i64) {
    let sql = format!("UPDATE assessment_cycles SET state = 'published' WHERE id = {cycle}");
    app.db.owner().batch_execute(&sql).expect("publish in SQL");
}

/// A new version of published cycle `cycle`'s snapshot, taken as a republication takes it: a
/// published cycle's results are read from its latest snapshot, so what a test wrote into the
/// cycle in SQL reaches them only so (the cycle needs its notice's reference, as the demo's
/// published cycles have).
pub fn republish(app: &TestApp, cycle: i64) {
    let by = ("office-admin", "县纪委办公室");
    let mut conn = app.db.owner();
    lianzheng::ops::snapshots::take(
        &mut conn,
        lianzheng::models::CycleId(cycle),
        by,
        Utc::now(),
        None,
    )
    .expect("a new version of the snapshot");
}
