//! Hostile documents against the real router: each is refused with its own code on every transport
//! (POST JSON, POST application/graphql, GET, batches), and the service keeps answering.
//! `tests/corpus/` holds the inputs that once crashed or could crash it; they are replayed here.

use axum::{body::Body, http::Request};
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestResponse};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    PostJson,
    PostGraphql,
    Get,
}

pub const TRANSPORTS: [Transport; 3] =
    [Transport::PostJson, Transport::PostGraphql, Transport::Get];

/// Percent-encodes everything but unreserved characters, for a GET query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn doc_request(transport: Transport, accept: &str, doc: &str) -> Request<Body> {
    match transport {
        Transport::PostJson => Request::post("/graphql")
            .header("content-type", "application/json")
            .header("accept", accept)
            .body(Body::from(json!({ "query": doc }).to_string()))
            .unwrap(),
        Transport::PostGraphql => Request::post("/graphql")
            .header("content-type", "application/graphql")
            .header("accept", accept)
            .body(Body::from(doc.to_string()))
            .unwrap(),
        Transport::Get => Request::get(format!("/graphql?query={}", encode(doc)))
            .header("accept", accept)
            .body(Body::empty())
            .unwrap(),
    }
}

pub fn body_request(content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", content_type)
        .header("accept", "application/json")
        .body(body.into())
        .unwrap()
}

/// Every answer is JSON in the GraphQL response shape, and every error in it has a code.
/// Returns the body and the first error's code, if any.
pub fn well_formed(r: &TestResponse) -> (Value, Option<String>) {
    assert!(
        [200, 400, 405, 413, 415].contains(&r.status.as_u16()),
        "unexpected status {}: {}",
        r.status,
        String::from_utf8_lossy(&r.body)
    );
    let body: Value = serde_json::from_slice(&r.body).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&r.body[..r.body.len().min(500)])
        )
    });
    let responses = match &body {
        Value::Array(all) => all.clone(),
        one => vec![one.clone()],
    };
    let mut first = None;
    for one in &responses {
        match one.get("errors") {
            Some(Value::Array(errors)) => {
                assert!(!errors.is_empty(), "empty errors: {one}");
                for e in errors {
                    let code = e["extensions"]["code"].as_str();
                    assert!(code.is_some(), "an error without a code: {e}");
                    assert!(e["message"].is_string(), "an error without a message: {e}");
                    first = first.or(code.map(str::to_string));
                }
            }
            Some(other) => panic!("errors is not a list: {other}"),
            None => assert!(one["data"].is_object(), "neither data nor errors: {one}"),
        }
    }
    (body, first)
}

/// The service is alive and right: an ordinary query gets its ordinary answer.
pub async fn still_answers(app: &TestApp) {
    let data = app.data("{ system { version } }", json!({})).await;
    assert_eq!(data["system"]["version"], env!("CARGO_PKG_VERSION"));
}

fn nested_list(depth: usize) -> String {
    format!(
        "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[tokio::test]
async fn a_list_nested_1750_deep_is_refused_on_every_transport_and_the_service_survives() {
    // Before the limits, 1,750 levels aborted a release build with a stack overflow (issue 6); in a
    // debug build the parser's stack guard refuses that, and 300 levels of objects overflow instead.
    let app = TestApp::spawn().await;
    for depth in [300, 1_750, 5_000, 9_000] {
        let doc = nested_list(depth);
        for transport in TRANSPORTS {
            for (accept, status) in [
                ("application/json", 200),
                ("application/graphql-response+json", 400),
            ] {
                let r = app.send(doc_request(transport, accept, &doc)).await;
                let (body, code) = well_formed(&r);
                assert_eq!(
                    code.as_deref(),
                    Some("VALUE_NESTING_TOO_DEEP"),
                    "{transport:?} {depth}: {body}"
                );
                assert_eq!(r.status, status, "{transport:?} {accept}");
                assert!(body.get("data").is_none(), "{body}");
                let message = body["errors"][0]["message"].as_str().unwrap();
                assert!(message.contains("16") && message.contains("CASEGRAPH_MAX_VALUE_DEPTH"));
            }
        }
    }
    still_answers(&app).await;
}

#[tokio::test]
async fn the_largest_value_depth_the_configuration_allows_is_still_safe() {
    // 64 is the cap in config.rs; at 300 a debug build overflowed. Checked on the test thread's
    // default 2 MiB stack, through validation and coercion.
    let mut config = crate::helpers::test_config();
    config.graphql.max_value_depth = 64;
    config.graphql.max_depth = 32;
    config.graphql.max_complexity = usize::MAX;
    let app = TestApp::spawn_with(config).await;
    // Both at once: a 64-deep value at the bottom of 32 levels of fields.
    let both = format!(
        "{{ node(id: \"x\") {{ ... on Actor {{ {}events(role: {}1{}) {{ nodes {{ id }} }}{} }} }} }}",
        "memberOf { nodes { ".repeat(14),
        "{a: ".repeat(64),
        "}".repeat(64),
        " }".repeat(28)
    );
    for transport in TRANSPORTS {
        let r = app
            .send(doc_request(transport, "application/json", &both))
            .await;
        let (body, code) = well_formed(&r);
        assert_eq!(code.as_deref(), Some("GRAPHQL_VALIDATION_FAILED"));
        // The validator reached the value (rather than stopping at a depth check first).
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("role"), "{message}");
    }
    for transport in TRANSPORTS {
        let object = format!(
            "{{ node(id: {}1{}) {{ id }} }}",
            "{a: ".repeat(64),
            "}".repeat(64)
        );
        let r = app
            .send(doc_request(transport, "application/json", &object))
            .await;
        assert_eq!(
            well_formed(&r).1.as_deref(),
            Some("GRAPHQL_VALIDATION_FAILED")
        );
        let r = app
            .send(doc_request(transport, "application/json", &nested_list(64)))
            .await;
        assert_eq!(
            well_formed(&r).1.as_deref(),
            Some("GRAPHQL_VALIDATION_FAILED")
        );
        let mutation = format!(
            "mutation {{ upsertActor(input: {}1{}) {{ id }} }}",
            "{a: ".repeat(64),
            "}".repeat(64)
        );
        let r = app
            .send(doc_request(transport, "application/json", &mutation))
            .await;
        assert!(well_formed(&r).1.is_some());
    }
    let deep = format!("{}\"x\"{}", "[".repeat(64), "]".repeat(64));
    let body = format!("{{\"query\":\"query($v: [ID!]) {{ nodes(ids: $v) {{ id }} }}\",\"variables\":{{\"v\":{deep}}}}}");
    let r = app.send(body_request("application/json", body)).await;
    assert!(well_formed(&r).1.is_some());
    still_answers(&app).await;
}

#[tokio::test]
async fn an_object_nested_1750_deep_in_a_mutation_is_refused() {
    // Without the limits, 300 levels abort a debug build of the test process (stack overflow after
    // parsing succeeds); 1,750 a release build.
    let app = TestApp::spawn().await;
    for depth in [300, 1_750] {
        let doc = format!(
            "mutation {{ upsertActor(input: {}1{}) {{ id }} }}",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        );
        for transport in [Transport::PostJson, Transport::PostGraphql] {
            let r = app
                .send(doc_request(transport, "application/json", &doc))
                .await;
            assert_eq!(well_formed(&r).1.as_deref(), Some("VALUE_NESTING_TOO_DEEP"));
        }
        // GET refuses it too (a mutation over GET, or too deep: either way not run, not a crash).
        let r = app
            .send(doc_request(Transport::Get, "application/json", &doc))
            .await;
        assert!(well_formed(&r).1.is_some());
        // The same as a query argument, which GET does not refuse as a mutation.
        let query = format!(
            "{{ node(id: {}1{}) {{ id }} }}",
            "{a: ".repeat(depth),
            "}".repeat(depth)
        );
        let r = app
            .send(doc_request(Transport::Get, "application/json", &query))
            .await;
        assert_eq!(well_formed(&r).1.as_deref(), Some("VALUE_NESTING_TOO_DEEP"));
    }
    still_answers(&app).await;
}

#[tokio::test]
async fn twenty_thousand_typename_aliases_are_not_executed() {
    let app = TestApp::spawn().await;
    let many = |n: usize| {
        format!(
            "{{ system {{ {} }} }}",
            (0..n)
                .map(|i| format!("a{i}: __typename "))
                .collect::<String>()
        )
    };
    let r = app
        .send(doc_request(
            Transport::PostJson,
            "application/json",
            &many(20_000),
        ))
        .await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("DOCUMENT_TOO_LARGE"));
    let r = app
        .send(doc_request(
            Transport::PostJson,
            "application/json",
            &many(51),
        ))
        .await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("TOO_MANY_ALIASES"));
    let r = app
        .send(doc_request(
            Transport::PostJson,
            "application/json",
            &many(50),
        ))
        .await;
    let (body, code) = well_formed(&r);
    assert_eq!(code, None, "{body}");
    assert_eq!(body["data"]["system"]["a49"], "SystemInfo");
}

#[tokio::test]
async fn deep_json_variables_are_refused_with_a_code() {
    let app = TestApp::spawn().await;
    let query = "query($ids: [ID!]) { nodes(ids: $ids) { id } }";
    let deep = |n: usize| format!("{}\"x\"{}", "[".repeat(n), "]".repeat(n));
    let body = |n: usize| {
        format!(
            "{{\"query\":{query:?},\"variables\":{{\"ids\":{}}}}}",
            deep(n)
        )
    };
    let r = app.send(body_request("application/json", body(17))).await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("VALUE_NESTING_TOO_DEEP"));
    // Past serde_json's own recursion limit the body is refused as malformed JSON.
    let r = app
        .send(body_request("application/json", body(5_000)))
        .await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("BAD_REQUEST"));
    // In a GET query string too.
    let uri = format!(
        "/graphql?query={}&variables={}",
        encode(query),
        encode(&format!("{{\"ids\":{}}}", deep(17)))
    );
    let r = app
        .send(
            Request::get(uri)
                .header("accept", "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("VALUE_NESTING_TOO_DEEP"));
    still_answers(&app).await;
}

#[tokio::test]
async fn complexity_follows_the_page_sizes_asked_for() {
    let app = TestApp::spawn().await;
    // Confined to this test's (empty) collection: what is measured is the request, not the data.
    let query = "query($n: Int, $c: [ID!]) { events(collections: $c, first: $n) { nodes { participants { nodes { actor { events { nodes { participants { nodes { actor { name } } } } } } } } } } }";
    // Every nested list is a page of 20 (by default) whose `nodes` cost one more level:
    // 1 + n × (1 + 1 + 20 × (1 + 1 + 1 + 20 × (1 + 1 + 20 × 3))) = 1 + 24,862 n: 40 fits under
    // 1,000,000, 41 does not.
    let r = app
        .gql(query, json!({ "n": 40, "c": [app.collection] }))
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let r = app
        .gql(query, json!({ "n": 41, "c": [app.collection] }))
        .await;
    assert_eq!(crate::helpers::first_error(&r).0, "QUERY_TOO_COMPLEX");
    assert!(r["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("CASEGRAPH_MAX_COMPLEXITY"));
}

#[tokio::test]
async fn batches_are_limited_in_length_and_checked_request_by_request() {
    let app = TestApp::spawn().await;
    let batch = |docs: Vec<String>| {
        Value::Array(docs.into_iter().map(|q| json!({ "query": q })).collect()).to_string()
    };
    let r = app
        .send(body_request(
            "application/json",
            batch(vec!["{ __typename }".into(); 11]),
        ))
        .await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("BATCH_TOO_LARGE"));
    let r = app
        .send(body_request(
            "application/json",
            batch(vec!["{ __typename }".into(), nested_list(1_750)]),
        ))
        .await;
    assert_eq!(well_formed(&r).1.as_deref(), Some("VALUE_NESTING_TOO_DEEP"));
    let r = app
        .send(body_request(
            "application/json",
            batch(vec!["{ __typename }".into(); 10]),
        ))
        .await;
    let (body, code) = well_formed(&r);
    assert_eq!((code, body.as_array().map(Vec::len)), (None, Some(10)));
}

#[tokio::test]
async fn graphiql_introspection_passes_the_limits() {
    let app = TestApp::spawn().await;
    let data = app.data(INTROSPECTION, json!({})).await;
    assert!(data["__schema"]["types"].as_array().unwrap().len() > 20);
}

/// Expected first code per corpus file (POST); `None`: answered with data and no error.
const CORPUS: &[(&str, Option<&str>)] = &[
    ("aliases-20000-typename.graphql", Some("DOCUMENT_TOO_LARGE")),
    ("batch-of-1000.json", Some("BATCH_TOO_LARGE")),
    ("batch-of-deep.json", Some("VALUE_NESTING_TOO_DEEP")),
    ("block-string-hiding-brackets.graphql", None),
    ("deep-body-5000.json", Some("BAD_REQUEST")),
    (
        "deep-directive-argument-1750.graphql",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
    ("deep-extensions-5000.json", Some("BAD_REQUEST")),
    ("deep-list-1750.graphql", Some("VALUE_NESTING_TOO_DEEP")),
    (
        "deep-list-type-1750.graphql",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
    (
        "deep-list-unclosed-5000.graphql",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
    (
        "deep-object-1750-mutation.graphql",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
    (
        "deep-object-300-query.graphql",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
    (
        "deep-object-variable-120.json",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
    ("deep-selection-70.graphql", Some("SELECTION_TOO_DEEP")),
    ("deep-variables-100.json", Some("VALUE_NESTING_TOO_DEEP")),
    ("deep-variables-5000.json", Some("BAD_REQUEST")),
    ("fragment-bomb-40.graphql", Some("SELECTION_TOO_DEEP")),
    ("fragment-chain-1200.graphql", Some("SELECTION_TOO_DEEP")),
    ("fragment-cycle.graphql", Some("GRAPHQL_VALIDATION_FAILED")),
    ("many-directives.graphql", Some("TOO_MANY_DIRECTIVES")),
    (
        "string-cut-by-newline.graphql",
        Some("VALUE_NESTING_TOO_DEEP"),
    ),
];

#[tokio::test]
async fn the_regression_corpus_is_refused_with_its_codes_and_the_service_survives() {
    let app = TestApp::spawn().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".graphql") || n.ends_with(".json"))
        .collect();
    files.sort();
    let listed: Vec<&str> = CORPUS.iter().map(|(n, _)| *n).collect();
    assert_eq!(files, listed, "every corpus file has an expectation here");
    for (name, expected) in CORPUS {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let requests: Vec<(&str, Request<Body>)> = if name.ends_with(".json") {
            vec![("POST body", body_request("application/json", text.clone()))]
        } else {
            TRANSPORTS
                .iter()
                // The http crate refuses URIs over 64 KiB (as would any server, with 414).
                .filter(|t| **t != Transport::Get || encode(&text).len() < 60_000)
                .map(|t| ("document", doc_request(*t, "application/json", &text)))
                .collect()
        };
        for (i, (what, request)) in requests.into_iter().enumerate() {
            let r = app.send(request).await;
            let (body, code) = well_formed(&r);
            // Over GET a mutation is refused before it is measured (405), which is as good.
            let get_mutation = i == 2 && code.as_deref() == Some("METHOD_NOT_ALLOWED");
            assert!(
                code.as_deref() == *expected || get_mutation,
                "{name} ({what} #{i}): expected {expected:?}, got {body:.300}"
            );
            still_answers(&app).await;
        }
    }
}

/// GraphiQL's introspection query (graphql-js `getIntrospectionQuery()`, with descriptions).
const INTROSPECTION: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) {
    name description
    args { ...InputValue }
    type { ...TypeRef }
    isDeprecated deprecationReason
  }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name description
  type { ...TypeRef }
  defaultValue
}
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}
"#;

/// Documents are parsed and validated once and kept (`api::documents`); a request that repeats a
/// document with other variables still gets the answer a fresh validation gives it.
#[tokio::test]
async fn a_kept_document_is_validated_again_with_other_variables() {
    let app = TestApp::spawn().await;
    let query = "query($n: Int, $c: [ID!]) { events(collections: $c, first: $n) { totalCount } }";
    let fine = json!({ "n": 5, "c": [app.collection] });
    for _ in 0..2 {
        let r = app.gql(query, fine.clone()).await;
        assert_eq!(r["data"]["events"]["totalCount"], 0, "{r}");
    }
    // The same text, a variable of the wrong type: refused by validation, nothing executed.
    let r = app
        .gql(query, json!({ "n": "five", "c": [app.collection] }))
        .await;
    assert!(r.get("data").is_none(), "{r:#}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Invalid value for argument"),
        "{r:#}"
    );
    // The same text under another operation name is another request: unknown here.
    let r = app
        .send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(Body::from(
                    json!({ "query": query, "variables": fine, "operationName": "Other" })
                        .to_string(),
                ))
                .unwrap(),
        )
        .await;
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert!(body.get("data").is_none(), "{body:#}");
    let r = app.gql(query, fine).await;
    assert_eq!(r["data"]["events"]["totalCount"], 0, "{r}");
}
