//! Additional fields (upstream's `schema.<model>.additionalFields`) on `organization`, `member`,
//! `invitation`, `team` and `organizationRole`: the option, the values a write carries, and the JSON the endpoints answer.
//!
//! The fields become columns of their model (`schema`), request bodies of the create and update endpoints
//! accept the ones with `input` (`routes::input`), creates fill `default_value`s, and answers list them in
//! declaration order before `id`, as upstream's adapter does, leaving out the ones with `returned: false`.
//! Upstream hides those only in some answers (organizations and teams everywhere, members and invitations
//! only in the full organization, stored roles nowhere); Bulwark hides them in every answer, since a field
//! marked not returned is one its owner wants kept out of responses.

use bulwark_core::ApiError;
use bulwark_core::adapter::Row;
use bulwark_core::error::codes as core_codes;
use bulwark_core::models::wire;
pub use bulwark_core::schema::AdditionalField;
use bulwark_core::schema::FieldType;
use http::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value as Json};

use crate::api::{AcceptedInvitation, UserInvitation};
use crate::models::{Invitation, Member, MemberWithUser, Organization, Team};

/// The fields an application adds to the plugin's models (upstream's `schema.organization.additionalFields`,
/// `schema.member.additionalFields`, `schema.invitation.additionalFields`, `schema.team.additionalFields`
/// and `schema.organizationRole.additionalFields`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct AdditionalFields {
    /// Fields of `organization`.
    pub organization: Vec<AdditionalField>,
    /// Fields of `member`.
    pub member: Vec<AdditionalField>,
    /// Fields of `invitation`.
    pub invitation: Vec<AdditionalField>,
    /// Fields of `team` (with teams enabled).
    pub team: Vec<AdditionalField>,
    /// Fields of `organizationRole` (with dynamic access control enabled).
    pub organization_role: Vec<AdditionalField>,
}

impl AdditionalFields {
    /// Adds fields to `organization`.
    #[must_use]
    pub fn organization(mut self, fields: impl IntoIterator<Item = AdditionalField>) -> Self {
        self.organization.extend(fields);
        self
    }

    /// Adds fields to `member`.
    #[must_use]
    pub fn member(mut self, fields: impl IntoIterator<Item = AdditionalField>) -> Self {
        self.member.extend(fields);
        self
    }

    /// Adds fields to `invitation`.
    #[must_use]
    pub fn invitation(mut self, fields: impl IntoIterator<Item = AdditionalField>) -> Self {
        self.invitation.extend(fields);
        self
    }

    /// Adds fields to `team`.
    #[must_use]
    pub fn team(mut self, fields: impl IntoIterator<Item = AdditionalField>) -> Self {
        self.team.extend(fields);
        self
    }

    /// Adds fields to `organizationRole`.
    #[must_use]
    pub fn organization_role(mut self, fields: impl IntoIterator<Item = AdditionalField>) -> Self {
        self.organization_role.extend(fields);
        self
    }
}

/// The name zod gives the type a field expects, for validation messages.
pub(crate) fn expected(field: &AdditionalField) -> &'static str {
    match field.ty {
        FieldType::Number => "int",
        FieldType::Float => "number",
        FieldType::Boolean => "boolean",
        FieldType::Date => "date",
        FieldType::StringList | FieldType::NumberList => "array",
        FieldType::Json => "json",
        _ => "string",
    }
}

/// The JSON form of `row`'s values, for the `data` maps the organization hooks see.
pub(crate) fn to_data(row: &Row, data: &mut Map<String, Json>) {
    for (name, value) in row.iter() {
        data.insert(name.to_owned(), wire::value_to_json(value));
    }
}

/// The values of `fields` present in `data` (a request's or a hook's), as stored values; with `create`,
/// absent fields with a default get it. A value of the wrong type is upstream's validation error.
pub(crate) fn from_data(
    fields: &[AdditionalField],
    data: &Map<String, Json>,
    create: bool,
) -> Result<Row, ApiError> {
    let mut row = Row::new();
    for field in fields {
        match data.get(&field.name) {
            Some(json) => {
                let Some(value) = field.value_from_json(json) else {
                    return Err(ApiError::with_message(
                        StatusCode::BAD_REQUEST,
                        core_codes::VALIDATION_ERROR,
                        format!(
                            "[{}] Invalid input: expected {}",
                            field.name,
                            expected(field)
                        ),
                    ));
                };
                row.set(field.name.as_str(), value);
            }
            None if create => {
                if let Some(default) = &field.default_value {
                    row.set(field.name.as_str(), default.clone());
                }
            }
            None => {}
        }
    }
    Ok(row)
}

/// The defaults of `fields`, for a create that carries no values of its own.
pub(crate) fn defaults(fields: &[AdditionalField]) -> Row {
    fields
        .iter()
        .filter_map(|field| Some((field.name.clone(), field.default_value.clone()?)))
        .collect()
}

/// Puts the additional fields of `object` in declaration order just before `id`, as upstream answers,
/// and leaves out those not `returned`. Other keys keep their places.
pub(crate) fn shape(object: &mut Json, fields: &[AdditionalField]) {
    if let Json::Object(map) = object {
        shape_map(map, fields);
    }
}

/// [`shape`] for an object already at hand.
pub(crate) fn shape_map(map: &mut Map<String, Json>, fields: &[AdditionalField]) {
    if fields.is_empty() {
        return;
    }
    let mut moved = Vec::with_capacity(fields.len());
    for field in fields {
        if let Some(value) = map.shift_remove(&field.name)
            && field.returned
        {
            moved.push((field.name.clone(), value));
        }
    }
    let id = map.shift_remove("id");
    map.extend(moved);
    if let Some(id) = id {
        map.insert("id".to_owned(), id);
    }
}

fn json_of(value: &impl Serialize) -> Json {
    serde_json::to_value(value).unwrap_or(Json::Null)
}

/// A plugin model as the endpoints answer it: shaped by the additional fields.
pub(crate) trait Output {
    /// The JSON answer.
    fn output(&self, fields: &AdditionalFields) -> Json;
}

impl Output for Organization {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut json = json_of(self);
        shape(&mut json, &fields.organization);
        json
    }
}

impl Output for Member {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut json = json_of(self);
        shape(&mut json, &fields.member);
        json
    }
}

impl Output for MemberWithUser {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut json = self.member.output(fields);
        if let Json::Object(map) = &mut json {
            map.insert("user".to_owned(), json_of(&self.user));
        }
        json
    }
}

impl Output for Invitation {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut json = json_of(self);
        shape(&mut json, &fields.invitation);
        json
    }
}

impl Output for UserInvitation {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut json = self.invitation.output(fields);
        if let (Json::Object(map), Some(name)) = (&mut json, &self.organization_name) {
            map.insert("organizationName".to_owned(), Json::String(name.clone()));
        }
        json
    }
}

impl Output for AcceptedInvitation {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut map = Map::new();
        map.insert("invitation".to_owned(), self.invitation.output(fields));
        map.insert("member".to_owned(), self.member.output(fields));
        Json::Object(map)
    }
}

impl Output for Team {
    fn output(&self, fields: &AdditionalFields) -> Json {
        let mut json = json_of(self);
        shape(&mut json, &fields.team);
        json
    }
}

impl<T: Output> Output for [T] {
    fn output(&self, fields: &AdditionalFields) -> Json {
        Json::Array(self.iter().map(|item| item.output(fields)).collect())
    }
}

impl<T: Output> Output for Vec<T> {
    fn output(&self, fields: &AdditionalFields) -> Json {
        self.as_slice().output(fields)
    }
}

impl<T: Output> Output for Option<T> {
    fn output(&self, fields: &AdditionalFields) -> Json {
        self.as_ref().map_or(Json::Null, |item| item.output(fields))
    }
}

#[cfg(test)]
mod tests {
    use bulwark_core::adapter::Value;
    use serde_json::json;

    use super::*;

    fn fields() -> Vec<AdditionalField> {
        vec![
            AdditionalField::new("b", FieldType::String),
            AdditionalField::new("secret", FieldType::String).returned(false),
            AdditionalField::new("a", FieldType::Number).default_value(7_i64),
        ]
    }

    #[test]
    fn answers_list_additional_fields_in_order_before_id_without_hidden_ones() {
        let mut object =
            json!({"name": "x", "id": "1", "a": 1, "b": "2", "secret": "s", "other": 0});
        shape(&mut object, &fields());
        let keys: Vec<&String> = object.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["name", "other", "b", "a", "id"]);
    }

    #[test]
    fn data_converts_present_fields_and_fills_defaults_on_create() {
        let mut data = Map::new();
        data.insert("b".to_owned(), json!("hey"));
        let created = from_data(&fields(), &data, true).unwrap();
        assert_eq!(created.get("b"), Some(&Value::from("hey")));
        assert_eq!(created.get("a"), Some(&Value::Int(7)));
        assert!(!created.contains("secret"));
        let updated = from_data(&fields(), &data, false).unwrap();
        assert!(!updated.contains("a"));
        data.insert("a".to_owned(), json!("seven"));
        let err = from_data(&fields(), &data, true).unwrap_err();
        assert_eq!(err.message(), "[a] Invalid input: expected int");
    }
}
