//! The command line: `serve`, `migrate`, `token`, `seed-demo`, `openapi`.

use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::auth::Role;
use crate::auth::jwt::{TokenRequest, mint};
use crate::config::{DEV_JWT_SECRET, Settings};
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
    /// Apply migrations and serve the API (settings from the environment; see README).
    Serve,
    /// Apply pending migrations as the owner role and grant the runtime role its privileges.
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
    /// Walk the hash chain and name the first broken link (exit status 1 when broken).
    Verify {
        /// A head hash recorded earlier (GET /api/v1/audit/head): checks that it is still on
        /// the chain, which catches the deletion of the newest records.
        #[arg(long)]
        head: Option<String>,
    },
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
            let report = crate::seed::seed_demo(&mut conn).map_err(|e| e.to_string())?;
            eprintln!(
                "demo data: {} units created, {} already present, {} leaders created, {}, {} self-inspections submitted, {} teams formed",
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
        Command::Audit {
            command: AuditCommand::Verify { head },
        } => {
            let pool = connect(&settings)?;
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            match crate::audit::verify(&mut conn, head.as_deref()).map_err(|e| e.to_string())? {
                Ok(verified) => {
                    println!(
                        "audit chain intact: {} records, head {}",
                        verified.records, verified.head
                    );
                    if let Some(after) = verified.after_recorded_head.filter(|_| head.is_some()) {
                        println!(
                            "the recorded head is on the chain, followed by {after} newer records"
                        );
                    }
                    Ok(())
                }
                Err(broken) => Err(broken.to_string()),
            }
        }
        Command::Openapi => {
            print!("{}", crate::openapi::spec_json());
            Ok(())
        }
    }
}

fn migrate(settings: &Settings) -> Result<Vec<String>, String> {
    let app_role = db::url_user(settings.database_url.expose());
    db::migrate(
        settings.migration_database_url.expose(),
        app_role.as_deref(),
    )
}

fn connect(settings: &Settings) -> Result<db::PgPool, String> {
    db::connect(
        settings.database_url.expose(),
        settings.pool_size,
        settings.pool_timeout,
        settings.statement_timeout,
    )
    .map_err(|e| e.to_string())
}

fn serve(settings: Settings) -> Result<(), String> {
    crate::telemetry::init(settings.log_format, std::io::stdout);
    if settings.jwt_secret.expose() == DEV_JWT_SECRET {
        tracing::warn!("JWT_SECRET is not set: using the development secret; set it in production");
    }
    let applied = migrate(&settings)?;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "migrations applied");
    }
    let pool = connect(&settings)?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings, pool.clone()).map_err(|e| e.to_string())?;
        actix_web::rt::spawn(purge_every_hour(pool));
        tracing::info!(port = app.port(), bind = %settings.bind_addr, "serving; Swagger UI at /swagger-ui/");
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

/// Removes unattached uploads older than a day, every hour. Safe with several instances: each
/// purge is one transaction.
async fn purge_every_hour(pool: db::PgPool) {
    let mut interval = actix_web::rt::time::interval(Duration::from_secs(3600));
    loop {
        interval.tick().await;
        match db::run(&pool, |conn| {
            crate::routes::attachments::purge_unattached(conn)
        })
        .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "unattached uploads removed"),
            Err(e) => tracing::warn!(error = %e, "purging unattached uploads failed"),
        }
    }
}
