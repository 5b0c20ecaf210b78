//! Vietnam's administrative units after the 2025 arrangement.
//!
//! Since 1 July 2025 local government has two tiers (Resolution 202/2025/QH15 on the
//! arrangement of provincial units; Law on Organisation of Local Government 72/2025/QH15):
//! 34 provinces and centrally-run cities (tỉnh, thành phố trực thuộc trung ương) and 3,321
//! communes (xã, phường, đặc khu). The district tier is gone. Codes are the General
//! Statistics Office's: two digits for a province, five for a commune.

use std::collections::BTreeMap;
use std::fmt;

/// The official dataset, vendored from the General Statistics Office (see `src/data/README.md`).
pub const DATASET_2025: &str = include_str!("../data/admin-units-2025.csv");
/// Name under which the dataset is recorded once loaded; a new arrangement gets a new name.
pub const DATASET_2025_NAME: &str = "gso-admin-units-2025";

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a province code is two digits, such as 01")]
    Province,
    #[error("a commune code is five digits, such as 00004")]
    Commune,
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// A GSO province code: exactly two ASCII digits (`01` Hà Nội … `96` Cà Mau).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProvinceCode(String);

impl ProvinceCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        if all_digits(s, 2) {
            Ok(Self(s.to_owned()))
        } else {
            Err(CodeError::Province)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProvinceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A GSO commune code: exactly five ASCII digits (`00004` Phường Ba Đình).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CommuneCode(String);

impl CommuneCode {
    pub fn parse(s: &str) -> Result<Self, CodeError> {
        if all_digits(s, 5) {
            Ok(Self(s.to_owned()))
        } else {
            Err(CodeError::Commune)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CommuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a first-tier unit is a province (tỉnh) or a centrally-run city
/// (thành phố trực thuộc trung ương).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProvinceKind {
    Province,
    Municipality,
}

impl ProvinceKind {
    /// The stable code stored and published.
    pub fn code(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Municipality => "municipality",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Province, Self::Municipality]
            .into_iter()
            .find(|k| k.code() == code)
    }
    /// The GSO's Vietnamese term, as in the dataset.
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Province => "tỉnh",
            Self::Municipality => "thành phố trung ương",
        }
    }
    fn from_gso(term: &str) -> Option<Self> {
        [Self::Province, Self::Municipality]
            .into_iter()
            .find(|k| k.name_vi() == term)
    }
}

/// Whether a commune-tier unit is a rural commune (xã), an urban ward (phường) or a
/// special zone (đặc khu, the island units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommuneKind {
    Commune,
    Ward,
    SpecialZone,
}

impl CommuneKind {
    const ALL: [Self; 3] = [Self::Commune, Self::Ward, Self::SpecialZone];

    pub fn code(self) -> &'static str {
        match self {
            Self::Commune => "commune",
            Self::Ward => "ward",
            Self::SpecialZone => "special_zone",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Commune => "xã",
            Self::Ward => "phường",
            Self::SpecialZone => "đặc khu",
        }
    }
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Commune => "Commune",
            Self::Ward => "Ward",
            Self::SpecialZone => "Special Zone",
        }
    }
    fn from_gso(term: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name_vi() == term)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    pub code: ProvinceCode,
    /// Official name, as the GSO writes it ("Thành phố Hà Nội", "Cao Bằng").
    pub name: String,
    pub kind: ProvinceKind,
}

impl Province {
    /// The name without "Thành phố ", for composing English names ("Hà Nội").
    pub fn short_name(&self) -> &str {
        self.name.strip_prefix("Thành phố ").unwrap_or(&self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    pub code: CommuneCode,
    pub province: ProvinceCode,
    /// Official name, with its type ("Phường Ba Đình", "Xã Tả Sìn Thàng").
    pub name: String,
    pub kind: CommuneKind,
}

impl Commune {
    /// The name without its type word, for composing English names ("Ba Đình").
    pub fn short_name(&self) -> &str {
        let type_word_len = self.kind.name_vi().len();
        match self.name.get(..type_word_len) {
            Some(head) if head.to_lowercase() == self.kind.name_vi() => {
                self.name[type_word_len..].trim_start()
            }
            _ => &self.name,
        }
    }
}

/// A parsed and checked set of administrative units.
#[derive(Debug, Clone)]
pub struct AdminUnits {
    pub provinces: Vec<Province>,
    pub communes: Vec<Commune>,
}

#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    #[error("admin-units CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("admin-units CSV line {line}: {problem}")]
    Row { line: u64, problem: String },
}

#[derive(serde::Deserialize)]
struct Row {
    province_code: String,
    province_name: String,
    province_type: String,
    commune_code: String,
    commune_name: String,
    commune_type: String,
}

impl AdminUnits {
    /// Parses the GSO CSV layout. Refuses malformed codes, unknown unit types, duplicate
    /// communes and provinces whose name or type disagrees between rows.
    pub fn parse_csv(text: &str) -> Result<Self, DatasetError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut provinces: BTreeMap<ProvinceCode, Province> = BTreeMap::new();
        let mut communes: BTreeMap<CommuneCode, Commune> = BTreeMap::new();
        for (index, record) in reader.deserialize::<Row>().enumerate() {
            let row = record?;
            let line = index as u64 + 2; // after the header, counting from 1
            let bad = |problem: String| DatasetError::Row { line, problem };
            let province = Province {
                code: ProvinceCode::parse(row.province_code.trim())
                    .map_err(|e| bad(e.to_string()))?,
                name: row.province_name.trim().to_owned(),
                kind: ProvinceKind::from_gso(row.province_type.trim())
                    .ok_or_else(|| bad(format!("unknown province type {:?}", row.province_type)))?,
            };
            let commune = Commune {
                code: CommuneCode::parse(row.commune_code.trim())
                    .map_err(|e| bad(e.to_string()))?,
                province: province.code.clone(),
                name: row.commune_name.trim().to_owned(),
                kind: CommuneKind::from_gso(row.commune_type.trim())
                    .ok_or_else(|| bad(format!("unknown commune type {:?}", row.commune_type)))?,
            };
            match provinces.get(&province.code) {
                Some(known) if *known != province => {
                    return Err(bad(format!(
                        "province {} described two ways",
                        province.code
                    )));
                }
                Some(_) => {}
                None => {
                    provinces.insert(province.code.clone(), province);
                }
            }
            if communes.insert(commune.code.clone(), commune).is_some() {
                return Err(bad(format!("commune {} listed twice", row.commune_code)));
            }
        }
        Ok(Self {
            provinces: provinces.into_values().collect(),
            communes: communes.into_values().collect(),
        })
    }

    /// The 2025 arrangement shipped with the service.
    pub fn official_2025() -> Result<Self, DatasetError> {
        Self::parse_csv(DATASET_2025)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn official_dataset_has_34_provinces_and_3321_communes() {
        let units = AdminUnits::official_2025().unwrap();
        assert_eq!(units.provinces.len(), 34);
        assert_eq!(units.communes.len(), 3321);
        let count = |kind| units.communes.iter().filter(|c| c.kind == kind).count();
        assert_eq!(count(CommuneKind::Commune), 2621);
        assert_eq!(count(CommuneKind::Ward), 687);
        assert_eq!(count(CommuneKind::SpecialZone), 13);
        let municipalities = units
            .provinces
            .iter()
            .filter(|p| p.kind == ProvinceKind::Municipality)
            .count();
        assert_eq!(municipalities, 6);
        let hanoi = &units.provinces[0];
        assert_eq!(
            (hanoi.code.as_str(), hanoi.name.as_str()),
            ("01", "Thành phố Hà Nội")
        );
        assert_eq!(hanoi.short_name(), "Hà Nội");
    }

    #[test]
    fn every_commune_belongs_to_a_listed_province() {
        let units = AdminUnits::official_2025().unwrap();
        for commune in &units.communes {
            assert!(units.provinces.iter().any(|p| p.code == commune.province));
        }
    }

    #[test]
    fn serialised_kinds_are_their_codes() {
        for kind in [ProvinceKind::Province, ProvinceKind::Municipality] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
            assert_eq!(ProvinceKind::from_code(kind.code()), Some(kind));
        }
        for kind in CommuneKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
            assert_eq!(CommuneKind::from_code(kind.code()), Some(kind));
        }
    }

    #[test]
    fn short_names_drop_the_type_word() {
        let c = Commune {
            code: CommuneCode::parse("00004").unwrap(),
            province: ProvinceCode::parse("01").unwrap(),
            name: "Phường Ba Đình".into(),
            kind: CommuneKind::Ward,
        };
        assert_eq!(c.short_name(), "Ba Đình");
        let z = Commune {
            name: "Đặc khu Côn Đảo".into(),
            kind: CommuneKind::SpecialZone,
            ..c
        };
        assert_eq!(z.short_name(), "Côn Đảo");
    }

    #[test]
    fn refuses_duplicate_communes_and_unknown_types() {
        let head =
            "province_code,province_name,province_type,commune_code,commune_name,commune_type\n";
        let dup = format!(
            "{head}01,Hà Nội,tỉnh,00004,Phường A,phường\n01,Hà Nội,tỉnh,00004,Phường B,phường\n"
        );
        assert!(AdminUnits::parse_csv(&dup).is_err());
        let odd = format!("{head}01,Hà Nội,huyện,00004,Phường A,phường\n");
        assert!(AdminUnits::parse_csv(&odd).is_err());
        let short = format!("{head}1,Hà Nội,tỉnh,00004,Phường A,phường\n");
        assert!(AdminUnits::parse_csv(&short).is_err());
    }

    proptest! {
        #[test]
        fn commune_code_accepts_exactly_five_digits(s in "\\PC{0,8}") {
            let ok = s.len() == 5 && s.chars().all(|c| c.is_ascii_digit());
            prop_assert_eq!(CommuneCode::parse(&s).is_ok(), ok);
        }

        #[test]
        fn province_code_accepts_exactly_two_digits(s in "\\PC{0,4}") {
            let ok = s.len() == 2 && s.chars().all(|c| c.is_ascii_digit());
            prop_assert_eq!(ProvinceCode::parse(&s).is_ok(), ok);
        }

        #[test]
        fn valid_codes_round_trip(n in 0u32..100_000) {
            let s = format!("{n:05}");
            let code = CommuneCode::parse(&s).unwrap();
            prop_assert_eq!(code.as_str(), s.as_str());
        }
    }
}
