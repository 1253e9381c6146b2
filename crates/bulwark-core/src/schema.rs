//! The `Schema`: every model (core tables plus plugin contributions) with logical and physical names.
//!
//! Physical names default to upstream's (table `user`, column `emailVerified`), so a Bulwark deployment can
//! open a database that upstream Better Auth created, and the reverse.

use std::collections::HashMap;

use crate::adapter::Value;

/// A field's storage type (upstream's `type` in its schema definitions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldType {
    /// Text. Adapters choose a bounded type where the backend needs one for keys and indexes.
    String,
    /// A 64-bit integer (upstream's `number`).
    Number,
    /// A double (for the rare non-integer numbers).
    Float,
    /// A boolean.
    Boolean,
    /// A UTC timestamp, millisecond precision (upstream's `date`).
    Date,
    /// A JSON document.
    Json,
    /// A list of strings (upstream's `string[]`).
    StringList,
    /// A list of integers (upstream's `number[]`).
    NumberList,
}

/// What happens to a row when the row it references is deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OnDelete {
    /// Delete this row too (upstream's default for `references`).
    #[default]
    Cascade,
    /// Set the referencing field to null.
    SetNull,
    /// Refuse the delete.
    Restrict,
    /// No action.
    NoAction,
}

/// A foreign key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The referenced model (logical name).
    pub model: String,
    /// The referenced field (logical name, usually `id`).
    pub field: String,
    /// What a delete of the referenced row does.
    pub on_delete: OnDelete,
}

/// One field of a model.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldDef {
    /// The logical name, used by code and JSON (`emailVerified`).
    pub name: String,
    /// The physical column name.
    pub column: String,
    /// The storage type.
    pub ty: FieldType,
    /// Whether the field must be non-null.
    pub required: bool,
    /// Whether the value is unique across rows.
    pub unique: bool,
    /// Whether lookups on the field need an index.
    pub index: bool,
    /// Whether the field is looked up case-insensitively, so adapters index its lower-cased form too.
    pub case_insensitive: bool,
    /// A foreign key, if any.
    pub references: Option<Reference>,
    /// Whether this is the primary key (`id`).
    pub primary_key: bool,
}

impl FieldDef {
    /// An optional, non-unique field whose column has the same name.
    pub fn new(name: impl Into<String>, ty: FieldType) -> Self {
        let name = name.into();
        Self {
            column: name.clone(),
            name,
            ty,
            required: false,
            unique: false,
            index: false,
            case_insensitive: false,
            references: None,
            primary_key: false,
        }
    }

    /// The string primary key `id`.
    pub fn id() -> Self {
        Self {
            required: true,
            primary_key: true,
            ..Self::new("id", FieldType::String)
        }
    }

    /// Marks the field required (`NOT NULL`).
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Marks the field unique.
    #[must_use]
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Marks the field indexed.
    #[must_use]
    pub fn index(mut self) -> Self {
        self.index = true;
        self
    }

    /// Marks the field as looked up case-insensitively.
    #[must_use]
    pub fn case_insensitive(mut self) -> Self {
        self.case_insensitive = true;
        self
    }

    /// Adds a foreign key to `model.field`, deleting this row with the referenced one.
    #[must_use]
    pub fn references(mut self, model: impl Into<String>, field: impl Into<String>) -> Self {
        self.references = Some(Reference {
            model: model.into(),
            field: field.into(),
            on_delete: OnDelete::Cascade,
        });
        self
    }

    /// Sets what a delete of the referenced row does.
    #[must_use]
    pub fn on_delete(mut self, on_delete: OnDelete) -> Self {
        if let Some(reference) = &mut self.references {
            reference.on_delete = on_delete;
        }
        self
    }

    /// Uses a different physical column name.
    #[must_use]
    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = column.into();
        self
    }
}

/// A field an application adds to a model through options: upstream's `additionalFields` entry
/// (`{ type, required, defaultValue, input, returned }`).
///
/// The owner of the model turns it into a column with [`AdditionalField::field_def`], reads request values
/// with [`AdditionalField::value_from_json`] when `input` allows, fills `default_value` on create, and
/// leaves the field out of its responses when `returned` is off. Defaults follow upstream: required,
/// accepted as input, returned.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AdditionalField {
    /// The logical name, which is also the column name and the JSON key.
    pub name: String,
    /// The storage type.
    pub ty: FieldType,
    /// Whether a value must be given on create (and the column is `NOT NULL`); optional fields also
    /// accept `null`.
    pub required: bool,
    /// The value stored on create when none is given.
    pub default_value: Option<Value>,
    /// Whether request bodies may set the field (upstream's `input`); when off, only server code can.
    pub input: bool,
    /// Whether responses include the field (upstream's `returned`); when off, it is stored only.
    pub returned: bool,
}

impl AdditionalField {
    /// A required field of type `ty`, accepted as input and returned.
    pub fn new(name: impl Into<String>, ty: FieldType) -> Self {
        Self {
            name: name.into(),
            ty,
            required: true,
            default_value: None,
            input: true,
            returned: true,
        }
    }

    /// Sets whether the field is required (upstream's `required`, default on).
    #[must_use]
    pub fn required(mut self, required: bool) -> Self {
        self.required = required;
        self
    }

    /// The value stored on create when none is given (upstream's `defaultValue`).
    #[must_use]
    pub fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default_value = Some(value.into());
        self
    }

    /// Sets whether request bodies may set the field (upstream's `input`, default on).
    #[must_use]
    pub fn input(mut self, input: bool) -> Self {
        self.input = input;
        self
    }

    /// Sets whether responses include the field (upstream's `returned`, default on).
    #[must_use]
    pub fn returned(mut self, returned: bool) -> Self {
        self.returned = returned;
        self
    }

    /// The column the field adds to its model.
    pub fn field_def(&self) -> FieldDef {
        FieldDef {
            required: self.required,
            ..FieldDef::new(self.name.clone(), self.ty)
        }
    }

    /// The stored form of a JSON value, or `None` when the value does not have the field's type.
    /// `null` is accepted for optional fields only. Dates are RFC 3339 strings; numbers are integers.
    pub fn value_from_json(&self, json: &serde_json::Value) -> Option<Value> {
        use serde_json::Value as Json;
        match (self.ty, json) {
            (_, Json::Null) => (!self.required).then_some(Value::Null),
            (FieldType::String, Json::String(s)) => Some(Value::String(s.clone())),
            (FieldType::Number, Json::Number(n)) => n.as_i64().map(Value::Int),
            (FieldType::Float, Json::Number(n)) => n.as_f64().map(Value::Float),
            (FieldType::Boolean, Json::Bool(b)) => Some(Value::Bool(*b)),
            (FieldType::Date, Json::String(s)) => {
                crate::models::wire::parse_date(s).map(Value::Timestamp)
            }
            (FieldType::Json, json) => Some(Value::Json(json.clone())),
            (FieldType::StringList, Json::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Value::StringList),
            (FieldType::NumberList, Json::Array(items)) => items
                .iter()
                .map(Json::as_i64)
                .collect::<Option<Vec<_>>>()
                .map(Value::NumberList),
            _ => None,
        }
    }
}

/// A (possibly composite, possibly unique) index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexDef {
    /// The physical index name.
    pub name: String,
    /// The logical field names, in order.
    pub fields: Vec<String>,
    /// Whether the combination is unique.
    pub unique: bool,
}

/// One model (table).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ModelDef {
    /// The logical name (`user`, `session`).
    pub name: String,
    /// The physical table name.
    pub table: String,
    /// The fields, `id` first.
    pub fields: Vec<FieldDef>,
    /// Composite and extra indexes.
    pub indexes: Vec<IndexDef>,
}

impl ModelDef {
    /// A model with only the `id` primary key; its table has the same name.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            table: name.clone(),
            name,
            fields: vec![FieldDef::id()],
            indexes: Vec::new(),
        }
    }

    /// Adds a field.
    #[must_use]
    pub fn field(mut self, field: FieldDef) -> Self {
        self.fields.push(field);
        self
    }

    /// Adds an index over `fields`.
    #[must_use]
    pub fn index(mut self, name: impl Into<String>, fields: &[&str], unique: bool) -> Self {
        self.indexes.push(IndexDef {
            name: name.into(),
            fields: fields.iter().map(|f| (*f).to_owned()).collect(),
            unique,
        });
        self
    }

    /// Uses a different physical table name.
    #[must_use]
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.table = table.into();
        self
    }

    /// The field named `name`.
    pub fn get(&self, name: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The primary-key field.
    ///
    /// # Panics
    ///
    /// Never: every model starts with `id` and fields are never removed.
    pub fn primary_key(&self) -> &FieldDef {
        #[expect(
            clippy::expect_used,
            reason = "`ModelDef::new` always adds `id` and fields are never removed"
        )]
        self.fields
            .iter()
            .find(|f| f.primary_key)
            .expect("every model has a primary key")
    }
}

/// A problem found while assembling a schema.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// Two models share a logical name.
    #[error("model `{0}` is defined twice")]
    DuplicateModel(String),
    /// Two models share a table name.
    #[error("table `{0}` is used by two models")]
    DuplicateTable(String),
    /// A model has two fields with the same name or column.
    #[error("model `{model}` has field or column `{field}` twice")]
    DuplicateField {
        /// The model.
        model: String,
        /// The repeated field.
        field: String,
    },
    /// Fields were added to a model that does not exist.
    #[error("cannot extend unknown model `{0}`")]
    UnknownModel(String),
    /// A reference or index names something that does not exist.
    #[error("model `{model}` refers to unknown field `{field}`")]
    UnknownField {
        /// The model holding the reference or index.
        model: String,
        /// The missing target.
        field: String,
    },
}

/// All models of one `Auth`: core tables plus plugin contributions, validated once and then immutable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    models: Vec<ModelDef>,
    by_name: HashMap<String, usize>,
}

impl Schema {
    /// Validates and freezes a list of models, reporting every problem.
    pub fn new(models: Vec<ModelDef>) -> Result<Self, Vec<SchemaError>> {
        let mut errors = Vec::new();
        let mut by_name = HashMap::new();
        let mut tables = HashMap::new();
        for (i, model) in models.iter().enumerate() {
            if by_name.insert(model.name.clone(), i).is_some() {
                errors.push(SchemaError::DuplicateModel(model.name.clone()));
            }
            if tables.insert(model.table.clone(), i).is_some() {
                errors.push(SchemaError::DuplicateTable(model.table.clone()));
            }
            let mut seen = std::collections::HashSet::new();
            for field in &model.fields {
                if !seen.insert(field.name.as_str())
                    || (field.column != field.name && !seen.insert(&field.column))
                {
                    errors.push(SchemaError::DuplicateField {
                        model: model.name.clone(),
                        field: field.name.clone(),
                    });
                }
            }
            for index in &model.indexes {
                for field in &index.fields {
                    if model.get(field).is_none() {
                        errors.push(SchemaError::UnknownField {
                            model: model.name.clone(),
                            field: field.clone(),
                        });
                    }
                }
            }
        }
        for model in &models {
            for field in &model.fields {
                let Some(reference) = &field.references else {
                    continue;
                };
                let target = by_name.get(&reference.model).and_then(|&i| models.get(i));
                if target.and_then(|t| t.get(&reference.field)).is_none() {
                    errors.push(SchemaError::UnknownField {
                        model: model.name.clone(),
                        field: format!("{}.{}", reference.model, reference.field),
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(Self { models, by_name })
        } else {
            Err(errors)
        }
    }

    /// The model named `name`.
    pub fn model(&self, name: &str) -> Option<&ModelDef> {
        self.by_name.get(name).and_then(|&i| self.models.get(i))
    }

    /// Every model, in definition order (referenced models before referencing ones in the core schema).
    pub fn models(&self) -> &[ModelDef] {
        &self.models
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::datetime;

    use super::*;

    fn check(field: &AdditionalField, json: &serde_json::Value, expected: Option<&Value>) {
        assert_eq!(
            field.value_from_json(json).as_ref(),
            expected,
            "{} {json}",
            field.name
        );
    }

    #[test]
    fn additional_fields_read_json_of_their_type() {
        let text = AdditionalField::new("text", FieldType::String);
        check(&text, &json!("a"), Some(&Value::from("a")));
        check(&text, &json!(1), None);
        check(&text, &json!(null), None);
        check(
            &text.clone().required(false),
            &json!(null),
            Some(&Value::Null),
        );
        let number = AdditionalField::new("n", FieldType::Number);
        check(&number, &json!(3), Some(&Value::Int(3)));
        check(&number, &json!(1.5), None);
        check(&number, &json!("3"), None);
        let flag = AdditionalField::new("b", FieldType::Boolean);
        check(&flag, &json!(true), Some(&Value::Bool(true)));
        let date = AdditionalField::new("d", FieldType::Date);
        check(
            &date,
            &json!("2026-01-02T03:04:05.006Z"),
            Some(&Value::Timestamp(datetime!(2026-01-02 03:04:05.006 UTC))),
        );
        check(&date, &json!("yesterday"), None);
        let doc = AdditionalField::new("j", FieldType::Json);
        check(
            &doc,
            &json!({"a": [1]}),
            Some(&Value::Json(json!({"a": [1]}))),
        );
        let list = AdditionalField::new("l", FieldType::StringList);
        check(
            &list,
            &json!(["a", "b"]),
            Some(&Value::from(vec!["a".to_owned(), "b".to_owned()])),
        );
        check(&list, &json!(["a", 1]), None);
    }

    #[test]
    fn additional_fields_become_columns() {
        let field = AdditionalField::new("tier", FieldType::String);
        assert!(field.field_def().required);
        assert_eq!(field.field_def().column, "tier");
        let optional = field.required(false).input(false).returned(false);
        assert!(!optional.field_def().required);
        assert!(!optional.input && !optional.returned);
    }
}
