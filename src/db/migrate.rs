//! Schema migrations, one directory per backend, embedded in the binary.

use diesel::connection::SimpleConnection;
use diesel::{QueryableByName, RunQueryDsl, sql_types::BigInt};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::{DbConnection, DbError};

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Key of the PostgreSQL advisory lock that keeps two nodes from migrating at once.
const MIGRATION_LOCK: i64 = 0x7469_656e_6764_616e; // "tiengdan"

/// Applies every pending migration and returns the versions applied, oldest first.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, DbError> {
    let applied = match conn {
        // One migrator at a time: the check for pending migrations and their application
        // happen under SQLite's write lock. Foreign keys are off meanwhile, as SQLite's way of
        // rebuilding a table needs (https://sqlite.org/lang_altertable.html#otheralter), and
        // every reference is checked before the transaction commits.
        DbConnection::Sqlite(c) => {
            c.batch_execute("PRAGMA foreign_keys = OFF")?;
            let result = c.immediate_transaction(|c| {
                let versions = c
                    .run_pending_migrations(SQLITE)
                    .map(|versions| versions.iter().map(ToString::to_string).collect())
                    .map_err(|e| DbError::Migration(e.to_string()))?;
                let dangling =
                    diesel::sql_query("SELECT COUNT(*) AS n FROM pragma_foreign_key_check")
                        .get_result::<Count>(c)?
                        .n;
                if dangling > 0 {
                    return Err(DbError::Migration(format!(
                        "the migrations leave {dangling} rows referring to nothing"
                    )));
                }
                Ok(versions)
            });
            c.batch_execute("PRAGMA foreign_keys = ON")?;
            result
        }
        DbConnection::Postgres(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(c)?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| DbError::Migration(with_hint(e.to_string())));
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(c)?;
            result
        }
    }?;
    Ok(applied)
}

/// Says what to do when a role that may not create tables was asked to migrate: it is the
/// serving role of a least-privilege set-up, started without the owner's URL.
fn with_hint(message: String) -> String {
    if message.contains("permission denied") {
        format!(
            "{message} (this role may not change the schema: give the owner's URL as \
             MIGRATION_DATABASE_URL, docs/SECURITY.md)"
        )
    } else {
        message
    }
}
