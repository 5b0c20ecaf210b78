//! The service core: one function per use case, the only writer of petitions (DESIGN §4).
//!
//! Every door (the JSON API, the command line, the jobs, the demo, and the doors to come:
//! webhooks, Open311, the web pages) parses its input, decides who the caller is, and calls one
//! function here. A use case takes the actor, a typed command and the instant it happens at,
//! runs inside one write transaction ([`Tx`]), and returns a typed outcome or a
//! [`ServiceError`]. The law it applies lives in `domain`; the statements it runs live in `db`.
//!
//! Doors open the transaction ([`Service::transaction`], or [`in_transaction`] on a connection
//! they hold) so that what they store with the outcome (an idempotent reply) commits with it.

pub mod accounts;
pub mod actor;
pub mod calendar;
pub mod citizen;
pub mod deadlines;
mod error;
pub mod identity;
pub mod intake;
pub mod partners;
pub mod rules;
pub mod supervision;
pub mod workflow;

use std::sync::Arc;

pub use actor::{Citizen, OfficeStaff, Submitter, Supervisor};
pub use error::{NotFound, ServiceError};

use crate::db::admin_units_cache::{AdminUnitsCache, AdminUnitsSnapshot};
use crate::db::calendar::CalendarCache;
use crate::db::rules::RuleCache;
use crate::db::{Db, DbConnection, DbError, write_transaction};
use crate::domain::calendar::VietnamCalendar;
use crate::domain::rules::{Law, RuleBook};
use crate::domain::supervision::ReplyPeriod;
use crate::vault::Vault;

/// What the use cases read besides the database, as it stood when the transaction began: the
/// calendar and rule book in force, the administrative units, the key that seals identities.
#[derive(Clone)]
pub struct Context {
    pub calendar: Arc<VietnamCalendar>,
    pub rules: Arc<RuleBook>,
    pub units: Arc<AdminUnitsSnapshot>,
    /// The key that seals identities; `None` for a command that touches none (creating a
    /// partner or an account needs no data key).
    pub vault: Option<Vault>,
    pub supervision: ReplyPeriod,
}

impl Context {
    /// The data key, for the use cases that seal or open an identity.
    pub fn vault(&self) -> Result<&Vault, ServiceError> {
        self.vault
            .as_ref()
            .ok_or_else(|| ServiceError::bug("no data key where an identity is sealed or opened"))
    }

    /// The calendar and the rules that set deadlines.
    pub fn law(&self) -> Law<'_> {
        Law {
            calendar: self.calendar.as_ref(),
            rules: self.rules.as_ref(),
        }
    }
}

/// One write transaction, in which use cases run one after another and commit together.
pub struct Tx<'a> {
    conn: &'a mut DbConnection,
    ctx: &'a Context,
}

impl<'a> Tx<'a> {
    /// The connection, for a door's reads inside the transaction (a reply built from what was
    /// just written). Doors never write through it.
    pub fn conn(&mut self) -> &mut DbConnection {
        self.conn
    }

    pub fn context(&self) -> &'a Context {
        self.ctx
    }
}

/// Runs `work` in one write transaction on a connection the caller holds (the command line,
/// the demo): committed when it returns `Ok`, rolled back otherwise.
pub fn in_transaction<T, E: From<DbError>>(
    conn: &mut DbConnection,
    ctx: &Context,
    work: impl FnOnce(&mut Tx) -> Result<T, E>,
) -> Result<T, E> {
    write_transaction(conn, |conn| work(&mut Tx { conn, ctx }))
}

/// The service as the app holds it: the database and what the use cases read, shared by the
/// HTTP workers and the jobs. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    db: Db,
    units: Arc<AdminUnitsCache>,
    calendars: Arc<CalendarCache>,
    rules: Arc<RuleCache>,
    vault: Vault,
    supervision: ReplyPeriod,
}

impl Service {
    pub fn new(
        db: Db,
        units: Arc<AdminUnitsCache>,
        calendars: Arc<CalendarCache>,
        rules: Arc<RuleCache>,
        vault: Vault,
        supervision: ReplyPeriod,
    ) -> Self {
        Self {
            db,
            units,
            calendars,
            rules,
            vault,
            supervision,
        }
    }

    /// The database, for reads.
    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn units(&self) -> &AdminUnitsCache {
        &self.units
    }

    pub fn calendars(&self) -> &CalendarCache {
        &self.calendars
    }

    pub fn rules(&self) -> &RuleCache {
        &self.rules
    }

    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// What a transaction begun now reads.
    pub fn context(&self) -> Context {
        Context {
            calendar: self.calendars.current(),
            rules: self.rules.current(),
            units: self.units.current(),
            vault: Some(self.vault.clone()),
            supervision: self.supervision,
        }
    }

    /// Runs `work` in one write transaction off the HTTP workers. It has committed when this
    /// returns `Ok`.
    pub async fn transaction<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut Tx) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let ctx = self.context();
        self.db
            .write(move |conn| work(&mut Tx { conn, ctx: &ctx }))
            .await
    }
}
