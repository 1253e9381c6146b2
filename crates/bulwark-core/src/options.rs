//! Options of the core, with upstream's names and defaults.

use time::Duration;

/// Email and password authentication (upstream's `emailAndPassword`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmailAndPasswordOptions {
    /// Whether the email and password endpoints exist.
    pub enabled: bool,
    /// Whether `/sign-up/email` refuses new users.
    pub disable_sign_up: bool,
    /// Minimum password length in characters (upstream: 8).
    pub min_password_length: usize,
    /// Maximum password length in characters (upstream: 128).
    pub max_password_length: usize,
    /// Whether sign-up signs the new user in (upstream: true).
    pub auto_sign_in: bool,
    /// Whether sign-in requires a verified email address.
    pub require_email_verification: bool,
}

impl Default for EmailAndPasswordOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            disable_sign_up: false,
            min_password_length: 8,
            max_password_length: 128,
            auto_sign_in: true,
            require_email_verification: false,
        }
    }
}

impl EmailAndPasswordOptions {
    /// Email and password on, with upstream's defaults.
    pub fn enabled() -> Self {
        Self::default()
    }

    /// Email and password off.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }
}

/// Session lifetime (upstream's `session`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionOptions {
    /// How long a session lives (upstream: 7 days).
    pub expires_in: Duration,
    /// How old a session's last refresh must be before use extends it (upstream: 1 day).
    pub update_age: Duration,
    /// How recent a sign-in must be for sensitive operations (upstream: 1 day).
    pub fresh_age: Duration,
    /// Whether use never extends a session.
    pub disable_session_refresh: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            expires_in: Duration::days(7),
            update_age: Duration::days(1),
            fresh_age: Duration::days(1),
            disable_session_refresh: false,
        }
    }
}

/// User management (upstream's `user`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserOptions {
    /// Whether `/delete-user` is enabled (upstream: off).
    pub delete_user_enabled: bool,
}

/// Cookie and security settings (upstream's `advanced`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AdvancedOptions {
    /// The cookie name prefix (upstream: `better-auth`).
    pub cookie_prefix: String,
    /// Force secure cookies on or off; by default they are on when the base URL is `https`.
    pub use_secure_cookies: Option<bool>,
    /// Skip the origin check on state-changing requests. Only for tests and trusted networks.
    pub disable_origin_check: bool,
}

impl Default for AdvancedOptions {
    fn default() -> Self {
        Self {
            cookie_prefix: "better-auth".to_owned(),
            use_secure_cookies: None,
            disable_origin_check: false,
        }
    }
}
