//! Property-based fuzzing of the real router (proptest): generated hostile documents, variables,
//! batches and raw bodies, one after another against one service. After every case the answer must
//! be JSON in the GraphQL shape with a code on every error, and the service must still answer an
//! ordinary query that reaches Neo4j. A crash aborts the whole test binary, which fails the suite.
//!
//! `CASEGRAPH_FUZZ_CASES` sets the number of cases (default 500, about 4 s); for a long run:
//! `CASEGRAPH_FUZZ_CASES=20000 scripts/test --test api fuzz`. An input that finds a problem goes
//! into `tests/corpus/` (replayed by `limits::the_regression_corpus_...`).

use proptest::{
    prelude::*,
    test_runner::{Config, TestRunner},
};
use serde_json::json;

use crate::{
    helpers::TestApp,
    limits::{body_request, doc_request, well_formed, Transport, TRANSPORTS},
};

#[derive(Debug, Clone)]
enum Case {
    /// A document over one transport; `expect` is the code it must get, when known.
    Doc {
        transport: Transport,
        accept_json: bool,
        doc: String,
        expect: Option<&'static str>,
    },
    /// A raw POST body.
    Body {
        content_type: &'static str,
        body: Vec<u8>,
    },
}

/// Pieces of GraphQL and of things that look like it, for token soup.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    "$v",
    "@skip(if: true)",
    "@include",
    "...",
    "...F",
    "on",
    "query",
    "mutation",
    "fragment F on Query",
    "subscription",
    "__typename",
    "events",
    "nodes",
    "node",
    "id",
    "ids",
    "first:",
    "last: 100",
    "edges",
    "system",
    "version",
    "a:",
    "\"",
    "\"\"\"",
    "\\\"\"\"",
    "\"x\"",
    "# comment\n",
    "\n",
    ",",
    "-1",
    "1e309",
    "99999999999999999999",
    "true",
    "null",
    "=",
    "!",
    "|",
    "&",
    "\u{0}",
    "\u{200B}",
    "\u{FEFF}",
    "é",
    "[[[[",
    "{a: {a: {a:",
];

const CONTENT_TYPES: &[&str] = &[
    "application/json",
    "application/graphql",
    "application/graphql-response+json",
    "text/plain",
];

fn transport() -> impl Strategy<Value = Transport> {
    prop::sample::select(TRANSPORTS.to_vec())
}

fn doc(doc: String, expect: Option<&'static str>) -> impl Strategy<Value = Case> {
    (transport(), any::<bool>()).prop_map(move |(transport, accept_json)| Case::Doc {
        transport,
        accept_json,
        doc: doc.clone(),
        expect,
    })
}

fn deep_value() -> impl Strategy<Value = Case> {
    (0usize..4_000, any::<bool>()).prop_flat_map(|(depth, object)| {
        let value = if object {
            format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth))
        } else {
            format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth))
        };
        let expect = (depth > 16).then_some("VALUE_NESTING_TOO_DEEP");
        doc(format!("{{ nodes(ids: {value}) {{ id }} }}"), expect)
    })
}

fn deep_selection() -> impl Strategy<Value = Case> {
    (0usize..300, any::<bool>()).prop_flat_map(|(depth, inline)| {
        let open = if inline {
            "... on Query { "
        } else {
            "system { "
        };
        doc(
            format!(
                "{{ {}__typename{} }}",
                open.repeat(depth),
                " }".repeat(depth)
            ),
            None,
        )
    })
}

fn aliases() -> impl Strategy<Value = Case> {
    (0usize..25_000).prop_flat_map(|n| {
        let list: String = (0..n).map(|i| format!("a{i}: __typename ")).collect();
        doc(format!("{{ {list}}}"), None)
    })
}

fn fragments() -> impl Strategy<Value = Case> {
    // `width` spreads of the next fragment in each of `depth` fragments: width^depth when expanded.
    (1usize..5, 0usize..2_000).prop_flat_map(|(width, depth)| {
        let mut text = String::from("{ ...F0 }\n");
        for i in 0..depth {
            text += &format!(
                "fragment F{i} on Query {{ {}}}\n",
                format!("...F{} ", i + 1).repeat(width)
            );
        }
        text += &format!("fragment F{depth} on Query {{ __typename }}");
        doc(text, None)
    })
}

fn token_soup() -> impl Strategy<Value = Case> {
    prop::collection::vec(prop::sample::select(TOKENS.to_vec()), 0..4_000)
        .prop_flat_map(|tokens| doc(tokens.join(" "), None))
}

fn random_body() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(any::<u8>(), 0..4_096),
        prop::sample::select(CONTENT_TYPES.to_vec()),
    )
        .prop_map(|(body, content_type)| Case::Body { content_type, body })
}

fn deep_variables() -> impl Strategy<Value = Case> {
    (0usize..400, any::<bool>()).prop_map(|(depth, object)| {
        let value = if object {
            format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth))
        } else {
            format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth))
        };
        let body = format!(
            "{{\"query\":\"query($v: [ID!]) {{ nodes(ids: $v) {{ id }} }}\",\"variables\":{{\"v\":{value}}}}}"
        );
        Case::Body {
            content_type: "application/json",
            body: body.into_bytes(),
        }
    })
}

fn batch() -> impl Strategy<Value = Case> {
    prop::collection::vec(
        (0usize..40).prop_map(|d| {
            format!(
                "{{ nodes(ids: {}\"x\"{}) {{ id }} }}",
                "[".repeat(d),
                "]".repeat(d)
            )
        }),
        0..30,
    )
    .prop_map(|docs| {
        let body =
            serde_json::Value::Array(docs.into_iter().map(|q| json!({ "query": q })).collect());
        Case::Body {
            content_type: "application/json",
            body: body.to_string().into_bytes(),
        }
    })
}

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![
        deep_value(),
        deep_selection(),
        aliases(),
        fragments(),
        token_soup(),
        random_body(),
        deep_variables(),
        batch(),
    ]
}

#[test]
fn generated_hostile_requests_never_take_the_service_down() {
    let cases: u32 = std::env::var("CASEGRAPH_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(TestApp::spawn());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 256,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let result = runner.run(&case(), |case| {
        rt.block_on(async {
            let request = match &case {
                Case::Doc {
                    transport,
                    accept_json,
                    doc,
                    ..
                } => {
                    let accept = if *accept_json {
                        "application/json"
                    } else {
                        "application/graphql-response+json"
                    };
                    // Beyond 64 KiB a URI is refused before any handler (414 from a real server).
                    if *transport == Transport::Get && doc.len() > 20_000 {
                        doc_request(Transport::PostJson, accept, doc)
                    } else {
                        doc_request(*transport, accept, doc)
                    }
                }
                Case::Body { content_type, body } => body_request(content_type, body.clone()),
            };
            let r = app.send(request).await;
            let (body, code) = well_formed(&r);
            if let Case::Doc {
                expect: Some(expected),
                doc,
                ..
            } = &case
            {
                // Within the document size, the nesting is what refuses it.
                if doc.len() <= app.config.graphql.max_document_bytes {
                    prop_assert_eq!(code.as_deref(), Some(*expected), "{:.300}", body);
                }
            }
            let alive = app
                .gql("{ system { version database { reachable } } }", json!({}))
                .await;
            prop_assert_eq!(
                &alive["data"]["system"]["database"]["reachable"],
                &json!(true)
            );
            Ok(())
        })
    });
    eprintln!("fuzz: {cases} cases in {:?}", started.elapsed());
    if let Err(e) = result {
        panic!("{e}");
    }
}
