//! DDL from a `Schema`, and additive migrations: create missing tables, columns and indexes, never drop.
//!
//! The catalog queries below are fixed SQL text per dialect (sea-query cannot express `PRAGMA` table
//! functions or `pg_index` arrays); table names are bound, never interpolated.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use bulwark_core::AdapterError;
use bulwark_core::schema::{FieldDef, FieldType, ModelDef, OnDelete, Schema};
use sea_query::{
    Alias, ColumnDef, Expr, ForeignKey, ForeignKeyAction, ForeignKeyCreateStatement, Func, Index,
    Table,
};

use crate::condition::lower_column;
use crate::conn::Conn;
use crate::dialect::Dialect;
use crate::mysql::COLLATION;

/// What [`SqlAdapter::migrate`](crate::SqlAdapter::migrate) executed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationReport {
    /// The statements, in execution order; empty when the database was up to date.
    pub statements: Vec<String>,
}

/// Full `CREATE` statements for a fresh database, referenced tables first.
pub fn generate_ddl(dialect: Dialect, schema: &Schema) -> Vec<String> {
    ordered(schema)
        .into_iter()
        .flat_map(|model| create_table(dialect, schema, model))
        .collect()
}

/// Brings the database up to `schema` additively and reports what ran.
pub(crate) async fn migrate(
    conn: &mut Conn<'_>,
    schema: &Schema,
) -> Result<MigrationReport, AdapterError> {
    let dialect = conn.dialect();
    let tables: HashSet<String> = catalog_names(conn, tables_sql(dialect), None).await?;
    let mut statements = Vec::new();
    for model in ordered(schema) {
        if !tables.contains(&model.table) {
            statements.extend(create_table(dialect, schema, model));
            continue;
        }
        let columns = catalog_names(conn, columns_sql(dialect), Some(&model.table)).await?;
        for field in &model.fields {
            if !columns.contains(&field.column) {
                statements.extend(add_column(dialect, schema, model, field));
            }
            if dialect == Dialect::Mysql
                && field.case_insensitive
                && !columns.contains(&lower_column(field))
            {
                let mut alter = Table::alter();
                alter
                    .table(Alias::new(&model.table))
                    .add_column(lower_column_def(field));
                statements.push(alter.build_any(dialect.schema_builder()));
            }
        }
        let existing = existing_indexes(conn, &model.table).await?;
        for index in wanted_indexes(dialect, model) {
            if !index.is_covered_by(&existing) {
                statements.push(index.statement(dialect, model));
            }
        }
    }
    for sql in &statements {
        tracing::info!(statement = %sql, "migrating");
        conn.execute_ddl(sql).await?;
    }
    Ok(MigrationReport { statements })
}

/// Models with referenced tables before referencing ones (schema order otherwise; cycles keep it).
fn ordered(schema: &Schema) -> Vec<&ModelDef> {
    let models = schema.models();
    let mut placed: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(models.len());
    while out.len() < models.len() {
        let before = out.len();
        for model in models {
            if placed.contains(model.name.as_str()) {
                continue;
            }
            let ready = model
                .fields
                .iter()
                .filter_map(|f| f.references.as_ref())
                .all(|r| {
                    r.model == model.name
                        || placed.contains(r.model.as_str())
                        || schema.model(&r.model).is_none()
                });
            if ready {
                placed.insert(&model.name);
                out.push(model);
            }
        }
        if out.len() == before {
            // A reference cycle: place the rest in schema order.
            out.extend(models.iter().filter(|m| !placed.contains(m.name.as_str())));
            break;
        }
    }
    out
}

/// Whether a string column must have a bounded type on `MySQL` (keys, indexes, references).
fn is_key(schema: &Schema, model: &ModelDef, field: &FieldDef) -> bool {
    field.primary_key
        || field.unique
        || field.index
        || field.case_insensitive
        || field.references.is_some()
        || model.indexes.iter().any(|i| i.fields.contains(&field.name))
        || schema.models().iter().any(|m| {
            m.fields.iter().any(|f| {
                f.references
                    .as_ref()
                    .is_some_and(|r| r.model == model.name && r.field == field.name)
            })
        })
}

fn sql_type(dialect: Dialect, schema: &Schema, model: &ModelDef, field: &FieldDef) -> &'static str {
    match (field.ty, dialect) {
        (FieldType::String, Dialect::Mysql) if is_key(schema, model, field) => "VARCHAR(255)",
        (FieldType::Number | FieldType::Boolean, Dialect::Sqlite) => "INTEGER",
        (FieldType::Number, _) => "BIGINT",
        (FieldType::Float, Dialect::Sqlite) => "REAL",
        (FieldType::Float, Dialect::Postgres) => "DOUBLE PRECISION",
        (FieldType::Float, Dialect::Mysql) => "DOUBLE",
        (FieldType::Boolean, Dialect::Postgres) => "BOOLEAN",
        (FieldType::Boolean, Dialect::Mysql) => "TINYINT(1)",
        (FieldType::Date, Dialect::Postgres) => "TIMESTAMPTZ(3)",
        (FieldType::Date, Dialect::Mysql) => "DATETIME(3)",
        (FieldType::Json | FieldType::StringList | FieldType::NumberList, Dialect::Postgres) => {
            "JSONB"
        }
        (FieldType::Json | FieldType::StringList | FieldType::NumberList, Dialect::Mysql) => "JSON",
        _ => "TEXT",
    }
}

fn column_def(dialect: Dialect, schema: &Schema, model: &ModelDef, field: &FieldDef) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(&field.column));
    def.custom(Alias::new(sql_type(dialect, schema, model, field)));
    if field.required || field.primary_key {
        def.not_null();
    }
    if field.primary_key {
        def.primary_key();
    }
    def
}

/// `MySQL`'s stand-in for an expression index: a virtual column holding the lower-cased value.
fn lower_column_def(field: &FieldDef) -> ColumnDef {
    let mut def = ColumnDef::new(Alias::new(lower_column(field)));
    def.custom(Alias::new("VARCHAR(255)"))
        .generated(Func::lower(Expr::col(Alias::new(&field.column))), false);
    def
}

fn action(on_delete: OnDelete) -> ForeignKeyAction {
    match on_delete {
        OnDelete::Cascade => ForeignKeyAction::Cascade,
        OnDelete::SetNull => ForeignKeyAction::SetNull,
        OnDelete::Restrict => ForeignKeyAction::Restrict,
        OnDelete::NoAction => ForeignKeyAction::NoAction,
    }
}

/// The foreign key of `field`, if it has one whose target exists.
fn foreign_key(
    schema: &Schema,
    model: &ModelDef,
    field: &FieldDef,
) -> Option<ForeignKeyCreateStatement> {
    let reference = field.references.as_ref()?;
    let target = schema.model(&reference.model)?;
    let target_field = target.get(&reference.field)?;
    let mut fk = ForeignKey::create();
    fk.name(object_name(&[&model.table, &field.column, "fkey"]))
        .from(Alias::new(&model.table), Alias::new(&field.column))
        .to(Alias::new(&target.table), Alias::new(&target_field.column))
        .on_delete(action(reference.on_delete));
    Some(fk)
}

fn create_table(dialect: Dialect, schema: &Schema, model: &ModelDef) -> Vec<String> {
    let mut table = Table::create();
    table.table(Alias::new(&model.table));
    for field in &model.fields {
        table.col(column_def(dialect, schema, model, field));
    }
    if dialect == Dialect::Mysql {
        for field in model.fields.iter().filter(|f| f.case_insensitive) {
            table.col(lower_column_def(field));
        }
        table
            .engine("InnoDB")
            .character_set("utf8mb4")
            .collate(COLLATION);
    }
    for field in &model.fields {
        if let Some(mut fk) = foreign_key(schema, model, field) {
            table.foreign_key(&mut fk);
        }
    }
    let builder = dialect.schema_builder();
    let mut out = vec![table.build_any(builder)];
    for index in wanted_indexes(dialect, model) {
        out.push(index.statement(dialect, model));
    }
    out
}

/// `ALTER TABLE ... ADD COLUMN` for a field missing from an existing table (always nullable: existing
/// rows have no value), plus its foreign key and `MySQL` lower-cased column.
fn add_column(
    dialect: Dialect,
    schema: &Schema,
    model: &ModelDef,
    field: &FieldDef,
) -> Vec<String> {
    let builder = dialect.schema_builder();
    let mut def = ColumnDef::new(Alias::new(&field.column));
    def.custom(Alias::new(sql_type(dialect, schema, model, field)));
    let fk = foreign_key(schema, model, field);
    let mut out = Vec::new();
    if dialect == Dialect::Sqlite {
        // SQLite cannot add a constraint to an existing table, only a column that carries one.
        if let (Some(reference), Some(target)) = (
            field.references.as_ref(),
            field
                .references
                .as_ref()
                .and_then(|r| schema.model(&r.model)),
        ) && let Some(target_field) = target.get(&reference.field)
        {
            let on_delete = match reference.on_delete {
                OnDelete::Cascade => "CASCADE",
                OnDelete::SetNull => "SET NULL",
                OnDelete::Restrict => "RESTRICT",
                OnDelete::NoAction => "NO ACTION",
            };
            def.extra(format!(
                "REFERENCES {} ({}) ON DELETE {on_delete}",
                quote(&target.table),
                quote(&target_field.column)
            ));
        }
    }
    let mut alter = Table::alter();
    alter.table(Alias::new(&model.table)).add_column(def);
    out.push(alter.build_any(builder));
    if dialect != Dialect::Sqlite
        && let Some(fk) = fk
    {
        out.push(fk.build_any(builder));
    }
    out
}

/// A double-quoted `SQLite` identifier.
fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// A name for a constraint or index: the parts joined by `_`, shortened with a hash to fit the 63-byte
/// identifier limit of `PostgreSQL` (`MySQL` allows 64).
fn object_name(parts: &[&str]) -> String {
    let name = parts.join("_");
    if name.len() <= 63 {
        return name;
    }
    // FNV-1a: stable across runs and platforms, unlike std's hasher.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = 54;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut short = name.get(..cut).unwrap_or_default().to_owned();
    let _ = write!(short, "_{:08x}", hash & 0xffff_ffff);
    short
}

/// One part of an index.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    /// A plain column.
    Column(String),
    /// `lower(column)`.
    Lower(String),
}

/// An index the schema asks for.
#[derive(Clone, Debug)]
struct WantedIndex {
    name: String,
    parts: Vec<Part>,
    unique: bool,
}

/// An index found in the database: its name, its columns (`None` for expressions), and uniqueness.
#[derive(Clone, Debug)]
struct ExistingIndex {
    name: String,
    columns: Vec<Option<String>>,
    unique: bool,
}

impl WantedIndex {
    fn statement(&self, dialect: Dialect, model: &ModelDef) -> String {
        let has_expression = self.parts.iter().any(|p| matches!(p, Part::Lower(_)));
        if dialect == Dialect::Sqlite && has_expression {
            // sea-query cannot write expression indexes for SQLite.
            let parts: Vec<String> = self
                .parts
                .iter()
                .map(|p| match p {
                    Part::Column(c) => quote(c),
                    Part::Lower(c) => format!("lower({})", quote(c)),
                })
                .collect();
            let unique = if self.unique { "UNIQUE " } else { "" };
            return format!(
                "CREATE {unique}INDEX {} ON {} ({})",
                quote(&self.name),
                quote(&model.table),
                parts.join(", ")
            );
        }
        let mut index = Index::create();
        index.name(&self.name).table(Alias::new(&model.table));
        for part in &self.parts {
            match part {
                Part::Column(c) => index.col(Alias::new(c)),
                Part::Lower(c) => index.col(Func::lower(Expr::col(Alias::new(c)))),
            };
        }
        if self.unique {
            index.unique();
        }
        index.build_any(dialect.schema_builder())
    }

    /// Whether an existing index (by name, or by columns, whatever created it) already does the job.
    fn is_covered_by(&self, existing: &[ExistingIndex]) -> bool {
        let columns: Option<Vec<&str>> = self
            .parts
            .iter()
            .map(|p| match p {
                Part::Column(c) => Some(c.as_str()),
                Part::Lower(_) => None,
            })
            .collect();
        existing.iter().any(|e| {
            if e.name == self.name {
                return true;
            }
            let Some(columns) = &columns else {
                return false;
            };
            let have: Vec<Option<&str>> = e.columns.iter().map(Option::as_deref).collect();
            let want: Vec<Option<&str>> = columns.iter().map(|c| Some(*c)).collect();
            if self.unique {
                e.unique && have == want
            } else {
                have.starts_with(&want)
            }
        })
    }
}

/// Every index `model` needs besides its primary key.
fn wanted_indexes(dialect: Dialect, model: &ModelDef) -> Vec<WantedIndex> {
    let mut out = Vec::new();
    for field in model.fields.iter().filter(|f| !f.primary_key) {
        if field.unique {
            out.push(WantedIndex {
                name: object_name(&[&model.table, &field.column, "key"]),
                parts: vec![Part::Column(field.column.clone())],
                unique: true,
            });
        } else if field.index {
            out.push(WantedIndex {
                name: object_name(&[&model.table, &field.column, "idx"]),
                parts: vec![Part::Column(field.column.clone())],
                unique: false,
            });
        }
        if field.case_insensitive {
            let part = match dialect {
                Dialect::Mysql => Part::Column(lower_column(field)),
                Dialect::Sqlite | Dialect::Postgres => Part::Lower(field.column.clone()),
            };
            out.push(WantedIndex {
                name: object_name(&[&model.table, &field.column, "lower_idx"]),
                parts: vec![part],
                unique: false,
            });
        }
    }
    for index in &model.indexes {
        let parts = index
            .fields
            .iter()
            .map(|name| {
                Part::Column(
                    model
                        .get(name)
                        .map_or_else(|| name.clone(), |f| f.column.clone()),
                )
            })
            .collect();
        out.push(WantedIndex {
            name: index.name.clone(),
            parts,
            unique: index.unique,
        });
    }
    out
}

fn tables_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        Dialect::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()"
        }
        Dialect::Mysql => {
            "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        }
    }
}

fn columns_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SELECT name FROM pragma_table_xinfo(?1)",
        Dialect::Postgres => {
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1"
        }
        Dialect::Mysql => {
            "SELECT CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"
        }
    }
}

fn indexes_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "SELECT il.name, CAST(il.\"unique\" AS TEXT), ii.name \
             FROM pragma_index_list(?1) AS il, pragma_index_info(il.name) AS ii \
             ORDER BY il.name, ii.seqno"
        }
        Dialect::Postgres => {
            "SELECT ic.relname::text, CASE WHEN ix.indisunique THEN '1' ELSE '0' END, a.attname::text \
             FROM pg_index ix \
             JOIN pg_class ic ON ic.oid = ix.indexrelid \
             JOIN pg_class tc ON tc.oid = ix.indrelid \
             JOIN pg_namespace n ON n.oid = tc.relnamespace \
             CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_attribute a ON a.attrelid = tc.oid AND a.attnum = k.attnum AND k.attnum > 0 \
             WHERE n.nspname = current_schema() AND tc.relname = $1 \
             ORDER BY ic.relname, k.ord"
        }
        Dialect::Mysql => {
            "SELECT CAST(INDEX_NAME AS CHAR), CASE WHEN NON_UNIQUE = 0 THEN '1' ELSE '0' END, \
             CAST(COLUMN_NAME AS CHAR) \
             FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? \
             ORDER BY INDEX_NAME, SEQ_IN_INDEX"
        }
    }
}

async fn catalog_names(
    conn: &mut Conn<'_>,
    sql: &str,
    table: Option<&str>,
) -> Result<HashSet<String>, AdapterError> {
    let rows = conn.catalog(sql, table, 1).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect())
}

async fn existing_indexes(
    conn: &mut Conn<'_>,
    table: &str,
) -> Result<Vec<ExistingIndex>, AdapterError> {
    let rows = conn
        .catalog(indexes_sql(conn.dialect()), Some(table), 3)
        .await?;
    let mut order = Vec::new();
    let mut by_name: HashMap<String, ExistingIndex> = HashMap::new();
    for row in rows {
        let mut cells = row.into_iter();
        let (Some(Some(name)), Some(unique), Some(column)) =
            (cells.next(), cells.next(), cells.next())
        else {
            continue;
        };
        let entry = by_name.entry(name.clone()).or_insert_with(|| {
            order.push(name.clone());
            ExistingIndex {
                name,
                columns: Vec::new(),
                unique: unique.as_deref() == Some("1"),
            }
        });
        entry.columns.push(column);
    }
    Ok(order
        .into_iter()
        .filter_map(|n| by_name.remove(&n))
        .collect())
}

#[cfg(test)]
mod tests;
