//! Staff and what each role may do (DESIGN §3.5).
//!
//! Officials act on their own office's petitions only; office heads also approve extensions
//! and manage the office's officials; Fatherland Front supervisors (Mặt trận Tổ quốc) read
//! within a scope, without identities; admins manage offices, users, partners, rules and the
//! calendar.

use std::fmt;
use std::str::FromStr;

use super::admin_units::{CommuneCode, ProvinceCode};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Official,
    OfficeHead,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Self; 4] = [
        Self::Official,
        Self::OfficeHead,
        Self::Supervisor,
        Self::Admin,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::Official => "official",
            Self::OfficeHead => "office_head",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
    /// Officials and office heads belong to one office.
    pub fn needs_office(self) -> bool {
        matches!(self, Self::Official | Self::OfficeHead)
    }
}

/// What a supervisor oversees: a commune, a province or the nation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    National,
    Province(ProvinceCode),
    Commune(CommuneCode),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a scope is national, province:NN or commune:NNNNN")]
pub struct ScopeError;

impl FromStr for Scope {
    type Err = ScopeError;
    fn from_str(s: &str) -> Result<Self, ScopeError> {
        match s.split_once(':') {
            None if s == "national" => Ok(Self::National),
            Some(("province", code)) => ProvinceCode::parse(code)
                .map(Self::Province)
                .map_err(|_| ScopeError),
            Some(("commune", code)) => CommuneCode::parse(code)
                .map(Self::Commune)
                .map_err(|_| ScopeError),
            _ => Err(ScopeError),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::National => f.write_str("national"),
            Self::Province(code) => write!(f, "province:{code}"),
            Self::Commune(code) => write!(f, "commune:{code}"),
        }
    }
}

impl Scope {
    /// Whether a petition in this province and commune lies within the scope.
    pub fn covers(&self, province: &str, commune: &str) -> bool {
        match self {
            Self::National => true,
            Self::Province(p) => p.as_str() == province,
            Self::Commune(c) => c.as_str() == commune,
        }
    }
}

/// The shortest password accepted (NIST SP 800-63B asks for at least 8; staff accounts guard
/// confidential petitions, so more).
pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// A username: 3–64 lowercase letters, digits, dots, hyphens or underscores.
pub fn is_username(s: &str) -> bool {
    (3..=64).contains(&s.len())
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn scopes_parse_and_cover() {
        let p: Scope = "province:01".parse().unwrap();
        assert!(p.covers("01", "00004"));
        assert!(!p.covers("04", "01234"));
        let c: Scope = "commune:00004".parse().unwrap();
        assert!(c.covers("01", "00004"));
        assert!(!c.covers("01", "00007"));
        assert!(Scope::National.covers("96", "32248"));
        for bad in [
            "",
            "province:1",
            "commune:0004",
            "district:001",
            "national:01",
        ] {
            assert!(bad.parse::<Scope>().is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn scopes_round_trip(kind in 0..3, n in 0u32..100_000) {
            let text = match kind {
                0 => "national".to_owned(),
                1 => format!("province:{:02}", n % 100),
                _ => format!("commune:{n:05}"),
            };
            let scope: Scope = text.parse().unwrap();
            prop_assert_eq!(scope.to_string(), text);
        }
    }
}
