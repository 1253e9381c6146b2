//! SCIM discovery (RFC 7644 §4): `/ServiceProviderConfig`, `/Schemas`, `/Schemas/:schemaId`,
//! `/ResourceTypes` and `/ResourceTypes/:resourceTypeId`, readable without a credential.
//!
//! The content is upstream v1.7.1's (values, descriptions and key order), with these deliberate
//! differences (listed in `docs/compatibility.md` under "SCIM"):
//! - only what Bulwark implements today is advertised: the User resource type with the Enterprise User
//!   extension, no Group schema or resource type until Groups exist (see [`RESOURCE_TYPES`]), and the
//!   protocol features of [`FEATURES`];
//! - the User schema lists the common attributes `id` and `externalId`, which upstream omits (upstream
//!   issue #10416), with RFC 7643's characteristics (see [`ID`] and [`EXTERNAL_ID`]);
//! - custom User schema extensions declared in options follow the Enterprise User extension in
//!   `/Schemas` (with their attributes' characteristics) and in the User resource type's
//!   `schemaExtensions` (see [`declared_schema`]).

use std::sync::Arc;

use bulwark_core::{ApiResponse, AuthBuilder, RequestCtx};
use bulwark_scim_protocol::{self as wire, AttributeType, Mutability, Returned, Uniqueness, urn};
use http::{Method, StatusCode};
use serde::Serialize;

use crate::error::{SCIM_MEDIA_TYPE, ScimError};
use crate::filter::MAX_RESULTS;
use crate::options::{
    AttributeKind, Mutability as DeclaredMutability, SchemaExtension, ScimOptions,
};
use crate::routes::{Access, scim};

/// Registers the five discovery endpoints.
pub(crate) fn register(auth: &mut AuthBuilder, options: &Arc<ScimOptions>) {
    auth.endpoint(scim(
        Method::GET,
        "/ServiceProviderConfig",
        Access::Public,
        options,
        |request| async move {
            let base = ScimBase::of(&request.req);
            respond(&service_provider_config(&base))
        },
    ));
    auth.endpoint(scim(
        Method::GET,
        "/Schemas",
        Access::Public,
        options,
        |request| async move {
            let base = ScimBase::of(&request.req);
            let declared = &request.options.schema_extensions;
            let schemas = advertised_schemas()
                .map(|schema| schema_resource(schema, &base))
                .chain(declared.iter().map(|e| declared_schema(e, &base)));
            respond(&list(schemas.collect()))
        },
    ));
    auth.endpoint(scim(
        Method::GET,
        "/Schemas/:schemaId",
        Access::Public,
        options,
        |request| async move {
            // The router has already percent-decoded the segment, as upstream's `decodeURIComponent`.
            let id = request.req.param("schemaId").unwrap_or_default();
            let base = ScimBase::of(&request.req);
            if let Some(schema) = advertised_schemas().find(|schema| schema.id == id) {
                return respond(&schema_resource(schema, &base));
            }
            let extension = request
                .options
                .schema_extensions
                .iter()
                .find(|extension| extension.urn == id)
                .ok_or_else(|| ScimError::not_found("Schema not found"))?;
            respond(&declared_schema(extension, &base))
        },
    ));
    auth.endpoint(scim(
        Method::GET,
        "/ResourceTypes",
        Access::Public,
        options,
        |request| async move {
            let base = ScimBase::of(&request.req);
            let declared = &request.options.schema_extensions;
            let types = RESOURCE_TYPES
                .iter()
                .map(|resource_type| resource_type_resource(resource_type, &base, declared));
            respond(&list(types.collect()))
        },
    ));
    auth.endpoint(scim(
        Method::GET,
        "/ResourceTypes/:resourceTypeId",
        Access::Public,
        options,
        |request| async move {
            let id = request.req.param("resourceTypeId").unwrap_or_default();
            let resource_type = RESOURCE_TYPES
                .iter()
                .find(|resource_type| resource_type.id == id)
                .ok_or_else(|| ScimError::not_found("Resource type not found"))?;
            respond(&resource_type_resource(
                resource_type,
                &ScimBase::of(&request.req),
                &request.options.schema_extensions,
            ))
        },
    ));
}

/// The protocol features of RFC 7644 that `/ServiceProviderConfig` advertises.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Features {
    /// `PATCH` on resources.
    pub(crate) patch: bool,
    /// The `filter` query parameter (with at most [`MAX_RESULTS`] results per page).
    pub(crate) filter: bool,
    /// `sortBy` and `sortOrder`.
    pub(crate) sort: bool,
    /// `ETag`, `If-Match` and `If-None-Match`.
    pub(crate) etag: bool,
    /// `/Bulk`.
    pub(crate) bulk: bool,
    /// Changing a password through SCIM.
    pub(crate) change_password: bool,
}

/// What Bulwark implements today, and so advertises: a client that trusts the configuration never calls
/// what would fail. A feature flips to `true` here, in one line, in the change that implements it.
pub(crate) const FEATURES: Features = Features {
    patch: true,
    filter: true,
    sort: true,
    etag: false,
    bulk: false,
    change_password: false,
};

/// The resource types Bulwark serves, in discovery order; `/Schemas` lists each one's schema followed by
/// its extensions. Upstream v1.7.1 also has Group: it joins this list (with its schema) in the change
/// that implements `/Groups`, so that no client is told about an endpoint that answers 404.
const RESOURCE_TYPES: &[ResourceType] = &[ResourceType {
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "User Account",
    schema: &USER_SCHEMA,
    extensions: &[Extension {
        schema: &ENTERPRISE_USER_SCHEMA,
        required: false,
    }],
}];

/// A resource type: the `/ResourceTypes` entry and the schemas it is made of.
#[derive(Debug)]
struct ResourceType {
    id: &'static str,
    name: &'static str,
    endpoint: &'static str,
    description: &'static str,
    schema: &'static Schema,
    extensions: &'static [Extension],
}

/// A schema extension of a resource type.
#[derive(Debug)]
struct Extension {
    schema: &'static Schema,
    required: bool,
}

/// A schema (RFC 7643 §7).
#[derive(Debug)]
struct Schema {
    id: &'static str,
    name: &'static str,
    description: &'static str,
    attributes: &'static [Attribute],
}

/// Every schema `/Schemas` lists, in order.
fn advertised_schemas() -> impl Iterator<Item = &'static Schema> {
    RESOURCE_TYPES.iter().flat_map(|resource_type| {
        std::iter::once(resource_type.schema).chain(
            resource_type
                .extensions
                .iter()
                .map(|extension| extension.schema),
        )
    })
}

/// `id` (RFC 7643 §3.1), absent from upstream's schema (issue #10416): assigned by the server, never
/// written by clients, answered with every response whatever `attributes` asks, compared exactly.
const ID: Attribute = Attribute::string(
    "id",
    "A unique identifier for a SCIM resource as defined by the service provider.",
)
.case_exact()
.read_only()
.returned_always()
.unique();

/// `externalId` (RFC 7643 §3.1), absent from upstream's schema (issue #10416): the client's identifier,
/// compared exactly. It is unique within a connection (a unique index; a duplicate answers 409
/// `uniqueness`), the scope in which `userName` is unique too, so it is `uniqueness: server` like it.
const EXTERNAL_ID: Attribute = Attribute::string(
    "externalId",
    "A String that is an identifier for the resource as defined by the provisioning client.",
)
.case_exact()
.unique();

/// The core User schema: `id` and `externalId`, then upstream v1.7.1's attributes, whose
/// characteristics agree with RFC 7643 §8.7.1 (every one is `readWrite` there). `meta` is not an
/// attribute of the schema, and `groups` (`readOnly`) is absent because Bulwark has no Groups yet.
static USER_SCHEMA: Schema = Schema {
    id: urn::CORE_USER,
    name: "User",
    description: "User Account",
    attributes: &[
        ID,
        EXTERNAL_ID,
        Attribute::string(
            "userName",
            "Unique identifier for the User within its provisioning connection.",
        )
        .required()
        .unique(),
        Attribute::string(
            "displayName",
            "The name of the User, suitable for display to end-users.",
        ),
        Attribute::boolean(
            "active",
            "A Boolean value indicating the User's administrative status.",
        ),
        Attribute::complex(
            "name",
            "The components of the User's real name.",
            &[
                Attribute::string("formatted", "The complete formatted name."),
                Attribute::string("givenName", "The given name of the User."),
                Attribute::string("familyName", "The family name of the User."),
                Attribute::string("middleName", "The middle name of the User."),
                Attribute::string("honorificPrefix", "The honorific prefix of the User."),
                Attribute::string("honorificSuffix", "The honorific suffix of the User."),
            ],
        ),
        Attribute::multi_valued(
            "emails",
            "Email addresses for the User.",
            &[
                Attribute::string("value", "Email address for the User.").required(),
                TYPE,
                PRIMARY,
            ],
        ),
        Attribute::string("title", "The User's title."),
        Attribute::string("userType", "The User's relationship to the organization."),
        Attribute::string(
            "preferredLanguage",
            "The User's preferred written or spoken language.",
        ),
        Attribute::string("locale", "The User's default location."),
        Attribute::string("timezone", "The User's time zone."),
        Attribute::multi_valued(
            "phoneNumbers",
            "Phone numbers for the User.",
            &[
                Attribute::string("value", "Phone number for the User.").required(),
                TYPE,
                PRIMARY,
            ],
        ),
        Attribute::multi_valued(
            "addresses",
            "Postal addresses for the User.",
            &[
                Attribute::string("formatted", "The complete formatted address."),
                Attribute::string("streetAddress", "The full street address."),
                Attribute::string("locality", "The city or locality."),
                Attribute::string("region", "The state or region."),
                Attribute::string("postalCode", "The postal code."),
                Attribute::string("country", "The country."),
                TYPE,
                PRIMARY,
            ],
        ),
        Attribute::multi_valued(
            "roles",
            "Roles for the User.",
            &[
                Attribute::string("value", "The role value.").required(),
                Attribute::string("display", "A human-readable role name."),
                TYPE,
                PRIMARY,
            ],
        ),
        Attribute::multi_valued(
            "entitlements",
            "Entitlements for the User.",
            &[
                Attribute::string("value", "The entitlement value.").required(),
                Attribute::string("display", "A human-readable entitlement name."),
                TYPE,
                PRIMARY,
            ],
        ),
    ],
};

/// The Enterprise User extension (RFC 7643 §4.3), as upstream v1.7.1 advertises it.
static ENTERPRISE_USER_SCHEMA: Schema = Schema {
    id: urn::ENTERPRISE_USER,
    name: "EnterpriseUser",
    description: "Enterprise User",
    attributes: &[
        Attribute::string("employeeNumber", "A number assigned to the User."),
        Attribute::string("costCenter", "The User's cost center."),
        Attribute::string("organization", "The User's organization."),
        Attribute::string("division", "The User's division."),
        Attribute::string("department", "The User's department."),
        Attribute::complex(
            "manager",
            "The User's manager.",
            &[
                Attribute::string("value", "The manager's identifier."),
                Attribute::reference(
                    "$ref",
                    "The URI of the manager's SCIM User resource.",
                    &["User"],
                ),
                Attribute::string("displayName", "The manager's display name.").read_only(),
            ],
        ),
    ],
};

/// The `type` sub-attribute of multi-valued attributes.
const TYPE: Attribute = Attribute::string("type", "A label indicating the attribute's function.");

/// The `primary` sub-attribute of multi-valued attributes.
const PRIMARY: Attribute = Attribute::boolean(
    "primary",
    "Whether this is the primary value for the attribute.",
);

/// An attribute definition (RFC 7643 §7) of a built-in schema, as a constant; answered as the wire
/// type ([`Attribute::to_wire`]). Absent characteristics are left out as upstream leaves them out.
#[derive(Clone, Copy, Debug)]
struct Attribute {
    name: &'static str,
    kind: AttributeType,
    reference_types: Option<&'static [&'static str]>,
    multi_valued: bool,
    description: &'static str,
    required: bool,
    case_exact: Option<bool>,
    sub_attributes: &'static [Attribute],
    mutability: Mutability,
    returned: Returned,
    uniqueness: Option<Uniqueness>,
}

impl Attribute {
    fn to_wire(self) -> wire::SchemaAttribute {
        wire::SchemaAttribute {
            name: self.name.to_owned(),
            kind: self.kind,
            reference_types: self
                .reference_types
                .map(|types| types.iter().map(|&t| t.to_owned()).collect()),
            multi_valued: self.multi_valued,
            description: Some(self.description.to_owned()),
            required: self.required,
            case_exact: self.case_exact,
            canonical_values: None,
            sub_attributes: (!self.sub_attributes.is_empty()).then(|| {
                self.sub_attributes
                    .iter()
                    .copied()
                    .map(Self::to_wire)
                    .collect()
            }),
            mutability: Some(self.mutability),
            returned: Some(self.returned),
            uniqueness: self.uniqueness,
        }
    }

    /// A single-valued, optional, case-insensitive, writable string.
    const fn string(name: &'static str, description: &'static str) -> Self {
        Self {
            name,
            kind: AttributeType::String,
            reference_types: None,
            multi_valued: false,
            description,
            required: false,
            case_exact: Some(false),
            sub_attributes: &[],
            mutability: Mutability::ReadWrite,
            returned: Returned::Default,
            uniqueness: Some(Uniqueness::None),
        }
    }

    /// A writable reference to resources of `types`.
    const fn reference(
        name: &'static str,
        description: &'static str,
        types: &'static [&'static str],
    ) -> Self {
        Self {
            kind: AttributeType::Reference,
            reference_types: Some(types),
            ..Self::string(name, description)
        }
    }

    /// A single-valued, optional, writable boolean (upstream gives booleans no `caseExact` or
    /// `uniqueness`).
    const fn boolean(name: &'static str, description: &'static str) -> Self {
        Self {
            kind: AttributeType::Boolean,
            case_exact: None,
            uniqueness: None,
            ..Self::string(name, description)
        }
    }

    /// A single-valued complex attribute.
    const fn complex(
        name: &'static str,
        description: &'static str,
        sub_attributes: &'static [Attribute],
    ) -> Self {
        Self {
            kind: AttributeType::Complex,
            case_exact: None,
            sub_attributes,
            ..Self::string(name, description)
        }
    }

    /// A multi-valued complex attribute.
    const fn multi_valued(
        name: &'static str,
        description: &'static str,
        sub_attributes: &'static [Attribute],
    ) -> Self {
        Self {
            multi_valued: true,
            ..Self::complex(name, description, sub_attributes)
        }
    }

    const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    const fn case_exact(mut self) -> Self {
        self.case_exact = Some(true);
        self
    }

    const fn read_only(mut self) -> Self {
        self.mutability = Mutability::ReadOnly;
        self
    }

    const fn returned_always(mut self) -> Self {
        self.returned = Returned::Always;
        self
    }

    const fn unique(mut self) -> Self {
        self.uniqueness = Some(Uniqueness::Server);
        self
    }
}

/// The absolute URL of `/scim/v2` (`<base_url><base_path>/scim/v2`), which `meta.location` values
/// start with.
struct ScimBase(String);

impl ScimBase {
    fn of(req: &RequestCtx) -> Self {
        let options = req.auth().options();
        Self(format!(
            "{}{}/scim/v2",
            options.base_url.as_str().trim_end_matches('/'),
            options.base_path
        ))
    }

    /// The absolute URL of `path` (below `/scim/v2`).
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }
}

/// A 200 `application/scim+json` response.
fn respond(body: &impl Serialize) -> Result<ApiResponse, ScimError> {
    Ok(ApiResponse::json_with_status(
        StatusCode::OK,
        SCIM_MEDIA_TYPE,
        body,
    )?)
}

/// `meta` of a discovery resource.
fn meta(resource_type: &str, location: String) -> wire::Meta {
    wire::Meta {
        resource_type: Some(resource_type.to_owned()),
        location: Some(location),
        ..wire::Meta::default()
    }
}

/// A `ListResponse` holding every resource on one page (RFC 7644 §3.4.2).
fn list<T>(resources: Vec<T>) -> wire::ListResponse<T> {
    let total = resources.len() as u64;
    wire::ListResponse::new(resources, total, 1)
}

/// The body of `/ServiceProviderConfig` (RFC 7643 §5).
fn service_provider_config(base: &ScimBase) -> wire::ServiceProviderConfig {
    wire::ServiceProviderConfig {
        schemas: vec![urn::SERVICE_PROVIDER_CONFIG.to_owned()],
        documentation_uri: None,
        patch: wire::Supported {
            supported: FEATURES.patch,
        },
        bulk: wire::BulkSupport {
            supported: FEATURES.bulk,
            max_operations: 0,
            max_payload_size: 0,
        },
        filter: wire::FilterSupport {
            supported: FEATURES.filter,
            max_results: MAX_RESULTS,
        },
        change_password: wire::Supported {
            supported: FEATURES.change_password,
        },
        sort: wire::Supported {
            supported: FEATURES.sort,
        },
        etag: wire::Supported {
            supported: FEATURES.etag,
        },
        authentication_schemes: vec![wire::AuthenticationScheme {
            name: "OAuth Bearer Token".to_owned(),
            description: "Authentication using a bearer token in the Authorization header."
                .to_owned(),
            spec_uri: Some("https://www.rfc-editor.org/info/rfc6750".to_owned()),
            documentation_uri: None,
            kind: "oauthbearertoken".to_owned(),
            primary: Some(true),
        }],
        meta: Some(meta(
            "ServiceProviderConfig",
            base.url("/ServiceProviderConfig"),
        )),
    }
}

/// A built-in schema's `/Schemas` resource.
fn schema_resource(schema: &'static Schema, base: &ScimBase) -> wire::Schema {
    wire::Schema {
        id: schema.id.to_owned(),
        schemas: vec![urn::SCHEMA.to_owned()],
        name: Some(schema.name.to_owned()),
        description: Some(schema.description.to_owned()),
        attributes: schema
            .attributes
            .iter()
            .copied()
            .map(Attribute::to_wire)
            .collect(),
        meta: Some(meta("Schema", base.url(&format!("/Schemas/{}", schema.id)))),
    }
}

/// A declared custom extension's `/Schemas` resource, its attributes shaped as the built-in ones:
/// strings and references carry `caseExact` and `uniqueness: none`, references `referenceTypes:
/// ["external"]`, booleans neither (as upstream's booleans); `writeOnly` attributes are `returned:
/// never`, the others `default`.
fn declared_schema(extension: &SchemaExtension, base: &ScimBase) -> wire::Schema {
    let attributes = extension
        .attributes
        .iter()
        .map(|attribute| {
            let textual = matches!(
                attribute.kind,
                AttributeKind::String | AttributeKind::Reference
            );
            let returned = if attribute.mutability == DeclaredMutability::WriteOnly {
                Returned::Never
            } else {
                Returned::Default
            };
            wire::SchemaAttribute {
                name: attribute.name.clone(),
                kind: attribute.kind.attribute_type(),
                reference_types: (attribute.kind == AttributeKind::Reference)
                    .then(|| vec!["external".to_owned()]),
                multi_valued: attribute.multi_valued,
                description: Some(attribute.description.clone()),
                required: attribute.required,
                case_exact: textual.then_some(attribute.case_exact),
                canonical_values: None,
                sub_attributes: None,
                mutability: Some(attribute.mutability),
                returned: Some(returned),
                uniqueness: (attribute.kind != AttributeKind::Boolean).then_some(Uniqueness::None),
            }
        })
        .collect();
    wire::Schema {
        id: extension.urn.clone(),
        schemas: vec![urn::SCHEMA.to_owned()],
        name: Some(extension.name.clone()),
        description: Some(extension.description.clone()),
        attributes,
        meta: Some(meta(
            "Schema",
            base.url(&format!("/Schemas/{}", extension.urn)),
        )),
    }
}

fn resource_type_resource(
    resource_type: &ResourceType,
    base: &ScimBase,
    declared: &[SchemaExtension],
) -> wire::ResourceType {
    // The declared extensions are User extensions (the only resource type today).
    let declared = declared
        .iter()
        .filter(|_| resource_type.id == "User")
        .map(|extension| wire::SchemaExtension {
            schema: extension.urn.clone(),
            required: extension.required,
        });
    wire::ResourceType {
        schemas: vec![urn::RESOURCE_TYPE.to_owned()],
        id: Some(resource_type.id.to_owned()),
        name: resource_type.name.to_owned(),
        endpoint: resource_type.endpoint.to_owned(),
        description: Some(resource_type.description.to_owned()),
        schema: resource_type.schema.id.to_owned(),
        schema_extensions: resource_type
            .extensions
            .iter()
            .map(|extension| wire::SchemaExtension {
                schema: extension.schema.id.to_owned(),
                required: extension.required,
            })
            .chain(declared)
            .collect(),
        meta: Some(meta(
            "ResourceType",
            base.url(&format!("/ResourceTypes/{}", resource_type.id)),
        )),
    }
}
