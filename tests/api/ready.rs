//! /ready follows Neo4j down and up, without restarting the service. This test runs its own Neo4j
//! (through scripts/neo4j-local, on its own port and data directory) so that stopping it does not
//! disturb the tests that share the suite's database. It also drops an index there, to see that the
//! probe reports missing migrations without writing. A second test uses its own Neo4j to run the
//! migrations over nodes written without their derived keys.

use std::{path::PathBuf, process::Command, time::Duration};

use axum::{body::Body, http::Request};

use crate::helpers::{test_config, TestApp};

/// A Neo4j of the test's own (also used by tests/api/offline_import.rs), stopped and removed when
/// dropped.
pub struct OwnNeo4j {
    pub dir: PathBuf,
    pub port: u16,
}

impl OwnNeo4j {
    pub fn script(&self, action: &str) -> bool {
        Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/neo4j-local"))
            .arg(action)
            .env("NEO4J_LOCAL_DIR", &self.dir)
            .env("NEO4J_LOCAL_PORT", self.port.to_string())
            .status()
            .expect("scripts/neo4j-local runs")
            .success()
    }

    /// Runs `scripts/neo4j-local ARGS…` for this instance; its output is returned.
    pub fn command(&self, args: &[&str]) -> std::process::Output {
        Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/neo4j-local"))
            .args(args)
            .env("NEO4J_LOCAL_DIR", &self.dir)
            .env("NEO4J_LOCAL_PORT", self.port.to_string())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("scripts/neo4j-local runs")
    }
}

impl Drop for OwnNeo4j {
    fn drop(&mut self) {
        self.script("stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A connection of the test's own, beside the service's store, to change the schema behind its back.
fn raw_graph(config: &casegraph::config::Config) -> neo4rs::Graph {
    let c = neo4rs::ConfigBuilder::default()
        .uri(&config.neo4j.uri)
        .user(&config.neo4j.user)
        .password(config.neo4j.password.expose())
        .build()
        .expect("neo4j config");
    neo4rs::Graph::connect(c).expect("neo4j connection")
}

async fn index_count(graph: &neo4rs::Graph, name: &str) -> i64 {
    let mut rows = graph
        .execute(
            neo4rs::query("SHOW INDEXES YIELD name WHERE name = $name RETURN count(*) AS n")
                .param("name", name),
        )
        .await
        .expect("SHOW INDEXES");
    let row = rows.next().await.expect("a row").expect("a row");
    row.get::<i64>("n").expect("a count")
}

async fn ready_status(app: &TestApp) -> u16 {
    app.send(Request::get("/ready").body(Body::empty()).unwrap())
        .await
        .status
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_follows_neo4j_down_and_up_without_a_restart() {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("casegraph-ready-{}", uuid::Uuid::now_v7()));
    let neo4j = OwnNeo4j { dir, port };
    assert!(
        tokio::task::block_in_place(|| neo4j.script("start")),
        "own Neo4j starts"
    );

    let mut config = test_config();
    config.neo4j.uri = format!("bolt://127.0.0.1:{port}");
    config.neo4j.query_timeout = Duration::from_secs(3);
    config.neo4j.connect_timeout = Duration::from_secs(2);
    let app = TestApp::spawn_with(config.clone()).await;
    assert_eq!(ready_status(&app).await, 200, "ready while Neo4j is up");

    // A probe must not write: with an index gone, /ready says the migrations are missing and leaves
    // the schema as it found it.
    let raw = raw_graph(&config);
    raw.run(neo4rs::query("DROP INDEX cg_place_name IF EXISTS"))
        .await
        .expect("index dropped");
    let response = app
        .send(Request::get("/ready").body(Body::empty()).unwrap())
        .await;
    assert_eq!(response.status, 503, "not ready without the schema");
    assert_eq!(response.json()["migrations"], "missing");
    assert_eq!(response.json()["database"], "up");
    assert_eq!(
        index_count(&raw, "cg_place_name").await,
        0,
        "the probe did not re-create the index"
    );
    app.store.migrate().await.expect("migrations apply");
    assert_eq!(ready_status(&app).await, 200, "ready once migrated");

    assert!(
        tokio::task::block_in_place(|| neo4j.script("stop")),
        "own Neo4j stops"
    );
    assert_eq!(
        ready_status(&app).await,
        503,
        "not ready while Neo4j is down"
    );
    let r = app
        .gql(
            "{ system { database { reachable } } }",
            serde_json::json!({}),
        )
        .await;
    assert_eq!(r["data"]["system"]["database"]["reachable"], false);
    let down = app
        .gql(crate::helpers::DB_BOUND_QUERY, serde_json::json!({}))
        .await;
    assert_eq!(crate::helpers::first_error(&down).0, "DATABASE_UNAVAILABLE");

    assert!(
        tokio::task::block_in_place(|| neo4j.script("start")),
        "own Neo4j restarts"
    );
    let mut status = 0;
    for _ in 0..40 {
        status = ready_status(&app).await;
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(
        status, 200,
        "ready again once Neo4j is back, with no restart of the service"
    );
}

/// Start-up on a graph written by other means (a loader, a restored dump) fills in every node's
/// derived sort and search keys, which at 10^6 events takes minutes. The migrations are held to
/// `NEO4J_MIGRATION_TIMEOUT_SECS`, on a pool of their own, not to the statement timeout: under that
/// one a 1M graph could not start ("statement timed out after 15s"). Here the statement timeout is
/// zero, so any schema statement held to it fails after its one-second grace; the backfill of 50,000
/// events takes longer than that. Its own Neo4j: nodes without keys in the suite's database would be
/// backfilled by every test starting meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_are_held_to_their_own_timeout_not_the_statement_timeout() {
    let port = free_port();
    let dir = std::env::temp_dir().join(format!("casegraph-migrate-{}", uuid::Uuid::now_v7()));
    let neo4j = OwnNeo4j { dir, port };
    assert!(
        tokio::task::block_in_place(|| neo4j.script("start")),
        "own Neo4j starts"
    );
    let mut config = test_config();
    config.neo4j.uri = format!("bolt://127.0.0.1:{port}");
    let raw = raw_graph(&config);
    raw.run(neo4rs::query(
        "UNWIND range(1, 50000) AS i CALL (i) { CREATE (:Node:Event {id: 'old:' + i, \
         collection: 'old', type: 'raid', title: 'An event written before its keys existed, number ' + i}) \
         } IN TRANSACTIONS OF 10000 ROWS",
    ))
    .await
    .expect("events without derived keys");

    config.neo4j.query_timeout = Duration::ZERO;
    config.neo4j.migration_timeout = Duration::from_secs(600);
    let store = casegraph::store::Store::connect(&config.neo4j).expect("pool");
    let started = std::time::Instant::now();
    store
        .migrate()
        .await
        .expect("migrations apply, however short the statement timeout");
    eprintln!("migrations with the backfill took {:?}", started.elapsed());

    let mut rows = raw
        .execute(neo4rs::query(
            "MATCH (n:Event) WHERE n.sortDate IS NULL OR n.searchText IS NULL RETURN count(n) AS n",
        ))
        .await
        .expect("count");
    let row = rows.next().await.expect("a row").expect("a row");
    assert_eq!(
        row.get::<i64>("n").expect("a count"),
        0,
        "every key filled in"
    );
    assert!(store.migrations_applied());
}
