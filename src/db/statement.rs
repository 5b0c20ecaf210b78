//! A statement written at run time, with its values bound, that diesel keeps prepared.
//!
//! `diesel::sql_query` is never cached: diesel cannot know how many different strings a caller
//! will make, so it prepares the statement again on every call (on SQLite about 100 µs for a
//! sum of twenty columns; on PostgreSQL a parse and a plan). Where the text comes from a small,
//! fixed set of shapes and every value is a bind, caching it by its SQL is safe; the connection's
//! statement cache then prepares each shape once. A statement whose number of binds follows the
//! input (an `IN` list) is marked [`Statement::uncached`] and prepared every time, as diesel does
//! for its own `IN`.

use std::borrow::Cow;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Integer, Text, Untyped};
use diesel::{QueryResult, RunQueryDsl};

/// One piece of a [`Statement`]: text, or a value bound where it stands.
#[derive(Debug, Clone)]
enum Piece<'a> {
    Sql(Cow<'a, str>),
    Text(&'a str),
    Integer(i32),
}

/// SQL text with bound values, loaded like `sql_query` into `QueryableByName` rows.
#[derive(Debug, Clone, Default)]
pub struct Statement<'a> {
    pieces: Vec<Piece<'a>>,
    uncached: bool,
}

impl<'a> Statement<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends SQL text. It must not hold values from a request: those go in as binds.
    pub fn sql(&mut self, sql: impl Into<Cow<'a, str>>) -> &mut Self {
        self.pieces.push(Piece::Sql(sql.into()));
        self
    }

    /// Appends a placeholder bound to a text value.
    pub fn text(&mut self, value: &'a str) -> &mut Self {
        self.pieces.push(Piece::Text(value));
        self
    }

    /// Appends a placeholder bound to an integer value.
    pub fn integer(&mut self, value: i32) -> &mut Self {
        self.pieces.push(Piece::Integer(value));
        self
    }

    /// Marks the statement as one of unboundedly many shapes: it is prepared on each use and
    /// never kept in the connection's cache.
    pub fn uncached(&mut self) -> &mut Self {
        self.uncached = true;
        self
    }
}

impl<DB> QueryFragment<DB> for Statement<'_>
where
    DB: Backend + HasSqlType<Text> + HasSqlType<Integer>,
    str: ToSql<Text, DB>,
    i32: ToSql<Integer, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if self.uncached {
            out.unsafe_to_cache_prepared();
        }
        for piece in &self.pieces {
            match piece {
                Piece::Sql(sql) => out.push_sql(sql),
                Piece::Text(value) => out.push_bind_param::<Text, str>(value)?,
                Piece::Integer(value) => out.push_bind_param::<Integer, i32>(value)?,
            }
        }
        Ok(())
    }
}

/// No static id: the connection caches the statement by its SQL text.
impl QueryId for Statement<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Statement<'_> {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Statement<'_> {}
