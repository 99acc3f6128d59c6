//! Input an outside tester sent to break the service (issue 9): NUL characters, absurd pages,
//! lenient parsing, hostile uploads. Every one is refused with a problem and changes nothing.

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::fixtures::fixture;
use crate::helpers::{TestApp, assert_problem};

/// The `errors` of a 422 as (field, code) pairs.
fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let field = e["field"].as_str().expect("field").to_owned();
            (field, e["code"].as_str().expect("code").to_owned())
        })
        .collect()
}

fn pair(field: &str, code: &str) -> (String, String) {
    (field.to_owned(), code.to_owned())
}

#[tokio::test]
async fn a_nul_in_a_unit_name_is_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let body = json!({"name": "阳城\u{0}镇", "kind": "town", "address": "ok\u{0}"});
    let problem = assert_problem(
        app.post("/api/v1/units", &app.office, &body).await,
        422,
        "validation_failed",
    )
    .await;
    let found = fields(&problem);
    assert!(
        found.contains(&pair("name", "invalid_character")),
        "{problem}"
    );
    assert!(
        found.contains(&pair("address", "invalid_character")),
        "{problem}"
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), 0);
}

#[tokio::test]
async fn a_nul_deep_in_a_body_is_named_by_its_json_path() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let body = json!({
        "name": "第一考核组",
        "leader": {"sub": "oa-1", "name": "欧阳志明"},
        "members": [{"sub": "oa-2", "name": "陈晓\u{0}红"}]
    });
    let path = format!("/api/v1/assessment-cycles/{}/teams", f.cycle);
    let before = app.count("SELECT count(*) AS n FROM audit_log");
    let problem = assert_problem(
        app.post(&path, &app.office, &body).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(
        fields(&problem),
        vec![pair("members[0].name", "invalid_character")]
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM inspection_teams"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), before);
}

#[tokio::test]
async fn a_nul_in_a_query_parameter_is_422_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let problem = assert_problem(
        app.get("/api/v1/units?q=%00", &app.office).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec![pair("q", "invalid_character")]);
    let problem = assert_problem(
        app.get("/api/v1/audit?actor=a%00b&resource=unit", &app.office)
            .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec![pair("actor", "invalid_character")]);
}

#[tokio::test]
async fn a_nul_in_a_path_segment_is_422_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let s = crate::fixtures::sheet(&app).await;
    let before = app.count("SELECT count(*) AS n FROM audit_log");
    let path = format!("{}/items/1.1%00", crate::fixtures::record(&s));
    let response = app
        .request(Method::PUT, &path, Some(&s.leader))
        .header("If-Match", "\"1\"")
        .json(&json!({"deductions": []}))
        .send()
        .await
        .expect("send");
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(fields(&problem), vec![pair("path", "invalid_character")]);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), before);
}

#[tokio::test]
async fn a_token_whose_subject_holds_a_nul_is_a_401_token_problem() {
    let app = TestApp::spawn().await;
    let token = app.token(lianzheng::auth::Role::Office, "off\u{0}ice", None);
    let body = json!({"name": "阳城镇", "kind": "town"});
    assert_problem(
        app.post("/api/v1/units", &token, &body).await,
        401,
        "token_invalid",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), 0);
}

#[tokio::test]
async fn an_enormous_page_number_is_422_naming_page() {
    let app = TestApp::spawn().await;
    let problem = assert_problem(
        app.get(
            "/api/v1/units?page=9223372036854775807&per_page=100",
            &app.office,
        )
        .await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec![pair("page", "out_of_range")]);
}

#[tokio::test]
async fn only_plain_application_json_is_accepted() {
    let app = TestApp::spawn().await;
    for media in [
        "application/json-patch+json",
        "application/merge-patch+json",
        "application/json; charset=latin1",
    ] {
        let response = app
            .request(Method::POST, "/api/v1/units", Some(&app.office))
            .header("Content-Type", media)
            .body(r#"{"name": "阳城镇", "kind": "town"}"#)
            .send()
            .await
            .expect("send");
        assert_problem(response, 415, "unsupported_media_type").await;
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
    let response = app
        .request(Method::POST, "/api/v1/units", Some(&app.office))
        .header("Content-Type", "application/json; charset=UTF-8")
        .body(r#"{"name": "阳城镇", "kind": "town"}"#)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 201, "a utf-8 charset parameter is fine");
}

#[tokio::test]
async fn an_empty_body_needs_no_content_type_and_names_the_required_fields() {
    let app = TestApp::spawn().await;
    let response = app
        .request(Method::POST, "/api/v1/units", Some(&app.office))
        .send()
        .await
        .expect("send");
    let problem = assert_problem(response, 422, "validation_failed").await;
    let found = fields(&problem);
    assert!(found.contains(&pair("name", "required")), "{problem}");
    assert!(found.contains(&pair("kind", "required")), "{problem}");
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn an_action_post_without_a_body_or_content_type_works() {
    let app = TestApp::spawn().await;
    let s = crate::fixtures::sheet(&app).await;
    let response = app
        .request(
            Method::POST,
            &format!("{}/submit", crate::fixtures::record(&s)),
            Some(&s.member1),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let sheet: Value = response.json().await.expect("json");
    assert_eq!(sheet["status"], "awaiting_signatures");
    let stored = format!(
        "SELECT count(*) AS n FROM scoring_records \
         WHERE unit_id = {} AND status = 'awaiting_signatures'",
        s.f.town
    );
    assert_eq!(app.count(&stored), 1);
}

#[tokio::test]
async fn an_action_post_refuses_a_body_it_does_not_take() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("县粮食局", "county_department").await;
    let archive = format!("/api/v1/units/{}/archive", unit["id"]);
    let refused = [
        ("application/json", "\0", 400, "malformed_json"),
        (
            "application/json",
            r#"{"reason": "撤并"}"#,
            422,
            "validation_failed",
        ),
        ("text/plain", "{}", 415, "unsupported_media_type"),
    ];
    for (content_type, body, status, code) in refused {
        let response = app
            .request(Method::POST, &archive, Some(&app.office))
            .header("Content-Type", content_type)
            .body(body)
            .send()
            .await
            .expect("send");
        let problem = assert_problem(response, status, code).await;
        if status == 422 {
            assert_eq!(fields(&problem), [pair("reason", "unknown_field")]);
        }
    }
    let active = "SELECT count(*) AS n FROM units WHERE archived_at IS NULL";
    assert_eq!(app.count(active), 1, "a refused archive changes nothing");
    let records = "SELECT count(*) AS n FROM audit_log WHERE action = 'archive'";
    assert_eq!(app.count(records), 0);

    let response = app
        .request(Method::POST, &archive, Some(&app.office))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200, "no body at all is fine");
    assert_eq!(app.count(active), 0);
    assert_eq!(app.count(records), 1);
}

#[tokio::test]
async fn a_decimal_with_a_space_sign_or_leading_zero_is_refused() {
    let app = TestApp::spawn().await;
    for bad in [" 90.00", "+90.00", "090.00", "9e1", "90.", "90.000", "1000"] {
        let body = json!({"year": 2014, "special_weight": bad, "routine_weight": "10.00"});
        let response = app
            .post("/api/v1/assessment-cycles", &app.office, &body)
            .await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["field"], "special_weight",
            "{bad}: {problem}"
        );
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM assessment_cycles"), 0);
}

#[tokio::test]
async fn a_name_made_of_invisible_characters_is_blank() {
    let app = TestApp::spawn().await;
    for name in ["\u{202e}\u{200b}", "\u{feff}\u{3000}", "\u{ad}\u{2060}"] {
        let body = json!({"name": name, "kind": "town"});
        let problem = assert_problem(
            app.post("/api/v1/units", &app.office, &body).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), vec![pair("name", "blank")], "{name:?}");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn every_invalid_idempotency_key_is_a_problem() {
    let app = TestApp::spawn().await;
    let keys = [
        reqwest::header::HeaderValue::from_static("two words"),
        reqwest::header::HeaderValue::from_bytes("键".as_bytes()).expect("obs-text"),
        reqwest::header::HeaderValue::from_static(""),
    ];
    for key in keys {
        let response = app
            .request(Method::POST, "/api/v1/units", Some(&app.office))
            .header("Idempotency-Key", key.clone())
            .json(&json!({"name": "阳城镇", "kind": "town"}))
            .send()
            .await
            .expect("send");
        assert_problem(response, 400, "invalid_idempotency_key").await;
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM idempotency_keys"), 0);
}

#[tokio::test]
async fn a_token_with_a_crit_header_is_refused() {
    let app = TestApp::spawn().await;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.crit = Some(vec!["exp".to_owned()]);
    let now = jsonwebtoken::get_current_timestamp();
    let claims = json!({
        "iss": app.settings.jwt_issuer, "aud": app.settings.jwt_audience,
        "sub": "office-admin", "role": "office", "exp": now + 600
    });
    let key = jsonwebtoken::EncodingKey::from_secret(crate::helpers::TEST_SECRET.as_bytes());
    let token = jsonwebtoken::encode(&header, &claims, &key).expect("encode");
    let body = json!({"name": "阳城镇", "kind": "town"});
    assert_problem(
        app.post("/api/v1/units", &token, &body).await,
        401,
        "token_invalid",
    )
    .await;
    assert_eq!(app.count("SELECT count(*) AS n FROM units"), 0);
}

#[tokio::test]
async fn authenticated_responses_are_never_stored_by_caches() {
    let app = TestApp::spawn().await;
    let unit = app.create_unit("阳城镇", "town").await;
    let path = format!("/api/v1/units/{}", unit["id"]);
    let first = app.get(&path, &app.office).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-store");
    let etag = first.headers()["etag"].clone();
    let again = app
        .request(Method::GET, &path, Some(&app.office))
        .header("If-None-Match", etag)
        .send()
        .await
        .expect("send");
    assert_eq!(again.status(), 304, "ETag revalidation still works");
    assert_eq!(again.headers()["cache-control"], "no-store");
    let refused = app.get("/api/v1/units/999", &app.office).await;
    assert_eq!(refused.headers()["cache-control"], "no-store");
}

async fn upload_form(app: &TestApp, token: &str, form: Form) -> reqwest::Response {
    app.request(Method::POST, "/api/v1/attachments", Some(token))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

fn file(name: &str, bytes: Vec<u8>) -> Part {
    Part::bytes(bytes).file_name(name.to_owned())
}

#[tokio::test]
async fn an_empty_file_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let form = Form::new().part("file", file("空.pdf", Vec::new()));
    let problem = assert_problem(
        upload_form(&app, &app.office, form).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec![pair("file", "empty_file")]);
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
}

#[tokio::test]
async fn two_file_parts_are_refused_and_neither_is_stored() {
    let app = TestApp::spawn().await;
    let form = Form::new()
        .part("file", file("一.txt", "第一份".as_bytes().to_vec()))
        .part("file", file("二.txt", "第二份".as_bytes().to_vec()));
    let problem = assert_problem(
        upload_form(&app, &app.office, form).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(fields(&problem), vec![pair("file", "duplicate_file")]);
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
}

#[tokio::test]
async fn a_file_name_with_a_nul_is_refused() {
    let app = TestApp::spawn().await;
    // RFC 6266 `filename*` carries the name percent-encoded, so the NUL survives the headers.
    let body = concat!(
        "--XyZ\r\n",
        "Content-Disposition: form-data; name=\"file\"; ",
        "filename*=UTF-8''%E6%8A%A5%E5%91%8A%00.txt\r\n",
        "Content-Type: text/plain\r\n\r\n",
        "self inspection report\r\n",
        "--XyZ--\r\n"
    );
    let response = app
        .request(Method::POST, "/api/v1/attachments", Some(&app.office))
        .header("Content-Type", "multipart/form-data; boundary=XyZ")
        .body(body)
        .send()
        .await
        .expect("upload");
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(
        fields(&problem),
        vec![pair("file.filename", "invalid_character")]
    );
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
}

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

#[tokio::test]
async fn a_word_file_is_recognised_whatever_the_order_of_its_entries() {
    let app = TestApp::spawn().await;
    let types = zip::stored("[Content_Types].xml", br#"<?xml version="1.0"?><Types/>"#);
    let document = zip::stored(
        "word/document.xml",
        br#"<?xml version="1.0"?><w:document/>"#,
    );
    for (i, entries) in [vec![types.clone(), document.clone()], vec![document, types]]
        .into_iter()
        .enumerate()
    {
        let form = Form::new().part("file", file("自查报告.docx", zip::archive(&entries)));
        let response = upload_form(&app, &app.office, form).await;
        assert_eq!(response.status(), 201, "order {i}");
        let meta: Value = response.json().await.expect("json");
        assert_eq!(meta["content_type"], DOCX_TYPE, "order {i}");
    }
}

#[tokio::test]
async fn a_zip_bomb_is_refused_whatever_the_order_of_its_entries() {
    let app = TestApp::spawn().await;
    let types = zip::stored("[Content_Types].xml", br#"<?xml version="1.0"?><Types/>"#);
    let bomb = zip::zeros("word/document.xml", 50 * 1024 * 1024);
    for entries in [vec![bomb.clone(), types.clone()], vec![types, bomb]] {
        let bytes = zip::archive(&entries);
        assert!(
            bytes.len() < 1024 * 1024,
            "the bomb is small: {}",
            bytes.len()
        );
        let form = Form::new().part("file", file("炸弹.docx", bytes));
        let problem = assert_problem(
            upload_form(&app, &app.office, form).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(fields(&problem), vec![pair("file", "archive_too_large")]);
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
}

/// Builds zip archives by hand: stored entries and deflated runs of zeros (a bomb).
pub mod zip {
    /// One entry: name, method, compressed bytes, uncompressed size and CRC-32.
    #[derive(Clone)]
    pub struct Entry {
        name: String,
        method: u16,
        data: Vec<u8>,
        size: u32,
        crc: u32,
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let table: Vec<u32> = (0..256u32)
            .map(|n| {
                (0..8).fold(n, |c, _| {
                    if c & 1 == 1 {
                        0xEDB8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    }
                })
            })
            .collect();
        !bytes.iter().fold(!0u32, |c, &b| {
            table[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8)
        })
    }

    /// An entry stored without compression.
    pub fn stored(name: &str, data: &[u8]) -> Entry {
        Entry {
            name: name.to_owned(),
            method: 0,
            data: data.to_vec(),
            size: data.len() as u32,
            crc: crc32(data),
        }
    }

    /// An entry of `size` zero bytes, deflated with fixed Huffman codes (length-258 matches).
    pub fn zeros(name: &str, size: u32) -> Entry {
        let mut bits = Bits::default();
        bits.put(1, 1); // BFINAL
        bits.put(1, 2); // fixed Huffman
        let literal_zero = |bits: &mut Bits| bits.code(0x30, 8);
        literal_zero(&mut bits);
        let matches = (size - 1) / 258;
        for _ in 0..matches {
            bits.code(0xC5, 8); // length 258 (symbol 285)
            bits.code(0, 5); // distance 1
        }
        for _ in 0..(size - 1 - matches * 258) {
            literal_zero(&mut bits);
        }
        bits.code(0, 7); // end of block
        Entry {
            name: name.to_owned(),
            method: 8,
            data: bits.finish(),
            size,
            crc: crc32(&vec![0; size as usize]),
        }
    }

    #[derive(Default)]
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        n: u32,
    }

    impl Bits {
        fn put(&mut self, value: u32, count: u32) {
            for i in 0..count {
                self.acc |= ((value >> i) & 1) << self.n;
                self.n += 1;
                if self.n == 8 {
                    self.out.push(self.acc as u8);
                    self.acc = 0;
                    self.n = 0;
                }
            }
        }

        /// Huffman codes are sent most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            for i in (0..len).rev() {
                self.put((code >> i) & 1, 1);
            }
        }

        fn finish(mut self) -> Vec<u8> {
            if self.n > 0 {
                self.out.push(self.acc as u8);
            }
            self.out
        }
    }

    /// The archive: local headers and data, then the central directory and its end record.
    pub fn archive(entries: &[Entry]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for e in entries {
            let offset = out.len() as u32;
            let common = |v: &mut Vec<u8>| {
                v.extend_from_slice(&20u16.to_le_bytes()); // version needed
                v.extend_from_slice(&0u16.to_le_bytes()); // flags
                v.extend_from_slice(&e.method.to_le_bytes());
                v.extend_from_slice(&[0, 0, 0x21, 0]); // time, date
                v.extend_from_slice(&e.crc.to_le_bytes());
                v.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
                v.extend_from_slice(&e.size.to_le_bytes());
                v.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
                v.extend_from_slice(&0u16.to_le_bytes()); // extra length
            };
            out.extend_from_slice(b"PK\x03\x04");
            common(&mut out);
            out.extend_from_slice(e.name.as_bytes());
            out.extend_from_slice(&e.data);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&20u16.to_le_bytes()); // version made by
            common(&mut central);
            central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
            central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(e.name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]); // disk numbers
        let count = entries.len() as u16;
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes()); // comment length
        out
    }
}
