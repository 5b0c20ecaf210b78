//! Loads many petitions into one office, straight into the database, so that
//! `benches/inbox.sh` can measure an office's inbox at scale (docs/PERFORMANCE.md).
//!
//! ```sh
//! cargo bench --bench seed_inbox -- <database-url> <count> <office-id>
//! ```
//!
//! The database must be one the service has migrated and seeded (`tiengdan migrate`), and the
//! office a commune's People's Committee (office 35 is Phường Ba Đình's, commune 00004). The
//! loader adds one partner of its own, then inserts `count` petitions in multi-row `INSERT`s of
//! 1,000 rows, 50,000 rows per transaction, and prints how long that took.
//!
//! The rows look like the service's (src/db/petitions.rs), with values spread the way a busy
//! commune's year would spread them (a fixed pseudo-random sequence, so runs are alike):
//!
//! - kind: 40 % feedback, 30 % recommendations, 20 % complaints, 10 % denunciations; all ten
//!   categories; 90 % through the partner, 10 % handed in at the desk (no partner);
//! - status: 35 % `received`, 45 % `accepted`, 12 % `answered`, 8 % `closed`;
//! - `received_at` uniform over the last 365 days;
//! - `next_due_at`: open petitions (`received`, `accepted`) uniform from 30 days ago to 60
//!   days ahead, so about a third of them are overdue (never before `received_at`);
//!   answered and closed ones have none (NULL);
//! - a unique `public_id` (UUID v4), a valid unique tracking code, a 64-hex receipt hash, the
//!   `default` routing rule and its reason, a short Vietnamese title and description.
//!
//! Only `petitions` rows are written: no `petition_clocks`, `events`, identities or
//! attachments. The inbox reads `petitions.next_due_at` (kept by the service as the nearest
//! running clock) and never the clocks, so its queries see what they would see in production;
//! a petition's detail view would show no deadlines for these rows.
//!
//! On PostgreSQL the loader ends with `VACUUM ANALYZE petitions`, as autovacuum would within a
//! minute or so of such a load (statistics for the planner, the visibility map for index-only
//! scans); on SQLite it does not, since the service never runs `ANALYZE` there.

use std::error::Error;
use std::fmt::Write as _;
use std::time::Instant;

use chrono::{Duration, NaiveDateTime, SubsecRound, Utc};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};
use diesel::{PgConnection, QueryableByName, SqliteConnection};
use tiengdan::domain::tracking::{RANDOM_SYMBOLS, TrackingCode};

#[path = "common/spread.rs"]
mod spread;
use spread::Spread;
use tiengdan::domain::category::DEFAULT_CATEGORIES;

const ROWS_PER_INSERT: usize = 1_000;
const ROWS_PER_TRANSACTION: usize = 50_000;

const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000;
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;";

const KINDS: [(&str, u64); 4] = [
    ("feedback", 40),
    ("recommendation", 30),
    ("complaint", 20),
    ("denunciation", 10),
];
const STATUSES: [(&str, u64); 4] = [
    ("received", 35),
    ("accepted", 45),
    ("answered", 12),
    ("closed", 8),
];
const TEXTS: [(&str, &str); 8] = [
    (
        "Rác thải tồn đọng ở ngõ 5",
        "Rác để nhiều ngày chưa được thu gom, bốc mùi ảnh hưởng các hộ dân trong ngõ.",
    ),
    (
        "Đèn đường hỏng trên phố Đội Cấn",
        "Ba cột đèn liên tiếp không sáng từ tuần trước, đi lại buổi tối rất nguy hiểm.",
    ),
    (
        "Xây dựng lấn chiếm vỉa hè",
        "Hộ kinh doanh ở số 12 dựng mái che và bục bê tông lấn ra vỉa hè.",
    ),
    (
        "Tiếng ồn karaoke sau 22 giờ",
        "Quán karaoke mở nhạc to đến nửa đêm, nhiều lần nhắc nhở không chấp hành.",
    ),
    (
        "Chậm giải quyết hồ sơ cấp sổ đỏ",
        "Hồ sơ nộp đã quá hạn hẹn trả kết quả hai tháng mà chưa có trả lời.",
    ),
    (
        "Đề nghị sửa ống thoát nước",
        "Cống thoát nước bị tắc, mỗi khi mưa to nước tràn vào nhà dân.",
    ),
    (
        "Thái độ cán bộ tiếp dân",
        "Cán bộ một cửa trả lời thiếu tôn trọng và yêu cầu bổ sung giấy tờ không cần thiết.",
    ),
    (
        "Hỗ trợ hộ nghèo chưa đúng đối tượng",
        "Danh sách hỗ trợ có hộ không thuộc diện nghèo, đề nghị rà soát lại.",
    ),
];

enum Conn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Runs the same code on either concrete connection: `sql_query` loads are typed per
/// backend, so the body is compiled once for each.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c) => $body,
            Conn::Pg($c) => $body,
        }
    };
}

impl Conn {
    fn open(url: &str) -> Result<Self, Box<dyn Error>> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let mut c = SqliteConnection::establish(path)?;
            c.batch_execute(SQLITE_PRAGMAS)?;
            Ok(Conn::Sqlite(c))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut c = PgConnection::establish(url)?;
            c.batch_execute("SET TIME ZONE 'UTC'")?;
            Ok(Conn::Pg(c))
        } else {
            Err(format!("not a sqlite:// or postgres:// URL: {url}").into())
        }
    }

    fn execute(&mut self, sql: &str) -> Result<(), Box<dyn Error>> {
        on_backend!(self, |c| c.batch_execute(sql))?;
        Ok(())
    }

    fn begin(&mut self) -> Result<(), Box<dyn Error>> {
        match self {
            Conn::Sqlite(_) => self.execute("BEGIN IMMEDIATE"),
            Conn::Pg(_) => self.execute("BEGIN"),
        }
    }
}

#[derive(QueryableByName)]
struct Office {
    #[diesel(sql_type = Nullable<Text>)]
    commune_code: Option<String>,
    #[diesel(sql_type = Text)]
    province_code: String,
}

#[derive(QueryableByName)]
struct Rule {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    reason: String,
}

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// As diesel writes a timestamp on SQLite (`%F %T%.f`), so that text comparisons with the
/// service's bound values order correctly; PostgreSQL reads the same literal.
fn timestamp(at: NaiveDateTime) -> String {
    quote(&at.format("%F %T%.f").to_string())
}

/// A valid tracking code, unique within this load: the symbols spell `base + n` in base 32.
fn tracking_code(base: u64, n: u64) -> String {
    let mut value = base.wrapping_add(n);
    let mut symbols = [0u8; RANDOM_SYMBOLS];
    for s in symbols.iter_mut().rev() {
        *s = (value & 31) as u8;
        value >>= 5;
    }
    TrackingCode::from_random(symbols).as_str().to_owned()
}

fn main() -> Result<(), Box<dyn Error>> {
    // `cargo bench` passes `--bench` to harness-less benches; skip flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let [url, count, office_id] = args.as_slice() else {
        eprintln!("usage: cargo bench --bench seed_inbox -- <database-url> <count> <office-id>");
        std::process::exit(2);
    };
    let count: usize = count.parse()?;
    let office_id: i64 = office_id.parse()?;
    let mut conn = Conn::open(url)?;

    let office: Office = on_backend!(&mut conn, |c| diesel::sql_query(
        "SELECT commune_code, province_code FROM offices WHERE id = $1"
    )
    .bind::<BigInt, _>(office_id)
    .get_result(c))?;
    let commune = office
        .commune_code
        .ok_or("the office must be a commune's People's Committee")?;
    let rule: Rule = on_backend!(&mut conn, |c| diesel::sql_query(
        "SELECT id, reason FROM routing_rules WHERE code = 'default'"
    )
    .get_result(c))?;

    let started = Instant::now();
    let now = Utc::now().naive_utc().trunc_subsecs(0);
    let run = uuid::Uuid::new_v4();
    let partner: Id = on_backend!(&mut conn, |c| diesel::sql_query(
        "INSERT INTO partners (name, key_prefix, key_hash, created_at) \
         VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind::<Text, _>("Ứng dụng phản ánh (seed_inbox bench)")
    .bind::<Text, _>(format!("seed{}", &run.simple().to_string()[..8]))
    .bind::<Text, _>(format!("{}{}", run.simple(), uuid::Uuid::new_v4().simple()))
    .bind::<diesel::sql_types::Timestamp, _>(now)
    .get_result(c))?;

    // Tracking codes: a random start in the 45-bit space, then consecutive values.
    let code_base = run.as_u64_pair().0 & ((1 << 45) - 1);
    let mut spread = Spread(0x5EED_1B0C_0000_0000 ^ office_id as u64);
    let year = Duration::days(365).num_seconds() as u64;
    let mut sql = String::new();
    let mut loaded = 0;
    while loaded < count {
        conn.begin()?;
        let end = count.min(loaded + ROWS_PER_TRANSACTION);
        while loaded < end {
            let rows = ROWS_PER_INSERT.min(end - loaded);
            sql.clear();
            sql.push_str(
                "INSERT INTO petitions (public_id, tracking_code, receipt_secret_hash, \
                 partner_id, channel, kind, filed_kind, category_code, commune_code, \
                 province_code, office_id, routing_rule_id, routing_reason, status, title, \
                 description, late_filing, is_public, anonymous, received_at, updated_at, \
                 next_due_at, complexity) VALUES\n",
            );
            for r in 0..rows {
                let n = (loaded + r) as u64;
                let kind = spread.weighted(&KINDS);
                let status = spread.weighted(&STATUSES);
                let category =
                    DEFAULT_CATEGORIES[spread.below(DEFAULT_CATEGORIES.len() as u64) as usize].0;
                let (title, description) = TEXTS[spread.below(TEXTS.len() as u64) as usize];
                let in_person = spread.below(10) == 0;
                let received_at = now - Duration::seconds(spread.below(year) as i64);
                let open = matches!(status, "received" | "accepted");
                // From 30 days ago to 60 days ahead, and after receipt.
                let next_due_at = open.then(|| {
                    let due = now - Duration::days(30)
                        + Duration::seconds(spread.below(90 * 86_400) as i64);
                    due.max(received_at + Duration::days(1))
                });
                let updated_at = match next_due_at {
                    Some(_) if status == "received" => received_at,
                    _ => {
                        received_at
                            + Duration::seconds(
                                spread.below((now - received_at).num_seconds() as u64 + 1) as i64,
                            )
                    }
                };
                let complexity = if status == "received" {
                    "NULL"
                } else {
                    "'normal'"
                };
                if r > 0 {
                    sql.push_str(",\n");
                }
                let receipt_hash = format!(
                    "{}{}",
                    uuid::Uuid::new_v4().simple(),
                    uuid::Uuid::new_v4().simple()
                );
                write!(
                    sql,
                    "('{public_id}', '{tracking}', '{receipt_hash}', {partner_id}, '{channel}', \
                     '{kind}', '{kind}', '{category}', {commune}, {province}, {office_id}, \
                     {rule_id}, {reason}, '{status}', {title}, {description}, FALSE, FALSE, \
                     FALSE, {received_at}, {updated_at}, {next_due_at}, {complexity})",
                    public_id = uuid::Uuid::new_v4(),
                    tracking = tracking_code(code_base, n),
                    partner_id = if in_person {
                        "NULL".to_owned()
                    } else {
                        partner.id.to_string()
                    },
                    channel = if in_person { "in_person" } else { "partner" },
                    commune = quote(&commune),
                    province = quote(&office.province_code),
                    rule_id = rule.id,
                    reason = quote(&rule.reason),
                    title = quote(title),
                    description = quote(&format!("{description} (#{})", n + 1)),
                    received_at = timestamp(received_at),
                    updated_at = timestamp(updated_at),
                    next_due_at = next_due_at.map_or_else(|| "NULL".to_owned(), timestamp),
                )?;
            }
            conn.execute(&sql)?;
            loaded += rows;
        }
        conn.execute("COMMIT")?;
    }
    // The service keeps per-office status counters in the transactions that change a status;
    // rows written behind its back must be counted here, as the migration does.
    conn.execute(&format!(
        "DELETE FROM office_status_counts WHERE office_id = {office_id}; \
         INSERT INTO office_status_counts (office_id, status, petitions) \
         SELECT office_id, status, COUNT(*) FROM petitions WHERE office_id = {office_id} \
         GROUP BY office_id, status"
    ))?;
    let inserted = started.elapsed();
    let analyze = if let Conn::Pg(_) = conn {
        let at = Instant::now();
        conn.execute("VACUUM ANALYZE petitions")?;
        format!(
            ", then VACUUM ANALYZE petitions in {:.2} s",
            at.elapsed().as_secs_f64()
        )
    } else {
        String::new()
    };
    println!(
        "seeded {count} petitions into office {office_id} (commune {commune}, partner {}) in \
         {:.2} s ({:.0} rows/s){analyze}",
        partner.id,
        inserted.as_secs_f64(),
        count as f64 / inserted.as_secs_f64(),
    );
    Ok(())
}
