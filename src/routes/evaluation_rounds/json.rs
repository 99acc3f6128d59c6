//! Request and response bodies of evaluation rounds (shared with the other evaluation
//! resources through `ops::evaluation`).

pub use crate::domain::evaluation::{Counts, Grade, Mark, ParticipantCategory, Ratio, RoundState};
pub use crate::models::evaluation::CategorySlips;
pub use crate::ops::evaluation::{
    BallotLeader, IssueCodes, IssuedCode, IssuedCodes, LeaderTally, OpenRound, PaperCountEntry,
    PaperTally, RoundView, Shares, TallyView,
};
