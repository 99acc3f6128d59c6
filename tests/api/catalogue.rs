//! The operation catalogue: for every operation of the committed contract, one valid request
//! made by its owning role on real objects of the demo county, with the 2xx it answers.
//!
//! Later suites (the authorization matrix, hostile input, faults) reuse the table: each entry
//! names its operation (method and path template) and prepares a [`Call`] on a running demo
//! app, running through the API any setup the demo lacks (a draft cycle, an upload).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use diesel::connection::SimpleConnection;

use lianzheng::auth::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// The demo county's 2014 cycle (in the special inspection).
pub const CYCLE: i64 = 1;
/// The demo county's 2015 cycle, in preparation: a draft with the default forms.
const DRAFT_CYCLE: i64 = 2;
/// 阳城镇: a town whose 2014 self-inspection is submitted and whose sheet is open (team 1).
const TOWN: i64 = 1;
/// 七拱镇: its sheet is open and carries a referral (team 2).
const REFERRAL_TOWN: i64 = 2;
/// 太平镇: its self-inspection was returned for revision.
const RETURNED_TOWN: i64 = 3;
/// 江英镇: its sheet awaits signatures, signed by the leader of team 5 only.
const AWAITING_TOWN: i64 = 5;
/// 小江镇: its sheet is final (team 3) and its team report is open.
const FINAL_TOWN: i64 = 9;
/// 县委办公室: a county department assessed in 2014.
const DEPARTMENT: i64 = 14;
/// A county department assessed in 2014 without a sheet (team 1 by the demo's round robin).
const UNSCORED_DEPARTMENT: i64 = 19;
/// The last county department: it has submitted nothing in 2014.
const SILENT_DEPARTMENT: i64 = 73;
/// A vertical unit, excluded from 2014.
const VERTICAL: i64 = 79;

/// Who makes a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// No token (the health checks).
    Anonymous,
    /// The office (`office-admin`).
    Office,
    /// A user of this unit (`unit-user-<id>`).
    Unit(i64),
    /// An inspector by their token's `sub` (`insp-<team>-leader`, `insp-<team>-a`, ...).
    Inspector(&'static str),
}

impl Who {
    /// The bearer token of this caller on `app`, if any.
    pub fn token(self, app: &TestApp) -> Option<String> {
        match self {
            Who::Anonymous => None,
            Who::Office => Some(app.office.clone()),
            Who::Unit(id) => Some(app.unit_token(id)),
            Who::Inspector(sub) => Some(app.token(Role::Inspector, sub, None)),
        }
    }
}

/// The body of a call.
#[derive(Debug, Clone)]
pub enum Body {
    /// No body.
    None,
    /// A JSON value.
    Json(Value),
    /// JSON text as is, for numbers a `Value` cannot hold (`1e400`).
    RawJson(String),
    /// A multipart form with one file field.
    Multipart {
        /// The form field's name.
        field: &'static str,
        /// The file name sent.
        file_name: &'static str,
        /// The file's bytes.
        bytes: Vec<u8>,
    },
}

/// One concrete request and the status it should answer.
#[derive(Debug, Clone)]
pub struct Call {
    /// Who sends it.
    pub who: Who,
    /// HTTP method.
    pub method: Method,
    /// Concrete path, without the query.
    pub path: String,
    /// Query parameters, in order.
    pub query: Vec<(String, String)>,
    /// Extra headers (`If-Match`).
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Body,
    /// The 2xx status it answers.
    pub expect: u16,
}

impl Call {
    /// A request without a body (by the office, until [`Call::by`] says otherwise).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let expect = if method == Method::DELETE { 204 } else { 200 };
        Self {
            who: Who::Office,
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            expect,
        }
    }

    /// A GET of `path` (by the office, until [`Call::by`] says otherwise).
    pub fn get(path: impl Into<String>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A POST of `body`.
    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::POST, path).json(body)
    }

    /// A PUT of `body`.
    pub fn put(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::PUT, path).json(body)
    }

    /// A PATCH of `body`.
    pub fn patch(path: impl Into<String>, body: Value) -> Self {
        Self::new(Method::PATCH, path).json(body)
    }

    /// A DELETE.
    pub fn delete(path: impl Into<String>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Sent by `who`.
    pub fn by(mut self, who: Who) -> Self {
        self.who = who;
        self
    }

    /// With a JSON body.
    pub fn json(mut self, body: Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// With a query parameter.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// With `If-Match`.
    pub fn if_match(mut self, etag: impl Into<String>) -> Self {
        self.headers.push(("If-Match", etag.into()));
        self
    }

    /// Answering `status`.
    pub fn expect(mut self, status: u16) -> Self {
        self.expect = status;
        self
    }

    /// The path with its query string, every value percent-encoded.
    pub fn target(&self) -> String {
        let encode = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        let query: Vec<String> = self
            .query
            .iter()
            .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
            .collect();
        if query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, query.join("&"))
        }
    }

    /// Sends it to `app`.
    pub async fn send(&self, app: &TestApp) -> reqwest::Response {
        self.try_send(app)
            .await
            .expect("send the catalogued request")
    }

    /// Sends it to `app`, giving up after ten seconds (a server that hangs or drops the
    /// connection is an answer too, for the hostile-input suites).
    pub async fn try_send(&self, app: &TestApp) -> reqwest::Result<reqwest::Response> {
        let token = self.who.token(app);
        let mut builder = app.request(self.method.clone(), &self.target(), token.as_deref());
        for (name, value) in &self.headers {
            builder = builder.header(*name, value);
        }
        builder = match &self.body {
            Body::None => builder,
            Body::Json(value) => builder.json(value),
            Body::RawJson(text) => builder
                .header("Content-Type", "application/json")
                .body(text.clone()),
            Body::Multipart {
                field,
                file_name,
                bytes,
            } => {
                let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(*file_name);
                builder.multipart(reqwest::multipart::Form::new().part(*field, part))
            }
        };
        builder.timeout(Duration::from_secs(10)).send().await
    }
}

/// A future borrowing the app.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How an entry makes its request.
#[derive(Clone, Copy)]
pub enum Prepare {
    /// A request on the demo data as it is.
    Fixed(fn() -> Call),
    /// A request needing setup calls (or an `ETag`) first, made through the API.
    Setup(for<'a> fn(&'a TestApp) -> BoxFuture<'a, Call>),
}

/// One operation of the contract and how to call it validly.
#[derive(Clone, Copy)]
pub struct Entry {
    /// HTTP method, upper case, as in the contract.
    pub method: &'static str,
    /// The contract's path template.
    pub template: &'static str,
    /// How to make a valid request.
    pub prepare: Prepare,
}

impl Entry {
    /// `METHOD /template`, for messages.
    pub fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }

    /// Whether the operation may change something.
    pub fn is_write(&self) -> bool {
        self.method != "GET"
    }

    /// Runs the setup, if any, and returns the valid request.
    pub async fn call(&self, app: &TestApp) -> Call {
        match self.prepare {
            Prepare::Fixed(make) => make(),
            Prepare::Setup(make) => make(app).await,
        }
    }
}

const fn fixed(method: &'static str, template: &'static str, make: fn() -> Call) -> Entry {
    Entry {
        method,
        template,
        prepare: Prepare::Fixed(make),
    }
}

const fn setup(
    method: &'static str,
    template: &'static str,
    make: for<'a> fn(&'a TestApp) -> BoxFuture<'a, Call>,
) -> Entry {
    Entry {
        method,
        template,
        prepare: Prepare::Setup(make),
    }
}

fn cycle_path(rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{CYCLE}{rest}")
}

fn unit_path(unit: i64, rest: &str) -> String {
    cycle_path(&format!("/units/{unit}{rest}"))
}

pub fn inspector(team: i64, who: &str) -> Who {
    // Tokens need a 'static sub; the demo has six teams of three.
    const SUBS: [[&str; 3]; 6] = [
        ["insp-1-leader", "insp-1-a", "insp-1-b"],
        ["insp-2-leader", "insp-2-a", "insp-2-b"],
        ["insp-3-leader", "insp-3-a", "insp-3-b"],
        ["insp-4-leader", "insp-4-a", "insp-4-b"],
        ["insp-5-leader", "insp-5-a", "insp-5-b"],
        ["insp-6-leader", "insp-6-a", "insp-6-b"],
    ];
    let team = usize::try_from(team - 1).expect("a demo team");
    let index = ["leader", "a", "b"]
        .iter()
        .position(|w| *w == who)
        .expect("leader, a or b");
    Who::Inspector(SUBS[team][index])
}

/// Sends a setup call and returns its JSON, failing loudly when it does not answer 2xx.
pub async fn must(app: &TestApp, call: Call) -> (Value, Option<String>) {
    let response = call.send(app).await;
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let text = response.text().await.expect("setup body");
    assert!(
        (200..300).contains(&status),
        "setup {} {} answered {status}: {text}",
        call.method,
        call.path
    );
    (serde_json::from_str(&text).unwrap_or(Value::Null), etag)
}

/// The `ETag` a GET of `path` by `who` answers.
pub async fn etag(app: &TestApp, who: Who, path: &str) -> String {
    must(app, Call::get(path).by(who))
        .await
        .1
        .unwrap_or_else(|| panic!("GET {path} has an ETag"))
}

/// Uploads a small text file as `who` and returns its id.
async fn upload(app: &TestApp, who: Who) -> i64 {
    let (body, _) = must(app, upload_call().by(who)).await;
    body["id"].as_i64().expect("attachment id")
}

fn upload_call() -> Call {
    let mut call = Call::new(Method::POST, "/api/v1/attachments").expect(201);
    call.body = Body::Multipart {
        field: "file",
        file_name: "自查佐证材料.txt",
        bytes: "2014年党委会议记录摘录：专题研究党风廉政建设工作4次。\n"
            .as_bytes()
            .to_vec(),
    };
    call
}

/// Registers a unit of the office's and returns its id.
async fn new_unit(app: &TestApp, name: &str) -> i64 {
    let (unit, _) = must(
        app,
        Call::post(
            "/api/v1/units",
            json!({"name": name, "kind": "county_department"}),
        ),
    )
    .await;
    unit["id"].as_i64().expect("unit id")
}

fn create_unit() -> Call {
    Call::post(
        "/api/v1/units",
        json!({
            "name": "县乡村振兴局",
            "kind": "county_department",
            "contact_person": "邓志华",
            "contact_phone": "0763-7712345",
            "address": "阳山县城南路18号",
            "email": "xczxj@yangshan.gov.cn"
        }),
    )
    .expect(201)
}

fn update_unit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = format!("/api/v1/units/{DEPARTMENT}");
        let tag = etag(app, Who::Office, &path).await;
        Call::patch(
            path,
            json!({
                "name": "中共阳山县委办公室",
                "kind": "county_department",
                "contact_person": "欧阳明",
                "contact_phone": "0763-7882102",
                "address": "阳山县阳城镇县府路1号",
                "email": "xwb@yangshan.gov.cn"
            }),
        )
        .if_match(tag)
    })
}

fn delete_unit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = new_unit(app, "误录单位").await;
        let path = format!("/api/v1/units/{id}");
        let tag = etag(app, Who::Office, &path).await;
        Call::delete(path).if_match(tag)
    })
}

fn archive_unit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = new_unit(app, "县撤并机构").await;
        Call::post(format!("/api/v1/units/{id}/archive"), json!({}))
    })
}

fn restore_unit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = new_unit(app, "县撤并机构").await;
        must(
            app,
            Call::post(format!("/api/v1/units/{id}/archive"), json!({})),
        )
        .await;
        Call::post(format!("/api/v1/units/{id}/restore"), json!({}))
    })
}

/// A leader of the county office who is not its first responsible person (to change freely).
async fn second_leader(app: &TestApp) -> i64 {
    let (leaders, _) = must(
        app,
        Call::get(format!("/api/v1/units/{DEPARTMENT}/leaders")),
    )
    .await;
    leaders["items"]
        .as_array()
        .expect("leaders")
        .iter()
        .find(|l| l["is_first_responsible"] == false)
        .and_then(|l| l["id"].as_i64())
        .expect("a leader who is not first responsible")
}

fn get_leader(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = second_leader(app).await;
        Call::get(format!("/api/v1/units/{DEPARTMENT}/leaders/{id}"))
    })
}

fn update_leader(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = second_leader(app).await;
        let path = format!("/api/v1/units/{DEPARTMENT}/leaders/{id}");
        let tag = etag(app, Who::Office, &path).await;
        Call::patch(
            path,
            json!({"name": "丘涛敏", "position": "县委办公室副主任", "is_first_responsible": false}),
        )
        .if_match(tag)
    })
}

fn delete_leader(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (leader, _) = must(
            app,
            Call::post(
                format!("/api/v1/units/{DEPARTMENT}/leaders"),
                json!({"name": "误录人员", "position": "科员"}),
            ),
        )
        .await;
        let id = leader["id"].as_i64().expect("leader id");
        let path = format!("/api/v1/units/{DEPARTMENT}/leaders/{id}");
        let tag = etag(app, Who::Office, &path).await;
        Call::delete(path).if_match(tag)
    })
}

fn create_cycle() -> Call {
    Call::post(
        "/api/v1/assessment-cycles",
        json!({
            "year": 2016,
            "title": "阳山县2016年党风廉政建设责任制考核检查",
            "special_weight": "90.00",
            "routine_weight": "10.00",
            "rectification_line": "75.00",
            "routine_sample_towns": 2,
            "routine_sample_departments": 2,
            "flag_margin": "2.00",
            "self_inspection_due": "2016-09-20",
            "special_inspection_ends": "2016-09-30",
            "team_reports_due": "2016-10-15"
        }),
    )
    .expect(201)
}

fn update_cycle(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = DRAFT_CYCLE;
        let path = format!("/api/v1/assessment-cycles/{id}");
        let tag = etag(app, Who::Office, &path).await;
        Call::patch(
            path,
            json!({
                "title": "阳山县2015年度党风廉政建设责任制考核",
                "special_weight": "90.00",
                "routine_weight": "10.00",
                "rectification_line": "75.00",
                "routine_sample_towns": 3,
                "routine_sample_departments": 3,
                "flag_margin": "3.00",
                "self_inspection_due": "2015-09-21",
                "special_inspection_ends": "2015-09-30",
                "team_reports_due": "2015-10-16"
            }),
        )
        .if_match(tag)
    })
}

fn create_transition() -> Call {
    Call::post(
        format!("/api/v1/assessment-cycles/{DRAFT_CYCLE}/transitions"),
        json!({"to": "self_inspection", "note": "经县纪委常委会研究，启动2015年度考核"}),
    )
}

fn create_deadline_extension() -> Call {
    Call::post(
        cycle_path("/deadline-extensions"),
        json!({
            "deadline": "team_reports_due",
            "new_date": "2014-10-20",
            "reason": "受台风“海鸥”影响，考核组报告顺延5天"
        }),
    )
    .expect(201)
}

/// Sends a creating call and returns the `Location` it answers.
async fn created_at(app: &TestApp, call: Call) -> String {
    let response = call.send(app).await;
    assert_eq!(
        response.status().as_u16(),
        201,
        "{} {}",
        call.method,
        call.path
    );
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .expect("a Location")
}

fn get_deadline_extension(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move { Call::get(created_at(app, create_deadline_extension()).await) })
}

fn put_cycle_unit() -> Call {
    Call::put(
        unit_path(VERTICAL, ""),
        json!({
            "status": "excluded",
            "reason": "省垂直管理单位，结果采用上级主管部门考核结果",
            "fallback_source": "superior_assessment"
        }),
    )
}

fn copy_forms() -> Call {
    Call::post(
        format!("/api/v1/assessment-cycles/{DRAFT_CYCLE}/forms/copy"),
        json!({"from_cycle_id": CYCLE}),
    )
}

fn put_form() -> Call {
    Call::put(
        format!("/api/v1/assessment-cycles/{DRAFT_CYCLE}/forms/county_enterprise"),
        json!({
            "title": "党风廉政建设责任制工作考评表（县属企业）",
            "items": [{
                "code": "1.1",
                "content_area": 1,
                "title": "年初召开党风廉政建设工作部署会议并形成会议记录",
                "max_points": "100.00",
                "rules": [{
                    "code": "1.1-R1",
                    "grounds": "全年专题研究党风廉政建设工作少于4次的，每少一次",
                    "points": {"min": "1.00", "max": "3.00"},
                    "per_occurrence": true,
                    "cap": "6.00",
                    "evidence": "党委（党组）会议记录、会议纪要"
                }]
            }]
        }),
    )
    .expect(201)
}

/// The item codes of the town form of 2014.
async fn town_items(app: &TestApp) -> Vec<Value> {
    let (form, _) = must(app, Call::get(cycle_path("/forms/town"))).await;
    form["items"].as_array().expect("form items").clone()
}

fn put_self_inspection(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = Who::Unit(RETURNED_TOWN);
        let attachment = upload(app, who).await;
        let path = unit_path(RETURNED_TOWN, "/self-inspection");
        let tag = etag(app, who, &path).await;
        let code = town_items(app).await[0]["code"].clone();
        Call::put(
            path,
            json!({
                "report": "2014年，我镇党委认真履行党风廉政建设主体责任，按退回意见补充了佐证材料。",
                "scores": [{"item_code": code, "points": "1.00", "note": "全年专题研究3次"}],
                "problems": [{
                    "problem": "廉政风险点排查不够全面",
                    "fix": "10月底前完成全部岗位风险点梳理",
                    "done": false
                }],
                "attachment_ids": [attachment]
            }),
        )
        .by(who)
        .if_match(tag)
    })
}

fn submit_self_inspection() -> Call {
    Call::post(
        unit_path(RETURNED_TOWN, "/self-inspection/submit"),
        json!({}),
    )
    .by(Who::Unit(RETURNED_TOWN))
}

fn return_self_inspection() -> Call {
    Call::post(
        unit_path(TOWN, "/self-inspection/return"),
        json!({"reason": "自评分与实际不符，第2.1项请补充说明并附佐证材料"}),
    )
}

fn record_paper_copy() -> Call {
    Call::post(
        unit_path(TOWN, "/self-inspection/paper-received"),
        json!({"received_at": "2014-09-19T09:30:00+08:00"}),
    )
}

/// The first responsible person of `unit` (the first, for a town).
async fn first_responsible(app: &TestApp, unit: i64) -> i64 {
    let (leaders, _) = must(app, Call::get(format!("/api/v1/units/{unit}/leaders"))).await;
    leaders["items"]
        .as_array()
        .expect("leaders")
        .iter()
        .find(|l| l["is_first_responsible"] == true)
        .and_then(|l| l["id"].as_i64())
        .expect("a first responsible person")
}

fn report_body() -> Value {
    json!({"body": "本人作为党组书记、党风廉政建设第一责任人，2014年认真履行第一责任人职责。"})
}

fn put_accountability_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = Who::Unit(SILENT_DEPARTMENT);
        let leader = first_responsible(app, SILENT_DEPARTMENT).await;
        let attachment = upload(app, who).await;
        let mut body = report_body();
        body["attachment_ids"] = json!([attachment]);
        Call::put(
            unit_path(
                SILENT_DEPARTMENT,
                &format!("/accountability-reports/{leader}"),
            ),
            body,
        )
        .by(who)
        .expect(201)
    })
}

fn get_accountability_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let location = created_at(app, put_accountability_report(app).await).await;
        Call::get(location).by(Who::Unit(SILENT_DEPARTMENT))
    })
}

fn submit_accountability_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = Who::Unit(SILENT_DEPARTMENT);
        let leader = first_responsible(app, SILENT_DEPARTMENT).await;
        let path = unit_path(
            SILENT_DEPARTMENT,
            &format!("/accountability-reports/{leader}"),
        );
        must(app, Call::put(&path, report_body()).by(who)).await;
        Call::post(format!("{path}/submit"), json!({})).by(who)
    })
}

fn return_accountability_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let leader = first_responsible(app, TOWN).await;
        Call::post(
            unit_path(TOWN, &format!("/accountability-reports/{leader}/return")),
            json!({"reason": "述责报告未对照责任清单逐项说明，请修改后重新报送"}),
        )
    })
}

fn create_team() -> Call {
    Call::post(
        cycle_path("/teams"),
        json!({
            "name": "第七考核组",
            "leader": {"sub": "insp-7-leader", "name": "欧阳志明"},
            "members": [
                {"sub": "insp-7-a", "name": "陈晓红"},
                {"sub": "insp-7-b", "name": "梁伟"}
            ]
        }),
    )
    .expect(201)
}

fn update_team(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let tag = etag(app, Who::Office, &cycle_path("/teams/6")).await;
        Call::patch(
            cycle_path("/teams/6"),
            json!({
                "name": "第六考核组（调整）",
                "leader": {"sub": "insp-6-leader", "name": "罗秀英"},
                "members": [
                    {"sub": "insp-6-a", "name": "第六考核组成员甲"},
                    {"sub": "insp-6-c", "name": "莫志强"}
                ]
            }),
        )
        .if_match(tag)
    })
}

fn assign_unit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        must(
            app,
            Call::delete(cycle_path(&format!("/teams/1/units/{UNSCORED_DEPARTMENT}"))),
        )
        .await;
        Call::put(
            cycle_path(&format!("/teams/2/units/{UNSCORED_DEPARTMENT}")),
            json!({}),
        )
        .expect(204)
    })
}

fn unassign_unit() -> Call {
    Call::delete(cycle_path(&format!("/teams/1/units/{UNSCORED_DEPARTMENT}")))
}

fn get_scoring_record() -> Call {
    Call::get(unit_path(TOWN, "/scoring-record")).by(inspector(1, "a"))
}

fn put_record_item(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = inspector(1, "a");
        let (sheet, _) = must(app, get_scoring_record()).await;
        let items = town_items(app).await;
        let item = &items[0];
        let code = item["code"].as_str().expect("item code").to_owned();
        let rule = &item["rules"][0];
        let tag = sheet["items"]
            .as_array()
            .expect("sheet items")
            .iter()
            .find(|i| i["item_code"] == code.as_str())
            .and_then(|i| i["etag"].as_str())
            .expect("the item's etag")
            .to_owned();
        Call::put(
            unit_path(TOWN, &format!("/scoring-record/items/{code}")),
            json!({
                "deductions": [{
                    "rule_code": rule["code"],
                    "occurrences": 1,
                    "points": rule["points"]["min"],
                    "grounds": "年初部署会议未形成会议记录",
                    "kind": "other"
                }],
                "evidence_notes": "查阅党委会议记录、信访件登记台账"
            }),
        )
        .by(who)
        .if_match(tag)
    })
}

fn put_record_methods(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (sheet, _) = must(app, get_scoring_record()).await;
        let tag = sheet["methods_etag"].as_str().expect("methods etag");
        Call::put(
            unit_path(TOWN, "/scoring-record/methods"),
            json!({"methods": ["hearing_report", "individual_talks", "group_discussion"]}),
        )
        .by(inspector(1, "a"))
        .if_match(tag)
    })
}

fn create_referral(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let leader = first_responsible(app, TOWN).await;
        Call::post(
            unit_path(TOWN, "/scoring-record/referrals"),
            json!({
                "leader_id": leader,
                "facts": "2014年5月因安全生产监管失职被追究纪律责任",
                "decision": "阳纪发〔2014〕12号：给予党内警告处分"
            }),
        )
        .by(inspector(1, "a"))
        .expect(201)
    })
}

fn get_referral(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = inspector(2, "a");
        let (sheet, _) = must(
            app,
            Call::get(unit_path(REFERRAL_TOWN, "/scoring-record")).by(who),
        )
        .await;
        let id = sheet["referrals"][0]["id"].as_i64().expect("referral id");
        Call::get(unit_path(
            REFERRAL_TOWN,
            &format!("/scoring-record/referrals/{id}"),
        ))
        .by(who)
    })
}

fn delete_referral(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = inspector(2, "a");
        let (sheet, _) = must(
            app,
            Call::get(unit_path(REFERRAL_TOWN, "/scoring-record")).by(who),
        )
        .await;
        let id = sheet["referrals"][0]["id"].as_i64().expect("referral id");
        Call::delete(unit_path(
            REFERRAL_TOWN,
            &format!("/scoring-record/referrals/{id}"),
        ))
        .by(who)
    })
}

fn submit_scoring_record() -> Call {
    Call::post(unit_path(TOWN, "/scoring-record/submit"), json!({})).by(inspector(1, "leader"))
}

fn sign_scoring_record() -> Call {
    Call::post(
        unit_path(AWAITING_TOWN, "/scoring-record/signatures"),
        json!({}),
    )
    .by(inspector(5, "a"))
    .expect(201)
}

fn get_scoring_record_signature(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = inspector(5, "a");
        let (sheet, _) = must(
            app,
            Call::get(unit_path(AWAITING_TOWN, "/scoring-record")).by(who),
        )
        .await;
        let id = sheet["signatures"][0]["id"].as_i64().expect("signature id");
        Call::get(unit_path(
            AWAITING_TOWN,
            &format!("/scoring-record/signatures/{id}"),
        ))
        .by(who)
    })
}

fn reopen_scoring_record() -> Call {
    Call::post(
        unit_path(FINAL_TOWN, "/scoring-record/reopen"),
        json!({"reason": "县纪委常委会审核发现第4.2项扣分依据不足，退回考核组复核"}),
    )
}

fn team_report_path(rest: &str) -> String {
    unit_path(FINAL_TOWN, &format!("/team-report{rest}"))
}

fn get_team_report() -> Call {
    Call::get(team_report_path("")).by(inspector(3, "a"))
}

fn put_team_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let who = inspector(3, "a");
        let tag = etag(app, who, &team_report_path("")).await;
        Call::put(
            team_report_path(""),
            json!({
                "overall_evaluation": "该镇党委能认真履行党风廉政建设主体责任，总体评价为较好。",
                "problems_found": "廉政风险防控措施落实不到位；村务公开不及时。",
                "rectification_advice": "一是完善廉政风险点台账；二是按季度公开村级财务。"
            }),
        )
        .by(who)
        .if_match(tag)
    })
}

fn submit_team_report() -> Call {
    Call::post(team_report_path("/submit"), json!({})).by(inspector(3, "leader"))
}

fn sign_team_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        must(app, submit_team_report()).await;
        Call::post(team_report_path("/signatures"), json!({}))
            .by(inspector(3, "a"))
            .expect(201)
    })
}

fn get_team_report_signature(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let location = created_at(app, sign_team_report(app).await).await;
        Call::get(location).by(inspector(3, "b"))
    })
}

fn reopen_team_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        must(app, submit_team_report()).await;
        for who in ["leader", "a", "b"] {
            must(
                app,
                Call::post(team_report_path("/signatures"), json!({})).by(inspector(3, who)),
            )
            .await;
        }
        Call::post(
            team_report_path("/reopen"),
            json!({"reason": "报告内容需与评分表一致，退回考核组修改"}),
        )
    })
}

fn upload_attachment() -> Call {
    upload_call().by(Who::Unit(TOWN))
}

fn download_attachment(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = upload(app, Who::Unit(TOWN)).await;
        Call::get(format!("/api/v1/attachments/{id}")).by(Who::Unit(TOWN))
    })
}

fn delete_attachment(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let id = upload(app, Who::Unit(TOWN)).await;
        Call::delete(format!("/api/v1/attachments/{id}")).by(Who::Unit(TOWN))
    })
}

fn list_audit() -> Call {
    Call::get("/api/v1/audit")
        .query("resource", "unit")
        .query("resource_id", "1")
        .query("actor", "system")
        .query("from", "2014-01-01T00:00:00Z")
        .query("to", "2100-01-01T00:00:00Z")
        .query("page", "1")
        .query("per_page", "20")
}

/// The categories of a round the catalogue opens.
fn round_body() -> Value {
    json!({
        "title": "县委办公室2014年度领导班子成员民主测评",
        "categories": [
            {"category": "leadership_member", "slips": 5},
            {"category": "staff_representative", "slips": 30}
        ]
    })
}

/// Opens a round for the department as the office; returns its path and leaders.
async fn department_round(app: &TestApp) -> (String, Vec<i64>) {
    let path = unit_path(DEPARTMENT, "/evaluation-rounds");
    let (round, _) = must(app, Call::post(&path, round_body()).expect(201)).await;
    let id = round["id"].as_i64().expect("round id");
    let leaders = round["leaders"]
        .as_array()
        .expect("leaders")
        .iter()
        .map(|l| l["leader_id"].as_i64().expect("leader id"))
        .collect();
    (format!("{path}/{id}"), leaders)
}

/// The demo's closed round of the town (23 ballots, its leaders graded).
async fn town_round(app: &TestApp) -> String {
    let path = unit_path(TOWN, "/evaluation-rounds");
    let (rounds, _) = must(app, Call::get(&path)).await;
    let id = rounds[0]["id"].as_i64().expect("the town's demo round");
    format!("{path}/{id}")
}

/// One code of a new round of the department, and its leaders.
async fn department_code(app: &TestApp) -> (String, Vec<i64>) {
    let (round, leaders) = department_round(app).await;
    let (codes, _) = must(
        app,
        Call::post(format!("{round}/codes"), json!({"count": 1})),
    )
    .await;
    let code = codes["codes"][0]["code"]
        .as_str()
        .expect("a code")
        .to_owned();
    (code, leaders)
}

fn get_evaluation_round(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move { Call::get(town_round(app).await).by(inspector(1, "leader")) })
}

fn get_evaluation_tally(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(
        async move { Call::get(format!("{}/tally", town_round(app).await)).by(inspector(1, "a")) },
    )
}

fn issue_ballot_codes(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (round, _) = department_round(app).await;
        Call::post(format!("{round}/codes"), json!({"count": 5}))
    })
}

fn put_paper_tally(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (round, leaders) = department_round(app).await;
        let tag = etag(app, Who::Office, &round).await;
        Call::put(
            format!("{round}/paper-tally"),
            json!({
                "forms_handed_out": 12, "forms_returned": 11,
                "counts": [{"leader_id": leaders[0], "category": "staff_representative",
                            "good": 8, "fairly_good": 2, "average": 1, "poor": 0, "unknown": 0}]
            }),
        )
        .if_match(tag)
    })
}

fn close_evaluation_round(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (round, _) = department_round(app).await;
        Call::new(Method::POST, format!("{round}/close"))
    })
}

fn resume_evaluation_round(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (round, _) = department_round(app).await;
        // Suspended as too many failed codes would leave it (they would first meet the
        // per-address limit of one test client).
        let id = round.rsplit('/').next().expect("round id");
        app.count(&format!(
            "WITH s AS (UPDATE evaluation_rounds SET state = 'suspended' WHERE id = {id} \
             RETURNING 1) SELECT count(*) AS n FROM s"
        ));
        Call::new(Method::POST, format!("{round}/resume"))
    })
}

fn get_leader_grade(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (grades, _) = must(app, Call::get(unit_path(TOWN, "/leader-grades"))).await;
        let leader = grades
            .as_array()
            .expect("grades")
            .iter()
            .find(|g| !g["grade"].is_null())
            .and_then(|g| g["leader_id"].as_i64())
            .expect("a graded demo leader");
        Call::get(unit_path(TOWN, &format!("/leader-grades/{leader}"))).by(inspector(1, "b"))
    })
}

fn put_leader_grade(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (grades, _) = must(app, Call::get(unit_path(REFERRAL_TOWN, "/leader-grades"))).await;
        let leader = grades[0]["leader_id"].as_i64().expect("a leader");
        Call::put(
            unit_path(REFERRAL_TOWN, &format!("/leader-grades/{leader}")),
            json!({"grade": "fairly_good", "reason": "测评票数不足，结合平时掌握情况评定"}),
        )
        .expect(201)
    })
}

fn update_evaluation_settings(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let cycle = DRAFT_CYCLE;
        let path = format!("/api/v1/assessment-cycles/{cycle}/evaluation-settings");
        let tag = etag(app, Who::Office, &path).await;
        Call::patch(
            path,
            json!({
                "coefficients": {"good": "1.00", "fairly_good": "0.85", "average": "0.60",
                                 "poor": "0.30"},
                "min_ballots": 15,
                "failure_budget": 80,
                "rule": {
                    "good_min_good_share": {"numerator": 2, "denominator": 3},
                    "good_max_poor_share": {"numerator": 1, "denominator": 10},
                    "poor_above_poor_share": {"numerator": 1, "denominator": 3},
                    "fairly_good_min_score": "0.80"
                }
            }),
        )
        .if_match(tag)
    })
}

fn get_ballot_form(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (code, _) = department_code(app).await;
        Call::post("/api/v1/ballots/form", json!({"code": code})).by(Who::Anonymous)
    })
}

fn cast_ballot(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let (code, leaders) = department_code(app).await;
        let grades: Vec<Value> = leaders
            .iter()
            .map(|l| json!({"leader_id": l, "grade": "good"}))
            .collect();
        Call::post(
            "/api/v1/ballots",
            json!({"code": code, "category": "staff_representative", "grades": grades,
                   "comment": "希望进一步加强作风建设"}),
        )
        .by(Who::Anonymous)
        .expect(204)
    })
}

/// A path template under one cycle, as the contract spells it.
macro_rules! in_cycle {
    ($rest:literal) => {
        concat!("/api/v1/assessment-cycles/{cycle_id}", $rest)
    };
}

/// A commitment to a redraw of the demo's draw, its source publishing tomorrow.
fn redraw_body() -> Value {
    let at = chrono::Utc::now() + chrono::Duration::days(1);
    json!({
        "seed_source": "中国福利彩票双色球下一期开奖号码",
        "seed_publishes_at": at.to_rfc3339(),
        "reason": "原抽查单位因机构改革合并，重新抽取"
    })
}

fn put_routine_plan(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = cycle_path("/spot-checks/plan");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({"scope": "责任制目标进展情况", "methods": "实地走访、问卷、台帐",
                   "schedule": "10月中旬", "sample_enterprises": 0}),
        )
        .if_match(tag)
    })
}

fn put_routine_target(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = cycle_path(&format!("/spot-checks/targets/{TOWN}"));
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({"targets": "全年专题研究党风廉政建设工作不少于4次", "tasks": "落实八项规定"}),
        )
        .if_match(tag)
    })
}

fn seed_routine_draw(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        must(
            app,
            Call::post(cycle_path("/spot-checks/draws"), redraw_body()),
        )
        .await;
        app.db
            .owner()
            .batch_execute(
                "UPDATE routine_draws SET seed_publishes_at = now() - interval '1 minute' \
                 WHERE superseded_at IS NULL",
            )
            .expect("let the committed time pass");
        Call::post(
            cycle_path("/spot-checks/seed"),
            json!({"seed": "2014119: 01 05 12 19 23 32 + 08"}),
        )
    })
}

/// A unit the demo's draw sampled whose visit record is final (the office reopened two
/// others after the scores).
async fn sampled_unit(app: &TestApp) -> i64 {
    let (draw, _) = must(app, Call::get(cycle_path("/spot-checks/draws/1"))).await;
    let sampled: Vec<i64> = draw["sample"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["unit_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|u| u.as_i64())
        .collect();
    for unit in sampled {
        let (visit, _) = must(app, Call::get(visit_path(unit, ""))).await;
        if visit["status"] == "final" {
            return unit;
        }
    }
    panic!("no sampled unit's visit record is final")
}

/// The demo's draw unsealed: the two reopened visit records made final again (the first
/// submitted, then both signed by the visitors who have not signed).
async fn unseal(app: &TestApp) {
    let (draw, _) = must(app, Call::get(cycle_path("/spot-checks/draws/1"))).await;
    let sampled = draw["sample"].as_array().cloned().unwrap_or_default();
    let li = app.token(Role::Office, "office-li", None);
    for unit in sampled
        .iter()
        .flat_map(|g| g["unit_ids"].as_array().cloned().unwrap_or_default())
        .filter_map(|u| u.as_i64())
    {
        let (visit, _) = must(app, Call::get(visit_path(unit, ""))).await;
        if visit["status"] == "open" {
            must(app, Call::post(visit_path(unit, "/submit"), json!({}))).await;
        }
        let (visit, _) = must(app, Call::get(visit_path(unit, ""))).await;
        let signed: Vec<&str> = visit["signatures"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["signer_sub"].as_str())
            .collect();
        if visit["status"] != "awaiting_signatures" {
            continue;
        }
        if !signed.contains(&"office-admin") {
            must(app, Call::post(visit_path(unit, "/signatures"), json!({}))).await;
        }
        if !signed.contains(&"office-li") {
            let path = visit_path(unit, "/signatures");
            let response = app.post(&path, &li, &json!({})).await;
            assert_eq!(response.status().as_u16(), 201, "office-li signs {path}");
        }
    }
}

fn verify_routine_draw(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        unseal(app).await;
        Call::get(cycle_path("/spot-checks/draws/1/verify")).by(Who::Unit(TOWN))
    })
}

fn visit_path(unit: i64, rest: &str) -> String {
    unit_path(unit, &format!("/routine-visit{rest}"))
}

/// A sampled unit whose final visit record the office has reopened.
async fn reopened_visit(app: &TestApp) -> i64 {
    let unit = sampled_unit(app).await;
    must(
        app,
        Call::post(
            visit_path(unit, "/reopen"),
            json!({"reason": "补充问卷结果"}),
        ),
    )
    .await;
    unit
}

fn get_routine_visit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move { Call::get(visit_path(sampled_unit(app).await, "")) })
}

fn put_routine_visit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let unit = reopened_visit(app).await;
        let tag = etag(app, Who::Office, &visit_path(unit, "")).await;
        Call::put(
            visit_path(unit, ""),
            json!({
                "visitors": [{"sub": "office-admin", "name": "县纪委办公室"}],
                "methods": ["field_visit", "questionnaire"],
                "findings": "台帐齐全，问卷满意度较高",
                "questionnaire": {"handed_out": 30, "returned": 29, "answers_counted": 29,
                                  "results": "满意和基本满意占93.1%"},
                "attachments": [{"title": "走访照片"}],
                "visited_on": "2014-10-15"
            }),
        )
        .if_match(tag)
    })
}

fn submit_routine_visit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let unit = reopened_visit(app).await;
        Call::post(visit_path(unit, "/submit"), json!({}))
    })
}

fn sign_routine_visit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let unit = reopened_visit(app).await;
        must(app, Call::post(visit_path(unit, "/submit"), json!({}))).await;
        Call::post(visit_path(unit, "/signatures"), json!({})).expect(201)
    })
}

fn get_routine_visit_signature(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let unit = sampled_unit(app).await;
        let (visit, _) = must(app, Call::get(visit_path(unit, ""))).await;
        let id = visit["signatures"][0]["id"].as_i64().expect("signature id");
        Call::get(visit_path(unit, &format!("/signatures/{id}")))
    })
}

fn reopen_routine_visit(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let unit = sampled_unit(app).await;
        Call::post(
            visit_path(unit, "/reopen"),
            json!({"reason": "走访发现的问题需补充核实"}),
        )
    })
}

fn put_routine_score(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = cycle_path(&format!("/spot-checks/scores/{TOWN}"));
        let tag = etag(app, Who::Office, &path).await;
        Call::put(path, json!({"score": "9.25", "note": "复核后调整"})).if_match(tag)
    })
}

// Results (issue 15, task RESULTS): the demo's 2014 cycle has bands, the veto enabled with
// one event (1) against 县委办公室, and fallback results for the vertical units 79 and 80.

fn put_result_settings(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = cycle_path("/result-settings");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({"publication_scope": "all", "units_see_leader_grades": true,
                   "veto_enabled": true, "veto_band": "较差"}),
        )
        .if_match(tag)
    })
}

fn put_grade_bands(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let tag = etag(app, Who::Office, &cycle_path("/result-settings")).await;
        Call::put(
            cycle_path("/result-settings/bands"),
            json!({"bands": [{"name": "一般", "lower_bound": "0"},
                             {"name": "优秀", "lower_bound": "85.50"}]}),
        )
        .if_match(tag)
    })
}

fn put_fallback_result(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = unit_path(VERTICAL, "/fallback-result");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({"value": "88.00", "source": "self_score",
                   "document_ref": "2014年度自查报告"}),
        )
        .if_match(tag)
    })
}

// Publication (issue 15, part 2): the demo's 2011 cycle (3) is in review, with the office's
// review (decision 1) and the standing committee's decision (2) on record.

/// The demo's 2011 cycle, in review.
pub const REVIEW_CYCLE: i64 = 3;

fn decisions_path(rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/decisions{rest}")
}

fn create_cycle_decision() -> Call {
    Call::post(
        decisions_path(""),
        json!({
            "kind": "county_committee_approval",
            "document_ref": "阳委〔2011〕56号",
            "decided_on": "2011-11-08",
            "note": "县委常委会审定同意考核结果，在全县范围内通报",
            "attachment_ids": []
        }),
    )
    .expect(201)
}

fn update_cycle_decision(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = decisions_path("/1");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({
                "document_ref": "阳纪办〔2011〕21号",
                "decided_on": "2011-10-26",
                "opinion": "各考核组评分依据充分，建议按考核组评分确定考核结果",
                "note": "复核意见补充了对小江镇的意见",
                "unit_opinions": [{"unit_id": FINAL_TOWN, "opinion": "维持考核组评分"}],
                "attachment_ids": []
            }),
        )
        .if_match(tag)
    })
}

// Commendations and notices (issue 15 item 6): the demo's cycle in review (3) has 小江镇
// commended with the results (1) and a notice on 太平镇 to publish on its own (2).

fn commendations_path(rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/commendations{rest}")
}

fn commendation_body() -> Value {
    json!({"kind": "unit_commendation", "unit_id": FINAL_TOWN,
           "reason": "党风廉政建设责任制落实有力，考核成绩位居全县前列",
           "document_ref": "阳纪发〔2013〕40号", "scope": "units", "with_results": true})
}

fn update_commendation(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = commendations_path("/1");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(path, commendation_body()).if_match(tag)
    })
}

/// Publishes the demo's cycle in review in SQL, with its `published` transition: what follows
/// publication needs it, and the way there is not what these calls are about.
fn mark_review_cycle_published(app: &TestApp) {
    app.db
        .owner()
        .batch_execute(&format!(
            "UPDATE assessment_cycles SET state = 'published' WHERE id = {REVIEW_CYCLE};
             INSERT INTO cycle_transitions (cycle_id, from_state, to_state, actor_sub, actor_name)
                 VALUES ({REVIEW_CYCLE}, 'review', 'published', 'office-admin', '县纪委办公室');"
        ))
        .expect("publish the cycle in review");
}

fn publish_commendation(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        mark_review_cycle_published(app);
        Call::post(commendations_path("/2/publish"), json!({}))
    })
}

fn acknowledge_result(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        mark_review_cycle_published(app);
        Call::post(
            format!(
                "/api/v1/assessment-cycles/{REVIEW_CYCLE}/units/{FINAL_TOWN}/result/acknowledgement"
            ),
            json!({"note": "已收到考核结果，将认真研究整改"}),
        )
        .by(Who::Unit(FINAL_TOWN))
        .expect(201)
    })
}

// Rectification (issue 15 item 5, task RECT): the demo has no published cycle yet, so each
// entry publishes the review cycle (3) in SQL and gives 七拱镇 (2) its rectification in the
// state the call needs.

/// 七拱镇, owing a rectification in the setups below.
const RECTIFYING_UNIT: i64 = REFERRAL_TOWN;

fn rectification_path(rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/units/{RECTIFYING_UNIT}/rectification{rest}")
}

/// Publishes the review cycle and gives 七拱镇 a rectification in `status` (in SQL).
fn rectification_in(app: &TestApp, status: &str) {
    let c = REVIEW_CYCLE;
    let u = RECTIFYING_UNIT;
    let (text, submitted, count) = match status {
        "owed" => ("NULL", "NULL", 0),
        "draft" => ("'整改说明及方案'", "NULL", 0),
        _ => ("'整改说明及方案'", "'2014-12-01T02:00:00Z'", 1),
    };
    let mut sql = format!(
        "UPDATE assessment_cycles SET state = 'published' WHERE id = {c};
         INSERT INTO rectifications (cycle_id, unit_id, status, explanation, plan, due_on,
             owed_since, submitted_at, submission_count)
         VALUES ({c}, {u}, '{status}', {text}, {text}, '2014-12-20', '2014-11-20T02:00:00Z',
             {submitted}, {count});"
    );
    if count > 0 {
        sql.push_str(&format!(
            "INSERT INTO document_versions (document_kind, document_id, number, content,
                 submitted_by, submitted_at, late)
             SELECT 'rectification', id, 1, '{{\"explanation\": \"整改说明及方案\",
                 \"plan\": \"整改说明及方案\", \"attachment_ids\": []}}', 'unit-user-{u}',
                 '2014-12-01T02:00:00Z', false
             FROM rectifications WHERE cycle_id = {c} AND unit_id = {u};"
        ));
    }
    app.db.owner().batch_execute(&sql).expect("a rectification");
}

fn list_rectifications(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        rectification_in(app, "owed");
        Call::get(format!(
            "/api/v1/assessment-cycles/{REVIEW_CYCLE}/rectifications"
        ))
        .query("state", "owed")
        .query("overdue", "false")
        .query("page", "1")
        .query("per_page", "20")
    })
}

fn get_rectification(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        rectification_in(app, "owed");
        Call::get(rectification_path("")).by(Who::Unit(RECTIFYING_UNIT))
    })
}

fn put_rectification(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        rectification_in(app, "owed");
        Call::put(
            rectification_path(""),
            json!({
                "explanation": "本镇考核得分低于整改线，主要原因是廉政风险防控制度执行不到位",
                "plan": "一、12月底前完成全部岗位廉政风险点排查；二、建立季度督查通报制度",
                "attachment_ids": []
            }),
        )
        .by(Who::Unit(RECTIFYING_UNIT))
        .expect(201)
    })
}

fn submit_rectification(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        rectification_in(app, "draft");
        Call::post(rectification_path("/submit"), json!({})).by(Who::Unit(RECTIFYING_UNIT))
    })
}

fn return_rectification(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        rectification_in(app, "submitted");
        Call::post(
            rectification_path("/return"),
            json!({"reason": "整改措施不具体，请明确完成时限和责任人"}),
        )
    })
}

fn accept_rectification(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        rectification_in(app, "submitted");
        Call::post(rectification_path("/accept"), json!({}))
    })
}

/// Every operation of the contract, with a valid request as its owner.
pub fn catalogue() -> Vec<Entry> {
    vec![
        fixed("GET", "/healthz", || {
            Call::get("/healthz").by(Who::Anonymous)
        }),
        fixed("GET", "/readyz", || Call::get("/readyz").by(Who::Anonymous)),
        fixed("GET", "/api/v1/units", || {
            Call::get("/api/v1/units")
                .query("kind", "town")
                .query("q", "镇")
                .query("status", "active")
                .query("sort", "name")
                .query("order", "asc")
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", "/api/v1/units", create_unit),
        fixed("GET", "/api/v1/units/{unit_id}", || {
            Call::get(format!("/api/v1/units/{DEPARTMENT}"))
        }),
        setup("DELETE", "/api/v1/units/{unit_id}", delete_unit),
        setup("PATCH", "/api/v1/units/{unit_id}", update_unit),
        setup("POST", "/api/v1/units/{unit_id}/archive", archive_unit),
        setup("POST", "/api/v1/units/{unit_id}/restore", restore_unit),
        fixed("GET", "/api/v1/units/{unit_id}/leaders", || {
            Call::get(format!("/api/v1/units/{TOWN}/leaders"))
                .by(Who::Unit(TOWN))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", "/api/v1/units/{unit_id}/leaders", || {
            Call::post(
                format!("/api/v1/units/{DEPARTMENT}/leaders"),
                json!({"name": "李建国", "position": "县委办公室副主任", "is_first_responsible": false}),
            )
            .expect(201)
        }),
        setup(
            "GET",
            "/api/v1/units/{unit_id}/leaders/{leader_id}",
            get_leader,
        ),
        setup(
            "DELETE",
            "/api/v1/units/{unit_id}/leaders/{leader_id}",
            delete_leader,
        ),
        setup(
            "PATCH",
            "/api/v1/units/{unit_id}/leaders/{leader_id}",
            update_leader,
        ),
        fixed("GET", "/api/v1/assessment-cycles", || {
            Call::get("/api/v1/assessment-cycles")
                .query("state", "special_inspection")
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", "/api/v1/assessment-cycles", create_cycle),
        fixed("GET", "/api/v1/assessment-cycles/{cycle_id}", || {
            Call::get(cycle_path(""))
        }),
        setup(
            "PATCH",
            "/api/v1/assessment-cycles/{cycle_id}",
            update_cycle,
        ),
        fixed("GET", in_cycle!("/transitions"), || {
            Call::get(cycle_path("/transitions"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/transitions"), create_transition),
        fixed("GET", in_cycle!("/deadline-extensions"), || {
            Call::get(cycle_path("/deadline-extensions"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed(
            "POST",
            in_cycle!("/deadline-extensions"),
            create_deadline_extension,
        ),
        setup(
            "GET",
            in_cycle!("/deadline-extensions/{extension_id}"),
            get_deadline_extension,
        ),
        fixed("GET", in_cycle!("/units"), || {
            Call::get(cycle_path("/units"))
                .query("status", "assessed")
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("PUT", in_cycle!("/units/{unit_id}"), put_cycle_unit),
        fixed("GET", in_cycle!("/forms"), || {
            Call::get(cycle_path("/forms"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/forms/copy"), copy_forms),
        fixed("GET", in_cycle!("/forms/{form_kind}"), || {
            Call::get(cycle_path("/forms/town"))
        }),
        fixed("PUT", in_cycle!("/forms/{form_kind}"), put_form),
        fixed("GET", in_cycle!("/self-inspections"), || {
            Call::get(cycle_path("/self-inspections"))
                .query("status", "submitted")
                .query("late", "true")
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("GET", in_cycle!("/units/{unit_id}/self-inspection"), || {
            Call::get(unit_path(TOWN, "/self-inspection")).by(Who::Unit(TOWN))
        }),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/self-inspection"),
            put_self_inspection,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/self-inspection/submit"),
            submit_self_inspection,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/self-inspection/return"),
            return_self_inspection,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/self-inspection/paper-received"),
            record_paper_copy,
        ),
        fixed(
            "GET",
            in_cycle!("/units/{unit_id}/self-inspection/versions"),
            || {
                Call::get(unit_path(TOWN, "/self-inspection/versions"))
                    .by(Who::Unit(TOWN))
                    .query("page", "1")
                    .query("per_page", "20")
            },
        ),
        fixed(
            "GET",
            in_cycle!("/units/{unit_id}/accountability-reports"),
            || {
                Call::get(unit_path(TOWN, "/accountability-reports"))
                    .by(Who::Unit(TOWN))
                    .query("page", "1")
                    .query("per_page", "20")
            },
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/accountability-reports/{leader_id}"),
            put_accountability_report,
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/accountability-reports/{leader_id}"),
            get_accountability_report,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/accountability-reports/{leader_id}/submit"),
            submit_accountability_report,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/accountability-reports/{leader_id}/return"),
            return_accountability_report,
        ),
        fixed("GET", in_cycle!("/teams"), || {
            Call::get(cycle_path("/teams"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/teams"), create_team),
        fixed("GET", in_cycle!("/teams/{team_id}"), || {
            Call::get(cycle_path("/teams/1")).by(inspector(1, "b"))
        }),
        fixed("GET", in_cycle!("/teams/unassigned"), || {
            Call::get(cycle_path("/teams/unassigned"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        setup(
            "PUT",
            in_cycle!("/teams/{team_id}/units/{unit_id}"),
            assign_unit,
        ),
        fixed(
            "DELETE",
            in_cycle!("/teams/{team_id}/units/{unit_id}"),
            unassign_unit,
        ),
        setup("PATCH", in_cycle!("/teams/{team_id}"), update_team),
        fixed(
            "GET",
            in_cycle!("/units/{unit_id}/scoring-record"),
            get_scoring_record,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/scoring-record/items/{item_code}"),
            put_record_item,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/scoring-record/methods"),
            put_record_methods,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/scoring-record/referrals"),
            create_referral,
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/scoring-record/referrals/{referral_id}"),
            get_referral,
        ),
        setup(
            "DELETE",
            in_cycle!("/units/{unit_id}/scoring-record/referrals/{referral_id}"),
            delete_referral,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/scoring-record/submit"),
            submit_scoring_record,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/scoring-record/signatures"),
            sign_scoring_record,
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/scoring-record/signatures/{signature_id}"),
            get_scoring_record_signature,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/scoring-record/reopen"),
            reopen_scoring_record,
        ),
        fixed(
            "GET",
            in_cycle!("/units/{unit_id}/team-report"),
            get_team_report,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/team-report"),
            put_team_report,
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/team-report/submit"),
            submit_team_report,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/team-report/signatures"),
            sign_team_report,
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/team-report/signatures/{signature_id}"),
            get_team_report_signature,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/team-report/reopen"),
            reopen_team_report,
        ),
        fixed("GET", in_cycle!("/evaluation-settings"), || {
            Call::get(cycle_path("/evaluation-settings")).by(Who::Unit(TOWN))
        }),
        setup(
            "PATCH",
            in_cycle!("/evaluation-settings"),
            update_evaluation_settings,
        ),
        fixed(
            "GET",
            in_cycle!("/units/{unit_id}/evaluation-rounds"),
            || Call::get(unit_path(TOWN, "/evaluation-rounds")).by(inspector(1, "leader")),
        ),
        fixed(
            "POST",
            in_cycle!("/units/{unit_id}/evaluation-rounds"),
            || Call::post(unit_path(DEPARTMENT, "/evaluation-rounds"), round_body()).expect(201),
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/evaluation-rounds/{round_id}"),
            get_evaluation_round,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/evaluation-rounds/{round_id}/codes"),
            issue_ballot_codes,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/evaluation-rounds/{round_id}/paper-tally"),
            put_paper_tally,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/evaluation-rounds/{round_id}/close"),
            close_evaluation_round,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/evaluation-rounds/{round_id}/resume"),
            resume_evaluation_round,
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/evaluation-rounds/{round_id}/tally"),
            get_evaluation_tally,
        ),
        fixed("GET", in_cycle!("/units/{unit_id}/leader-grades"), || {
            Call::get(unit_path(TOWN, "/leader-grades")).by(inspector(1, "leader"))
        }),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/leader-grades/{leader_id}"),
            get_leader_grade,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/leader-grades/{leader_id}"),
            put_leader_grade,
        ),
        // The routine inspection (the demo's draw is seeded and its visits final).
        fixed("GET", in_cycle!("/spot-checks/plan"), || {
            Call::get(cycle_path("/spot-checks/plan")).by(Who::Unit(TOWN))
        }),
        setup("PUT", in_cycle!("/spot-checks/plan"), put_routine_plan),
        fixed("GET", in_cycle!("/spot-checks/targets"), || {
            Call::get(cycle_path("/spot-checks/targets"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("GET", in_cycle!("/spot-checks/targets/{unit_id}"), || {
            Call::get(cycle_path(&format!("/spot-checks/targets/{TOWN}"))).by(Who::Unit(TOWN))
        }),
        setup(
            "PUT",
            in_cycle!("/spot-checks/targets/{unit_id}"),
            put_routine_target,
        ),
        fixed("GET", in_cycle!("/spot-checks/draws"), || {
            Call::get(cycle_path("/spot-checks/draws"))
                .query("page", "1")
                .query("per_page", "20")
                .by(Who::Unit(TOWN))
        }),
        fixed("POST", in_cycle!("/spot-checks/draws"), || {
            Call::post(cycle_path("/spot-checks/draws"), redraw_body()).expect(201)
        }),
        fixed("GET", in_cycle!("/spot-checks/draws/{draw_id}"), || {
            Call::get(cycle_path("/spot-checks/draws/1")).by(Who::Unit(TOWN))
        }),
        setup(
            "GET",
            in_cycle!("/spot-checks/draws/{draw_id}/verify"),
            verify_routine_draw,
        ),
        setup("POST", in_cycle!("/spot-checks/seed"), seed_routine_draw),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/routine-visit"),
            get_routine_visit,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/routine-visit"),
            put_routine_visit,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/routine-visit/submit"),
            submit_routine_visit,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/routine-visit/signatures"),
            sign_routine_visit,
        ),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/routine-visit/signatures/{signature_id}"),
            get_routine_visit_signature,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/routine-visit/reopen"),
            reopen_routine_visit,
        ),
        fixed("GET", in_cycle!("/spot-checks/scores"), || {
            Call::get(cycle_path("/spot-checks/scores"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/spot-checks/scores"), || {
            Call::post(
                cycle_path("/spot-checks/scores"),
                json!({"scores": [
                    {"unit_id": SILENT_DEPARTMENT, "score": "8.50", "note": "未报送自查材料"}
                ]}),
            )
        }),
        fixed("GET", in_cycle!("/spot-checks/scores/{unit_id}"), || {
            Call::get(cycle_path(&format!("/spot-checks/scores/{TOWN}")))
        }),
        setup(
            "PUT",
            in_cycle!("/spot-checks/scores/{unit_id}"),
            put_routine_score,
        ),
        setup("POST", "/api/v1/ballots/form", get_ballot_form),
        setup("POST", "/api/v1/ballots", cast_ballot),
        fixed("POST", "/api/v1/attachments", upload_attachment),
        setup(
            "GET",
            "/api/v1/attachments/{attachment_id}",
            download_attachment,
        ),
        setup(
            "DELETE",
            "/api/v1/attachments/{attachment_id}",
            delete_attachment,
        ),
        fixed("GET", "/api/v1/audit", list_audit),
        fixed("GET", "/api/v1/audit/keys", || {
            Call::get("/api/v1/audit/keys").by(Who::Unit(TOWN))
        }),
        fixed("GET", "/api/v1/audit/head", || {
            Call::get("/api/v1/audit/head")
        }),
        fixed("GET", "/api/v1/me", || {
            Call::get("/api/v1/me").by(inspector(1, "leader"))
        }),
        fixed("GET", "/api/v1/me/tasks", || {
            Call::get("/api/v1/me/tasks")
                .query("count_only", "false")
                .by(Who::Unit(RETURNED_TOWN))
        }),
        // Results (issue 15, task RESULTS).
        fixed("GET", in_cycle!("/result-settings"), || {
            Call::get(cycle_path("/result-settings")).by(Who::Unit(TOWN))
        }),
        setup("PUT", in_cycle!("/result-settings"), put_result_settings),
        setup("PUT", in_cycle!("/result-settings/bands"), put_grade_bands),
        fixed("GET", in_cycle!("/results"), || {
            Call::get(cycle_path("/results"))
                .query("kind", "town")
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("GET", in_cycle!("/units/{unit_id}/result"), || {
            Call::get(unit_path(FINAL_TOWN, "/result"))
        }),
        fixed("GET", in_cycle!("/vetoes"), || {
            Call::get(cycle_path("/vetoes"))
                .query("unit_id", "14")
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/vetoes"), || {
            Call::post(
                cycle_path("/vetoes"),
                json!({"unit_id": FINAL_TOWN, "reason": "镇长因受贿被开除党籍",
                       "document_ref": "阳纪发〔2014〕30号"}),
            )
            .expect(201)
        }),
        fixed("GET", in_cycle!("/vetoes/{veto_id}"), || {
            Call::get(cycle_path("/vetoes/1"))
        }),
        fixed("DELETE", in_cycle!("/vetoes/{veto_id}"), || {
            Call::delete(cycle_path("/vetoes/1"))
        }),
        fixed("GET", in_cycle!("/fallback-results"), || {
            Call::get(cycle_path("/fallback-results"))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("GET", in_cycle!("/units/{unit_id}/fallback-result"), || {
            Call::get(unit_path(VERTICAL, "/fallback-result"))
        }),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/fallback-result"),
            put_fallback_result,
        ),
        fixed(
            "DELETE",
            in_cycle!("/units/{unit_id}/fallback-result"),
            || Call::delete(unit_path(80, "/fallback-result")),
        ),
        // Publication (issue 15, part 2): the review's decision records.
        fixed("GET", in_cycle!("/decisions"), || {
            Call::get(decisions_path(""))
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/decisions"), create_cycle_decision),
        fixed("GET", in_cycle!("/decisions/{decision_id}"), || {
            Call::get(decisions_path("/1"))
        }),
        setup(
            "PUT",
            in_cycle!("/decisions/{decision_id}"),
            update_cycle_decision,
        ),
        // Reports (issue 16): the office's, one in each format.
        fixed("GET", in_cycle!("/reports/dashboard"), || {
            Call::get(cycle_path("/reports/dashboard")).query("format", "json")
        }),
        fixed("GET", in_cycle!("/reports/leader-grades"), || {
            Call::get(cycle_path("/reports/leader-grades")).query("format", "csv")
        }),
        fixed("GET", in_cycle!("/reports/content-areas"), || {
            Call::get(cycle_path("/reports/content-areas")).query("format", "xlsx")
        }),
        // Task push (issue 17 §4).
        fixed("GET", "/api/v1/task-deliveries", || {
            Call::get("/api/v1/task-deliveries")
                .query("state", "pending")
                .query("page", "1")
                .query("per_page", "20")
        }),
        // Commendations and notices (issue 15 item 6), and the acknowledgement of results.
        fixed("GET", in_cycle!("/commendations"), || {
            Call::get(commendations_path(""))
                .query("kind", "unit_commendation")
                .query("unit_id", &FINAL_TOWN.to_string())
                .query("page", "1")
                .query("per_page", "20")
        }),
        fixed("POST", in_cycle!("/commendations"), || {
            Call::post(commendations_path(""), commendation_body()).expect(201)
        }),
        fixed("GET", in_cycle!("/commendations/{commendation_id}"), || {
            Call::get(commendations_path("/1"))
        }),
        setup(
            "PUT",
            in_cycle!("/commendations/{commendation_id}"),
            update_commendation,
        ),
        fixed(
            "DELETE",
            in_cycle!("/commendations/{commendation_id}"),
            || Call::delete(commendations_path("/2")),
        ),
        setup(
            "POST",
            in_cycle!("/commendations/{commendation_id}/publish"),
            publish_commendation,
        ),
        fixed(
            "GET",
            in_cycle!("/units/{unit_id}/result/acknowledgement"),
            || Call::get(unit_path(TOWN, "/result/acknowledgement")),
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/result/acknowledgement"),
            acknowledge_result,
        ),
        // Publication versions and settings (issue 15 item 4, task SNAP).
        fixed("GET", in_cycle!("/publications"), || {
            Call::get(format!(
                "/api/v1/assessment-cycles/{REVIEW_CYCLE}/publications"
            ))
            .query("page", "1")
            .query("per_page", "20")
        }),
        setup("GET", in_cycle!("/publications/{version}"), get_publication),
        setup(
            "GET",
            in_cycle!("/publications/{version}/changes"),
            list_publication_changes,
        ),
        fixed("GET", in_cycle!("/publication"), || {
            Call::get(format!(
                "/api/v1/assessment-cycles/{REVIEW_CYCLE}/publication"
            ))
        }),
        setup("PUT", in_cycle!("/publication"), put_publication_settings),
        // Rectification (issue 15 item 5, task RECT).
        setup("GET", in_cycle!("/rectifications"), list_rectifications),
        setup(
            "GET",
            in_cycle!("/units/{unit_id}/rectification"),
            get_rectification,
        ),
        setup(
            "PUT",
            in_cycle!("/units/{unit_id}/rectification"),
            put_rectification,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/rectification/submit"),
            submit_rectification,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/rectification/return"),
            return_rectification,
        ),
        setup(
            "POST",
            in_cycle!("/units/{unit_id}/rectification/accept"),
            accept_rectification,
        ),
        // The ranking and the exports for other assessments (issue 16 §2, §7; task RANK), on
        // the demo's published 2013 cycle.
        fixed("GET", in_cycle!("/reports/ranking"), || {
            Call::get(published_path("/reports/ranking")).query("format", "xlsx")
        }),
        fixed("GET", in_cycle!("/reports/party-building"), || {
            Call::get(published_path("/reports/party-building")).query("format", "csv")
        }),
        fixed("GET", in_cycle!("/reports/public-evaluation"), || {
            Call::get(published_path("/reports/public-evaluation")).query("format", "json")
        }),
        // A unit's full report (issue 16 item 3, task UNITREP).
        fixed("GET", in_cycle!("/reports/units/{unit_id}"), || {
            Call::get(cycle_path(&format!("/reports/units/{FINAL_TOWN}"))).query("format", "json")
        }),
        // The report to the county committee (issue 16 item 6, task COMMITTEE).
        fixed("GET", in_cycle!("/reports/committee"), || {
            Call::get(published_path("/reports/committee")).query("format", "xlsx")
        }),
        setup("PUT", in_cycle!("/reports/committee"), put_committee_report),
    ]
}

/// The demo's published 2013 cycle (task RANK's reports read its results).
const PUBLISHED_CYCLE: i64 = 5;

fn published_path(rest: &str) -> String {
    format!("/api/v1/assessment-cycles/{PUBLISHED_CYCLE}{rest}")
}

// Publication versions (issue 15 item 4, task SNAP): the demo's cycle in review (3) lacks the
// county committee's approval, its sheets, scores, reports and grades; [`publish_review_cycle`]
// completes it (in SQL, then through the API) and publishes it as version 1.

/// Publishes the demo's cycle in review: what its units lack in SQL, the approval, the notice's
/// reference and the transition through the API.
pub async fn publish_review_cycle(app: &TestApp) {
    let cycle = REVIEW_CYCLE;
    app.db
        .owner()
        .batch_execute(&format!(
            "INSERT INTO scoring_records (cycle_id, unit_id, status)
                 SELECT cycle_id, unit_id, 'final' FROM cycle_units
                 WHERE cycle_id = {cycle} AND status = 'assessed'
                 ON CONFLICT (cycle_id, unit_id) DO UPDATE SET status = 'final';
             INSERT INTO routine_scores (cycle_id, unit_id, score, note, updated_by)
                 SELECT cycle_id, unit_id, 9.50, '良好', 'office-admin' FROM cycle_units
                 WHERE cycle_id = {cycle} AND status = 'assessed'
                 ON CONFLICT DO NOTHING;
             INSERT INTO team_reports (cycle_id, unit_id, status)
                 SELECT cycle_id, unit_id, 'final' FROM cycle_units
                 WHERE cycle_id = {cycle} AND status = 'assessed'
                 ON CONFLICT (cycle_id, unit_id) DO UPDATE SET status = 'final';
             INSERT INTO leader_grades (cycle_id, unit_id, leader_id, leader_name, grade,
                 reason, set_by, set_by_name)
                 SELECT {cycle}, l.unit_id, l.id, l.name, 'good', '平时掌握情况较好',
                     'office-admin', '办公室'
                 FROM leaders l JOIN cycle_units cu ON cu.unit_id = l.unit_id
                 WHERE cu.cycle_id = {cycle} AND cu.status = 'assessed'
                 ON CONFLICT DO NOTHING;"
        ))
        .expect("complete the cycle in review");
    must(app, create_cycle_decision()).await;
    let path = format!("/api/v1/assessment-cycles/{cycle}/publication");
    let tag = etag(app, Who::Office, &path).await;
    must(
        app,
        Call::put(
            path,
            json!({"publication_scope": "kind", "units_see_leader_grades": false,
                   "inspectors_see_ranking": false, "document_ref": "阳纪通〔2013〕5号"}),
        )
        .if_match(tag),
    )
    .await;
    must(
        app,
        Call::post(
            format!("/api/v1/assessment-cycles/{cycle}/transitions"),
            json!({"to": "published", "note": "经县委常委会审定，在全县范围内通报"}),
        ),
    )
    .await;
}

fn get_publication(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        publish_review_cycle(app).await;
        Call::get(format!(
            "/api/v1/assessment-cycles/{REVIEW_CYCLE}/publications/1"
        ))
        .query("kind", "town")
        .query("page", "1")
        .query("per_page", "20")
    })
}

fn list_publication_changes(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        publish_review_cycle(app).await;
        Call::get(format!(
            "/api/v1/assessment-cycles/{REVIEW_CYCLE}/publications/1/changes"
        ))
        .query("against", "0")
        .query("page", "1")
        .query("per_page", "20")
    })
}

fn put_publication_settings(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/publication");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({"publication_scope": "all", "units_see_leader_grades": true,
                   "inspectors_see_ranking": true, "document_ref": "阳纪通〔2013〕5号"}),
        )
        .if_match(tag)
    })
}

/// The committed contract.
pub fn contract() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json is committed");
    serde_json::from_str(&text).expect("contract JSON")
}

/// Every operation of the contract: (METHOD, path template, operation object).
pub fn contract_operations(spec: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.push((method.to_uppercase(), path.clone(), op.clone()));
            }
        }
    }
    ops
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

#[tokio::test]
async fn the_demo_objects_the_catalogue_names_are_in_the_states_it_relies_on() {
    let app = TestApp::spawn_demo().await;
    let one = |sql: String| assert_eq!(app.count(&sql), 1, "{sql}");
    let sheet = |unit: i64, status: &str| {
        format!(
            "SELECT count(*) AS n FROM scoring_records \
             WHERE cycle_id = {CYCLE} AND unit_id = {unit} AND status = '{status}'"
        )
    };
    one(format!(
        "SELECT count(*) AS n FROM assessment_cycles \
         WHERE id = {CYCLE} AND state = 'special_inspection'"
    ));
    one(format!(
        "SELECT count(*) AS n FROM assessment_cycles \
         WHERE id = {DRAFT_CYCLE} AND year = 2015 AND state = 'draft'"
    ));
    one(sheet(TOWN, "open"));
    one(sheet(AWAITING_TOWN, "awaiting_signatures"));
    one(sheet(FINAL_TOWN, "final"));
    one(format!(
        "SELECT count(*) AS n FROM referrals r JOIN scoring_records s ON s.id = r.record_id \
         WHERE s.unit_id = {REFERRAL_TOWN}"
    ));
    one(format!(
        "SELECT count(*) AS n FROM self_inspections \
         WHERE unit_id = {RETURNED_TOWN} AND status = 'returned'"
    ));
    one(format!(
        "SELECT count(*) AS n FROM team_reports WHERE unit_id = {FINAL_TOWN} AND status = 'open'"
    ));
    one(format!(
        "SELECT count(*) AS n FROM units WHERE id = {DEPARTMENT} AND kind = 'county_department'"
    ));
    one(format!(
        "SELECT count(*) AS n FROM team_units t WHERE unit_id = {UNSCORED_DEPARTMENT} \
         AND team_id = 1 AND NOT EXISTS (SELECT 1 FROM scoring_records s \
         WHERE s.unit_id = t.unit_id AND s.cycle_id = t.cycle_id)"
    ));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) AS n FROM self_inspections WHERE unit_id = {SILENT_DEPARTMENT}"
        )),
        0,
        "the silent department has submitted nothing"
    );
    one(format!(
        "SELECT count(*) AS n FROM cycle_units \
         WHERE cycle_id = {CYCLE} AND unit_id = {VERTICAL} AND status = 'excluded'"
    ));
    app.stop().await;
}

#[test]
fn every_operation_in_the_contract_is_in_the_catalogue() {
    let spec = contract();
    let documented: Vec<String> = contract_operations(&spec)
        .iter()
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    let catalogued: Vec<String> = catalogue().iter().map(Entry::name).collect();
    let missing: Vec<&String> = documented
        .iter()
        .filter(|d| !catalogued.contains(d))
        .collect();
    let unknown: Vec<&String> = catalogued
        .iter()
        .filter(|c| !documented.contains(c))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let twice: Vec<&String> = catalogued.iter().filter(|c| !seen.insert(*c)).collect();
    assert!(
        missing.is_empty() && unknown.is_empty() && twice.is_empty(),
        "not catalogued: {missing:#?}\ncatalogued but not in the contract: {unknown:#?}\n\
         catalogued twice: {twice:#?}"
    );
}

/// Runs `entry` on a fresh demo clone and lists what is wrong with it (nothing, when it passes).
async fn positive_control(entry: Entry, op: Value) -> Vec<String> {
    let mut failures = Vec::new();
    let app = TestApp::spawn_demo().await;
    let call = entry.call(&app).await;
    let name = entry.name();
    if !instantiates(entry.template, &call.path) || call.method.as_str() != entry.method {
        failures.push(format!("{name}: the call is {} {}", call.method, call.path));
        return failures;
    }
    for param in op["parameters"].as_array().into_iter().flatten() {
        let query_name = param["name"].as_str().unwrap_or("");
        if param["in"] == "query" && !call.query.iter().any(|(n, _)| n == query_name) {
            failures.push(format!("{name}: the call omits the query `{query_name}`"));
        }
    }
    if op["responses"][call.expect.to_string()].is_null() {
        failures.push(format!("{name}: {} is not documented", call.expect));
    }
    let response = call.send(&app).await;
    let status = response.status().as_u16();
    if status != call.expect {
        let body = response.text().await.unwrap_or_default();
        failures.push(format!(
            "{name} as {:?}: expected {}, got {status}: {body}",
            call.who, call.expect
        ));
    }
    app.stop().await;
    failures
}

/// Entries run at once: most of the time goes to PostgreSQL cloning and dropping databases.
pub const PARALLEL: usize = 3;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_catalogued_request_succeeds_as_its_owner() {
    let spec = contract();
    let operations = contract_operations(&spec);
    let mut failures = Vec::new();
    let mut running = tokio::task::JoinSet::new();
    for entry in catalogue() {
        let op = operations
            .iter()
            .find(|(m, p, _)| *m == entry.method && p == entry.template)
            .map(|(_, _, op)| op.clone())
            .unwrap_or(Value::Null);
        if running.len() >= PARALLEL
            && let Some(done) = running.join_next().await
        {
            failures.extend(done.expect("a positive control task"));
        }
        running.spawn(async move {
            // Its own task, so that a failing setup names its entry and the others still run.
            match tokio::spawn(positive_control(entry, op)).await {
                Ok(found) => found,
                Err(e) => vec![format!("{}: the setup failed: {e}", entry.name())],
            }
        });
    }
    while let Some(done) = running.join_next().await {
        failures.extend(done.expect("a positive control task"));
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} catalogued requests failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The office's texts of the report to the county committee of the demo's cycle in review,
/// under the `If-Match` its GET sends (task COMMITTEE).
fn put_committee_report(app: &TestApp) -> BoxFuture<'_, Call> {
    Box::pin(async move {
        let path = format!("/api/v1/assessment-cycles/{REVIEW_CYCLE}/reports/committee");
        let tag = etag(app, Who::Office, &path).await;
        Call::put(
            path,
            json!({"overall_evaluation": "　　全县考核情况总体较好。",
                   "problems": "　　个别单位整改不及时。",
                   "advice": "　　建议约谈整改线以下单位主要负责人。"}),
        )
        .if_match(tag)
    })
}
