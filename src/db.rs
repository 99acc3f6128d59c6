//! The PostgreSQL pool, embedded migrations, and the one way handlers reach the database.
//!
//! diesel is synchronous: every `pool.get()` and every query runs inside [`run`], on actix's
//! blocking thread pool, never on an async worker (actix/examples `databases/diesel`).
//!
//! Every wait is bounded. One request spends at most [`PgPool::budget`] (`DB_POOL_TIMEOUT` +
//! `DB_STATEMENT_TIMEOUT`) on the database, counted from its first use, and then answers 503
//! even if the database is frozen; the connections carry TCP keepalives, `tcp_user_timeout` and
//! `connect_timeout`, so a thread left blocked on a silent server is freed in bounded time too.
//!
//! A checkout costs no round trip: the pool does not test connections with `SELECT 1`. A
//! connection whose statement failed because it was lost is discarded when it returns to the pool
//! (diesel marks it broken; its [`LossWatch`] too), so a dead connection answers at most one
//! request (503); and since a restart kills them all, after any loss every other connection is
//! checked once, at its next checkout, before it serves again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{
    ConnectionManager, CustomizeConnection, ManageConnection, Pool, PoolError, PooledConnection,
};
use diesel::sql_query;
use diesel::sql_types::Text;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::audit::{self, Actor, Change, SigningKey};
use crate::clock::Clock;
use crate::error::ApiError;
pub use crate::ops::outbox::Scope;

/// Every migration, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The connection pool shared by all workers, with the key that signs the audit records its
/// writes append (kept outside the database, so [`write`] signs without any handler knowing).
///
/// A request works on its own copy ([`PgPool::for_request`]), which carries the request's
/// deadline and, for a keyed `POST`, the connection whose transaction the idempotency middleware
/// opened: [`run`] and [`write`] then work inside that transaction, so the write and its stored
/// response commit together.
#[derive(Clone)]
pub struct PgPool {
    pool: Pool<Manager>,
    /// How many connections were found lost so far ([`LossWatch`]).
    losses: Arc<AtomicU64>,
    signer: Arc<SigningKey>,
    budget: Duration,
    /// `DB_POOL_TIMEOUT`: the longest wait for a connection (its permit included).
    wait: Duration,
    /// One permit a connection: a request waits for one here, asynchronously, before it takes a
    /// blocking thread, so waiting requests never starve the ones holding connections of threads.
    permits: Arc<Semaphore>,
    request: Option<Arc<RequestScope>>,
    /// The application's clock: [`write`] records the task states' transitions at its time.
    clock: Clock,
}

/// A connection taken for one request, with its permit; derefs to the connection.
pub struct Held {
    conn: PooledConn,
    _permit: Option<OwnedSemaphorePermit>,
}

impl std::ops::Deref for Held {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

/// What one request's copy of the pool adds: its deadline and its pinned connection.
#[derive(Default)]
struct RequestScope {
    /// Set on the request's first use of the database.
    deadline: OnceLock<Instant>,
    /// The connection of the request's open transaction; `None` uses the pool.
    pinned: Mutex<Option<Held>>,
}

impl std::fmt::Debug for PgPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgPool({:?})", self.pool.state())
    }
}

impl PgPool {
    /// Takes a connection, waiting up to the pool's timeout. No round trip is spent on it,
    /// unless a connection was lost since this one last answered: then it is checked once with
    /// `SELECT 1`, and a dead one is discarded for the next (at most one per pooled connection).
    pub fn get(&self) -> Result<PooledConn, PoolError> {
        for _ in 0..self.pool.max_size() {
            let mut conn = self.pool.get()?;
            let losses = self.losses.load(Ordering::Acquire);
            if watch(&mut conn).is_none_or(|w| w.seen >= losses) {
                return Ok(conn);
            }
            if ping(&mut conn).is_ok() {
                if let Some(w) = watch(&mut conn) {
                    w.seen = losses;
                }
                return Ok(conn);
            }
            // A failed check either marked it lost (discarded on drop) or the database is
            // unwell: either way, try the next one.
        }
        self.pool.get()
    }

    /// The audit signing key.
    pub fn signer(&self) -> &Arc<SigningKey> {
        &self.signer
    }

    /// The same pool on `clock` (the application's), which [`write`] reads.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The clock [`write`] reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The longest one request spends on the database: the wait for a connection plus one
    /// statement's timeout. Past it the request answers 503.
    pub fn budget(&self) -> Duration {
        self.budget
    }

    /// A copy for one request: all its database calls share one deadline, which starts at the
    /// first of them.
    pub fn for_request(&self) -> Self {
        Self {
            request: Some(Arc::new(RequestScope::default())),
            ..self.clone()
        }
    }

    /// Makes this request's later calls run on `conn`, inside the transaction the caller opened
    /// on it (each call in a savepoint of its own). Fails on a copy that is not a request's
    /// (dropping `conn`, which rolls its transaction back).
    pub fn pin(&self, conn: Held) -> Result<(), ApiError> {
        let scope = self
            .request
            .as_ref()
            .ok_or_else(|| ApiError::internal("pinning a connection outside a request"))?;
        *scope.pinned.lock().unwrap_or_else(|e| e.into_inner()) = Some(conn);
        Ok(())
    }

    /// A copy whose calls must finish within `budget` from now (for a probe that answers
    /// faster than requests do).
    pub fn within(&self, budget: Duration) -> Self {
        Self {
            budget,
            request: None,
            ..self.clone()
        }
    }

    /// Takes back the connection given to [`PgPool::pin`], if no call is using it.
    pub fn take_pinned(&self) -> Option<Held> {
        let scope = self.request.as_ref()?;
        scope.pinned.try_lock().ok()?.take()
    }

    /// Whether this request's calls run on a pinned connection (or one is busy with it).
    fn is_pinned(&self) -> bool {
        self.request.as_ref().is_some_and(|scope| {
            scope
                .pinned
                .try_lock()
                .map_or(true, |pinned| pinned.is_some())
        })
    }

    /// The time left before this request's deadline (starting it if this is the first use).
    fn remaining(&self) -> Duration {
        match &self.request {
            Some(scope) => {
                let deadline = scope.deadline.get_or_init(|| Instant::now() + self.budget);
                deadline.saturating_duration_since(Instant::now())
            }
            None => self.budget,
        }
    }
}
/// One connection taken from the pool.
pub type PooledConn = PooledConnection<Manager>;

/// diesel's r2d2 manager, with a [`LossWatch`] on every connection it opens. diesel already
/// discards a connection libpq reports bad; the watch's verdict also covers a failed send.
#[derive(Debug)]
pub struct Manager {
    inner: ConnectionManager<PgConnection>,
    losses: Arc<AtomicU64>,
}

impl ManageConnection for Manager {
    type Connection = PgConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PgConnection, Self::Error> {
        let mut conn = self.inner.connect()?;
        conn.set_instrumentation(LossWatch {
            lost: false,
            seen: self.losses.load(Ordering::Acquire),
            losses: self.losses.clone(),
        });
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut PgConnection) -> Result<(), Self::Error> {
        self.inner.is_valid(conn)
    }

    fn has_broken(&self, conn: &mut PgConnection) -> bool {
        self.inner.has_broken(conn) || watch(conn).is_some_and(|w| w.lost)
    }
}

/// Watches one connection's statements: one that failed because the connection is gone (closed,
/// terminated, the server shutting down) marks it lost and counts a loss for the whole pool.
#[derive(Debug)]
struct LossWatch {
    lost: bool,
    /// The pool's loss count when this connection last answered (or was opened).
    seen: u64,
    losses: Arc<AtomicU64>,
}

impl Instrumentation for LossWatch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery {
            error: Some(error), ..
        } = event
            && !self.lost
            && is_lost(error)
        {
            self.lost = true;
            self.losses.fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// The watch of a connection the pool opened.
fn watch(conn: &mut PgConnection) -> Option<&mut LossWatch> {
    conn.instrumentation().downcast_mut::<LossWatch>()
}

/// Whether a statement failed because its connection is gone.
fn is_lost(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => crate::error::is_connection_failure(info.message()),
        _ => false,
    }
}

/// Sets the per-statement and lock timeouts and the application name on every new connection.
#[derive(Debug)]
struct SessionSettings {
    statement_timeout_ms: u128,
}

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        // A lock wait is cut at the statement timeout as well, and says so (503).
        conn.batch_execute(&format!(
            "SET statement_timeout = {ms}; SET lock_timeout = {ms}; \
             SET application_name = 'lianzheng'; SET TIME ZONE 'UTC'",
            ms = self.statement_timeout_ms
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Adds to a libpq connection string the network bounds it does not set itself: a
/// `connect_timeout` (the pool's wait, at least libpq's minimum of 2 s), TCP keepalives, and a
/// `tcp_user_timeout` of the statement timeout, so that a server that vanished without a reset
/// (frozen, partitioned) fails the connection instead of holding a thread for ever.
pub fn with_network_bounds(url: &str, wait: Duration, statement_timeout: Duration) -> String {
    let connect = wait.as_secs_f64().ceil().max(2.0) as u64;
    let user_timeout = statement_timeout.as_millis().max(1000);
    let bounds = [
        ("connect_timeout", connect.to_string()),
        ("keepalives", "1".to_owned()),
        ("keepalives_idle", "5".to_owned()),
        ("keepalives_interval", "2".to_owned()),
        ("keepalives_count", "3".to_owned()),
        ("tcp_user_timeout", user_timeout.to_string()),
    ];
    let is_uri = url.contains("://");
    let mut out = url.to_owned();
    for (name, value) in bounds {
        if url.contains(&format!("{name}=")) {
            continue;
        }
        if is_uri {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(&format!("{name}={value}"));
        } else {
            out.push_str(&format!(" {name}={value}"));
        }
    }
    out
}

/// Logs a failure to open a pooled connection as a warning (the request that needed it
/// answers 503).
#[derive(Debug)]
struct LogPoolErrors;

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for LogPoolErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        tracing::warn!(error = %first_line(&error.to_string()), "cannot open a database \
            connection");
    }
}

/// A start-up failure to reach the database, reported as one line.
#[derive(Debug, thiserror::Error)]
#[error("cannot connect to the database at {target}: {reason}")]
pub struct ConnectError {
    target: String,
    reason: String,
}

/// Strips the password from a database URL so it can be printed.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{}@{}", &url[..scheme + 3], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// Builds the pool and checks that the database answers, failing with a one-line error.
/// Records appended through the pool are signed with `signer`.
pub fn connect(
    url: &str,
    size: u32,
    wait: Duration,
    statement_timeout: Duration,
    signer: Arc<SigningKey>,
) -> Result<PgPool, ConnectError> {
    let error = |reason: String| ConnectError {
        target: redact_url(url),
        reason,
    };
    let bounded = with_network_bounds(url, wait, statement_timeout);
    // One direct attempt first: an unreachable database fails at once, in one line.
    PgConnection::establish(&bounded).map_err(|e| error(first_line(&e.to_string())))?;
    let losses = Arc::new(AtomicU64::new(0));
    let pool = Pool::builder()
        .error_handler(Box::new(LogPoolErrors))
        // No `SELECT 1` round trip on every checkout: the watch discards lost connections.
        .test_on_check_out(false)
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(wait)
        .connection_customizer(Box::new(SessionSettings {
            statement_timeout_ms: statement_timeout.as_millis(),
        }))
        .build(Manager {
            inner: ConnectionManager::new(bounded),
            losses: losses.clone(),
        })
        .map_err(|e| error(first_line(&e.to_string())))?;
    let mut conn = pool.get().map_err(|e| error(first_line(&e.to_string())))?;
    sql_query("SELECT 1")
        .execute(&mut conn)
        .map_err(|e| error(first_line(&e.to_string())))?;
    Ok(PgPool {
        pool,
        losses,
        signer,
        budget: wait + statement_timeout,
        wait,
        permits: Arc::new(Semaphore::new(size as usize)),
        request: None,
        clock: Clock::system(),
    })
}

fn first_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("unknown error")
        .to_owned()
}

/// Applies pending migrations as the owner role, then grants the runtime role what it needs.
///
/// Returns the versions applied. `app_role` is the role of `DATABASE_URL`; when it is the owner
/// itself (a single-role set-up) no grant is needed.
pub fn migrate(owner_url: &str, app_role: Option<&str>) -> Result<Vec<String>, String> {
    let mut conn = PgConnection::establish(owner_url).map_err(|e| {
        format!(
            "cannot connect to {}: {}",
            redact_url(owner_url),
            first_line(&e.to_string())
        )
    })?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| format!("migration failed: {e}"))?
        .into_iter()
        .map(|v| v.to_string())
        .collect();
    if let Some(role) = app_role {
        grant_runtime_privileges(&mut conn, role)
            .map_err(|e| format!("granting privileges to {role} failed: {e}"))?;
    }
    Ok(applied)
}

#[derive(QueryableByName)]
struct AppliedVersion {
    #[diesel(sql_type = Text)]
    version: String,
}

/// Checks that the database's schema is exactly the one this binary was built for, reading
/// diesel's migrations table (the runtime role may read it, nothing more). `Err` is one line
/// naming the pending (or unknown) migrations.
pub fn check_schema(conn: &mut PgConnection) -> Result<(), String> {
    use diesel::migration::MigrationSource;
    let applied: Vec<String> =
        match sql_query("SELECT version FROM __diesel_schema_migrations").load(conn) {
            Ok(rows) => rows
                .into_iter()
                .map(|r: AppliedVersion| r.version)
                .collect(),
            // A database never migrated: every migration is pending.
            Err(e) if e.to_string().contains("does not exist") => Vec::new(),
            Err(e) => {
                return Err(format!(
                    "cannot read the applied migrations: {}",
                    first_line(&e.to_string())
                ));
            }
        };
    let known = MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS)
        .map_err(|e| format!("cannot read the embedded migrations: {e}"))?;
    let pending: Vec<String> = known
        .iter()
        .filter(|m| !applied.contains(&m.name().version().to_string()))
        .map(|m| m.name().to_string())
        .collect();
    if !pending.is_empty() {
        return Err(format!(
            "the database schema is behind this binary: pending migrations {}; \
             run `lianzheng migrate` (as the owner) first",
            pending.join(", ")
        ));
    }
    let versions: Vec<String> = known
        .iter()
        .map(|m| m.name().version().to_string())
        .collect();
    let mut unknown: Vec<&String> = applied.iter().filter(|v| !versions.contains(v)).collect();
    unknown.sort();
    if !unknown.is_empty() {
        let unknown: Vec<&str> = unknown.iter().map(|v| v.as_str()).collect();
        return Err(format!(
            "the database schema is ahead of this binary: unknown migrations {}; \
             deploy the binary that applied them",
            unknown.join(", ")
        ));
    }
    Ok(())
}

#[derive(QueryableByName)]
struct RoleFacts {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    privileged: bool,
}

/// Refuses a connection that could rewrite history: a superuser, or a member of the role that
/// owns `audit_log` (which can disable its append-only trigger). `serve` runs as the runtime
/// role; only `lianzheng migrate` holds the owner's credentials.
pub fn check_runtime_role(conn: &mut PgConnection) -> Result<(), String> {
    let facts: RoleFacts = sql_query(
        "SELECT current_user::text AS name,
                (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                OR pg_has_role(current_user, c.relowner, 'MEMBER') AS privileged
           FROM pg_class c
          WHERE c.oid = 'public.audit_log'::regclass",
    )
    .get_result(conn)
    .map_err(|e| {
        format!(
            "cannot read the database roles: {}",
            first_line(&e.to_string())
        )
    })?;
    if facts.privileged {
        return Err(format!(
            "DATABASE_URL connects as {}, which owns the tables or is a superuser: serve as the \
             runtime role (lianzheng_app); only `lianzheng migrate` uses the owner \
             (MIGRATION_DATABASE_URL)",
            facts.name
        ));
    }
    Ok(())
}

/// One connection, for commands that run a single query (`audit verify`).
pub fn connect_once(url: &str) -> Result<PgConnection, ConnectError> {
    PgConnection::establish(url).map_err(|e| ConnectError {
        target: redact_url(url),
        reason: first_line(&e.to_string()),
    })
}

/// Tables the runtime role may read and append to but never change or remove rows of: the
/// audit trail and the publication snapshots (whose triggers refuse changes even to the owner).
pub const APPEND_ONLY_TABLES: &[&str] = &["audit_log", "publications", "publication_results"];

/// Grants the runtime role the least it needs: data access, never DDL.
pub fn grant_runtime_privileges(conn: &mut PgConnection, role: &str) -> QueryResult<()> {
    let role = quote_ident(role);
    let current: String = diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
        "current_user::text",
    ))
    .get_result(conn)?;
    if quote_ident(&current) == role {
        return Ok(());
    }
    conn.batch_execute(&format!(
        "GRANT USAGE ON SCHEMA public TO {role};
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
         REVOKE ALL ON TABLE __diesel_schema_migrations FROM {role};
         GRANT SELECT ON TABLE __diesel_schema_migrations TO {role};"
    ))?;
    for table in APPEND_ONLY_TABLES {
        conn.batch_execute(&format!(
            "REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {table} FROM {role}; GRANT SELECT, INSERT \
                ON TABLE {table} TO {role};"
        ))?;
    }
    Ok(())
}

/// `SELECT 1`, prepared once per connection and kept in diesel's statement cache (as every
/// query written with diesel's DSL is): each call is one Bind/Execute round trip, no Parse.
/// `sql_query` text is never cached, so it would be parsed and planned on every call.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
struct SelectOne;

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for SelectOne {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql("SELECT 1");
        Ok(())
    }
}

impl diesel::query_builder::Query for SelectOne {
    type SqlType = diesel::sql_types::Integer;
}

impl RunQueryDsl<PgConnection> for SelectOne {}

/// One `SELECT 1` round trip on `conn`: the readiness probe's, and the check of a connection
/// that may have been lost.
pub fn ping(conn: &mut PgConnection) -> QueryResult<()> {
    SelectOne.get_result::<i32>(conn).map(|_| ())
}

/// Quotes an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The user name in a `postgres://user[:password]@host/db` URL.
pub fn url_user(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let (credentials, _) = rest.rsplit_once('@')?;
    let user = credentials.split(':').next()?;
    (!user.is_empty()).then(|| user.to_owned())
}

/// The answer of a request that found no connection free within `DB_POOL_TIMEOUT`.
fn no_connection() -> ApiError {
    tracing::warn!("no database connection available");
    ApiError::Unavailable(
        "no database connection became available in time; retry shortly".to_owned(),
    )
}

/// The answer of a request whose database work ran past its deadline.
fn too_slow(budget: Duration) -> ApiError {
    tracing::warn!(
        budget_ms = budget.as_millis() as u64,
        "database deadline passed"
    );
    ApiError::Unavailable(format!(
        "the database did not answer within {} s; retry shortly",
        budget.as_secs_f64().ceil()
    ))
}

/// Runs `job` on the blocking thread pool, keeping the caller's span, and gives up at the
/// request's deadline: the client is answered 503 at once, and the thread, if the database
/// froze under it, is freed by the connection's `tcp_user_timeout` (or when the database wakes).
/// With `permit`, first waits (asynchronously, within the same deadline) for a connection
/// permit, which `job` holds until it returns or hands it on.
async fn bounded<F, T>(pool: &PgPool, permit: bool, job: F) -> Result<T, ApiError>
where
    F: FnOnce(Option<OwnedSemaphorePermit>) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let remaining = pool.remaining();
    let permits = pool.permits.clone();
    let wait = pool.wait;
    let span = tracing::Span::current();
    let work = async move {
        let permit = match permit {
            true => Some(
                actix_web::rt::time::timeout(wait, permits.acquire_owned())
                    .await
                    .map_err(|_| no_connection())?
                    .map_err(ApiError::internal)?,
            ),
            false => None,
        };
        actix_web::web::block(move || {
            let _entered = span.enter();
            job(permit)
        })
        .await
        .map_err(ApiError::internal)?
    };
    match actix_web::rt::time::timeout(remaining, work).await {
        Ok(done) => done,
        Err(_) => Err(too_slow(pool.budget)),
    }
}

/// Runs `f` with a connection on the blocking thread pool, within the request's deadline: the
/// request's pinned connection (in a savepoint, inside its open transaction) or a pooled one.
pub async fn run<F, T>(pool: &PgPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let copy = pool.clone();
    if pool.is_pinned() {
        return bounded(pool, false, move |_| {
            if let Some(scope) = &copy.request {
                let mut pinned = scope.pinned.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(conn) = pinned.as_mut() {
                    // A savepoint: a failed call leaves the request's transaction usable.
                    return conn.transaction(|conn| f(conn));
                }
            }
            let mut conn = copy.get()?;
            f(&mut conn)
        })
        .await;
    }
    bounded(pool, true, move |_permit| {
        let mut conn = copy.get()?;
        f(&mut conn)
    })
    .await
}

/// Runs `f` with a connection of its own (never the request's pinned one), taken from the pool
/// within the request's deadline; `f` may keep it, with its permit.
pub async fn run_owned<F, T>(pool: &PgPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(Held) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let copy = pool.clone();
    bounded(pool, true, move |permit| {
        f(Held {
            conn: copy.get()?,
            _permit: permit,
        })
    })
    .await
}

/// Runs `f` on a connection already held (taken back with [`PgPool::take_pinned`]), within the
/// request's deadline.
pub async fn run_held<F, T>(pool: &PgPool, held: Held, f: F) -> Result<T, ApiError>
where
    F: FnOnce(Held) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    bounded(pool, false, move |_| f(held)).await
}

/// Runs a write: `f` makes the change and says what it changed; the task states are brought
/// up to date with their outbox events (`ops::outbox::record`), and the audit record is
/// appended last, in the same transaction. A write that fails leaves neither the change, nor an
/// event, nor a record.
pub async fn write<F, T>(pool: &PgPool, actor: Actor, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<(T, Change), ApiError> + Send + 'static,
    T: Send + 'static,
{
    write_in(pool, actor, Scope::Everything, f).await
}

/// [`write`] for a write that can change only the tasks of `scope` (see [`Scope::Unit`] for
/// which writes those are): the task states of that scope alone are compared and brought up
/// to date.
pub async fn write_in<F, T>(pool: &PgPool, actor: Actor, scope: Scope, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<(T, Change), ApiError> + Send + 'static,
    T: Send + 'static,
{
    let signer = pool.signer().clone();
    let clock = pool.clock.clone();
    run(pool, move |conn| {
        conn.transaction(|conn| {
            let (value, change) = f(conn)?;
            crate::ops::outbox::record_in(conn, clock.now(), scope)?;
            audit::append(conn, &signer, &actor, change)?;
            Ok(value)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_printed_without_passwords() {
        assert_eq!(
            redact_url("postgres://app:s3cret@db:5432/x"),
            "postgres://app@db:5432/x"
        );
        assert_eq!(redact_url("postgres://db/x"), "postgres://db/x");
    }

    #[test]
    fn network_bounds_are_added_only_where_the_url_sets_none() {
        let wait = Duration::from_millis(500);
        let statement = Duration::from_secs(10);
        let url = with_network_bounds("postgres://app@db/x", wait, statement);
        assert!(url.starts_with("postgres://app@db/x?connect_timeout=2&keepalives=1"));
        assert!(url.ends_with("&tcp_user_timeout=10000"), "{url}");
        let own = with_network_bounds("postgres://db/x?connect_timeout=9", wait, statement);
        assert_eq!(own.matches("connect_timeout").count(), 1, "{own}");
        assert!(own.contains("connect_timeout=9&keepalives=1"), "{own}");
        let dsn = with_network_bounds("host=db dbname=x", Duration::from_secs(3), statement);
        assert!(
            dsn.starts_with("host=db dbname=x connect_timeout=3 keepalives=1"),
            "{dsn}"
        );
    }

    #[test]
    fn the_user_is_read_from_a_url() {
        assert_eq!(url_user("postgres://app:pw@h/db").as_deref(), Some("app"));
        assert_eq!(url_user("postgres://h/db"), None);
    }
}
