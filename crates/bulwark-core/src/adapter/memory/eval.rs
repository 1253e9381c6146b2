//! Filters and sort keys over in-memory rows, with SQL semantics (three-valued logic, nulls first).

use std::borrow::Cow;
use std::cmp::Ordering;

use super::store::Store;
use crate::adapter::{AdapterError, Case, Comparison, Direction, Op, Row, Sort, Value, Where};
use crate::schema::{FieldDef, FieldType, ModelDef, Schema};

/// Rejects unknown models and fields, and operands that do not fit their field, before any row is read.
pub(super) fn check_filter(
    schema: &Schema,
    model: &ModelDef,
    filter: &Where,
) -> Result<(), AdapterError> {
    match filter {
        Where::Cmp(cmp) => check_comparison(model, cmp),
        Where::And(items) | Where::Or(items) => items
            .iter()
            .try_for_each(|item| check_filter(schema, model, item)),
        Where::Not(inner) => check_filter(schema, model, inner),
        Where::Exists(exists) => {
            let child = super::store::model(schema, &exists.model)?;
            field(child, &exists.foreign_field)?;
            field(model, &exists.local_field)?;
            match &exists.filter {
                Some(inner) => check_filter(schema, child, inner),
                None => Ok(()),
            }
        }
    }
}

/// Rejects sort keys on unknown fields or on fields without an order (JSON and lists).
pub(super) fn check_sort(model: &ModelDef, sort: &[Sort]) -> Result<(), AdapterError> {
    for key in sort {
        let def = field(model, &key.field)?;
        if matches!(
            def.ty,
            FieldType::Json | FieldType::StringList | FieldType::NumberList
        ) {
            return Err(AdapterError::unsupported(format!(
                "cannot sort model `{}` by `{}`: the field has no order",
                model.name, def.name
            )));
        }
    }
    Ok(())
}

/// Whether `row` of `model` satisfies `filter`. Only a definite "true" matches; "unknown" does not.
pub(super) fn matches(store: &Store, schema: &Schema, row: &Row, filter: &Where) -> bool {
    eval(store, schema, row, filter) == Some(true)
}

/// Orders two rows by the sort keys (the caller's stable sort keeps primary-key order for ties).
pub(super) fn compare_rows(a: &Row, b: &Row, sort: &[Sort]) -> Ordering {
    for key in sort {
        let left = a.get(&key.field).unwrap_or(&Value::Null);
        let right = b.get(&key.field).unwrap_or(&Value::Null);
        let ordering = match (left.is_null(), right.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => compare_scalars(left, right, key.case).unwrap_or(Ordering::Equal),
        };
        let ordering = match key.direction {
            Direction::Asc => ordering,
            Direction::Desc => ordering.reverse(),
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// The field named `name` of `model`, or `Unsupported`.
pub(super) fn field<'m>(model: &'m ModelDef, name: &str) -> Result<&'m FieldDef, AdapterError> {
    model.get(name).ok_or_else(|| {
        AdapterError::unsupported(format!("model `{}` has no field `{name}`", model.name))
    })
}

fn check_comparison(model: &ModelDef, cmp: &Comparison) -> Result<(), AdapterError> {
    let def = field(model, &cmp.field)?;
    let fits = match (cmp.op, &cmp.value) {
        (Op::Eq | Op::Ne, Value::Null) => true,
        (_, Value::Null) => false,
        (Op::In | Op::NotIn, list) => matches!(
            (def.ty, list),
            (FieldType::String, Value::StringList(_))
                | (FieldType::Number | FieldType::Float, Value::NumberList(_))
        ),
        (Op::Contains | Op::StartsWith | Op::EndsWith, value) => {
            matches!((def.ty, value), (FieldType::String, Value::String(_)))
        }
        (Op::Eq | Op::Ne | Op::Lt | Op::Lte | Op::Gt | Op::Gte, value) => matches!(
            (def.ty, value),
            (FieldType::String, Value::String(_))
                | (FieldType::Number, Value::Int(_))
                | (FieldType::Float, Value::Float(_) | Value::Int(_))
                | (FieldType::Boolean, Value::Bool(_))
                | (FieldType::Date, Value::Timestamp(_))
        ),
    };
    if fits {
        Ok(())
    } else {
        Err(AdapterError::unsupported(format!(
            "operator {:?} with a {} value does not apply to field `{}` of model `{}`",
            cmp.op,
            cmp.value.kind(),
            def.name,
            model.name
        )))
    }
}

/// Three-valued evaluation: `None` is SQL's "unknown".
fn eval(store: &Store, schema: &Schema, row: &Row, filter: &Where) -> Option<bool> {
    match filter {
        Where::Cmp(cmp) => eval_comparison(row, cmp),
        Where::And(items) => {
            let mut result = Some(true);
            for item in items {
                match eval(store, schema, row, item) {
                    Some(false) => return Some(false),
                    None => result = None,
                    Some(true) => {}
                }
            }
            result
        }
        Where::Or(items) => {
            let mut result = Some(false);
            for item in items {
                match eval(store, schema, row, item) {
                    Some(true) => return Some(true),
                    None => result = None,
                    Some(false) => {}
                }
            }
            result
        }
        Where::Not(inner) => eval(store, schema, row, inner).map(|b| !b),
        Where::Exists(exists) => {
            let local = row.get(&exists.local_field).unwrap_or(&Value::Null);
            if local.is_null() {
                return Some(false);
            }
            let Ok(child) = super::store::model(schema, &exists.model) else {
                return Some(false);
            };
            let found = store.rows(&child.name).any(|child_row| {
                child_row.get(&exists.foreign_field) == Some(local)
                    && exists
                        .filter
                        .as_ref()
                        .is_none_or(|inner| matches(store, schema, child_row, inner))
            });
            Some(found)
        }
    }
}

fn eval_comparison(row: &Row, cmp: &Comparison) -> Option<bool> {
    let value = row.get(&cmp.field).unwrap_or(&Value::Null);
    match (cmp.op, &cmp.value) {
        (Op::Eq, Value::Null) => return Some(value.is_null()),
        (Op::Ne, Value::Null) => return Some(!value.is_null()),
        _ => {}
    }
    if value.is_null() {
        return None;
    }
    let case = cmp.case;
    let ordering = || compare_scalars(value, &cmp.value, case);
    let result = match cmp.op {
        Op::Eq => ordering()? == Ordering::Equal,
        Op::Ne => ordering()? != Ordering::Equal,
        Op::Lt => ordering()? == Ordering::Less,
        Op::Lte => ordering()? != Ordering::Greater,
        Op::Gt => ordering()? == Ordering::Greater,
        Op::Gte => ordering()? != Ordering::Less,
        Op::In => in_list(value, &cmp.value, case)?,
        Op::NotIn => !in_list(value, &cmp.value, case)?,
        Op::Contains | Op::StartsWith | Op::EndsWith => {
            let haystack = fold(value.as_str()?, case);
            let needle = fold(cmp.value.as_str()?, case);
            match cmp.op {
                Op::Contains => haystack.contains(needle.as_ref()),
                Op::StartsWith => haystack.starts_with(needle.as_ref()),
                _ => haystack.ends_with(needle.as_ref()),
            }
        }
    };
    Some(result)
}

fn in_list(value: &Value, list: &Value, case: Case) -> Option<bool> {
    match (value, list) {
        (Value::String(s), Value::StringList(items)) => {
            let s = fold(s, case);
            Some(items.iter().any(|item| fold(item, case) == s))
        }
        (Value::Int(n), Value::NumberList(items)) => Some(items.contains(n)),
        (Value::Float(x), Value::NumberList(items)) => Some(
            items
                .iter()
                .any(|&item| int_to_float(item).total_cmp(x) == Ordering::Equal),
        ),
        _ => None,
    }
}

/// Compares two non-null values of compatible types; `None` when they cannot be compared.
fn compare_scalars(a: &Value, b: &Value, case: Case) -> Option<Ordering> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Some(fold(x, case).cmp(&fold(y, case))),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => Some(x.total_cmp(y)),
        (Value::Float(x), Value::Int(y)) => Some(x.total_cmp(&int_to_float(*y))),
        (Value::Int(x), Value::Float(y)) => Some(int_to_float(*x).total_cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Timestamp(x), Value::Timestamp(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn fold(s: &str, case: Case) -> Cow<'_, str> {
    match case {
        Case::Sensitive => Cow::Borrowed(s),
        Case::Insensitive => Cow::Owned(s.to_lowercase()),
    }
}

/// Integer to float, as a database converts an integer operand for a float column.
pub(super) fn int_to_float(n: i64) -> f64 {
    #[expect(
        clippy::cast_precision_loss,
        reason = "databases convert integers to doubles the same lossy way"
    )]
    let x = n as f64;
    x
}
