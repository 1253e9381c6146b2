//! The User resource (RFC 7643 §4.1) and the Enterprise User extension (§4.3).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::{Member, Meta};

/// A User resource.
///
/// Every attribute of RFC 7643 §4.1 is here under its RFC name; attributes not modelled (custom
/// extensions, unknown attributes) are kept in [`User::additional`], so a resource read and
/// written again keeps them. `password` is read but never written (`returned: never`), and its
/// `Debug` is redacted.
///
/// The types read RFC-conformant JSON. Identity providers' deviations (Entra's `"True"` strings
/// for booleans, single-element arrays for strings, a string `manager`) need normalising on the
/// JSON value first, as upstream does.
///
/// Field order follows upstream v1.7.1's output (`schemas, name, emails, title, userType,
/// preferredLanguage, locale, timezone, phoneNumbers, addresses, roles, entitlements, id,
/// externalId, userName, displayName, active, <enterprise>, meta`), with the attributes upstream
/// does not write placed beside their kin.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The schemas the resource uses: the core User URN, plus the extension URNs present.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// The components of the user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Name>,
    /// Email addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emails: Option<Vec<MultiValuedAttribute>>,
    /// The user's title ("Vice President").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The relationship to the organisation ("Employee", "Contractor").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<String>,
    /// The preferred written or spoken languages (`Accept-Language` syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_language: Option<String>,
    /// The default location for localisation (`en-US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The time zone, from the IANA database (`America/Los_Angeles`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Phone numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_numbers: Option<Vec<MultiValuedAttribute>>,
    /// Instant messaging addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ims: Option<Vec<MultiValuedAttribute>>,
    /// Photo URLs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<MultiValuedAttribute>>,
    /// Physical mailing addresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Address>>,
    /// Roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<MultiValuedAttribute>>,
    /// Entitlements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlements: Option<Vec<MultiValuedAttribute>>,
    /// DER certificates, base64-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x509_certificates: Option<Vec<MultiValuedAttribute>>,
    /// The service provider's identifier (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The client's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The unique identifier the user signs in with (required).
    pub user_name: String,
    /// The name to display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The casual name ("Bob" for "Robert").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nick_name: Option<String>,
    /// The URL of the user's online profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
    /// The administrative status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    /// The groups the user belongs to (read-only, set through the groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<Member>>,
    /// The cleartext password sent by the client; never written back.
    #[serde(default, skip_serializing)]
    pub password: Option<Password>,
    /// The Enterprise User extension, under its URN.
    #[serde(
        rename = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub enterprise: Option<EnterpriseUser>,
    /// Attributes not modelled above (custom schema extensions under their URN, unknown
    /// attributes), kept in order.
    #[serde(flatten)]
    pub additional: Map<String, Value>,
    /// Resource metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Meta>,
}

/// The components of a user's name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Name {
    /// The full name, formatted for display ("Ms. Barbara J Jensen, III").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// The given (first) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// The family (last) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// The middle name(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub middle_name: Option<String>,
    /// The honorific prefix ("Ms.").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_prefix: Option<String>,
    /// The honorific suffix ("III").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub honorific_suffix: Option<String>,
}

/// One value of a multi-valued attribute with the standard sub-attributes (`emails`,
/// `phoneNumbers`, `ims`, `photos`, `roles`, `entitlements`, `x509Certificates`).
///
/// Field order follows upstream's emails (`value, primary, type`), with `display` after `value`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MultiValuedAttribute {
    /// The value (an address, a number, a URL...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A human-readable name for the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    /// Whether this is the preferred value; at most one value is primary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    /// The value's function ("work", "home").
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A physical mailing address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// The full address, formatted for display (may contain newlines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted: Option<String>,
    /// The street, house number and similar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    /// The city or locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
    /// The state or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// The country, as an ISO 3166-1 alpha-2 code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The address's function ("work", "home").
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Whether this is the preferred address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
}

/// The Enterprise User extension (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnterpriseUser {
    /// The organisation's identifier for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_number: Option<String>,
    /// The cost centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_center: Option<String>,
    /// The organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// The division.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division: Option<String>,
    /// The department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The user's manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<Manager>,
}

/// A user's manager, in the Enterprise User extension.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manager {
    /// The manager's `id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The URI of the manager's User resource.
    #[serde(rename = "$ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The manager's display name (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// A password sent by a client. Its `Debug` output is redacted; read it with
/// [`Password::expose`].
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    /// A password holding `text`.
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// The cleartext password.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}
