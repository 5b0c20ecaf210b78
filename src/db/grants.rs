//! Least privilege on PostgreSQL (DESIGN §7, docs/SECURITY.md).
//!
//! With `MIGRATION_DATABASE_URL` set, its role (the owner) applies the migrations and owns the
//! tables; the role of `DATABASE_URL` serves. The serving role may read and write the working
//! rows, but not rewrite what is kept for good: it cannot change or delete an event, a
//! signed checkpoint or a calendar change, cannot empty a table and, not owning any, cannot
//! alter or drop one. Someone holding the serving role's password can still append, and can
//! move `audit_head`; the checkpoint job and outside witnesses catch a head moved back
//! (`db::audit::checkpoint_checked`).

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, sql_types::Text};

use super::{DbConnection, DbError};

/// Tables whose rows stay as first written: the chain of events, its signed checkpoints, and
/// the calendar's changes (editing an old change would move deadlines already computed).
pub const APPEND_ONLY: [&str; 3] = ["events", "audit_checkpoints", "calendar_changes"];

/// Diesel's record of applied migrations: the serving role reads it, the owner writes it.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// The role this connection acts as.
pub fn current_role(conn: &mut DbConnection) -> Result<String, DbError> {
    match conn {
        DbConnection::Postgres(c) => Ok(diesel::sql_query("SELECT current_user::text AS name")
            .get_result::<Name>(c)?
            .name),
        DbConnection::Sqlite(_) => Err(DbError::Misconfigured(
            "roles are PostgreSQL's; SQLite has none",
        )),
    }
}

/// Gives `role` what serving needs and nothing more, on every table of the owner's current
/// schema. Run by the owner after each migration run, so that new tables are covered too;
/// it revokes first, so running it again leaves the same grants.
pub fn grant_serving(conn: &mut DbConnection, role: &str) -> Result<(), DbError> {
    let DbConnection::Postgres(c) = conn else {
        return Err(DbError::Misconfigured(
            "MIGRATION_DATABASE_URL is for PostgreSQL only",
        ));
    };
    let schema = diesel::sql_query("SELECT current_schema()::text AS name")
        .get_result::<Name>(c)?
        .name;
    let statements = serving_grants(&quote(&schema), &quote(role));
    c.transaction(|c: &mut PgConnection| {
        for statement in &statements {
            diesel::sql_query(statement).execute(c)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// The statements [`grant_serving`] runs: written out here so that docs/SECURITY.md can
/// show them as they are.
pub fn serving_grants(schema: &str, role: &str) -> Vec<String> {
    let append_only = APPEND_ONLY.join(", ");
    vec![
        format!("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}"),
        format!("GRANT USAGE ON SCHEMA {schema} TO {role}"),
        format!("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}"),
        format!("REVOKE UPDATE, DELETE ON {append_only} FROM {role}"),
        format!("REVOKE INSERT, UPDATE, DELETE ON {MIGRATIONS_TABLE} FROM {role}"),
        format!("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"),
    ]
}

/// A PostgreSQL identifier, quoted: role and schema names come from the server, but may hold
/// any character.
fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_whatever_they_hold() {
        assert_eq!(quote("tiengdan"), "\"tiengdan\"");
        assert_eq!(
            quote("a\"; DROP TABLE events; --"),
            "\"a\"\"; DROP TABLE events; --\""
        );
    }

    #[test]
    fn the_record_is_never_granted_for_rewriting() {
        let statements = serving_grants("\"public\"", "\"serve\"");
        // Whatever the broad grant gives, a later statement takes rewriting of the record back.
        let broad = statements
            .iter()
            .position(|s| s.starts_with("GRANT SELECT, INSERT, UPDATE, DELETE"))
            .unwrap();
        let narrowed = statements
            .iter()
            .position(|s| s.starts_with("REVOKE UPDATE, DELETE ON events"))
            .unwrap();
        assert!(broad < narrowed);
        assert!(
            !statements
                .iter()
                .any(|s| s.contains("TRUNCATE") && s.starts_with("GRANT"))
        );
        for table in APPEND_ONLY {
            assert!(statements[narrowed].contains(table));
        }
    }
}
