//! The wire types read the RFC 7643/7644 examples (`tests/fixtures/`) and write them back, and
//! write upstream v1.7.1's bodies key for key.

use bulwark_scim_protocol::{
    AttributeType, AuthenticationScheme, BulkSupport, EnterpriseUser, FilterSupport, Group,
    ListResponse, Manager, Member, Meta, MultiValuedAttribute, Mutability, Name, PatchOp,
    PatchOpKind, PatchPath, ResourceType, Returned, Schema, SchemaAttribute, SchemaExtension,
    ScimError, ScimType, SearchRequest, ServiceProviderConfig, SortOrder, Supported, Uniqueness,
    User, urn,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Reads `fixture` as `T`, checks that writing it gives the same JSON (keys in any order), and
/// returns it.
fn round_trip<T: DeserializeOwned + Serialize>(fixture: &str) -> T {
    let original: Value = serde_json::from_str(fixture).unwrap();
    let typed: T = serde_json::from_value(original.clone()).unwrap();
    let mut expected = original;
    // `password` is read but never written (`returned: never`).
    if let Some(object) = expected.as_object_mut() {
        object.remove("password");
    }
    assert_eq!(serde_json::to_value(&typed).unwrap(), expected);
    typed
}

/// Reads `body` as `T` and checks that writing it gives the same text: same keys, same order.
fn same_text<T: DeserializeOwned + Serialize>(body: &str) -> T {
    let typed: T = serde_json::from_str(body).unwrap();
    assert_eq!(serde_json::to_string(&typed).unwrap(), body);
    typed
}

#[test]
fn the_rfc_user_with_the_enterprise_extension_round_trips() {
    let user: User = round_trip(include_str!("../fixtures/rfc7643-user-enterprise.json"));
    assert_eq!(user.user_name, "bjensen@example.com");
    assert_eq!(
        user.name
            .as_ref()
            .and_then(|name| name.given_name.as_deref()),
        Some("Barbara")
    );
    let emails = user.emails.as_deref().unwrap();
    assert_eq!(emails[0].kind.as_deref(), Some("work"));
    assert_eq!(emails[0].primary, Some(true));
    assert_eq!(emails[1].primary, None);
    let manager = user.enterprise.as_ref().unwrap().manager.as_ref().unwrap();
    assert_eq!(
        manager.reference.as_deref(),
        Some("../Users/26118915-6090-4610-87e4-49d8ca9f808d")
    );
    assert_eq!(user.groups.as_ref().map(Vec::len), Some(3));
    assert_eq!(user.password.as_ref().unwrap().expose(), "t1meMa$heen");
    assert!(user.additional.is_empty());
    let debug = format!("{user:?}");
    assert!(debug.contains("Password(<redacted>)"));
    assert!(!debug.contains("t1meMa$heen"));
}

#[test]
fn other_rfc_examples_round_trip() {
    let group: Group = round_trip(include_str!("../fixtures/rfc7643-group.json"));
    assert_eq!(group.display_name, "Tour Guides");
    assert_eq!(group.members.as_ref().map(Vec::len), Some(2));

    let config: ServiceProviderConfig = round_trip(include_str!(
        "../fixtures/rfc7643-service-provider-config.json"
    ));
    assert_eq!(config.bulk.max_payload_size, 1_048_576);
    assert_eq!(config.authentication_schemes[1].kind, "httpbasic");

    let types: Vec<ResourceType> =
        round_trip(include_str!("../fixtures/rfc7643-resource-types.json"));
    assert!(types[0].schema_extensions[0].required);
    assert!(types[1].schema_extensions.is_empty());

    let schema: Schema = round_trip(include_str!("../fixtures/rfc7643-group-schema.json"));
    let members = &schema.attributes[1];
    assert_eq!(members.kind, AttributeType::Complex);
    let sub_attributes = members.sub_attributes.as_deref().unwrap();
    assert_eq!(sub_attributes[1].kind, AttributeType::Reference);
    assert_eq!(sub_attributes[0].mutability, Some(Mutability::Immutable));

    let search: SearchRequest = round_trip(include_str!("../fixtures/rfc7644-search-request.json"));
    assert_eq!(search.filter.as_deref(), Some(r#"displayName sw "smith""#));
    assert_eq!((search.start_index, search.count), (Some(1), Some(10)));

    let list: ListResponse<Value> =
        round_trip(include_str!("../fixtures/rfc7644-list-response.json"));
    assert_eq!((list.total_results, list.start_index), (2, None));

    let error: ScimError = round_trip(include_str!("../fixtures/rfc7644-error.json"));
    assert_eq!(
        (error.status, error.scim_type),
        (400, Some(ScimType::Mutability))
    );
}

#[test]
fn patch_operations_keep_what_was_sent() {
    let patch: PatchOp = round_trip(include_str!("../fixtures/rfc7644-patch-op.json"));
    let kinds: Vec<_> = patch
        .operations
        .iter()
        .map(bulwark_scim_protocol::PatchOperation::kind)
        .collect();
    assert_eq!(
        kinds,
        [
            Some(PatchOpKind::Add),
            Some(PatchOpKind::Remove),
            Some(PatchOpKind::Replace),
            Some(PatchOpKind::Replace),
            Some(PatchOpKind::Replace),
        ]
    );
    assert_eq!(patch.operations[2].op.as_deref(), Some("Replace"));
    assert_eq!(patch.operations[1].value, None);
    assert_eq!(patch.operations[4].value, Some(Value::Null));
    assert_eq!(patch.operations[3].path, None);
    let Some(Ok(PatchPath::Attribute { attr, value_filter })) = patch.operations[2].parse_path()
    else {
        panic!("{:?}", patch.operations[2]);
    };
    assert!(attr.name_is("addresses") && attr.sub_attr_is("streetAddress"));
    assert_eq!(value_filter.unwrap().to_string(), r#"type eq "work""#);

    let unusual: PatchOp = serde_json::from_value(json!({
        "schemas": [urn::PATCH_OP],
        "Operations": [{"path": "active", "value": false}, {"op": "copy", "path": "x"}],
    }))
    .unwrap();
    assert_eq!(unusual.operations[0].kind(), None);
    assert_eq!(unusual.operations[1].kind(), None);
    assert_eq!(unusual.operations[1].op.as_deref(), Some("copy"));
    assert_eq!(PatchOpKind::parse("REMOVE"), Some(PatchOpKind::Remove));
}

#[test]
fn resources_keep_attributes_they_do_not_model() {
    let body = json!({
        "schemas": [urn::CORE_USER, "urn:acme:scim:schemas:extension:badge:2.0:User"],
        "userName": "ada",
        "urn:acme:scim:schemas:extension:badge:2.0:User": {"badge": "A-1", "floor": 3},
        "favouriteColour": "green",
        "meta": {"resourceType": "User"},
    });
    let user: User = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(
        user.additional.keys().collect::<Vec<_>>(),
        [
            "urn:acme:scim:schemas:extension:badge:2.0:User",
            "favouriteColour"
        ]
    );
    assert_eq!(serde_json::to_value(&user).unwrap(), body);
    // Extras are written before `meta`, which stays last.
    let text = serde_json::to_string(&user).unwrap();
    assert!(text.ends_with(r#""favouriteColour":"green","meta":{"resourceType":"User"}}"#));

    let group: Group = serde_json::from_value(json!({
        "schemas": [urn::CORE_GROUP], "displayName": "Eng", "owner": "ada",
    }))
    .unwrap();
    assert_eq!(group.additional.get("owner"), Some(&json!("ada")));
}

#[test]
fn a_user_built_by_hand_writes_upstream_key_order() {
    // The oracle's answer to POST /scim/v2/Users (scim-upstream-report A7).
    let upstream = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"name":{"formatted":"John Doe","givenName":"John","familyName":"Doe"},"emails":[{"value":"jdoe@example.com","primary":true,"type":"work"}],"id":"O1YvFC76fbzV8FX7DUCXdCfeVzFEAlTu","externalId":"ext-123","userName":"jdoe@example.com","displayName":"John Doe","active":true,"meta":{"resourceType":"User","created":"2026-11-23T17:52:30.689Z","lastModified":"2026-11-23T17:52:30.689Z","location":"http://localhost:3000/api/auth/scim/v2/Users/O1YvFC76fbzV8FX7DUCXdCfeVzFEAlTu"}}"#;
    let user = User {
        schemas: vec![urn::CORE_USER.to_owned()],
        name: Some(Name {
            formatted: Some("John Doe".to_owned()),
            given_name: Some("John".to_owned()),
            family_name: Some("Doe".to_owned()),
            ..Name::default()
        }),
        emails: Some(vec![MultiValuedAttribute {
            value: Some("jdoe@example.com".to_owned()),
            primary: Some(true),
            kind: Some("work".to_owned()),
            ..MultiValuedAttribute::default()
        }]),
        id: Some("O1YvFC76fbzV8FX7DUCXdCfeVzFEAlTu".to_owned()),
        external_id: Some("ext-123".to_owned()),
        user_name: "jdoe@example.com".to_owned(),
        display_name: Some("John Doe".to_owned()),
        active: Some(true),
        meta: Some(Meta {
            resource_type: Some("User".to_owned()),
            created: Some("2026-11-23T17:52:30.689Z".to_owned()),
            last_modified: Some("2026-11-23T17:52:30.689Z".to_owned()),
            location: Some(
                "http://localhost:3000/api/auth/scim/v2/Users/O1YvFC76fbzV8FX7DUCXdCfeVzFEAlTu"
                    .to_owned(),
            ),
            version: None,
        }),
        ..User::default()
    };
    assert_eq!(serde_json::to_string(&user).unwrap(), upstream);
    assert_eq!(same_text::<User>(upstream), user);

    let with_enterprise = User {
        enterprise: Some(EnterpriseUser {
            department: Some("Tour Operations".to_owned()),
            manager: Some(Manager {
                value: Some("m1".to_owned()),
                ..Manager::default()
            }),
            ..EnterpriseUser::default()
        }),
        ..user
    };
    let text = serde_json::to_string(&with_enterprise).unwrap();
    assert!(text.contains(
        r#""active":true,"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Tour Operations","manager":{"value":"m1"}},"meta":"#
    ));
}

#[test]
fn upstream_group_and_discovery_bodies_keep_their_key_order() {
    let group: Group = same_text(
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Eng","meta":{"resourceType":"Group","created":"2026-01-01T00:00:00.000Z","lastModified":"2026-01-01T00:00:00.000Z","location":"http://localhost:3000/api/auth/scim/v2/Groups/g1"},"members":[{"value":"u1","$ref":"http://localhost:3000/api/auth/scim/v2/Users/u1","display":"Ada","type":"User"}]}"#,
    );
    assert_eq!(
        group.members.unwrap()[0],
        Member {
            value: Some("u1".to_owned()),
            reference: Some("http://localhost:3000/api/auth/scim/v2/Users/u1".to_owned()),
            display: Some("Ada".to_owned()),
            kind: Some("User".to_owned()),
        }
    );

    // scim-upstream-report A14, verbatim.
    let upstream_config = r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],"patch":{"supported":true},"bulk":{"supported":false,"maxOperations":0,"maxPayloadSize":0},"filter":{"supported":true,"maxResults":100},"changePassword":{"supported":false},"sort":{"supported":false},"etag":{"supported":false},"authenticationSchemes":[{"name":"OAuth Bearer Token","description":"Authentication using a bearer token in the Authorization header.","specUri":"https://www.rfc-editor.org/info/rfc6750","type":"oauthbearertoken","primary":true}],"meta":{"resourceType":"ServiceProviderConfig","location":"http://localhost:3000/api/auth/scim/v2/ServiceProviderConfig"}}"#;
    let config = ServiceProviderConfig {
        schemas: vec![urn::SERVICE_PROVIDER_CONFIG.to_owned()],
        documentation_uri: None,
        patch: Supported { supported: true },
        bulk: BulkSupport::default(),
        filter: FilterSupport {
            supported: true,
            max_results: 100,
        },
        change_password: Supported::default(),
        sort: Supported::default(),
        etag: Supported::default(),
        authentication_schemes: vec![AuthenticationScheme {
            name: "OAuth Bearer Token".to_owned(),
            description: "Authentication using a bearer token in the Authorization header."
                .to_owned(),
            spec_uri: Some("https://www.rfc-editor.org/info/rfc6750".to_owned()),
            documentation_uri: None,
            kind: "oauthbearertoken".to_owned(),
            primary: Some(true),
        }],
        meta: Some(Meta {
            resource_type: Some("ServiceProviderConfig".to_owned()),
            location: Some(
                "http://localhost:3000/api/auth/scim/v2/ServiceProviderConfig".to_owned(),
            ),
            ..Meta::default()
        }),
    };
    assert_eq!(serde_json::to_string(&config).unwrap(), upstream_config);
    assert_eq!(same_text::<ServiceProviderConfig>(upstream_config), config);

    let resource_type: ResourceType = same_text(
        r#"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],"id":"User","name":"User","endpoint":"/Users","description":"User Account","schema":"urn:ietf:params:scim:schemas:core:2.0:User","schemaExtensions":[{"schema":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","required":false}],"meta":{"resourceType":"ResourceType","location":"http://localhost:3000/api/auth/scim/v2/ResourceTypes/User"}}"#,
    );
    assert_eq!(
        resource_type.schema_extensions,
        [SchemaExtension {
            schema: urn::ENTERPRISE_USER.to_owned(),
            required: false,
        }]
    );

    // Upstream's `stringAttribute` and boolean attribute shapes.
    let user_name: SchemaAttribute = same_text(
        r#"{"name":"userName","type":"string","multiValued":false,"description":"Unique identifier for the User within its provisioning connection.","required":true,"caseExact":false,"mutability":"readWrite","returned":"default","uniqueness":"server"}"#,
    );
    assert_eq!(
        (user_name.returned, user_name.uniqueness),
        (Some(Returned::Default), Some(Uniqueness::Server))
    );
    same_text::<SchemaAttribute>(
        r#"{"name":"active","type":"boolean","multiValued":false,"description":"A Boolean value indicating the User's administrative status.","required":false,"mutability":"readWrite","returned":"default"}"#,
    );
}

#[test]
fn list_responses_are_built_with_their_paging() {
    let page = ListResponse::new(vec![json!({"id": "a"})], 1000, 901);
    assert_eq!(
        serde_json::to_string(&page).unwrap(),
        r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1000,"startIndex":901,"itemsPerPage":1,"Resources":[{"id":"a"}]}"#
    );
    let beyond = ListResponse::<User>::new(Vec::new(), 1000, 1001);
    assert_eq!(
        serde_json::to_value(&beyond).unwrap(),
        json!({
            "schemas": [urn::LIST_RESPONSE],
            "totalResults": 1000,
            "startIndex": 1001,
            "itemsPerPage": 0,
            "Resources": [],
        })
    );
    let without_resources: ListResponse<User> =
        serde_json::from_value(json!({"schemas": [urn::LIST_RESPONSE], "totalResults": 0}))
            .unwrap();
    assert!(without_resources.resources.is_empty());
}

#[test]
fn sort_orders_and_constants() {
    assert_eq!(SortOrder::parse("Descending"), Some(SortOrder::Descending));
    assert_eq!(SortOrder::parse("asc"), None);
    assert_eq!(SortOrder::default().to_string(), "ascending");
    assert_eq!(bulwark_scim_protocol::MEDIA_TYPE, "application/scim+json");
    assert_eq!(
        urn::RESOURCE_SCHEMAS,
        [urn::CORE_USER, urn::ENTERPRISE_USER, urn::CORE_GROUP]
    );
}
