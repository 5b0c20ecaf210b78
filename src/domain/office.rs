//! Offices: the bodies that receive and answer petitions.
//!
//! By default each administrative unit's People's Committee (Ủy ban nhân dân, UBND) is the
//! office for matters arising there (Law on Organisation of Local Government 72/2025/QH15).
//! Offices form a tree: a commune's committee sits under its province's.

use super::admin_units::{Commune, Province, ProvinceKind};

/// Which tier an office belongs to.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OfficeLevel {
    Province,
    Commune,
}

impl OfficeLevel {
    pub const ALL: [Self; 2] = [Self::Province, Self::Commune];

    pub fn code(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Commune => "commune",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }
}

/// The identity of an office created from the admin-unit data, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeSpec {
    /// Stable, human-readable code, the same in every installation (`ubnd-01`, `ubnd-00004`).
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub level: OfficeLevel,
}

impl OfficeSpec {
    /// The People's Committee of a province or centrally-run city.
    pub fn provincial_committee(p: &Province) -> Self {
        let (name, name_en) = match p.kind {
            // The GSO already writes "Thành phố Hà Nội" for cities.
            ProvinceKind::Municipality => (
                format!("Ủy ban nhân dân {}", p.name),
                format!("People's Committee of {} City", p.short_name()),
            ),
            ProvinceKind::Province => (
                format!("Ủy ban nhân dân tỉnh {}", p.name),
                format!("People's Committee of {} Province", p.short_name()),
            ),
        };
        Self {
            code: format!("ubnd-{}", p.code),
            name,
            name_en,
            level: OfficeLevel::Province,
        }
    }

    /// The People's Committee of a commune, ward or special zone.
    pub fn commune_committee(c: &Commune) -> Self {
        Self {
            code: format!("ubnd-{}", c.code),
            name: format!("Ủy ban nhân dân {}", c.name),
            name_en: format!(
                "People's Committee of {} {}",
                c.short_name(),
                c.kind.name_en()
            ),
            level: OfficeLevel::Commune,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::admin_units::AdminUnits;
    use std::collections::HashSet;

    #[test]
    fn names_follow_the_official_form() {
        let units = AdminUnits::official_2025().unwrap();
        let hanoi = OfficeSpec::provincial_committee(&units.provinces[0]);
        assert_eq!(hanoi.code, "ubnd-01");
        assert_eq!(hanoi.name, "Ủy ban nhân dân Thành phố Hà Nội");
        assert_eq!(hanoi.name_en, "People's Committee of Hà Nội City");
        let cao_bang = units
            .provinces
            .iter()
            .find(|p| p.code.as_str() == "04")
            .unwrap();
        let office = OfficeSpec::provincial_committee(cao_bang);
        assert_eq!(office.name, "Ủy ban nhân dân tỉnh Cao Bằng");
        assert_eq!(office.name_en, "People's Committee of Cao Bằng Province");
        let ba_dinh = units
            .communes
            .iter()
            .find(|c| c.code.as_str() == "00004")
            .unwrap();
        let office = OfficeSpec::commune_committee(ba_dinh);
        assert_eq!(office.name, "Ủy ban nhân dân Phường Ba Đình");
        assert_eq!(office.name_en, "People's Committee of Ba Đình Ward");
        assert_eq!(office.level, OfficeLevel::Commune);
    }

    #[test]
    fn office_codes_are_unique_across_both_tiers() {
        let units = AdminUnits::official_2025().unwrap();
        let codes: HashSet<String> = units
            .provinces
            .iter()
            .map(|p| OfficeSpec::provincial_committee(p).code)
            .chain(
                units
                    .communes
                    .iter()
                    .map(|c| OfficeSpec::commune_committee(c).code),
            )
            .collect();
        assert_eq!(codes.len(), 34 + 3321);
    }

    #[test]
    fn level_codes_round_trip() {
        for level in OfficeLevel::ALL {
            assert_eq!(OfficeLevel::from_code(level.code()), Some(level));
            assert_eq!(serde_json::to_value(level).unwrap(), level.code());
        }
        assert_eq!(OfficeLevel::from_code("district"), None);
    }
}
