//! The examples of the operations whose call needs one particular object of the demo county
//! (`src/seed.rs`) in one particular state: a unit nothing refers to, a final sheet, an open
//! round. Swagger UI's Try it out sends an operation's examples as they stand, so on a fresh copy
//! of the demo each of these names the object its call needs (`tests/api/examples.rs` sends every
//! operation's examples and expects 2xx). The shared path parameters' own examples (cycle 1,
//! unit 1 阳城镇, ...) suit the other operations.
//!
//! Applied to the contract last, so the table wins over the examples of the attributes. When the
//! demo changes, change this table with it.

use serde_json::{Value, json};

use crate::seed::DEMO_BALLOT_CODE;

/// One operation's examples: parameters by name (path or header), and its JSON body.
struct Demo {
    operation: &'static str,
    parameters: Vec<(&'static str, Value)>,
    body: Option<Value>,
}

impl Demo {
    fn of(operation: &'static str) -> Self {
        Self {
            operation,
            parameters: Vec::new(),
            body: None,
        }
    }

    fn param(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        self.parameters.push((name, value.into()));
        self
    }

    fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// The demo's objects that the examples name, by operation.
fn table() -> Vec<Demo> {
    vec![
        // 县公共资源交易中心 (86), registered after the 2014 cycle took its list of units.
        Demo::of("delete_unit").param("unit_id", 86),
        // 县人口和计划生育局 (85), merged into 县卫生和计划生育局 and archived.
        Demo::of("restore_unit").param("unit_id", 85),
        // The demo has the 2014 cycle and the 2015 one in preparation.
        Demo::of("create_cycle").body(json!({
            "year": 2016, "title": "阳山县2016年党风廉政建设责任制考核检查",
            "rectification_line": "75.00"
        })),
        // The 2015 cycle (2), a draft: its evaluation has not begun.
        Demo::of("update_evaluation_settings").param("cycle_id", 2),
        // 太平镇's mayor (11), whose report is still a draft.
        Demo::of("submit_accountability_report")
            .param("unit_id", 3)
            .param("leader_id", 11),
        // 青莲镇 (7): its sheet awaits signatures (team 1's leader signed: signature 3) and
        // carries a referral (2).
        Demo::of("get_referral")
            .param("unit_id", 7)
            .param("referral_id", 2),
        Demo::of("delete_referral")
            .param("unit_id", 7)
            .param("referral_id", 2),
        Demo::of("sign_scoring_record").param("unit_id", 7),
        Demo::of("get_scoring_record_signature")
            .param("unit_id", 7)
            .param("signature_id", 3),
        // 小江镇 (9): its sheet is final, its report written and open.
        Demo::of("reopen_scoring_record").param("unit_id", 9),
        Demo::of("submit_team_report").param("unit_id", 9),
        // 秤架瑶族乡 (13): its report awaits signatures (team 1's leader signed: signature 23).
        Demo::of("sign_team_report").param("unit_id", 13),
        Demo::of("get_team_report_signature")
            .param("unit_id", 13)
            .param("signature_id", 23),
        // 黄坌镇 (11): its report is final.
        Demo::of("reopen_team_report").param("unit_id", 11),
        // 青莲镇's round (3) is open, at version 3; its leaders are 28 to 31.
        Demo::of("issue_ballot_codes")
            .param("unit_id", 7)
            .param("round_id", 3),
        Demo::of("close_evaluation_round")
            .param("unit_id", 7)
            .param("round_id", 3),
        Demo::of("put_paper_tally")
            .param("unit_id", 7)
            .param("round_id", 3)
            .param("If-Match", "\"3\"")
            .body(json!({
                "forms_handed_out": 12, "forms_returned": 11,
                "counts": [{"leader_id": 28, "category": "staff_representative",
                            "good": 8, "fairly_good": 2, "average": 1, "poor": 0, "unknown": 0}]
            })),
        Demo::of("cast_ballot").body(json!({
            "code": DEMO_BALLOT_CODE, "category": "staff_representative",
            "grades": [{"leader_id": 28, "grade": "good"}, {"leader_id": 29, "grade": "good"},
                       {"leader_id": 30, "grade": "fairly_good"},
                       {"leader_id": 31, "grade": "unknown"}],
            "comment": "希望进一步加强作风建设"
        })),
        // 杜步镇's round (4) is suspended after too many failed codes.
        Demo::of("resume_evaluation_round")
            .param("unit_id", 4)
            .param("round_id", 4),
        // The 2014 cycle has a commitment (draw 1, seeded and verified): a new one is a redraw,
        // with a reason; its source publishes on a date long after any day the demo is tried.
        Demo::of("commit_routine_draw").body(json!({
            "seed_source": "中国福利彩票双色球2099152期开奖号码（期号、冒号、空格，红球按开奖\
                            顺序以空格分隔，加号后为蓝球）",
            "seed_publishes_at": "2099-12-31T13:30:00Z",
            "reason": "抽取后县财政局主要负责人调整，经县纪委常委会研究重新抽取"
        })),
        // Draw 1 sampled 县财政局 (37), 县审计局 (51), 黎埠镇 (12) and 小江镇 (9); each visit
        // record was final, signed by office-admin and office-li. The office then reopened
        // 县财政局's (open again) and 县审计局's (resubmitted, signed by office-li only: it
        // awaits office-admin); 小江镇's stands final (signatures 39 and 40).
        // The 2011 cycle (3, in review) has a draw committed to a lottery result published on
        // 2011-10-24, its seed not yet entered.
        Demo::of("seed_routine_draw")
            .param("cycle_id", 3)
            .body(json!({"seed": "2011125: 02 07 15 19 24 33 + 06"})),
        Demo::of("get_routine_visit").param("unit_id", 37),
        Demo::of("put_routine_visit").param("unit_id", 37),
        Demo::of("submit_routine_visit").param("unit_id", 37),
        Demo::of("sign_routine_visit").param("unit_id", 51),
        Demo::of("get_routine_visit_signature")
            .param("unit_id", 9)
            .param("signature_id", 39),
        Demo::of("reopen_routine_visit")
            .param("unit_id", 9)
            .body(json!({"reason": "问卷回收和计票情况记载不全，退回补充后重新签名"})),
        // 县工商行政管理局 (73), the last county department, has no routine score yet.
        Demo::of("create_routine_scores").body(json!({"scores": [
            {"unit_id": 73, "score": "9.25", "note": "责任制目标按期完成，台帐齐全"}
        ]})),
        // Results (issue 15, task RESULTS): the 2014 cycle has bands, the veto enabled (cap
        // 一般) with one event (1) against 县委办公室 (14), and fallback results for the
        // vertical units 79 (superior's assessment) and 80 (self-score).
        // The bands have no GET of their own: their If-Match is the settings' ETag (version 3
        // after the demo's bands and settings).
        Demo::of("put_grade_bands").param("If-Match", "\"3\""),
        Demo::of("get_veto").param("veto_id", 1),
        Demo::of("delete_veto").param("veto_id", 1),
        Demo::of("get_fallback_result").param("unit_id", 79),
        Demo::of("put_fallback_result").param("unit_id", 79),
        Demo::of("delete_fallback_result").param("unit_id", 80),
        // Publication (issue 15, part 2): the 2011 cycle (3) is in review, with the office's
        // review (decision 1, at version 1) and the standing committee's decision (2) on record;
        // the county committee's approval is not recorded yet.
        Demo::of("list_cycle_decisions").param("cycle_id", 3),
        Demo::of("create_cycle_decision").param("cycle_id", 3),
        Demo::of("get_cycle_decision")
            .param("cycle_id", 3)
            .param("decision_id", 1),
        Demo::of("update_cycle_decision")
            .param("cycle_id", 3)
            .param("decision_id", 1)
            .param("If-Match", "\"1\"")
            .body(json!({
                "document_ref": "阳纪办〔2011〕21号", "decided_on": "2011-10-26",
                "opinion": "各考核组评分依据充分，建议按考核组评分确定考核结果，报县纪委常委会研究",
                "note": "经县党廉办主任办公会复核，补充对小江镇的意见",
                "unit_opinions": [{"unit_id": 9,
                    "opinion": "考核组评分与自评分相差较大，经复核维持考核组评分"}],
                "attachment_ids": []
            })),
        // Commendations and notices (issue 15 item 6): the cycle in review (3) has 小江镇 (9)
        // commended with the results (1) and a notice on 太平镇 (2) not yet published.
        Demo::of("list_commendations").param("cycle_id", 3),
        Demo::of("create_commendation").param("cycle_id", 3),
        Demo::of("get_commendation")
            .param("cycle_id", 3)
            .param("commendation_id", 1),
        Demo::of("update_commendation")
            .param("cycle_id", 3)
            .param("commendation_id", 1),
        Demo::of("delete_commendation")
            .param("cycle_id", 3)
            .param("commendation_id", 2),
        // The newest published cycle (5, the 2013 one of `seed_history`) has a leader of 小江镇
        // commended, not yet published (4), and 小江镇 has not acknowledged its result.
        Demo::of("publish_commendation")
            .param("cycle_id", 5)
            .param("commendation_id", 4),
        Demo::of("acknowledge_result")
            .param("cycle_id", 5)
            .param("unit_id", 9),
        // Publication versions and settings (issue 15 item 4): the 2013 cycle (5) was
        // published twice, version 2 correcting 县审计局's routine score; the cycle in review
        // (3) takes its publication settings.
        Demo::of("list_publications").param("cycle_id", 5),
        Demo::of("get_publication")
            .param("cycle_id", 5)
            .param("version", 1),
        Demo::of("list_publication_changes")
            .param("cycle_id", 5)
            .param("version", 2),
        Demo::of("get_publication_settings").param("cycle_id", 3),
        Demo::of("put_publication_settings").param("cycle_id", 3),
        // Rectification (issue 15 item 5): in the published 2013 cycle (5), 县商务局 (48) has
        // submitted its rectification and 县旅游局 (56) holds a draft.
        Demo::of("list_rectifications").param("cycle_id", 5),
        Demo::of("get_rectification")
            .param("cycle_id", 5)
            .param("unit_id", 48),
        Demo::of("put_rectification")
            .param("cycle_id", 5)
            .param("unit_id", 56),
        Demo::of("submit_rectification")
            .param("cycle_id", 5)
            .param("unit_id", 56),
        Demo::of("return_rectification")
            .param("cycle_id", 5)
            .param("unit_id", 48),
        Demo::of("accept_rectification")
            .param("cycle_id", 5)
            .param("unit_id", 48),
        // 岭背镇 (10), below the line in 2012 and 2013: its 2013 report (cycle 5) shows the
        // year-over-year line and the two-cycles warning.
        Demo::of("get_unit_report")
            .param("cycle_id", 5)
            .param("unit_id", 10),
        // The report to the county committee: the published 2013 cycle (5) has every figure;
        // the 2011 cycle (3), in review, takes the office's texts.
        Demo::of("get_committee_report").param("cycle_id", 5),
        Demo::of("put_committee_report").param("cycle_id", 3),
    ]
}

/// Each operation of `doc` by its `operationId`.
fn operation_mut<'a>(doc: &'a mut Value, id: &str) -> Option<&'a mut Value> {
    doc["paths"]
        .as_object_mut()?
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .find(|op| op["operationId"] == id)
}

/// Sets the table's examples on `doc`; returns what it names that `doc` lacks (an operation, a
/// parameter declared inline, a JSON body), which a test keeps empty.
pub fn apply(doc: &mut Value) -> Vec<String> {
    let mut missing = Vec::new();
    for demo in table() {
        let Some(op) = operation_mut(doc, demo.operation) else {
            missing.push(demo.operation.to_owned());
            continue;
        };
        for (name, value) in demo.parameters {
            let parameter = op["parameters"]
                .as_array_mut()
                .into_iter()
                .flatten()
                .find(|p| p["name"] == name);
            match parameter {
                Some(parameter) => parameter["example"] = value,
                None => missing.push(format!("{} parameter {name}", demo.operation)),
            }
        }
        if let Some(body) = demo.body {
            match op.pointer_mut("/requestBody/content/application~1json") {
                Some(media) => media["example"] = body,
                None => missing.push(format!("{} JSON body", demo.operation)),
            }
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_of_the_table_lands_in_the_contract() {
        let mut doc = crate::openapi::spec();
        assert_eq!(apply(&mut doc), Vec::<String>::new());
        let mut seen = std::collections::HashSet::new();
        for demo in table() {
            assert!(seen.insert(demo.operation), "{} twice", demo.operation);
        }
    }

    #[test]
    fn the_demo_ballot_code_is_a_code() {
        assert!(crate::domain::evaluation::parse_code(DEMO_BALLOT_CODE).is_some());
    }
}
