//! The rules of the domain, free of I/O: no database, no HTTP, no clock reads.
//!
//! This is where the law lives. Every other layer depends on it; it depends on nothing.

pub mod admin_units;
pub mod audit;
pub mod calendar;
pub mod category;
pub mod clock;
pub mod confidentiality;
pub mod escalation;
pub mod event;
pub mod lang;
pub mod office;
pub mod pagination;
pub mod petition;
pub mod retention;
pub mod routing;
pub mod rules;
pub mod staff;
pub mod stats;
pub mod supervision;
pub mod tracking;
pub mod witness;
pub mod workflow;
