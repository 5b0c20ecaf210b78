//! Categories of commune matters. Partners rely on the codes; names are for people.

/// A category's stable code: lowercase ASCII letters, digits and underscores, 1–40 long.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CategoryCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a category code is 1–40 lowercase letters, digits or underscores, such as land")]
pub struct CategoryCodeError;

impl CategoryCode {
    pub fn parse(s: &str) -> Result<Self, CategoryCodeError> {
        let ok = (1..=40).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(CategoryCodeError)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The categories every installation starts with (seeded by the migrations).
/// Kept here so that tests and documentation name the same list.
pub const DEFAULT_CATEGORIES: [(&str, &str, &str); 11] = [
    ("land", "Đất đai, xây dựng", "Land and construction"),
    (
        "environment",
        "Môi trường, vệ sinh",
        "Environment and sanitation",
    ),
    ("traffic", "Giao thông, đường sá", "Traffic and roads"),
    (
        "public_order",
        "An ninh, trật tự",
        "Public order and security",
    ),
    (
        "social_welfare",
        "Chính sách, an sinh xã hội",
        "Social welfare and policy",
    ),
    ("health", "Y tế", "Health"),
    ("education", "Giáo dục", "Education"),
    (
        "admin_procedures",
        "Thủ tục hành chính",
        "Administrative procedures",
    ),
    (
        "officials_conduct",
        "Thái độ, hành vi của cán bộ",
        "Conduct of officials",
    ),
    // Feedback and recommendations on an administrative regulation are forwarded to the body
    // that made it (Decree 20/2008/NĐ-CP art. 9(1)(d)).
    (
        "administrative_regulations",
        "Quy định hành chính",
        "Administrative regulations",
    ),
    ("other", "Khác", "Other"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_codes_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for (code, vi, en) in DEFAULT_CATEGORIES {
            assert!(CategoryCode::parse(code).is_ok(), "{code}");
            assert!(seen.insert(code));
            assert!(!vi.is_empty() && !en.is_empty());
        }
    }

    #[test]
    fn refuses_odd_codes() {
        for bad in ["", "Land", "land use", "đất", &"x".repeat(41)] {
            assert!(CategoryCode::parse(bad).is_err(), "{bad}");
        }
    }
}
