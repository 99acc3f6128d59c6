//! The command line: start-up errors, migrations and the demo data.

use std::process::Command;

use crate::helpers::TestDb;

fn lianzheng(args: &[&str], db: Option<&TestDb>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lianzheng"));
    command
        .args(args)
        .env("LOG_FORMAT", "pretty")
        .env("RUST_LOG", "warn");
    if let Some(db) = db {
        command
            .env("DATABASE_URL", db.app_url())
            .env("MIGRATION_DATABASE_URL", db.owner_url());
    }
    command.output().expect("run lianzheng")
}

#[test]
fn an_unreachable_database_at_start_up_is_one_clear_line_not_a_panic() {
    let output = Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            "postgres://lianzheng_app@127.0.0.1:1/nowhere",
        )
        .env(
            "MIGRATION_DATABASE_URL",
            "postgres://lianzheng_owner:secret-pw@127.0.0.1:1/nowhere",
        )
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("LOG_FORMAT", "pretty")
        .output()
        .expect("run lianzheng serve");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(
        lines[0]
            .starts_with("error: cannot connect to postgres://lianzheng_owner@127.0.0.1:1/nowhere"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("secret-pw"),
        "{stderr}"
    );
}

#[test]
fn a_missing_database_is_named_in_one_line() {
    let output = Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .arg("seed-demo")
        .env(
            "DATABASE_URL",
            crate::helpers::url("lianzheng_app", "lianzheng_no_such_db"),
        )
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("lianzheng_no_such_db"), "{stderr}");
}

#[test]
fn migrate_is_idempotent_and_seed_demo_loads_the_county_once() {
    let db = TestDb::create();
    let migrate = lianzheng(&["migrate"], Some(&db));
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(String::from_utf8_lossy(&migrate.stderr).contains("none pending"));

    let first = lianzheng(&["seed-demo"], Some(&db));
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let count = |sql: &str| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(sql)
            .get_result::<N>(&mut db.owner())
            .expect("count")
            .n
    };
    let units = count("SELECT count(*) AS n FROM units");
    assert!(units >= 70, "a realistic county: {units} units");
    assert_eq!(
        count("SELECT count(*) AS n FROM units WHERE kind = 'town'"),
        13
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM units WHERE name = '秤架瑶族乡'"),
        1
    );
    let submitted = count("SELECT count(*) AS n FROM self_inspections");
    assert_eq!(
        count("SELECT count(*) AS n FROM audit_log WHERE actor_sub = 'system'"),
        units + 2 + submitted + 6 + 1 + 1 + count("SELECT count(*) AS n FROM scoring_records"),
        "one record per unit, the cycle opened and moved twice, one per self-inspection, team and sheet, one for the assignment"
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM assessment_cycles WHERE state = 'special_inspection'"),
        1
    );
    assert_eq!(count("SELECT count(*) AS n FROM inspection_teams"), 6);
    for status in ["open", "awaiting_signatures", "final"] {
        assert!(
            count(&format!(
                "SELECT count(*) AS n FROM scoring_records WHERE status = '{status}'"
            )) >= 1,
            "a sheet in {status}"
        );
    }
    assert!(
        count("SELECT count(*) AS n FROM reopenings") >= 1,
        "a reopened sheet"
    );
    assert!(
        count("SELECT count(*) AS n FROM referrals") >= 1,
        "a referral"
    );
    let assessed = count("SELECT count(*) AS n FROM cycle_units WHERE status = 'assessed'");
    assert_eq!(
        submitted,
        assessed - 1,
        "every assessed unit but one has submitted"
    );
    let late = count("SELECT count(*) AS n FROM self_inspections WHERE late");
    assert!(
        late >= 2 && late * 5 < submitted,
        "a few are late: {late} of {submitted}"
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM self_inspections WHERE status = 'returned'"),
        1
    );
    assert_eq!(
        count(
            "SELECT count(*) AS n FROM assessment_cycles WHERE year = 2014 AND state = 'special_inspection'"
        ),
        1
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM cycle_units WHERE status = 'assessed'"),
        count("SELECT count(*) AS n FROM units WHERE kind <> 'vertical'"),
        "the snapshot assesses every town, department and enterprise"
    );
    assert!(
        count(
            "SELECT count(*) AS n FROM cycle_units WHERE status = 'excluded' AND fallback_source IS NOT NULL"
        ) >= 1
    );
    let leaders = count("SELECT count(*) AS n FROM leaders");

    let second = lianzheng(&["seed-demo"], Some(&db));
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 units created"));
    assert_eq!(count("SELECT count(*) AS n FROM units"), units);
    assert_eq!(count("SELECT count(*) AS n FROM leaders"), leaders);
    assert_eq!(
        count("SELECT count(*) AS n FROM audit_log"),
        units + 2 + submitted + 8 + count("SELECT count(*) AS n FROM scoring_records"),
        "an idempotent run writes nothing"
    );
    assert!(
        lianzheng::audit::verify(&mut db.owner(), None)
            .expect("walk")
            .is_ok()
    );
}
