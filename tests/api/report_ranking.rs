//! The ranking table and the exports for other assessments (issue 16 §2, §7; task RANK), on
//! the demo's published 2013 cycle (5) and its 2011 cycle in review (3): the ranking's numbers
//! and ranks equal `GET …/results`; its workbook, read back with calamine, holds them as
//! numeric cells, with a chart over each sheet's totals; the CSV's BOM and formula escaping;
//! a fixed number of statements for 30 units and for 300; who sees which rows; and the two
//! exports, office only, the 公述民评 one with the teams' referrals.

use calamine::{Data, Reader};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use lianzheng::auth::{AuthUser, Role};
use lianzheng::models::CycleId;
use lianzheng::ops::report_ranking;
use serde_json::Value;

use crate::fixtures::add_scored_units;
use crate::helpers::{TestApp, assert_problem, republish};
use crate::statements::statements;
use crate::workbooks::{self, decimal, fetch, headers, json, number, part, workbook};

/// The demo's published 2013 cycle: a ranking of each unit's kind is circulated.
const PUBLISHED: i64 = 5;
/// The demo's 2011 cycle, in review: some units still lack a sheet or a score.
const IN_REVIEW: i64 = 3;

fn report(cycle: i64, name: &str) -> String {
    format!("/api/v1/assessment-cycles/{cycle}/reports/{name}")
}

/// Runs `sql` as the owner.
fn exec(app: &TestApp, sql: &str) {
    app.db
        .owner()
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One text returned by `sql` (as `t`).
fn text_of(app: &TestApp, sql: &str) -> String {
    #[derive(QueryableByName)]
    struct Text {
        #[diesel(sql_type = diesel::sql_types::Text)]
        t: String,
    }
    diesel::sql_query(sql)
        .get_result::<Text>(&mut app.db.owner())
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .t
}

/// Every result of `cycle` as the office reads `GET …/results`.
async fn results(app: &TestApp, cycle: i64) -> Vec<Value> {
    let path = format!("/api/v1/assessment-cycles/{cycle}/results?per_page=100");
    let page = json(app, &path, &app.office).await;
    let items = page["items"].as_array().expect("items").clone();
    assert_eq!(page["total"].as_u64(), Some(items.len() as u64), "one page");
    items
}

async fn csv(app: &TestApp, path: &str) -> String {
    let (content_type, _, body) =
        fetch(app, &format!("{path}?format=csv"), &app.office, None).await;
    assert_eq!(content_type, "text/csv; charset=utf-8");
    assert_eq!(&body[..3], b"\xEF\xBB\xBF", "a UTF-8 byte-order mark");
    String::from_utf8(body).expect("UTF-8")
}

/// A text cell, or "" for an empty one.
fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::Empty) | None => String::new(),
        other => workbooks::text(other),
    }
}

fn units(report: &Value) -> &Vec<Value> {
    report["units"].as_array().expect("units")
}

fn ids(rows: &[Value]) -> Vec<i64> {
    rows.iter()
        .map(|r| r["unit_id"].as_i64().expect("id"))
        .collect()
}

/// The fields the ranking shares with `GET …/results`.
const SHARED: [&str; 13] = [
    "unit_id",
    "unit_name",
    "unit_kind",
    "status",
    "missing",
    "special_score",
    "routine_score",
    "total",
    "rank_in_kind",
    "rank_overall",
    "band",
    "band_capped",
    "owes_rectification",
];

fn assert_same_results(lines: &[Value], expected: &[Value]) {
    assert_eq!(
        ids(lines),
        ids(expected),
        "the same units in the same order"
    );
    for (line, result) in lines.iter().zip(expected) {
        for field in SHARED.iter().chain(&["vetoed"]) {
            assert_eq!(line[field], result[field], "{field} of {line}");
        }
        assert!(line.get("leader_grades").is_none(), "no leader grades");
    }
}

#[tokio::test]
async fn the_ranking_equals_the_results_numbers_and_ranks_with_ties_sharing_a_rank() {
    let app = TestApp::spawn_demo().await;
    let ranking = json(&app, &report(PUBLISHED, "ranking"), &app.office).await;
    assert_eq!(ranking["year"], 2013);
    assert_eq!(ranking["state"], "published");
    assert_eq!(ranking["rectification_line"], "75.00");
    let expected = results(&app, PUBLISHED).await;
    assert!(expected.len() > 50);
    assert_same_results(units(&ranking), &expected);
    // Competition ranks: a tie shares its rank and the next rank is skipped (1, 1, 3).
    let lines = units(&ranking);
    let tie = lines
        .windows(2)
        .position(|w| w[0]["total"] == w[1]["total"])
        .expect("a tie in 2013");
    assert_eq!(lines[tie]["rank_overall"], lines[tie + 1]["rank_overall"]);
    let tied = lines
        .iter()
        .filter(|l| l["total"] == lines[tie]["total"])
        .count() as i64;
    let next = lines
        .iter()
        .find(|l| decimal(&l["total"]) < decimal(&lines[tie]["total"]))
        .expect("a unit after the tie");
    assert_eq!(
        next["rank_overall"].as_i64(),
        lines[tie]["rank_overall"].as_i64().map(|r| r + tied)
    );
    // 县商务局 sits on the line and owes; the vertical units are apart, unranked.
    let on_line = lines
        .iter()
        .find(|l| l["unit_name"] == "县商务局")
        .expect("县商务局");
    assert_eq!(on_line["total"], "75.00");
    assert_eq!(on_line["owes_rectification"], true);
    let vertical = app.count("SELECT count(*) AS n FROM units WHERE kind = 'vertical'");
    let fallbacks = ranking["fallbacks"].as_array().expect("fallbacks");
    assert_eq!(fallbacks.len() as i64, vertical);
    assert!(fallbacks.iter().all(|f| f.get("rank_overall").is_none()));
    assert!(!ids(lines).iter().any(|id| ids(fallbacks).contains(id)));

    // In review, the office sees the incomplete units listed with what they lack, unranked.
    let review = json(&app, &report(IN_REVIEW, "ranking"), &app.office).await;
    let expected = results(&app, IN_REVIEW).await;
    assert_same_results(units(&review), &expected);
    let incomplete: Vec<&Value> = units(&review)
        .iter()
        .filter(|l| l["status"] == "incomplete")
        .collect();
    assert!(!incomplete.is_empty(), "the review cycle lacks pieces");
    for line in &incomplete {
        assert!(
            line["rank_overall"].is_null() && line["total"].is_null(),
            "{line}"
        );
        assert!(!line["missing"].as_array().expect("missing").is_empty());
    }
    // Its workbook lists them on their own sheet, each with what it lacks in Chinese.
    let (mut book, _, _) = workbook(&app, &report(IN_REVIEW, "ranking"), &app.office, None).await;
    let apart = book.worksheet_range("未得出总分单位").expect("sheet");
    assert_eq!(
        headers(&apart, 2, 5),
        [
            "单位",
            "单位类型",
            "专项考核得分",
            "日常考核得分",
            "缺少的材料"
        ]
    );
    assert_eq!(apart.height(), 3 + incomplete.len());
    for (row, line) in (3u32..).zip(&incomplete) {
        assert_eq!(text(apart.get_value((row, 0))), line["unit_name"]);
        let lacks = text(apart.get_value((row, 4)));
        for piece in line["missing"].as_array().expect("missing") {
            let words = match piece.as_str() {
                Some("sheet_not_final") => "考核评分表未定稿",
                _ => "未录入日常考核得分",
            };
            assert!(lacks.contains(words), "{lacks} for {line}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn the_ranking_workbook_holds_the_json_numbers_by_kind_and_charts_each_sheets_totals() {
    let app = TestApp::spawn_demo().await;
    let ranking = json(&app, &report(PUBLISHED, "ranking"), &app.office).await;
    let lines = units(&ranking);
    let (mut book, bytes, _) =
        workbook(&app, &report(PUBLISHED, "ranking"), &app.office, None).await;
    let kinds: Vec<(&str, &str)> = [
        ("town", "乡镇排名"),
        ("county_department", "县直单位排名"),
        ("county_enterprise", "县属公司企业排名"),
    ]
    .into_iter()
    .filter(|(kind, _)| lines.iter().any(|l| l["unit_kind"] == *kind))
    .collect();
    let mut names = vec!["总排名"];
    names.extend(kinds.iter().map(|(_, name)| *name));
    names.push("垂直管理单位");
    assert_eq!(book.sheet_names(), names);

    let overall = book.worksheet_range("总排名").expect("sheet");
    assert!(text(overall.get_value((0, 0))).starts_with("阳山县2013年度"));
    assert!(text(overall.get_value((0, 0))).ends_with("考核结果排名"));
    assert!(text(overall.get_value((1, 0))).starts_with("数据截至 "));
    assert_eq!(
        headers(&overall, 2, 9),
        [
            "名次",
            "单位",
            "单位类型",
            "专项考核得分",
            "日常考核得分",
            "年度总分",
            "档次",
            "整改",
            "一票否决"
        ]
    );
    for (row, line) in (3u32..).zip(lines) {
        assert_eq!(
            number(overall.get_value((row, 0))),
            line["rank_overall"].as_i64().expect("rank") as f64
        );
        assert_eq!(text(overall.get_value((row, 1))), line["unit_name"]);
        assert_eq!(
            number(overall.get_value((row, 3))),
            decimal(&line["special_score"])
        );
        assert_eq!(
            number(overall.get_value((row, 4))),
            decimal(&line["routine_score"])
        );
        assert_eq!(number(overall.get_value((row, 5))), decimal(&line["total"]));
        assert_eq!(text(overall.get_value((row, 6))), line["band"]);
        let owes = if line["owes_rectification"] == true {
            "整改"
        } else {
            ""
        };
        assert_eq!(text(overall.get_value((row, 7))), owes, "{line}");
        assert_eq!(
            text(overall.get_value((row, 8))).starts_with("一票否决"),
            line["vetoed"] == true
        );
    }
    assert_eq!(overall.height(), 3 + lines.len());

    for (kind, name) in &kinds {
        let sheet = book.worksheet_range(name).expect("sheet");
        assert_eq!(
            headers(&sheet, 2, 8),
            [
                "名次",
                "单位",
                "专项考核得分",
                "日常考核得分",
                "年度总分",
                "档次",
                "整改",
                "一票否决"
            ]
        );
        let mut of_kind: Vec<&Value> = lines.iter().filter(|l| l["unit_kind"] == *kind).collect();
        of_kind.sort_by_key(|l| l["rank_in_kind"].as_i64());
        for (row, line) in (3u32..).zip(&of_kind) {
            assert_eq!(
                number(sheet.get_value((row, 0))),
                line["rank_in_kind"].as_i64().expect("rank") as f64
            );
            assert_eq!(text(sheet.get_value((row, 1))), line["unit_name"]);
            assert_eq!(number(sheet.get_value((row, 4))), decimal(&line["total"]));
        }
        assert_eq!(sheet.height(), 3 + of_kind.len());
    }

    let fallbacks = ranking["fallbacks"].as_array().expect("fallbacks");
    let apart = book.worksheet_range("垂直管理单位").expect("sheet");
    assert_eq!(
        headers(&apart, 2, 4),
        ["单位", "替代结果", "结果来源", "依据文件"]
    );
    for (row, f) in (3u32..).zip(fallbacks) {
        assert_eq!(text(apart.get_value((row, 0))), f["unit_name"]);
        assert_eq!(number(apart.get_value((row, 1))), decimal(&f["value"]));
        assert_eq!(text(apart.get_value((row, 3))), f["document_ref"]);
    }

    // The native charts: one per ranking sheet, each over its own rows (from row 4), the
    // units as categories and the totals (column F overall, E by kind) as values.
    let last = 3 + lines.len();
    let chart = part(&bytes, "xl/charts/chart1.xml");
    assert!(chart.contains("<c:barChart>"), "a column chart");
    assert!(chart.contains(&format!("总排名!$B$4:$B${last}")), "{chart}");
    assert!(chart.contains(&format!("总排名!$F$4:$F${last}")), "{chart}");
    assert!(
        chart.contains("总排名!$F$3"),
        "the series named by its header"
    );
    for (i, (kind, name)) in kinds.iter().enumerate() {
        let n = lines.iter().filter(|l| l["unit_kind"] == *kind).count();
        let chart = part(&bytes, &format!("xl/charts/chart{}.xml", i + 2));
        assert!(
            chart.contains(&format!("{name}!$E$4:$E${}", 3 + n)),
            "{chart}"
        );
        assert!(
            chart.contains(&format!("{name}!$B$4:$B${}", 3 + n)),
            "{chart}"
        );
    }
    let drawing = part(&bytes, "xl/drawings/_rels/drawing1.xml.rels");
    assert!(drawing.contains("../charts/chart1.xml"), "{drawing}");
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("paperSize=\"9\""), "A4");
    app.stop().await;
}

#[tokio::test]
async fn the_ranking_csv_has_a_bom_and_a_unit_named_like_a_formula_comes_out_escaped() {
    let app = TestApp::spawn_demo().await;
    exec(
        &app,
        "UPDATE units SET name = '=1+1' WHERE name = '县商务局'",
    );
    republish(&app, PUBLISHED);
    let text = csv(&app, &report(PUBLISHED, "ranking")).await;
    assert!(
        text.contains("\r\n名次,单位,单位类型,专项考核得分,"),
        "{text}"
    );
    assert!(text.contains(",'=1+1,"), "{text}");
    assert!(!text.contains(",=1+1,"), "{text}");
    // On the line: its numbers as the JSON writes them, and the rectification mark.
    assert!(text.contains(",'=1+1,县直单位,75.50,7.05,75.00,"), "{text}");
    let row = text
        .split("\r\n")
        .find(|l| l.contains(",'=1+1,县直单位,"))
        .expect("its row");
    assert!(row.contains(",整改,"), "{row}");
    // Every table under its name.
    for name in ["总排名", "乡镇排名", "县直单位排名", "垂直管理单位"] {
        assert!(text.contains(&format!("\r\n{name}\r\n")), "{name}");
    }
    let refused = app
        .get(
            &format!("{}?format=pdf", report(PUBLISHED, "ranking")),
            &app.office,
        )
        .await;
    assert_problem(refused, 406, "not_acceptable").await;
    app.stop().await;
}

fn user(role: Role, sub: &str, unit_id: Option<i64>) -> AuthUser {
    AuthUser {
        sub: sub.into(),
        name: sub.into(),
        role,
        unit_id: unit_id.map(lianzheng::models::UnitId),
        request_id: None,
    }
}

#[tokio::test]
async fn the_ranking_and_exports_run_as_many_statements_for_300_units_as_for_30() {
    let app = TestApp::spawn_demo().await;
    let leader = text_of(
        &app,
        &format!(
            "SELECT leader_sub AS t FROM inspection_teams WHERE cycle_id = {PUBLISHED} \
             ORDER BY id LIMIT 1"
        ),
    );
    let town = app.count("SELECT id AS n FROM units WHERE name = '岭背镇'");
    let callers = [
        user(Role::Office, "office-admin", None),
        user(Role::Unit, "unit-user", Some(town)),
        user(Role::Inspector, &leader, None),
    ];
    let mut conn = app.db.owner();
    let now = chrono::Utc::now();
    let id = CycleId(PUBLISHED);
    let run = |conn: &mut PgConnection| {
        let mut counts: Vec<usize> = callers
            .iter()
            .map(|caller| {
                statements(conn, |c| {
                    report_ranking::ranking(c, caller, id, now).expect("ranking")
                })
                .0
            })
            .collect();
        counts.push(
            statements(conn, |c| {
                report_ranking::party_building(c, id, now).expect("party building")
            })
            .0,
        );
        counts.push(
            statements(conn, |c| {
                report_ranking::public_evaluation(c, id, now).expect("public evaluation")
            })
            .0,
        );
        counts
    };
    let base = report_ranking::ranking(&mut conn, &callers[0], id, now)
        .expect("ranking")
        .units
        .len();
    add_scored_units(&mut conn, PUBLISHED, 30, 1);
    republish(&app, PUBLISHED);
    let small = run(&mut conn);
    add_scored_units(&mut conn, PUBLISHED, 270, 31);
    republish(&app, PUBLISHED);
    let large = run(&mut conn);
    assert_eq!(small, large, "statements for 30 and for 300 units");
    // The office's ranking and the exports are `for_cycle`'s statements and one or two more;
    // a unit's and an inspector's add `results::list`'s rules and their fallbacks.
    assert!(small[0] <= 8 && small[3] <= 8 && small[4] <= 9, "{small:?}");
    assert!(
        small.iter().all(|n| *n <= 13),
        "a fixed small number: {small:?}"
    );
    let ranking = report_ranking::ranking(&mut conn, &callers[0], id, now).expect("ranking");
    assert_eq!(ranking.units.len(), base + 300);
    assert!(ranking.units.iter().all(|u| u.rank_overall.is_some()));
    let export = report_ranking::public_evaluation(&mut conn, id, now).expect("export");
    assert!(export.referral_count >= 300);
    app.stop().await;
}

#[tokio::test]
async fn a_unit_sees_the_ranking_its_publication_scope_grants_and_no_more() {
    let app = TestApp::spawn_demo().await;
    let town = app.count("SELECT id AS n FROM units WHERE name = '岭背镇'");
    let token = app.unit_token(town);
    let all = json(&app, &report(PUBLISHED, "ranking"), &app.office).await;
    let lines = units(&all);
    let path = report(PUBLISHED, "ranking");

    // The demo circulates the ranking of a unit's kind: the towns, with their overall ranks.
    let seen = json(&app, &path, &token).await;
    let towns: Vec<Value> = lines
        .iter()
        .filter(|l| l["unit_kind"] == "town")
        .cloned()
        .collect();
    assert_same_results(units(&seen), &towns);
    assert!(ids(units(&seen)).contains(&town));
    assert_eq!(seen["fallbacks"], serde_json::json!([]));

    // Its own row only.
    exec(
        &app,
        &format!(
            "UPDATE result_settings SET publication_scope = 'own' WHERE cycle_id = {PUBLISHED}"
        ),
    );
    let seen = json(&app, &path, &token).await;
    let own: Vec<Value> = lines
        .iter()
        .filter(|l| l["unit_id"] == town)
        .cloned()
        .collect();
    assert_eq!(own.len(), 1);
    assert_same_results(units(&seen), &own);
    let (_, _, body) = fetch(&app, &format!("{path}?format=csv"), &token, None).await;
    let text = String::from_utf8(body).expect("UTF-8");
    assert!(text.contains(",岭背镇,"), "{text}");
    assert!(!text.contains("县商务局"), "another unit's row: {text}");

    // The whole ranking, with the vertical units' fallbacks.
    exec(
        &app,
        &format!(
            "UPDATE result_settings SET publication_scope = 'all' WHERE cycle_id = {PUBLISHED}"
        ),
    );
    let seen = json(&app, &path, &token).await;
    assert_same_results(units(&seen), lines);
    assert_eq!(seen["fallbacks"], all["fallbacks"]);

    // Before publication: 403 `not_published` to the unit, whatever the scope.
    assert_problem(
        app.get(&report(IN_REVIEW, "ranking"), &token).await,
        403,
        "not_published",
    )
    .await;
    assert_problem(
        app.get(&report(1, "ranking"), &app.unit_token(1)).await,
        403,
        "not_published",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn an_inspector_sees_their_teams_units_or_the_whole_ranking_where_it_is_granted() {
    let app = TestApp::spawn_demo().await;
    let (team, leader) = (
        app.count(&format!(
            "SELECT min(id) AS n FROM inspection_teams WHERE cycle_id = {PUBLISHED}"
        )),
        text_of(
            &app,
            &format!(
                "SELECT leader_sub AS t FROM inspection_teams WHERE cycle_id = {PUBLISHED} \
                 ORDER BY id LIMIT 1"
            ),
        ),
    );
    let token = app.token(Role::Inspector, &leader, None);
    let path = report(PUBLISHED, "ranking");
    let all = json(&app, &path, &app.office).await;
    let held = app.count(&format!(
        "SELECT count(*) AS n FROM team_units WHERE cycle_id = {PUBLISHED} AND team_id = {team}"
    ));
    assert!(held > 0);
    let theirs: Vec<Value> = units(&all)
        .iter()
        .filter(|l| {
            app.count(&format!(
                "SELECT count(*) AS n FROM team_units WHERE cycle_id = {PUBLISHED} \
                 AND team_id = {team} AND unit_id = {}",
                l["unit_id"]
            )) == 1
        })
        .cloned()
        .collect();
    assert_eq!(theirs.len() as i64, held);
    let seen = json(&app, &path, &token).await;
    assert_same_results(units(&seen), &theirs);
    // An inspector of no team sees no row.
    let stranger = app.token(Role::Inspector, "insp-nobody", None);
    let nothing = json(&app, &path, &stranger).await;
    assert_eq!(units(&nothing).len(), 0);

    // Where the publication gives inspectors the ranking: all of it.
    exec(
        &app,
        &format!(
            "UPDATE result_settings SET inspectors_see_ranking = true WHERE cycle_id = {PUBLISHED}"
        ),
    );
    let seen = json(&app, &path, &token).await;
    assert_same_results(units(&seen), units(&all));
    assert_eq!(seen["fallbacks"], all["fallbacks"]);

    // Before publication: 404, as for the results.
    exec(
        &app,
        &format!(
            "UPDATE result_settings SET inspectors_see_ranking = true WHERE cycle_id = {IN_REVIEW}"
        ),
    );
    let reviewer = text_of(
        &app,
        &format!(
            "SELECT leader_sub AS t FROM inspection_teams WHERE cycle_id = {IN_REVIEW} \
             ORDER BY id LIMIT 1"
        ),
    );
    assert_problem(
        app.get(
            &report(IN_REVIEW, "ranking"),
            &app.token(Role::Inspector, &reviewer, None),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn the_party_building_export_lists_every_unit_with_the_results_numbers() {
    let app = TestApp::spawn_demo().await;
    let path = report(PUBLISHED, "party-building");
    let export = json(&app, &path, &app.office).await;
    let expected = results(&app, PUBLISHED).await;
    let lines = units(&export);
    let vertical = app.count("SELECT count(*) AS n FROM units WHERE kind = 'vertical'");
    assert_eq!(lines.len(), expected.len() + vertical as usize);
    for (line, result) in lines.iter().zip(&expected) {
        for field in [
            "unit_id",
            "unit_name",
            "unit_kind",
            "status",
            "total",
            "band",
            "rank_overall",
            "owes_rectification",
            "vetoed",
        ] {
            assert_eq!(line[field], result[field], "{field} of {line}");
        }
    }
    assert!(
        lines[expected.len()..]
            .iter()
            .all(|l| l["status"] == "fallback" && l["rank_overall"].is_null())
    );
    let (mut book, _, _) = workbook(&app, &path, &app.office, None).await;
    assert_eq!(book.sheet_names(), ["党建考核用考核结果"]);
    let sheet = book.worksheet_range("党建考核用考核结果").expect("sheet");
    assert!(text(sheet.get_value((0, 0))).starts_with("阳山县2013年度"));
    assert_eq!(
        headers(&sheet, 2, 8),
        [
            "单位",
            "单位类型",
            "年度总分",
            "档次",
            "全县名次",
            "须整改",
            "一票否决",
            "备注"
        ]
    );
    for (row, line) in (3u32..).zip(lines) {
        assert_eq!(text(sheet.get_value((row, 0))), line["unit_name"]);
        assert_eq!(number(sheet.get_value((row, 2))), decimal(&line["total"]));
        if let Some(rank) = line["rank_overall"].as_i64() {
            assert_eq!(number(sheet.get_value((row, 4))), rank as f64);
        }
    }
    let text = csv(&app, &path).await;
    assert!(
        text.contains("\r\n单位,单位类型,年度总分,档次,全县名次,须整改,一票否决,备注\r\n"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_public_evaluation_export_carries_the_referrals_the_teams_recorded() {
    let app = TestApp::spawn_demo().await;
    let unit = app.count("SELECT id AS n FROM units WHERE name = '县商务局'");
    exec(
        &app,
        &format!(
            "INSERT INTO referrals (record_id, leader_name, facts, decision, created_by) \
             SELECT id, '王某', '安全生产监管失职', '县纪委党纪警告处分', 'insp-5-leader' \
             FROM scoring_records WHERE cycle_id = {PUBLISHED} AND unit_id = {unit};
             INSERT INTO referrals (record_id, leader_name, facts, decision, created_by) \
             SELECT id, '赵某', '项目审批把关不严', '诫勉谈话', 'insp-5-a' \
             FROM scoring_records WHERE cycle_id = {PUBLISHED} AND unit_id = {unit};"
        ),
    );
    let referrals = app.count(&format!(
        "SELECT count(*) AS n FROM referrals r JOIN scoring_records sr ON sr.id = r.record_id \
         WHERE sr.cycle_id = {PUBLISHED}"
    ));
    let path = report(PUBLISHED, "public-evaluation");
    let export = json(&app, &path, &app.office).await;
    assert_eq!(export["referral_count"], referrals);
    let expected = results(&app, PUBLISHED).await;
    let lines = units(&export);
    assert_eq!(ids(lines), ids(&expected));
    let it = lines
        .iter()
        .find(|l| l["unit_id"] == unit)
        .expect("县商务局");
    assert_eq!(it["total"], "75.00");
    let recorded = it["referrals"].as_array().expect("referrals");
    assert_eq!(recorded.len(), 2);
    assert_eq!(recorded[0]["leader_name"], "王某");
    assert_eq!(recorded[0]["facts"], "安全生产监管失职");
    assert_eq!(recorded[1]["decision"], "诫勉谈话");

    // One line per referral with the unit's columns repeated, one line for a unit without.
    let (mut book, _, _) = workbook(&app, &path, &app.office, None).await;
    assert_eq!(book.sheet_names(), ["公述民评用考核结果"]);
    let sheet = book.worksheet_range("公述民评用考核结果").expect("sheet");
    assert_eq!(
        headers(&sheet, 2, 12),
        [
            "单位",
            "单位类型",
            "年度总分",
            "档次",
            "全县名次",
            "须整改",
            "一票否决",
            "移交人员",
            "失职事实",
            "追责决定",
            "记录人",
            "记录日期"
        ]
    );
    let with_referrals = lines
        .iter()
        .filter(|l| !l["referrals"].as_array().expect("referrals").is_empty())
        .count();
    let rows = lines.len() - with_referrals + referrals as usize;
    assert_eq!(sheet.height(), 3 + rows);
    let found: Vec<u32> = (3..3 + rows as u32)
        .filter(|r| text(sheet.get_value((*r, 0))) == "县商务局")
        .collect();
    assert_eq!(found.len(), 2, "the unit's columns on each referral's line");
    for (row, referral) in found.iter().zip(recorded) {
        assert_eq!(number(sheet.get_value((*row, 2))), 75.0);
        assert_eq!(text(sheet.get_value((*row, 5))), "是");
        assert_eq!(text(sheet.get_value((*row, 7))), referral["leader_name"]);
        assert_eq!(text(sheet.get_value((*row, 8))), referral["facts"]);
    }
    let text = csv(&app, &path).await;
    assert!(
        text.contains(",王某,安全生产监管失职,县纪委党纪警告处分,insp-5-leader,"),
        "{text}"
    );
    app.stop().await;
}

#[tokio::test]
async fn only_the_office_reads_the_exports() {
    let app = TestApp::spawn_demo().await;
    let town = app.count("SELECT id AS n FROM units WHERE name = '岭背镇'");
    let unit = app.unit_token(town);
    let inspector = app.token(Role::Inspector, "insp-1-leader", None);
    for name in ["party-building", "public-evaluation"] {
        for token in [&unit, &inspector] {
            let response = app.get(&report(PUBLISHED, name), token).await;
            assert_problem(response, 403, "forbidden").await;
        }
        let missing = app.get(&report(999, name), &app.office).await;
        assert_problem(missing, 404, "not_found").await;
    }
    let missing = app.get(&report(999, "ranking"), &app.office).await;
    assert_problem(missing, 404, "not_found").await;
    app.stop().await;
}
