//! Staff access tokens: JWT, HS256 pinned on verification, 15 minutes, with issuer, audience,
//! subject, expiry, issue time, a unique id, and the role, office and scope they grant.
//! The signing key comes from `JWT_SECRET`; the embedded default keeps one in a file beside
//! the SQLite database.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

pub const ISSUER: &str = "tiengdan";
pub const AUDIENCE: &str = "tiengdan-staff";
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;
const LEEWAY_SECONDS: i64 = 5;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's id.
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// May reveal denouncers' identities (with a reason, audited).
    #[serde(default)]
    pub reveal: bool,
    /// The account's token epoch when the token was issued: a later change refuses it.
    #[serde(default)]
    pub epoch: i64,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(…)")
    }
}

#[derive(Debug, thiserror::Error)]
#[error("the token is not valid: {0}")]
pub struct InvalidToken(String);

#[derive(Debug, thiserror::Error)]
pub enum TokenKeyError {
    #[error(
        "JWT_SECRET must be 32 bytes, written as 64 hex digits or in base64 (generate one with `openssl rand -hex 32`)"
    )]
    BadKey,
    #[error(
        "JWT_SECRET is required with PostgreSQL: every node must sign and check staff tokens with the same key (generate one with `openssl rand -hex 32`)"
    )]
    KeyRequired,
    #[error("token key file {path}: {source}")]
    KeyFile {
        path: std::path::PathBuf,
        source: crate::keyfile::KeyFileError,
    },
}

impl TokenKeys {
    /// The configured key, or for SQLite the key file beside the database (made if missing).
    pub fn load(
        configured: Option<&str>,
        database: &crate::db::DatabaseUrl,
    ) -> Result<(Self, crate::vault::KeySource), TokenKeyError> {
        use crate::keyfile::KeyProblem;
        let (key, source) =
            crate::keyfile::load_key(configured, database, "jwt-key").map_err(|p| match p {
                KeyProblem::BadKey => TokenKeyError::BadKey,
                KeyProblem::KeyRequired => TokenKeyError::KeyRequired,
                KeyProblem::File { path, source } => TokenKeyError::KeyFile { path, source },
            })?;
        Ok((Self::new(&key), source))
    }

    pub fn new(secret: &[u8; 32]) -> Self {
        // Only HS256: a token naming another algorithm (`none` included) is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub", "iat"]);
        // Expiry is checked against the app's clock below, not the library's reading of the
        // machine's: a test's clock (or a node's) is the one that issued the token.
        validation.validate_exp = false;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(&self, claims: &Claims) -> Result<String, InvalidToken> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| InvalidToken(e.to_string()))
    }

    /// The token's claims if it is ours, untouched and unexpired at `now` (Unix seconds,
    /// with a few seconds' leeway for nodes whose clocks differ).
    pub fn verify(&self, token: &str, now: i64) -> Result<Claims, InvalidToken> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| InvalidToken(e.to_string()))?;
        if claims.exp + LEEWAY_SECONDS < now {
            return Err(InvalidToken("expired".into()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    const NOW: i64 = 1_800_000_000;

    fn claims(exp_in: i64) -> Claims {
        let now = NOW;
        Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "7".into(),
            exp: now + exp_in,
            iat: now,
            jti: "j".into(),
            role: "official".into(),
            office: Some(35),
            scope: None,
            reveal: false,
            epoch: 0,
        }
    }

    #[test]
    fn tokens_verify_only_when_untouched_current_and_ours() {
        let keys = TokenKeys::new(&[1; 32]);
        let token = keys.issue(&claims(900)).unwrap();
        assert_eq!(keys.verify(&token, NOW).unwrap(), claims(900));
        assert!(
            TokenKeys::new(&[2; 32]).verify(&token, NOW).is_err(),
            "other key"
        );
        assert!(
            keys.verify(&keys.issue(&claims(-120)).unwrap(), NOW)
                .is_err(),
            "expired"
        );
        assert!(
            keys.verify(&token, NOW + 900 + 60).is_err(),
            "expired by the clock it is checked against"
        );
        let mut wrong_audience = claims(900);
        wrong_audience.aud = "someone-else".into();
        assert!(
            keys.verify(&keys.issue(&wrong_audience).unwrap(), NOW)
                .is_err()
        );
        // Tampered payload: the office changed.
        let parts: Vec<&str> = token.split('.').collect();
        let mut forged = claims(900);
        forged.office = Some(36);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
        assert!(
            keys.verify(&format!("{}.{payload}.{}", parts[0], parts[2]), NOW)
                .is_err()
        );
        // alg: none, unsigned.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(
            keys.verify(&format!("{header}.{}.", parts[1]), NOW)
                .is_err()
        );
    }
}
