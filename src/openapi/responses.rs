//! Markers for the error statuses a handler declares itself, because they depend on its role
//! rule or on the state of its object: `responses((status = 200, ...), Forbidden, Conflict)`.
//! Each names one shared response of `components/responses`; the statuses that follow from an
//! operation's shape are added by [`super::completion`] and are not written in handlers.

use std::collections::BTreeMap;

use utoipa::IntoResponses;
use utoipa::openapi::{RefOr, Response};

macro_rules! shared_response {
    ($($(#[$doc:meta])* $name:ident = $status:literal;)*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                let target = concat!("#/components/responses/", stringify!($name));
                BTreeMap::from([(
                    $status.to_owned(),
                    RefOr::Ref(utoipa::openapi::Ref::new(target)),
                )])
            }
        }
    )*};
}

shared_response! {
    /// 403: the caller's role may not do this, though the object is in their scope.
    Forbidden = "403";
    /// 404, for an operation without path parameters (those get it by rule).
    NotFound = "404";
    /// 406: no format the operation serves is acceptable (the reports).
    NotAcceptable = "406";
    /// 409: the object's state refuses the request.
    Conflict = "409";
    /// 422, declared where the handler wants to be explicit (every operation gets it by rule).
    UnprocessableContent = "422";
}
