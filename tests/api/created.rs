//! Every created resource has its own URL, a GET and an ETag (issue 10): for every operation of
//! the contract that answers 201, `Location` names the new resource itself (not its list or its
//! document), a GET there answers 200 with the same `ETag` and the same body (or the documented
//! representation), and `If-None-Match` with that tag answers 304.
//!
//! The creating requests are the catalogue's, on the demo county, except where the catalogue
//! replaces an existing resource (a self-inspection) instead of creating one.

use reqwest::Method;
use serde_json::{Value, json};

use crate::catalogue::{Body, Call, Who, catalogue, contract, contract_operations};
use crate::helpers::TestApp;

/// The demo county's 2014 cycle.
const CYCLE: i64 = 1;
/// 七拱镇: its sheet carries a referral (team 2).
const REFERRAL_TOWN: i64 = 2;
/// 江英镇: its sheet awaits signatures, signed by the leader of team 5 only.
const AWAITING_TOWN: i64 = 5;
/// 小江镇: its sheet is final, signed by team 3.
const FINAL_TOWN: i64 = 9;
/// The last county department: it has submitted nothing in 2014.
const SILENT_DEPARTMENT: i64 = 73;

/// How the GET at `Location` shows what the 201 answered.
#[derive(Debug, Clone, Copy)]
enum Shown {
    /// The same JSON body.
    Same,
    /// The 201 answers the score sheet; the GET answers the new entry of its `referrals`.
    Referral,
    /// The 201 answers the signed document; the GET answers the signature record, whose
    /// facts are those of the new entry of the document's `signatures`.
    Signature,
    /// The 201 answers the file's metadata; the GET answers the file, whose SHA-256 is the tag.
    File,
}

fn sheet_path(unit: i64) -> String {
    format!("/api/v1/assessment-cycles/{CYCLE}/units/{unit}/scoring-record")
}

/// The header `name` of `response`, which must be there.
fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("a {name} header"))
}

/// Whether `path` instantiates `template` (every `{param}` one non-empty segment).
fn instantiates(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && !p.is_empty()))
}

/// The catalogue's valid request for `METHOD template`, prepared on `app`.
async fn catalogued(app: &TestApp, method: &str, template: &str) -> Call {
    let entry = catalogue()
        .into_iter()
        .find(|e| e.method == method && e.template == template)
        .unwrap_or_else(|| panic!("{method} {template} is catalogued"));
    entry.call(app).await
}

/// A GET of `path` as `who`, with `If-None-Match` when given.
async fn read(app: &TestApp, who: Who, path: &str, tag: Option<&str>) -> reqwest::Response {
    let token = who.token(app);
    let mut request = app.request(Method::GET, path, token.as_deref());
    if let Some(tag) = tag {
        request = request.header("If-None-Match", tag);
    }
    request.send().await.expect("GET the Location")
}

/// Sends `call` (which creates `METHOD template`), then proves its `Location` is the new
/// resource's own URL with a GET there answering the same tag and representation, and 304 to
/// `If-None-Match`. Returns the `Location`.
async fn created_then_read(app: &TestApp, template: &str, call: Call, shown: Shown) -> String {
    let who = call.who;
    let uploaded = match &call.body {
        Body::Multipart { bytes, .. } => bytes.clone(),
        _ => Vec::new(),
    };
    let response = call.send(app).await;
    let status = response.status().as_u16();
    let location = header(&response, "location");
    let etag = header(&response, "etag");
    let text = response.text().await.expect("201 body");
    assert_eq!(status, 201, "{} {}: {text}", call.method, call.path);
    let created: Value = serde_json::from_str(&text).expect("a JSON 201 body");

    // The resource's own URL: a PUT creates at its own path; a POST to a collection creates
    // one member of it, named by one more segment, which the contract serves with a GET.
    if call.method == Method::PUT {
        assert_eq!(
            location, call.path,
            "a PUT creates the resource at its own URL"
        );
    } else {
        let id = location
            .strip_prefix(&format!("{}/", call.path))
            .unwrap_or_else(|| panic!("{location} is a member of {}", call.path));
        assert!(
            !id.is_empty() && !id.contains('/'),
            "{location} names one member"
        );
    }
    let own = match call.method {
        Method::PUT => template.to_owned(),
        _ => format!("{template}/{{id}}"),
    };
    let spec = contract();
    let served = contract_operations(&spec).into_iter().any(|(m, p, _)| {
        m == "GET" && instantiates(&p, &location) && instantiates(&own, &location)
    });
    assert!(served, "the contract serves a GET at {location}");

    let got = read(app, who, &location, None).await;
    assert_eq!(got.status().as_u16(), 200, "GET {location}");
    assert_eq!(
        header(&got, "etag"),
        etag,
        "GET {location} sends the 201's ETag"
    );
    match shown {
        Shown::Same => {
            let body: Value = got.json().await.expect("JSON");
            assert_eq!(body, created, "GET {location} answers the 201's body");
        }
        Shown::Referral => {
            let body: Value = got.json().await.expect("JSON");
            let entry = created["referrals"]
                .as_array()
                .expect("the sheet's referrals")
                .iter()
                .find(|r| r["id"] == body["id"])
                .expect("the new referral is on the sheet the 201 answered");
            assert_eq!(&body, entry, "GET {location} answers the sheet's entry");
            assert!(location.ends_with(&format!("/{}", body["id"])));
        }
        Shown::Signature => {
            let body: Value = got.json().await.expect("JSON");
            let entry = created["signatures"]
                .as_array()
                .expect("the document's signatures")
                .iter()
                .find(|s| s["id"] == body["id"])
                .expect("the new signature is on the document the 201 answered");
            for field in [
                "signer_sub",
                "signer_name",
                "signer_role",
                "doc_version",
                "content_sha256",
                "canonical_version",
                "signed_at",
            ] {
                assert_eq!(body[field], entry[field], "{field} of {location}");
            }
            assert_eq!(
                body["round"], created["round"],
                "signed in the current round"
            );
            assert!(body["voided_at"].is_null(), "a new signature stands");
            assert!(location.ends_with(&format!("/{}", body["id"])));
        }
        Shown::File => {
            let bytes = got.bytes().await.expect("the file");
            assert_eq!(bytes.as_ref(), uploaded.as_slice(), "the file as uploaded");
            let sha = lianzheng::audit::sha256_hex(&bytes);
            assert_eq!(created["sha256"], sha.as_str());
            assert_eq!(etag, format!("\"{sha}\""), "the tag is the file's SHA-256");
        }
    }

    let again = read(app, who, &location, Some(&etag)).await;
    assert_eq!(
        again.status().as_u16(),
        304,
        "If-None-Match {etag} on {location}"
    );
    assert_eq!(header(&again, "etag"), etag);
    assert!(again.bytes().await.expect("no body").is_empty());
    location
}

/// Runs the check for `METHOD template` on a fresh demo county with the catalogue's request.
async fn check_catalogued(method: &str, template: &str, shown: Shown) {
    let app = TestApp::spawn_demo().await;
    let call = catalogued(&app, method, template).await;
    assert_eq!(
        call.expect, 201,
        "the catalogue creates with {method} {template}"
    );
    created_then_read(&app, template, call, shown).await;
    app.stop().await;
}

/// One test per creating operation, and the list the guard compares with the contract.
macro_rules! created {
    ($($name:ident: $method:literal $template:expr => $shown:expr;)*) => {
        $(
            #[tokio::test]
            async fn $name() {
                check_catalogued($method, $template, $shown).await;
            }
        )*

        /// Every creating operation a test above covers, as `METHOD template`.
        fn covered() -> Vec<String> {
            vec![$(format!("{} {}", $method, $template)),*]
        }
    };
}

macro_rules! in_cycle {
    ($rest:literal) => {
        concat!("/api/v1/assessment-cycles/{cycle_id}", $rest)
    };
}

created! {
    a_created_unit_is_read_at_its_location_with_the_same_etag:
        "POST" "/api/v1/units" => Shown::Same;
    a_created_leader_is_read_at_its_location_with_the_same_etag:
        "POST" "/api/v1/units/{unit_id}/leaders" => Shown::Same;
    a_created_cycle_is_read_at_its_location_with_the_same_etag:
        "POST" "/api/v1/assessment-cycles" => Shown::Same;
    a_deadline_extension_is_read_at_its_own_location_with_the_same_etag:
        "POST" in_cycle!("/deadline-extensions") => Shown::Same;
    a_form_put_in_place_is_read_at_its_location_with_the_same_etag:
        "PUT" in_cycle!("/forms/{form_kind}") => Shown::Same;
    a_started_accountability_report_is_read_at_its_own_location_with_the_same_etag:
        "PUT" in_cycle!("/units/{unit_id}/accountability-reports/{leader_id}") => Shown::Same;
    a_formed_team_is_read_at_its_location_with_the_same_etag:
        "POST" in_cycle!("/teams") => Shown::Same;
    a_referral_is_read_at_its_own_location_as_the_sheet_shows_it:
        "POST" in_cycle!("/units/{unit_id}/scoring-record/referrals") => Shown::Referral;
    a_sheet_signature_is_read_at_its_own_location_as_the_sheet_shows_it:
        "POST" in_cycle!("/units/{unit_id}/scoring-record/signatures") => Shown::Signature;
    a_team_report_signature_is_read_at_its_own_location_as_the_report_shows_it:
        "POST" in_cycle!("/units/{unit_id}/team-report/signatures") => Shown::Signature;
    an_upload_is_downloaded_at_its_location_with_the_same_etag:
        "POST" "/api/v1/attachments" => Shown::File;
    an_opened_evaluation_round_is_read_at_its_location_with_the_same_etag:
        "POST" in_cycle!("/units/{unit_id}/evaluation-rounds") => Shown::Same;
    a_set_leader_grade_is_read_at_its_own_location_with_the_same_etag:
        "PUT" in_cycle!("/units/{unit_id}/leader-grades/{leader_id}") => Shown::Same;
    a_draw_commitment_is_read_at_its_own_location_with_the_same_etag:
        "POST" in_cycle!("/spot-checks/draws") => Shown::Same;
    a_visit_record_signature_is_read_at_its_own_location_as_the_record_shows_it:
        "POST" in_cycle!("/units/{unit_id}/routine-visit/signatures") => Shown::Signature;
    // Publication (issue 15, part 2).
    a_recorded_decision_is_read_at_its_own_location_with_the_same_etag:
        "POST" in_cycle!("/decisions") => Shown::Same;
    // Results (issue 15).
    a_recorded_veto_is_read_at_its_own_location_with_the_same_etag:
        "POST" in_cycle!("/vetoes") => Shown::Same;
    // Commendations and notices (issue 15 item 6), and the acknowledgement of results.
    a_recorded_commendation_is_read_at_its_own_location_with_the_same_etag:
        "POST" in_cycle!("/commendations") => Shown::Same;
    // Rectification (issue 15 item 5, task RECT): the first draft starts an owed one.
    a_started_rectification_is_read_at_its_own_location_with_the_same_etag:
        "PUT" in_cycle!("/units/{unit_id}/rectification") => Shown::Same;
}

/// A vertical unit's fallback: the catalogue's PUT replaces one the demo has; a first one is
/// created at its own URL.
const FALLBACK: &str = in_cycle!("/units/{unit_id}/fallback-result");

#[tokio::test]
async fn a_first_fallback_result_is_read_at_its_location_with_the_same_etag() {
    let app = TestApp::spawn_demo().await;
    // 阳山县气象局 (81): a vertical unit without a fallback result in the demo.
    let path = format!("/api/v1/assessment-cycles/{CYCLE}/units/81/fallback-result");
    let body = json!({"value": "90.50", "source": "superior_assessment",
                      "document_ref": "清远市气象局2014年度考核结果通报"});
    let call = Call::put(path, body).expect(201);
    created_then_read(&app, FALLBACK, call, Shown::Same).await;
    app.stop().await;
}

/// The self-inspection's PUT creates only where none exists; the catalogue's replaces one.
const SELF_INSPECTION: &str = in_cycle!("/units/{unit_id}/self-inspection");

#[tokio::test]
async fn a_started_self_inspection_is_read_at_its_location_with_the_same_etag() {
    let app = TestApp::spawn_demo().await;
    let path =
        format!("/api/v1/assessment-cycles/{CYCLE}/units/{SILENT_DEPARTMENT}/self-inspection");
    let body = json!({"report": "2014年，我单位党组认真履行党风廉政建设主体责任。"});
    let call = Call::put(path, body)
        .by(Who::Unit(SILENT_DEPARTMENT))
        .expect(201);
    created_then_read(&app, SELF_INSPECTION, call, Shown::Same).await;
    app.stop().await;
}

#[test]
fn every_operation_that_answers_201_has_a_test_that_reads_its_location() {
    let spec = contract();
    let mut covered = covered();
    covered.push(format!("PUT {SELF_INSPECTION}"));
    covered.push(format!("PUT {FALLBACK}"));
    covered.push(format!("POST {ACKNOWLEDGEMENT}"));
    let creating: Vec<String> = contract_operations(&spec)
        .into_iter()
        .filter(|(_, _, op)| !op["responses"]["201"].is_null())
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    let missing: Vec<&String> = creating.iter().filter(|c| !covered.contains(c)).collect();
    let stale: Vec<&String> = covered.iter().filter(|c| !creating.contains(c)).collect();
    assert!(creating.len() >= 12, "the contract's 201s: {creating:#?}");
    assert!(
        missing.is_empty() && stale.is_empty(),
        "201s without a test here: {missing:#?}\ntests of operations not answering 201: {stale:#?}"
    );
}

#[tokio::test]
async fn a_referral_and_a_signature_are_read_only_where_their_sheet_is() {
    let app = TestApp::spawn_demo().await;
    let team2 = Who::Inspector("insp-2-a");
    let team5 = Who::Inspector("insp-5-a");
    let referral_sheet: Value = read(&app, team2, &sheet_path(REFERRAL_TOWN), None)
        .await
        .json()
        .await
        .expect("sheet");
    let referral_id = referral_sheet["referrals"][0]["id"].as_i64().expect("id");
    let referral = format!("{}/referrals/{referral_id}", sheet_path(REFERRAL_TOWN));
    let signed_sheet: Value = read(&app, team5, &sheet_path(AWAITING_TOWN), None)
        .await
        .json()
        .await
        .expect("sheet");
    let signature_id = signed_sheet["signatures"][0]["id"].as_i64().expect("id");
    let signature = format!("{}/signatures/{signature_id}", sheet_path(AWAITING_TOWN));

    // The team and the office read them; another team does not learn that they exist; the
    // unit, whose own sheet they are part of, is told it is not published yet.
    for (who, path, status) in [
        (team2, &referral, 200),
        (Who::Office, &referral, 200),
        (team5, &referral, 404),
        (Who::Unit(REFERRAL_TOWN), &referral, 403),
        (team5, &signature, 200),
        (Who::Office, &signature, 200),
        (team2, &signature, 404),
        (Who::Unit(AWAITING_TOWN), &signature, 403),
        (Who::Unit(REFERRAL_TOWN), &signature, 404),
    ] {
        let got = read(&app, who, path, None).await;
        assert_eq!(got.status().as_u16(), status, "{who:?} GET {path}");
    }

    // Under another unit's sheet, even one the caller reads, neither exists.
    let elsewhere = [
        format!("{}/referrals/{referral_id}", sheet_path(AWAITING_TOWN)),
        format!("{}/signatures/{signature_id}", sheet_path(REFERRAL_TOWN)),
        format!(
            "/api/v1/assessment-cycles/{CYCLE}/units/{AWAITING_TOWN}\
             /team-report/signatures/{signature_id}"
        ),
    ];
    for path in &elsewhere {
        let got = read(&app, Who::Office, path, None).await;
        assert_eq!(got.status().as_u16(), 404, "GET {path}");
        let problem: Value = got.json().await.expect("problem");
        assert_eq!(problem["code"], "not_found", "GET {path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_voided_signature_stays_at_its_url_marked_void_under_a_new_etag() {
    let app = TestApp::spawn_demo().await;
    let sheet: Value = read(&app, Who::Office, &sheet_path(FINAL_TOWN), None)
        .await
        .json()
        .await
        .expect("sheet");
    let id = sheet["signatures"][0]["id"].as_i64().expect("id");
    let path = format!("{}/signatures/{id}", sheet_path(FINAL_TOWN));
    let before = read(&app, Who::Office, &path, None).await;
    assert_eq!(before.status().as_u16(), 200);
    let old_tag = header(&before, "etag");
    let before: Value = before.json().await.expect("signature");
    assert!(before["voided_at"].is_null());

    let reopen = json!({"reason": "县纪委常委会审核发现第4.2项扣分依据不足，退回考核组复核"});
    let reopened = app
        .post(
            &format!("{}/reopen", sheet_path(FINAL_TOWN)),
            &app.office,
            &reopen,
        )
        .await;
    assert_eq!(reopened.status().as_u16(), 200);

    let after = read(&app, Who::Office, &path, Some(&old_tag)).await;
    assert_eq!(
        after.status().as_u16(),
        200,
        "the old tag no longer matches"
    );
    assert_ne!(header(&after, "etag"), old_tag);
    let after: Value = after.json().await.expect("signature");
    assert!(after["voided_at"].is_string(), "marked void: {after}");
    assert_eq!(after["content_sha256"], before["content_sha256"]);
    assert_eq!(after["signed_at"], before["signed_at"]);
    app.stop().await;
}

#[tokio::test]
async fn an_extension_or_a_report_is_not_found_where_it_does_not_belong() {
    let app = TestApp::spawn_demo().await;
    let call = catalogued(&app, "POST", in_cycle!("/deadline-extensions")).await;
    let response = call.send(&app).await;
    assert_eq!(response.status().as_u16(), 201);
    let extension: Value = response.json().await.expect("extension");
    let id = extension["id"].as_i64().expect("id");
    let created = app
        .post(
            "/api/v1/assessment-cycles",
            &app.office,
            &json!({"year": 2016}),
        )
        .await;
    let other: Value = created.json().await.expect("cycle");
    let other = other["id"].as_i64().expect("cycle id");
    let leaders: Value = read(
        &app,
        Who::Office,
        &format!("/api/v1/units/{SILENT_DEPARTMENT}/leaders"),
        None,
    )
    .await
    .json()
    .await
    .expect("leaders");
    let leader = leaders["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|l| l["is_first_responsible"] == true)
        .and_then(|l| l["id"].as_i64())
        .expect("a first responsible person");
    let report = format!(
        "/api/v1/assessment-cycles/{CYCLE}/units/{SILENT_DEPARTMENT}\
         /accountability-reports/{leader}"
    );
    for (who, path) in [
        // Another cycle's extension id.
        (
            Who::Office,
            format!("/api/v1/assessment-cycles/{other}/deadline-extensions/{id}"),
        ),
        (
            Who::Office,
            format!(
                "/api/v1/assessment-cycles/{CYCLE}/deadline-extensions/{}",
                id + 1
            ),
        ),
        // A report not yet started.
        (Who::Unit(SILENT_DEPARTMENT), report.clone()),
    ] {
        let got = read(&app, who, &path, None).await;
        assert_eq!(got.status().as_u16(), 404, "GET {path}");
    }

    let put = json!({"body": "本人作为党组书记、党风廉政建设第一责任人，认真履行职责。"});
    let started = app
        .request(
            Method::PUT,
            &report,
            Some(&app.unit_token(SILENT_DEPARTMENT)),
        )
        .json(&put)
        .send()
        .await
        .expect("PUT");
    assert_eq!(started.status().as_u16(), 201);
    // Started, it is read by its unit and the office, and by no other unit.
    for (who, status) in [
        (Who::Unit(SILENT_DEPARTMENT), 200),
        (Who::Office, 200),
        (Who::Unit(REFERRAL_TOWN), 404),
    ] {
        let got = read(&app, who, &report, None).await;
        assert_eq!(got.status().as_u16(), status, "{who:?} GET {report}");
    }
    app.stop().await;
}

/// A unit's acknowledgement of its result: the POST records it at its own URL, the path it
/// was sent to (one per unit and publication), not as a member of a collection.
const ACKNOWLEDGEMENT: &str = in_cycle!("/units/{unit_id}/result/acknowledgement");

#[tokio::test]
async fn an_acknowledgement_is_read_at_its_own_location_with_the_same_etag() {
    let app = TestApp::spawn_demo().await;
    let call = catalogued(&app, "POST", ACKNOWLEDGEMENT).await;
    assert_eq!(call.expect, 201);
    let response = call.send(&app).await;
    assert_eq!(response.status().as_u16(), 201);
    let location = header(&response, "location");
    let etag = header(&response, "etag");
    assert_eq!(location, call.path, "recorded at the URL it was sent to");
    let created: Value = response.json().await.expect("JSON");
    let got = read(&app, call.who, &location, None).await;
    assert_eq!(got.status().as_u16(), 200, "GET {location}");
    assert_eq!(header(&got, "etag"), etag);
    assert_eq!(got.json::<Value>().await.expect("JSON"), created);
    let again = read(&app, call.who, &location, Some(&etag)).await;
    assert_eq!(again.status().as_u16(), 304);
    app.stop().await;
}
