//! The plugin's models: `organization`, `member`, `invitation`, `team`, `teamMember` and
//! `organizationRole`, with upstream's field names and JSON key order (schema order, then `id`, then
//! additional fields in `extra`; the endpoints answer additional fields before `id`, see
//! [`crate::fields`]).

mod invitation;
mod member;
mod organization;
mod organization_role;
mod team;
mod team_member;

pub use invitation::Invitation;
pub use member::{Member, MemberUser, MemberWithUser};
pub use organization::Organization;
pub use organization_role::OrganizationRole;
pub use team::Team;
pub use team_member::{TeamMember, team_membership_key};
