//! Storage: diesel over SQLite (embedded default) or PostgreSQL, behind one connection type.
//!
//! Diesel is synchronous; every call runs on actix's blocking pool (`web::block`) so that
//! the HTTP workers never wait on the database.

pub mod admin_units_cache;
pub mod audit;
pub mod calendar;
pub mod clocks;
pub mod codes;
mod connection;
mod error;
pub mod escalation;
pub mod events;
pub mod grants;
pub mod idempotency;
pub mod inbox;
pub mod migrate;
pub mod notices;
pub mod overdue;
pub mod oversight;
pub mod partners;
pub mod petitions;
pub mod reference;
pub mod routing;
pub mod rules;
pub mod schema;
pub mod seed;
pub mod snapshot;
mod statement;
pub mod stats;
pub mod supervision;
pub mod sweep;
mod transaction;
mod url;
pub mod users;
pub mod workflow;

use std::time::Duration;

use actix_web::web;

pub use connection::{ConnectError, DbConnection, Manager, Pooled};
pub use error::DbError;
pub use transaction::write_transaction;
pub use url::{DatabaseUrl, UrlError};

type Pool = r2d2::Pool<Manager>;

/// The database handle the application shares: cheap to clone.
#[derive(Clone)]
pub struct Db {
    url: DatabaseUrl,
    readers: Pool,
    /// Where writes go. On SQLite a single connection, so that writers queue here instead of
    /// spinning on SQLite's file lock; on PostgreSQL the same pool as the readers.
    writer: Pool,
}

#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    pub max_size: u32,
    /// How long a request waits for a connection before it is answered 503: long enough to
    /// ride out a burst, short enough that a client during an outage hears so promptly.
    pub connect_timeout: Duration,
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 10,
            connect_timeout: Duration::from_secs(5),
        }
    }
}

impl Db {
    /// Opens the pools. Fails when the database cannot be reached, naming why.
    pub fn connect(url: &DatabaseUrl, options: PoolOptions) -> Result<Self, DbError> {
        let build = |size: u32| {
            r2d2::Pool::builder()
                .max_size(size)
                .min_idle(Some(1))
                .connection_timeout(options.connect_timeout)
                .test_on_check_out(false)
                .build(Manager::new(url.clone()))
        };
        let readers = build(options.max_size.max(1))?;
        let writer = match url {
            DatabaseUrl::Sqlite(_) => build(1)?,
            DatabaseUrl::Postgres(_) => readers.clone(),
        };
        Ok(Self {
            url: url.clone(),
            readers,
            writer,
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Runs read-only work on a pooled connection, off the HTTP workers.
    pub async fn read<T, F>(&self, work: F) -> Result<T, DbError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, DbError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.readers.clone();
        web::block(move || {
            let mut pooled = pool.get()?;
            let outcome = work(&mut pooled.conn);
            pooled.suspect |= outcome.is_err();
            outcome
        })
        .await
        .map_err(|_| DbError::Blocking)?
    }

    /// Runs work in one transaction on the writer, off the HTTP workers. It has committed
    /// when this returns `Ok`: a 2xx built from it means the change is stored.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let pool = self.writer.clone();
        web::block(move || {
            let mut pooled = pool.get().map_err(DbError::from)?;
            let outcome = write_transaction(&mut pooled.conn, work);
            pooled.suspect |= outcome.is_err();
            outcome
        })
        .await
        .map_err(|_| E::from(DbError::Blocking))?
    }

    /// Synchronous access for start-up and command-line tasks.
    pub fn blocking_write<T>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut pooled = self.writer.get()?;
        let outcome = work(&mut pooled.conn);
        pooled.suspect |= outcome.is_err();
        outcome
    }
}
