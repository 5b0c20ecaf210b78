//! The units statistics are published for (DESIGN §3.7): an office, a commune, a province,
//! the nation. A commune, a province and the nation are sums of their offices.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    National,
    Province,
    Commune,
    Office,
}

impl Level {
    pub const ALL: [Self; 4] = [Self::National, Self::Province, Self::Commune, Self::Office];

    /// As the `level` parameter spells it.
    pub fn code(self) -> &'static str {
        match self {
            Self::National => "national",
            Self::Province => "province",
            Self::Commune => "commune",
            Self::Office => "office",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::from_code(l.code()), Some(l));
            assert_eq!(serde_json::to_value(l).unwrap(), l.code());
        }
        assert_eq!(Level::from_code("nation"), None);
    }
}
