//! Tests of the filter parser: every grammar form, every error, and property tests.

use super::*;
use crate::{syntax, urn};

fn attr(text: &str) -> AttrPath {
    AttrPath::parse(text).unwrap()
}

fn string(text: &str) -> CompareValue {
    CompareValue::String(text.to_owned())
}

fn number(text: &str) -> CompareValue {
    syntax::classify_word(text).unwrap()
}

fn compare(path: &str, op: CompareOp, value: CompareValue) -> Filter {
    Filter::Compare {
        path: attr(path),
        op,
        value,
    }
}

fn eq(path: &str, value: CompareValue) -> Filter {
    compare(path, CompareOp::Equal, value)
}

fn present(path: &str) -> Filter {
    Filter::Present(attr(path))
}

fn and(left: Filter, right: Filter) -> Filter {
    Filter::And(Box::new(left), Box::new(right))
}

fn or(left: Filter, right: Filter) -> Filter {
    Filter::Or(Box::new(left), Box::new(right))
}

fn not(inner: Filter) -> Filter {
    Filter::Not(Box::new(inner))
}

fn value_path(path: &str, filter: Filter) -> Filter {
    Filter::ValuePath {
        attr: attr(path),
        filter: Box::new(filter),
    }
}

/// Parses `input`, expects `expected`, and checks that the canonical form `canonical` is what
/// `Display` prints and parses back to the same tree.
fn check(input: &str, expected: &Filter, canonical: &str) {
    let filter = Filter::parse(input).unwrap_or_else(|error| panic!("{input}: {error}"));
    assert_eq!(&filter, expected, "{input}");
    assert_eq!(filter.to_string(), canonical, "{input}");
    assert_eq!(&Filter::parse(canonical).unwrap(), expected, "{canonical}");
}

/// Parses `input` with `limits`, expecting an error; returns its kind and position.
fn error_with(input: &str, limits: &Limits) -> (SyntaxErrorKind, usize) {
    let error = Filter::parse_with(input, limits).unwrap_err();
    assert_eq!(error.scim_type(), ScimType::InvalidFilter);
    (error.kind().clone(), error.position())
}

fn error(input: &str) -> (SyntaxErrorKind, usize) {
    error_with(input, &Limits::DEFAULT)
}

fn unexpected(expected: &'static str, found: &str) -> SyntaxErrorKind {
    SyntaxErrorKind::Unexpected {
        expected,
        found: found.to_owned(),
    }
}

#[test]
fn every_operator_in_any_case() {
    for op in CompareOp::ALL {
        let upper = op.as_str().to_ascii_uppercase();
        let canonical = format!(r#"title {op} "x""#);
        for spelling in [op.as_str().to_owned(), upper.clone(), {
            let mut mixed = upper.clone();
            mixed.make_ascii_lowercase();
            mixed.replace_range(..1, &upper[..1]);
            mixed
        }] {
            check(
                &format!(r#"title {spelling} "x""#),
                &compare("title", op, string("x")),
                &canonical,
            );
        }
    }
    check("title pr", &present("title"), "title pr");
    check("title PR", &present("title"), "title pr");
    check("title Pr", &present("title"), "title pr");
}

#[test]
fn and_binds_tighter_than_or() {
    let a = eq("a", number("1"));
    let b = eq("b", number("2"));
    let c = eq("c", number("3"));
    let expected = or(a.clone(), and(b.clone(), c.clone()));
    check(
        "a eq 1 or b eq 2 and c eq 3",
        &expected,
        "a eq 1 or b eq 2 and c eq 3",
    );
    assert_eq!(
        Filter::parse("a eq 1 or (b eq 2 and c eq 3)").unwrap(),
        expected
    );
    check(
        "a eq 1 and b eq 2 or c eq 3",
        &or(and(a.clone(), b.clone()), c.clone()),
        "a eq 1 and b eq 2 or c eq 3",
    );
    check(
        "(a eq 1 or b eq 2) and c eq 3",
        &and(or(a.clone(), b.clone()), c.clone()),
        "(a eq 1 or b eq 2) and c eq 3",
    );
    check(
        "a eq 1 and (b eq 2 or c eq 3)",
        &and(a.clone(), or(b.clone(), c.clone())),
        "a eq 1 and (b eq 2 or c eq 3)",
    );
}

#[test]
fn chains_associate_to_the_left() {
    let (a, b, c) = (present("a"), present("b"), present("c"));
    check(
        "a pr and b pr and c pr",
        &and(and(a.clone(), b.clone()), c.clone()),
        "a pr and b pr and c pr",
    );
    check(
        "a pr or b pr or c pr",
        &or(or(a.clone(), b.clone()), c.clone()),
        "a pr or b pr or c pr",
    );
    // Grouping on the right is kept, so the tree round-trips.
    check(
        "a pr and (b pr and c pr)",
        &and(a.clone(), and(b.clone(), c.clone())),
        "a pr and (b pr and c pr)",
    );
    check(
        "a pr or (b pr or c pr)",
        &or(a, or(b, c)),
        "a pr or (b pr or c pr)",
    );
}

#[test]
fn not_and_parentheses() {
    check("not (x pr)", &not(present("x")), "not (x pr)");
    check("NOT(x pr)", &not(present("x")), "not (x pr)");
    check(" not  ( x pr ) ", &not(present("x")), "not (x pr)");
    check(
        "not (a pr) and b pr",
        &and(not(present("a")), present("b")),
        "not (a pr) and b pr",
    );
    check(
        "not (not (a pr or b pr))",
        &not(not(or(present("a"), present("b")))),
        "not (not (a pr or b pr))",
    );
    check("((a pr))", &present("a"), "a pr");
    check(
        "((a pr or (b pr)) and ((c pr)))",
        &and(or(present("a"), present("b")), present("c")),
        "(a pr or b pr) and c pr",
    );
    check(
        "(a pr)and(b pr)or(c pr)",
        &or(and(present("a"), present("b")), present("c")),
        "a pr and b pr or c pr",
    );
    check(
        "a pr\tand\n\r b pr",
        &and(present("a"), present("b")),
        "a pr and b pr",
    );
}

#[test]
fn value_paths() {
    let work = eq("type", string("work"));
    let domain = compare("value", CompareOp::Contains, string("@example.com"));
    check(
        r#"emails[type eq "work" and value co "@example.com"]"#,
        &value_path("emails", and(work.clone(), domain.clone())),
        r#"emails[type eq "work" and value co "@example.com"]"#,
    );
    check(
        r#"emails [ type eq "work" ] "#,
        &value_path("emails", work.clone()),
        r#"emails[type eq "work"]"#,
    );
    check(
        r#"emails[not (type eq "work") or (value pr)]"#,
        &value_path("emails", or(not(work.clone()), present("value"))),
        r#"emails[not (type eq "work") or value pr]"#,
    );
    check(
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        &and(
            eq("userType", string("Employee")),
            value_path("emails", and(work.clone(), domain.clone())),
        ),
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
    );
    check(
        r#"emails[type eq "work"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        &or(
            value_path("emails", work.clone()),
            value_path(
                "ims",
                and(
                    eq("type", string("xmpp")),
                    compare("value", CompareOp::Contains, string("@foo.com")),
                ),
            ),
        ),
        r#"emails[type eq "work"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    );
    check(
        r#"not (emails[type eq "work"])"#,
        &not(value_path("emails", work)),
        r#"not (emails[type eq "work"])"#,
    );
}

#[test]
fn value_path_followed_by_a_sub_attribute_comparison() {
    // Upstream v1.7.1 (collection-query.ts) accepts this form, which Microsoft Entra sends.
    let work = eq("type", string("work"));
    check(
        r#"emails[type eq "work"].value eq "ada@example.com""#,
        &value_path(
            "emails",
            and(work.clone(), eq("value", string("ada@example.com"))),
        ),
        r#"emails[type eq "work" and value eq "ada@example.com"]"#,
    );
    check(
        r#"emails[ type eq "work" ] . value pr and active eq true"#,
        &and(
            value_path("emails", and(work, present("value"))),
            eq("active", CompareValue::Bool(true)),
        ),
        r#"emails[type eq "work" and value pr] and active eq true"#,
    );
    check(
        r#"emails[type eq "a" or type eq "b"].value sw "x""#,
        &value_path(
            "emails",
            and(
                or(eq("type", string("a")), eq("type", string("b"))),
                compare("value", CompareOp::StartsWith, string("x")),
            ),
        ),
        r#"emails[(type eq "a" or type eq "b") and value sw "x"]"#,
    );
    check(
        r#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work"].value eq "x""#,
        &value_path(
            "urn:ietf:params:scim:schemas:core:2.0:User:emails",
            and(eq("type", string("work")), eq("value", string("x"))),
        ),
        r#"urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work" and value eq "x"]"#,
    );
}

#[test]
fn urn_qualified_paths() {
    check(
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        &compare(
            "urn:ietf:params:scim:schemas:core:2.0:User:userName",
            CompareOp::StartsWith,
            string("J"),
        ),
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
    );
    let filter = Filter::parse(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d""#,
    )
    .unwrap();
    let Filter::Compare { path, .. } = &filter else {
        panic!("{filter:?}")
    };
    assert_eq!(path.urn(), Some(urn::ENTERPRISE_USER));
    assert!(path.name_is("manager") && path.sub_attr_is("value"));
    let filter = Filter::parse(
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 701984",
    )
    .unwrap();
    let Filter::Compare { path, value, .. } = &filter else {
        panic!("{filter:?}")
    };
    assert_eq!(
        (path.urn(), path.name(), path.sub_attr()),
        (Some(urn::ENTERPRISE_USER), "employeeNumber", None)
    );
    assert_eq!(value, &number("701984"));
}

#[test]
fn attribute_names_keep_their_case_and_compare_without_it() {
    let filter = Filter::parse(r#"USERNAME eq "Ada" and Name.GivenName pr"#).unwrap();
    let Filter::And(left, right) = &filter else {
        panic!("{filter:?}")
    };
    let (
        Filter::Compare {
            path: user_name, ..
        },
        Filter::Present(given_name),
    ) = (&**left, &**right)
    else {
        panic!("{filter:?}")
    };
    assert_eq!(user_name.name(), "USERNAME");
    assert!(user_name.name_is("userName"));
    assert!(given_name.eq_ignore_case(&attr("name.givenName")));
    assert_eq!(
        filter.to_string(),
        r#"USERNAME eq "Ada" and Name.GivenName pr"#
    );
}

#[test]
fn keywords_in_any_case() {
    check(
        "a eq TRUE AND b eq False Or c eq NULL",
        &or(
            and(
                eq("a", CompareValue::Bool(true)),
                eq("b", CompareValue::Bool(false)),
            ),
            eq("c", CompareValue::Null),
        ),
        "a eq true and b eq false or c eq null",
    );
}

#[test]
fn strings_decode_json_escapes() {
    check(
        r#"displayName eq "a\"b\\c\/d\u00e9\n\t\ud83d\ude00""#,
        &eq("displayName", string("a\"b\\c/d\u{e9}\n\t\u{1f600}")),
        "displayName eq \"a\\\"b\\\\c/d\u{e9}\\n\\t\u{1f600}\"",
    );
    check(
        r#"name.familyName co "O'Malley""#,
        &compare("name.familyName", CompareOp::Contains, string("O'Malley")),
        r#"name.familyName co "O'Malley""#,
    );
    check(
        r#"title eq "a and b or not (c)""#,
        &eq("title", string("a and b or not (c)")),
        r#"title eq "a and b or not (c)""#,
    );
    check(r#"title eq """#, &eq("title", string("")), r#"title eq """#);
    check(
        "title eq \"\\u0001\"",
        &eq("title", string("\u{1}")),
        "title eq \"\\u0001\"",
    );
    check(
        "title eq \"日本\"",
        &eq("title", string("日本")),
        "title eq \"日本\"",
    );
}

#[test]
fn numbers() {
    for (input, canonical) in [
        ("0", "0"),
        ("-5", "-5"),
        ("12345678901234567890", "12345678901234567890"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("1.5", "1.5"),
        ("-0.25", "-0.25"),
        ("1e3", "1000.0"),
        ("1E-2", "0.01"),
        ("2.5e+1", "25.0"),
        ("99999999999999999999", "1e+20"),
    ] {
        let value = number(input);
        assert!(matches!(value, CompareValue::Number(_)), "{input}");
        check(
            &format!("age gt {input}"),
            &compare("age", CompareOp::GreaterThan, value),
            &format!("age gt {canonical}"),
        );
    }
    let CompareValue::Number(big) = number("12345678901234567890") else {
        panic!()
    };
    assert_eq!(big.as_u64(), Some(12_345_678_901_234_567_890));
    let CompareValue::Number(negative) = number("-5") else {
        panic!()
    };
    assert_eq!(negative.as_i64(), Some(-5));
}

#[test]
fn unquoted_values() {
    for word in [
        "1234-abc",
        "john@contoso.com",
        "0123",
        "1.",
        "-",
        "Trueish",
        "日本",
        "urn:x:y",
    ] {
        check(
            &format!("externalId eq {word}"),
            &eq("externalId", CompareValue::Unquoted(word.to_owned())),
            &format!("externalId eq {word}"),
        );
    }
    check(
        "userName eq john@contoso.com and active eq true",
        &and(
            eq(
                "userName",
                CompareValue::Unquoted("john@contoso.com".to_owned()),
            ),
            eq("active", CompareValue::Bool(true)),
        ),
        "userName eq john@contoso.com and active eq true",
    );
    check(
        "(userName eq bob)",
        &eq("userName", CompareValue::Unquoted("bob".to_owned())),
        "userName eq bob",
    );
    check(
        "emails[type eq work]",
        &value_path(
            "emails",
            eq("type", CompareValue::Unquoted("work".to_owned())),
        ),
        "emails[type eq work]",
    );
    assert_eq!(
        CompareValue::Unquoted("bob".to_owned()).as_str(),
        Some("bob")
    );
    // A word that would read back as something else prints as a string.
    assert_eq!(
        CompareValue::Unquoted("12".to_owned()).to_string(),
        r#""12""#
    );
    assert_eq!(
        CompareValue::Unquoted("a b".to_owned()).to_string(),
        r#""a b""#
    );
    assert_eq!(
        CompareValue::Unquoted("and".to_owned()).to_string(),
        r#""and""#
    );
}

#[test]
fn date_values() {
    let filter = Filter::parse(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#).unwrap();
    let Filter::Compare { value, op, .. } = &filter else {
        panic!("{filter:?}")
    };
    assert_eq!(*op, CompareOp::GreaterThan);
    assert_eq!(
        value.as_timestamp().map(|at| at.unix_seconds()),
        Some(1_305_261_754)
    );
    assert_eq!(string("yesterday").as_timestamp(), None);
    assert_eq!(
        CompareValue::Unquoted("2011-05-13T04:42:34Z".to_owned()).as_timestamp(),
        None
    );
}

#[test]
fn rfc_7644_examples_parse() {
    for example in [
        r#"userName eq "bjensen""#,
        r#"name.familyName co "O'Malley""#,
        r#"userName sw "J""#,
        r#"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#,
        "title pr",
        r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
        r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
        r#"title pr and userType eq "Employee""#,
        r#"title pr or userType eq "Intern""#,
        r#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        r#"userType eq "Employee" and (emails.type eq "work")"#,
        r#"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
    ] {
        let filter = Filter::parse(example).unwrap_or_else(|error| panic!("{example}: {error}"));
        assert_eq!(Filter::parse(&filter.to_string()).unwrap(), filter);
    }
}

#[test]
fn string_errors() {
    assert_eq!(
        error(r#"userName eq "bjensen"#),
        (SyntaxErrorKind::UnterminatedString, 12)
    );
    assert_eq!(
        error(r#"userName eq "bjensen\""#),
        (SyntaxErrorKind::UnterminatedString, 12)
    );
    assert_eq!(
        error(r#"userName eq "a\qb""#),
        (
            SyntaxErrorKind::InvalidString {
                reason: "invalid escape sequence"
            },
            12
        )
    );
    assert_eq!(
        error(r#"userName eq "\ud800""#).0,
        SyntaxErrorKind::InvalidString {
            reason: "invalid escape sequence"
        }
    );
    assert_eq!(
        error("userName eq \"a\nb\""),
        (
            SyntaxErrorKind::InvalidString {
                reason: "control characters must be escaped"
            },
            14
        )
    );
    assert_eq!(
        error("age gt 1e400"),
        (SyntaxErrorKind::InvalidNumber("1e400".to_owned()), 7)
    );
}

#[test]
fn operator_errors() {
    let operator = "an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr)";
    assert_eq!(
        error(r#"userName "bjensen""#),
        (unexpected(operator, "a string"), 9)
    );
    assert_eq!(
        error("userName"),
        (unexpected(operator, "the end of the input"), 8)
    );
    assert_eq!(error("(userName)"), (unexpected(operator, "`)`"), 9));
    assert_eq!(
        error(r#"userName eqq "bjensen""#),
        (SyntaxErrorKind::UnknownOperator("eqq".to_owned()), 9)
    );
    assert_eq!(
        error(r#"userName like "bjensen""#),
        (SyntaxErrorKind::UnknownOperator("like".to_owned()), 9)
    );
    // Upstream v1.7.1 also reads `Name` as the operator here.
    assert_eq!(
        error(r#"user Name eq "ada""#),
        (SyntaxErrorKind::UnknownOperator("Name".to_owned()), 5)
    );
    assert_eq!(
        error("userName eq"),
        (unexpected("a value", "the end of the input"), 11)
    );
    assert_eq!(error("userName eq )"), (unexpected("a value", "`)`"), 12));
    assert_eq!(
        error("userName eq and"),
        (unexpected("a value", "`and`"), 12)
    );
}

#[test]
fn logical_operator_errors() {
    assert_eq!(
        error("a pr and"),
        (
            SyntaxErrorKind::DanglingLogicalOperator { keyword: "and" },
            5
        )
    );
    assert_eq!(
        error("a pr or  "),
        (
            SyntaxErrorKind::DanglingLogicalOperator { keyword: "or" },
            5
        )
    );
    assert_eq!(
        error("(a pr and)"),
        (
            SyntaxErrorKind::DanglingLogicalOperator { keyword: "and" },
            6
        )
    );
    let expression = "an attribute path, `(` or `not`";
    assert_eq!(error("and a pr"), (unexpected(expression, "`and`"), 0));
    assert_eq!(
        error("a pr and or b pr"),
        (unexpected(expression, "`or`"), 9)
    );
    assert_eq!(
        error("not a pr"),
        (SyntaxErrorKind::NotWithoutParenthesis, 0)
    );
    assert_eq!(error("not"), (SyntaxErrorKind::NotWithoutParenthesis, 0));
    assert_eq!(error("()"), (unexpected(expression, "`)`"), 1));
    assert_eq!(
        error(r#""x" eq "y""#),
        (unexpected(expression, "a string"), 0)
    );
    assert_eq!(
        error(r#"userName eq "ada" trailing"#),
        (
            unexpected("`and`, `or` or the end of the filter", "`trailing`"),
            18
        )
    );
    assert_eq!(
        error(r#"displayName eq "one" ne "two""#),
        (
            unexpected("`and`, `or` or the end of the filter", "`ne`"),
            21
        )
    );
}

#[test]
fn grouping_errors() {
    assert_eq!(error("(a pr"), (SyntaxErrorKind::UnclosedParenthesis, 0));
    assert_eq!(
        error("((a pr) or (b pr)"),
        (SyntaxErrorKind::UnclosedParenthesis, 0)
    );
    assert_eq!(error("a pr)"), (SyntaxErrorKind::UnmatchedParenthesis, 4));
    assert_eq!(
        error("(a pr b pr)"),
        (unexpected("`and`, `or` or `)`", "`b`"), 6)
    );
    assert_eq!(
        error(r#"emails[type eq "work""#),
        (SyntaxErrorKind::UnclosedBracket, 6)
    );
    assert_eq!(
        error(r#"emails[type eq "work"]]"#),
        (SyntaxErrorKind::UnmatchedBracket, 22)
    );
    assert_eq!(
        error(r#"emails[type eq "work")"#),
        (unexpected("`and`, `or` or `]`", "`)`"), 21)
    );
    assert_eq!(
        error(r#"(emails[type eq "work")]"#),
        (unexpected("`and`, `or` or `]`", "`)`"), 22)
    );
    assert_eq!(
        error("emails[]"),
        (unexpected("an attribute path, `(` or `not`", "`]`"), 7)
    );
    assert_eq!(
        error("emails[type eq x]]"),
        (SyntaxErrorKind::UnmatchedBracket, 17)
    );
    assert_eq!(
        error("emails[a[b pr]]"),
        (SyntaxErrorKind::NestedValueFilter, 8)
    );
    assert_eq!(
        error("name.givenName[x pr]"),
        (SyntaxErrorKind::ValueFilterOnSubAttribute, 0)
    );
    assert!(matches!(
        error(r#"emails[type eq "work"].value.x eq 1"#).0,
        SyntaxErrorKind::InvalidAttributePath { .. }
    ));
    // Found by fuzzing: a keyword would not read back as a path.
    assert_eq!(
        error(r#"emails[type eq "work"]. and eq 1"#),
        (unexpected("a sub-attribute name", "`and`"), 24)
    );
    assert_eq!(
        error(r#"emails[type eq "work"].NOT pr"#),
        (unexpected("a sub-attribute name", "`NOT`"), 23)
    );
    assert_eq!(
        error(r#"emails[type eq "work"]. (x pr)"#),
        (unexpected("a sub-attribute name", "`(`"), 24)
    );
    assert_eq!(
        error(r#"emails[type eq "work"].value"#),
        (
            unexpected(
                "an operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr)",
                "the end of the input"
            ),
            28
        )
    );
}

#[test]
fn attribute_path_errors() {
    for input in ["1abc pr", "a:b pr", "urn:x pr", "a.b.c pr", "a. pr", "é pr"] {
        let (kind, position) = error(input);
        assert!(
            matches!(kind, SyntaxErrorKind::InvalidAttributePath { .. }),
            "{input}: {kind:?}"
        );
        assert_eq!(position, 0);
    }
    let long = format!("{} pr", "x".repeat(100) + "!");
    let (SyntaxErrorKind::InvalidAttributePath { text, .. }, _) = error(&long) else {
        panic!()
    };
    assert_eq!(text, format!("{}…", "x".repeat(40)));
}

#[test]
fn empty_and_oversized_inputs() {
    assert_eq!(error(""), (SyntaxErrorKind::Empty, 0));
    assert_eq!(error(" \t\n"), (SyntaxErrorKind::Empty, 0));
    let long = format!(r#"userName eq "{}""#, "a".repeat(4096));
    assert_eq!(
        error(&long),
        (
            SyntaxErrorKind::TooLong {
                length: long.len(),
                max: 4096
            },
            4096
        )
    );
    let exact = format!(r#"userName eq "{}""#, "a".repeat(4096 - 14));
    assert_eq!(exact.len(), 4096);
    assert!(Filter::parse(&exact).is_ok());
}

#[test]
fn nesting_depth_is_limited() {
    let limits = Limits::default().with_max_depth(3);
    assert!(Filter::parse_with("(((a pr)))", &limits).is_ok());
    assert!(Filter::parse_with("not (not (emails[a pr]))", &limits).is_ok());
    assert_eq!(
        error_with("((((a pr))))", &limits),
        (SyntaxErrorKind::TooDeep { max: 3 }, 3)
    );
    assert_eq!(
        error_with("not (not (not (emails[a pr])))", &limits),
        (SyntaxErrorKind::TooDeep { max: 3 }, 21)
    );
    let deep = format!("{}a pr{}", "(".repeat(33), ")".repeat(33));
    assert_eq!(error(&deep), (SyntaxErrorKind::TooDeep { max: 32 }, 32));
    let ok = format!("{}a pr{}", "(".repeat(32), ")".repeat(32));
    assert!(Filter::parse(&ok).is_ok());
}

#[test]
fn huge_inputs_hit_a_limit_not_the_stack() {
    let unbounded = Limits::default()
        .with_max_length(usize::MAX)
        .with_max_depth(usize::MAX)
        .with_max_terms(usize::MAX);
    let parentheses = "(".repeat(200_000);
    assert_eq!(
        error_with(&parentheses, &unbounded),
        (SyntaxErrorKind::TooDeep { max: 256 }, 256)
    );
    let nots = "not (".repeat(100_000);
    assert_eq!(
        error_with(&nots, &unbounded).0,
        SyntaxErrorKind::TooDeep { max: 256 }
    );
    let chain = vec!["a pr"; 100_000].join(" and ");
    assert_eq!(
        error_with(&chain, &unbounded).0,
        SyntaxErrorKind::TooManyTerms { max: 1024 }
    );
    // A long string value is read in one pass.
    let long_string = format!(r#"title eq "{}""#, "\\\"a".repeat(1 << 18));
    assert!(Filter::parse_with(&long_string, &unbounded).is_ok());
}

#[test]
fn term_count_is_limited() {
    let chain = |count: usize| vec![r#"id eq "x""#; count].join(" or ");
    assert!(Filter::parse(&chain(128)).is_ok());
    let (kind, _) = error(&chain(129));
    assert_eq!(kind, SyntaxErrorKind::TooManyTerms { max: 128 });
    let limits = Limits::default().with_max_terms(2);
    assert!(Filter::parse_with("a pr and b pr", &limits).is_ok());
    assert_eq!(
        error_with(r#"emails[type eq "work"].value pr and c pr"#, &limits),
        (SyntaxErrorKind::TooManyTerms { max: 2 }, 38)
    );
}

#[test]
fn errors_become_invalid_filter_bodies() {
    let error = Filter::parse(r#"userName eqq "x""#).unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid filter at byte 9: unknown operator `eqq` (expected eq, ne, co, sw, ew, gt, ge, lt, le or pr)"
    );
    let body = ScimError::from(error);
    assert_eq!(
        serde_json::to_value(&body).unwrap(),
        serde_json::json!({
            "schemas": [urn::ERROR],
            "status": "400",
            "detail": "invalid filter at byte 9: unknown operator `eqq` (expected eq, ne, co, sw, ew, gt, ge, lt, le or pr)",
            "scimType": "invalidFilter",
        })
    );
}
