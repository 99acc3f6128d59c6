//! The Chinese of every problem: titles by status, details by problem code, and field messages
//! by rule code. A problem answers in Chinese unless the request prefers English
//! (`Accept-Language: en`); its `code` is the same in both.
//!
//! Call sites write one English sentence with the particulars (which unit, which limit). In
//! Chinese the sentence of the code comes first and those particulars follow in brackets, so
//! nothing the English says is lost. A code missing here still answers in Chinese, with the
//! sentence of its status; a test holds this table to every code the source uses.

/// The language a problem is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Chinese, the default.
    #[default]
    Zh,
    /// English, on `Accept-Language: en`.
    En,
}

impl Lang {
    /// The language of an `Accept-Language` header: English when its most preferred language
    /// (by `q`, then by order) is English, Chinese otherwise, and when there is no header.
    pub fn negotiate(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Lang::Zh;
        };
        let mut best: Option<(u16, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            if !(0.0..=1.0).contains(&q) || q == 0.0 {
                continue;
            }
            let lang = match tag.split('-').next().unwrap_or_default() {
                "en" => Lang::En,
                "zh" | "*" => Lang::Zh,
                _ => continue,
            };
            let q = (q * 1000.0) as u16;
            if best.is_none_or(|(b, _)| q > b) {
                best = Some((q, lang));
            }
        }
        best.map_or(Lang::Zh, |(_, lang)| lang)
    }

    /// The `Content-Language` of a problem in this language.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

tokio::task_local! {
    /// The language of the request being served (set by [`crate::http::language`]).
    pub static LANG: Lang;
}

/// The language of the request being served; Chinese outside a request.
pub fn current() -> Lang {
    LANG.try_with(|lang| *lang).unwrap_or_default()
}

/// The Chinese title of a status.
pub fn title(status: u16) -> &'static str {
    match status {
        400 => "请求无效",
        401 => "未认证",
        403 => "无权操作",
        404 => "未找到",
        405 => "不支持该方法",
        406 => "无法提供所要求的格式",
        409 => "与当前状态冲突",
        412 => "版本已变化",
        413 => "请求体过大",
        415 => "不支持的媒体类型",
        422 => "校验未通过",
        428 => "缺少前提条件",
        429 => "请求过于频繁",
        503 => "服务暂不可用",
        _ => "内部错误",
    }
}

/// Problem codes and their Chinese sentences.
pub const PROBLEMS: &[(&str, &str)] = &[
    ("malformed_json", "请求体不是有效的 JSON"),
    (
        "malformed_multipart",
        "上传内容不是有效的 multipart/form-data",
    ),
    ("invalid_query", "查询参数无法解析"),
    (
        "invalid_idempotency_key",
        "Idempotency-Key 须为 1 至 255 个可见 ASCII 字符",
    ),
    ("body_timeout", "请求体未能在规定时间内送达"),
    ("body_unreadable", "请求体无法读取"),
    ("token_missing", "缺少登录令牌"),
    ("token_invalid", "登录令牌无效"),
    ("token_expired", "登录令牌已过期"),
    ("token_not_yet_valid", "登录令牌尚未生效"),
    ("forbidden", "您的角色无权执行此操作"),
    ("not_found", "对象不存在，或不在您的权限范围内"),
    ("method_not_allowed", "该路径不支持此方法"),
    ("conflict", "与现有数据冲突"),
    ("referenced", "该对象仍被其他数据引用，或引用了不存在的数据"),
    (
        "idempotency_in_flight",
        "使用同一 Idempotency-Key 的请求仍在处理中，请稍后重试",
    ),
    ("unit_name_taken", "已有同名的未归档单位"),
    ("team_name_taken", "本周期已有同名的考核组"),
    ("cycle_year_taken", "该年度已有考核周期"),
    ("unit_archived", "单位已归档，只读"),
    ("unit_not_archived", "单位未归档"),
    ("unit_referenced", "单位已被考核周期引用，不能删除"),
    ("unit_not_assessed", "该单位不在本周期的考核范围内"),
    ("units_without_team", "尚有单位未分配考核组"),
    (
        "too_many_first_responsible",
        "第一责任人人数超过该类单位的上限",
    ),
    ("cycle_archived", "考核周期已归档，只读"),
    ("cycle_closed", "考核周期已结束，不能再修改"),
    ("cycle_in_draft", "考核周期尚在草拟阶段"),
    ("cycle_not_draft", "只有草拟阶段的考核周期可以这样修改"),
    ("cycle_not_open", "考核周期不在可填报的阶段"),
    (
        "cycle_not_in_special_inspection",
        "考核周期不在专项检查阶段",
    ),
    ("cycle_forms_invalid", "考核周期的考评表不完整或有误"),
    ("illegal_transition", "考核周期不能从当前阶段转到该阶段"),
    ("document_submitted", "文件已提交，不能再修改"),
    ("already_submitted", "已经提交"),
    ("not_submitted", "尚未提交"),
    ("not_open", "尚未开始或已不可修改"),
    ("not_awaiting_signatures", "不在待签署状态"),
    ("already_signed", "您本轮已经签署"),
    ("not_final", "尚未全部签署完毕"),
    ("file_missing", "缺少上传的文件"),
    ("archive_corrupt", "压缩文件已损坏"),
    ("archive_too_large", "压缩文件解压后过大"),
    (
        "attachment_in_submitted_version",
        "附件属于已提交的版本，不能删除",
    ),
    (
        "precondition_failed",
        "对象已被修改（If-Match 与当前 ETag 不符），请重新读取后再试",
    ),
    (
        "precondition_required",
        "此修改须带 If-Match，值为对象当前的 ETag",
    ),
    ("payload_too_large", "请求体超过允许的大小"),
    ("unsupported_media_type", "请求体的媒体类型不受支持"),
    ("validation_failed", "请求中有无效的字段"),
    (
        "service_unavailable",
        "数据库暂不可用或响应过慢，请稍后重试",
    ),
    ("internal_error", "发生了意外错误，已记录"),
    ("cycle_not_inspecting", "考核周期不在自查或专项检查阶段"),
    ("evaluation_round_closed", "民主测评已结束"),
    ("evaluation_round_not_open", "民主测评未在进行中"),
    ("evaluation_round_not_suspended", "民主测评未被暂停"),
    ("evaluation_round_open", "该单位已有进行中的民主测评"),
    (
        "evaluation_round_suspended",
        "民主测评因失败尝试过多已暂停，待县纪委恢复",
    ),
    ("evaluation_round_not_closed", "民主测评尚未结束"),
    (
        "evaluation_started",
        "本周期的民主测评已开始，测评设置不能再改",
    ),
    ("evaluation_tags_exhausted", "本周期可用的测评编号已用尽"),
    ("grades_closed", "本周期的班子成员评定已不能修改"),
    (
        "idempotency_key_refused",
        "此调用不接受 Idempotency-Key（重放须保存测评码）",
    ),
    ("no_leaders", "该单位没有班子成员"),
    ("not_published", "考核结果尚未公布"),
    ("grades_only", "单位只能看到评定等次，看不到票数"),
    (
        "too_few_ballots",
        "有效票数低于最少票数，只有县纪委可以查看",
    ),
    ("too_many_failures", "失败尝试过多，请稍后再试"),
    (
        "routine_not_open",
        "日常考核检查只在自查、专项考核检查和综合评定阶段进行",
    ),
    ("draw_committed", "已作出抽查承诺，抽查数量不能再改"),
    ("no_commitment", "尚未作出抽查承诺"),
    ("draw_seeded", "本次抽查已录入种子，重抽须作出新的承诺"),
    ("seed_too_early", "未到承诺的种子公布时间，不能录入种子"),
    ("draw_not_seeded", "本次抽查尚未录入种子"),
    ("visit_final", "走访记录已定稿，只有县纪委可以退回重开"),
    ("visit_not_final", "被抽中单位的走访记录尚未定稿"),
    // Publication (issue 15, part 2): the guard, the freeze and the decision records.
    (
        "cycle_published",
        "考核结果已通报，不能再修改；更正须由县纪委先将周期退回综合评定",
    ),
    (
        "publication_incomplete",
        "尚不能通报：`missing` 逐个单位列出所缺内容",
    ),
    (
        "cycle_not_in_review",
        "周期尚未进入或已离开综合评定阶段，不能办理此项",
    ),
    ("decision_recorded", "本周期已登记该类决定，请修改已有记录"),
    // Reports (issue 16).
    (
        "not_acceptable",
        "报表只提供 JSON、CSV 和 Excel（xlsx）格式",
    ),
    // Results (issue 15, task RESULTS).
    ("veto_not_enabled", "本周期未实行一票否决"),
    // Commendations and notices (issue 15 item 6).
    (
        "commendations_not_open",
        "表彰和通报批评在综合评定和结果通报阶段登记",
    ),
    (
        "commendation_published",
        "该记录已通报，不能再修改、删除或重复通报",
    ),
    ("cycle_not_published", "考核结果尚未通报"),
    // Rectification (issue 15 item 5, task RECT).
    (
        "rectifications_pending",
        "尚有单位的整改未经验收，不能归档：`missing` 列出这些单位",
    ),
    ("cycle_not_published", "整改只在考核结果通报后验收或退回"),
];

/// Field rule codes and their Chinese sentences (after the field's name).
pub const FIELDS: &[(&str, &str)] = &[
    ("required", "必须填写"),
    ("blank", "不能为空白"),
    ("empty", "不能为空"),
    ("too_long", "过长"),
    ("too_many", "项数过多"),
    ("invalid", "类型或取值无效"),
    ("invalid_character", "含有无法存储的字符（NUL）"),
    ("unknown_field", "不是可接受的字段"),
    ("out_of_range", "超出允许的范围"),
    ("negative", "不能为负数"),
    ("not_positive", "必须大于零"),
    ("not_an_integer", "必须是整数"),
    ("too_precise", "小数位数过多"),
    ("missing", "缺失"),
    ("duplicate", "重复"),
    ("not_found", "所指对象不存在，或不在您的权限范围内"),
    ("not_in_unit", "不属于该单位"),
    ("not_yours", "不属于您"),
    ("not_later", "须晚于原定时间"),
    ("same_cycle", "不能是同一考核周期"),
    ("unknown_cycle", "考核周期不存在"),
    ("no_such_form", "考评表不存在"),
    ("sum_not_100", "各项分值之和须为 100"),
    ("weights_not_100", "权重之和须为 100"),
    ("assessed", "已在考核范围内"),
    ("not_assessed", "不在考核范围内"),
    ("vertical_not_assessed", "垂直管理单位不参加此项考核"),
    ("attached_elsewhere", "已附在其他文件上"),
    ("empty_file", "文件为空"),
    ("before_self_inspection_due", "须在自查截止日之后"),
    ("before_special_inspection_ends", "须在专项检查结束之后"),
    ("idempotency_key_reused", "此幂等键已用于另一个不同的请求"),
    ("exceeds_handed_out", "不能超过发出或收回的票数"),
    ("leader_missing", "缺少对某位班子成员的评价"),
    ("not_in_round", "不是本次测评的班子成员"),
    ("mistyped", "测评码有误，请核对后重新输入"),
    ("not_valid", "测评码无效、已使用或测评已结束"),
    ("reason_required", "与建议等次不同时须写明理由"),
    ("exceeds_pool", "抽查数量超过可抽单位数"),
    ("not_in_future", "须是将来的时间"),
    ("already_scored", "已有得分，请用更正"),
    ("visit_not_final", "被抽中单位的走访记录尚未定稿"),
    // Publication (issue 15, part 2).
    ("not_applicable", "该类记录不填此项"),
    ("note_required", "退回已通报的周期须写明备注"),
    // Results (issue 15, task RESULTS).
    ("unknown_band", "不是本周期的档次"),
    ("veto_band_missing", "一票否决的封顶档次须保留"),
    ("not_covering", "须有一档从 0 开始，覆盖 0 至 100"),
    ("not_of_unit", "不是该单位的班子成员"),
    ("count", "数目超出允许的范围"),
    // Commendations and notices (issue 15 item 6).
    ("not_in_cycle", "不是本周期的单位"),
];

fn lookup(table: &[(&str, &'static str)], code: &str) -> Option<&'static str> {
    table.iter().find(|(c, _)| *c == code).map(|(_, zh)| *zh)
}

/// The Chinese detail of a problem: its code's sentence, then the English particulars.
pub fn detail(status: u16, code: &str, english: &str) -> String {
    let sentence = lookup(PROBLEMS, code).unwrap_or_else(|| title(status));
    match code {
        // The English adds nothing to these.
        "internal_error" | "validation_failed" => sentence.to_owned(),
        _ if english.is_empty() => sentence.to_owned(),
        _ => format!("{sentence}（{english}）"),
    }
}

/// The Chinese message of a field error.
pub fn field(field: &str, code: &str, english: &str) -> String {
    match lookup(FIELDS, code) {
        Some(sentence @ ("必须填写" | "不能为空白" | "不是可接受的字段")) => {
            format!("`{field}` {sentence}")
        }
        Some(sentence) => format!("`{field}` {sentence}（{english}）"),
        None => format!("`{field}` 的取值无效（{english}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_only_when_it_is_preferred() {
        assert_eq!(Lang::negotiate(None), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("en")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en-US,en;q=0.9")), Lang::En);
        assert_eq!(Lang::negotiate(Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("fr, en;q=0.5")), Lang::En);
        assert_eq!(Lang::negotiate(Some("en;q=0, zh;q=0.1")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("de")), Lang::Zh);
        assert_eq!(Lang::negotiate(Some("zh;q=0.5, en;q=0.7")), Lang::En);
    }

    #[test]
    fn chinese_first_with_the_particulars_kept() {
        let text = detail(409, "unit_name_taken", "the name 县财政局 is taken");
        assert_eq!(text, "已有同名的未归档单位（the name 县财政局 is taken）");
        assert_eq!(
            field("name", "blank", "`name` must not be blank"),
            "`name` 不能为空白"
        );
        assert!(field("x", "brand_new_rule", "because").contains("because"));
    }
}
