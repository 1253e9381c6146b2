//! `Dialect`: which SQL backend a URL names, and the single `match` that picks sea-query's builders.

use std::fmt;
use std::str::FromStr;

use bulwark_core::AdapterError;
use sea_query::{
    MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, SchemaBuilder, SqliteQueryBuilder,
};

/// A SQL backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// `SQLite` (`sqlite:` URLs).
    Sqlite,
    /// `PostgreSQL` (`postgres:` and `postgresql:` URLs).
    Postgres,
    /// `MySQL` 8 or `MariaDB` (`mysql:` and `mariadb:` URLs), written to their common subset.
    Mysql,
}

impl Dialect {
    /// The dialect a database URL names by its scheme.
    pub fn from_url(url: &str) -> Result<Dialect, AdapterError> {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mysql" | "mariadb" => Ok(Self::Mysql),
            _ => Err(AdapterError::unsupported(
                "database url must start with sqlite:, postgres:, postgresql:, mysql: or mariadb:",
            )),
        }
    }

    /// The adapter id: `"sqlite"`, `"postgres"` or `"mysql"`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
            Self::Mysql => "mysql",
        }
    }

    /// sea-query's builder for queries in this dialect.
    pub(crate) fn query_builder(self) -> &'static dyn QueryBuilder {
        match self {
            Self::Sqlite => &SqliteQueryBuilder,
            Self::Postgres => &PostgresQueryBuilder,
            Self::Mysql => &MysqlQueryBuilder,
        }
    }

    /// sea-query's builder for DDL in this dialect.
    pub(crate) fn schema_builder(self) -> &'static dyn SchemaBuilder {
        match self {
            Self::Sqlite => &SqliteQueryBuilder,
            Self::Postgres => &PostgresQueryBuilder,
            Self::Mysql => &MysqlQueryBuilder,
        }
    }
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The error of parsing a [`Dialect`] name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown sql dialect (expected sqlite, postgres or mysql)")]
pub struct UnknownDialect;

impl FromStr for Dialect {
    type Err = UnknownDialect;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sqlite" => Ok(Self::Sqlite),
            "postgres" | "postgresql" => Ok(Self::Postgres),
            "mysql" | "mariadb" => Ok(Self::Mysql),
            _ => Err(UnknownDialect),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_dialect() {
        let check = |url: &str, expected: Option<Dialect>| {
            assert_eq!(Dialect::from_url(url).ok(), expected, "{url}");
        };
        check("sqlite::memory:", Some(Dialect::Sqlite));
        check("sqlite://data/app.db?mode=rwc", Some(Dialect::Sqlite));
        check("postgres://u@localhost/db", Some(Dialect::Postgres));
        check("postgresql://u@localhost/db", Some(Dialect::Postgres));
        check("mysql://root@127.0.0.1/test", Some(Dialect::Mysql));
        check("mariadb://root@127.0.0.1/test", Some(Dialect::Mysql));
        check("mssql://x", None);
        check("", None);
    }

    #[test]
    fn names_round_trip() {
        for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
            assert_eq!(dialect.to_string().parse::<Dialect>(), Ok(dialect));
        }
        assert_eq!("oracle".parse::<Dialect>(), Err(UnknownDialect));
    }
}
