//! Upstream's error codes (`BASE_ERROR_CODES`), spelled exactly as upstream spells them.

use std::fmt;

/// A stable error code with upstream's default message. Codes are the public contract; messages may be
/// overridden per error.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    code: &'static str,
    message: &'static str,
}

impl ErrorCode {
    /// A code and its default message (plugins declare theirs in their own `codes` module).
    pub const fn new(code: &'static str, message: &'static str) -> Self {
        Self { code, message }
    }

    /// The code, e.g. `USER_NOT_FOUND`.
    pub const fn as_str(self) -> &'static str {
        self.code
    }

    /// The default message, e.g. `User not found`.
    pub const fn message(self) -> &'static str {
        self.message
    }
}

impl fmt::Debug for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code)
    }
}

/// `USER_NOT_FOUND`: "User not found".
pub const USER_NOT_FOUND: ErrorCode = ErrorCode::new("USER_NOT_FOUND", "User not found");
/// `FAILED_TO_CREATE_USER`: "Failed to create user".
pub const FAILED_TO_CREATE_USER: ErrorCode =
    ErrorCode::new("FAILED_TO_CREATE_USER", "Failed to create user");
/// `FAILED_TO_CREATE_SESSION`: "Failed to create session".
pub const FAILED_TO_CREATE_SESSION: ErrorCode =
    ErrorCode::new("FAILED_TO_CREATE_SESSION", "Failed to create session");
/// `FAILED_TO_UPDATE_USER`: "Failed to update user".
pub const FAILED_TO_UPDATE_USER: ErrorCode =
    ErrorCode::new("FAILED_TO_UPDATE_USER", "Failed to update user");
/// `FAILED_TO_GET_SESSION`: "Failed to get session".
pub const FAILED_TO_GET_SESSION: ErrorCode =
    ErrorCode::new("FAILED_TO_GET_SESSION", "Failed to get session");
/// `INVALID_PASSWORD`: "Invalid password".
pub const INVALID_PASSWORD: ErrorCode = ErrorCode::new("INVALID_PASSWORD", "Invalid password");
/// `INVALID_EMAIL`: "Invalid email".
pub const INVALID_EMAIL: ErrorCode = ErrorCode::new("INVALID_EMAIL", "Invalid email");
/// `INVALID_EMAIL_OR_PASSWORD`: "Invalid email or password".
pub const INVALID_EMAIL_OR_PASSWORD: ErrorCode =
    ErrorCode::new("INVALID_EMAIL_OR_PASSWORD", "Invalid email or password");
/// `INVALID_USER`: "Invalid user".
pub const INVALID_USER: ErrorCode = ErrorCode::new("INVALID_USER", "Invalid user");
/// `SOCIAL_ACCOUNT_ALREADY_LINKED`: "Social account already linked".
pub const SOCIAL_ACCOUNT_ALREADY_LINKED: ErrorCode = ErrorCode::new(
    "SOCIAL_ACCOUNT_ALREADY_LINKED",
    "Social account already linked",
);
/// `PROVIDER_NOT_FOUND`: "Provider not found".
pub const PROVIDER_NOT_FOUND: ErrorCode =
    ErrorCode::new("PROVIDER_NOT_FOUND", "Provider not found");
/// `INVALID_TOKEN`: "Invalid token".
pub const INVALID_TOKEN: ErrorCode = ErrorCode::new("INVALID_TOKEN", "Invalid token");
/// `TOKEN_EXPIRED`: "Token expired".
pub const TOKEN_EXPIRED: ErrorCode = ErrorCode::new("TOKEN_EXPIRED", "Token expired");
/// `ID_TOKEN_NOT_SUPPORTED`: "`id_token` not supported".
pub const ID_TOKEN_NOT_SUPPORTED: ErrorCode =
    ErrorCode::new("ID_TOKEN_NOT_SUPPORTED", "id_token not supported");
/// `FAILED_TO_GET_USER_INFO`: "Failed to get user info".
pub const FAILED_TO_GET_USER_INFO: ErrorCode =
    ErrorCode::new("FAILED_TO_GET_USER_INFO", "Failed to get user info");
/// `USER_EMAIL_NOT_FOUND`: "User email not found".
pub const USER_EMAIL_NOT_FOUND: ErrorCode =
    ErrorCode::new("USER_EMAIL_NOT_FOUND", "User email not found");
/// `EMAIL_NOT_VERIFIED`: "Email not verified".
pub const EMAIL_NOT_VERIFIED: ErrorCode =
    ErrorCode::new("EMAIL_NOT_VERIFIED", "Email not verified");
/// `PASSWORD_TOO_SHORT`: "Password too short".
pub const PASSWORD_TOO_SHORT: ErrorCode =
    ErrorCode::new("PASSWORD_TOO_SHORT", "Password too short");
/// `PASSWORD_TOO_LONG`: "Password too long".
pub const PASSWORD_TOO_LONG: ErrorCode = ErrorCode::new("PASSWORD_TOO_LONG", "Password too long");
/// `USER_ALREADY_EXISTS`: "User already exists.".
pub const USER_ALREADY_EXISTS: ErrorCode =
    ErrorCode::new("USER_ALREADY_EXISTS", "User already exists.");
/// `USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL`: "User already exists. Use another email.".
pub const USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL: ErrorCode = ErrorCode::new(
    "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
    "User already exists. Use another email.",
);
/// `EMAIL_CAN_NOT_BE_UPDATED`: "Email can not be updated".
pub const EMAIL_CAN_NOT_BE_UPDATED: ErrorCode =
    ErrorCode::new("EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated");
/// `CHANGE_EMAIL_DISABLED`: "Change email is disabled".
pub const CHANGE_EMAIL_DISABLED: ErrorCode =
    ErrorCode::new("CHANGE_EMAIL_DISABLED", "Change email is disabled");
/// `CREDENTIAL_ACCOUNT_NOT_FOUND`: "Credential account not found".
pub const CREDENTIAL_ACCOUNT_NOT_FOUND: ErrorCode = ErrorCode::new(
    "CREDENTIAL_ACCOUNT_NOT_FOUND",
    "Credential account not found",
);
/// `SESSION_EXPIRED`: "Session expired. Re-authenticate to perform this action.".
pub const SESSION_EXPIRED: ErrorCode = ErrorCode::new(
    "SESSION_EXPIRED",
    "Session expired. Re-authenticate to perform this action.",
);
/// `FAILED_TO_UNLINK_LAST_ACCOUNT`: "You can't unlink your last account".
pub const FAILED_TO_UNLINK_LAST_ACCOUNT: ErrorCode = ErrorCode::new(
    "FAILED_TO_UNLINK_LAST_ACCOUNT",
    "You can't unlink your last account",
);
/// `ACCOUNT_NOT_FOUND`: "Account not found".
pub const ACCOUNT_NOT_FOUND: ErrorCode = ErrorCode::new("ACCOUNT_NOT_FOUND", "Account not found");
/// `USER_ALREADY_HAS_PASSWORD`: "User already has a password. Provide that to delete the account.".
pub const USER_ALREADY_HAS_PASSWORD: ErrorCode = ErrorCode::new(
    "USER_ALREADY_HAS_PASSWORD",
    "User already has a password. Provide that to delete the account.",
);
/// `CROSS_SITE_NAVIGATION_LOGIN_BLOCKED`: "Cross-site navigation login blocked. This request appears to be a CSRF attack.".
pub const CROSS_SITE_NAVIGATION_LOGIN_BLOCKED: ErrorCode = ErrorCode::new(
    "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
    "Cross-site navigation login blocked. This request appears to be a CSRF attack.",
);
/// `VERIFICATION_EMAIL_NOT_ENABLED`: "Verification email isn't enabled".
pub const VERIFICATION_EMAIL_NOT_ENABLED: ErrorCode = ErrorCode::new(
    "VERIFICATION_EMAIL_NOT_ENABLED",
    "Verification email isn't enabled",
);
/// `EMAIL_ALREADY_VERIFIED`: "Email is already verified".
pub const EMAIL_ALREADY_VERIFIED: ErrorCode =
    ErrorCode::new("EMAIL_ALREADY_VERIFIED", "Email is already verified");
/// `EMAIL_MISMATCH`: "Email mismatch".
pub const EMAIL_MISMATCH: ErrorCode = ErrorCode::new("EMAIL_MISMATCH", "Email mismatch");
/// `SESSION_NOT_FRESH`: "Session is not fresh".
pub const SESSION_NOT_FRESH: ErrorCode =
    ErrorCode::new("SESSION_NOT_FRESH", "Session is not fresh");
/// `LINKED_ACCOUNT_ALREADY_EXISTS`: "Linked account already exists".
pub const LINKED_ACCOUNT_ALREADY_EXISTS: ErrorCode = ErrorCode::new(
    "LINKED_ACCOUNT_ALREADY_EXISTS",
    "Linked account already exists",
);
/// `INVALID_ORIGIN`: "Invalid origin".
pub const INVALID_ORIGIN: ErrorCode = ErrorCode::new("INVALID_ORIGIN", "Invalid origin");
/// `INVALID_CALLBACK_URL`: "Invalid callbackURL".
pub const INVALID_CALLBACK_URL: ErrorCode =
    ErrorCode::new("INVALID_CALLBACK_URL", "Invalid callbackURL");
/// `INVALID_REDIRECT_URL`: "Invalid redirectURL".
pub const INVALID_REDIRECT_URL: ErrorCode =
    ErrorCode::new("INVALID_REDIRECT_URL", "Invalid redirectURL");
/// `INVALID_ERROR_CALLBACK_URL`: "Invalid errorCallbackURL".
pub const INVALID_ERROR_CALLBACK_URL: ErrorCode =
    ErrorCode::new("INVALID_ERROR_CALLBACK_URL", "Invalid errorCallbackURL");
/// `INVALID_NEW_USER_CALLBACK_URL`: "Invalid newUserCallbackURL".
pub const INVALID_NEW_USER_CALLBACK_URL: ErrorCode = ErrorCode::new(
    "INVALID_NEW_USER_CALLBACK_URL",
    "Invalid newUserCallbackURL",
);
/// `MISSING_OR_NULL_ORIGIN`: "Missing or null Origin".
pub const MISSING_OR_NULL_ORIGIN: ErrorCode =
    ErrorCode::new("MISSING_OR_NULL_ORIGIN", "Missing or null Origin");
/// `CALLBACK_URL_REQUIRED`: "callbackURL is required".
pub const CALLBACK_URL_REQUIRED: ErrorCode =
    ErrorCode::new("CALLBACK_URL_REQUIRED", "callbackURL is required");
/// `FAILED_TO_CREATE_VERIFICATION`: "Unable to create verification".
pub const FAILED_TO_CREATE_VERIFICATION: ErrorCode = ErrorCode::new(
    "FAILED_TO_CREATE_VERIFICATION",
    "Unable to create verification",
);
/// `FIELD_NOT_ALLOWED`: "Field not allowed to be set".
pub const FIELD_NOT_ALLOWED: ErrorCode =
    ErrorCode::new("FIELD_NOT_ALLOWED", "Field not allowed to be set");
/// `ASYNC_VALIDATION_NOT_SUPPORTED`: "Async validation is not supported".
pub const ASYNC_VALIDATION_NOT_SUPPORTED: ErrorCode = ErrorCode::new(
    "ASYNC_VALIDATION_NOT_SUPPORTED",
    "Async validation is not supported",
);
/// `VALIDATION_ERROR`: "Validation Error".
pub const VALIDATION_ERROR: ErrorCode = ErrorCode::new("VALIDATION_ERROR", "Validation Error");
/// `MISSING_FIELD`: "Field is required".
pub const MISSING_FIELD: ErrorCode = ErrorCode::new("MISSING_FIELD", "Field is required");
/// `METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED`: "POST method requires deferSessionRefresh to be enabled in session config".
pub const METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED: ErrorCode = ErrorCode::new(
    "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
    "POST method requires deferSessionRefresh to be enabled in session config",
);
/// `BODY_MUST_BE_AN_OBJECT`: "Body must be an object".
pub const BODY_MUST_BE_AN_OBJECT: ErrorCode =
    ErrorCode::new("BODY_MUST_BE_AN_OBJECT", "Body must be an object");
/// `PASSWORD_ALREADY_SET`: "User already has a password set".
pub const PASSWORD_ALREADY_SET: ErrorCode =
    ErrorCode::new("PASSWORD_ALREADY_SET", "User already has a password set");
/// A request the HTTP layer could not read (better-call's code for unparseable JSON).
pub const BAD_REQUEST: ErrorCode = ErrorCode::new("BAD_REQUEST", "Bad Request");
/// A body whose media type the endpoint does not accept.
pub const UNSUPPORTED_MEDIA_TYPE: ErrorCode =
    ErrorCode::new("UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type");
/// A request without a valid session where one is required.
pub const UNAUTHORIZED: ErrorCode = ErrorCode::new("UNAUTHORIZED", "Unauthorized");
/// A failure inside the server; the detail is logged, never returned.
pub const INTERNAL_SERVER_ERROR: ErrorCode =
    ErrorCode::new("INTERNAL_SERVER_ERROR", "Internal Server Error");

/// Every core code, for `cargo xtask parity` and for plugins that check for collisions.
pub const ALL: &[ErrorCode] = &[
    USER_NOT_FOUND,
    FAILED_TO_CREATE_USER,
    FAILED_TO_CREATE_SESSION,
    FAILED_TO_UPDATE_USER,
    FAILED_TO_GET_SESSION,
    INVALID_PASSWORD,
    INVALID_EMAIL,
    INVALID_EMAIL_OR_PASSWORD,
    INVALID_USER,
    SOCIAL_ACCOUNT_ALREADY_LINKED,
    PROVIDER_NOT_FOUND,
    INVALID_TOKEN,
    TOKEN_EXPIRED,
    ID_TOKEN_NOT_SUPPORTED,
    FAILED_TO_GET_USER_INFO,
    USER_EMAIL_NOT_FOUND,
    EMAIL_NOT_VERIFIED,
    PASSWORD_TOO_SHORT,
    PASSWORD_TOO_LONG,
    USER_ALREADY_EXISTS,
    USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL,
    EMAIL_CAN_NOT_BE_UPDATED,
    CHANGE_EMAIL_DISABLED,
    CREDENTIAL_ACCOUNT_NOT_FOUND,
    SESSION_EXPIRED,
    FAILED_TO_UNLINK_LAST_ACCOUNT,
    ACCOUNT_NOT_FOUND,
    USER_ALREADY_HAS_PASSWORD,
    CROSS_SITE_NAVIGATION_LOGIN_BLOCKED,
    VERIFICATION_EMAIL_NOT_ENABLED,
    EMAIL_ALREADY_VERIFIED,
    EMAIL_MISMATCH,
    SESSION_NOT_FRESH,
    LINKED_ACCOUNT_ALREADY_EXISTS,
    INVALID_ORIGIN,
    INVALID_CALLBACK_URL,
    INVALID_REDIRECT_URL,
    INVALID_ERROR_CALLBACK_URL,
    INVALID_NEW_USER_CALLBACK_URL,
    MISSING_OR_NULL_ORIGIN,
    CALLBACK_URL_REQUIRED,
    FAILED_TO_CREATE_VERIFICATION,
    FIELD_NOT_ALLOWED,
    ASYNC_VALIDATION_NOT_SUPPORTED,
    VALIDATION_ERROR,
    MISSING_FIELD,
    METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED,
    BODY_MUST_BE_AN_OBJECT,
    PASSWORD_ALREADY_SET,
];
