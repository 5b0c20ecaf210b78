//! The database's raw rate for the statements one petition submission runs: the baseline that
//! `benches/intake.sh` divides the service's intake throughput by (docs/PERFORMANCE.md).
//!
//! ```sh
//! cargo bench --bench raw_insert -- <database-url> [--clients N] [--seconds S]
//! cargo bench --bench raw_insert -- <database-url> --count <partner-id>
//! ```
//!
//! The database must be one the service has migrated and seeded (`tiengdan migrate`). The bench
//! adds one partner of its own, then N client threads each submit petitions in a loop for S
//! seconds, one transaction per petition, with the statements `POST /v1/petitions` runs for a
//! feedback petition with a citizen, one attachment and an `Idempotency-Key` (see
//! src/db/petitions.rs, events.rs, idempotency.rs, routing.rs): the idempotency look-up, the
//! routing-rule candidates, the petition insert returning its id, the sealed identity (as many
//! random bytes as the service's ciphertext), the attachment, two clocks, the petition's
//! `next_due_at` (the earliest running clock, read back and set), the re-read of the stored
//! petition (with its clocks, attachments, identity and answer), the event chained after the
//! audit chain's head (head read, locked on PostgreSQL, and moved), the office's counter of
//! received petitions (an upsert), and the stored reply (random bytes, as long as the service's
//! sealed reply). Nothing else: no HTTP, no JSON parsing, no validation, no encryption, no API key
//! check. It prints one line ending in `petitions_per_sec=…`.
//!
//! The connections are set up like the service's (src/db/connection.rs): on SQLite a single
//! writer connection shared behind a mutex, since the service too has exactly one, and
//! `BEGIN IMMEDIATE`; on PostgreSQL one connection per client.
//!
//! `--count <partner-id>` prints how many petitions that partner has, so the script can check
//! the service stored one row per 201 without needing `sqlite3` or `psql`.
//!
//! The statements are written out in SQL but kept prepared per connection (see `sql` below), as
//! diesel keeps the service's query-builder statements: a fair baseline must not parse again
//! what the service parses once.

use std::error::Error;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::backend::Backend;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, Binary, Bool, Date, Double, Integer, Nullable, Text, Timestamp};
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{PgConnection, QueryableByName, SqliteConnection};
use sha2::{Digest, Sha256};

/// Same as `SQLITE_PRAGMAS` in src/db/connection.rs.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;";

/// The commune of the benches' feedback body (Phường Ba Đình, Hà Nội).
const COMMUNE: &str = "00004";
/// Sizes of what the service seals for that body: the citizen (146 bytes of ciphertext) and
/// the 201 reply stored for the idempotency key (1,211 bytes).
const IDENTITY_BYTES: usize = 146;
const REPLY_BYTES: usize = 1211;

enum Conn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Runs the same code on either concrete connection (as `on_backend!` does in the service):
/// `sql_query` binds are typed per backend, so the body is compiled once for each.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Pg($c) => $body,
        }
    };
}

impl Conn {
    /// Opens a connection set up as src/db/connection.rs sets up the service's.
    fn open(url: &str) -> Result<Self, Box<dyn Error>> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut c = SqliteConnection::establish(path)?;
            c.batch_execute(SQLITE_PRAGMAS)?;
            Ok(Conn::Sqlite(c))
        } else {
            let mut c = PgConnection::establish(url)?;
            c.batch_execute("SET TIME ZONE 'UTC'")?;
            Ok(Conn::Pg(c))
        }
    }

    fn begin_sql(&self) -> &'static str {
        match self {
            // The service's write transactions take SQLite's write lock up front
            // (src/db/transaction.rs).
            Conn::Sqlite(_) => "BEGIN IMMEDIATE",
            Conn::Pg(_) => "BEGIN",
        }
    }
}

/// A statement in SQL, with `?` for each parameter, used like `diesel::sql_query` (`.bind`,
/// then `.load`, `.get_result` or `.execute`) but kept in the connection's prepared-statement
/// cache under its text. `sql_query` marks itself unsafe to cache (its text could be built at
/// run time), so every call would parse the statement again: on PostgreSQL an extra round trip
/// per statement, which made this bench's rate there about half what `pgbench -M prepared`
/// gets. The texts here are constants, so caching them is safe. diesel writes the placeholders
/// (`?`, `?`, … on PostgreSQL, `?` on SQLite) in place of the `?`s.
fn sql(text: &'static str) -> Statement {
    Statement(text)
}

struct Statement(&'static str);

/// A statement with its parameters so far: the last one, `value`, is bound as SQL type `ST`
/// and followed by `after`, the text up to the next `?`.
struct Bound<Q, ST, V> {
    query: Q,
    value: V,
    after: &'static str,
    text: &'static str,
    count: usize,
    sql_type: PhantomData<ST>,
}

trait Bind: Sized {
    fn text(&self) -> &'static str;
    fn count(&self) -> usize;

    fn bind<ST, V>(self, value: V) -> Bound<Self, ST, V> {
        let (text, count) = (self.text(), self.count() + 1);
        let after = text
            .split('?')
            .nth(count)
            .unwrap_or_else(|| panic!("more parameters than `?` in {text}"));
        Bound {
            query: self,
            value,
            after,
            text,
            count,
            sql_type: PhantomData,
        }
    }
}

impl Bind for Statement {
    fn text(&self) -> &'static str {
        self.0
    }
    fn count(&self) -> usize {
        0
    }
}

impl<Q, ST, V> Bind for Bound<Q, ST, V> {
    fn text(&self) -> &'static str {
        self.text
    }
    fn count(&self) -> usize {
        self.count
    }
}

impl<DB: Backend> QueryFragment<DB> for Statement {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.0.split('?').next().unwrap_or_default());
        Ok(())
    }
}

impl<DB, Q, ST, V> QueryFragment<DB> for Bound<Q, ST, V>
where
    DB: Backend + HasSqlType<ST>,
    Q: QueryFragment<DB>,
    V: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_bind_param::<ST, V>(&self.value)?;
        out.push_sql(self.after);
        Ok(())
    }
}

// No static query id: the cache key is then the SQL text (with the bind types), as it must be,
// since different statements here can have the same Rust type.
impl QueryId for Statement {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, ST, V> QueryId for Bound<Q, ST, V> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

// Rows are read by column name into `QueryableByName` structs, as with `sql_query`.
impl Query for Statement {
    type SqlType = Untyped;
}

impl<Q, ST, V> Query for Bound<Q, ST, V> {
    type SqlType = Untyped;
}

impl<C> RunQueryDsl<C> for Statement {}
impl<C, Q, ST, V> RunQueryDsl<C> for Bound<Q, ST, V> {}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

#[derive(QueryableByName)]
struct Office {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    province_code: String,
}

#[derive(QueryableByName)]
struct Rule {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    reason: String,
}

/// One column of each re-read row is decoded; the database still produces all of them.
#[derive(QueryableByName)]
struct Detail {
    #[diesel(sql_type = Text)]
    public_id: String,
}

#[derive(QueryableByName)]
struct ClockName {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Url {
    #[diesel(sql_type = Text)]
    url: String,
}

#[derive(QueryableByName)]
struct KeyId {
    #[diesel(sql_type = Text)]
    key_id: String,
}

#[derive(QueryableByName)]
struct Head {
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Text)]
    hash: String,
}

#[derive(QueryableByName)]
struct NextDue {
    #[diesel(sql_type = Nullable<Timestamp>)]
    next_due_at: Option<NaiveDateTime>,
}

#[derive(QueryableByName)]
struct Answer {
    #[diesel(sql_type = Text)]
    body: String,
}

#[derive(QueryableByName)]
struct Reply {
    #[diesel(sql_type = Text)]
    request_hash: String,
}

/// What the service knows before its transaction: the commune's province and office come from
/// its in-memory snapshot of the admin units, the partner from the API key.
struct Setup {
    partner_id: i64,
    province_code: String,
    office_id: i64,
}

/// The values that differ per petition, made outside the transaction (the service too draws
/// its random values there, except the seal, which it makes inside).
struct Petition {
    public_id: String,
    tracking_code: String,
    receipt_secret_hash: String,
    idempotency_key: String,
    /// The 64-bit lock the service takes for the key on PostgreSQL.
    key_lock: i64,
    identity_nonce: Vec<u8>,
    identity_ciphertext: Vec<u8>,
    reply_nonce: Vec<u8>,
    reply_body: Vec<u8>,
    event_hash: String,
    request_hash: String,
    received_at: NaiveDateTime,
}

/// Now, at the microseconds both backends store (as `tiengdan::time::Clock::now`).
fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    while out.len() < n {
        out.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    out.truncate(n);
    out
}

fn random_hex(n_bytes: usize) -> String {
    hex::encode(random_bytes(n_bytes))
}

impl Petition {
    fn new() -> Self {
        let tracking: String = random_bytes(10)
            .iter()
            .map(|b| char::from(b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"[usize::from(b & 31)]))
            .collect();
        Self {
            public_id: uuid::Uuid::new_v4().to_string(),
            tracking_code: tracking,
            receipt_secret_hash: hex::encode(Sha256::digest(random_bytes(20))),
            idempotency_key: uuid::Uuid::new_v4().to_string(),
            key_lock: i64::from_be_bytes(random_bytes(8).try_into().unwrap_or_default()),
            identity_nonce: random_bytes(24),
            identity_ciphertext: random_bytes(IDENTITY_BYTES),
            reply_nonce: random_bytes(24),
            reply_body: random_bytes(REPLY_BYTES),
            event_hash: hex::encode(random_bytes(32)),
            request_hash: random_hex(32),
            received_at: now(),
        }
    }
}

/// Creates the bench's own partner and looks up what the service holds in memory.
fn prepare(conn: &mut Conn) -> QueryResult<Setup> {
    on_backend!(conn, |c| {
        let partner: Id = sql(
            "INSERT INTO partners (name, key_prefix, key_hash, created_at) \
             VALUES ('raw_insert bench', ?, ?, ?) RETURNING id",
        )
        .bind::<Text, _>(random_hex(6))
        .bind::<Text, _>(random_hex(32))
        .bind::<Timestamp, _>(now())
        .get_result(c)?;
        let office: Office = sql("SELECT offices.id, communes.province_code FROM communes \
             INNER JOIN offices ON offices.commune_code = communes.code \
             WHERE communes.code = ?")
        .bind::<Text, _>(COMMUNE)
        .get_result(c)?;
        Ok(Setup {
            partner_id: partner.id,
            province_code: office.province_code,
            office_id: office.id,
        })
    })
}

/// One petition, in one transaction, with the service's statements in the service's order.
/// Placeholders are written `?`, `?`, … : PostgreSQL's syntax, which SQLite reads as named
/// parameters numbered in order of appearance, so one text serves both.
fn submit(conn: &mut Conn, setup: &Setup, p: &Petition) -> QueryResult<()> {
    let begin = conn.begin_sql();
    let head_sql = match conn {
        Conn::Pg(_) => "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE",
        Conn::Sqlite(_) => "SELECT seq, hash FROM audit_head WHERE id = 1",
    };
    // On PostgreSQL the service takes the request's Idempotency-Key for the transaction first
    // (src/db/idempotency.rs, `claim`), so that a twin request waits for the first's reply.
    let claim_sql = match conn {
        Conn::Pg(_) => Some("SELECT pg_advisory_xact_lock(?)"),
        Conn::Sqlite(_) => None,
    };
    on_backend!(conn, |c| {
        c.batch_execute(begin)?;
        let outcome = (|| -> QueryResult<()> {
            let scope = format!("partner:{}", setup.partner_id);
            if let Some(claim) = claim_sql {
                sql(claim).bind::<BigInt, _>(p.key_lock).execute(c)?;
            }
            let stored: Vec<Reply> = sql(
                "SELECT request_hash, status, location, key_id, nonce, body \
                 FROM idempotent_replies WHERE scope = ? AND idempotency_key = ? LIMIT 1",
            )
            .bind::<Text, _>(&scope)
            .bind::<Text, _>(&p.idempotency_key)
            .load(c)?;
            if let Some(reply) = stored.first() {
                panic!(
                    "key {} was used for {}",
                    p.idempotency_key, reply.request_hash
                );
            }

            let rules: Vec<Rule> = sql(
                "SELECT id, code, province_code, commune_code, kind, category_code, subject, \
                 second_time, target, office_id, priority, reason FROM routing_rules \
                 WHERE (province_code IS NULL OR province_code = ?) \
                 AND (commune_code IS NULL OR commune_code = ?) \
                 AND (kind IS NULL OR kind = ?) \
                 AND (category_code IS NULL OR category_code = ?)",
            )
            .bind::<Text, _>(&setup.province_code)
            .bind::<Text, _>(COMMUNE)
            .bind::<Text, _>("feedback")
            .bind::<Text, _>("environment")
            .load(c)?;
            // Feedback matches the `default` rule only: the commune's own committee.
            let rule = rules
                .iter()
                .find(|r| r.code == "default")
                .expect("the default routing rule");

            let at = p.received_at;
            let id = sql(
                "INSERT INTO petitions (public_id, tracking_code, receipt_secret_hash, \
                 partner_id, channel, kind, filed_kind, category_code, commune_code, \
                 province_code, office_id, routing_rule_id, routing_reason, status, title, \
                 description, subject, occurred_at, decision_date, late_filing, location_lat, \
                 location_lon, location_address, second_time_of, is_public, anonymous, \
                 received_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \
                 ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind::<Text, _>(&p.public_id)
            .bind::<Text, _>(&p.tracking_code)
            .bind::<Text, _>(&p.receipt_secret_hash)
            .bind::<Nullable<BigInt>, _>(Some(setup.partner_id))
            .bind::<Text, _>("partner")
            .bind::<Text, _>("feedback")
            .bind::<Text, _>("feedback")
            .bind::<Text, _>("environment")
            .bind::<Text, _>(COMMUNE)
            .bind::<Text, _>(&setup.province_code)
            .bind::<BigInt, _>(setup.office_id)
            .bind::<BigInt, _>(rule.id)
            .bind::<Text, _>(&rule.reason)
            .bind::<Text, _>("received")
            .bind::<Text, _>("Rác thải tồn đọng")
            .bind::<Text, _>("Rác không được thu gom ba ngày nay ở ngõ 5.")
            .bind::<Nullable<Text>, _>(None::<String>)
            .bind::<Nullable<Timestamp>, _>(None::<NaiveDateTime>)
            .bind::<Nullable<Date>, _>(None::<chrono::NaiveDate>)
            .bind::<Bool, _>(false)
            .bind::<Nullable<Double>, _>(Some(21.03))
            .bind::<Nullable<Double>, _>(Some(105.83))
            .bind::<Nullable<Text>, _>(None::<String>)
            .bind::<Nullable<BigInt>, _>(None::<i64>)
            .bind::<Bool, _>(false)
            .bind::<Bool, _>(false)
            .bind::<Timestamp, _>(at)
            .bind::<Timestamp, _>(at)
            .get_result::<Id>(c)?
            .id;

            sql(
                "INSERT INTO petition_identities (petition_id, key_id, nonce, ciphertext) \
                 VALUES (?, ?, ?, ?)",
            )
            .bind::<BigInt, _>(id)
            .bind::<Text, _>("26e13e77")
            .bind::<Binary, _>(&p.identity_nonce)
            .bind::<Binary, _>(&p.identity_ciphertext)
            .execute(c)?;

            sql(
                "INSERT INTO petition_attachments (petition_id, position, url, media_type) \
                 VALUES (?, ?, ?, ?)",
            )
            .bind::<BigInt, _>(id)
            .bind::<Integer, _>(0)
            .bind::<Text, _>("https://cdn.example.vn/a.jpg")
            .bind::<Nullable<Text>, _>(Some("image/jpeg"))
            .execute(c)?;

            let clocks = [
                (
                    "acknowledge",
                    2,
                    "Provincial regulation (no national rule); Tiếng Dân default",
                ),
                (
                    "answer",
                    10,
                    "Provincial regulation (no national rule); Tiếng Dân default, after Đà Nẵng Decision 960/QĐ-UBND (2021)",
                ),
            ];
            for (name, days, legal_basis) in clocks {
                sql(
                    "INSERT INTO petition_clocks (petition_id, name, started_at, length_days, \
                     day_type, due_at, status, legal_basis, rule_version, calendar_version) \
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                )
                .bind::<BigInt, _>(id)
                .bind::<Text, _>(name)
                .bind::<Timestamp, _>(at)
                .bind::<Integer, _>(days)
                .bind::<Text, _>("working")
                .bind::<Timestamp, _>(at + chrono::Duration::days(i64::from(days) * 7 / 5))
                .bind::<Text, _>("running")
                .bind::<Text, _>(legal_basis)
                .bind::<Text, _>("2026-11-24.1")
                .bind::<Text, _>("weekdays-only.1")
                .execute(c)?;
            }

            // `next_due_at`: the earliest running clock, kept on the petition for the inbox.
            let next: NextDue = sql("SELECT MIN(due_at) AS next_due_at FROM petition_clocks \
                 WHERE petition_id = ? AND status = ? LIMIT 1")
            .bind::<BigInt, _>(id)
            .bind::<Text, _>("running")
            .get_result(c)?;
            sql("UPDATE petitions SET next_due_at = ? WHERE id = ?")
                .bind::<Nullable<Timestamp>, _>(next.next_due_at)
                .bind::<BigInt, _>(id)
                .execute(c)?;

            // The service answers from what it stored: it reads the petition back.
            let detail: Detail = sql(
                "SELECT petitions.id, petitions.public_id, petitions.tracking_code, \
                 petitions.receipt_secret_hash, petitions.partner_id, petitions.channel, \
                 petitions.kind, petitions.filed_kind, petitions.category_code, \
                 petitions.commune_code, petitions.province_code, petitions.office_id, \
                 petitions.routing_rule_id, petitions.routing_reason, petitions.status, \
                 petitions.title, petitions.description, petitions.subject, \
                 petitions.occurred_at, petitions.decision_date, petitions.late_filing, \
                 petitions.location_lat, petitions.location_lon, petitions.location_address, \
                 petitions.second_time_of, petitions.is_public, petitions.anonymous, \
                 petitions.received_at, petitions.updated_at, petitions.next_due_at, \
                 petitions.complexity, offices.id AS office_ref_id, \
                 offices.code AS office_code, offices.name AS office_name, offices.name_en, \
                 routing_rules.code AS rule_code FROM petitions \
                 INNER JOIN offices ON petitions.office_id = offices.id \
                 INNER JOIN routing_rules ON petitions.routing_rule_id = routing_rules.id \
                 WHERE petitions.id = ? LIMIT 1",
            )
            .bind::<BigInt, _>(id)
            .get_result(c)?;
            assert_eq!(detail.public_id, p.public_id);
            let clocks: Vec<ClockName> = sql(
                "SELECT name, started_at, length_days, day_type, due_at, status, legal_basis, \
                 rule_version, calendar_version FROM petition_clocks \
                 WHERE petition_id = ? ORDER BY id",
            )
            .bind::<BigInt, _>(id)
            .load(c)?;
            let names: Vec<&str> = clocks.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["acknowledge", "answer"]);
            let attachments: Vec<Url> = sql("SELECT url, media_type FROM petition_attachments \
                 WHERE petition_id = ? ORDER BY position")
            .bind::<BigInt, _>(id)
            .load(c)?;
            assert_eq!(attachments.len(), 1);
            assert_eq!(attachments[0].url, "https://cdn.example.vn/a.jpg");
            let identity: KeyId = sql("SELECT key_id, nonce, ciphertext FROM petition_identities \
                 WHERE petition_id = ? LIMIT 1")
            .bind::<BigInt, _>(id)
            .get_result(c)?;
            assert_eq!(identity.key_id, "26e13e77");
            let answers: Vec<Answer> =
                sql("SELECT body, decision_number, attachments, answered_at \
                 FROM petition_answers WHERE petition_id = ? LIMIT 1")
                .bind::<BigInt, _>(id)
                .load(c)?;
            assert!(
                answers.first().is_none_or(|a| a.body.is_empty()),
                "a new petition has no answer"
            );

            // The same payload as the service's `petition.received` event, chained after the
            // head of the audit chain (src/db/events.rs): the head row is read (locked until
            // the commit on PostgreSQL), the event stored with its position and hashes, the
            // head moved. The hash is a placeholder of the right length: no SHA-256 here.
            let payload = serde_json::json!({
                "kind": "feedback",
                "filed_kind": "feedback",
                "channel": "partner",
                "category": "environment",
                "commune_code": COMMUNE,
                "office_id": setup.office_id,
                "routing_rule": rule.code,
                "late_filing": false,
                "clocks": [
                    {"name": "acknowledge", "due_at": "2026-11-27T16:59:59Z"},
                    {"name": "answer", "due_at": "2026-12-09T16:59:59Z"},
                ],
            });
            let head: Head = sql(head_sql).get_result(c)?;
            let seq = head.seq + 1;
            sql(
                "INSERT INTO events (petition_id, actor_kind, actor_id, action, payload, \
                 created_at, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind::<Nullable<BigInt>, _>(Some(id))
            .bind::<Text, _>("partner")
            .bind::<Nullable<Text>, _>(Some(setup.partner_id.to_string()))
            .bind::<Text, _>("petition.received")
            .bind::<Text, _>(payload.to_string())
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(seq)
            .bind::<Text, _>(&head.hash)
            .bind::<Text, _>(&p.event_hash)
            .execute(c)?;
            sql("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")
                .bind::<BigInt, _>(seq)
                .bind::<Text, _>(&p.event_hash)
                .execute(c)?;

            // The office's count of petitions per status (src/db/inbox.rs, `recount`), last as in the
            // service: every petition of this bench goes to the same office, so this is one hot
            // row whose lock is held until the commit.
            sql(
                "INSERT INTO office_status_counts (office_id, status, petitions) \
                 VALUES (?, ?, ?) ON CONFLICT (office_id, status) \
                 DO UPDATE SET petitions = office_status_counts.petitions + ?",
            )
            .bind::<BigInt, _>(setup.office_id)
            .bind::<Text, _>("received")
            .bind::<BigInt, _>(1)
            .bind::<BigInt, _>(1)
            .execute(c)?;

            sql(
                "INSERT INTO idempotent_replies (scope, idempotency_key, request_hash, status, \
                 location, key_id, nonce, body, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind::<Text, _>(&scope)
            .bind::<Text, _>(&p.idempotency_key)
            .bind::<Text, _>(&p.request_hash)
            .bind::<Integer, _>(201)
            .bind::<Nullable<Text>, _>(Some(format!("/v1/petitions/{}", p.public_id)))
            .bind::<Text, _>("26e13e77")
            .bind::<Binary, _>(&p.reply_nonce)
            .bind::<Binary, _>(&p.reply_body)
            .bind::<Timestamp, _>(now())
            .execute(c)?;
            Ok(())
        })();
        match outcome {
            Ok(()) => c.batch_execute("COMMIT"),
            Err(e) => {
                let _ = c.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    })
}

fn count(conn: &mut Conn, partner_id: i64) -> QueryResult<i64> {
    on_backend!(conn, |c| {
        Ok(
            sql("SELECT COUNT(*) AS n FROM petitions WHERE partner_id = ?")
                .bind::<BigInt, _>(partner_id)
                .get_result::<Count>(c)?
                .n,
        )
    })
}

struct Args {
    url: String,
    clients: usize,
    seconds: f64,
    count: Option<i64>,
}

fn parse_args() -> Args {
    let usage = "usage: cargo bench --bench raw_insert -- <database-url> [--clients N] \
                 [--seconds S] | <database-url> --count <partner-id>";
    let mut args = Args {
        url: String::new(),
        clients: 8,
        seconds: 10.0,
        count: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .unwrap_or_else(|| panic!("{name} needs a value; {usage}"))
        };
        match arg.as_str() {
            "--clients" => args.clients = value("--clients").parse().expect(usage),
            "--seconds" => args.seconds = value("--seconds").parse().expect(usage),
            "--count" => args.count = Some(value("--count").parse().expect(usage)),
            // `cargo bench` passes `--bench` to every bench target.
            "--bench" => {}
            url if !url.starts_with("--") && args.url.is_empty() => args.url = url.to_owned(),
            _ => panic!("{usage}"),
        }
    }
    if args.url.is_empty() || args.clients == 0 {
        panic!("{usage}");
    }
    args
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args();
    let mut first = Conn::open(&args.url)?;
    if let Some(partner_id) = args.count {
        println!("{}", count(&mut first, partner_id)?);
        return Ok(());
    }
    let setup = Arc::new(prepare(&mut first)?);
    let backend = match first {
        Conn::Sqlite(_) => "sqlite",
        Conn::Pg(_) => "postgres",
    };

    // Every client locks its connection for one transaction. On SQLite all clients share the
    // one writer, so they queue on its mutex as the service's requests queue on its writer
    // pool of one; on PostgreSQL each client has its own and the lock is never contended.
    let shared = matches!(first, Conn::Sqlite(_)).then(|| Arc::new(Mutex::new(first)));
    let connections: Vec<Arc<Mutex<Conn>>> = (0..args.clients)
        .map(|_| match &shared {
            Some(one) => Ok(one.clone()),
            None => Ok(Arc::new(Mutex::new(Conn::open(&args.url)?))),
        })
        .collect::<Result<_, Box<dyn Error>>>()?;

    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.seconds);
    let clients: Vec<_> = connections
        .into_iter()
        .map(|conn| {
            let (setup, done, failed) = (setup.clone(), done.clone(), failed.clone());
            std::thread::spawn(move || {
                while Instant::now() < deadline {
                    let petition = Petition::new();
                    let outcome = submit(&mut conn.lock().unwrap(), &setup, &petition);
                    match outcome {
                        Ok(()) => done.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            eprintln!("raw_insert: {e}");
                            failed.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("a client thread panicked");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let done = done.load(Ordering::Relaxed);
    println!(
        "raw_insert backend={backend} clients={} seconds={elapsed:.2} partner_id={} \
         petitions={done} errors={} petitions_per_sec={:.1}",
        args.clients,
        setup.partner_id,
        failed.load(Ordering::Relaxed),
        done as f64 / elapsed,
    );
    Ok(())
}
