//! Receipt secrets: what a citizen keeps with the tracking code to follow or withdraw a
//! petition without an account. 160 random bits, base64url; stored as SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::{RandomError, random_bytes, secret_hash};

pub struct NewReceiptSecret {
    pub secret: String,
    pub hash: String,
}

pub fn generate() -> Result<NewReceiptSecret, RandomError> {
    let secret = URL_SAFE_NO_PAD.encode(random_bytes::<20>()?);
    Ok(NewReceiptSecret {
        hash: secret_hash(&secret),
        secret,
    })
}
