//! The benchmark's questions (`bench/queries/casegraph.graphql`) still run against the API: a schema
//! change that breaks one fails here, not at the next `scripts/bench`.

use axum::{body::Body, http::Request};
use serde_json::{json, Value};

use crate::helpers::TestApp;

const QUESTIONS: &str = include_str!("../../bench/queries/casegraph.graphql");

#[tokio::test]
async fn every_benchmark_question_runs_without_errors() {
    let app = TestApp::spawn().await;
    let operations = [
        (
            "Region",
            json!({"place": "no-such-place", "from": "2023-03-01", "to": "2023-04-30"}),
        ),
        ("Deep", json!({"id": "no-such-event"})),
        ("Unconfirmed", json!({})),
        ("Text", json!({"word": "Battalion"})),
        ("Total", json!({"type": "deportation"})),
    ];
    let named = QUESTIONS.matches("\nquery ").count();
    assert_eq!(
        named,
        operations.len(),
        "a question without a test, or the reverse"
    );
    for (name, variables) in operations {
        let body = json!({"query": QUESTIONS, "operationName": name, "variables": variables});
        let response = app
            .send(
                Request::post("/graphql")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        let json: Value = response.json();
        assert!(
            json.get("errors").is_none() && json["data"].is_object(),
            "{name}: {json:#}"
        );
    }
    app.cleanup().await;
}
