//! What went wrong inside, kept for the log: the client sees only "internal error" and the
//! request id; the log line with that id says why, with the whole chain of causes.
//!
//! Error policy: code that meets a failure it cannot turn into a client's 4xx wraps it here
//! with a few words of context and returns it. It does not log: the problems middleware logs
//! each 500 once, inside the request's span (so with its request id). Causes must not carry
//! personal data; the errors of our own layers never do.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// An internal failure: what we were doing, and the error that stopped it (if any).
#[derive(Clone)]
pub struct Fault {
    context: &'static str,
    cause: Option<Arc<dyn StdError + Send + Sync>>,
}

impl Fault {
    /// A failure with its cause.
    pub fn new(context: &'static str, cause: impl StdError + Send + Sync + 'static) -> Self {
        Self {
            context,
            cause: Some(Arc::new(cause)),
        }
    }

    /// A state the code should never reach (a bug, or data changed behind the service's back).
    pub fn bug(context: &'static str) -> Self {
        Self {
            context,
            cause: None,
        }
    }

    /// A failure whose cause is only text (a library that does not give an error type).
    pub fn text(context: &'static str, cause: impl fmt::Display) -> Self {
        Self::new(context, Message(cause.to_string()))
    }

    /// The context and every cause below it, outermost first, joined with ": ".
    pub fn chain(&self) -> String {
        let mut text = self.context.to_owned();
        let mut next: Option<&(dyn StdError + 'static)> = self
            .cause
            .as_deref()
            .map(|c| c as &(dyn StdError + 'static));
        while let Some(error) = next {
            // A wrapper that prints its source's text ("query failed: {0}") is not repeated.
            let said = error.to_string();
            if !text.ends_with(&said) {
                text.push_str(": ");
                text.push_str(&said);
            }
            next = error.source();
        }
        text
    }
}

impl fmt::Debug for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fault({})", self.chain())
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.chain())
    }
}

/// Two faults are the same when they say the same: enough for tests that compare errors.
impl PartialEq for Fault {
    fn eq(&self, other: &Self) -> bool {
        self.chain() == other.chain()
    }
}

impl Eq for Fault {}

#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Message {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("query failed")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_chain_names_the_context_and_every_cause() {
        let fault = Fault::new(
            "loading a petition",
            Outer(std::io::Error::other("connection reset")),
        );
        assert_eq!(
            fault.chain(),
            "loading a petition: query failed: connection reset"
        );
        assert_eq!(Fault::bug("no office").chain(), "no office");
        assert_eq!(
            Fault::text("encoding", "bad utf-8").chain(),
            "encoding: bad utf-8"
        );
    }
}
