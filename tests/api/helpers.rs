//! Test harness: a [`TestApp`] per test, on the shared Neo4j, with a collection of its own.

#![allow(dead_code)]

use std::sync::Arc;

use axum::{body::Body, http::Request, Router};
use casegraph::{config::Config, store::Store};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::OnceCell;
use tower::ServiceExt;

/// Migrations run once per test binary, not once per test: concurrent schema changes on the same
/// database would only slow the suite down.
static MIGRATED: OnceCell<()> = OnceCell::const_new();

/// The test configuration: the environment `scripts/test` sets up, with the seed turned off.
pub fn test_config() -> Config {
    let mut config = Config::from_env().unwrap_or_else(|e| {
        panic!("{e}\nRun the integration tests with `scripts/test`, which starts Neo4j and sets NEO4J_URI / NEO4J_PASSWORD.")
    });
    config.seed.load_when_empty = false;
    config.http.port = 0;
    config
}

pub struct TestApp {
    pub router: Router,
    pub store: Arc<Store>,
    pub config: Config,
    /// This test's own collection: everything it writes goes here, and `cleanup` removes it.
    pub collection: String,
}

/// A response, read whole.
pub struct TestResponse {
    pub status: axum::http::StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(test_config()).await
    }

    pub async fn spawn_with(config: Config) -> TestApp {
        let store = Store::connect(&config.neo4j).expect("store");
        MIGRATED
            .get_or_init(|| async {
                store.migrate().await.expect("migrations apply");
            })
            .await;
        // Each app remembers for itself (for /ready) that the migrations are in place.
        store.migrate().await.expect("migrations apply");
        let router = casegraph::startup::router_for(store.clone(), config.clone());
        let collection = format!("test-{}", uuid::Uuid::now_v7());
        TestApp {
            router,
            store,
            config,
            collection,
        }
    }

    /// Sends any request through the real router.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    /// One GraphQL request in one line: returns the whole JSON response (`data`, `errors`, `extensions`).
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        let body = json!({ "query": query, "variables": variables });
        let response = self
            .send(
                Request::post("/graphql")
                    .header("content-type", "application/json")
                    .header("accept", "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            response.status,
            200,
            "GraphQL over HTTP failed: {}",
            String::from_utf8_lossy(&response.body)
        );
        response.json()
    }

    /// Like [`TestApp::gql`], but fails the test on any GraphQL error and returns `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.gql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {:#}",
            response["errors"]
        );
        response["data"].clone()
    }

    /// Removes everything this test wrote.
    pub async fn cleanup(self) {
        casegraph::store::admin::delete_collection(&self.store, &self.collection)
            .await
            .expect("cleanup of the test collection");
    }
}

/// The `extensions.code` of the first error, and its `extensions.field`.
pub fn first_error(response: &Value) -> (String, Option<String>) {
    let e = &response["errors"][0];
    assert!(!e.is_null(), "expected an error, got {response:#}");
    (
        e["extensions"]["code"]
            .as_str()
            .unwrap_or("<no code>")
            .to_string(),
        e["extensions"]["field"].as_str().map(str::to_string),
    )
}

/// A query that must reach the database and fails with `DATABASE_UNAVAILABLE` when it cannot.
pub const DB_BOUND_QUERY: &str = "{ collections { totalCount } }";

/// The seed dataset's collection: imported once per test run, then only read by the tests.
pub const SEED: &str = "meduza-2025-01-spb-raids";
static SEEDED: OnceCell<()> = OnceCell::const_new();

/// A [`TestApp`] whose database holds the seed dataset (the real file, through the real importer).
pub async fn seeded() -> TestApp {
    let app = TestApp::spawn().await;
    SEEDED
        .get_or_init(|| async {
            let file = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.json"
            );
            casegraph::import::import_file(&app.store, file)
                .await
                .expect("the seed imports");
        })
        .await;
    app
}

/// The id of a seed node from its short name, e.g. `seed_id("event", "raids")`.
pub fn seed_id(kind: &str, name: &str) -> String {
    format!("{SEED}:{kind}:{name}")
}
