//! Upstream's default statements and its three default roles (`owner`, `admin`, `member`).

use super::{Role, Statements, statements_from};

/// Upstream's `defaultStatements`.
pub fn default_statements() -> Statements {
    statements_from([
        ("organization", vec!["update", "delete"]),
        ("member", vec!["create", "update", "delete"]),
        ("invitation", vec!["create", "cancel"]),
        ("team", vec!["create", "update", "delete"]),
        ("ac", vec!["create", "read", "update", "delete"]),
    ])
}

/// Upstream's `defaultRoles`, in its order: `admin`, `owner`, `member`. Owners may do everything; admins
/// everything but delete the organization; members only read the organization's roles.
pub fn default_roles() -> Vec<(String, Role)> {
    let admin = Role::new([
        ("organization", vec!["update"]),
        ("invitation", vec!["create", "cancel"]),
        ("member", vec!["create", "update", "delete"]),
        ("team", vec!["create", "update", "delete"]),
        ("ac", vec!["create", "read", "update", "delete"]),
    ]);
    let owner = Role::new(default_statements());
    let member = Role::new([
        ("organization", vec![]),
        ("member", vec![]),
        ("invitation", vec![]),
        ("team", vec![]),
        ("ac", vec!["read"]),
    ]);
    vec![
        ("admin".to_owned(), admin),
        ("owner".to_owned(), owner),
        ("member".to_owned(), member),
    ]
}
