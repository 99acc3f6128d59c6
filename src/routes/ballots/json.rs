//! Request and response bodies of the account-less ballot calls.

pub use crate::domain::evaluation::{Mark, ParticipantCategory};
pub use crate::ops::evaluation::{BallotForm, BallotLeader, BallotMark, CastBallot, CodeOnly};
