//! Cursor pagination (DESIGN §6): a list returns at most `limit` items and an opaque
//! `next_cursor` naming where the next page starts.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 500;

/// How many items a page holds: 1 to [`MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    #[error("limit must be between 1 and {MAX_LIMIT}")]
    Limit,
    #[error("the cursor is not one this service issued for this list")]
    Cursor,
}

impl Limit {
    pub fn new(requested: Option<u32>) -> Result<Self, PageError> {
        match requested.unwrap_or(DEFAULT_LIMIT) {
            n @ 1..=MAX_LIMIT => Ok(Self(n)),
            _ => Err(PageError::Limit),
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
    /// One more than the page holds: fetching it tells whether a next page exists.
    pub fn probe(self) -> i64 {
        i64::from(self.0) + 1
    }

    /// [`Limit::probe`] as a length.
    pub fn probe_len(self) -> usize {
        self.0 as usize + 1
    }
}

/// An opaque position in a list ordered by a key, tied to the list it came from so that a
/// cursor from one list is refused by another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub list: &'static str,
    pub after: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("{}:{}", self.list, self.after))
    }

    pub fn decode(list: &'static str, token: &str) -> Result<Self, PageError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| PageError::Cursor)?;
        let text = String::from_utf8(bytes).map_err(|_| PageError::Cursor)?;
        let after = text
            .strip_prefix(list)
            .and_then(|rest| rest.strip_prefix(':'))
            .ok_or(PageError::Cursor)?;
        Ok(Self {
            list,
            after: after.to_owned(),
        })
    }
}

/// Cuts a fetched run of `limit + 1` items into a page and the cursor of the next page.
pub fn paginate<T>(
    mut items: Vec<T>,
    limit: Limit,
    list: &'static str,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let page = limit.get() as usize;
    if items.len() > page {
        items.truncate(page);
        let next = items.last().map(|last| {
            Cursor {
                list,
                after: key(last),
            }
            .encode()
        });
        (items, next)
    } else {
        (items, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn limit_bounds() {
        assert_eq!(Limit::new(None).unwrap().get(), DEFAULT_LIMIT);
        assert!(Limit::new(Some(0)).is_err());
        assert!(Limit::new(Some(MAX_LIMIT + 1)).is_err());
        assert_eq!(Limit::new(Some(MAX_LIMIT)).unwrap().get(), MAX_LIMIT);
    }

    #[test]
    fn cursor_of_one_list_is_refused_by_another() {
        let token = Cursor {
            list: "offices",
            after: "42".into(),
        }
        .encode();
        assert_eq!(Cursor::decode("offices", &token).unwrap().after, "42");
        assert_eq!(Cursor::decode("communes", &token), Err(PageError::Cursor));
        assert_eq!(Cursor::decode("offices", "!!"), Err(PageError::Cursor));
    }

    proptest! {
        #[test]
        fn cursor_round_trips(after in "\\PC{0,30}") {
            let token = Cursor { list: "l", after: after.clone() }.encode();
            prop_assert_eq!(Cursor::decode("l", &token).unwrap().after, after);
        }

        #[test]
        fn decoding_garbage_never_panics(token in "\\PC{0,60}") {
            let _ = Cursor::decode("l", &token);
        }

        /// Walking a list page by page yields every item once, in order.
        #[test]
        fn pages_cover_the_list(n in 0usize..300, limit in 1u32..50) {
            let all: Vec<usize> = (0..n).collect();
            let limit = Limit::new(Some(limit)).unwrap();
            let mut seen = Vec::new();
            let mut after: Option<usize> = None;
            loop {
                let fetched: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|i| after.is_none_or(|a| *i > a))
                    .take(limit.probe() as usize)
                    .collect();
                let (page, next) = paginate(fetched, limit, "l", |i| i.to_string());
                seen.extend(page);
                match next {
                    Some(token) => after = Some(Cursor::decode("l", &token).unwrap().after.parse().unwrap()),
                    None => break,
                }
            }
            prop_assert_eq!(seen, all);
        }
    }
}
