//! Verifying tokens from several issuers, each pinned to one algorithm and key, and minting the
//! CLI's own HS256 tokens.

use std::collections::HashSet;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};

use super::{AuthUser, Role};
use crate::config::IssuerSettings;
use crate::error::ApiError;
use crate::models::UnitId;

/// The claims the service reads from a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer; selects the key.
    pub iss: String,
    /// Audience; must contain the configured audience.
    pub aud: String,
    /// Subject: the person's stable id at the issuer.
    pub sub: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Role scope.
    pub role: Role,
    /// The unit, for the unit role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_id: Option<i64>,
    /// Expiry, seconds since the epoch. Required.
    pub exp: u64,
    /// Not before, seconds since the epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

/// Why a token was refused. The message never contains the token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The token has expired (beyond the leeway).
    #[error("the token has expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("the token is not valid yet")]
    NotYetValid,
    /// Anything else: bad signature, wrong issuer, audience or algorithm, malformed claims.
    #[error("{0}")]
    Invalid(String),
}

impl TokenError {
    /// The 401 this refusal answers with.
    pub fn into_api_error(self) -> ApiError {
        let code = match self {
            TokenError::Expired => "token_expired",
            TokenError::NotYetValid => "token_not_yet_valid",
            TokenError::Invalid(_) => "token_invalid",
        };
        ApiError::Unauthorized {
            code,
            detail: self.to_string(),
        }
    }
}

struct TrustedIssuer {
    issuer: String,
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// Verifies bearer tokens against the configured issuers.
pub struct JwtVerifier {
    issuers: Vec<TrustedIssuer>,
    audience: String,
    leeway: Duration,
}

/// An issuer entry whose key could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("JWT issuer {issuer}: {reason}")]
pub struct IssuerConfigError {
    issuer: String,
    reason: String,
}

fn load_key(settings: &IssuerSettings) -> Result<DecodingKey, String> {
    use Algorithm::*;
    let pem = || -> Result<Vec<u8>, String> {
        match (&settings.public_key_pem, &settings.public_key_file) {
            (Some(pem), _) => Ok(pem.as_bytes().to_vec()),
            (None, Some(path)) => {
                std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
            }
            (None, None) => Err("needs public_key_pem or public_key_file".to_owned()),
        }
    };
    match settings.algorithm {
        HS256 | HS384 | HS512 => {
            let secret = settings
                .secret
                .as_ref()
                .ok_or("an HS* issuer needs a secret")?;
            if secret.0.len() < 32 {
                return Err("the HS* secret must be at least 32 bytes".to_owned());
            }
            Ok(DecodingKey::from_secret(secret.0.as_bytes()))
        }
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => {
            DecodingKey::from_rsa_pem(&pem()?).map_err(|e| e.to_string())
        }
        ES256 | ES384 => DecodingKey::from_ec_pem(&pem()?).map_err(|e| e.to_string()),
        EdDSA => DecodingKey::from_ed_pem(&pem()?).map_err(|e| e.to_string()),
        other => Err(format!("unsupported algorithm {other:?}")),
    }
}

impl JwtVerifier {
    /// Loads every issuer's key; fails on the first one that cannot be used.
    pub fn new(
        issuers: &[IssuerSettings],
        audience: &str,
        leeway: Duration,
    ) -> Result<Self, IssuerConfigError> {
        let issuers = issuers
            .iter()
            .map(|settings| {
                let key = load_key(settings).map_err(|reason| IssuerConfigError {
                    issuer: settings.issuer.clone(),
                    reason,
                })?;
                Ok(TrustedIssuer {
                    issuer: settings.issuer.clone(),
                    kid: settings.kid.clone(),
                    algorithm: settings.algorithm,
                    key,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            issuers,
            audience: audience.to_owned(),
            leeway,
        })
    }

    /// Verifies a token and returns the caller it names.
    pub fn verify(&self, token: &str) -> Result<AuthUser, TokenError> {
        let header = decode_header(token)
            .map_err(|_| TokenError::Invalid("the token is malformed".to_owned()))?;
        refuse_critical_extensions(token)?;
        #[derive(Deserialize)]
        struct IssuerOnly {
            iss: Option<String>,
        }
        let issuer = jsonwebtoken::dangerous::insecure_decode_claims::<IssuerOnly>(token)
            .ok()
            .and_then(|c| c.iss)
            .ok_or_else(|| TokenError::Invalid("the token names no issuer (iss)".to_owned()))?;
        let trusted = self
            .issuers
            .iter()
            .find(|t| t.issuer == issuer && (t.kid.is_none() || t.kid == header.kid))
            .ok_or_else(|| {
                TokenError::Invalid("the token's issuer (or key id) is not trusted".to_owned())
            })?;
        if header.alg != trusted.algorithm {
            return Err(TokenError::Invalid(format!(
                "the token is signed with {:?}, but its issuer uses {:?}",
                header.alg, trusted.algorithm
            )));
        }
        let mut validation = Validation::new(trusted.algorithm);
        validation.set_audience(&[&self.audience]);
        validation.set_issuer(&[&trusted.issuer]);
        validation.validate_nbf = true;
        validation.leeway = self.leeway.as_secs();
        validation.required_spec_claims =
            HashSet::from(["exp", "iss", "aud", "sub"].map(str::to_owned));
        let data =
            decode::<Claims>(token, &trusted.key, &validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                ErrorKind::ImmatureSignature => TokenError::NotYetValid,
                ErrorKind::InvalidAudience => {
                    TokenError::Invalid("the token is for another audience".to_owned())
                }
                ErrorKind::InvalidIssuer => {
                    TokenError::Invalid("the token's issuer is not trusted".to_owned())
                }
                ErrorKind::InvalidSignature => {
                    TokenError::Invalid("the token's signature does not verify".to_owned())
                }
                ErrorKind::MissingRequiredClaim(claim) => {
                    TokenError::Invalid(format!("the token lacks the required claim {claim}"))
                }
                ErrorKind::InvalidAlgorithm => TokenError::Invalid(
                    "the token's algorithm is not the one its issuer uses".to_owned(),
                ),
                _ => {
                    TokenError::Invalid("the token's claims are malformed or incomplete".to_owned())
                }
            })?;
        let claims = data.claims;
        if crate::domain::text::is_blank(&claims.sub) {
            return Err(TokenError::Invalid(
                "the token's subject (sub) is empty".to_owned(),
            ));
        }
        let storable = |v: &str| crate::domain::text::is_storable(v);
        if !storable(&claims.sub) || !claims.name.as_deref().is_none_or(storable) {
            return Err(TokenError::Invalid(
                "the token's sub or name contains a NUL character".to_owned(),
            ));
        }
        let unit_id = match (claims.role, claims.unit_id) {
            (Role::Unit, None) => {
                return Err(TokenError::Invalid(
                    "a unit token must carry unit_id".to_owned(),
                ));
            }
            (Role::Unit, Some(id)) => Some(UnitId(id)),
            (_, _) => None,
        };
        Ok(AuthUser {
            name: claims.name.unwrap_or_else(|| claims.sub.clone()),
            sub: claims.sub,
            role: claims.role,
            unit_id,
            request_id: None,
        })
    }
}

/// RFC 7515 §4.1.11: a recipient must refuse a token whose `crit` header names extensions it
/// does not understand. This service understands none, so any `crit` is refused. The protected
/// header is read as plain JSON, so the answer never depends on what the library models.
fn refuse_critical_extensions(token: &str) -> Result<(), TokenError> {
    use base64::Engine;
    let malformed = || TokenError::Invalid("the token is malformed".to_owned());
    let encoded = token.split('.').next().ok_or_else(malformed)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(encoded)
        .map_err(|_| malformed())?;
    let header: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&bytes).map_err(|_| malformed())?;
    if header.contains_key("crit") {
        return Err(TokenError::Invalid(
            "the token names critical header extensions (crit) this service does not support"
                .to_owned(),
        ));
    }
    Ok(())
}

/// What the CLI needs to mint a token.
pub struct TokenRequest<'a> {
    /// Subject.
    pub sub: &'a str,
    /// Display name.
    pub name: Option<&'a str>,
    /// Role scope.
    pub role: Role,
    /// Unit, for the unit role.
    pub unit_id: Option<i64>,
    /// Lifetime.
    pub ttl: Duration,
}

/// Mints an HS256 token for the CLI issuer.
pub fn mint(
    secret: &str,
    issuer: &str,
    audience: &str,
    request: &TokenRequest<'_>,
) -> Result<String, String> {
    if request.role == Role::Unit && request.unit_id.is_none() {
        return Err("a unit token needs --unit-id".to_owned());
    }
    let now = jsonwebtoken::get_current_timestamp();
    let claims = Claims {
        iss: issuer.to_owned(),
        aud: audience.to_owned(),
        sub: request.sub.to_owned(),
        name: request.name.map(str::to_owned),
        role: request.role,
        unit_id: if request.role == Role::Unit {
            request.unit_id
        } else {
            None
        },
        exp: now + request.ttl.as_secs(),
        nbf: Some(now),
        iat: Some(now),
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SecretString;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn verifier() -> JwtVerifier {
        let issuer = IssuerSettings {
            issuer: "cli".into(),
            algorithm: Algorithm::HS256,
            kid: None,
            public_key_pem: None,
            public_key_file: None,
            secret: Some(SecretString(SECRET.into())),
        };
        JwtVerifier::new(&[issuer], "lianzheng", Duration::from_secs(30)).expect("valid issuer")
    }

    fn request(role: Role, unit_id: Option<i64>) -> TokenRequest<'static> {
        TokenRequest {
            sub: "admin",
            name: Some("管理员"),
            role,
            unit_id,
            ttl: Duration::from_secs(3600),
        }
    }

    #[test]
    fn a_minted_token_verifies() {
        let token = mint(SECRET, "cli", "lianzheng", &request(Role::Office, None)).expect("mint");
        let user = verifier().verify(&token).expect("verifies");
        assert_eq!(user.sub, "admin");
        assert_eq!(user.name, "管理员");
        assert_eq!(user.role, Role::Office);
    }

    #[test]
    fn a_unit_token_needs_its_unit() {
        assert!(mint(SECRET, "cli", "lianzheng", &request(Role::Unit, None)).is_err());
        let token = mint(SECRET, "cli", "lianzheng", &request(Role::Unit, Some(7))).expect("mint");
        assert_eq!(
            verifier().verify(&token).expect("verifies").unit_id,
            Some(UnitId(7))
        );
    }

    fn token_with_header(header: &Header, sub: &str) -> String {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = serde_json::json!({
            "iss": "cli", "aud": "lianzheng", "sub": sub, "role": "office", "exp": now + 60
        });
        encode(
            header,
            &claims,
            &EncodingKey::from_secret(SECRET.as_bytes()),
        )
        .expect("encode")
    }

    #[test]
    fn a_crit_header_is_refused_whatever_it_names() {
        let plain = Header::new(Algorithm::HS256);
        assert!(
            verifier()
                .verify(&token_with_header(&plain, "admin"))
                .is_ok()
        );
        for crit in [vec!["exp".to_owned()], vec!["b64".to_owned()], Vec::new()] {
            let mut header = Header::new(Algorithm::HS256);
            header.crit = Some(crit);
            let refused = verifier().verify(&token_with_header(&header, "admin"));
            assert!(matches!(refused, Err(TokenError::Invalid(_))));
        }
    }

    #[test]
    fn a_subject_or_name_with_a_nul_is_refused() {
        let plain = Header::new(Algorithm::HS256);
        for sub in ["ad\u{0}min", "\u{200b}"] {
            let refused = verifier().verify(&token_with_header(&plain, sub));
            assert!(matches!(refused, Err(TokenError::Invalid(_))), "{sub:?}");
        }
        let mut named = request(Role::Office, None);
        named.name = Some("管理\u{0}员");
        let token = mint(SECRET, "cli", "lianzheng", &named).expect("mint");
        assert!(matches!(
            verifier().verify(&token),
            Err(TokenError::Invalid(_))
        ));
    }

    #[test]
    fn short_secrets_are_refused() {
        let issuer = IssuerSettings {
            issuer: "cli".into(),
            algorithm: Algorithm::HS256,
            kid: None,
            public_key_pem: None,
            public_key_file: None,
            secret: Some(SecretString("short".into())),
        };
        assert!(JwtVerifier::new(&[issuer], "a", Duration::ZERO).is_err());
    }
}
