//! The demo county's published past (issue 15 item 8, issue 16): the 2012 and 2013 cycles (4
//! and 5), published with a full ranking beside the 2014 cycle in progress, and a seeded audit
//! trail that verifies.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::helpers::TestApp;

/// The published years and their cycles.
const HISTORY: [(i64, i64); 2] = [(4, 2012), (5, 2013)];

/// Every assessed unit's result of `cycle`, as the office reads them (one page of 100).
async fn results(app: &TestApp, cycle: i64) -> Vec<Value> {
    let response = app
        .get(
            &format!("/api/v1/assessment-cycles/{cycle}/results?per_page=100"),
            &app.office,
        )
        .await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.expect("json");
    let items = page["items"].as_array().expect("items").clone();
    assert_eq!(
        page["total"].as_u64(),
        u64::try_from(items.len()).ok(),
        "one page"
    );
    items
}

/// A decimal string in hundredths, exactly (`"75.00"` → 7500).
fn hundredths(v: &Value) -> i64 {
    let text = v
        .as_str()
        .unwrap_or_else(|| panic!("a decimal string: {v}"));
    let (whole, fraction) = text.split_once('.').expect("two decimals");
    assert_eq!(fraction.len(), 2, "{text}");
    whole.parse::<i64>().expect("whole") * 100 + fraction.parse::<i64>().expect("fraction")
}

/// The names of the units that owe rectification.
fn owing(units: &[Value]) -> BTreeSet<String> {
    units
        .iter()
        .filter(|u| u["owes_rectification"] == true)
        .map(|u| u["unit_name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn the_demo_has_published_2012_and_2013_cycles_with_every_assessed_unit_ranked() {
    let app = TestApp::spawn_demo().await;
    let mut owed = Vec::new();
    for (cycle, year) in HISTORY {
        let found: Value = app
            .get(&format!("/api/v1/assessment-cycles/{cycle}"), &app.office)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(found["year"], year, "{found}");
        assert_eq!(found["state"], "published", "{found}");
        let assessed = app.count(&format!(
            "SELECT count(*) AS n FROM cycle_units WHERE cycle_id = {cycle} \
             AND status = 'assessed'"
        ));
        let units = results(&app, cycle).await;
        assert_eq!(i64::try_from(units.len()).ok(), Some(assessed), "{year}");
        assert!(assessed > 50, "{assessed} assessed units in {year}");
        for unit in &units {
            assert_eq!(unit["status"], "complete", "{unit}");
            // total = special × 90/100 + routine × 10/10, rounded half-up to two decimals.
            let exact = 9 * hundredths(&unit["special_score"]) * 10
                + hundredths(&unit["routine_score"]) * 100;
            let rounded = (exact + 50) / 100;
            assert_eq!(hundredths(&unit["total"]), rounded, "{unit}");
            assert_eq!(
                unit["owes_rectification"],
                rounded <= 7_500,
                "the line is inclusive: {unit}"
            );
            assert!(unit["band"].is_string(), "{unit}");
        }
        // Competition ranks: one more than the units with a higher total, overall and in kind.
        for unit in &units {
            let total = hundredths(&unit["total"]);
            let above = |same_kind: bool| {
                units
                    .iter()
                    .filter(|o| !same_kind || o["unit_kind"] == unit["unit_kind"])
                    .filter(|o| hundredths(&o["total"]) > total)
                    .count()
            };
            assert_eq!(
                unit["rank_overall"].as_u64(),
                u64::try_from(above(false) + 1).ok()
            );
            assert_eq!(
                unit["rank_in_kind"].as_u64(),
                u64::try_from(above(true) + 1).ok()
            );
        }
        // By rank, and with a tie that shares its rank and skips the next.
        let totals: Vec<i64> = units.iter().map(|u| hundredths(&u["total"])).collect();
        assert!(
            totals.windows(2).all(|w| w[0] >= w[1]),
            "by rank: {totals:?}"
        );
        let tie = units
            .windows(2)
            .find(|w| w[0]["total"] == w[1]["total"])
            .unwrap_or_else(|| panic!("a tie in {year}"));
        assert_eq!(tie[0]["rank_overall"], tie[1]["rank_overall"]);
        let after = units
            .iter()
            .find(|u| hundredths(&u["total"]) < hundredths(&tie[0]["total"]))
            .expect("a unit after the tie");
        let tied = units
            .iter()
            .filter(|u| u["total"] == tie[0]["total"])
            .count();
        assert_eq!(
            after["rank_overall"].as_u64(),
            tie[0]["rank_overall"]
                .as_u64()
                .map(|r| r + u64::try_from(tied).unwrap_or_default()),
            "the rank after a tie is skipped"
        );
        let owes = owing(&units);
        assert!(
            owes.len() >= 3,
            "several units at or below the line: {owes:?}"
        );
        let fallbacks: Value = app
            .get(
                &format!("/api/v1/assessment-cycles/{cycle}/fallback-results"),
                &app.office,
            )
            .await
            .json()
            .await
            .expect("json");
        let vertical = app.count("SELECT count(*) AS n FROM units WHERE kind = 'vertical'");
        assert_eq!(
            i64::try_from(fallbacks["items"].as_array().expect("items").len()).ok(),
            Some(vertical),
            "every vertical unit has a fallback result: {fallbacks}"
        );
        owed.push(owes);
    }

    // 2013: exactly one unit on the line, 县商务局, which owes.
    let units = results(&app, 5).await;
    let on_line: Vec<&Value> = units.iter().filter(|u| u["total"] == "75.00").collect();
    assert_eq!(on_line.len(), 1, "{on_line:?}");
    assert_eq!(on_line[0]["unit_name"], "县商务局");
    assert_eq!(on_line[0]["owes_rectification"], true);
    assert_eq!(on_line[0]["special_score"], "75.50");
    assert_eq!(on_line[0]["routine_score"], "7.05");

    // Below the line two cycles running (issue 16's warning).
    let twice: BTreeSet<&String> = owed[0].intersection(&owed[1]).collect();
    for name in ["岭背镇", "县林业局"] {
        assert!(twice.contains(&name.to_owned()), "{name} in {twice:?}");
        let unit = units
            .iter()
            .find(|u| u["unit_name"] == name)
            .expect("the unit");
        assert!(hundredths(&unit["total"]) < 7_500, "{unit}");
    }
    // The 2014 cycle is still in progress, the 2011 one in review.
    let state = |id: i64| {
        app.count(&format!(
            "SELECT count(*) AS n FROM assessment_cycles WHERE id = {id} AND state = '{}'",
            if id == 1 {
                "special_inspection"
            } else {
                "review"
            }
        ))
    };
    assert_eq!((state(1), state(3)), (1, 1));
    app.stop().await;
}

#[tokio::test]
async fn a_published_demo_unit_reads_its_own_result_and_the_ranking_of_its_kind() {
    let app = TestApp::spawn_demo().await;
    let id = app.count("SELECT id AS n FROM units WHERE name = '岭背镇'");
    let token = app.unit_token(id);
    let own: Value = app
        .get(
            &format!("/api/v1/assessment-cycles/5/units/{id}/result"),
            &token,
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(own["owes_rectification"], true, "{own}");
    let ranking = results(&app, 4).await;
    let response = app
        .get("/api/v1/assessment-cycles/4/results?per_page=100", &token)
        .await;
    assert_eq!(response.status(), 200);
    let seen: Value = response.json().await.expect("json");
    let towns = ranking.iter().filter(|u| u["unit_kind"] == "town").count();
    let items = seen["items"].as_array().expect("items");
    assert_eq!(items.len(), towns, "the ranking of its kind: {seen}");
    assert!(items.iter().all(|u| u["unit_kind"] == "town"));
    app.stop().await;
}

#[tokio::test]
async fn the_seeded_demo_audit_trail_verifies_with_the_public_key_alone() {
    let app = TestApp::spawn_demo().await;
    let keys: Value = app
        .get("/api/v1/audit/keys", &app.unit_token(1))
        .await
        .json()
        .await
        .expect("keys");
    let dir = std::env::temp_dir().join(format!("lianzheng-demo-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("keys.json");
    std::fs::write(&path, keys.to_string()).expect("save the keys");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_lianzheng"))
        .args(["audit", "verify", "--public-key"])
        .arg(&path)
        .env_clear()
        .env("DATABASE_URL", app.db.app_url())
        .output()
        .expect("run audit verify");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("intact"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
    app.stop().await;
}

#[tokio::test]
async fn the_published_sheets_and_reports_are_final_and_signed_over_their_content() {
    let app = TestApp::spawn_demo().await;
    let id = app.count("SELECT id AS n FROM units WHERE name = '县商务局'");
    for (cycle, _) in HISTORY {
        for (document, total) in [("scoring-record", true), ("team-report", false)] {
            let path = format!("/api/v1/assessment-cycles/{cycle}/units/{id}/{document}");
            let response = app.get(&path, &app.office).await;
            assert_eq!(response.status(), 200, "{path}");
            let body: Value = response.json().await.expect("json");
            assert_eq!(body["status"], "final", "{body}");
            let signatures = body["signatures"].as_array().expect("signatures");
            assert_eq!(signatures.len(), 3, "the leader and two members: {body}");
            assert!(
                signatures.iter().all(|s| s["content_matches"] == true),
                "every signature holds over the content shown: {body}"
            );
            if total && cycle == 5 {
                assert_eq!(body["total"], "75.50", "{body}");
            }
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_2013_results_were_corrected_and_published_again_leaving_every_rectification_state() {
    let app = TestApp::spawn_demo().await;
    // Two versions of 2013: the second corrects 县审计局's routine score (2.00 → 9.00).
    let versions: Value = app
        .get("/api/v1/assessment-cycles/5/publications", &app.office)
        .await
        .json()
        .await
        .expect("json");
    let refs: Vec<&Value> = versions["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|v| &v["document_ref"])
        .collect();
    assert_eq!(
        refs,
        ["阳纪通〔2014〕3号", "阳纪通〔2014〕2号"],
        "{versions}"
    );
    let audit_office = app.count("SELECT id AS n FROM units WHERE name = '县审计局'");
    let changes: Value = app
        .get(
            "/api/v1/assessment-cycles/5/publications/2/changes?per_page=100",
            &app.office,
        )
        .await
        .json()
        .await
        .expect("json");
    let changed = changes["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|c| c["unit_id"] == audit_office)
        .unwrap_or_else(|| panic!("县审计局 changed: {changes}"))
        .clone();
    let field = |name: &str| {
        changed["fields"]
            .as_array()
            .expect("fields")
            .iter()
            .find(|f| f["field"] == name)
            .unwrap_or_else(|| panic!("{name} in {changed}"))
            .clone()
    };
    assert_eq!(
        (
            &field("routine_score")["old"],
            &field("routine_score")["new"]
        ),
        (&Value::from("2.00"), &Value::from("9.00"))
    );
    assert_eq!(
        (&field("total")["old"], &field("total")["new"]),
        (&Value::from("74.00"), &Value::from("81.00"))
    );
    let now = results(&app, 5).await;
    let unit = now
        .iter()
        .find(|u| u["unit_id"] == audit_office)
        .expect("县审计局");
    assert_eq!(unit["owes_rectification"], false, "{unit}");

    // Its duty withdrawn; across the two years, every state of a rectification.
    let state = app.count(&format!(
        "SELECT count(*) AS n FROM rectifications \
         WHERE cycle_id = 5 AND unit_id = {audit_office} AND status = 'withdrawn'"
    ));
    assert_eq!(state, 1, "the corrected unit's duty is withdrawn");
    for status in [
        "owed",
        "draft",
        "submitted",
        "returned",
        "accepted",
        "withdrawn",
    ] {
        let n = app.count(&format!(
            "SELECT count(*) AS n FROM rectifications \
             WHERE cycle_id IN (4, 5) AND status = '{status}'"
        ));
        assert!(n >= 1, "a rectification {status} in the demo");
    }
    app.stop().await;
}
