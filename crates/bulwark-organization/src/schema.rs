//! The plugin's schema contribution: its models and the session fields, following upstream's schema at
//! v1.6.30 and v1.7.1.
//!
//! Where the pins differ Bulwark takes the superset: `team.memberCount` and `teamMember.membershipKey`
//! (v1.7.1) always exist, nullable, so a database created by v1.6.30 migrates by adding columns and a
//! v1.7.1 database is read as is. Bulwark adds one constraint upstream lacks: a unique index over
//! `member(organizationId, userId)`, so concurrent adds of the same user can never make two memberships.

use bulwark_core::schema::{AdditionalField, FieldDef, FieldType, ModelDef};

use crate::options::OrganizationOptions;

/// The name of the unique index over `member(organizationId, userId)`.
pub const MEMBER_UNIQUE_INDEX: &str = "member_organizationId_userId_uidx";

/// The name of the unique index over `organizationRole(organizationId, role)`.
pub const ROLE_UNIQUE_INDEX: &str = "organizationRole_organizationId_role_uidx";

/// The models the plugin adds, in upstream's order (referenced models first).
///
/// The application's additional fields follow each model's own fields; one that repeats a field name
/// fails the build (`DuplicateField`).
pub fn models(options: &OrganizationOptions) -> Vec<ModelDef> {
    let extra = &options.additional_fields;
    let mut models = vec![with_fields(organization(), &extra.organization)];
    if options.dynamic_access_control.enabled {
        models.push(with_fields(organization_role(), &extra.organization_role));
    }
    if options.teams.enabled {
        models.push(with_fields(team(), &extra.team));
        models.push(team_member());
    }
    models.push(with_fields(member(), &extra.member));
    models.push(with_fields(
        invitation(options.teams.enabled),
        &extra.invitation,
    ));
    models
}

fn with_fields(model: ModelDef, fields: &[AdditionalField]) -> ModelDef {
    fields
        .iter()
        .fold(model, |model, field| model.field(field.field_def()))
}

fn organization_id() -> FieldDef {
    FieldDef::new("organizationId", FieldType::String)
        .required()
        .index()
        .references("organization", "id")
}

fn user_id() -> FieldDef {
    FieldDef::new("userId", FieldType::String)
        .required()
        .index()
        .references("user", "id")
}

fn organization() -> ModelDef {
    ModelDef::new("organization")
        .field(FieldDef::new("name", FieldType::String).required())
        .field(
            FieldDef::new("slug", FieldType::String)
                .required()
                .unique()
                .index(),
        )
        .field(FieldDef::new("logo", FieldType::String))
        .field(FieldDef::new("createdAt", FieldType::Date).required())
        .field(FieldDef::new("metadata", FieldType::String))
}

fn organization_role() -> ModelDef {
    ModelDef::new("organizationRole")
        .field(organization_id())
        .field(FieldDef::new("role", FieldType::String).required().index())
        .field(FieldDef::new("permission", FieldType::String).required())
        .field(FieldDef::new("createdAt", FieldType::Date).required())
        .field(FieldDef::new("updatedAt", FieldType::Date))
        // Upstream checks the name and then inserts; the index makes two concurrent creates of one
        // name store it once (the loser gets ROLE_NAME_IS_ALREADY_TAKEN).
        .index(ROLE_UNIQUE_INDEX, &["organizationId", "role"], true)
}

fn team() -> ModelDef {
    ModelDef::new("team")
        .field(FieldDef::new("name", FieldType::String).required())
        .field(FieldDef::new("memberCount", FieldType::Number))
        .field(organization_id())
        .field(FieldDef::new("createdAt", FieldType::Date).required())
        .field(FieldDef::new("updatedAt", FieldType::Date))
}

fn team_member() -> ModelDef {
    ModelDef::new("teamMember")
        .field(
            FieldDef::new("teamId", FieldType::String)
                .required()
                .index()
                .references("team", "id"),
        )
        .field(user_id())
        .field(FieldDef::new("membershipKey", FieldType::String).unique())
        .field(FieldDef::new("createdAt", FieldType::Date))
}

fn member() -> ModelDef {
    ModelDef::new("member")
        .field(organization_id())
        .field(user_id())
        .field(FieldDef::new("role", FieldType::String).required())
        .field(FieldDef::new("createdAt", FieldType::Date).required())
        .index(MEMBER_UNIQUE_INDEX, &["organizationId", "userId"], true)
}

fn invitation(teams: bool) -> ModelDef {
    let mut invitation = ModelDef::new("invitation")
        .field(organization_id())
        .field(FieldDef::new("email", FieldType::String).required().index())
        .field(FieldDef::new("role", FieldType::String));
    if teams {
        invitation = invitation.field(FieldDef::new("teamId", FieldType::String));
    }
    invitation
        .field(FieldDef::new("status", FieldType::String).required())
        .field(FieldDef::new("expiresAt", FieldType::Date).required())
        .field(FieldDef::new("createdAt", FieldType::Date).required())
        .field(
            FieldDef::new("inviterId", FieldType::String)
                .required()
                .references("user", "id"),
        )
}

/// The fields the plugin adds to `session`: `activeOrganizationId`, and `activeTeamId` with teams.
pub fn session_fields(options: &OrganizationOptions) -> Vec<FieldDef> {
    let mut fields = vec![FieldDef::new("activeOrganizationId", FieldType::String)];
    if options.teams.enabled {
        fields.push(FieldDef::new("activeTeamId", FieldType::String));
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{DynamicAccessControl, TeamOptions};

    fn names(options: &OrganizationOptions) -> Vec<String> {
        models(options).into_iter().map(|m| m.name).collect()
    }

    #[test]
    fn models_follow_the_options() {
        assert_eq!(
            names(&OrganizationOptions::default()),
            ["organization", "member", "invitation"]
        );
        let all = OrganizationOptions::default()
            .teams(TeamOptions::enabled())
            .dynamic_access_control(DynamicAccessControl::enabled());
        assert_eq!(
            names(&all),
            [
                "organization",
                "organizationRole",
                "team",
                "teamMember",
                "member",
                "invitation"
            ]
        );
        let invitation = models(&all).pop().unwrap();
        assert!(invitation.get("teamId").is_some());
        assert_eq!(session_fields(&all).len(), 2);
    }

    #[test]
    fn additional_fields_follow_each_models_own_fields() {
        use crate::fields::{AdditionalField, AdditionalFields};
        let fields = AdditionalFields::default()
            .organization([AdditionalField::new("tier", FieldType::String).required(false)])
            .member([AdditionalField::new("title", FieldType::String)])
            .invitation([AdditionalField::new("note", FieldType::String)])
            .team([AdditionalField::new("color", FieldType::String)]);
        let options = OrganizationOptions::default()
            .teams(TeamOptions::enabled())
            .additional_fields(fields);
        let last = |name: &str| {
            let model = models(&options)
                .into_iter()
                .find(|m| m.name == name)
                .unwrap();
            model.fields.last().cloned().unwrap()
        };
        assert_eq!(last("organization").name, "tier");
        assert!(!last("organization").required);
        assert_eq!(last("member").name, "title");
        assert!(last("member").required);
        assert_eq!(last("invitation").name, "note");
        assert_eq!(last("team").name, "color");
        assert_eq!(last("teamMember").name, "createdAt");
    }

    #[test]
    fn memberships_are_unique_per_organization_and_user() {
        let member = models(&OrganizationOptions::default())
            .into_iter()
            .find(|m| m.name == "member")
            .unwrap();
        let index = member
            .indexes
            .iter()
            .find(|i| i.name == MEMBER_UNIQUE_INDEX)
            .unwrap();
        assert!(index.unique);
        assert_eq!(index.fields, ["organizationId", "userId"]);
    }
}
