//! `Where` → sea-query condition, shared by every backend: values are bound, identifiers quoted.
//!
//! Three-valued logic comes from SQL itself: `col <> ?` and `NOT (col = ?)` are unknown (so false) when
//! the column is null, exactly as the adapter contract says.

use bulwark_core::adapter::{Case, Comparison, Exists, Op, Where};
use bulwark_core::schema::{FieldDef, FieldType, ModelDef, Schema};
use bulwark_core::{AdapterError, Value};
use sea_query::{Alias, BinOper, Condition, Expr, ExprTrait as _, Func, Query, SimpleExpr};

use crate::codec::{encode, encode_list};
use crate::dialect::Dialect;

/// The character that escapes `%`, `_` and itself in LIKE patterns.
const LIKE_ESCAPE: char = '\\';

/// What a filter is translated against: the dialect, the schema, and the queried model under a qualifier.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    /// The backend.
    pub(crate) dialect: Dialect,
    /// The schema models are looked up in.
    pub(crate) schema: &'a Schema,
}

impl<'a> Scope<'a> {
    /// The model named `name`, or an `Unsupported` error.
    pub(crate) fn model(&self, name: &str) -> Result<&'a ModelDef, AdapterError> {
        self.schema
            .model(name)
            .ok_or_else(|| AdapterError::unsupported(format!("unknown model `{name}`")))
    }

    /// The condition for `filter` over `model`, whose table is named `qualifier` in the query (its alias,
    /// or its table name in `UPDATE`/`DELETE`).
    pub(crate) fn condition(
        &self,
        model: &ModelDef,
        qualifier: &str,
        filter: &Where,
    ) -> Result<SimpleExpr, AdapterError> {
        self.build(model, qualifier, filter, 1)
    }

    fn build(
        &self,
        model: &ModelDef,
        qualifier: &str,
        filter: &Where,
        depth: usize,
    ) -> Result<SimpleExpr, AdapterError> {
        Ok(match filter {
            Where::Cmp(cmp) => self.comparison(model, qualifier, cmp)?,
            Where::And(items) => {
                let mut cond = Condition::all();
                for item in items {
                    cond = cond.add(self.build(model, qualifier, item, depth)?);
                }
                cond.into()
            }
            Where::Or(items) => {
                let mut cond = Condition::any();
                for item in items {
                    cond = cond.add(self.build(model, qualifier, item, depth)?);
                }
                cond.into()
            }
            Where::Not(inner) => self.build(model, qualifier, inner, depth)?.not(),
            Where::Exists(exists) => self.exists(model, qualifier, exists, depth)?,
            _ => return Err(AdapterError::unsupported("unknown filter node")),
        })
    }

    /// `local IN (SELECT foreign FROM child WHERE filter)`: a semi-join the database can drive from an
    /// index of the child table, rather than a correlated `EXISTS` probed once per parent row. A nullable
    /// side is guarded with `IS NOT NULL`, so the test is never unknown and stays exactly `EXISTS` under
    /// `NOT`.
    fn exists(
        &self,
        parent: &ModelDef,
        qualifier: &str,
        exists: &Exists,
        depth: usize,
    ) -> Result<SimpleExpr, AdapterError> {
        let child = self.model(&exists.model)?;
        let foreign = field(child, &exists.foreign_field)?;
        let local = field(parent, &exists.local_field)?;
        let alias = format!("t{depth}");
        let mut cond = Condition::all();
        if nullable(foreign) {
            cond = cond.add(column(&alias, foreign).is_not_null());
        }
        if let Some(filter) = &exists.filter {
            cond = cond.add(self.build(child, &alias, filter, depth + 1)?);
        }
        let mut select = Query::select();
        select
            .expr(column(&alias, foreign))
            .from_as(Alias::new(&child.table), Alias::new(&alias));
        if !cond.is_empty() {
            select.cond_where(cond);
        }
        let member = column(qualifier, local).in_subquery(select);
        Ok(if nullable(local) {
            Condition::all()
                .add(column(qualifier, local).is_not_null())
                .add(member)
                .into()
        } else {
            member
        })
    }

    fn comparison(
        &self,
        model: &ModelDef,
        qualifier: &str,
        cmp: &Comparison,
    ) -> Result<SimpleExpr, AdapterError> {
        let field = field(model, &cmp.field)?;
        let column: SimpleExpr = column(qualifier, field);
        if cmp.value.is_null() {
            return match cmp.op {
                Op::Eq => Ok(column.is_null()),
                Op::Ne => Ok(column.is_not_null()),
                _ => Err(AdapterError::unsupported(format!(
                    "only `eq` and `ne` compare field `{}` with null",
                    field.name
                ))),
            };
        }
        let substring = matches!(cmp.op, Op::Contains | Op::StartsWith | Op::EndsWith);
        let unordered = matches!(
            field.ty,
            FieldType::Json | FieldType::StringList | FieldType::NumberList
        );
        if unordered || (substring && field.ty != FieldType::String) {
            return Err(AdapterError::unsupported(format!(
                "operator {:?} does not apply to field `{}`",
                cmp.op, field.name
            )));
        }
        let insensitive = cmp.case == Case::Insensitive && field.ty == FieldType::String;
        let lhs = if insensitive {
            self.lowered(qualifier, field)
        } else {
            column.clone()
        };
        let value = |v: &Value| -> Result<SimpleExpr, AdapterError> {
            let bound = SimpleExpr::Value(encode(self.dialect, field, v)?);
            Ok(if insensitive {
                Func::lower(bound).into()
            } else {
                bound
            })
        };
        Ok(match cmp.op {
            Op::Eq => lhs.eq(value(&cmp.value)?),
            Op::Ne => lhs.ne(value(&cmp.value)?),
            Op::Lt => lhs.lt(value(&cmp.value)?),
            Op::Lte => lhs.lte(value(&cmp.value)?),
            Op::Gt => lhs.gt(value(&cmp.value)?),
            Op::Gte => lhs.gte(value(&cmp.value)?),
            Op::In | Op::NotIn => {
                let items: Vec<SimpleExpr> = encode_list(self.dialect, field, &cmp.value)?
                    .into_iter()
                    .map(|v| {
                        let bound = SimpleExpr::Value(v);
                        if insensitive {
                            Func::lower(bound).into()
                        } else {
                            bound
                        }
                    })
                    .collect();
                match (cmp.op, items.is_empty()) {
                    (Op::In, true) => SimpleExpr::Constant(false.into()),
                    (_, true) => column.is_not_null(),
                    (Op::In, false) => lhs.binary(BinOper::In, SimpleExpr::Tuple(items)),
                    (_, false) => lhs.binary(BinOper::NotIn, SimpleExpr::Tuple(items)),
                }
            }
            Op::Contains | Op::StartsWith | Op::EndsWith => {
                let Value::String(needle) = &cmp.value else {
                    return Err(AdapterError::unsupported(format!(
                        "substring operators need a string value for field `{}`",
                        field.name
                    )));
                };
                let escaped = escape_like(needle);
                let pattern = match cmp.op {
                    Op::Contains => format!("%{escaped}%"),
                    Op::StartsWith => format!("{escaped}%"),
                    _ => format!("%{escaped}"),
                };
                let bound = SimpleExpr::Value(pattern.into());
                let pattern = if insensitive {
                    Func::lower(bound).into()
                } else {
                    bound
                };
                lhs.binary(
                    BinOper::Like,
                    pattern.binary(BinOper::Escape, SimpleExpr::Constant(LIKE_ESCAPE.into())),
                )
            }
            _ => return Err(AdapterError::unsupported("unknown operator")),
        })
    }

    /// The lower-cased form of a string column: `lower(col)`, or on `MySQL` the indexed generated column
    /// that holds it.
    pub(crate) fn lowered(&self, qualifier: &str, field: &FieldDef) -> SimpleExpr {
        if self.dialect == Dialect::Mysql && field.case_insensitive {
            Expr::col((Alias::new(qualifier), Alias::new(lower_column(field)))).into()
        } else {
            Func::lower(column(qualifier, field)).into()
        }
    }
}

/// Whether `filter` reads the table of model `name` in an `Exists` subquery, at any depth.
pub(crate) fn reads_model(filter: &Where, name: &str) -> bool {
    match filter {
        Where::And(items) | Where::Or(items) => items.iter().any(|w| reads_model(w, name)),
        Where::Not(inner) => reads_model(inner, name),
        Where::Exists(exists) => {
            exists.model == name || exists.filter.as_ref().is_some_and(|w| reads_model(w, name))
        }
        _ => false,
    }
}

/// The name of the generated column that holds a case-insensitive field's lower-cased value on `MySQL`.
pub(crate) fn lower_column(field: &FieldDef) -> String {
    format!("{}_lower", field.column)
}

/// Whether `field` may hold null: neither required nor the primary key.
fn nullable(field: &FieldDef) -> bool {
    !field.required && !field.primary_key
}

/// `qualifier.column` for `field`.
pub(crate) fn column(qualifier: &str, field: &FieldDef) -> SimpleExpr {
    Expr::col((Alias::new(qualifier), Alias::new(&field.column))).into()
}

/// The field named `name` of `model`, or an `Unsupported` error.
pub(crate) fn field<'m>(model: &'m ModelDef, name: &str) -> Result<&'m FieldDef, AdapterError> {
    model.get(name).ok_or_else(|| {
        AdapterError::unsupported(format!("model `{}` has no field `{name}`", model.name))
    })
}

/// Escapes `%`, `_` and the escape character so a LIKE pattern matches them literally.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_') || c == LIKE_ESCAPE {
            out.push(LIKE_ESCAPE);
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
