//! The keys that sign the audit trail. The private key lives outside the database (an
//! environment variable or a file), so neither the runtime role nor the owner nor a superuser
//! can write a record that verifies; auditors hold only the public keys.
//!
//! Ed25519 is the default; SM2 signatures with SM3 (GM/T 0003, GM/T 0004) are selectable, with
//! the standard default signer id `1234567812345678`. Private keys are PKCS#8, public keys
//! SubjectPublicKeyInfo, both as PEM or base64 DER, so OpenSSL/GmSSL tools can read them.

use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::{Deserialize, Serialize};
use sm2::dsa::signature::{Signer as _, Verifier as _};
use sm2::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey};
use utoipa::ToSchema;

use crate::config::Secret;

/// The SM2 signer id (ZA's ID), pinned to the standard default of GM/T 0009.
pub const SM2_SIGNER_ID: &str = "1234567812345678";

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
const ED25519_SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

/// A signature algorithm of the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Algorithm {
    /// Ed25519 (RFC 8032), the default.
    Ed25519,
    /// SM2 with SM3 (GM/T 0003-2012), signer id `1234567812345678`, signature `r‖s`.
    Sm2,
}

impl Algorithm {
    /// The name used in settings and documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ed25519 => "ed25519",
            Self::Sm2 => "sm2",
        }
    }

    /// Parses `ed25519` or `sm2`.
    pub fn parse(name: &str) -> Result<Self, KeyError> {
        match name.trim().to_ascii_lowercase().as_str() {
            "ed25519" => Ok(Self::Ed25519),
            "sm2" => Ok(Self::Sm2),
            other => Err(KeyError(format!(
                "unknown algorithm {other:?}: use ed25519 or sm2"
            ))),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A key that cannot be read or used, in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

/// PEM (any label) or base64 DER to DER bytes.
fn decode_der(text: &str, what: &str) -> Result<Vec<u8>, KeyError> {
    let text = text.trim();
    if text.starts_with("-----BEGIN") {
        return pem::parse(text)
            .map(|p| p.into_contents())
            .map_err(|e| KeyError(format!("{what} is not valid PEM: {e}")));
    }
    let compact: String = text.split_whitespace().collect();
    BASE64
        .decode(compact)
        .map_err(|_| KeyError(format!("{what} is neither PEM nor base64 DER")))
}

fn pem_text(label: &str, der: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, der.to_vec()),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

/// A public key that verifies audit signatures.
#[derive(Clone)]
pub struct PublicKey {
    key_id: String,
    spki: Vec<u8>,
    inner: PublicInner,
}

#[derive(Clone)]
enum PublicInner {
    Ed25519([u8; 32]),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, {})", self.algorithm(), self.key_id)
    }
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo (PEM or base64 DER); the algorithm comes from the key.
    /// Without `key_id` the key is named by its fingerprint ([`default_key_id`]).
    pub fn parse(text: &str, key_id: Option<&str>) -> Result<Self, KeyError> {
        let spki = decode_der(text, "the public key")?;
        let inner = if spki.len() == 44 && spki.starts_with(&ED25519_SPKI_PREFIX) {
            let mut raw = [0u8; 32];
            raw.copy_from_slice(&spki[12..]);
            PublicInner::Ed25519(raw)
        } else {
            let key = sm2::PublicKey::from_public_key_der(&spki).map_err(|_| {
                KeyError("the public key is neither an Ed25519 nor an SM2 key".into())
            })?;
            PublicInner::Sm2(Box::new(sm2_verifying_key(key)?))
        };
        Ok(Self::assemble(key_id, spki, inner))
    }

    fn assemble(key_id: Option<&str>, spki: Vec<u8>, inner: PublicInner) -> Self {
        let algorithm = match inner {
            PublicInner::Ed25519(_) => Algorithm::Ed25519,
            PublicInner::Sm2(_) => Algorithm::Sm2,
        };
        let key_id = key_id.map_or_else(|| default_key_id(algorithm, &spki), str::to_owned);
        Self {
            key_id,
            spki,
            inner,
        }
    }

    /// The id records name.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Its algorithm.
    pub fn algorithm(&self) -> Algorithm {
        match self.inner {
            PublicInner::Ed25519(_) => Algorithm::Ed25519,
            PublicInner::Sm2(_) => Algorithm::Sm2,
        }
    }

    /// SubjectPublicKeyInfo as PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_pem(&self) -> String {
        pem_text("PUBLIC KEY", &self.spki)
    }

    /// Whether `signature` (base64) signs `message` under this key.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Ok(signature) = BASE64.decode(signature.trim()) else {
            return false;
        };
        match &self.inner {
            PublicInner::Ed25519(raw) => UnparsedPublicKey::new(&ED25519, raw)
                .verify(message, &signature)
                .is_ok(),
            PublicInner::Sm2(key) => sm2::dsa::Signature::from_slice(&signature)
                .map(|s| key.verify(message, &s).is_ok())
                .unwrap_or(false),
        }
    }
}

fn sm2_verifying_key(key: sm2::PublicKey) -> Result<sm2::dsa::VerifyingKey, KeyError> {
    sm2::dsa::VerifyingKey::new(SM2_SIGNER_ID, key)
        .map_err(|_| KeyError("the SM2 public key cannot verify".into()))
}

/// `<algorithm>-<first 16 hex digits of SHA-256 of the SubjectPublicKeyInfo>`: the key id when
/// none is configured, so a new key never reuses an old key's id.
pub fn default_key_id(algorithm: Algorithm, spki: &[u8]) -> String {
    format!("{algorithm}-{}", &super::sha256_hex(spki)[..16])
}

/// The private key that signs new records and checkpoints. Never printed.
pub struct SigningKey {
    public: PublicKey,
    inner: SigningInner,
}

enum SigningInner {
    Ed25519(Ed25519KeyPair),
    Sm2(Box<sm2::dsa::SigningKey>),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({:?}, ***)", self.public)
    }
}

impl SigningKey {
    /// Reads a PKCS#8 private key (PEM or base64 DER) of `algorithm`.
    pub fn from_pkcs8(
        text: &str,
        algorithm: Algorithm,
        key_id: Option<&str>,
    ) -> Result<Self, KeyError> {
        let der = decode_der(text, "the audit signing key")?;
        let wrong = || {
            KeyError(format!(
                "the audit signing key is not an {algorithm} PKCS#8 key"
            ))
        };
        match algorithm {
            Algorithm::Ed25519 => {
                let pair = Ed25519KeyPair::from_pkcs8(&der).map_err(|_| wrong())?;
                let spki = pair.public_key().as_der().map_err(|_| wrong())?;
                let mut raw = [0u8; 32];
                raw.copy_from_slice(pair.public_key().as_ref());
                let public =
                    PublicKey::assemble(key_id, spki.as_ref().to_vec(), PublicInner::Ed25519(raw));
                Ok(Self {
                    public,
                    inner: SigningInner::Ed25519(pair),
                })
            }
            Algorithm::Sm2 => {
                let secret = sm2::SecretKey::from_pkcs8_der(&der).map_err(|_| wrong())?;
                Self::from_sm2_secret(&secret, key_id)
            }
        }
    }

    fn from_sm2_secret(secret: &sm2::SecretKey, key_id: Option<&str>) -> Result<Self, KeyError> {
        let unusable = || KeyError("the SM2 signing key is unusable".into());
        let signing = sm2::dsa::SigningKey::new(SM2_SIGNER_ID, secret).map_err(|_| unusable())?;
        let spki = secret
            .public_key()
            .to_public_key_der()
            .map_err(|_| unusable())?;
        let verifying = Box::new(signing.verifying_key().clone());
        let public = PublicKey::assemble(key_id, spki.into_vec(), PublicInner::Sm2(verifying));
        Ok(Self {
            public,
            inner: SigningInner::Sm2(Box::new(signing)),
        })
    }

    /// A fresh key pair, with its PKCS#8 private key (base64 DER) to store.
    pub fn generate(algorithm: Algorithm) -> Result<(Self, Secret), KeyError> {
        let failed = || KeyError(format!("cannot generate an {algorithm} key"));
        let der = match algorithm {
            Algorithm::Ed25519 => Ed25519KeyPair::generate()
                .and_then(|pair| pair.to_pkcs8v1())
                .map_err(|_| failed())?
                .as_ref()
                .to_vec(),
            Algorithm::Sm2 => {
                let secret = loop {
                    let mut bytes = [0u8; 32];
                    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| failed())?;
                    // Zero or above the group order, with negligible odds: draw again.
                    if let Ok(secret) = sm2::SecretKey::from_slice(&bytes) {
                        break secret;
                    }
                };
                secret
                    .to_pkcs8_der()
                    .map_err(|_| failed())?
                    .as_bytes()
                    .to_vec()
            }
        };
        let encoded = BASE64.encode(der);
        let key = Self::from_pkcs8(&encoded, algorithm, None)?;
        Ok((key, Secret::new(encoded)))
    }

    /// The public half.
    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    /// The id records signed with this key name.
    pub fn key_id(&self) -> &str {
        self.public.key_id()
    }

    /// Its algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    /// Signs `message`; the signature in base64.
    pub fn sign(&self, message: &[u8]) -> String {
        match &self.inner {
            SigningInner::Ed25519(pair) => BASE64.encode(pair.sign(message).as_ref()),
            SigningInner::Sm2(key) => {
                let signature: sm2::dsa::Signature = key.sign(message);
                BASE64.encode(signature.to_bytes())
            }
        }
    }
}

/// One published public key: what `GET /api/v1/audit/keys` and `lianzheng audit public-key`
/// print, and what `AUDIT_VERIFY_KEYS` and `audit verify --public-key` read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedKey {
    /// The id records and checkpoints signed with this key name.
    #[schema(example = "ed25519-3f9a0c5e7b1d2468")]
    pub key_id: String,
    /// `ed25519` or `sm2`.
    pub algorithm: Algorithm,
    /// SubjectPublicKeyInfo, PEM.
    #[schema(
        example = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA…\n-----END PUBLIC KEY-----\n"
    )]
    pub public_key: String,
    /// Whether new records are signed with it (the others are retired).
    #[serde(default)]
    pub current: bool,
}

/// The published key set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishedKeys {
    /// The current key first, then retired keys.
    pub keys: Vec<PublishedKey>,
}

impl PublishedKey {
    /// Checks the entry: its key parses and is of the stated algorithm.
    pub fn to_key(&self) -> Result<PublicKey, KeyError> {
        let key = PublicKey::parse(&self.public_key, Some(&self.key_id))?;
        if key.algorithm() != self.algorithm {
            return Err(KeyError(format!(
                "key {} is an {} key, not {}",
                self.key_id,
                key.algorithm(),
                self.algorithm
            )));
        }
        Ok(key)
    }
}

/// The public keys a verifier accepts, by id: the current key and retired ones.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<(PublicKey, bool)>,
}

impl KeySet {
    /// The current key followed by retired keys (`AUDIT_VERIFY_KEYS`).
    pub fn new(current: Option<&PublicKey>, retired: &[PublicKey]) -> Self {
        let mut set = Self::default();
        if let Some(current) = current {
            set.keys.push((current.clone(), true));
        }
        for key in retired {
            set.insert(key.clone());
        }
        set
    }

    /// Adds a retired key unless its id is already known.
    pub fn insert(&mut self, key: PublicKey) {
        self.push(key, false);
    }

    fn push(&mut self, key: PublicKey, current: bool) {
        if self.get(key.key_id()).is_none() {
            self.keys.push((key, current));
        }
    }

    /// The key with this id.
    pub fn get(&self, key_id: &str) -> Option<&PublicKey> {
        self.keys
            .iter()
            .map(|(key, _)| key)
            .find(|key| key.key_id() == key_id)
    }

    /// Every key, the current one first.
    pub fn keys(&self) -> impl Iterator<Item = &PublicKey> {
        self.keys.iter().map(|(key, _)| key)
    }

    /// Whether the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Reads a published key set (JSON `{"keys": [...]}` or a bare array) or one PEM key.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let trimmed = text.trim();
        if !trimmed.starts_with('{') && !trimmed.starts_with('[') {
            return Ok(Self::new(None, &[PublicKey::parse(trimmed, None)?]));
        }
        let entries = match serde_json::from_str::<PublishedKeys>(trimmed) {
            Ok(doc) => doc.keys,
            Err(first) => serde_json::from_str::<Vec<PublishedKey>>(trimmed)
                .map_err(|_| KeyError(format!("not a published key set: {first}")))?,
        };
        let mut set = Self::default();
        for entry in &entries {
            set.push(entry.to_key()?, entry.current);
        }
        Ok(set)
    }

    /// The set as published.
    pub fn published(&self) -> PublishedKeys {
        PublishedKeys {
            keys: self
                .keys
                .iter()
                .map(|(key, current)| PublishedKey {
                    key_id: key.key_id().to_owned(),
                    algorithm: key.algorithm(),
                    public_key: key.to_pem(),
                    current: *current,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_algorithm_signs_and_verifies_and_refuses_another_message() {
        for algorithm in [Algorithm::Ed25519, Algorithm::Sm2] {
            let (key, pkcs8) = SigningKey::generate(algorithm).expect("generate");
            let again = SigningKey::from_pkcs8(pkcs8.expose(), algorithm, None).expect("reload");
            assert_eq!(again.key_id(), key.key_id());
            assert!(key.key_id().starts_with(algorithm.as_str()));
            let signature = key.sign(b"record");
            let public = PublicKey::parse(&key.public().to_pem(), None).expect("public PEM");
            assert_eq!(public.algorithm(), algorithm);
            assert!(public.verifies(b"record", &signature), "{algorithm}");
            assert!(!public.verifies(b"recorD", &signature), "{algorithm}");
        }
    }

    #[test]
    fn a_key_of_the_other_algorithm_is_refused() {
        let (_, pkcs8) = SigningKey::generate(Algorithm::Ed25519).expect("generate");
        let error = SigningKey::from_pkcs8(pkcs8.expose(), Algorithm::Sm2, None)
            .expect_err("an Ed25519 key is not an SM2 key");
        assert!(error.0.contains("not an sm2 PKCS#8 key"), "{error}");
    }

    #[test]
    fn a_published_key_set_reads_back() {
        let (current, _) = SigningKey::generate(Algorithm::Ed25519).expect("generate");
        let (retired, _) = SigningKey::generate(Algorithm::Sm2).expect("generate");
        let set = KeySet::new(Some(current.public()), &[retired.public().clone()]);
        let json = serde_json::to_string(&set.published()).expect("json");
        let back = KeySet::parse(&json).expect("parse");
        assert_eq!(back.published(), set.published());
        assert!(back.get(retired.key_id()).is_some());
        assert!(!format!("{current:?}").contains(&current.sign(b"x")));
    }
}
