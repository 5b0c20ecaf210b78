//! The administrative units, held in memory.
//!
//! Units change by law (a new arrangement of provinces and communes), not by request, and
//! partners look communes up on every submission. So the service reads them once at start
//! and answers unit lookups from memory, with no database round trip and no blocking-pool hop.
//! Whatever later changes units or their committee offices must swap in a fresh snapshot
//! after committing (and, with several nodes, tell the others to).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, RwLock};

use super::reference::{self, CommuneDetail, ProvinceSummary};
use super::{DbConnection, DbError};

/// One consistent view of the units.
#[derive(Debug, Default)]
pub struct AdminUnitsSnapshot {
    provinces: Vec<ProvinceSummary>,
    communes: BTreeMap<String, CommuneDetail>,
    /// Commune codes of each province, in code order.
    by_province: HashMap<String, Vec<String>>,
    /// Category codes, which partners file under.
    categories: BTreeSet<String>,
}

impl AdminUnitsSnapshot {
    pub fn load(conn: &mut DbConnection) -> Result<Self, DbError> {
        let provinces = reference::list_provinces(conn, None, i64::MAX)?;
        let mut by_province: HashMap<String, Vec<String>> = HashMap::new();
        let communes = reference::all_communes(conn)?
            .into_iter()
            .map(|detail| {
                by_province
                    .entry(detail.commune.province_code.clone())
                    .or_default()
                    .push(detail.commune.code.clone());
                (detail.commune.code.clone(), detail)
            })
            .collect();
        let categories = reference::list_categories(conn)?
            .into_iter()
            .map(|c| c.code)
            .collect();
        Ok(Self {
            provinces,
            communes,
            by_province,
            categories,
        })
    }

    /// Provinces in code order after `after`, at most `take`.
    pub fn provinces(&self, after: Option<&str>, take: usize) -> Vec<&ProvinceSummary> {
        let start = after.map_or(0, |after| {
            self.provinces
                .partition_point(|p| p.province.code.as_str() <= after)
        });
        self.provinces.iter().skip(start).take(take).collect()
    }

    pub fn province(&self, code: &str) -> Option<&ProvinceSummary> {
        self.provinces
            .binary_search_by(|p| p.province.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.provinces[i])
    }

    /// Communes of a province in code order after `after`, at most `take`; `None` when the
    /// province is unknown.
    pub fn communes_of(
        &self,
        province: &str,
        after: Option<&str>,
        take: usize,
    ) -> Option<Vec<&CommuneDetail>> {
        self.province(province)?;
        let codes = self
            .by_province
            .get(province)
            .map_or(&[][..], Vec::as_slice);
        let start = after.map_or(0, |after| codes.partition_point(|c| c.as_str() <= after));
        Some(
            codes[start..]
                .iter()
                .take(take)
                .filter_map(|code| self.communes.get(code))
                .collect(),
        )
    }

    pub fn commune(&self, code: &str) -> Option<&CommuneDetail> {
        self.communes.get(code)
    }

    pub fn category_exists(&self, code: &str) -> bool {
        self.categories.contains(code)
    }
}

impl AdminUnitsSnapshot {
    pub fn commune_exists(&self, code: &str) -> bool {
        self.communes.contains_key(code)
    }
}

/// The current snapshot, shared by all workers; only ever replaced whole.
#[derive(Debug, Default)]
pub struct AdminUnitsCache(RwLock<Arc<AdminUnitsSnapshot>>);

impl AdminUnitsCache {
    pub fn new(snapshot: AdminUnitsSnapshot) -> Self {
        Self(RwLock::new(Arc::new(snapshot)))
    }

    pub fn current(&self) -> Arc<AdminUnitsSnapshot> {
        // A poisoned lock still holds a complete snapshot: it is only ever replaced whole.
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }
}
