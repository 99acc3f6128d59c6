//! The PostgreSQL pool, embedded migrations, and the one way handlers reach the database.
//!
//! diesel is synchronous: every `pool.get()` and every query runs inside [`run`], on actix's
//! blocking thread pool, never on an async worker (actix/examples `databases/diesel`).

use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PoolError, PooledConnection};
use diesel::sql_query;
use diesel::sql_types::Text;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::audit::{self, Actor, Change, SigningKey};
use crate::error::ApiError;

/// Every migration, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// The connection pool shared by all workers, with the key that signs the audit records its
/// writes append (kept outside the database, so [`write`] signs without any handler knowing).
#[derive(Clone)]
pub struct PgPool {
    pool: Pool<ConnectionManager<PgConnection>>,
    signer: Arc<SigningKey>,
}

impl std::fmt::Debug for PgPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PgPool({:?})", self.pool.state())
    }
}

impl PgPool {
    /// Takes a connection, waiting up to the pool's timeout.
    pub fn get(&self) -> Result<PooledConn, PoolError> {
        self.pool.get()
    }

    /// The audit signing key.
    pub fn signer(&self) -> &Arc<SigningKey> {
        &self.signer
    }
}
/// One connection taken from the pool.
pub type PooledConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Sets the per-statement timeout and the application name on every new connection.
#[derive(Debug)]
struct SessionSettings {
    statement_timeout_ms: u128,
}

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET statement_timeout = {}; SET application_name = 'lianzheng'; SET TIME ZONE 'UTC'",
            self.statement_timeout_ms
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Logs a failure to open a pooled connection as a warning (the request that needed it
/// answers 503).
#[derive(Debug)]
struct LogPoolErrors;

impl diesel::r2d2::HandleError<diesel::r2d2::Error> for LogPoolErrors {
    fn handle_error(&self, error: diesel::r2d2::Error) {
        tracing::warn!(error = %first_line(&error.to_string()), "cannot open a database connection");
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
    // One direct attempt first: an unreachable database fails at once, in one line.
    PgConnection::establish(url).map_err(|e| error(first_line(&e.to_string())))?;
    let pool = Pool::builder()
        .error_handler(Box::new(LogPoolErrors))
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(wait)
        .connection_customizer(Box::new(SessionSettings {
            statement_timeout_ms: statement_timeout.as_millis(),
        }))
        .build(ConnectionManager::<PgConnection>::new(url))
        .map_err(|e| error(first_line(&e.to_string())))?;
    let mut conn = pool.get().map_err(|e| error(first_line(&e.to_string())))?;
    sql_query("SELECT 1")
        .execute(&mut conn)
        .map_err(|e| error(first_line(&e.to_string())))?;
    Ok(PgPool { pool, signer })
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

/// Tables the runtime role may read and append to but never change or remove rows of.
pub const APPEND_ONLY_TABLES: &[&str] = &["audit_log"];

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
            "REVOKE UPDATE, DELETE, TRUNCATE ON TABLE {table} FROM {role}; GRANT SELECT, INSERT ON TABLE {table} TO {role};"
        ))?;
    }
    Ok(())
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

/// Runs `f` with a pooled connection on the blocking thread pool, keeping the caller's span.
pub async fn run<F, T>(pool: &PgPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        let _entered = span.enter();
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Runs a write: `f` makes the change and says what it changed; the audit record is appended
/// last, in the same transaction. A write that fails leaves neither the change nor a record.
pub async fn write<F, T>(pool: &PgPool, actor: Actor, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<(T, Change), ApiError> + Send + 'static,
    T: Send + 'static,
{
    let signer = pool.signer().clone();
    run(pool, move |conn| {
        conn.transaction(|conn| {
            let (value, change) = f(conn)?;
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
    fn the_user_is_read_from_a_url() {
        assert_eq!(url_user("postgres://app:pw@h/db").as_deref(), Some("app"));
        assert_eq!(url_user("postgres://h/db"), None);
    }
}
