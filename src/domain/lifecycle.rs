//! The cycle's lifecycle: `draft → self_inspection → special_inspection → review → published →
//! archived`, one step at a time, moved only by the office; and one step back, `published →
//! review`, which reopens published results for a correction, with a note saying why.

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

    /// Whether `self → to` is the step back that reopens published results for a correction
    /// (`published → review`): it needs a note, and publishing again after it.
    pub fn is_reopening(self, to: CycleState) -> bool {
        self == CycleState::Published && to == CycleState::Review
    }

    /// Why `self → to` is not allowed, if it is not.
    pub fn refuse(self, to: CycleState) -> Option<String> {
        if self.is_reopening(to) {
            return None;
        }
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
    fn only_the_next_step_or_reopening_published_results_is_allowed() {
        for (i, from) in CycleState::ALL.iter().enumerate() {
            for (j, to) in CycleState::ALL.iter().enumerate() {
                let back = *from == CycleState::Published && *to == CycleState::Review;
                assert_eq!(
                    from.refuse(*to).is_none(),
                    j == i + 1 || back,
                    "{from} -> {to}"
                );
                assert_eq!(from.is_reopening(*to), back, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn reopening_does_not_change_the_forward_step() {
        assert_eq!(CycleState::Published.next(), Some(CycleState::Archived));
        assert_eq!(CycleState::Review.next(), Some(CycleState::Published));
        assert!(CycleState::Archived.refuse(CycleState::Review).is_some());
        assert!(
            CycleState::Review
                .refuse(CycleState::SpecialInspection)
                .is_some()
        );
    }
}
