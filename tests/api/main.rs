//! HTTP-level tests: each test starts the real application on a fresh database and talks to
//! it over TCP. The backend is SQLite unless `TEST_DATABASE_URL` names a PostgreSQL server, in
//! which case every test gets its own database there (created, then dropped).

mod helpers;

mod accounts;
mod admin_units;
mod audit;
mod calendar;
mod categories;
mod cli;
mod clock;
mod concurrency;
mod confidentiality;
mod dated;
mod demo;
mod docs;
mod durability;
mod errors;
mod faults;
mod health;
mod incomplete;
mod logs;
mod matrix;
mod metrics;
mod offices;
mod old_chain;
mod openapi;
mod petitions;
mod petitions_bad_input;
mod retention;
mod rules;
mod second_time;
mod security;
mod staff;
mod stats;
mod supervision;
mod tracking;
mod verifying;
mod witness;
mod workflow;
