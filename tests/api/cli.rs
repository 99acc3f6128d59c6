//! The command line: start-up errors, migrations, the demo data, and what `serve` refuses.

use std::process::{Command, Output};

use lianzheng::audit::keys::{Algorithm, KeySet, SigningKey};

use crate::helpers::{TEST_SECRET, TestDb, audit_key};

/// `lianzheng` with a clean environment: the secrets a production start needs, and `db`'s
/// runtime connection (and the owner's, for `migrate`).
fn command(args: &[&str], db: Option<&TestDb>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lianzheng"));
    command
        .args(args)
        .env_clear()
        .env("LOG_FORMAT", "pretty")
        .env("RUST_LOG", "warn")
        .env("BIND_ADDR", "127.0.0.1:0")
        .env("JWT_SECRET", TEST_SECRET)
        .env("AUDIT_SIGNING_KEY", audit_key(Algorithm::Ed25519).expose())
        .env("BALLOT_CODE_KEY", crate::helpers::TEST_BALLOT_CODE_KEY);
    if let Some(db) = db {
        command
            .env("DATABASE_URL", db.app_url())
            .env("MIGRATION_DATABASE_URL", db.owner_url());
    }
    command
}

fn lianzheng(args: &[&str], db: Option<&TestDb>) -> Output {
    command(args, db).output().expect("run lianzheng")
}

/// Asserts a failure reported in exactly one line that contains `expected`.
fn assert_one_line_error(output: &Output, expected: &str) {
    assert!(!output.status.success(), "non-zero exit");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(expected), "{expected:?} in {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unreachable_database_at_start_up_is_one_clear_line_not_a_panic() {
    let output = command(&["serve"], None)
        .env(
            "DATABASE_URL",
            "postgres://lianzheng_app:secret-pw@127.0.0.1:1/nowhere",
        )
        .output()
        .expect("run lianzheng serve");
    assert_one_line_error(
        &output,
        "cannot connect to the database at postgres://lianzheng_app@127.0.0.1:1/nowhere",
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("secret-pw"));
}

#[test]
fn serve_refuses_a_missing_short_or_public_jwt_secret_outside_development_mode() {
    let db = TestDb::create();
    let unset = command(&["serve"], Some(&db))
        .env_remove("JWT_SECRET")
        .output();
    assert_one_line_error(&unset.expect("run"), "JWT_SECRET is not set");
    let short = command(&["serve"], Some(&db))
        .env("JWT_SECRET", "too-short-secret")
        .output();
    assert_one_line_error(&short.expect("run"), "JWT_SECRET is only 16 bytes");
    let public = command(&["serve"], Some(&db))
        .env("JWT_SECRET", lianzheng::config::DEV_JWT_SECRET)
        .output();
    assert_one_line_error(&public.expect("run"), "public development secret");
    let token = command(&["token", "--role", "office", "--sub", "x"], None)
        .env_remove("JWT_SECRET")
        .output();
    assert_one_line_error(&token.expect("run"), "JWT_SECRET is not set");
}

#[test]
fn serve_refuses_to_start_without_an_audit_signing_key_outside_development_mode() {
    let db = TestDb::create();
    let output = command(&["serve"], Some(&db))
        .env_remove("AUDIT_SIGNING_KEY")
        .output()
        .expect("run");
    assert_one_line_error(
        &output,
        "AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE) is not set",
    );
    let wrong = command(&["serve"], Some(&db))
        .env("AUDIT_ALGORITHM", "sm2")
        .output()
        .expect("run");
    assert_one_line_error(&wrong, "not an sm2 PKCS#8 key");
}

fn set_applied_migrations(db: &TestDb, sql: &str) {
    use diesel::connection::SimpleConnection;
    db.owner()
        .batch_execute(sql)
        .expect("change the migrations table");
}

#[test]
fn serve_refuses_a_schema_behind_or_ahead_of_the_binary_naming_the_migrations() {
    let db = TestDb::create();
    set_applied_migrations(
        &db,
        "DELETE FROM __diesel_schema_migrations WHERE version = '20261127100000'",
    );
    let behind = lianzheng(&["serve"], Some(&db));
    assert_one_line_error(
        &behind,
        "the database schema is behind this binary: pending migrations \
         2026-11-27-100000_audit_signatures; run `lianzheng migrate`",
    );
    set_applied_migrations(
        &db,
        "INSERT INTO __diesel_schema_migrations (version) VALUES ('20261127100000'),
                                                              ('29990101000000')",
    );
    let ahead = lianzheng(&["serve"], Some(&db));
    assert_one_line_error(
        &ahead,
        "the database schema is ahead of this binary: unknown migrations 29990101000000",
    );
}

#[test]
fn serve_refuses_to_run_as_the_owner_of_the_audit_trail() {
    let db = TestDb::create();
    let output = command(&["serve"], Some(&db))
        .env("DATABASE_URL", db.owner_url())
        .output()
        .expect("run");
    assert_one_line_error(
        &output,
        "connects as lianzheng_owner, which owns the tables",
    );
}

#[test]
fn serve_runs_with_the_runtime_role_only_and_publishes_its_keys() {
    use std::io::{BufRead, BufReader, Read, Write};
    let db = TestDb::create();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("addr")
        .port();
    let mut child = command(&["serve"], Some(&db))
        .env_remove("MIGRATION_DATABASE_URL")
        .env("BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut started = String::new();
    let mut line = String::new();
    while stdout.read_line(&mut line).expect("read") > 0 {
        started.push_str(&line);
        if line.contains("serving") {
            break;
        }
        line.clear();
    }
    if !started.contains("serving") {
        let _ = child.kill();
        let mut stderr = String::new();
        let _ = child
            .stderr
            .take()
            .map(|mut e| e.read_to_string(&mut stderr));
        let _ = child.wait();
        panic!("serve did not start: {stderr}{started}");
    }
    let token = lianzheng::auth::jwt::mint(
        TEST_SECRET,
        "lianzheng-cli",
        "lianzheng",
        &lianzheng::auth::jwt::TokenRequest {
            sub: "unit-user-1",
            name: None,
            role: lianzheng::auth::Role::Unit,
            unit_id: Some(1),
            ttl: std::time::Duration::from_secs(60),
        },
    )
    .expect("token");
    let get = |path: &str| {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
             Connection: close\r\n\r\n"
        )
        .expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("answer");
        answer
    };
    let ready = get("/readyz");
    let keys = get("/api/v1/audit/keys");
    let _ = child.kill();
    let _ = child.wait();
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    assert!(keys.starts_with("HTTP/1.1 200"), "{keys}");
    assert!(keys.contains("\"algorithm\":\"ed25519\""), "{keys}");
}

#[test]
fn keygen_prints_a_key_whose_public_half_is_published() {
    for algorithm in ["ed25519", "sm2"] {
        let generated = lianzheng(&["audit", "keygen", "--algorithm", algorithm], None);
        assert!(generated.status.success());
        let stdout = String::from_utf8_lossy(&generated.stdout).into_owned();
        let value = |name: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name} in {stdout}"))
                .to_owned()
        };
        assert_eq!(value("AUDIT_ALGORITHM"), algorithm);
        let key = SigningKey::from_pkcs8(
            &value("AUDIT_SIGNING_KEY"),
            Algorithm::parse(algorithm).expect("algorithm"),
            None,
        )
        .expect("a usable key");
        assert_eq!(value("AUDIT_KEY_ID"), key.key_id());
        let published = command(&["audit", "public-key"], None)
            .env("AUDIT_ALGORITHM", algorithm)
            .env("AUDIT_SIGNING_KEY", value("AUDIT_SIGNING_KEY"))
            .output()
            .expect("run");
        assert!(
            published.status.success(),
            "{}",
            String::from_utf8_lossy(&published.stderr)
        );
        let set = KeySet::parse(&String::from_utf8_lossy(&published.stdout)).expect("key set");
        let public = set.get(key.key_id()).expect("the key is published");
        assert!(public.verifies(b"m", &key.sign(b"m")));
        assert!(!String::from_utf8_lossy(&published.stdout).contains(&value("AUDIT_SIGNING_KEY")));
    }
}

#[test]
fn a_missing_database_is_named_in_one_line() {
    let output = command(&["seed-demo"], None)
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

    let key = audit_key(Algorithm::Ed25519);
    let seed = || {
        command(&["seed-demo"], Some(&db))
            .env("AUDIT_SIGNING_KEY", key.expose())
            .output()
            .expect("run seed-demo")
    };
    let first = seed();
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
    let rounds = |state: &str| {
        count(&format!(
            "SELECT count(*) AS n FROM evaluation_rounds WHERE state = '{state}'"
        ))
    };
    let evaluation_records = 4 * rounds("closed")
        + 2 * (rounds("open") + rounds("suspended"))
        + count("SELECT count(*) AS n FROM leader_grades WHERE cycle_id = 1");
    let team_reports =
        count("SELECT count(*) AS n FROM team_reports WHERE status <> 'open' AND cycle_id = 1");
    let vertical = count("SELECT count(*) AS n FROM units WHERE kind = 'vertical'");
    // ... and then two visits reopened, one of them resubmitted and signed once.
    let routine_records = 4 + 5 * count("SELECT count(*) AS n FROM routine_visits") + 4;
    let records = units
        + 1
        + 2
        + submitted
        + 2
        + 6
        + 1
        + 1
        + count("SELECT count(*) AS n FROM scoring_records WHERE cycle_id = 1")
        + team_reports
        + evaluation_records
        + 1
        + 1
        + routine_records
        // The 2011 cycle in review: opened, moved three times, its team and assignment, the
        // review's document and its two decisions (issue 15, part 2).
        + 1
        + 3
        + 1
        + 1
        + 2
        // The 2014 cycle's result inputs: its bands, its settings, a veto and two vertical
        // units' fallbacks (issue 15).
        + 5
        // The 2011 cycle's routine draw, committed.
        + 1
        // The published 2012 and 2013 cycles (issue 15 item 8), each: opened, moved four
        // times, its teams, its sheets, reports, grades and routine scores (one record each,
        // written in bulk), bands, settings, a fallback per vertical unit and three decisions.
        + 2 * (1 + 4 + 1 + 4 + 1 + 1 + vertical + 3)
        // ... and their publication settings (the notice's reference), one each.
        + 2
        // 2013 reopened, its routine score corrected, its settings and its publication again.
        + 4
        // Commendations and notices, one record each (issue 15 item 6).
        + count("SELECT count(*) AS n FROM commendations")
        // The rectifications of the published cycles: saved, submitted, then accepted or
        // returned; one only saved as a draft (issue 15 item 5).
        + count(
            "SELECT COALESCE(sum(CASE status WHEN 'accepted' THEN 3 WHEN 'returned' THEN 3 \
             WHEN 'submitted' THEN 2 WHEN 'draft' THEN 1 ELSE 0 END), 0)::int8 AS n \
             FROM rectifications",
        );
    assert_eq!(
        count("SELECT count(*) AS n FROM audit_log WHERE actor_sub = 'system'"),
        records,
        "one record per unit and one for archiving the merged one, the 2014 cycle opened and \
         moved twice, one per self-inspection, two for the draft report (its attachment, its \
         text), one per team, one for the assignment, one per sheet and per team report taken \
         to signatures, four per closed evaluation round (opened, codes, paper tally, closed), \
         two per other (opened, codes), one per leader grade, one for the deadline extension, \
         one for the 2015 cycle; the routine inspection's plan, commitment, seed and scores, \
         and per visit its unit's targets, the record written, submitted and signed by its \
         two visitors; then two reopened, one resubmitted and signed again; the 2011 cycle \
         opened, moved three times, its team, a document and two decisions; the 2014 cycle's \
         bands, settings, veto and two fallbacks; the 2011 draw committed; the 2012 and \
         2013 cycles taken to publication, with their settings and rectifications; the \
         commendations"
    );
    assert_eq!(
        team_reports, 2,
        "a team report awaiting signatures, one final"
    );
    assert!(
        count("SELECT count(*) AS n FROM evaluation_rounds WHERE state = 'closed'") >= 2,
        "closed evaluation rounds"
    );
    assert!(
        count("SELECT count(*) AS n FROM evaluation_ballots") >= 10,
        "online ballots"
    );
    assert!(
        count("SELECT count(*) AS n FROM evaluation_paper_counts") >= 2,
        "paper tallies"
    );
    assert!(
        count("SELECT count(*) AS n FROM leader_grades") >= 2,
        "leader grades"
    );
    assert_eq!(
        count(
            "SELECT count(*) AS n FROM ballot_codes c \
             JOIN evaluation_rounds r ON r.id = c.round_id WHERE r.state = 'closed'"
        ),
        0,
        "no code outlives its closed round"
    );
    assert_eq!(
        (rounds("open"), rounds("suspended")),
        (1, 1),
        "a round open, with codes to vote, and one suspended"
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM assessment_cycles WHERE state = 'special_inspection'"),
        1
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM inspection_teams WHERE cycle_id = 1"),
        6
    );
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
    let assessed =
        count("SELECT count(*) AS n FROM cycle_units WHERE cycle_id = 1 AND status = 'assessed'");
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
            "SELECT count(*) AS n FROM assessment_cycles \
             WHERE year = 2014 AND state = 'special_inspection'"
        ),
        1
    );
    assert_eq!(
        count("SELECT count(*) AS n FROM cycle_units WHERE cycle_id = 1 AND status = 'assessed'"),
        count("SELECT count(*) AS n FROM units WHERE kind <> 'vertical' AND archived_at IS NULL")
            - 1,
        "the snapshot assesses every active town, department and enterprise but the one \
         registered since"
    );
    assert!(
        count(
            "SELECT count(*) AS n FROM cycle_units \
             WHERE status = 'excluded' AND fallback_source IS NOT NULL"
        ) >= 1
    );
    let leaders = count("SELECT count(*) AS n FROM leaders");

    let second = seed();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 units created"));
    assert_eq!(count("SELECT count(*) AS n FROM units"), units);
    assert_eq!(count("SELECT count(*) AS n FROM leaders"), leaders);
    assert_eq!(
        count("SELECT count(*) AS n FROM audit_log"),
        records,
        "an idempotent run writes nothing"
    );
    let signer = SigningKey::from_pkcs8(key.expose(), Algorithm::Ed25519, None).expect("key");
    let public = KeySet::new(Some(signer.public()), &[]);
    let expect = lianzheng::audit::Expect::default();
    let verified = lianzheng::audit::verify(&mut db.app(), &public, expect).expect("walk");
    assert!(
        verified.is_ok(),
        "the seeded records are signed: {verified:?}"
    );
}
