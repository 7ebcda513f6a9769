//! The round-trip budget of nested queries: a fixed number of statements, whatever the results.

use serde_json::{json, Value};

use crate::helpers::{seeded, SEED};

const DEEP_STATEMENTS: u64 = 1;

/// The nested query an investigator's graph view would send: events → participants → actor → that
/// actor's other events → their places, counts → claims → sources.
const DEEP: &str = r#"query($c: [ID!], $first: Int) { events(collections: $c, first: $first) { edges { node {
    title place { name parent { name } }
    participants { nodes { role actor { name events { nodes { title place { name } } } } } }
    counts { nodes { value claims { nodes { status source { title publisher { name } } } } } }
    claims { nodes { status source { title } } }
} } } }"#;

/// A collection of `k` events of identical shape (place within a place, two participants, a count,
/// claims citing a published source), so that only the number of results differs between runs.
fn uniform_document(collection: &str, k: usize) -> Value {
    let id = |kind: &str, n: usize| format!("{collection}:{kind}:{n}");
    let claim = |about: String| json!([{ "id": format!("{about}:claim"), "source": id("source", 0), "excerpt": "as reported", "status": "REPORTED" }]);
    json!({
        "format": "casegraph/v1",
        "collection": { "id": collection, "name": "uniform" },
        "terms": [
            { "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid", "description": "A raid." },
            { "vocabulary": "PARTICIPANT_ROLE", "key": "target", "label": "Target", "description": "Acted upon." }
        ],
        "actors": (0..=k).map(|n| json!({ "id": id("actor", n), "kind": "GROUP", "name": format!("actor {n}"), "description": "a group" })).collect::<Vec<_>>(),
        "places": [
            { "id": id("place", 0), "kind": "COUNTRY", "name": "Country", "description": "a country", "precision": "COUNTRY" },
            { "id": id("place", 1), "kind": "CITY", "name": "City", "description": "a city", "within": id("place", 0), "precision": "CITY" }
        ],
        "sources": [{ "id": id("source", 0), "kind": "NEWS_REPORT", "title": "A report", "publisher": id("actor", k) }],
        "events": (0..k).map(|n| json!({ "id": id("event", n), "type": "raid", "title": format!("event {n}"), "description": "happened",
            "place": id("place", 1), "date": { "edtf": "2025-01-01" }, "claims": claim(id("event", n)) })).collect::<Vec<_>>(),
        "participations": (0..k).flat_map(|n| [
            json!({ "id": id("part-a", n), "event": id("event", n), "actor": id("actor", n), "role": "target", "claims": claim(id("part-a", n)) }),
            json!({ "id": id("part-b", n), "event": id("event", n), "actor": id("actor", (n + 1) % k), "role": "target", "claims": claim(id("part-b", n)) }),
        ]).collect::<Vec<_>>(),
        "counts": (0..k).map(|n| json!({ "id": id("count", n), "event": id("event", n), "subject": "people", "value": n, "qualifier": "EXACT",
            "unit": "person", "claims": claim(id("count", n)) })).collect::<Vec<_>>(),
    })
}

#[tokio::test]
async fn nested_selections_cost_at_most_one_statement_per_level_for_few_or_many_results() {
    let mut trips = Vec::new();
    for k in [2usize, 10, 40] {
        let mut app = crate::helpers::TestApp::spawn().await;
        app.collection = format!("{}-{k}", app.collection);
        let doc = uniform_document(&app.collection, k);
        casegraph::import::import_json(&app.store, &doc.to_string())
            .await
            .expect("import");
        let r = app
            .gql(DEEP, json!({ "c": [app.collection], "first": 100 }))
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        assert_eq!(r["data"]["events"]["edges"].as_array().unwrap().len(), k);
        trips.push(r["extensions"]["roundTrips"].as_u64().unwrap());
        app.cleanup().await;
    }
    // One statement whatever the results: the page, with everything its selection asks for below
    // the events (place → parent, participants → actor → events → place, counts → claims → source →
    // publisher, claims → source) in nested subqueries after its LIMIT. The bound used to be 14, one
    // per (level, relationship), then 2 (the page, then the levels below); an N+1 would cost hundreds
    // of statements for 40 events.
    assert!(
        trips.iter().all(|t| *t <= DEEP_STATEMENTS),
        "round trips grew with the results: {trips:?} for 2, 10, 40 events"
    );
}

#[tokio::test]
async fn the_deep_query_over_the_seed_stays_within_the_round_trip_budget() {
    let app = seeded().await;
    let all = app.gql(DEEP, json!({ "c": [SEED], "first": 100 })).await;
    assert!(all.get("errors").is_none(), "{all}");
    assert!(all["data"]["events"]["edges"].as_array().unwrap().len() >= 16);
    assert!(
        all["extensions"]["roundTrips"].as_u64().unwrap() <= DEEP_STATEMENTS,
        "{}",
        all["extensions"]
    );
}
