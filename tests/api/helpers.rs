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
    // Graph questions stop at their time limit and say so; on a loaded machine (parallel tests, other
    // builds) the 5 s default can end an ordinary question early. Tests of the time limit set their own.
    config.graphql.graph.time_limit = std::time::Duration::from_secs(60);
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

    /// Removes everything this test wrote, after checking that every writer it went through left
    /// its events' region relationships exact (`region_check`): a writer that forgets
    /// them fails whichever test used it.
    pub async fn cleanup(self) {
        crate::region_check::assert_regions_exact(&self.store, &self.collection).await;
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

// =============================================================================================
// Writing and reading nodes through the API: what the mutation tests (and others) build on.
// ---------------------------------------------------------------------------------------------
// What the tests select of each kind of node.

pub const ACTOR: &str =
    "id collection kind name aliases description memberOf { nodes { id } } answersTo { nodes { id } }";
pub const PLACE: &str =
    "id collection kind name aliases description location { latitude longitude } precision parent { id }";
pub const DATE: &str = "edtf earliest latest precision approximate uncertain inferred basis";
pub const CLAIM_BRIEF: &str = "id status excerpt note source { id }";

pub fn selection(kind: &str) -> String {
    match kind {
        "Collection" => "id name description".into(),
        "Term" => "id collection vocabulary key label description".into(),
        "Actor" => ACTOR.into(),
        "Place" => PLACE.into(),
        "Source" => format!(
            "id collection kind title url language published {{ {DATE} }} publisher {{ id }} \
             cites {{ nodes {{ excerpt source {{ id }} }} }}"
        ),
        "Event" => format!(
            "id collection type title description date {{ {DATE} }} place {{ id }} partOf {{ nodes {{ id }} }} \
             followedBy {{ nodes {{ id }} }} ledTo {{ nodes {{ id }} }} claims {{ nodes {{ {CLAIM_BRIEF} }} }}"
        ),
        "Participation" => {
            format!("id collection role description actor {{ id }} event {{ id }} claims {{ nodes {{ {CLAIM_BRIEF} }} }}")
        }
        "Count" => format!(
            "id collection subject value qualifier lower upper unit subgroup wording event {{ id }} \
             partOf {{ id }} claims {{ nodes {{ {CLAIM_BRIEF} }} }}"
        ),
        "Claim" => "id collection status excerpt note createdAt source { id } \
                    subject { __typename ... on Event { id } ... on Participation { id } ... on Count { id } }"
            .into(),
        other => panic!("no selection for {other}"),
    }
}

/// The mutation that writes one node of `kind` from `$input`.
pub fn upsert_mutation(kind: &str) -> String {
    let (name, input) = match kind {
        "Claim" => ("addClaim".to_string(), "ClaimInput".to_string()),
        k => (format!("upsert{k}"), format!("{k}Input")),
    };
    format!(
        "mutation($input: {input}!) {{ {name}(input: $input) {{ {} }} }}",
        selection(kind)
    )
}

pub fn mutation_name(kind: &str) -> String {
    match kind {
        "Claim" => "addClaim".into(),
        k => format!("upsert{k}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A node id inside this test's collection.
pub fn id(app: &TestApp, local: &str) -> String {
    format!("{}:{local}", app.collection)
}

/// A test app whose collection exists, with event types `raid`, `detention` and roles
/// `perpetrator`, `target`.
pub async fn setup() -> TestApp {
    let app = TestApp::spawn().await;
    app.data(
        &upsert_mutation("Collection"),
        json!({"input": {"id": app.collection, "name": "Mutation tests"}}),
    )
    .await;
    for (vocabulary, key) in [
        ("EVENT_TYPE", "raid"),
        ("EVENT_TYPE", "detention"),
        ("PARTICIPANT_ROLE", "perpetrator"),
        ("PARTICIPANT_ROLE", "target"),
    ] {
        app.data(
            &upsert_mutation("Term"),
            json!({"input": {"collection": app.collection, "vocabulary": vocabulary, "key": key, "label": key}}),
        )
        .await;
    }
    app
}

/// Writes one node and returns what the mutation returned; fails the test on any error.
pub async fn upsert(app: &TestApp, kind: &str, input: Value) -> Value {
    let data = app
        .data(&upsert_mutation(kind), json!({ "input": input }))
        .await;
    flat(data[mutation_name(kind)].clone())
}

/// A node's nested connections read as their items: `{"claims": {"nodes": [..]}}` becomes
/// `{"claims": [..]}`. The helpers that write and read nodes back use it, since they check what was
/// written, not paging (the nested pages are tested in `graph::nested_pages`).
pub fn flat(v: Value) -> Value {
    match v {
        Value::Object(map) if map.len() == 1 && map.contains_key("nodes") => {
            flat(map.into_iter().next().unwrap().1)
        }
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, flat(v))).collect()),
        Value::Array(items) => Value::Array(items.into_iter().map(flat).collect()),
        other => other,
    }
}

/// Tries to write one node; returns the error's code and field.
pub async fn upsert_error(app: &TestApp, kind: &str, input: Value) -> (String, Option<String>) {
    let response = app
        .gql(&upsert_mutation(kind), json!({ "input": input }))
        .await;
    assert!(
        response["data"].is_null(),
        "a failed mutation returns no data: {response:#}"
    );
    first_error(&response)
}

/// The mutation that patches one node of `kind` (`updateSource` …) from `$id` and `$patch`.
pub fn update_mutation(kind: &str) -> String {
    format!(
        "mutation($id: ID!, $patch: {kind}Patch!) {{ update{kind}(id: $id, patch: $patch) {{ {} }} }}",
        selection(kind)
    )
}

/// Patches one node and returns what the mutation returned; fails the test on any error.
pub async fn update(app: &TestApp, kind: &str, id: &str, patch: Value) -> Value {
    let data = app
        .data(&update_mutation(kind), json!({"id": id, "patch": patch}))
        .await;
    flat(data[format!("update{kind}")].clone())
}

/// Tries to patch one node; returns the error's code and field.
pub async fn update_error(
    app: &TestApp,
    kind: &str,
    id: &str,
    patch: Value,
) -> (String, Option<String>) {
    let response = app
        .gql(&update_mutation(kind), json!({"id": id, "patch": patch}))
        .await;
    assert!(
        response["data"].is_null(),
        "a failed mutation returns no data: {response:#}"
    );
    first_error(&response)
}

pub fn err(code: &str, field: &str) -> (String, Option<String>) {
    (code.to_string(), Some(field.to_string()))
}

/// Reads a node back through `node(id:)` with the same selection the mutations return.
pub async fn read(app: &TestApp, kind: &str, id: &str) -> Value {
    let q = format!(
        "query($id: ID!) {{ node(id: $id) {{ __typename ... on {kind} {{ {} }} }} }}",
        selection(kind)
    );
    let mut node = flat(app.data(&q, json!({ "id": id })).await["node"].clone());
    assert_eq!(node["__typename"], kind, "{id} is not a {kind}: {node:#}");
    node.as_object_mut().unwrap().remove("__typename");
    node
}

/// Runs any query with `$id` and returns `data.node`.
pub async fn node_with(app: &TestApp, id: &str, selection: &str) -> Value {
    let q = format!("query($id: ID!) {{ node(id: $id) {{ {selection} }} }}");
    flat(app.data(&q, json!({ "id": id })).await["node"].clone())
}

pub async fn exists(app: &TestApp, id: &str) -> bool {
    !node_with(app, id, "id").await.is_null()
}

/// `totalCount` of one list (`events`, `actors`, `places`, `sources`, `counts`, `claims`) in `collection`.
pub async fn total_in(app: &TestApp, list: &str, collection: &str) -> i64 {
    let q = format!("query($c: [ID!]) {{ {list}(collections: $c) {{ totalCount }} }}");
    app.data(&q, json!({ "c": [collection] })).await[list]["totalCount"]
        .as_i64()
        .unwrap()
}

pub async fn total(app: &TestApp, list: &str) -> i64 {
    total_in(app, list, &app.collection).await
}

/// The ids in a list of `{ id }` objects, sorted.
pub fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list:#}"))
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub async fn delete(app: &TestApp, kind: &str, id: &str) -> Value {
    let q = format!("mutation($id: ID!) {{ delete{kind}(id: $id) {{ id deletedNodes }} }}");
    app.data(&q, json!({ "id": id })).await[format!("delete{kind}")].clone()
}

pub async fn delete_error(app: &TestApp, kind: &str, id: &str) -> (String, Option<String>) {
    let q = format!("mutation($id: ID!) {{ delete{kind}(id: $id) {{ id deletedNodes }} }}");
    first_error(&app.gql(&q, json!({ "id": id })).await)
}

pub const LINK: &str = "mutation($r: Relation!, $from: ID!, $to: ID!, $excerpt: String) { \
                    link(relation: $r, from: $from, to: $to, excerpt: $excerpt) { changed } }";
pub const UNLINK: &str =
    "mutation($r: Relation!, $from: ID!, $to: ID!) { unlink(relation: $r, from: $from, to: $to) { changed } }";

pub async fn link(app: &TestApp, relation: &str, from: &str, to: &str) -> bool {
    app.data(LINK, json!({"r": relation, "from": from, "to": to}))
        .await["link"]["changed"]
        .as_bool()
        .unwrap()
}

pub async fn link_error(
    app: &TestApp,
    relation: &str,
    from: &str,
    to: &str,
) -> (String, Option<String>) {
    first_error(
        &app.gql(LINK, json!({"r": relation, "from": from, "to": to}))
            .await,
    )
}

pub async fn unlink(app: &TestApp, relation: &str, from: &str, to: &str) -> bool {
    app.data(UNLINK, json!({"r": relation, "from": from, "to": to}))
        .await["unlink"]["changed"]
        .as_bool()
        .unwrap()
}

pub const RATE: &str = "mutation($id: ID!, $status: ClaimStatus!, $note: String) { \
                    rateClaim(id: $id, status: $status, note: $note) { id status note excerpt createdAt source { id } } }";

// Minimal nodes, each with a caller-supplied id; every helper returns the id.

pub async fn actor(app: &TestApp, local: &str, name: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Actor",
        json!({"id": id, "collection": app.collection, "kind": "STATE_BODY", "name": name}),
    )
    .await;
    id
}

pub async fn place(app: &TestApp, local: &str, name: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Place",
        json!({"id": id, "collection": app.collection, "kind": "CITY", "name": name, "precision": "CITY"}),
    )
    .await;
    id
}

pub async fn source(app: &TestApp, local: &str, title: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Source",
        json!({"id": id, "collection": app.collection, "kind": "NEWS_REPORT", "title": title}),
    )
    .await;
    id
}

pub async fn event(app: &TestApp, local: &str, title: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Event",
        json!({"id": id, "collection": app.collection, "type": "raid", "title": title,
               "date": {"edtf": "2025-01-01"}}),
    )
    .await;
    id
}

pub async fn participation(
    app: &TestApp,
    local: &str,
    event: &str,
    actor: &str,
    role: &str,
) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Participation",
        json!({"id": id, "collection": app.collection, "event": event, "actor": actor, "role": role}),
    )
    .await;
    id
}

pub async fn count(app: &TestApp, local: &str, event: &str, value: i64) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Count",
        json!({"id": id, "collection": app.collection, "event": event, "subject": "people detained",
               "value": value, "qualifier": "EXACT"}),
    )
    .await;
    id
}

pub async fn claim(app: &TestApp, local: &str, about: &str, source: &str, status: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Claim",
        json!({"id": id, "collection": app.collection, "about": about, "source": source,
               "status": status, "excerpt": format!("excerpt of {local}")}),
    )
    .await;
    id
}

/// Reads, from `id`, the targets of every relation a caller may set.
pub async fn outgoing(app: &TestApp, id: &str) -> Value {
    node_with(
        app,
        id,
        "... on Event { place { id } eventPartOf: partOf { nodes { id } } followedBy { nodes { id } } ledTo { nodes { id } } }
         ... on Place { parent { id } }
         ... on Actor { memberOf { nodes { id } } answersTo { nodes { id } } }
         ... on Source { publisher { id } cites { nodes { excerpt source { id } } } }
         ... on Count { countPartOf: partOf { id } }",
    )
    .await
}

/// Reads, at `id`, the other end of every relation a caller may set.
pub async fn incoming(app: &TestApp, id: &str) -> Value {
    node_with(
        app,
        id,
        "... on Event { parts { nodes { id } } precededBy { nodes { id } } causedBy { nodes { id } } }
         ... on Place { events { nodes { id } } children { nodes { id } } }
         ... on Actor { members { nodes { id } } subordinates { nodes { id } } publications { nodes { id } } }
         ... on Source { citedBy { nodes { excerpt source { id } } } }
         ... on Count { breakdown { nodes { id } } }",
    )
    .await
}

/// The ids a relation field holds: a list of nodes, one node, or citations.
pub fn targets(v: &Value) -> Vec<String> {
    match v {
        Value::Null => vec![],
        Value::Array(items) => sorted(
            items
                .iter()
                .map(|x| {
                    x.get("source")
                        .map(|s| s["id"].clone())
                        .unwrap_or_else(|| x["id"].clone())
                        .as_str()
                        .unwrap()
                        .to_string()
                })
                .collect(),
        ),
        Value::Object(o) => vec![o["id"].as_str().unwrap().to_string()],
        other => panic!("not a relation: {other}"),
    }
}
