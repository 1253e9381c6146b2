//! Property tests of both parsers: printed trees parse back to themselves, and no input panics.

use proptest::prelude::*;

use crate::{AttrPath, CompareOp, CompareValue, Filter, Limits, PatchPath, syntax, urn};

fn and(left: Filter, right: Filter) -> Filter {
    Filter::And(Box::new(left), Box::new(right))
}

fn or(left: Filter, right: Filter) -> Filter {
    Filter::Or(Box::new(left), Box::new(right))
}

fn not(inner: Filter) -> Filter {
    Filter::Not(Box::new(inner))
}

/// Limits loose enough that any printed tree of the strategies below parses back.
fn loose() -> Limits {
    Limits::default().with_max_length(1 << 20)
}

fn arb_name() -> impl Strategy<Value = String> {
    "[a-zA-Z$][a-zA-Z0-9_$-]{0,8}".prop_filter("not a keyword", |name| {
        !["and", "or", "not"]
            .iter()
            .any(|keyword| name.eq_ignore_ascii_case(keyword))
    })
}

fn arb_urn() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(urn::CORE_USER.to_owned()),
        Just(urn::ENTERPRISE_USER.to_owned()),
        "[uU][rR][nN]:[a-z0-9]{1,5}(:[a-zA-Z0-9._-]{1,5}){0,3}",
    ]
}

fn arb_attr(with_sub_attr: bool) -> impl Strategy<Value = AttrPath> {
    let sub_attr = if with_sub_attr {
        proptest::option::of("[a-zA-Z$][a-zA-Z0-9_$-]{0,8}").boxed()
    } else {
        Just(None).boxed()
    };
    (proptest::option::of(arb_urn()), arb_name(), sub_attr).prop_map(|(urn, name, sub_attr)| {
        let mut text = urn.map(|urn| format!("{urn}:")).unwrap_or_default();
        text.push_str(&name);
        if let Some(sub_attr) = sub_attr {
            text.push('.');
            text.push_str(&sub_attr);
        }
        AttrPath::parse(&text).unwrap()
    })
}

fn arb_value() -> impl Strategy<Value = CompareValue> {
    prop_oneof![
        any::<String>().prop_map(CompareValue::String),
        "[ -~]{0,12}".prop_map(CompareValue::String),
        any::<i64>().prop_map(|number| CompareValue::Number(number.into())),
        any::<u64>().prop_map(|number| CompareValue::Number(number.into())),
        any::<f64>()
            .prop_filter_map("finite", serde_json::Number::from_f64)
            .prop_map(CompareValue::Number),
        any::<bool>().prop_map(CompareValue::Bool),
        Just(CompareValue::Null),
        "[a-zA-Z0-9@._:+\\-é]{1,12}"
            .prop_filter("reads back unquoted", |word| syntax::is_unquoted_word(word))
            .prop_map(CompareValue::Unquoted),
    ]
}

fn arb_op() -> impl Strategy<Value = CompareOp> {
    proptest::sample::select(CompareOp::ALL.to_vec())
}

fn arb_leaf() -> impl Strategy<Value = Filter> {
    prop_oneof![
        arb_attr(true).prop_map(Filter::Present),
        (arb_attr(true), arb_op(), arb_value()).prop_map(|(path, op, value)| Filter::Compare {
            path,
            op,
            value
        }),
    ]
}

fn combine(inner: BoxedStrategy<Filter>) -> impl Strategy<Value = Filter> {
    prop_oneof![
        (inner.clone(), inner.clone()).prop_map(|(left, right)| and(left, right)),
        (inner.clone(), inner.clone()).prop_map(|(left, right)| or(left, right)),
        inner.prop_map(not),
    ]
}

/// Filters without value paths: what may stand inside `[ ]`.
fn arb_value_filter() -> impl Strategy<Value = Filter> {
    arb_leaf().prop_recursive(4, 24, 2, |inner| combine(inner.boxed()))
}

fn arb_filter() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        3 => arb_leaf(),
        1 => (arb_attr(false), arb_value_filter()).prop_map(|(attr, filter)| Filter::ValuePath {
            attr,
            filter: Box::new(filter),
        }),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| combine(inner.boxed()))
}

/// Strings made of filter tokens, closer to valid input than arbitrary text.
fn arb_token_soup() -> impl Strategy<Value = String> {
    let token = proptest::sample::select(vec![
        "userName",
        "emails",
        "type",
        "value",
        "eq",
        "EQ",
        "ne",
        "co",
        "gt",
        "pr",
        "and",
        "AND",
        "or",
        "not",
        "(",
        ")",
        "[",
        "]",
        "\"work\"",
        "\"a\\\"b\"",
        "\"",
        "\\",
        "\\u",
        "1",
        "-1.5e3",
        "1e999",
        "true",
        "null",
        ".",
        ".value",
        "$ref",
        "urn:ietf:params:scim:schemas:core:2.0:User:",
        urn::ENTERPRISE_USER,
        ":",
        "é",
        "\u{0}",
        "\t",
    ]);
    let separator = proptest::sample::select(vec!["", " ", "  "]);
    proptest::collection::vec((token, separator), 0..24).prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(token, separator)| [token, separator])
            .collect()
    })
}

/// Whatever `text` is, parsing returns; a tree it returns prints a filter that reads back the same.
fn assert_filter_reads_back(text: &str) -> Result<(), TestCaseError> {
    if let Ok(filter) = Filter::parse(text) {
        let printed = filter.to_string();
        prop_assert_eq!(
            Filter::parse_with(&printed, &loose()),
            Ok(filter),
            "{}",
            printed
        );
    }
    Ok(())
}

fn assert_path_reads_back(text: &str) -> Result<(), TestCaseError> {
    if let Ok(path) = PatchPath::parse(text) {
        let printed = path.to_string();
        prop_assert_eq!(
            PatchPath::parse_with(&printed, &loose(), &urn::RESOURCE_SCHEMAS),
            Ok(path),
            "{}",
            printed
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn printed_filters_parse_back(filter in arb_filter()) {
        let printed = filter.to_string();
        prop_assert_eq!(Filter::parse_with(&printed, &loose()), Ok(filter), "{}", printed);
    }

    #[test]
    fn printed_paths_parse_back(
        attr in arb_attr(false),
        sub_attr in proptest::option::of("[a-zA-Z$][a-zA-Z0-9_$-]{0,8}"),
        filter in proptest::option::of(arb_value_filter()),
    ) {
        let attr = match &sub_attr {
            Some(sub_attr) => attr.with_sub_attr(sub_attr),
            None => attr,
        };
        let path = PatchPath::Attribute { attr, value_filter: filter };
        let printed = path.to_string();
        prop_assert_eq!(
            PatchPath::parse_with(&printed, &loose(), &urn::RESOURCE_SCHEMAS),
            Ok(path),
            "{}",
            printed
        );
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        assert_filter_reads_back(&text)?;
        assert_path_reads_back(&text)?;
    }

    #[test]
    fn token_soup_never_panics(text in arb_token_soup()) {
        assert_filter_reads_back(&text)?;
        assert_path_reads_back(&text)?;
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let text = String::from_utf8_lossy(&bytes);
        assert_filter_reads_back(&text)?;
        assert_path_reads_back(&text)?;
    }
}
