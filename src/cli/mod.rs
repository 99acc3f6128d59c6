//! The command line: `serve`, `migrate`, `token`, `seed-demo`, `openapi`, `audit`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::audit::keys::{Algorithm, KeySet, SigningKey};
use crate::audit::{Checkpoint, Expect};
use crate::auth::Role;
use crate::auth::jwt::{TokenRequest, mint};
use crate::config::{DEFAULT_MIGRATION_DATABASE_URL, Settings};
use crate::db;
use crate::startup::Application;

/// lianzheng (廉政考核): the county's integrity-responsibility assessment service.
#[derive(Debug, Parser)]
#[command(name = "lianzheng", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API as the runtime role (settings from the environment; see README). Refuses
    /// to start on a schema that is not this binary's: run `migrate` first.
    Serve,
    /// Apply pending migrations as the owner role (MIGRATION_DATABASE_URL) and grant the
    /// runtime role (DATABASE_URL's user) its privileges.
    Migrate,
    /// Mint a token signed with JWT_SECRET, for administrators and Swagger UI.
    Token {
        /// Role scope.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Subject: the person's id.
        #[arg(long)]
        sub: String,
        /// Display name (defaults to the subject).
        #[arg(long)]
        name: Option<String>,
        /// The unit, for the unit role.
        #[arg(long)]
        unit_id: Option<i64>,
        /// Lifetime, for example 8h or 30m.
        #[arg(long, default_value = "8h", value_parser = humantime::parse_duration)]
        ttl: Duration,
    },
    /// Load the demo county (idempotent).
    SeedDemo,
    /// Print the OpenAPI contract (the content of openapi/openapi.json).
    Openapi,
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check every record's hash, signature and link with the public keys alone, and name the
    /// first broken record (exit status 1 when broken).
    Verify {
        /// A head hash recorded earlier: checks that it is still on the chain, which catches
        /// the deletion of the newest records.
        #[arg(long)]
        head: Option<String>,
        /// A signed checkpoint kept earlier (the JSON of GET /api/v1/audit/head): checks its
        /// signature, that its record still has its hash, and the chain up to it.
        #[arg(long, value_name = "CHECKPOINT_JSON")]
        since: Option<PathBuf>,
        /// Public keys to verify with: the JSON of GET /api/v1/audit/keys (or of
        /// `audit public-key`), or one PEM key; repeatable. Without it, the public halves of
        /// AUDIT_SIGNING_KEY and AUDIT_VERIFY_KEYS.
        #[arg(long, value_name = "FILE")]
        public_key: Vec<PathBuf>,
    },
    /// Generate an audit signing key pair; prints AUDIT_ALGORITHM, AUDIT_KEY_ID and
    /// AUDIT_SIGNING_KEY lines for an environment file (keep it secret).
    Keygen {
        /// `ed25519` (default) or `sm2` (SM2 with SM3, signer id 1234567812345678).
        #[arg(long, value_enum, default_value = "ed25519")]
        algorithm: AlgorithmArg,
    },
    /// Print the public keys (current and retired) as published by GET /api/v1/audit/keys.
    PublicKey,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum AlgorithmArg {
    Ed25519,
    Sm2,
}

impl From<AlgorithmArg> for Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Ed25519 => Algorithm::Ed25519,
            AlgorithmArg::Sm2 => Algorithm::Sm2,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RoleArg {
    Office,
    Inspector,
    Unit,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Office => Role::Office,
            RoleArg::Inspector => Role::Inspector,
            RoleArg::Unit => Role::Unit,
        }
    }
}

/// Runs the command; `Err` is a one-line message for the operator.
pub fn run(cli: Cli) -> Result<(), String> {
    let settings = Settings::from_env().map_err(|e| e.to_string())?;
    match cli.command {
        Command::Serve => serve(settings),
        Command::Migrate => {
            crate::telemetry::init(settings.log_format, std::io::stderr);
            let applied = migrate(&settings)?;
            eprintln!(
                "migrations applied: {}",
                if applied.is_empty() {
                    "none pending".to_owned()
                } else {
                    applied.join(", ")
                }
            );
            Ok(())
        }
        Command::Token {
            role,
            sub,
            name,
            unit_id,
            ttl,
        } => {
            settings.check_jwt_secret()?;
            let request = TokenRequest {
                sub: &sub,
                name: name.as_deref(),
                role: role.into(),
                unit_id,
                ttl,
            };
            let token = mint(
                settings.jwt_secret.expose(),
                &settings.jwt_issuer,
                &settings.jwt_audience,
                &request,
            )?;
            println!("{token}");
            Ok(())
        }
        Command::SeedDemo => {
            crate::telemetry::init(settings.log_format, std::io::stderr);
            let pool = connect(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let report = match settings.ballot_code_key() {
                Ok(key) => crate::seed::seed_demo_with_ballot_key(&mut conn, pool.signer(), &key),
                Err(why) => {
                    tracing::warn!("{why}: the demo's ballot codes will not vote");
                    crate::seed::seed_demo(&mut conn, pool.signer())
                }
            }
            .map_err(|e| e.to_string())?;
            eprintln!(
                "demo data: {} units created, {} already present, {} leaders created, {}, {} \
                    self-inspections submitted, {} teams formed",
                report.units_created,
                report.units_existing,
                report.leaders_created,
                if report.cycle_created {
                    "the 2014 cycle opened"
                } else {
                    "the 2014 cycle already there"
                },
                report.self_inspections,
                report.teams
            );
            Ok(())
        }
        Command::Audit { command } => audit(&settings, command),
        Command::Openapi => {
            print!("{}", crate::openapi::spec_json());
            Ok(())
        }
    }
}

fn audit(settings: &Settings, command: AuditCommand) -> Result<(), String> {
    match command {
        AuditCommand::Verify {
            head,
            since,
            public_key,
        } => verify(settings, head.as_deref(), since, &public_key),
        AuditCommand::Keygen { algorithm } => {
            let algorithm = Algorithm::from(algorithm);
            let (key, pkcs8) = SigningKey::generate(algorithm).map_err(|e| e.0)?;
            println!("AUDIT_ALGORITHM={algorithm}");
            println!("AUDIT_KEY_ID={}", key.key_id());
            println!("AUDIT_SIGNING_KEY={}", pkcs8.expose());
            Ok(())
        }
        AuditCommand::PublicKey => {
            let current = match &settings.audit_signing_key {
                Some(_) => Some(settings.audit_signer()?),
                None => None,
            };
            let keys = settings.audit_keys(current.as_ref().map(SigningKey::public));
            if keys.is_empty() {
                return Err("no audit key: set AUDIT_SIGNING_KEY (or AUDIT_VERIFY_KEYS)".into());
            }
            let json =
                serde_json::to_string_pretty(&keys.published()).map_err(|e| e.to_string())?;
            println!("{json}");
            Ok(())
        }
    }
}

/// The public keys `audit verify` uses: the files given, or the configured ones.
fn verifying_keys(settings: &Settings, files: &[PathBuf]) -> Result<KeySet, String> {
    let mut keys = KeySet::default();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        let parsed = KeySet::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        for key in parsed.keys() {
            keys.insert(key.clone());
        }
    }
    if files.is_empty() {
        let current = match &settings.audit_signing_key {
            Some(_) => Some(settings.audit_signer()?.public().clone()),
            None => None,
        };
        keys = settings.audit_keys(current.as_ref());
    }
    if keys.is_empty() {
        return Err(
            "no public key to verify with: pass --public-key <file> (the JSON of \
                    GET /api/v1/audit/keys) or set AUDIT_VERIFY_KEYS"
                .into(),
        );
    }
    Ok(keys)
}

fn verify(
    settings: &Settings,
    head: Option<&str>,
    since: Option<PathBuf>,
    public_keys: &[PathBuf],
) -> Result<(), String> {
    let keys = verifying_keys(settings, public_keys)?;
    let checkpoint: Option<Checkpoint> = since
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str(&text)
                .map_err(|e| format!("{} is not a checkpoint: {e}", path.display()))
        })
        .transpose()?;
    let mut conn = db::connect_once(settings.database_url.expose()).map_err(|e| e.to_string())?;
    let expect = Expect {
        head,
        checkpoint: checkpoint.as_ref(),
    };
    let verified = crate::audit::verify(&mut conn, &keys, expect)
        .map_err(|e| e.to_string())?
        .map_err(|broken| broken.to_string())?;
    println!(
        "audit chain intact: {} records, head {}",
        verified.records, verified.head
    );
    if let Some(after) = verified
        .after_recorded_head
        .filter(|_| expect.head.is_some())
    {
        println!("the recorded head is on the chain, followed by {after} newer records");
    }
    if let (Some(checkpoint), Some(after)) = (&checkpoint, verified.after_recorded_head) {
        println!(
            "the checkpoint of record {} is genuine and on the chain, followed by {after} \
             newer records",
            checkpoint.id.map_or(0, |id| id.0)
        );
    }
    Ok(())
}

/// The one place that reads the owner's credentials: `MIGRATION_DATABASE_URL` (or
/// `DATABASE_URL` when only that is set, a single-role set-up).
fn migrate(settings: &Settings) -> Result<Vec<String>, String> {
    let owner_url = std::env::var("MIGRATION_DATABASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| match std::env::var("DATABASE_URL") {
            Ok(url) if !url.trim().is_empty() => url,
            _ => DEFAULT_MIGRATION_DATABASE_URL.to_owned(),
        });
    let app_role = db::url_user(settings.database_url.expose());
    db::migrate(&owner_url, app_role.as_deref())
}

fn connect(settings: &Settings) -> Result<db::PgPool, String> {
    let signer = Arc::new(settings.audit_signer()?);
    db::connect(
        settings.database_url.expose(),
        settings.pool_size,
        settings.pool_timeout,
        settings.statement_timeout,
        signer,
    )
    .map_err(|e| e.to_string())
}

/// Serves as the runtime role: never migrates, and refuses a schema that is not this binary's,
/// missing secrets (outside development mode) and an owner or superuser connection.
fn serve(settings: Settings) -> Result<(), String> {
    crate::telemetry::init(settings.log_format, std::io::stdout);
    settings.check_jwt_secret()?;
    let pool = connect(&settings)?;
    {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        db::check_schema(&mut conn)?;
        match db::check_runtime_role(&mut conn) {
            Err(e) if settings.dev_mode => tracing::warn!("development mode: {e}"),
            checked => checked?,
        }
    }
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings, pool.clone()).map_err(|e| e.to_string())?;
        actix_web::rt::spawn(purge_every_hour(pool));
        tracing::info!(port = app.port(), bind = %settings.bind_addr, "serving; Swagger UI at \
            /swagger-ui/");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

/// Removes unattached uploads older than a day and expired idempotency keys, every hour. Safe
/// with several instances: each purge is one transaction.
async fn purge_every_hour(pool: db::PgPool) {
    let mut interval = actix_web::rt::time::interval(Duration::from_secs(3600));
    loop {
        interval.tick().await;
        match db::run(&pool, |conn| {
            Ok(crate::http::idempotency::purge_expired(conn)?)
        })
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired idempotency keys removed"),
            Err(e) => tracing::warn!(error = %e, "purging expired idempotency keys failed"),
        }
        let signer = pool.signer().clone();
        match db::run(&pool, move |conn| {
            crate::ops::attachments::purge_unattached(conn, &signer)
        })
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "unattached uploads removed"),
            Err(e) => tracing::warn!(error = %e, "purging unattached uploads failed"),
        }
    }
}
