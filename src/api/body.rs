//! Reading JSON bodies ourselves rather than through `web::Json`, so that a 422 names the
//! field at fault (`citizen.phone`, `attachments[1].url`), and so that the idempotency check
//! sees the body in a canonical form.

use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::domain::petition::{Fault, Violation};
use crate::error::{ApiError, BadInput};

pub struct JsonBody<T> {
    pub value: T,
    /// The body re-serialised with sorted keys and no whitespace: equal for equal JSON.
    pub canonical: String,
}

fn is_json(req: &HttpRequest) -> bool {
    let Some(value) = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json")
}

/// Parses a JSON body: 415 for another content type, 400 for text that is not JSON, 422 for
/// JSON that does not fit `T`, naming the field.
pub fn parse<T: DeserializeOwned>(
    req: &HttpRequest,
    bytes: &[u8],
) -> Result<JsonBody<T>, ApiError> {
    if !is_json(req) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let tree: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(BadInput::MalformedJson(e.to_string())))?;
    let value = serde_path_to_error::deserialize::<_, T>(&tree)
        .map_err(|e| ApiError::Invalid(vec![violation(&e)]))?;
    Ok(JsonBody {
        value,
        canonical: tree.to_string(),
    })
}

fn violation(e: &serde_path_to_error::Error<serde_json::Error>) -> Violation {
    let path = e.path().to_string();
    // The path may or may not already end with the field serde names.
    let at = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else if path == name || path.ends_with(&format!(".{name}")) {
            path.clone()
        } else {
            format!("{path}.{name}")
        }
    };
    let message = e.inner().to_string();
    // serde's messages name the field between backticks.
    let named = message.split('`').nth(1).unwrap_or_default();
    if message.starts_with("unknown field") {
        Violation::new(at(named), Fault::UnknownField)
    } else if message.starts_with("missing field") {
        Violation::new(at(named), Fault::Required)
    } else {
        let reason = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(head, _)| head)
            .to_owned();
        let field = if path == "." { "body".to_owned() } else { path };
        Violation::new(field, Fault::Unreadable { reason })
    }
}
