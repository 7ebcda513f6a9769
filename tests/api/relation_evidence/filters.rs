//! By outlet and "facts in dispute": list filters asked of the seed.

use serde_json::{json, Value};

use crate::helpers::{seed_id, seeded, sorted, SEED};

fn node_ids(connection: &Value) -> Vec<String> {
    sorted(
        connection["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["id"].as_str().unwrap().to_string())
            .collect(),
    )
}

#[tokio::test]
async fn what_did_fontanka_report_is_one_filter_on_the_outlet() {
    let app = seeded().await;
    let q = r#"query($c: [ID!], $s: ID!) {
        events(collections: $c, first: 50, filter: {source: $s}) { edges { node { id } } }
        counts(collections: $c, first: 50, filter: {source: $s}) { edges { node { id } } }
        claims(collections: $c, first: 100, filter: {source: $s}) { edges { node { id } } } }"#;
    let by_outlet = app
        .data(q, json!({"c": [SEED], "s": seed_id("actor", "fontanka")}))
        .await;
    let by_source = app
        .data(
            q,
            json!({"c": [SEED], "s": seed_id("source", "fontanka-report")}),
        )
        .await;
    // Fontanka published one source here, so the outlet and its report answer alike …
    for list in ["events", "counts", "claims"] {
        assert_eq!(
            node_ids(&by_outlet[list]),
            node_ids(&by_source[list]),
            "{list}"
        );
    }
    // … and that is the detentions with Fontanka's figure, not Novaya Gazeta Europe's.
    assert_eq!(
        node_ids(&by_outlet["counts"]),
        [seed_id("count", "arrested-at-least-3000")]
    );
    assert!(node_ids(&by_outlet["events"]).contains(&seed_id("event", "mass-detentions")));
    assert!(!node_ids(&by_outlet["events"]).contains(&seed_id("event", "charges")));

    // Meduza published two sources: the outlet reaches the claims of both.
    let meduza = app
        .data(q, json!({"c": [SEED], "s": seed_id("actor", "meduza")}))
        .await;
    let report = app
        .data(
            q,
            json!({"c": [SEED], "s": seed_id("source", "meduza-report")}),
        )
        .await;
    assert!(!node_ids(&meduza["claims"]).is_empty());
    assert!(node_ids(&meduza["claims"]).len() >= node_ids(&report["claims"]).len());
}

#[tokio::test]
async fn the_chain_of_citation_is_followed_in_one_query_with_its_passages_and_outlets() {
    let app = seeded().await;
    let d = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Source {
                 publisher { name }
                 cites { nodes { excerpt source { id publisher { name } citedBy { nodes { source { publisher { name } } } } } } } } } }"#,
            json!({"id": seed_id("source", "meduza-report")}),
        )
        .await;
    let source = &d["node"];
    assert_eq!(source["publisher"]["name"], "Meduza");
    let fontanka = source["cites"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["source"]["publisher"]["name"] == "Fontanka")
        .expect("Meduza cites Fontanka");
    assert_eq!(
        fontanka["excerpt"],
        "St. Petersburg police arrested at least 3,000 migrants on December 31 and January 1, reports local outlet Fontanka."
    );
    assert_eq!(
        fontanka["source"]["citedBy"]["nodes"][0]["source"]["publisher"]["name"],
        "Meduza"
    );
}

#[tokio::test]
async fn facts_in_dispute_are_the_two_detention_figures_and_their_event() {
    let app = seeded().await;
    let q = r#"query($c: [ID!], $d: Boolean) {
        events(collections: $c, first: 50, filter: {inDispute: $d}) { totalCount edges { node { id } } }
        counts(collections: $c, first: 50, filter: {inDispute: $d}) { totalCount edges { node { id } } }
        participations(collections: $c, first: 50, filter: {inDispute: $d}) { totalCount } }"#;
    let d = app.data(q, json!({"c": [SEED], "d": true})).await;
    assert_eq!(
        node_ids(&d["counts"]),
        sorted(vec![
            seed_id("count", "arrested-at-least-3000"),
            seed_id("count", "arrested-much-higher"),
        ])
    );
    assert_eq!(
        node_ids(&d["events"]),
        [seed_id("event", "mass-detentions")]
    );
    assert_eq!(d["participations"]["totalCount"], 0);
    // `false` keeps exactly the others.
    let all = app.data(q, json!({"c": [SEED], "d": null})).await;
    let rest = app.data(q, json!({"c": [SEED], "d": false})).await;
    for list in ["events", "counts", "participations"] {
        assert_eq!(
            rest[list]["totalCount"].as_i64().unwrap() + d[list]["totalCount"].as_i64().unwrap(),
            all[list]["totalCount"].as_i64().unwrap(),
            "{list}"
        );
    }
}

#[tokio::test]
async fn the_readme_examples_of_relation_evidence_outlets_and_disputes_run_on_the_seed() {
    let app = seeded().await;
    let readme = include_str!("../../../README.md");
    let block = readme
        .split("### Evidence on relations, outlets, facts in dispute")
        .nth(1)
        .and_then(|s| s.split("```graphql").nth(1))
        .and_then(|b| b.split("```").next())
        .expect("README shows the examples");
    let queries: Vec<&str> = block
        .split("\n\n")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .collect();
    assert_eq!(queries.len(), 3, "{queries:#?}");
    let relation = app.data(queries[0], json!({})).await;
    assert_eq!(
        relation["relation"]["claims"].as_array().unwrap().len(),
        2,
        "{relation:#}"
    );
    let fontanka = app.data(queries[1], json!({})).await;
    assert!(!fontanka["events"]["edges"].as_array().unwrap().is_empty());
    // (Other tests write disputed figures to other collections meanwhile: the example names the
    // seed's collection, so its two figures are on the first page.)
    let disputed = app.data(queries[2], json!({})).await;
    let wordings: Vec<&str> = disputed["counts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["wording"].as_str().unwrap_or_default())
        .collect();
    assert!(
        wordings.contains(&"at least 3,000") && wordings.contains(&"much higher"),
        "{wordings:?}"
    );
}
