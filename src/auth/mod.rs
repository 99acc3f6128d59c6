//! Who is calling: JWT verification ([`jwt`]) and the extractors handlers state their rules with.
//!
//! A handler that takes [`Office`] can only be reached by the discipline commission's office;
//! one that takes [`AuthUser`] by anyone signed in, and then applies a named scope rule from
//! [`scope`]. Which teams an inspector is on comes from the database, never from the token.

pub mod jwt;
pub mod policy;
pub mod scope;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::Actor;
use crate::error::ApiError;
use crate::http::request_id::RequestId;
use crate::models::UnitId;
pub use jwt::JwtVerifier;

/// The three role scopes of the plan (see DOMAIN.md, "Who takes part").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 县纪委 / 县党廉办: runs the cycle and sees everything.
    Office,
    /// 考核组成员: scores the units assigned to their own team.
    Inspector,
    /// 被考核单位: reads and writes only its own unit's data.
    Unit,
}

impl Role {
    /// The role as written in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Office => "office",
            Role::Inspector => "inspector",
            Role::Unit => "unit",
        }
    }
}

/// A verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// The token's `sub`: the person's stable id at their issuer.
    pub sub: String,
    /// Display name from the token's `name` claim.
    pub name: String,
    /// Role scope.
    pub role: Role,
    /// For the unit role: the unit the caller belongs to.
    pub unit_id: Option<UnitId>,
    /// The id of the request this caller made, for the audit trail.
    pub request_id: Option<String>,
}

impl AuthUser {
    /// The caller as the author of a change in the audit trail.
    pub fn actor(&self) -> Actor {
        Actor {
            sub: self.sub.clone(),
            name: self.name.clone(),
            role: self.role.as_str().to_owned(),
            request_id: self.request_id.clone(),
        }
    }

    /// Answers 403 unless the caller is the office.
    pub fn require_office(&self) -> Result<(), ApiError> {
        if self.role == Role::Office {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "only the office may do this; the caller's role is {}",
                self.role.as_str()
            )))
        }
    }
}

fn bearer_token(req: &HttpRequest) -> Result<&str, ApiError> {
    let missing = || ApiError::Unauthorized {
        code: "token_missing",
        detail: "this call needs an `Authorization: Bearer <JWT>` header".to_owned(),
    };
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(missing)?;
    let value = value.to_str().map_err(|_| missing())?;
    let (scheme, token) = value.trim().split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(missing());
    }
    Ok(token.trim())
}

/// Verifies the caller of `req` once per request (the result is cached in its extensions).
pub fn authenticate(req: &HttpRequest) -> Result<AuthUser, ApiError> {
    if let Some(user) = req.extensions().get::<AuthUser>() {
        return Ok(user.clone());
    }
    let verifier = req
        .app_data::<web::Data<JwtVerifier>>()
        .ok_or_else(|| ApiError::internal("JwtVerifier is not registered as app data"))?;
    let token = bearer_token(req)?;
    let mut user = verifier.verify(token).map_err(|e| {
        tracing::info!(reason = %e, "token rejected");
        e.into_api_error()
    })?;
    user.request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    tracing::Span::current().record("sub", user.sub.as_str());
    req.extensions_mut().insert(user.clone());
    Ok(user)
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// A caller with the unit role; any other role gets 403. Used by the writes only a unit makes
/// (its self-inspection, its accountability reports): the answer does not depend on the object,
/// so it leaks nothing.
#[derive(Debug, Clone)]
pub struct UnitUser(pub AuthUser);

impl FromRequest for UnitUser {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|user| {
            if user.role == Role::Unit {
                Ok(UnitUser(user))
            } else {
                Err(ApiError::Forbidden(format!(
                    "only the unit itself writes this; the caller's role is {}",
                    user.role.as_str()
                )))
            }
        }))
    }
}

/// A caller with the office role; any other role gets 403.
#[derive(Debug, Clone)]
pub struct Office(pub AuthUser);

impl FromRequest for Office {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|user| {
            user.require_office()?;
            Ok(Office(user))
        }))
    }
}

/// A caller with the inspector role; any other role gets 403. Used by the writes only an
/// inspection team makes (scoring, the team report, signing): the 403 depends on the role
/// alone, so it leaks nothing; which unit's documents the inspector may write is the object's
/// rule, checked after (404 outside their team).
#[derive(Debug, Clone)]
pub struct Inspector(pub AuthUser);

impl FromRequest for Inspector {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req).and_then(|user| {
            if user.role == Role::Inspector {
                Ok(Inspector(user))
            } else {
                Err(ApiError::Forbidden(format!(
                    "only the members and leader of the assigned team write this; the caller's \
                     role is {}",
                    user.role.as_str()
                )))
            }
        }))
    }
}
