//! Logs: `tracing` to stderr (stdout stays free for `--json` output), as text or JSON lines.

use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LogSettings};

#[derive(Debug, thiserror::Error)]
#[error("invalid log filter {filter:?}: {reason}")]
pub struct LogError {
    filter: String,
    reason: String,
}

/// Installs the global subscriber. Call once, before anything logs.
pub fn init(settings: &LogSettings) -> Result<(), LogError> {
    let filter = EnvFilter::try_new(&settings.log_level).map_err(|e| LogError {
        filter: settings.log_level.clone(),
        reason: e.to_string(),
    })?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match settings.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    // Already installed (tests start several apps in one process): keep the first.
    let _ = installed;
    Ok(())
}
