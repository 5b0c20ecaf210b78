//! Tiếng Dân: citizens' petitions to Vietnam's local government, with the legal clock kept.
//!
//! The library builds the whole service; `main.rs` only parses the command line. Tests start
//! the same application through [`startup::Application`].

pub mod admin;
pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod keyfile;
pub mod service;
pub mod signing;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod time;
pub mod vault;
pub mod witness;
