//! The `Where` tree: filters every adapter understands, from upstream's flat clause list to SCIM filters.

use super::Value;

/// A comparison operator: upstream's eleven where-operators.
///
/// Null handling follows SQL three-valued logic with one convenience that upstream has too: `Eq` against
/// [`Value::Null`] means `IS NULL` and `Ne` against [`Value::Null`] means `IS NOT NULL`. Every other
/// operator against a null field is false.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// Equal.
    Eq,
    /// Not equal (a null field is not "not equal" to a non-null value, as in SQL).
    Ne,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Member of a list ([`Value::StringList`] or [`Value::NumberList`]).
    In,
    /// Not a member of a list.
    NotIn,
    /// String contains the value (a substring match; `%` and `_` are literal).
    Contains,
    /// String starts with the value.
    StartsWith,
    /// String ends with the value.
    EndsWith,
}

/// Whether a string comparison respects case.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Case {
    /// Byte-exact comparison (upstream's default).
    #[default]
    Sensitive,
    /// Comparison after Unicode-simple lower-casing of both sides (upstream's `mode: "insensitive"`).
    Insensitive,
}

/// How a clause joins the clauses before it in upstream's flat form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Connector {
    /// `AND` (the default).
    #[default]
    And,
    /// `OR`.
    Or,
}

/// One comparison of a field with a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The logical field name.
    pub field: String,
    /// The operator.
    pub op: Op,
    /// The value compared against.
    pub value: Value,
    /// Case sensitivity for string comparisons.
    pub case: Case,
}

/// An existence test over a related ("child") model: whether some `<model>` row has
/// `<foreign_field> = <parent>.<local_field>` and matches `<filter>`.
///
/// It is true or false, never unknown, also under `Not` and when either field is null (a null key
/// matches nothing), as SQL's `EXISTS`. The SQL adapter renders it as the uncorrelated semi-join
/// `<parent>.<local_field> IN (SELECT <foreign_field> FROM <model> WHERE <filter>)`, with `IS NOT NULL`
/// guards on nullable fields, so the database can drive it from an index of the related table. This is
/// how a SCIM value filter such as `emails[type eq "work"]` becomes one SQL query.
#[derive(Clone, Debug, PartialEq)]
pub struct Exists {
    /// The related model (logical name).
    pub model: String,
    /// The field of the related model that references the parent.
    pub foreign_field: String,
    /// The field of the parent model it references (usually `id`).
    pub local_field: String,
    /// An extra filter over the related model's rows, if any.
    pub filter: Option<Where>,
}

/// A filter tree.
///
/// `And(vec![])` is true and `Or(vec![])` is false, as their identities.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Where {
    /// A single comparison.
    Cmp(Comparison),
    /// All of the sub-filters hold.
    And(Vec<Where>),
    /// Any of the sub-filters holds.
    Or(Vec<Where>),
    /// The sub-filter does not hold. Under three-valued logic `Not(Cmp)` over a null field is false.
    Not(Box<Where>),
    /// A related row exists.
    Exists(Box<Exists>),
}

impl Where {
    /// A filter that matches every row.
    pub fn all() -> Self {
        Self::And(Vec::new())
    }

    /// `field op value`, case-sensitive.
    pub fn cmp(field: impl Into<String>, op: Op, value: impl Into<Value>) -> Self {
        Self::Cmp(Comparison {
            field: field.into(),
            op,
            value: value.into(),
            case: Case::Sensitive,
        })
    }

    /// `field = value`, case-sensitive.
    pub fn eq(field: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::cmp(field, Op::Eq, value)
    }

    /// `field op value` with the given case sensitivity.
    pub fn cmp_case(field: impl Into<String>, op: Op, value: impl Into<Value>, case: Case) -> Self {
        Self::Cmp(Comparison {
            field: field.into(),
            op,
            value: value.into(),
            case,
        })
    }

    /// `self AND other`, flattening nested `And`s.
    #[must_use]
    pub fn and(self, other: Where) -> Self {
        match (self, other) {
            (Self::And(mut a), Self::And(b)) => {
                a.extend(b);
                Self::And(a)
            }
            (Self::And(mut a), other) => {
                a.push(other);
                Self::And(a)
            }
            (this, other) => Self::And(vec![this, other]),
        }
    }

    /// `self OR other`, flattening nested `Or`s.
    #[must_use]
    pub fn or(self, other: Where) -> Self {
        match (self, other) {
            (Self::Or(mut a), Self::Or(b)) => {
                a.extend(b);
                Self::Or(a)
            }
            (Self::Or(mut a), other) => {
                a.push(other);
                Self::Or(a)
            }
            (this, other) => Self::Or(vec![this, other]),
        }
    }

    /// `NOT self`.
    #[must_use]
    pub fn negate(self) -> Self {
        Self::Not(Box::new(self))
    }

    /// Builds the tree for upstream's flat clause list.
    ///
    /// Upstream joins every `AND` clause with `AND` and every `OR` clause with `OR`, then requires both
    /// groups: `(a1 AND a2 ...) AND (o1 OR o2 ...)`. An empty group is left out.
    pub fn from_clauses(clauses: impl IntoIterator<Item = Clause>) -> Self {
        let mut and = Vec::new();
        let mut or = Vec::new();
        for clause in clauses {
            let cmp = Self::Cmp(Comparison {
                field: clause.field,
                op: clause.op,
                value: clause.value,
                case: clause.case,
            });
            match clause.connector {
                Connector::And => and.push(cmp),
                Connector::Or => or.push(cmp),
            }
        }
        if !or.is_empty() {
            and.push(Self::Or(or));
        }
        match and.len() {
            1 => and.pop().unwrap_or_else(Self::all),
            _ => Self::And(and),
        }
    }

    /// Visits every comparison in the tree, including those inside `Exists` (with the model they apply to,
    /// `None` for the queried model itself).
    pub fn for_each_comparison<'a>(&'a self, f: &mut dyn FnMut(Option<&'a str>, &'a Comparison)) {
        self.walk(None, f);
    }

    fn walk<'a>(
        &'a self,
        model: Option<&'a str>,
        f: &mut dyn FnMut(Option<&'a str>, &'a Comparison),
    ) {
        match self {
            Self::Cmp(c) => f(model, c),
            Self::And(items) | Self::Or(items) => items.iter().for_each(|w| w.walk(model, f)),
            Self::Not(inner) => inner.walk(model, f),
            Self::Exists(e) => {
                if let Some(filter) = &e.filter {
                    filter.walk(Some(&e.model), f);
                }
            }
        }
    }
}

/// One clause of upstream's flat where-list.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// The logical field name.
    pub field: String,
    /// The operator.
    pub op: Op,
    /// The value.
    pub value: Value,
    /// How the clause joins the others.
    pub connector: Connector,
    /// Case sensitivity.
    pub case: Case,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(field: &str, connector: Connector) -> Clause {
        Clause {
            field: field.into(),
            op: Op::Eq,
            value: Value::Int(1),
            connector,
            case: Case::Sensitive,
        }
    }

    #[test]
    fn flat_clauses_group_ands_and_ors_like_upstream() {
        let tree = Where::from_clauses([
            clause("a", Connector::And),
            clause("o1", Connector::Or),
            clause("b", Connector::And),
            clause("o2", Connector::Or),
        ]);
        assert_eq!(
            tree,
            Where::And(vec![
                Where::eq("a", 1),
                Where::eq("b", 1),
                Where::Or(vec![Where::eq("o1", 1), Where::eq("o2", 1)]),
            ])
        );
        assert_eq!(
            Where::from_clauses([clause("a", Connector::And)]),
            Where::eq("a", 1)
        );
        assert_eq!(
            Where::from_clauses([clause("o", Connector::Or)]),
            Where::Or(vec![Where::eq("o", 1)])
        );
        assert_eq!(Where::from_clauses([]), Where::all());
    }

    #[test]
    fn and_or_flatten() {
        let w = Where::eq("a", 1)
            .and(Where::eq("b", 1))
            .and(Where::eq("c", 1));
        assert_eq!(
            w,
            Where::And(vec![
                Where::eq("a", 1),
                Where::eq("b", 1),
                Where::eq("c", 1)
            ])
        );
        let w = Where::eq("a", 1)
            .or(Where::eq("b", 1))
            .or(Where::eq("c", 1));
        assert_eq!(
            w,
            Where::Or(vec![
                Where::eq("a", 1),
                Where::eq("b", 1),
                Where::eq("c", 1)
            ])
        );
    }
}
