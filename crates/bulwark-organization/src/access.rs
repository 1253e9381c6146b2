//! Access control: statements (resources and their actions), roles, and the permission check upstream's
//! `hasPermission` runs.
//!
//! A role grants actions on resources. A permission request names resources and the actions wanted on
//! each; a role satisfies it when it grants every requested action on every requested resource (upstream's
//! `AND` connector, the only one its endpoints use). A member may hold several roles (`"admin,sales"`);
//! the member has a permission when any one role satisfies the whole request.

mod statement;

use std::collections::BTreeMap;
use std::fmt;

pub use statement::{default_roles, default_statements};

/// Resources and the actions on each, in declaration order.
pub type Statements = Vec<(String, Vec<String>)>;

/// A permission request: resources and the actions wanted on each (`{"member": ["create"]}`).
pub type Permissions = Vec<(String, Vec<String>)>;

fn statements_from<R, A, I>(statements: impl IntoIterator<Item = (R, I)>) -> Statements
where
    R: Into<String>,
    A: Into<String>,
    I: IntoIterator<Item = A>,
{
    statements
        .into_iter()
        .map(|(resource, actions)| {
            (
                resource.into(),
                actions.into_iter().map(Into::into).collect(),
            )
        })
        .collect()
}

/// Builds a permission request from pairs, e.g. `permissions([("member", ["create"])])`.
pub fn permissions<R, A, I>(request: impl IntoIterator<Item = (R, I)>) -> Permissions
where
    R: Into<String>,
    A: Into<String>,
    I: IntoIterator<Item = A>,
{
    statements_from(request)
}

/// The statements an application's roles may use (upstream's `createAccessControl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessControl {
    statements: Statements,
}

impl AccessControl {
    /// An access control over `statements`.
    pub fn new<R, A, I>(statements: impl IntoIterator<Item = (R, I)>) -> Self
    where
        R: Into<String>,
        A: Into<String>,
        I: IntoIterator<Item = A>,
    {
        Self {
            statements: statements_from(statements),
        }
    }

    /// The declared statements.
    pub fn statements(&self) -> &Statements {
        &self.statements
    }

    /// Whether `resource` is declared.
    pub fn has_resource(&self, resource: &str) -> bool {
        self.statements.iter().any(|(r, _)| r == resource)
    }

    /// A role granting `statements` (upstream's `ac.newRole`).
    pub fn new_role<R, A, I>(&self, statements: impl IntoIterator<Item = (R, I)>) -> Role
    where
        R: Into<String>,
        A: Into<String>,
        I: IntoIterator<Item = A>,
    {
        Role::new(statements)
    }
}

impl Default for AccessControl {
    /// Upstream's default statements.
    fn default() -> Self {
        Self {
            statements: default_statements(),
        }
    }
}

/// A role: the actions it grants on each resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    statements: Statements,
}

/// Why a role does not satisfy a permission request (upstream's `authorize` error strings).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Denied {
    /// The role knows nothing about a requested resource.
    UnknownResource(String),
    /// The role does not grant every requested action on a resource (or none were requested).
    Unauthorized(String),
    /// The request named no resource.
    NotAuthorized,
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownResource(r) => write!(f, "You are not allowed to access resource: {r}"),
            Self::Unauthorized(r) => write!(f, "unauthorized to access resource \"{r}\""),
            Self::NotAuthorized => f.write_str("Not authorized"),
        }
    }
}

impl Role {
    /// A role granting `statements`.
    pub fn new<R, A, I>(statements: impl IntoIterator<Item = (R, I)>) -> Self
    where
        R: Into<String>,
        A: Into<String>,
        I: IntoIterator<Item = A>,
    {
        Self {
            statements: statements_from(statements),
        }
    }

    /// What the role grants.
    pub fn statements(&self) -> &Statements {
        &self.statements
    }

    fn actions(&self, resource: &str) -> Option<&[String]> {
        self.statements
            .iter()
            .find(|(r, _)| r == resource)
            .map(|(_, a)| a.as_slice())
    }

    /// Checks `request` against the role: every requested resource must be granted with every requested
    /// action, and an empty action list or an empty request is denied.
    pub fn authorize(&self, request: &Permissions) -> Result<(), Denied> {
        if request.is_empty() {
            return Err(Denied::NotAuthorized);
        }
        for (resource, wanted) in request {
            let Some(allowed) = self.actions(resource) else {
                return Err(Denied::UnknownResource(resource.clone()));
            };
            if wanted.is_empty() || !wanted.iter().all(|w| allowed.contains(w)) {
                return Err(Denied::Unauthorized(resource.clone()));
            }
        }
        Ok(())
    }

    /// This role with `extra` actions added (a stored role's permissions merged over a static role, as
    /// upstream's dynamic access control does).
    #[must_use]
    pub fn merged(mut self, extra: &Statements) -> Self {
        for (resource, actions) in extra {
            match self.statements.iter_mut().find(|(r, _)| r == resource) {
                Some((_, have)) => {
                    for action in actions {
                        if !have.contains(action) {
                            have.push(action.clone());
                        }
                    }
                }
                None => self.statements.push((resource.clone(), actions.clone())),
            }
        }
        self
    }
}

/// The roles known to an organization, by name.
pub type RoleSet = BTreeMap<String, Role>;

/// Upstream's `hasPermissionFn`: whether a member holding `roles` (comma-separated, as stored) may do
/// everything in `request`. With `allow_creator_all`, holding `creator_role` grants everything.
pub fn has_permission(
    roles: &str,
    request: &Permissions,
    known: &RoleSet,
    creator_role: &str,
    allow_creator_all: bool,
) -> bool {
    let held: Vec<&str> = roles.split(',').collect();
    if allow_creator_all && held.contains(&creator_role) {
        return true;
    }
    held.iter()
        .filter_map(|name| known.get(*name))
        .any(|role| role.authorize(request).is_ok())
}

/// Splits a stored role list (`"admin, sales"`) into trimmed, non-empty names.
pub fn split_roles(roles: &str) -> Vec<String> {
    roles
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> RoleSet {
        default_roles().into_iter().collect()
    }

    fn check(roles: &str, request: &[(&str, &[&str])], expected: bool) {
        let request = permissions(request.iter().map(|(r, a)| (*r, a.iter().copied())));
        assert_eq!(
            has_permission(roles, &request, &defaults(), "owner", false),
            expected,
            "{roles} {request:?}"
        );
    }

    #[test]
    fn default_roles_grant_upstreams_permissions() {
        check("owner", &[("organization", &["update", "delete"])], true);
        check("admin", &[("organization", &["update"])], true);
        check("admin", &[("organization", &["delete"])], false);
        check(
            "admin",
            &[("member", &["create", "update", "delete"])],
            true,
        );
        check("member", &[("member", &["create"])], false);
        check("member", &[("ac", &["read"])], true);
        check("member", &[("ac", &["read", "create"])], false);
        check(
            "owner",
            &[("invitation", &["create", "cancel"]), ("team", &["delete"])],
            true,
        );
    }

    #[test]
    fn several_roles_any_one_must_satisfy_the_whole_request() {
        check("member,admin", &[("member", &["delete"])], true);
        check("member,unknown", &[("member", &["delete"])], false);
        check(
            "admin",
            &[("organization", &["update"]), ("organization", &["delete"])],
            false,
        );
    }

    #[test]
    fn empty_or_unknown_requests_are_denied() {
        check("owner", &[], false);
        check("owner", &[("member", &[])], false);
        check("owner", &[("billing", &["read"])], false);
        let owner = defaults().remove("owner").unwrap();
        assert_eq!(
            owner
                .authorize(&permissions([("billing", ["read"])]))
                .unwrap_err()
                .to_string(),
            "You are not allowed to access resource: billing"
        );
        assert_eq!(
            owner
                .authorize(&permissions([("member", ["fly"])]))
                .unwrap_err()
                .to_string(),
            "unauthorized to access resource \"member\""
        );
    }

    #[test]
    fn the_creator_may_be_granted_everything() {
        let request = permissions([("billing", ["read"])]);
        assert!(has_permission(
            "owner",
            &request,
            &defaults(),
            "owner",
            true
        ));
        assert!(!has_permission(
            "admin",
            &request,
            &defaults(),
            "owner",
            true
        ));
    }

    #[test]
    fn merged_roles_gain_actions_once() {
        let role = Role::new([("member", vec!["create"])]).merged(&permissions([
            ("member", vec!["create", "update"]),
            ("ac", vec!["read"]),
        ]));
        assert_eq!(
            role.statements(),
            &permissions([("member", vec!["create", "update"]), ("ac", vec!["read"])])
        );
    }

    #[test]
    fn role_lists_split_like_upstream() {
        assert_eq!(split_roles("admin, sales,,"), ["admin", "sales"]);
    }
}
