//! Attachment metadata as sent to clients.

pub use crate::ops::attachments::AttachmentResponse;
