//! The organization plugin's error codes (upstream's `ORGANIZATION_ERROR_CODES`), spelled exactly as upstream.
//!
//! The list and every message are identical at v1.6.30 and v1.7.1. Two codes are not in upstream's list
//! but appear in its answers: `ORGANIZATION_DELETION_DISABLED` (thrown inline by `/organization/delete`)
//! and the core's `USER_NOT_FOUND` (used by add-member).

use bulwark_core::ErrorCode;

/// `YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION`: "You are not allowed to create a new organization".
pub const YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION",
    "You are not allowed to create a new organization",
);
/// `YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS`: "You have reached the maximum number of organizations".
pub const YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS: ErrorCode = ErrorCode::new(
    "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS",
    "You have reached the maximum number of organizations",
);
/// `ORGANIZATION_ALREADY_EXISTS`: "Organization already exists".
pub const ORGANIZATION_ALREADY_EXISTS: ErrorCode =
    ErrorCode::new("ORGANIZATION_ALREADY_EXISTS", "Organization already exists");
/// `ORGANIZATION_SLUG_ALREADY_TAKEN`: "Organization slug already taken".
pub const ORGANIZATION_SLUG_ALREADY_TAKEN: ErrorCode = ErrorCode::new(
    "ORGANIZATION_SLUG_ALREADY_TAKEN",
    "Organization slug already taken",
);
/// `ORGANIZATION_NOT_FOUND`: "Organization not found".
pub const ORGANIZATION_NOT_FOUND: ErrorCode =
    ErrorCode::new("ORGANIZATION_NOT_FOUND", "Organization not found");
/// `USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION`: "User is not a member of the organization".
pub const USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION: ErrorCode = ErrorCode::new(
    "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION",
    "User is not a member of the organization",
);
/// `YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION`: "You are not allowed to update this organization".
pub const YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION",
    "You are not allowed to update this organization",
);
/// `YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION`: "You are not allowed to delete this organization".
pub const YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION",
    "You are not allowed to delete this organization",
);
/// `NO_ACTIVE_ORGANIZATION`: "No active organization".
pub const NO_ACTIVE_ORGANIZATION: ErrorCode =
    ErrorCode::new("NO_ACTIVE_ORGANIZATION", "No active organization");
/// `USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION`: "User is already a member of this organization".
pub const USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION",
    "User is already a member of this organization",
);
/// `MEMBER_NOT_FOUND`: "Member not found".
pub const MEMBER_NOT_FOUND: ErrorCode = ErrorCode::new("MEMBER_NOT_FOUND", "Member not found");
/// `ROLE_NOT_FOUND`: "Role not found".
pub const ROLE_NOT_FOUND: ErrorCode = ErrorCode::new("ROLE_NOT_FOUND", "Role not found");
/// `YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM`: "You are not allowed to create a new team".
pub const YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM",
    "You are not allowed to create a new team",
);
/// `TEAM_ALREADY_EXISTS`: "Team already exists".
pub const TEAM_ALREADY_EXISTS: ErrorCode =
    ErrorCode::new("TEAM_ALREADY_EXISTS", "Team already exists");
/// `TEAM_NOT_FOUND`: "Team not found".
pub const TEAM_NOT_FOUND: ErrorCode = ErrorCode::new("TEAM_NOT_FOUND", "Team not found");
/// `YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER`: "You cannot leave the organization as the only owner".
pub const YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER: ErrorCode = ErrorCode::new(
    "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER",
    "You cannot leave the organization as the only owner",
);
/// `YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER`: "You cannot leave the organization without an owner".
pub const YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER: ErrorCode = ErrorCode::new(
    "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER",
    "You cannot leave the organization without an owner",
);
/// `YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER`: "You are not allowed to delete this member".
pub const YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER",
    "You are not allowed to delete this member",
);
/// `YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION`: "You are not allowed to invite users to this organization".
pub const YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION",
    "You are not allowed to invite users to this organization",
);
/// `USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION`: "User is already invited to this organization".
pub const USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION",
    "User is already invited to this organization",
);
/// `INVITATION_NOT_FOUND`: "Invitation not found".
pub const INVITATION_NOT_FOUND: ErrorCode =
    ErrorCode::new("INVITATION_NOT_FOUND", "Invitation not found");
/// `YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION`: "You are not the recipient of the invitation".
pub const YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION",
    "You are not the recipient of the invitation",
);
/// `EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION`: "Email verification required before accepting or rejecting invitation".
pub const EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION: ErrorCode =
    ErrorCode::new(
        "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION",
        "Email verification required before accepting or rejecting invitation",
    );
/// `EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION`: "Email verification required to view or list invitations for the session email".
pub const EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION: ErrorCode = ErrorCode::new(
    "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION",
    "Email verification required to view or list invitations for the session email",
);
/// `YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION`: "You are not allowed to cancel this invitation".
pub const YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION",
    "You are not allowed to cancel this invitation",
);
/// `INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION`: "Inviter is no longer a member of the organization".
pub const INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION: ErrorCode = ErrorCode::new(
    "INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION",
    "Inviter is no longer a member of the organization",
);
/// `YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE`: "You are not allowed to invite a user with this role".
pub const YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE",
    "You are not allowed to invite a user with this role",
);
/// `FAILED_TO_RETRIEVE_INVITATION`: "Failed to retrieve invitation".
pub const FAILED_TO_RETRIEVE_INVITATION: ErrorCode = ErrorCode::new(
    "FAILED_TO_RETRIEVE_INVITATION",
    "Failed to retrieve invitation",
);
/// `YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS`: "You have reached the maximum number of teams".
pub const YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS: ErrorCode = ErrorCode::new(
    "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS",
    "You have reached the maximum number of teams",
);
/// `UNABLE_TO_REMOVE_LAST_TEAM`: "Unable to remove last team".
pub const UNABLE_TO_REMOVE_LAST_TEAM: ErrorCode =
    ErrorCode::new("UNABLE_TO_REMOVE_LAST_TEAM", "Unable to remove last team");
/// `YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER`: "You are not allowed to update this member".
pub const YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER",
    "You are not allowed to update this member",
);
/// `ORGANIZATION_MEMBERSHIP_LIMIT_REACHED`: "Organization membership limit reached".
pub const ORGANIZATION_MEMBERSHIP_LIMIT_REACHED: ErrorCode = ErrorCode::new(
    "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED",
    "Organization membership limit reached",
);
/// `YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION`: "You are not allowed to create teams in this organization".
pub const YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION",
    "You are not allowed to create teams in this organization",
);
/// `YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION`: "You are not allowed to delete teams in this organization".
pub const YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION",
    "You are not allowed to delete teams in this organization",
);
/// `YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM`: "You are not allowed to update this team".
pub const YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM",
    "You are not allowed to update this team",
);
/// `YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM`: "You are not allowed to delete this team".
pub const YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM",
    "You are not allowed to delete this team",
);
/// `INVITATION_LIMIT_REACHED`: "Invitation limit reached".
pub const INVITATION_LIMIT_REACHED: ErrorCode =
    ErrorCode::new("INVITATION_LIMIT_REACHED", "Invitation limit reached");
/// `TEAM_MEMBER_LIMIT_REACHED`: "Team member limit reached".
pub const TEAM_MEMBER_LIMIT_REACHED: ErrorCode =
    ErrorCode::new("TEAM_MEMBER_LIMIT_REACHED", "Team member limit reached");
/// `USER_IS_NOT_A_MEMBER_OF_THE_TEAM`: "User is not a member of the team".
pub const USER_IS_NOT_A_MEMBER_OF_THE_TEAM: ErrorCode = ErrorCode::new(
    "USER_IS_NOT_A_MEMBER_OF_THE_TEAM",
    "User is not a member of the team",
);
/// `YOU_CAN_NOT_ACCESS_THE_MEMBERS_OF_THIS_TEAM`: "You are not allowed to list the members of this team".
pub const YOU_CAN_NOT_ACCESS_THE_MEMBERS_OF_THIS_TEAM: ErrorCode = ErrorCode::new(
    "YOU_CAN_NOT_ACCESS_THE_MEMBERS_OF_THIS_TEAM",
    "You are not allowed to list the members of this team",
);
/// `YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM`: "You do not have an active team".
pub const YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM: ErrorCode = ErrorCode::new(
    "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM",
    "You do not have an active team",
);
/// `YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER`: "You are not allowed to create a new member".
pub const YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER",
    "You are not allowed to create a new member",
);
/// `YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER`: "You are not allowed to remove a team member".
pub const YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER",
    "You are not allowed to remove a team member",
);
/// `YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION`: "You are not allowed to access this organization as an owner".
pub const YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION",
    "You are not allowed to access this organization as an owner",
);
/// `YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION`: "You are not a member of this organization".
pub const YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    "You are not a member of this organization",
);
/// `MISSING_AC_INSTANCE`: "Dynamic Access Control requires a pre-defined ac instance on the server auth plugin. Read server logs for more information".
pub const MISSING_AC_INSTANCE: ErrorCode = ErrorCode::new(
    "MISSING_AC_INSTANCE",
    "Dynamic Access Control requires a pre-defined ac instance on the server auth plugin. Read server logs for more information",
);
/// `YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE`: "You must be in an organization to create a role".
pub const YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE",
    "You must be in an organization to create a role",
);
/// `YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE`: "You are not allowed to create a role".
pub const YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE",
    "You are not allowed to create a role",
);
/// `YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE`: "You are not allowed to update a role".
pub const YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE",
    "You are not allowed to update a role",
);
/// `YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE`: "You are not allowed to delete a role".
pub const YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE",
    "You are not allowed to delete a role",
);
/// `YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE`: "You are not allowed to read a role".
pub const YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE",
    "You are not allowed to read a role",
);
/// `YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE`: "You are not allowed to list a role".
pub const YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE",
    "You are not allowed to list a role",
);
/// `YOU_ARE_NOT_ALLOWED_TO_GET_A_ROLE`: "You are not allowed to get a role".
pub const YOU_ARE_NOT_ALLOWED_TO_GET_A_ROLE: ErrorCode = ErrorCode::new(
    "YOU_ARE_NOT_ALLOWED_TO_GET_A_ROLE",
    "You are not allowed to get a role",
);
/// `TOO_MANY_ROLES`: "This organization has too many roles".
pub const TOO_MANY_ROLES: ErrorCode =
    ErrorCode::new("TOO_MANY_ROLES", "This organization has too many roles");
/// `INVALID_RESOURCE`: "The provided permission includes an invalid resource".
pub const INVALID_RESOURCE: ErrorCode = ErrorCode::new(
    "INVALID_RESOURCE",
    "The provided permission includes an invalid resource",
);
/// `ROLE_NAME_IS_ALREADY_TAKEN`: "That role name is already taken".
pub const ROLE_NAME_IS_ALREADY_TAKEN: ErrorCode = ErrorCode::new(
    "ROLE_NAME_IS_ALREADY_TAKEN",
    "That role name is already taken",
);
/// `CANNOT_DELETE_A_PRE_DEFINED_ROLE`: "Cannot delete a pre-defined role".
pub const CANNOT_DELETE_A_PRE_DEFINED_ROLE: ErrorCode = ErrorCode::new(
    "CANNOT_DELETE_A_PRE_DEFINED_ROLE",
    "Cannot delete a pre-defined role",
);
/// `ROLE_IS_ASSIGNED_TO_MEMBERS`: "Cannot delete a role that is assigned to members. Please reassign the members to a different role first".
pub const ROLE_IS_ASSIGNED_TO_MEMBERS: ErrorCode = ErrorCode::new(
    "ROLE_IS_ASSIGNED_TO_MEMBERS",
    "Cannot delete a role that is assigned to members. Please reassign the members to a different role first",
);
/// `INVALID_TEAM_ID`: "Team id contains a reserved character".
pub const INVALID_TEAM_ID: ErrorCode =
    ErrorCode::new("INVALID_TEAM_ID", "Team id contains a reserved character");
/// `ORGANIZATION_DELETION_DISABLED`: "Organization deletion is disabled" (inline in upstream's delete route).
pub const ORGANIZATION_DELETION_DISABLED: ErrorCode = ErrorCode::new(
    "ORGANIZATION_DELETION_DISABLED",
    "Organization deletion is disabled",
);
/// Every code of upstream's `ORGANIZATION_ERROR_CODES`, in upstream's order.
pub const ALL: &[ErrorCode] = &[
    YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION,
    YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS,
    ORGANIZATION_ALREADY_EXISTS,
    ORGANIZATION_SLUG_ALREADY_TAKEN,
    ORGANIZATION_NOT_FOUND,
    USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION,
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION,
    YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION,
    NO_ACTIVE_ORGANIZATION,
    USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION,
    MEMBER_NOT_FOUND,
    ROLE_NOT_FOUND,
    YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM,
    TEAM_ALREADY_EXISTS,
    TEAM_NOT_FOUND,
    YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER,
    YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER,
    YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER,
    YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION,
    USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION,
    INVITATION_NOT_FOUND,
    YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION,
    EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION,
    EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION,
    YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION,
    INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION,
    YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE,
    FAILED_TO_RETRIEVE_INVITATION,
    YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS,
    UNABLE_TO_REMOVE_LAST_TEAM,
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER,
    ORGANIZATION_MEMBERSHIP_LIMIT_REACHED,
    YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION,
    YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION,
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM,
    YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM,
    INVITATION_LIMIT_REACHED,
    TEAM_MEMBER_LIMIT_REACHED,
    USER_IS_NOT_A_MEMBER_OF_THE_TEAM,
    YOU_CAN_NOT_ACCESS_THE_MEMBERS_OF_THIS_TEAM,
    YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM,
    YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER,
    YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER,
    YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION,
    YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION,
    MISSING_AC_INSTANCE,
    YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE,
    YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE,
    YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE,
    YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE,
    YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE,
    YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE,
    YOU_ARE_NOT_ALLOWED_TO_GET_A_ROLE,
    TOO_MANY_ROLES,
    INVALID_RESOURCE,
    ROLE_NAME_IS_ALREADY_TAKEN,
    CANNOT_DELETE_A_PRE_DEFINED_ROLE,
    ROLE_IS_ASSIGNED_TO_MEMBERS,
    INVALID_TEAM_ID,
];

#[cfg(test)]
mod tests {
    use super::ALL;

    #[test]
    fn codes_are_unique_and_upper_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(
                code.as_str()
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b == b'_'),
                "{code}"
            );
            assert!(!code.message().is_empty());
        }
        assert_eq!(ALL.len(), 59);
    }
}
