//! Relation evidence in the graph questions: a path through an inferred hop says so, provenance
//! filters apply to relations, and every statement that reads or writes relation evidence starts
//! from an index.

use casegraph::store::{evidence, plans::plan_operators, write, Scope, Statement};
use serde_json::{json, Value};

use crate::helpers::{seed_id, seeded};

#[tokio::test]
async fn a_path_through_the_encoders_inference_says_so_with_the_reasoning() {
    let app = seeded().await;
    let d = app
        .data(
            r#"query($from: ID!, $to: ID!) { paths(from: $from, to: $to, k: 1) { paths {
                 leansOnUnsourced leansOnInference unsourcedHops caveats nodes { id }
                 hops { edge { kind from to evidence { basis note inference { reasoning } claims { id } } } } } } }"#,
            json!({"from": seed_id("actor", "st-petersburg-police"),
                   "to": seed_id("actor", "people-charged")}),
        )
        .await;
    let best = &d["paths"]["paths"][0];
    assert_eq!(best["leansOnInference"], true, "{best:#}");
    assert_eq!(best["leansOnUnsourced"], true);
    assert_eq!(best["unsourcedHops"], 1);
    let inferred: Vec<&Value> = best["hops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["edge"]["evidence"]["basis"] == "INFERRED")
        .collect();
    assert_eq!(inferred.len(), 1);
    let edge = &inferred[0]["edge"];
    assert_eq!(edge["kind"], "LED_TO");
    assert_eq!(edge["to"], seed_id("event", "charges"));
    assert_eq!(edge["evidence"]["claims"], json!([]));
    let reasoning = edge["evidence"]["inference"]["reasoning"].as_str().unwrap();
    assert!(reasoning.contains("does not say that the raids led to them"));
    let caveats = best["caveats"].as_array().unwrap();
    assert_eq!(caveats.len(), 1);
    assert!(
        caveats[0].as_str().unwrap().contains("analyst's inference"),
        "{caveats:?}"
    );
}

#[tokio::test]
async fn a_claim_status_filter_on_a_neighbourhood_applies_to_relations() {
    let app = seeded().await;
    let d = app
        .data(
            r#"query($id: ID!) { neighbourhood(id: $id, depth: 1, claimStatus: [REPORTED],
                 relations: [AT, PART_OF, FOLLOWED_BY, LED_TO]) {
                 edges { kind from to evidence { basis claims { status } } } } }"#,
            json!({"id": seed_id("event", "mass-detentions")}),
        )
        .await;
    let edges = d["neighbourhood"]["edges"].as_array().unwrap();
    assert!(edges.len() >= 4, "{edges:#?}");
    for e in edges {
        assert!(
            e["evidence"]["claims"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["status"] == "REPORTED"),
            "{e}"
        );
    }
    // The inferred link to the charges has no claim of that status.
    assert!(!edges
        .iter()
        .any(|e| e["to"] == seed_id("event", "charges").as_str()));
}

#[tokio::test]
async fn every_relation_evidence_statement_starts_from_an_index() {
    let app = seeded().await;
    let db = app.store.session(Scope::all());
    let mut statements: Vec<(String, Statement)> = vec![(
        "relation read".into(),
        evidence::statement(casegraph::domain::Relation::EventLedTo, "x", "y"),
    )];
    for s in write::relation_evidence_statements() {
        statements.push(("relation evidence write".into(), s));
    }
    for (what, statement) in statements {
        let text = statement.text().to_string();
        let ops = plan_operators(&db, statement.param("collections", json!(["c"])))
            .await
            .unwrap_or_else(|e| panic!("{what}: {}", e.detail()));
        assert!(
            ops.iter().any(|o| o.contains("IndexSeek")),
            "{what}: {ops:?}\n{text}"
        );
        for scan in ["NodeByLabelScan", "AllNodesScan", "UnionNodeByLabelsScan"] {
            assert!(
                !ops.iter().any(|o| o.starts_with(scan)),
                "{what} scans ({scan}): {ops:?}\n{text}"
            );
        }
    }
}

#[tokio::test]
async fn source_counts_filter_the_relations_of_a_neighbourhood() {
    let app = seeded().await;
    let q = r#"query($id: ID!, $min: Int, $max: Int) {
        neighbourhood(id: $id, depth: 1, minSources: $min, maxSources: $max) {
          edges { kind to evidence { basis sourceCount } } } }"#;
    let id = seed_id("event", "mass-detentions");
    let all = app.data(q, json!({"id": id})).await;
    let all = all["neighbourhood"]["edges"].as_array().unwrap().clone();
    let count = |e: &Value| e["evidence"]["sourceCount"].as_i64().unwrap();
    // Unsourced only: the raids leading to the charges, the encoder's inference.
    let none = app.data(q, json!({"id": id, "max": 0})).await;
    let none = none["neighbourhood"]["edges"].as_array().unwrap().clone();
    assert!(!none.is_empty());
    assert!(none.iter().all(|e| count(e) == 0), "{none:#?}");
    assert!(none
        .iter()
        .any(|e| e["kind"] == "LED_TO" && e["evidence"]["basis"] == "INFERRED"));
    let sourced = app.data(q, json!({"id": id, "min": 1})).await;
    let sourced = sourced["neighbourhood"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert!(sourced.iter().all(|e| count(e) >= 1), "{sourced:#?}");
    assert_eq!(none.len() + sourced.len(), all.len());
    let e = crate::helpers::first_error(&app.gql(q, json!({"id": id, "min": -1})).await);
    assert_eq!(e, crate::helpers::err("BAD_USER_INPUT", "minSources"));
}
