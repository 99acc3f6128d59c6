//! Request and response bodies of rectifications.

pub use crate::ops::rectifications::{
    PendingRectification, PutRectification, RectificationContent, RectificationFilter,
    RectificationResponse, RectificationRow,
};
pub use crate::ops::submitted::{ReturnDocument, VersionResponse};
