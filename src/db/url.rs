//! Where the database is: `sqlite://PATH` (the embedded default) or `postgres://…`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file, created if missing. `sqlite://tiengdan.db` is relative to the working
    /// directory, `sqlite:///var/lib/tiengdan.db` absolute.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL, passed to libpq as given.
    Postgres(String),
}

#[derive(Debug, thiserror::Error)]
#[error("DATABASE_URL must start with sqlite:// or postgres:// (got {0:?})")]
pub struct UrlError(String);

impl FromStr for DatabaseUrl {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(path) = s.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(UrlError("sqlite:// without a file".into()));
            }
            Ok(Self::Sqlite(PathBuf::from(path)))
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(Self::Postgres(s.to_owned()))
        } else {
            // Only the scheme: the rest may hold a password.
            Err(UrlError(
                s.split("://").next().unwrap_or_default().to_owned(),
            ))
        }
    }
}

impl DatabaseUrl {
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Shows where the database is without its credentials, so that it can be logged.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) => {
                let rest = url.split_once("://").map_or("", |(_, rest)| rest);
                let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                let host = host.split('?').next().unwrap_or_default();
                write!(f, "postgres://{host}")
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_backends() {
        assert_eq!(
            "sqlite://tiengdan.db".parse::<DatabaseUrl>().unwrap(),
            DatabaseUrl::Sqlite("tiengdan.db".into())
        );
        assert_eq!(
            "sqlite:///var/lib/t.db".parse::<DatabaseUrl>().unwrap(),
            DatabaseUrl::Sqlite("/var/lib/t.db".into())
        );
        assert!(matches!(
            "postgresql://u:p@h/db".parse::<DatabaseUrl>().unwrap(),
            DatabaseUrl::Postgres(_)
        ));
        assert!("mysql://x".parse::<DatabaseUrl>().is_err());
        assert!("sqlite://".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn display_hides_credentials() {
        let url: DatabaseUrl = "postgres://tiengdan:s3cret@db.local:5432/td?sslmode=require"
            .parse()
            .unwrap();
        let shown = url.to_string();
        assert_eq!(shown, "postgres://db.local:5432/td");
        assert!(!format!("{url:?}").contains("s3cret"));
        let err = "mysql://root:s3cret@h".parse::<DatabaseUrl>().unwrap_err();
        assert!(!err.to_string().contains("s3cret"));
    }
}
