//! GraphQL over HTTP: content negotiation, 400/405/413, GraphiQL served offline, health.

use axum::{body::Body, http::Request};
use serde_json::json;

use crate::helpers::TestApp;

const QUERY: &str =
    r#"{"query":"{ system { version database { reachable migrationsApplied } } }"}"#;

fn post(accept: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut b = Request::post("/graphql").header("content-type", "application/json");
    if let Some(a) = accept {
        b = b.header("accept", a);
    }
    b.body(body.into()).unwrap()
}

#[tokio::test]
async fn a_client_accepting_only_json_gets_application_json() {
    let app = TestApp::spawn().await;
    let r = app.send(post(Some("application/json"), QUERY)).await;
    assert_eq!(r.status, 200);
    assert!(
        r.content_type().starts_with("application/json"),
        "got {}",
        r.content_type()
    );
    let body = r.json();
    assert_eq!(body["data"]["system"]["database"]["reachable"], true);
    assert_eq!(
        body["data"]["system"]["database"]["migrationsApplied"],
        true
    );
}

#[tokio::test]
async fn clients_naming_the_spec_type_get_graphql_response_json() {
    let app = TestApp::spawn().await;
    for accept in [
        "application/graphql-response+json",
        "application/graphql-response+json, application/json",
    ] {
        let r = app.send(post(Some(accept), QUERY)).await;
        assert_eq!(r.status, 200);
        assert!(
            r.content_type()
                .starts_with("application/graphql-response+json"),
            "{accept:?} got {}",
            r.content_type()
        );
    }
}

#[tokio::test]
async fn no_accept_header_or_a_wildcard_gets_application_json() {
    // GraphQL over HTTP: a server SHOULD answer application/json when the client does not ask for the
    // new type, since legacy clients do not know it.
    let app = TestApp::spawn().await;
    for accept in [None, Some("*/*"), Some("application/*")] {
        let r = app.send(post(accept, QUERY)).await;
        assert_eq!(r.status, 200);
        assert!(
            r.content_type().starts_with("application/json"),
            "{accept:?} got {}",
            r.content_type()
        );
    }
}

#[tokio::test]
async fn request_errors_under_the_spec_type_carry_no_data_key() {
    let app = TestApp::spawn().await;
    for query in [
        "{ system { ",
        "{ system { nonsense } }",
        "{ events(first: $n) { totalCount } }",
    ] {
        let body = json!({ "query": query }).to_string();
        let r = app
            .send(post(Some("application/graphql-response+json"), body))
            .await;
        assert_eq!(r.status, 400, "{query}");
        let json = r.json();
        assert!(json.get("data").is_none(), "{query}: {json}");
        assert!(json["errors"][0]["message"].is_string(), "{query}: {json}");
    }
}

#[tokio::test]
async fn a_field_error_that_nulls_data_is_a_200_not_a_request_error() {
    // `events` is non-null, so its field error nulls `data`; execution did start, so under the spec's
    // type this is a 200 (only parse/validation/variable errors before execution are 4xx).
    let app = TestApp::spawn().await;
    let body = json!({ "query": "{ events(first: -1) { totalCount } }" }).to_string();
    let r = app
        .send(post(Some("application/graphql-response+json"), body))
        .await;
    let json = r.json();
    assert!(
        json["data"].is_null() && json.get("data").is_some(),
        "{json}"
    );
    assert_eq!(
        json["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{json}"
    );
    assert_eq!(r.status, 200, "{json}");
}

#[tokio::test]
async fn an_unparsable_body_is_a_400_with_a_json_error() {
    let app = TestApp::spawn().await;
    for accept in ["application/json", "application/graphql-response+json"] {
        let r = app.send(post(Some(accept), "{not json")).await;
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
}

#[tokio::test]
async fn a_missing_or_empty_query_is_a_400_with_a_json_error() {
    let app = TestApp::spawn().await;
    for body in [r#"{"variables":{}}"#, r#"{"query":"  "}"#] {
        let r = app.send(post(Some("application/json"), body)).await;
        assert_eq!(r.status, 400, "body {body}");
        assert!(r.content_type().starts_with("application/json"));
        assert_eq!(r.json()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
}

#[tokio::test]
async fn a_syntax_error_is_a_400_for_the_spec_type_and_a_200_for_legacy_json() {
    let app = TestApp::spawn().await;
    let body = r#"{"query":"{ system { "}"#;
    let r = app
        .send(post(Some("application/graphql-response+json"), body))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.json()["errors"][0]["message"].is_string());
    let r = app.send(post(Some("application/json"), body)).await;
    assert_eq!(r.status, 200);
    assert!(r.json()["errors"][0]["message"].is_string());
    assert_eq!(
        r.json()["errors"][0]["extensions"]["code"],
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[tokio::test]
async fn an_unknown_enum_value_or_field_is_a_validation_error_with_a_code() {
    let app = TestApp::spawn().await;
    for q in [
        r#"{ terms(vocabulary: COLOUR) { key } }"#,
        r#"{ system { nonsense } }"#,
    ] {
        let r = app.gql(q, json!({})).await;
        assert_eq!(
            r["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{q}: {r}"
        );
        assert!(
            r["errors"][0]["locations"].is_array(),
            "points at the place in the query: {r}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_a_413_with_a_json_error() {
    let mut config = crate::helpers::test_config();
    config.http.body_limit_bytes = 1024;
    let app = TestApp::spawn_with(config).await;
    let big = json!({ "query": format!("{{ system {{ version }} }} # {}", "x".repeat(4096)) })
        .to_string();
    let r = app.send(post(Some("application/json"), big)).await;
    assert_eq!(r.status, 413);
    assert!(r.content_type().starts_with("application/json"));
    assert_eq!(
        r.json()["errors"][0]["extensions"]["code"],
        "PAYLOAD_TOO_LARGE"
    );
}

#[tokio::test]
async fn get_requests_run_queries_but_refuse_mutations() {
    let app = TestApp::spawn().await;
    let r = app
        .send(
            Request::get("/graphql?query=%7Bsystem%7Bversion%7D%7D")
                .header("accept", "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json()["data"]["system"]["version"],
        env!("CARGO_PKG_VERSION")
    );
    let r = app
        .send(
            Request::get("/graphql?query=mutation%7Bx%7D")
                .header("accept", "application/json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(
        r.json()["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );
}

#[tokio::test]
async fn an_unacceptable_accept_header_is_a_406() {
    let app = TestApp::spawn().await;
    let r = app.send(post(Some("text/plain"), QUERY)).await;
    assert_eq!(r.status, 406);
    assert_eq!(
        r.json()["errors"][0]["extensions"]["code"],
        "NOT_ACCEPTABLE"
    );
}

#[tokio::test]
async fn graphiql_and_all_its_assets_are_served_by_the_service() {
    let app = TestApp::spawn().await;
    let page = app
        .send(
            Request::get("/graphql")
                .header("accept", "text/html")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page must not load anything remote"
    );
    let mut assets = 0;
    for src in html
        .split('"')
        .filter(|s| s.starts_with("/graphiql/assets/"))
    {
        let r = app
            .send(Request::get(src).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, 200, "{src}");
        assert!(r.body.len() > 100, "{src} is empty");
        assets += 1;
    }
    assert_eq!(
        assets, 5,
        "react, react-dom, graphiql js+css and the init script"
    );
}

#[tokio::test]
async fn health_answers_without_the_database() {
    let app = TestApp::spawn().await;
    let r = app
        .send(Request::get("/health").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], "ok");
    let r = app
        .send(Request::get("/ready").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn every_response_reports_its_round_trips() {
    let app = TestApp::spawn().await;
    let r = app
        .gql("{ system { database { reachable } } }", json!({}))
        .await;
    assert_eq!(r["extensions"]["roundTrips"], 1);
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let mut config = crate::helpers::test_config();
    config.http.cors = casegraph::config::CorsOrigins::List(vec!["http://localhost:5173".into()]);
    let app = TestApp::spawn_with(config).await;
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap()
    };
    let ok = app.send(preflight("http://localhost:5173")).await;
    assert_eq!(
        ok.headers.get("access-control-allow-origin").unwrap(),
        "http://localhost:5173"
    );
    let other = app.send(preflight("http://evil.example")).await;
    assert!(other.headers.get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn a_query_deeper_than_the_limit_is_refused() {
    let mut config = crate::helpers::test_config();
    config.graphql.max_depth = 3;
    let app = TestApp::spawn_with(config).await;
    let r = app
        .gql(
            "{ events { edges { node { participants { nodes { actor { name } } } } } } }",
            json!({}),
        )
        .await;
    assert!(r["data"].is_null(), "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("nested too deep"),
        "{r}"
    );
    // A shallow query still runs.
    let r = app.gql("{ system { version } }", json!({})).await;
    assert!(r.get("errors").is_none(), "{r}");
}

#[tokio::test]
async fn a_query_more_complex_than_the_limit_is_refused() {
    let mut config = crate::helpers::test_config();
    config.graphql.max_complexity = 5;
    let app = TestApp::spawn_with(config).await;
    let r = app
        .gql(
            "{ events { totalCount edges { cursor node { id title type description } } } }",
            json!({}),
        )
        .await;
    assert!(r["data"].is_null(), "{r}");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{r}"
    );
}

#[tokio::test]
async fn an_unreachable_neo4j_at_start_is_explained() {
    let mut config = crate::helpers::test_config();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    config.neo4j.uri = format!("bolt://127.0.0.1:{port}");
    config.neo4j.startup_timeout = std::time::Duration::from_secs(1);
    let err = match casegraph::startup::Application::build(config).await {
        Ok(_) => panic!("started without a database"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains(&format!("bolt://127.0.0.1:{port}")),
        "says what it tried: {err}"
    );
    assert!(
        err.contains("scripts/neo4j-local start") && err.contains("NEO4J_URI"),
        "says how to fix it: {err}"
    );
}

/// The keys of `names` in the order they occur in a JSON text (each written as `"name":`).
fn key_sequence(text: &str, names: &[&str]) -> Vec<String> {
    let mut found: Vec<(usize, &str)> = names
        .iter()
        .flat_map(|n| {
            let pattern = format!("\"{n}\":");
            text.match_indices(&pattern)
                .map(move |(i, _)| (i, *n))
                .collect::<Vec<_>>()
        })
        .collect();
    found.sort();
    found.into_iter().map(|(_, n)| n.to_string()).collect()
}

#[tokio::test]
async fn response_fields_come_back_in_the_query_order_at_every_level() {
    let app = crate::helpers::seeded().await;
    // Database-bound fields at the root and inside list items finish in varying order; the response
    // must not follow that order but the query's (GraphQL spec, "Serialized Map Ordering").
    let query = r#"{
        rb: events(first: 5) { edges { node {
            nb: claims { nodes { id } } nz: followedBy { nodes { id } } na: id nm: participants { nodes { role } } nc: title
            ... on Event { nd: causedBy { nodes { id } } nb: claims { nodes { id } } }
        } } }
        rz: actors(first: 2) { totalCount }
        ra: collections { totalCount }
        rm: system { version }
        rc: places(first: 1) { totalCount }
    }"#;
    let body = json!({ "query": query }).to_string();
    for run in 0..30 {
        let r = app.send(post(Some("application/json"), body.clone())).await;
        let text = String::from_utf8(r.body.clone()).unwrap();
        assert!(r.json().get("errors").is_none(), "{text}");
        assert_eq!(
            key_sequence(&text, &["rb", "rz", "ra", "rm", "rc"]),
            ["rb", "rz", "ra", "rm", "rc"],
            "run {run}: {text}"
        );
        let nested = key_sequence(&text, &["nb", "nz", "na", "nm", "nc", "nd"]);
        assert!(!nested.is_empty(), "the seed has events: {text}");
        for (i, node) in nested.chunks(6).enumerate() {
            assert_eq!(
                node,
                ["nb", "nz", "na", "nm", "nc", "nd"],
                "run {run}, event {i}: {text}"
            );
        }
    }
}
