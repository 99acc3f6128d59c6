//! One case per write operation of the contract, keyed by its `operationId`. A case arranges
//! what its operation needs on an empty county, then makes one call that succeeds and one that
//! is rejected, counting the audit records each appended; the test in `audit.rs` judges them.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::catalogue::{Body, Call, Who, etag, must};
use crate::fixtures::{self, Sheet, fixture, inspectors, record, sheet, team_report};
use crate::helpers::TestApp;

use super::audit_count;

/// A call's answer and how many audit records it appended.
pub struct Counted {
    /// The status it answered.
    pub status: StatusCode,
    /// The records appended while it ran.
    pub records: i64,
}

/// What a case saw.
pub struct Outcome {
    /// The call that should succeed.
    pub ok: Counted,
    /// The action the successful call's record should name.
    pub action: &'static str,
    /// The call that should be rejected.
    pub bad: Counted,
}

impl Outcome {
    /// The successful call, the action its record names, and the rejected call.
    fn new(ok: Counted, action: &'static str, bad: Counted) -> Self {
        Self { ok, action, bad }
    }
}

/// A case: its future borrows the app it runs on.
pub type Case = for<'a> fn(&'a TestApp) -> Pin<Box<dyn Future<Output = Outcome> + 'a>>;

/// Registers each async fn under its own name, which is the operationId it exercises.
macro_rules! table {
    ($($operation:ident),* $(,)?) => {{
        let mut table: BTreeMap<&'static str, Case> = BTreeMap::new();
        $({
            fn case(app: &TestApp) -> Pin<Box<dyn Future<Output = Outcome> + '_>> {
                Box::pin($operation(app))
            }
            table.insert(stringify!($operation), case);
        })*
        table
    }};
}

/// Every case, keyed by the operationId it exercises.
pub fn table() -> BTreeMap<&'static str, Case> {
    table![
        create_unit,
        update_unit,
        delete_unit,
        archive_unit,
        restore_unit,
        create_leader,
        update_leader,
        delete_leader,
        create_cycle,
        update_cycle,
        create_transition,
        create_deadline_extension,
        put_cycle_unit,
        put_form,
        copy_forms,
        upload_attachment,
        delete_attachment,
        put_self_inspection,
        submit_self_inspection,
        return_self_inspection,
        record_paper_copy,
        put_accountability_report,
        submit_accountability_report,
        return_accountability_report,
        create_team,
        update_team,
        assign_unit,
        unassign_unit,
        put_record_item,
        put_record_methods,
        create_referral,
        delete_referral,
        submit_scoring_record,
        sign_scoring_record,
        reopen_scoring_record,
        put_team_report,
        submit_team_report,
        sign_team_report,
        reopen_team_report,
        update_evaluation_settings,
        create_evaluation_round,
        issue_ballot_codes,
        put_paper_tally,
        close_evaluation_round,
        resume_evaluation_round,
        put_leader_grade,
        put_routine_plan,
        put_routine_target,
        commit_routine_draw,
        seed_routine_draw,
        put_routine_visit,
        submit_routine_visit,
        sign_routine_visit,
        reopen_routine_visit,
        create_routine_scores,
        put_routine_score,
        // Results (issue 15, task RESULTS).
        put_result_settings,
        put_grade_bands,
        create_veto,
        delete_veto,
        put_fallback_result,
        delete_fallback_result,
        // Publication (issue 15, part 2).
        create_cycle_decision,
        update_cycle_decision,
        // Commendations and notices (issue 15 item 6), and the acknowledgement of results.
        create_commendation,
        update_commendation,
        delete_commendation,
        publish_commendation,
        acknowledge_result,
        // Publication settings (issue 15 item 4, task SNAP).
        put_publication_settings,
        // Rectification (issue 15 item 5, task RECT).
        put_rectification,
        submit_rectification,
        return_rectification,
        accept_rectification,
        // The report to the county committee (issue 16 item 6, task COMMITTEE).
        put_committee_report,
    ]
}

/// Sends `call` and counts the audit records it appended.
async fn counted(app: &TestApp, call: &Call) -> Counted {
    let before = audit_count(app);
    let response = call.send(app).await;
    Counted {
        status: response.status(),
        records: audit_count(app) - before,
    }
}

/// A bodiless POST by the office, for the actions that take no input.
fn bare_post(path: impl Into<String>) -> Call {
    Call::new(Method::POST, path)
}

/// A POST of an empty JSON object, as the units and inspectors send their actions.
fn empty_post(path: impl Into<String>) -> Call {
    Call::post(path, json!({}))
}

/// The path of `rest` under `cycle`.
fn in_cycle(cycle: i64, rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{cycle}{rest}")
}

async fn create_unit(app: &TestApp) -> Outcome {
    let register = |name: &str| Call::post("/api/v1/units", json!({"name": name, "kind": "town"}));
    let ok = counted(app, &register("阳城镇")).await;
    let bad = counted(app, &register("")).await;
    Outcome::new(ok, "create", bad)
}

async fn update_unit(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "阳城镇", "town").await;
    let path = format!("/api/v1/units/{}", unit.id);
    // Both send the tag of the registration, which the first update makes stale.
    let update =
        |person: &str| Call::patch(&path, json!({"contact_person": person})).if_match(&unit.etag);
    let ok = counted(app, &update("黄志明")).await;
    let bad = counted(app, &update("别人")).await;
    Outcome::new(ok, "update", bad)
}

async fn delete_unit(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县粮食局", "county_department")
        .await
        .id;
    let path = format!("/api/v1/units/{unit}");
    let bad = counted(app, &Call::delete(&path).if_match("\"7\"")).await;
    let ok = counted(app, &Call::delete(&path)).await;
    Outcome::new(ok, "delete", bad)
}

async fn archive_unit(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县粮食局", "county_department")
        .await
        .id;
    let archive = bare_post(format!("/api/v1/units/{unit}/archive"));
    let ok = counted(app, &archive).await;
    let bad = counted(app, &archive).await;
    Outcome::new(ok, "archive", bad)
}

async fn restore_unit(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县粮食局", "county_department")
        .await
        .id;
    let restore = bare_post(format!("/api/v1/units/{unit}/restore"));
    let bad = counted(app, &restore).await;
    must(app, bare_post(format!("/api/v1/units/{unit}/archive"))).await;
    let ok = counted(app, &restore).await;
    Outcome::new(ok, "restore", bad)
}

async fn create_leader(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县审计局", "county_department")
        .await
        .id;
    let path = format!("/api/v1/units/{unit}/leaders");
    let first = |name: &str, position: &str| {
        Call::post(
            &path,
            json!({"name": name, "position": position, "is_first_responsible": true}),
        )
    };
    let ok = counted(app, &first("罗志明", "局长")).await;
    // A department has one first responsible person.
    let bad = counted(app, &first("谢芳", "党组书记")).await;
    Outcome::new(ok, "create", bad)
}

async fn update_leader(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县审计局", "county_department")
        .await
        .id;
    let leader = fixtures::leader(app, unit, "罗志明", "局长", true).await;
    let path = format!("/api/v1/units/{unit}/leaders/{}", leader.id);
    let position = |position: &str| Call::patch(&path, json!({"position": position}));
    let ok = counted(app, &position("局长、党组书记").if_match(&leader.etag)).await;
    // The current tag, so only the blank position is wrong.
    let bad = counted(app, &position("").if_match("\"2\"")).await;
    Outcome::new(ok, "update", bad)
}

async fn delete_leader(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县审计局", "county_department")
        .await
        .id;
    let leader = fixtures::leader(app, unit, "罗志明", "局长", true).await.id;
    let delete = |leader: i64| Call::delete(format!("/api/v1/units/{unit}/leaders/{leader}"));
    let bad = counted(app, &delete(leader + 1000)).await;
    let ok = counted(app, &delete(leader)).await;
    Outcome::new(ok, "delete", bad)
}

async fn create_cycle(app: &TestApp) -> Outcome {
    let open = Call::post("/api/v1/assessment-cycles", json!({"year": 2014}));
    let ok = counted(app, &open).await;
    // One cycle a year.
    let bad = counted(app, &open).await;
    Outcome::new(ok, "create", bad)
}

async fn update_cycle(app: &TestApp) -> Outcome {
    let cycle = fixtures::cycle(app, 2014).await;
    let path = in_cycle(cycle.id, "");
    // Both send the tag of the creation, which the first update makes stale.
    let retitle = |title: &str| Call::patch(&path, json!({"title": title})).if_match(&cycle.etag);
    let ok = counted(app, &retitle("新标题")).await;
    let bad = counted(app, &retitle("x")).await;
    Outcome::new(ok, "update", bad)
}

async fn create_transition(app: &TestApp) -> Outcome {
    let cycle = fixtures::cycle(app, 2014).await.id;
    let to = |state: &str| Call::post(in_cycle(cycle, "/transitions"), json!({"to": state}));
    // A draft cannot skip to the review.
    let bad = counted(app, &to("review")).await;
    let ok = counted(app, &to("self_inspection")).await;
    Outcome::new(ok, "transition", bad)
}

async fn create_deadline_extension(app: &TestApp) -> Outcome {
    let cycle = fixtures::cycle(app, 2014).await.id;
    let extend = Call::post(
        in_cycle(cycle, "/deadline-extensions"),
        json!({"deadline": "team_reports_due", "new_date": "2014-10-20", "reason": "延期"}),
    );
    let ok = counted(app, &extend).await;
    // The same date again extends nothing.
    let bad = counted(app, &extend).await;
    Outcome::new(ok, "extend_deadline", bad)
}

async fn put_cycle_unit(app: &TestApp) -> Outcome {
    let unit = fixtures::unit(app, "县审计局", "county_department")
        .await
        .id;
    let cycle = fixtures::cycle(app, 2014).await.id;
    let exclude = Call::put(
        in_cycle(cycle, &format!("/units/{unit}")),
        json!({"status": "excluded", "reason": "机构改革"}),
    );
    // A draft has no list of units yet.
    let bad = counted(app, &exclude).await;
    let start = Call::post(
        in_cycle(cycle, "/transitions"),
        json!({"to": "self_inspection"}),
    );
    must(app, start).await;
    let ok = counted(app, &exclude).await;
    Outcome::new(ok, "update", bad)
}

async fn put_form(app: &TestApp) -> Outcome {
    let cycle = fixtures::cycle(app, 2014).await.id;
    let path = in_cycle(cycle, "/forms/county_enterprise");
    let rule = json!({"code": "1.1-R1", "grounds": "未部署",
        "points": {"min": "5.00", "max": "5.00"}, "evidence": "会议记录"});
    let item = json!({"code": "1.1", "content_area": 1, "title": "部署",
        "max_points": "100.00", "rules": [rule]});
    let form = json!({"title": "企业考评表", "items": [item]});
    let ok = counted(app, &Call::put(&path, form)).await;
    let empty = json!({"title": "企业考评表", "items": []});
    let bad = counted(app, &Call::put(&path, empty).if_match("\"1\"")).await;
    Outcome::new(ok, "create", bad)
}

async fn copy_forms(app: &TestApp) -> Outcome {
    let last = fixtures::cycle(app, 2014).await.id;
    let this = fixtures::cycle(app, 2015).await.id;
    let copy = |from: i64| {
        Call::post(
            in_cycle(this, "/forms/copy"),
            json!({"from_cycle_id": from}),
        )
    };
    let ok = counted(app, &copy(last)).await;
    let bad = counted(app, &copy(999_999)).await;
    Outcome::new(ok, "copy_forms", bad)
}

/// The smallest PDF the type check accepts.
const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

/// An upload of `bytes` named `name`, by the office.
fn upload(name: &'static str, bytes: &[u8]) -> Call {
    let mut call = Call::new(Method::POST, "/api/v1/attachments");
    call.body = Body::Multipart {
        field: "file",
        file_name: name,
        bytes: bytes.to_vec(),
    };
    call
}

async fn upload_attachment(app: &TestApp) -> Outcome {
    let ok = counted(app, &upload("a.pdf", PDF)).await;
    let bad = counted(app, &upload("a.txt", b"<html></html>")).await;
    Outcome::new(ok, "create", bad)
}

async fn delete_attachment(app: &TestApp) -> Outcome {
    let attachment = fixtures::upload(app, &app.office, "a.pdf", PDF.to_vec()).await;
    let delete = Call::delete(format!("/api/v1/attachments/{attachment}"));
    let ok = counted(app, &delete).await;
    let bad = counted(app, &delete).await;
    Outcome::new(ok, "delete", bad)
}

/// The fixture's town: its self-inspection's path, the town as the caller, and its draft
/// scoring every item at its maximum.
async fn self_inspection(app: &TestApp) -> (String, Who, Call) {
    let f = fixture(app).await;
    let path = f.self_inspection(f.town);
    let town = Who::Unit(f.town);
    let scores = f.full_scores();
    let draft = Call::put(&path, json!({"report": "自查报告", "scores": scores})).by(town);
    (path, town, draft)
}

async fn put_self_inspection(app: &TestApp) -> Outcome {
    let (path, town, draft) = self_inspection(app).await;
    let ok = counted(app, &draft).await;
    let bad = counted(app, &Call::put(&path, json!({"report": "x"})).by(town)).await;
    Outcome::new(ok, "create", bad)
}

async fn submit_self_inspection(app: &TestApp) -> Outcome {
    let (path, town, draft) = self_inspection(app).await;
    must(app, draft).await;
    let submit = empty_post(format!("{path}/submit")).by(town);
    let ok = counted(app, &submit).await;
    let bad = counted(app, &submit).await;
    Outcome::new(ok, "submit", bad)
}

async fn return_self_inspection(app: &TestApp) -> Outcome {
    let (path, town, draft) = self_inspection(app).await;
    must(app, draft).await;
    let send_back = |reason: &str| Call::post(format!("{path}/return"), json!({"reason": reason}));
    // A draft was never submitted, so there is nothing to return.
    let bad = counted(app, &send_back("未提交")).await;
    must(app, empty_post(format!("{path}/submit")).by(town)).await;
    let ok = counted(app, &send_back("补充材料")).await;
    Outcome::new(ok, "return", bad)
}

async fn record_paper_copy(app: &TestApp) -> Outcome {
    let (path, town, draft) = self_inspection(app).await;
    must(app, draft).await;
    let received = empty_post(format!("{path}/paper-received"));
    let ok = counted(app, &received).await;
    // Only the office records the paper copy.
    let bad = counted(app, &received.clone().by(town)).await;
    Outcome::new(ok, "paper_received", bad)
}

/// The fixture's town: the path of its secretary's accountability report, and the town as the
/// caller.
async fn accountability_report(app: &TestApp) -> (String, Who) {
    let f = fixture(app).await;
    let leader = f.town_leaders[0];
    let rest = format!("/units/{}/accountability-reports/{leader}", f.town);
    (in_cycle(f.cycle, &rest), Who::Unit(f.town))
}

/// A report's body.
fn report(text: &str) -> serde_json::Value {
    json!({"body": text})
}

async fn put_accountability_report(app: &TestApp) -> Outcome {
    let (path, town) = accountability_report(app).await;
    let ok = counted(app, &Call::put(&path, report("述责报告")).by(town)).await;
    let bad = counted(app, &Call::put(&path, report("x")).by(town)).await;
    Outcome::new(ok, "create", bad)
}

async fn submit_accountability_report(app: &TestApp) -> Outcome {
    let (path, town) = accountability_report(app).await;
    must(app, Call::put(&path, report("述责报告")).by(town)).await;
    let submit = empty_post(format!("{path}/submit")).by(town);
    let ok = counted(app, &submit).await;
    let bad = counted(app, &submit).await;
    Outcome::new(ok, "submit", bad)
}

async fn return_accountability_report(app: &TestApp) -> Outcome {
    let (path, town) = accountability_report(app).await;
    must(app, Call::put(&path, report("述责报告")).by(town)).await;
    let send_back = |reason: &str| Call::post(format!("{path}/return"), json!({"reason": reason}));
    let bad = counted(app, &send_back("未提交")).await;
    must(app, empty_post(format!("{path}/submit")).by(town)).await;
    let ok = counted(app, &send_back("补充")).await;
    Outcome::new(ok, "return", bad)
}

async fn create_team(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let body = json!({"name": "第一考核组", "leader": {"sub": "l", "name": "欧阳志明"},
        "members": [{"sub": "m", "name": "陈晓红"}]});
    let form = Call::post(in_cycle(f.cycle, "/teams"), body);
    let ok = counted(app, &form).await;
    // The name is taken now.
    let bad = counted(app, &form).await;
    Outcome::new(ok, "create", bad)
}

async fn update_team(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let team = fixtures::team(app, f.cycle, "第一考核组", "l", &["m"]).await;
    let path = in_cycle(f.cycle, &format!("/teams/{}", team.id));
    // Both send the tag of the creation, which the first rename makes stale.
    let rename = |name: &str| Call::patch(&path, json!({"name": name})).if_match(&team.etag);
    let ok = counted(app, &rename("第二考核组")).await;
    let bad = counted(app, &rename("第三考核组")).await;
    Outcome::new(ok, "update", bad)
}

async fn assign_unit(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let team = fixtures::team(app, f.cycle, "第一考核组", "l", &["m"])
        .await
        .id;
    let assign = |team: i64| {
        let rest = format!("/teams/{team}/units/{}", f.town);
        Call::new(Method::PUT, in_cycle(f.cycle, &rest))
    };
    let ok = counted(app, &assign(team)).await;
    let bad = counted(app, &assign(team + 99)).await;
    Outcome::new(ok, "assign", bad)
}

async fn unassign_unit(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let team = fixtures::team(app, f.cycle, "第一考核组", "l", &["m"])
        .await
        .id;
    let path = in_cycle(f.cycle, &format!("/teams/{team}/units/{}", f.town));
    // The town is not on the team yet.
    let bad = counted(app, &Call::delete(&path)).await;
    must(app, Call::new(Method::PUT, &path)).await;
    let ok = counted(app, &Call::delete(&path)).await;
    Outcome::new(ok, "unassign", bad)
}

/// A member of the town's team.
const MEMBER: Who = Who::Inspector(inspectors::MEMBER1);

/// Every member of the town's team signs `path`'s document.
async fn all_sign(app: &TestApp, path: &str) {
    use inspectors::{LEADER, MEMBER1, MEMBER2};
    for who in [MEMBER1, MEMBER2, LEADER] {
        must(
            app,
            empty_post(format!("{path}/signatures")).by(Who::Inspector(who)),
        )
        .await;
    }
}

async fn put_record_item(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let code = &s.f.items[0].0;
    let path = format!("{}/items/{code}", record(&s));
    // Both send the item's first tag, which the first change makes stale.
    let note = |notes: &str| {
        Call::put(&path, json!({"evidence_notes": notes}))
            .by(MEMBER)
            .if_match("\"0\"")
    };
    let ok = counted(app, &note("记录")).await;
    let bad = counted(app, &note("过期")).await;
    Outcome::new(ok, "update", bad)
}

async fn put_record_methods(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let path = format!("{}/methods", record(&s));
    let methods = |methods: serde_json::Value| {
        Call::put(&path, json!({"methods": methods}))
            .by(MEMBER)
            .if_match("\"0\"")
    };
    let ok = counted(app, &methods(json!(["hearing_report"]))).await;
    let bad = counted(app, &methods(json!([]))).await;
    Outcome::new(ok, "update", bad)
}

async fn create_referral(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let path = format!("{}/referrals", record(&s));
    let referral = json!({"facts": "失职", "decision": "处分决定"});
    let ok = counted(app, &Call::post(&path, referral).by(MEMBER)).await;
    let bad = counted(app, &Call::post(&path, json!({"facts": "失职"})).by(MEMBER)).await;
    Outcome::new(ok, "create", bad)
}

async fn delete_referral(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let referrals = format!("{}/referrals", record(&s));
    let referral = json!({"facts": "失职", "decision": "决定"});
    let (sheet, _) = must(app, Call::post(&referrals, referral).by(MEMBER)).await;
    let referral = sheet["referrals"][0]["id"]
        .as_i64()
        .expect("the referral's id");
    let delete = Call::delete(format!("{referrals}/{referral}")).by(MEMBER);
    let ok = counted(app, &delete).await;
    let bad = counted(app, &delete).await;
    Outcome::new(ok, "delete", bad)
}

/// The town's sheet submitted for signature by a member.
fn submit_sheet(s: &Sheet) -> Call {
    empty_post(format!("{}/submit", record(s))).by(MEMBER)
}

async fn submit_scoring_record(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let ok = counted(app, &submit_sheet(&s)).await;
    let bad = counted(app, &submit_sheet(&s)).await;
    Outcome::new(ok, "submit_for_signature", bad)
}

async fn sign_scoring_record(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let sign = empty_post(format!("{}/signatures", record(&s))).by(MEMBER);
    // An open sheet awaits no signature.
    let bad = counted(app, &sign).await;
    must(app, submit_sheet(&s)).await;
    let ok = counted(app, &sign).await;
    Outcome::new(ok, "sign", bad)
}

async fn reopen_scoring_record(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let reopen =
        |reason: &str| Call::post(format!("{}/reopen", record(&s)), json!({"reason": reason}));
    // Only a final sheet is reopened.
    let bad = counted(app, &reopen("未定稿")).await;
    must(app, submit_sheet(&s)).await;
    all_sign(app, &record(&s)).await;
    let ok = counted(app, &reopen("复核")).await;
    Outcome::new(ok, "reopen", bad)
}

/// The town's team report written by a member with the tag its GET answers, and the call that
/// wrote it (whose tag is stale once it has run).
async fn written_team_report(app: &TestApp, s: &Sheet) -> Call {
    let path = team_report(s);
    let tag = etag(app, MEMBER, &path).await;
    let body = json!({"overall_evaluation": "较好", "problems_found": "问题",
        "rectification_advice": "建议"});
    Call::put(&path, body).by(MEMBER).if_match(tag)
}

/// The town's team report submitted for signature by a member.
fn submit_report(s: &Sheet) -> Call {
    empty_post(format!("{}/submit", team_report(s))).by(MEMBER)
}

async fn put_team_report(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    let write = written_team_report(app, &s).await;
    let ok = counted(app, &write).await;
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

async fn submit_team_report(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    must(app, written_team_report(app, &s).await).await;
    let ok = counted(app, &submit_report(&s)).await;
    let bad = counted(app, &submit_report(&s)).await;
    Outcome::new(ok, "submit_for_signature", bad)
}

async fn sign_team_report(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    must(app, written_team_report(app, &s).await).await;
    let sign = empty_post(format!("{}/signatures", team_report(&s))).by(MEMBER);
    // An open report awaits no signature.
    let bad = counted(app, &sign).await;
    must(app, submit_report(&s)).await;
    let ok = counted(app, &sign).await;
    Outcome::new(ok, "sign", bad)
}

async fn reopen_team_report(app: &TestApp) -> Outcome {
    let s = sheet(app).await;
    must(app, written_team_report(app, &s).await).await;
    must(app, submit_report(&s)).await;
    let reopen = |reason: &str| {
        Call::post(
            format!("{}/reopen", team_report(&s)),
            json!({"reason": reason}),
        )
    };
    // A report still awaiting signatures is not final, so it cannot be reopened.
    let bad = counted(app, &reopen("未定稿")).await;
    all_sign(app, &team_report(&s)).await;
    let ok = counted(app, &reopen("复核")).await;
    Outcome::new(ok, "reopen", bad)
}

/// A cycle in self-inspection with the town's round open (by the office); the round's path.
async fn evaluation_round(app: &TestApp) -> (fixtures::Fixture, String) {
    let f = fixture(app).await;
    let path = in_cycle(f.cycle, &format!("/units/{}/evaluation-rounds", f.town));
    let body = json!({"categories": [{"category": "staff_representative", "slips": 20}]});
    let (round, _) = must(app, Call::post(&path, body).expect(201)).await;
    let id = round["id"].as_i64().expect("round id");
    (f, format!("{path}/{id}"))
}

async fn update_evaluation_settings(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let path = in_cycle(f.cycle, "/evaluation-settings");
    let tag = etag(app, Who::Office, &path).await;
    let ok = counted(
        app,
        &Call::patch(&path, json!({"min_ballots": 12})).if_match(&tag),
    )
    .await;
    // The tag is stale now.
    let bad = counted(
        app,
        &Call::patch(&path, json!({"min_ballots": 15})).if_match(tag),
    )
    .await;
    Outcome::new(ok, "update", bad)
}

async fn create_evaluation_round(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let path = in_cycle(f.cycle, &format!("/units/{}/evaluation-rounds", f.town));
    let body = json!({"categories": [{"category": "staff_representative", "slips": 20}]});
    let ok = counted(app, &Call::post(&path, body.clone()).expect(201)).await;
    // One round of a unit open at a time.
    let bad = counted(app, &Call::post(&path, body)).await;
    Outcome::new(ok, "create", bad)
}

async fn issue_ballot_codes(app: &TestApp) -> Outcome {
    let (_, round) = evaluation_round(app).await;
    let issue = |count: i64| Call::post(format!("{round}/codes"), json!({"count": count}));
    let ok = counted(app, &issue(3)).await;
    let bad = counted(app, &issue(0)).await;
    Outcome::new(ok, "issue_codes", bad)
}

async fn put_paper_tally(app: &TestApp) -> Outcome {
    let (f, round) = evaluation_round(app).await;
    let tag = etag(app, Who::Office, &round).await;
    let tally = |good: i64| {
        Call::put(
            format!("{round}/paper-tally"),
            json!({"forms_handed_out": 5, "forms_returned": 4, "counts": [
                {"leader_id": f.town_leaders[0], "category": "staff_representative",
                 "good": good, "fairly_good": 0, "average": 0, "poor": 0, "unknown": 0}]}),
        )
        .if_match(&tag)
    };
    // More marks than forms returned.
    let bad = counted(app, &tally(5)).await;
    let ok = counted(app, &tally(4)).await;
    Outcome::new(ok, "update", bad)
}

async fn close_evaluation_round(app: &TestApp) -> Outcome {
    let (_, round) = evaluation_round(app).await;
    let close = || bare_post(format!("{round}/close"));
    let ok = counted(app, &close()).await;
    let bad = counted(app, &close()).await;
    Outcome::new(ok, "close", bad)
}

async fn resume_evaluation_round(app: &TestApp) -> Outcome {
    let (_, round) = evaluation_round(app).await;
    let resume = || bare_post(format!("{round}/resume"));
    // An open round is not suspended.
    let bad = counted(app, &resume()).await;
    let id = round.rsplit('/').next().expect("round id");
    app.count(&format!(
        "WITH s AS (UPDATE evaluation_rounds SET state = 'suspended' WHERE id = {id} \
         RETURNING 1) SELECT count(*) AS n FROM s"
    ));
    let ok = counted(app, &resume()).await;
    Outcome::new(ok, "resume", bad)
}

async fn put_leader_grade(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let path = in_cycle(
        f.cycle,
        &format!("/units/{}/leader-grades/{}", f.town, f.town_leaders[0]),
    );
    // No round proposes a grade: without a reason it is refused.
    let bad = counted(app, &Call::put(&path, json!({"grade": "good"}))).await;
    let reasoned = json!({"grade": "good", "reason": "平时掌握情况良好"});
    let ok = counted(app, &Call::put(&path, reasoned).expect(201)).await;
    Outcome::new(ok, "create", bad)
}

/// A commitment whose source publishes in two hours.
fn routine_commitment() -> serde_json::Value {
    let at = chrono::Utc::now() + chrono::Duration::hours(2);
    json!({"seed_source": "双色球2014119期开奖号码", "seed_publishes_at": at.to_rfc3339()})
}

/// The fixture's cycle drawing one town and one department (so both are drawn); committed,
/// and with `seeded` also seeded after the committed time has passed.
async fn routine_cycle(app: &TestApp, seeded: bool) -> fixtures::Fixture {
    use diesel::connection::SimpleConnection;
    let f = fixture(app).await;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET routine_sample_towns = 1, \
             routine_sample_departments = 1 WHERE id = {}",
            f.cycle
        ))
        .expect("draw one of each");
    must(
        app,
        Call::post(
            in_cycle(f.cycle, "/spot-checks/draws"),
            routine_commitment(),
        ),
    )
    .await;
    if seeded {
        routine_time_passes(app);
        must(
            app,
            Call::post(
                in_cycle(f.cycle, "/spot-checks/seed"),
                json!({"seed": "2014119"}),
            ),
        )
        .await;
    }
    f
}

fn routine_time_passes(app: &TestApp) {
    use diesel::connection::SimpleConnection;
    app.db
        .owner()
        .batch_execute("UPDATE routine_draws SET seed_publishes_at = now() - interval '1 minute'")
        .expect("let the committed time pass");
}

async fn put_routine_plan(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let write = Call::put(
        in_cycle(f.cycle, "/spot-checks/plan"),
        json!({"scope": "目标", "methods": "走访", "schedule": "11月"}),
    )
    .if_match("\"0\"");
    let ok = counted(app, &write).await;
    // The tag is stale now.
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

async fn put_routine_target(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let write = Call::put(
        in_cycle(f.cycle, &format!("/spot-checks/targets/{}", f.town)),
        json!({"targets": "目标"}),
    )
    .if_match("\"0\"");
    let ok = counted(app, &write).await;
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

async fn commit_routine_draw(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let commit = |body| Call::post(in_cycle(f.cycle, "/spot-checks/draws"), body);
    // The fixture has one town: the default sample of two is larger than the pool.
    let bad = counted(app, &commit(routine_commitment())).await;
    use diesel::connection::SimpleConnection;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET routine_sample_towns = 1, \
             routine_sample_departments = 1 WHERE id = {}",
            f.cycle
        ))
        .expect("draw one of each");
    let ok = counted(app, &commit(routine_commitment())).await;
    Outcome::new(ok, "commit", bad)
}

async fn seed_routine_draw(app: &TestApp) -> Outcome {
    let f = routine_cycle(app, false).await;
    let seed = Call::post(
        in_cycle(f.cycle, "/spot-checks/seed"),
        json!({"seed": "2014119"}),
    );
    // Before the committed time.
    let bad = counted(app, &seed).await;
    routine_time_passes(app);
    let ok = counted(app, &seed).await;
    Outcome::new(ok, "seed", bad)
}

fn routine_visit(f: &fixtures::Fixture, rest: &str) -> String {
    in_cycle(f.cycle, &format!("/units/{}/routine-visit{rest}", f.town))
}

/// The town's visit record written by the office, with the tag its GET answers.
async fn written_visit(app: &TestApp, f: &fixtures::Fixture) -> Call {
    let tag = etag(app, Who::Office, &routine_visit(f, "")).await;
    Call::put(
        routine_visit(f, ""),
        json!({"visitors": [{"sub": "office-admin", "name": "县纪委办公室"}],
               "methods": ["field_visit"], "findings": "良好", "visited_on": "2014-10-15"}),
    )
    .if_match(tag)
}

async fn put_routine_visit(app: &TestApp) -> Outcome {
    let f = routine_cycle(app, true).await;
    let write = written_visit(app, &f).await;
    let ok = counted(app, &write).await;
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

async fn submit_routine_visit(app: &TestApp) -> Outcome {
    let f = routine_cycle(app, true).await;
    must(app, written_visit(app, &f).await).await;
    let submit = empty_post(routine_visit(&f, "/submit"));
    let ok = counted(app, &submit).await;
    let bad = counted(app, &submit).await;
    Outcome::new(ok, "submit_for_signature", bad)
}

async fn sign_routine_visit(app: &TestApp) -> Outcome {
    let f = routine_cycle(app, true).await;
    must(app, written_visit(app, &f).await).await;
    let sign = empty_post(routine_visit(&f, "/signatures"));
    // An open record awaits no signature.
    let bad = counted(app, &sign).await;
    must(app, empty_post(routine_visit(&f, "/submit"))).await;
    let ok = counted(app, &sign).await;
    Outcome::new(ok, "sign", bad)
}

async fn reopen_routine_visit(app: &TestApp) -> Outcome {
    let f = routine_cycle(app, true).await;
    must(app, written_visit(app, &f).await).await;
    must(app, empty_post(routine_visit(&f, "/submit"))).await;
    let reopen = |reason: &str| Call::post(routine_visit(&f, "/reopen"), json!({"reason": reason}));
    // A record awaiting signatures is not final.
    let bad = counted(app, &reopen("未定稿")).await;
    must(app, empty_post(routine_visit(&f, "/signatures"))).await;
    let ok = counted(app, &reopen("复核")).await;
    Outcome::new(ok, "reopen", bad)
}

async fn create_routine_scores(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let create = Call::post(
        in_cycle(f.cycle, "/spot-checks/scores"),
        json!({"scores": [{"unit_id": f.town, "score": "9.50", "note": "良好"}]}),
    );
    let ok = counted(app, &create).await;
    // Creating only: the town has a score now.
    let bad = counted(app, &create).await;
    Outcome::new(ok, "create", bad)
}

async fn put_routine_score(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    must(
        app,
        Call::post(
            in_cycle(f.cycle, "/spot-checks/scores"),
            json!({"scores": [{"unit_id": f.town, "score": "9.50", "note": "良好"}]}),
        ),
    )
    .await;
    let write = Call::put(
        in_cycle(f.cycle, &format!("/spot-checks/scores/{}", f.town)),
        json!({"score": "9.25", "note": "更正"}),
    )
    .if_match("\"1\"");
    let ok = counted(app, &write).await;
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

// Results (issue 15, task RESULTS).

/// Bands from 0 and 60, and the veto enabled with 一般 as its cap, on the fixture's cycle.
async fn veto_enabled(app: &TestApp, cycle: i64) {
    must(
        app,
        Call::put(
            in_cycle(cycle, "/result-settings/bands"),
            json!({"bands": [{"name": "较差", "lower_bound": "0"},
                             {"name": "一般", "lower_bound": "60"}]}),
        )
        .if_match("\"1\""),
    )
    .await;
    must(
        app,
        Call::put(
            in_cycle(cycle, "/result-settings"),
            json!({"publication_scope": "own", "units_see_leader_grades": false,
                   "veto_enabled": true, "veto_band": "一般"}),
        )
        .if_match("\"2\""),
    )
    .await;
}

async fn put_result_settings(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let write = Call::put(
        in_cycle(f.cycle, "/result-settings"),
        json!({"publication_scope": "kind", "units_see_leader_grades": true,
               "veto_enabled": false}),
    )
    .if_match("\"1\"");
    let ok = counted(app, &write).await;
    // The tag is stale now.
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

async fn put_grade_bands(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let path = in_cycle(f.cycle, "/result-settings/bands");
    let ok = counted(
        app,
        &Call::put(
            &path,
            json!({"bands": [{"name": "合格", "lower_bound": "0"}]}),
        )
        .if_match("\"1\""),
    )
    .await;
    // No band starts at 0.
    let bad = counted(
        app,
        &Call::put(
            &path,
            json!({"bands": [{"name": "合格", "lower_bound": "10"}]}),
        )
        .if_match("\"2\""),
    )
    .await;
    Outcome::new(ok, "set_bands", bad)
}

async fn create_veto(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let create = |unit: i64| {
        Call::post(
            in_cycle(f.cycle, "/vetoes"),
            json!({"unit_id": unit, "reason": "受贿", "document_ref": "阳纪发〔2014〕1号"}),
        )
    };
    // The veto is off by default.
    let bad = counted(app, &create(f.town).expect(201)).await;
    veto_enabled(app, f.cycle).await;
    let ok = counted(app, &create(f.town).expect(201)).await;
    Outcome::new(ok, "create", bad)
}

async fn delete_veto(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    veto_enabled(app, f.cycle).await;
    let (veto, _) = must(
        app,
        Call::post(
            in_cycle(f.cycle, "/vetoes"),
            json!({"unit_id": f.town, "reason": "受贿", "document_ref": "阳纪发〔2014〕1号"}),
        )
        .expect(201),
    )
    .await;
    let path = in_cycle(f.cycle, &format!("/vetoes/{}", veto["id"]));
    let ok = counted(app, &Call::delete(&path)).await;
    let bad = counted(app, &Call::delete(&path)).await;
    Outcome::new(ok, "delete", bad)
}

/// A vertical unit registered before the fixture's cycle, so excluded from it.
async fn vertical_in_cycle(app: &TestApp) -> (i64, i64) {
    let unit = fixtures::unit(app, "阳山县气象局", "vertical").await.id;
    let f = fixture(app).await;
    (f.cycle, unit)
}

async fn put_fallback_result(app: &TestApp) -> Outcome {
    let (cycle, unit) = vertical_in_cycle(app).await;
    let path = in_cycle(cycle, &format!("/units/{unit}/fallback-result"));
    let put = |value: &str| {
        Call::put(
            &path,
            json!({"value": value, "source": "self_score", "document_ref": "自查报告"}),
        )
    };
    let ok = counted(app, &put("88.00").expect(201)).await;
    // Over 100.
    let bad = counted(app, &put("100.01").if_match("\"1\"")).await;
    Outcome::new(ok, "create", bad)
}

async fn delete_fallback_result(app: &TestApp) -> Outcome {
    let (cycle, unit) = vertical_in_cycle(app).await;
    let path = in_cycle(cycle, &format!("/units/{unit}/fallback-result"));
    must(
        app,
        Call::put(
            &path,
            json!({"value": "88.00", "source": "superior_assessment", "document_ref": "文件"}),
        )
        .expect(201),
    )
    .await;
    let ok = counted(app, &Call::delete(&path)).await;
    let bad = counted(app, &Call::delete(&path)).await;
    Outcome::new(ok, "delete", bad)
}

// Publication (issue 15, part 2): the review's decision records.

/// The fixture's cycle, moved into review in SQL (the way there is not what these cases test).
async fn cycle_in_review(app: &TestApp) -> i64 {
    use diesel::connection::SimpleConnection;
    let f = fixture(app).await;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ))
        .expect("move the cycle into review");
    f.cycle
}

fn decision_body() -> serde_json::Value {
    json!({
        "kind": "standing_committee_decision", "document_ref": "阳纪常〔2014〕9号",
        "decided_on": "2014-11-01", "note": "研究同意初步意见"
    })
}

async fn create_cycle_decision(app: &TestApp) -> Outcome {
    let cycle = in_cycle(cycle_in_review(app).await, "/decisions");
    let record = Call::post(cycle, decision_body()).expect(201);
    let ok = counted(app, &record).await;
    // One of each kind: the second is refused.
    let bad = counted(app, &record).await;
    Outcome::new(ok, "create", bad)
}

async fn update_cycle_decision(app: &TestApp) -> Outcome {
    let cycle = cycle_in_review(app).await;
    let (made, _) = must(
        app,
        Call::post(in_cycle(cycle, "/decisions"), decision_body()),
    )
    .await;
    let id = made["id"].as_i64().expect("decision id");
    let amend = Call::put(
        in_cycle(cycle, &format!("/decisions/{id}")),
        json!({"document_ref": "阳纪常〔2014〕10号", "decided_on": "2014-11-02"}),
    )
    .if_match("\"1\"");
    let ok = counted(app, &amend).await;
    // Stale: the record is at version 2 now.
    let bad = counted(app, &amend).await;
    Outcome::new(ok, "update", bad)
}

// Commendations and notices (issue 15 item 6), and the acknowledgement of results.

/// Publishes `cycle` in SQL, with its `published` transition.
fn published_in_sql(app: &TestApp, cycle: i64) {
    use diesel::connection::SimpleConnection;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'published' WHERE id = {cycle};
             INSERT INTO cycle_transitions (cycle_id, from_state, to_state, actor_sub, actor_name)
                 VALUES ({cycle}, 'review', 'published', 'office-admin', '县纪委办公室');"
        ))
        .expect("publish the cycle");
}

fn commendation_body(unit: i64, reason: &str, with_results: bool) -> serde_json::Value {
    json!({"kind": "unit_commendation", "unit_id": unit, "reason": reason,
           "document_ref": "阳纪发〔2014〕40号", "scope": "units", "with_results": with_results})
}

/// The fixture's cycle in review with one commendation of its town; returns its path.
async fn commendation(app: &TestApp, with_results: bool) -> (i64, String) {
    use diesel::connection::SimpleConnection;
    let f = fixture(app).await;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {}",
            f.cycle
        ))
        .expect("move the cycle into review");
    let body = commendation_body(f.town, "考核成绩优秀", with_results);
    let (made, _) = must(
        app,
        Call::post(in_cycle(f.cycle, "/commendations"), body).expect(201),
    )
    .await;
    let id = made["id"].as_i64().expect("commendation id");
    (f.cycle, in_cycle(f.cycle, &format!("/commendations/{id}")))
}

async fn create_commendation(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let cycle = f.cycle;
    // Before the review.
    let record = Call::post(
        in_cycle(cycle, "/commendations"),
        commendation_body(f.town, "考核成绩优秀", true),
    )
    .expect(201);
    let bad = counted(app, &record).await;
    use diesel::connection::SimpleConnection;
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'review' WHERE id = {cycle}"
        ))
        .expect("move the cycle into review");
    let ok = counted(app, &record).await;
    Outcome::new(ok, "create", bad)
}

async fn update_commendation(app: &TestApp) -> Outcome {
    let (_, path) = commendation(app, true).await;
    let (current, _) = must(app, Call::get(&path)).await;
    let unit = current["unit_id"].as_i64().expect("unit");
    let body = commendation_body(unit, "考核成绩优秀，位居全县前列", false);
    let replace = Call::put(&path, body).if_match("\"1\"");
    let ok = counted(app, &replace).await;
    // Stale: the record is at version 2 now.
    let bad = counted(app, &replace).await;
    Outcome::new(ok, "update", bad)
}

async fn delete_commendation(app: &TestApp) -> Outcome {
    let (_, path) = commendation(app, true).await;
    let ok = counted(app, &Call::delete(&path)).await;
    let bad = counted(app, &Call::delete(&path)).await;
    Outcome::new(ok, "delete", bad)
}

async fn publish_commendation(app: &TestApp) -> Outcome {
    let (cycle, path) = commendation(app, false).await;
    let publish = Call::post(format!("{path}/publish"), json!({}));
    // The results are not published yet.
    let bad = counted(app, &publish).await;
    published_in_sql(app, cycle);
    let ok = counted(app, &publish).await;
    Outcome::new(ok, "publish", bad)
}

async fn acknowledge_result(app: &TestApp) -> Outcome {
    let f = fixture(app).await;
    let acknowledge = Call::post(
        in_cycle(
            f.cycle,
            &format!("/units/{}/result/acknowledgement", f.town),
        ),
        json!({"note": "已收到"}),
    )
    .by(Who::Unit(f.town))
    .expect(201);
    // Not published yet.
    let bad = counted(app, &acknowledge).await;
    published_in_sql(app, f.cycle);
    let ok = counted(app, &acknowledge).await;
    Outcome::new(ok, "create", bad)
}

async fn put_publication_settings(app: &TestApp) -> Outcome {
    let cycle = cycle_in_review(app).await;
    let write = Call::put(
        in_cycle(cycle, "/publication"),
        json!({"publication_scope": "kind", "units_see_leader_grades": false,
               "inspectors_see_ranking": true, "document_ref": "阳纪通〔2014〕3号"}),
    )
    .if_match("\"1\"");
    let ok = counted(app, &write).await;
    // The tag is stale now.
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}

/// The fixture's cycle published (in SQL) with the town owing a rectification in `status`:
/// the path of the town's rectification, and the town as the caller.
async fn rectification(app: &TestApp, status: &str) -> (String, Who) {
    use diesel::connection::SimpleConnection;
    let f = fixture(app).await;
    let text = if status == "owed" {
        "NULL"
    } else {
        "'整改说明及方案'"
    };
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'published' WHERE id = {c};
             INSERT INTO rectifications (cycle_id, unit_id, status, explanation, plan, due_on,
                 owed_since)
             VALUES ({c}, {u}, '{status}', {text}, {text}, '2014-12-20', '2014-11-20T02:00:00Z');",
            c = f.cycle,
            u = f.town
        ))
        .expect("a rectification");
    (
        in_cycle(f.cycle, &format!("/units/{}/rectification", f.town)),
        Who::Unit(f.town),
    )
}

async fn put_rectification(app: &TestApp) -> Outcome {
    let (path, town) = rectification(app, "owed").await;
    let draft = |plan: &str| Call::put(path.clone(), json!({"explanation": "说明", "plan": plan}));
    // Only the unit writes its rectification.
    let bad = counted(app, &draft("方案")).await;
    let ok = counted(app, &draft("方案").by(town).expect(201)).await;
    Outcome::new(ok, "update", bad)
}

async fn submit_rectification(app: &TestApp) -> Outcome {
    let (path, town) = rectification(app, "draft").await;
    let submit = empty_post(format!("{path}/submit")).by(town);
    let ok = counted(app, &submit).await;
    let bad = counted(app, &submit).await;
    Outcome::new(ok, "submit", bad)
}

async fn return_rectification(app: &TestApp) -> Outcome {
    let (path, town) = rectification(app, "draft").await;
    let send_back = |reason: &str| Call::post(format!("{path}/return"), json!({"reason": reason}));
    // A draft was never submitted, so there is nothing to return.
    let bad = counted(app, &send_back("未提交")).await;
    must(app, empty_post(format!("{path}/submit")).by(town)).await;
    let ok = counted(app, &send_back("措施不具体")).await;
    Outcome::new(ok, "return", bad)
}

async fn accept_rectification(app: &TestApp) -> Outcome {
    let (path, town) = rectification(app, "draft").await;
    let accept = empty_post(format!("{path}/accept"));
    // A draft was never submitted, so there is nothing to accept.
    let bad = counted(app, &accept).await;
    must(app, empty_post(format!("{path}/submit")).by(town)).await;
    let ok = counted(app, &accept).await;
    Outcome::new(ok, "accept", bad)
}

async fn put_committee_report(app: &TestApp) -> Outcome {
    let cycle = cycle_in_review(app).await;
    let write = Call::put(
        in_cycle(cycle, "/reports/committee"),
        json!({"overall_evaluation": "　　总体较好。", "problems": "　　整改不及时。",
               "advice": "　　建议约谈。"}),
    )
    .if_match("\"0\"");
    let ok = counted(app, &write).await;
    // The tag is stale now.
    let bad = counted(app, &write).await;
    Outcome::new(ok, "update", bad)
}
