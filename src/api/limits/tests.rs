//! The whole check, as the HTTP handler calls it. These run on the test thread's default stack:
//! every refusal below must come back as a value, never as a crash.

use async_graphql::{BatchRequest, Request, Variables};
use serde_json::json;

use super::*;

fn limits() -> GraphqlLimits {
    GraphqlLimits::default()
}

fn code(query: &str) -> Option<&'static str> {
    let mut request = Request::new(query);
    check(&mut request, &limits()).err().map(|r| r.code)
}

fn nested_list(depth: usize) -> String {
    format!(
        "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn an_ordinary_query_passes_and_is_handed_on_parsed() {
    let mut request =
        Request::new("query Q($n: Int) { events(first: $n) { edges { node { id title } } } }")
            .variables(Variables::from_json(json!({ "n": 50 })));
    assert_eq!(check(&mut request, &limits()), Ok(()));
    assert!(request.parsed_query().is_ok());
}

#[test]
fn the_list_literal_that_crashed_the_process_is_refused_before_parsing() {
    // 1,750 levels aborted the process (issue 6); 100,000 must cost no more than the first 17.
    for depth in [17, 1_750] {
        assert_eq!(
            code(&nested_list(depth)),
            Some(codes::VALUE_NESTING_TOO_DEEP)
        );
    }
    let mut wide = limits();
    wide.max_document_bytes = usize::MAX;
    let mut huge = Request::new(nested_list(100_000));
    assert_eq!(
        check(&mut huge, &wide).unwrap_err().code,
        codes::VALUE_NESTING_TOO_DEEP
    );
    let object = format!(
        "mutation {{ x(a: {}1{}) }}",
        "{a: ".repeat(1_750),
        "}".repeat(1_750)
    );
    assert_eq!(code(&object), Some(codes::VALUE_NESTING_TOO_DEEP));
    // A nested list type in a variable definition is the same parser recursion.
    let ty = format!(
        "query($v: {}Int{}) {{ __typename }}",
        "[".repeat(1_750),
        "]".repeat(1_750)
    );
    assert_eq!(code(&ty), Some(codes::VALUE_NESTING_TOO_DEEP));
    // At the limit it passes the check (and is then the validator's to judge).
    assert_eq!(code(&nested_list(16)), None);
}

#[test]
fn deep_json_variables_are_refused() {
    let mut deep = json!("x");
    for _ in 0..17 {
        deep = json!([deep]);
    }
    let mut request = Request::new("query($ids: [ID!]) { nodes(ids: $ids) { id } }")
        .variables(Variables::from_json(json!({ "ids": deep })));
    let refused = check(&mut request, &limits()).unwrap_err();
    assert_eq!(refused.code, codes::VALUE_NESTING_TOO_DEEP);
    assert!(
        refused.message.contains("CASEGRAPH_MAX_VALUE_DEPTH"),
        "{refused:?}"
    );
    assert_eq!(
        value_depth(&ConstValue::from_json(json!([[], {"a": [1]}])).unwrap()),
        3
    );
    assert_eq!(value_depth(&ConstValue::from_json(json!([])).unwrap()), 1);
}

#[test]
fn twenty_thousand_typename_aliases_are_refused() {
    let doc = format!(
        "{{ {} }}",
        (0..20_000)
            .map(|i| format!("a{i}: __typename "))
            .collect::<String>()
    );
    // 330 KB: over the document size already; with that limit lifted, over the token count.
    assert_eq!(code(&doc), Some(codes::DOCUMENT_TOO_LARGE));
    let mut wide = limits();
    wide.max_document_bytes = usize::MAX;
    assert_eq!(
        check(&mut Request::new(doc), &wide).unwrap_err().code,
        codes::TOO_MANY_TOKENS
    );
    // Under the token limit, the alias limit applies.
    let doc = format!(
        "{{ system {{ {} }} }}",
        (0..51)
            .map(|i| format!("a{i}: __typename "))
            .collect::<String>()
    );
    assert_eq!(code(&doc), Some(codes::TOO_MANY_ALIASES));
}

#[test]
fn typename_counts_towards_complexity() {
    // 20 lists of 100 items each asking for 6 __typename: 20 × (1 + 100 × 7) > 10,000.
    let inner =
        "t1: __typename t2: __typename t3: __typename t4: __typename t5: __typename __typename";
    let doc = format!(
        "{{ {} }}",
        (0..20)
            .map(|i| format!("e{i}: events(first: 100) {{ nodes {{ {inner} }} }} "))
            .collect::<String>()
    );
    let mut l = limits();
    l.max_aliases = 1_000;
    l.max_complexity = 10_000;
    let mut request = Request::new(doc);
    assert_eq!(
        check(&mut request, &l).unwrap_err().code,
        codes::QUERY_TOO_COMPLEX
    );
}

#[test]
fn each_dimension_has_its_code() {
    let big = format!("{{ __typename }} # {}", "x".repeat(70_000));
    assert_eq!(code(&big), Some(codes::DOCUMENT_TOO_LARGE));
    let deep = format!("{}{}", "{ system ".repeat(16), "}".repeat(16));
    assert_eq!(code(&deep), Some(codes::SELECTION_TOO_DEEP));
    let directives = format!("{{ __typename {} }}", "@include(if: true) ".repeat(6));
    assert_eq!(code(&directives), Some(codes::TOO_MANY_DIRECTIVES));
    let roots = format!("{{ {} }}", "system { version } ".repeat(21));
    assert_eq!(code(&roots), Some(codes::TOO_MANY_ROOT_FIELDS));
    // 1 + 100 × (1 + 1 + 20 × (1 + 1 + 1 + 20 × (1 + 1 + 20 × 3))) = 2,486,201.
    let complex = "{ events(first: 100) { nodes { participants { nodes { actor { events { nodes { participants { nodes { actor { name } } } } } } } } } } }";
    assert_eq!(code(complex), Some(codes::QUERY_TOO_COMPLEX));
}

#[test]
fn fragments_count_with_their_expansion() {
    // Root fields and depth seen through fragments and inline fragments.
    let roots = format!(
        "{{ ...A ... on Query {{ ...A }} }} fragment A on Query {{ {} }}",
        "system { version } ".repeat(11)
    );
    assert_eq!(code(&roots), Some(codes::TOO_MANY_ROOT_FIELDS));
    let deep = format!(
        "{{ ...F }} fragment F on Query {{ {}__typename{} }}",
        "system { ".repeat(15),
        " }".repeat(15)
    );
    assert_eq!(code(&deep), Some(codes::SELECTION_TOO_DEEP));
}

#[test]
fn every_message_names_the_variable_that_changes_the_limit() {
    let cases = [
        nested_list(20),
        format!("{}{}", "{ system ".repeat(16), "}".repeat(16)),
        format!("{{ {} }}", "a: __typename ".repeat(4_000)),
    ];
    for doc in cases {
        let refused = check(&mut Request::new(doc), &limits()).unwrap_err();
        assert!(refused.message.contains("CASEGRAPH_"), "{refused:?}");
    }
}

#[test]
fn a_batch_is_refused_when_too_long_or_when_any_request_is() {
    let mut batch = BatchRequest::Batch((0..11).map(|_| Request::new("{ __typename }")).collect());
    assert_eq!(
        check_batch(&mut batch, &limits(), None).unwrap_err().code,
        codes::BATCH_TOO_LARGE
    );
    let mut batch = BatchRequest::Batch(vec![
        Request::new("{ __typename }"),
        Request::new(nested_list(1_750)),
    ]);
    let refused = check_batch(&mut batch, &limits(), None).unwrap_err();
    assert_eq!(refused.code, codes::VALUE_NESTING_TOO_DEEP);
    assert!(
        refused.message.starts_with("request 1 of the batch"),
        "{refused:?}"
    );
}

#[test]
fn documents_that_do_not_parse_are_left_to_async_graphql() {
    let mut request = Request::new("{ events(");
    assert_eq!(check(&mut request, &limits()), Ok(()));
}
