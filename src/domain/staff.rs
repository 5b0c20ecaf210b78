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

/// What an account is given: its role, its office, and whether it may reveal denouncers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub office_id: Option<i64>,
    pub can_reveal_identity: bool,
}

/// Why a grantor may not give an account what was asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantRefused {
    /// The grantor's role manages no accounts.
    NotAGrantor,
    /// An office head gives only the official's role.
    Role,
    /// An office head adds staff to their own office only.
    Office,
    /// Only admins give the right to see who denounced.
    RevealPermission,
}

impl GrantRefused {
    /// The field of the request at fault, when there is one.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Self::NotAGrantor => None,
            Self::Role => Some("role"),
            Self::Office => Some("office_id"),
            Self::RevealPermission => Some("can_reveal_identity"),
        }
    }
}

/// Whether a member of staff with role `by` (of office `by_office`) may give an account
/// `grant` (DESIGN §3.5, §7).
///
/// Admins give any role, office, scope and permission. An office head adds officials to their
/// own office, and never the right to see denouncers: that right lifts the secrecy the Law on
/// Denunciations 25/2018/QH14 owes the denouncer (art. 9(1)(b); art. 47: who is protected and how), so it
/// is an admin's to give and take, each time in the record. No one else manages accounts.
pub fn may_grant(by: Role, by_office: Option<i64>, grant: &Grant) -> Result<(), GrantRefused> {
    match by {
        Role::Admin => Ok(()),
        Role::OfficeHead if grant.role != Role::Official => Err(GrantRefused::Role),
        Role::OfficeHead if by_office.is_none() || grant.office_id != by_office => {
            Err(GrantRefused::Office)
        }
        Role::OfficeHead if grant.can_reveal_identity => Err(GrantRefused::RevealPermission),
        Role::OfficeHead => Ok(()),
        Role::Official | Role::Supervisor => Err(GrantRefused::NotAGrantor),
    }
}

/// Whether a member of staff with role `by` (of office `by_office`) may change an account that
/// is `current` into `next` (disable, enable, reset its password: `next` is `current`). They
/// must be able to give both: an office head manages the officials of their own office who do
/// not hold the reveal permission, and only as such; an admin manages every account.
pub fn may_manage(
    by: Role,
    by_office: Option<i64>,
    current: &Grant,
    next: &Grant,
) -> Result<(), GrantRefused> {
    may_grant(by, by_office, current)?;
    may_grant(by, by_office, next)
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

    #[test]
    fn only_admins_grant_more_than_an_official_of_ones_own_office() {
        let grant = |role, office_id, can_reveal_identity| Grant {
            role,
            office_id,
            can_reveal_identity,
        };
        let head = |g| may_grant(Role::OfficeHead, Some(7), &g);
        assert_eq!(head(grant(Role::Official, Some(7), false)), Ok(()));
        assert_eq!(
            head(grant(Role::Official, Some(7), true)),
            Err(GrantRefused::RevealPermission)
        );
        assert_eq!(
            head(grant(Role::Official, Some(8), false)),
            Err(GrantRefused::Office)
        );
        assert_eq!(
            head(grant(Role::Official, None, false)),
            Err(GrantRefused::Office)
        );
        for role in [Role::OfficeHead, Role::Supervisor, Role::Admin] {
            assert_eq!(head(grant(role, Some(7), false)), Err(GrantRefused::Role));
        }
        // A head without an office (a broken row) adds no one.
        assert_eq!(
            may_grant(Role::OfficeHead, None, &grant(Role::Official, None, false)),
            Err(GrantRefused::Office)
        );
    }

    #[test]
    fn an_office_head_manages_only_the_officials_it_could_have_made() {
        let official = Grant {
            role: Role::Official,
            office_id: Some(7),
            can_reveal_identity: false,
        };
        let revealer = Grant {
            can_reveal_identity: true,
            ..official
        };
        let head =
            |current: &Grant, next: &Grant| may_manage(Role::OfficeHead, Some(7), current, next);
        assert_eq!(head(&official, &official), Ok(()));
        // Neither giving nor taking the reveal permission, nor touching one who holds it.
        assert_eq!(
            head(&official, &revealer),
            Err(GrantRefused::RevealPermission)
        );
        assert_eq!(
            head(&revealer, &official),
            Err(GrantRefused::RevealPermission)
        );
        let promoted = Grant {
            role: Role::OfficeHead,
            ..official
        };
        assert_eq!(head(&official, &promoted), Err(GrantRefused::Role));
        let moved = Grant {
            office_id: Some(8),
            ..official
        };
        assert_eq!(head(&official, &moved), Err(GrantRefused::Office));
        assert_eq!(head(&moved, &official), Err(GrantRefused::Office));
        assert_eq!(may_manage(Role::Admin, None, &revealer, &promoted), Ok(()));
    }

    proptest! {
        #[test]
        fn admins_grant_anything_and_officials_and_supervisors_nothing(
            role in 0usize..4, office in proptest::option::of(0i64..10), reveal: bool,
        ) {
            let g = Grant { role: Role::ALL[role], office_id: office, can_reveal_identity: reveal };
            prop_assert_eq!(may_grant(Role::Admin, None, &g), Ok(()));
            for by in [Role::Official, Role::Supervisor] {
                prop_assert_eq!(may_grant(by, Some(7), &g), Err(GrantRefused::NotAGrantor));
            }
            // Whatever a head may give, an admin may too; the reveal right never.
            if may_grant(Role::OfficeHead, Some(7), &g).is_ok() {
                prop_assert!(!g.can_reveal_identity && g.role == Role::Official);
            }
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
