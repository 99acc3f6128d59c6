//! The cycle's lifecycle: `draft → self_inspection → special_inspection → review → published →
//! archived`, one step at a time, moved only by the office.

crate::text_enum! {
    /// 考核周期阶段 (where a cycle is in its year).
    pub enum CycleState {
        /// 筹备 (being prepared: settings and forms can change)
        Draft => "draft",
        /// 自查自纠 (units self-inspect and file reports; plan §4(一)1)
        SelfInspection => "self_inspection",
        /// 专项考核检查 (inspection teams score the units; plan §4(一)2)
        SpecialInspection => "special_inspection",
        /// 综合评定 (the office reviews the teams' scoring; plan §4(一)3)
        Review => "review",
        /// 结果通报 (results circulated within the defined scope; plan §5)
        Published => "published",
        /// 归档 (closed for the record)
        Archived => "archived",
    }
}

impl CycleState {
    /// The one state this one may move to.
    pub fn next(self) -> Option<CycleState> {
        use CycleState::*;
        match self {
            Draft => Some(SelfInspection),
            SelfInspection => Some(SpecialInspection),
            SpecialInspection => Some(Review),
            Review => Some(Published),
            Published => Some(Archived),
            Archived => None,
        }
    }

    /// Why `self → to` is not allowed, if it is not.
    pub fn refuse(self, to: CycleState) -> Option<String> {
        match self.next() {
            Some(next) if next == to => None,
            Some(next) => Some(format!(
                "a cycle in {self} can only move to {next}, not to {to}"
            )),
            None => Some(format!(
                "a cycle in {self} is closed and cannot move to {to}"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_next_step_is_allowed() {
        for (i, from) in CycleState::ALL.iter().enumerate() {
            for (j, to) in CycleState::ALL.iter().enumerate() {
                assert_eq!(from.refuse(*to).is_none(), j == i + 1, "{from} -> {to}");
            }
        }
    }
}
