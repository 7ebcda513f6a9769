//! How reads are planned and cached: a request's cache never answers from before a write, lists start
//! from their anchor, sort by an index and count with one statement.

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};

use crate::helpers::{id, setup, upsert, TestApp};

/// An event at a place, both in the test's collection; returns (event id, place id).
async fn event_at_place(app: &TestApp, place_name: &str) -> (String, String) {
    let c = &app.collection;
    let p = id(app, "place");
    let e = id(app, "event");
    upsert(
        app,
        "Place",
        json!({"id": p, "collection": c, "kind": "CITY", "name": place_name, "precision": "CITY"}),
    )
    .await;
    upsert(
        app,
        "Event",
        json!({"id": e, "collection": c, "type": "raid", "title": "A raid",
               "date": {"edtf": "2025-01-10"}, "place": p}),
    )
    .await;
    (e, p)
}

async fn batch(app: &TestApp, requests: Vec<Value>) -> Vec<Value> {
    let r = app
        .send(
            Request::post("/graphql")
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(Body::from(Value::Array(requests).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    serde_json::from_slice::<Vec<Value>>(&r.body).expect("a batch answer")
}

const PLACE_OF: &str = "query($e: ID!) { node(id: $e) { ... on Event { place { name } } } }";
const RENAME: &str =
    "mutation($p: ID!, $n: String!) { updatePlace(id: $p, patch: {name: $n}) { id name } }";

#[tokio::test]
async fn in_a_batch_a_query_after_a_mutation_reads_what_the_mutation_wrote() {
    let app = setup().await;
    let (e, p) = event_at_place(&app, "Before").await;
    let answers = batch(
        &app,
        vec![
            json!({"query": PLACE_OF, "variables": {"e": e}}),
            json!({"query": RENAME, "variables": {"p": p, "n": "After"}}),
            json!({"query": PLACE_OF, "variables": {"e": e}}),
        ],
    )
    .await;
    assert_eq!(answers[0]["data"]["node"]["place"]["name"], "Before");
    assert_eq!(answers[1]["data"]["updatePlace"]["name"], "After");
    assert_eq!(
        answers[2]["data"]["node"]["place"]["name"], "After",
        "the last query answered from before the mutation: {answers:?}"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn within_one_mutation_request_a_later_field_reads_what_an_earlier_one_wrote() {
    let app = setup().await;
    let (e, p) = event_at_place(&app, "Before").await;
    let q = "mutation($e: ID!, $p: ID!) {
        a: updateEvent(id: $e, patch: {title: \"A raid\"}) { place { name } }
        b: updatePlace(id: $p, patch: {name: \"After\"}) { id }
        c: updateEvent(id: $e, patch: {title: \"A raid\"}) { place { name } } }";
    let data = app.data(q, json!({"e": e, "p": p})).await;
    assert_eq!(data["a"]["place"]["name"], "Before");
    assert_eq!(data["c"]["place"]["name"], "After", "{data}");
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Plans: read back from Neo4j's query statistics (`db.stats`), since the driver does not expose the
// plan of an EXPLAIN.

use crate::plans::{assert_no_scan, first_page};
use casegraph::store::{
    read::{statements_of, Filter, ListKind, SortKey},
    Scope,
};

#[tokio::test]
async fn a_list_with_an_anchor_starts_from_it_and_never_scans_a_label() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::all());
    let id = || "no-such-anchor".to_string();
    let cases = [
        (ListKind::Event, Filter::EventWithinPlace(id())),
        (ListKind::Place, Filter::PlaceWithinPlace(id())),
        (
            ListKind::Event,
            Filter::Participant {
                actor: Some(id()),
                role: Some("target".into()),
            },
        ),
        (ListKind::Event, Filter::CitesSource(id())),
        (ListKind::Count, Filter::CitesSource(id())),
        (ListKind::Participation, Filter::ParticipationOfActor(id())),
        (ListKind::Participation, Filter::ParticipationInEvent(id())),
        (ListKind::Claim, Filter::ClaimCites(id())),
        (ListKind::Count, Filter::CountOfEvent(id())),
    ];
    let mut statements = Vec::new();
    for (kind, anchor) in cases {
        // The anchor among other conditions, which stay predicates on what it reaches.
        let filters = vec![Filter::Text("x".into()), anchor.clone()];
        statements.extend(statements_of(&first_page(kind, filters, SortKey::Name)));
    }
    for (text, ops) in crate::plans::plans_of(&db, statements).await {
        assert!(
            ops.iter().any(|o| o.contains("IndexSeek")),
            "no seek of the anchor in {ops:?}\n{text}"
        );
        assert_no_scan(&text, &ops);
    }
}

#[tokio::test]
async fn a_list_without_an_anchor_reads_its_page_in_index_order_without_sorting_the_label() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::all());
    let cases = [
        (ListKind::Event, SortKey::DateEarliest),
        (ListKind::Event, SortKey::Title),
        (ListKind::Actor, SortKey::Name),
        (ListKind::Place, SortKey::Name),
        (ListKind::Collection, SortKey::Name),
        (ListKind::Source, SortKey::Published),
        (ListKind::Claim, SortKey::CreatedAt),
        (ListKind::Count, SortKey::Figure),
        (ListKind::Term, SortKey::TermKey),
        (ListKind::Participation, SortKey::Role),
    ];
    let mut statements = Vec::new();
    for (kind, sort) in cases {
        for descending in [false, true] {
            let mut q = first_page(kind, vec![], sort);
            q.descending = descending;
            let [page, _] = statements_of(&q);
            statements.push(page);
        }
    }
    for (text, ops) in crate::plans::plans_of(&db, statements).await {
        assert!(
            ops.iter().any(|o| o.starts_with("NodeIndexScan")),
            "not read from the index: {ops:?}\n{text}"
        );
        // A partial sort orders ties of the indexed key by id; a full one would sort the label.
        assert!(
            !ops.iter().any(|o| o == "Sort" || o == "Top"),
            "sorts the whole label: {ops:?}\n{text}"
        );
    }
}
