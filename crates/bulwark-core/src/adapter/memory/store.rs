//! The in-memory tables and every operation on them, with the schema's constraints enforced.
//!
//! Each write validates first and changes the tables only when every check passed, so a failed write
//! leaves no trace.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::eval;
use crate::adapter::{
    AdapterError, AdapterErrorKind, Create, Find, FindMany, Increment, Row, Update, Value, Where,
};
use crate::clock::truncate_to_millis;
use crate::schema::{FieldDef, FieldType, ModelDef, OnDelete, Reference, Schema};

/// A primary-key value, ordered like the rows of a table.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Key {
    Int(i64),
    Str(String),
}

/// One table: rows by primary key. Every stored row holds every field of its model.
type Table = BTreeMap<Key, Row>;

/// Every table, by logical model name.
#[derive(Clone, Debug, Default)]
pub(super) struct Store {
    tables: HashMap<String, Table>,
}

/// Whether an operation affects the first matching row or all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Limit {
    One,
    All,
}

impl Store {
    /// The rows of `model` in primary-key order.
    pub(super) fn rows(&self, model: &str) -> impl Iterator<Item = &Row> {
        self.tables
            .get(model)
            .into_iter()
            .flat_map(BTreeMap::values)
    }

    fn entries(&self, model: &str) -> impl Iterator<Item = (&Key, &Row)> {
        self.tables.get(model).into_iter().flatten()
    }
}

/// The model named `name`, or `Unsupported`.
pub(super) fn model<'s>(schema: &'s Schema, name: &str) -> Result<&'s ModelDef, AdapterError> {
    schema
        .model(name)
        .ok_or_else(|| AdapterError::unsupported(format!("unknown model `{name}`")))
}

/// A row count as `u64`.
pub(super) fn len(rows: &[Row]) -> u64 {
    u64::try_from(rows.len()).unwrap_or(u64::MAX)
}

pub(super) fn find_one(store: &Store, q: Find<'_>) -> Result<Option<Row>, AdapterError> {
    let model = model(q.schema, q.model)?;
    eval::check_filter(q.schema, model, q.filter)?;
    Ok(store
        .rows(q.model)
        .find(|row| eval::matches(store, q.schema, row, q.filter))
        .cloned())
}

pub(super) fn find_many(store: &Store, q: FindMany<'_>) -> Result<Vec<Row>, AdapterError> {
    let model = model(q.schema, q.model)?;
    eval::check_filter(q.schema, model, q.filter)?;
    eval::check_sort(model, q.sort)?;
    let mut rows: Vec<&Row> = store
        .rows(q.model)
        .filter(|row| eval::matches(store, q.schema, row, q.filter))
        .collect();
    // A stable sort keeps primary-key order among equal keys: the final tie-breaker.
    rows.sort_by(|a, b| eval::compare_rows(a, b, q.sort));
    let offset = q
        .offset
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let limit = q
        .limit
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    Ok(rows.into_iter().skip(offset).take(limit).cloned().collect())
}

pub(super) fn count(store: &Store, q: Find<'_>) -> Result<u64, AdapterError> {
    let model = model(q.schema, q.model)?;
    eval::check_filter(q.schema, model, q.filter)?;
    let n = store
        .rows(q.model)
        .filter(|row| eval::matches(store, q.schema, row, q.filter))
        .count();
    Ok(u64::try_from(n).unwrap_or(u64::MAX))
}

pub(super) fn create(store: &mut Store, q: Create<'_>) -> Result<Row, AdapterError> {
    let model = model(q.schema, q.model)?;
    let mut row = Row::new();
    for def in &model.fields {
        row.set(def.name.clone(), Value::Null);
    }
    for (name, value) in q.data {
        let def = eval::field(model, &name)?;
        row.set(name, coerce(model, def, value)?);
    }
    check_required(model, &row)?;
    let key = key_of(model, &row)?;
    let table = store.tables.get(q.model);
    if table.is_some_and(|t| t.contains_key(&key)) {
        return Err(unique_violation(model, &model.primary_key().name));
    }
    let empty = Table::new();
    check_row(store, model, table.unwrap_or(&empty), &key, &row)?;
    store
        .tables
        .entry(q.model.to_owned())
        .or_default()
        .insert(key, row.clone());
    Ok(row)
}

pub(super) fn update(
    store: &mut Store,
    q: Update<'_>,
    limit: Limit,
) -> Result<Vec<Row>, AdapterError> {
    let model = model(q.schema, q.model)?;
    eval::check_filter(q.schema, model, q.filter)?;
    let mut data = Row::new();
    for (name, value) in q.data {
        let def = eval::field(model, &name)?;
        data.set(name, coerce(model, def, value)?);
    }
    let changes: Vec<(Key, Row)> = matching(store, q.schema, model, q.filter, limit)
        .into_iter()
        .map(|(key, mut row)| {
            row.merge(data.clone());
            (key, row)
        })
        .collect();
    apply_changes(store, q.schema, model, changes)
}

pub(super) fn increment(store: &mut Store, q: Increment<'_>) -> Result<Option<Row>, AdapterError> {
    let model = model(q.schema, q.model)?;
    eval::check_filter(q.schema, model, q.filter)?;
    let def = eval::field(model, q.field)?;
    if def.ty != FieldType::Number {
        return Err(AdapterError::unsupported(format!(
            "cannot increment field `{}` of model `{}`: it is not a number",
            def.name, model.name
        )));
    }
    let mut set = Row::new();
    for (name, value) in q.set {
        let def = eval::field(model, &name)?;
        set.set(name, coerce(model, def, value)?);
    }
    let Some((key, mut row)) = matching(store, q.schema, model, q.filter, Limit::One)
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let next = match row.get(q.field) {
        Some(Value::Int(n)) => Value::Int(n.checked_add(q.by).ok_or_else(|| {
            AdapterError::new(
                AdapterErrorKind::ConstraintViolation,
                format!("incrementing field `{}` overflows", def.name),
            )
        })?),
        // `NULL + n` is `NULL` in SQL.
        _ => Value::Null,
    };
    row.set(q.field, next);
    row.merge(set);
    let mut rows = apply_changes(store, q.schema, model, vec![(key, row)])?;
    Ok(rows.pop())
}

pub(super) fn delete(
    store: &mut Store,
    q: Find<'_>,
    limit: Limit,
) -> Result<Vec<Row>, AdapterError> {
    let model = model(q.schema, q.model)?;
    eval::check_filter(q.schema, model, q.filter)?;
    let targets = matching(store, q.schema, model, q.filter, limit);
    // Rows to remove (the targets plus cascades), fields to null, and rows that forbid the delete.
    let mut deleted: BTreeSet<(String, Key)> = targets
        .iter()
        .map(|(key, _)| (model.name.clone(), key.clone()))
        .collect();
    let mut queue: Vec<(String, Key)> = deleted.iter().cloned().collect();
    let mut nulled: Vec<(String, Key, String)> = Vec::new();
    let mut restricting: Vec<(String, Key)> = Vec::new();
    while let Some((parent_model, parent_key)) = queue.pop() {
        let Some(parent) = store
            .tables
            .get(&parent_model)
            .and_then(|t| t.get(&parent_key))
        else {
            continue;
        };
        for (child, def, reference) in referencing(q.schema, &parent_model) {
            let target = parent.get(&reference.field).unwrap_or(&Value::Null);
            if target.is_null() {
                continue;
            }
            for (child_key, child_row) in store.entries(&child.name) {
                if child_row.get(&def.name) != Some(target) {
                    continue;
                }
                let id = (child.name.clone(), child_key.clone());
                match reference.on_delete {
                    OnDelete::Cascade => {
                        if deleted.insert(id.clone()) {
                            queue.push(id);
                        }
                    }
                    OnDelete::SetNull => {
                        if def.required {
                            return Err(required_violation(child, def));
                        }
                        nulled.push((id.0, id.1, def.name.clone()));
                    }
                    OnDelete::Restrict | OnDelete::NoAction => restricting.push(id),
                }
            }
        }
    }
    if let Some((child, _)) = restricting.iter().find(|id| !deleted.contains(*id)) {
        return Err(AdapterError::new(
            AdapterErrorKind::ForeignKeyViolation,
            format!(
                "rows of model `{child}` still reference the deleted `{}`",
                model.name
            ),
        ));
    }
    for (child, key, field) in nulled {
        if let Some(row) = store.tables.get_mut(&child).and_then(|t| t.get_mut(&key)) {
            row.set(field, Value::Null);
        }
    }
    for (name, key) in &deleted {
        if let Some(table) = store.tables.get_mut(name) {
            table.remove(key);
        }
    }
    Ok(targets.into_iter().map(|(_, row)| row).collect())
}

/// The matching rows (cloned) with their keys, in primary-key order.
fn matching(
    store: &Store,
    schema: &Schema,
    model: &ModelDef,
    filter: &Where,
    limit: Limit,
) -> Vec<(Key, Row)> {
    let found = store
        .entries(&model.name)
        .filter(|(_, row)| eval::matches(store, schema, row, filter))
        .map(|(key, row)| (key.clone(), row.clone()));
    match limit {
        Limit::One => found.take(1).collect(),
        Limit::All => found.collect(),
    }
}

/// Replaces rows (keys may change) after checking every constraint on the result.
fn apply_changes(
    store: &mut Store,
    schema: &Schema,
    model: &ModelDef,
    changes: Vec<(Key, Row)>,
) -> Result<Vec<Row>, AdapterError> {
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let mut table = store.tables.get(&model.name).cloned().unwrap_or_default();
    let mut old_rows = Vec::with_capacity(changes.len());
    for (key, _) in &changes {
        if let Some(old) = table.remove(key) {
            old_rows.push(old);
        }
    }
    let mut new_keys = Vec::with_capacity(changes.len());
    for (_, row) in &changes {
        check_required(model, row)?;
        let key = key_of(model, row)?;
        if table.insert(key.clone(), row.clone()).is_some() {
            return Err(unique_violation(model, &model.primary_key().name));
        }
        new_keys.push(key);
    }
    for (key, (_, row)) in new_keys.iter().zip(&changes) {
        check_row(store, model, &table, key, row)?;
    }
    // A referenced value may not change while rows still point at it (SQL's `ON UPDATE NO ACTION`).
    for ((_, new), old) in changes.iter().zip(&old_rows) {
        for (child, def, reference) in referencing(schema, &model.name) {
            let before = old.get(&reference.field).unwrap_or(&Value::Null);
            if before.is_null() || new.get(&reference.field) == Some(before) {
                continue;
            }
            let still_referenced = if child.name == model.name {
                table.values().any(|r| r.get(&def.name) == Some(before))
            } else {
                store
                    .rows(&child.name)
                    .any(|r| r.get(&def.name) == Some(before))
            };
            if still_referenced {
                return Err(AdapterError::new(
                    AdapterErrorKind::ForeignKeyViolation,
                    format!(
                        "field `{}` of model `{}` is still referenced by model `{}`",
                        reference.field, model.name, child.name
                    ),
                ));
            }
        }
    }
    store.tables.insert(model.name.clone(), table);
    Ok(changes.into_iter().map(|(_, row)| row).collect())
}

/// Checks unique fields, unique indexes and foreign keys of `row` (stored under `key`) against `table`,
/// the model's table as it will be, and the other tables of `store`.
fn check_row(
    store: &Store,
    model: &ModelDef,
    table: &Table,
    key: &Key,
    row: &Row,
) -> Result<(), AdapterError> {
    let others = || table.iter().filter(move |(k, _)| *k != key).map(|(_, r)| r);
    for def in model.fields.iter().filter(|f| f.unique && !f.primary_key) {
        let value = row.get(&def.name).unwrap_or(&Value::Null);
        if !value.is_null() && others().any(|r| r.get(&def.name) == Some(value)) {
            return Err(unique_violation(model, &def.name));
        }
    }
    for index in model.indexes.iter().filter(|i| i.unique) {
        let values: Vec<&Value> = index
            .fields
            .iter()
            .map(|f| row.get(f).unwrap_or(&Value::Null))
            .collect();
        // As in SQL, a null in any column makes the combination distinct.
        if values.iter().any(|v| v.is_null()) {
            continue;
        }
        let duplicate = others().any(|r| {
            index
                .fields
                .iter()
                .zip(&values)
                .all(|(f, v)| r.get(f) == Some(*v))
        });
        if duplicate {
            return Err(unique_violation(model, &index.name));
        }
    }
    for def in &model.fields {
        let Some(reference) = &def.references else {
            continue;
        };
        let value = row.get(&def.name).unwrap_or(&Value::Null);
        if value.is_null() {
            continue;
        }
        let exists = if reference.model == model.name {
            row.get(&reference.field) == Some(value)
                || table
                    .values()
                    .any(|r| r.get(&reference.field) == Some(value))
        } else {
            store
                .rows(&reference.model)
                .any(|r| r.get(&reference.field) == Some(value))
        };
        if !exists {
            return Err(AdapterError::new(
                AdapterErrorKind::ForeignKeyViolation,
                format!(
                    "field `{}` of model `{}` references a missing `{}`",
                    def.name, model.name, reference.model
                ),
            ));
        }
    }
    Ok(())
}

/// Every `(model, field, reference)` whose foreign key points at `parent`.
fn referencing<'s>(
    schema: &'s Schema,
    parent: &str,
) -> impl Iterator<Item = (&'s ModelDef, &'s FieldDef, &'s Reference)> {
    schema.models().iter().flat_map(move |child| {
        child.fields.iter().filter_map(move |def| {
            def.references
                .as_ref()
                .filter(|r| r.model == parent)
                .map(|r| (child, def, r))
        })
    })
}

fn check_required(model: &ModelDef, row: &Row) -> Result<(), AdapterError> {
    match model
        .fields
        .iter()
        .find(|f| f.required && row.get(&f.name).is_none_or(Value::is_null))
    {
        Some(def) => Err(required_violation(model, def)),
        None => Ok(()),
    }
}

fn required_violation(model: &ModelDef, def: &FieldDef) -> AdapterError {
    AdapterError::new(
        AdapterErrorKind::ConstraintViolation,
        format!("field `{}` of model `{}` is required", def.name, model.name),
    )
}

fn unique_violation(model: &ModelDef, what: &str) -> AdapterError {
    AdapterError::new(
        AdapterErrorKind::UniqueViolation,
        format!(
            "model `{}` already has a row with this `{what}`",
            model.name
        ),
    )
}

fn key_of(model: &ModelDef, row: &Row) -> Result<Key, AdapterError> {
    let pk = model.primary_key();
    match row.get(&pk.name) {
        Some(Value::String(s)) => Ok(Key::Str(s.clone())),
        Some(Value::Int(n)) => Ok(Key::Int(*n)),
        Some(Value::Null) | None => Err(required_violation(model, pk)),
        Some(other) => Err(AdapterError::unsupported(format!(
            "primary key of model `{}` cannot be a {}",
            model.name,
            other.kind()
        ))),
    }
}

/// Checks `value` against the field's type, converting where a database would (integers into float
/// columns, timestamps to millisecond precision).
fn coerce(model: &ModelDef, def: &FieldDef, value: Value) -> Result<Value, AdapterError> {
    let value = match (def.ty, value) {
        (_, Value::Null) => Value::Null,
        (FieldType::String, v @ Value::String(_))
        | (FieldType::Number, v @ Value::Int(_))
        | (FieldType::Float, v @ Value::Float(_))
        | (FieldType::Boolean, v @ Value::Bool(_))
        | (FieldType::Json, v @ Value::Json(_))
        | (FieldType::StringList, v @ Value::StringList(_))
        | (FieldType::NumberList, v @ Value::NumberList(_)) => v,
        (FieldType::Float, Value::Int(n)) => Value::Float(eval::int_to_float(n)),
        (FieldType::Date, Value::Timestamp(t)) => Value::Timestamp(truncate_to_millis(t)),
        (ty, other) => {
            return Err(AdapterError::unsupported(format!(
                "field `{}` of model `{}` has type {ty:?} and cannot hold a {}",
                def.name,
                model.name,
                other.kind()
            )));
        }
    };
    if def.required && value.is_null() {
        return Err(required_violation(model, def));
    }
    Ok(value)
}
