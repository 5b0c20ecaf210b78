//! The accountability statistics' storage (DESIGN §3.7): rollups kept by folding the events,
//! and the reads the API serves from them.

pub mod query;
pub mod rollup;
