//! Attachments: type checked by content, size limit, Chinese names, access.

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::fixtures::{self, fixture};
use crate::helpers::{TestApp, assert_problem};

async fn upload(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    app.request(reqwest::Method::POST, "/api/v1/attachments", Some(token))
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    bytes.extend((0..2000u32).map(|i| (i % 251) as u8));
    bytes.extend_from_slice(b"\n%%EOF\n");
    bytes
}

#[tokio::test]
async fn a_file_with_a_chinese_name_round_trips_byte_for_byte() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let name = "阳城镇2014年党风廉政建设自查报告（盖章版）.pdf";
    let bytes = pdf();
    let response = upload(&app, &token, name, bytes.clone()).await;
    assert_eq!(response.status(), 201);
    let meta: Value = response.json().await.expect("json");
    assert_eq!(meta["file_name"], name);
    assert_eq!(meta["content_type"], "application/pdf");
    assert_eq!(meta["size_bytes"], bytes.len());
    let id = meta["id"].as_i64().expect("id");

    let path = format!(
        "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
        f.cycle, f.town
    );
    let attached = app
        .request(reqwest::Method::PUT, &path, Some(&token))
        .json(&json!({"report": "自查报告", "attachment_ids": [id]}))
        .send()
        .await
        .expect("send");
    assert_eq!(attached.status(), 201);

    let download = app
        .get(&format!("/api/v1/attachments/{id}"), &app.office)
        .await;
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(
        download.headers()["etag"].to_str().expect("etag"),
        format!("\"{}\"", meta["sha256"].as_str().expect("sha"))
    );
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let encoded: String = percent_encode(name);
    assert!(
        disposition.contains(&format!("filename*=UTF-8''{encoded}")),
        "{disposition}"
    );
    assert_eq!(download.bytes().await.expect("bytes").to_vec(), bytes);

    let other_unit = app.unit_token(f.dept);
    assert_problem(
        app.get(&format!("/api/v1/attachments/{id}"), &other_unit)
            .await,
        404,
        "not_found",
    )
    .await;
    assert_eq!(
        app.get(&format!("/api/v1/attachments/{id}"), &token)
            .await
            .status(),
        200
    );
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn an_unattached_upload_is_readable_only_by_its_uploader_and_the_office() {
    let app = TestApp::spawn().await;
    let uploader = app.unit_token(1);
    let note = "自查说明".as_bytes().to_vec();
    let id = fixtures::upload(&app, &uploader, "note.txt", note).await;
    assert_eq!(
        app.get(&format!("/api/v1/attachments/{id}"), &uploader)
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get(&format!("/api/v1/attachments/{id}"), &app.office)
            .await
            .status(),
        200
    );
    assert_problem(
        app.get(&format!("/api/v1/attachments/{id}"), &app.unit_token(2))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get(&format!("/api/v1/attachments/{id}"), &app.inspector_token())
            .await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn an_oversized_upload_is_413_and_nothing_is_stored() {
    let app = TestApp::spawn_with(|s| s.upload_limit = 4096).await;
    let response = upload(
        &app,
        &app.office,
        "big.pdf",
        [pdf(), vec![b'x'; 8192]].concat(),
    )
    .await;
    assert_problem(response, 413, "payload_too_large").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
    assert_eq!(app.count("SELECT count(*) AS n FROM audit_log"), 0);
}

#[tokio::test]
async fn disguised_file_types_are_415_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>".to_vec();
    assert_problem(
        upload(&app, &app.office, "自查报告.txt", html).await,
        415,
        "unsupported_media_type",
    )
    .await;
    // A plain ZIP archive (one stored file, no Word parts) named .docx.
    let zip = crate::hostile_input::zip::archive(&[crate::hostile_input::zip::stored(
        "hello.txt",
        b"hello",
    )]);
    assert_problem(
        upload(&app, &app.office, "述责报告.docx", zip).await,
        415,
        "unsupported_media_type",
    )
    .await;
    // A broken one: its end record says the central directory is where it is not.
    let mut broken = b"PK\x03\x04\x0a\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    broken.extend_from_slice(&[0u8; 12]);
    broken.extend_from_slice(b"\x05\x00\x00\x00hello.txt");
    broken.extend_from_slice(
        b"PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00",
    );
    let problem = assert_problem(
        upload(&app, &app.office, "述责报告.docx", broken).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "archive_corrupt");
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    assert_problem(
        upload(&app, &app.office, "表格.xlsx", exe).await,
        415,
        "unsupported_media_type",
    )
    .await;
    let not_multipart = app
        .post("/api/v1/attachments", &app.office, &json!({"file": "x"}))
        .await;
    assert_problem(not_multipart, 415, "unsupported_media_type").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 0);
}

#[tokio::test]
async fn someone_elses_upload_cannot_be_attached() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let id = fixtures::upload(&app, &app.office, "通知.pdf", pdf()).await;
    let path = format!(
        "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
        f.cycle, f.town
    );
    let token = app.unit_token(f.town);
    let attached = app
        .request(reqwest::Method::PUT, &path, Some(&token))
        .json(&json!({"attachment_ids": [id]}))
        .send()
        .await
        .expect("send");
    let problem = assert_problem(attached, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_yours");
    assert_eq!(app.count("SELECT count(*) AS n FROM self_inspections"), 0);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM attachments WHERE owner_id IS NOT NULL"),
        0
    );
}

#[tokio::test]
async fn unattached_uploads_older_than_a_day_are_removed_and_attached_ones_kept() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let stale = fixtures::upload(&app, &token, "旧草稿.pdf", pdf()).await;
    let fresh = fixtures::upload(&app, &token, "新草稿.pdf", pdf()).await;
    let kept = fixtures::upload(&app, &token, "已附.pdf", pdf()).await;
    let path = format!(
        "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
        f.cycle, f.town
    );
    app.request(reqwest::Method::PUT, &path, Some(&token))
        .json(&json!({"attachment_ids": [kept]}))
        .send()
        .await
        .expect("send");
    use diesel::connection::SimpleConnection;
    app.db
        .superuser()
        .batch_execute(&format!(
            "UPDATE attachments SET created_at = now() - interval '2 days' \
             WHERE id IN ({stale}, {kept})"
        ))
        .expect("age the uploads");
    let audit_before = app.count("SELECT count(*) AS n FROM audit_log");
    let removed = lianzheng::ops::attachments::purge_unattached(&mut app.db.app(), &app.signer)
        .expect("purge");
    assert_eq!(removed, 1);
    let remaining: Vec<i64> = [stale, fresh, kept]
        .into_iter()
        .filter(|id| {
            app.count(&format!(
                "SELECT count(*) AS n FROM attachments WHERE id = {id}"
            )) == 1
        })
        .collect();
    assert_eq!(remaining, [fresh, kept]);
    assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log"),
        audit_before + 1,
        "the purge is on record"
    );
}

#[tokio::test]
async fn an_attachment_is_removed_by_its_uploader_only_while_nothing_submitted_lists_it() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    let token = app.unit_token(f.town);
    let wrong = fixtures::upload(&app, &token, "错传.pdf", pdf()).await;
    let right = fixtures::upload(&app, &token, "自查报告.pdf", pdf()).await;
    let path = format!(
        "/api/v1/assessment-cycles/{}/units/{}/self-inspection",
        f.cycle, f.town
    );
    let scores: Vec<Value> = f
        .items
        .iter()
        .map(|(code, max)| json!({"item_code": code, "points": max}))
        .collect();
    app.request(reqwest::Method::PUT, &path, Some(&token))
        .json(&json!({"report": "自查报告", "scores": scores, "attachment_ids": [wrong, right]}))
        .send()
        .await
        .expect("send");
    let by_office = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/attachments/{wrong}"),
            Some(&app.office),
        )
        .send()
        .await
        .expect("send");
    assert_problem(by_office, 403, "forbidden").await;
    let removed = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/attachments/{wrong}"),
            Some(&token),
        )
        .send()
        .await
        .expect("send");
    assert_eq!(removed.status(), 204);
    app.post(&format!("{path}/submit"), &token, &json!({}))
        .await;
    let submitted = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/attachments/{right}"),
            Some(&token),
        )
        .send()
        .await
        .expect("send");
    assert_problem(submitted, 409, "document_submitted").await;
    app.post(
        &format!("{path}/return"),
        &app.office,
        &json!({"reason": "补充"}),
    )
    .await;
    let listed = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/attachments/{right}"),
            Some(&token),
        )
        .send()
        .await
        .expect("send");
    assert_problem(listed, 409, "attachment_in_submitted_version").await;
    assert_eq!(app.count("SELECT count(*) AS n FROM attachments"), 1);
}
