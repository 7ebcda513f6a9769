//! The seed's relations, read back with what they rest on.

use serde_json::{json, Value};

use super::RELATION;
use crate::helpers::{seed_id, seeded};

async fn relation(app: &crate::helpers::TestApp, r: &str, from: String, to: String) -> Value {
    app.data(RELATION, json!({"r": r, "from": from, "to": to}))
        .await["relation"]
        .clone()
}

#[tokio::test]
async fn the_raids_leading_to_the_charges_is_the_encoders_inference_not_a_sources_word() {
    let app = seeded().await;
    let r = relation(
        &app,
        "EVENT_LED_TO",
        seed_id("event", "mass-detentions"),
        seed_id("event", "charges"),
    )
    .await;
    assert_eq!(r["claims"], json!([]));
    assert_eq!(r["evidence"]["basis"], "INFERRED");
    assert_eq!(r["evidence"]["sourceCount"], 0);
    let reasoning = r["inference"]["reasoning"].as_str().unwrap();
    assert!(
        reasoning.contains("does not say that the raids led to them"),
        "{reasoning}"
    );
}

#[tokio::test]
async fn the_offers_leading_to_the_signings_cite_meduza_and_novaya_gazeta_europe_verbatim() {
    let app = seeded().await;
    let report = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.txt"
    ))
    .unwrap();
    let r = relation(
        &app,
        "EVENT_LED_TO",
        seed_id("event", "enlistment-offers"),
        seed_id("event", "contract-signings"),
    )
    .await;
    assert!(r["inference"].is_null());
    assert_eq!(r["evidence"]["basis"], "CLAIMED");
    assert_eq!(r["evidence"]["sourceCount"], 2);
    // One source is unconfirmed, the other reports it: the relation does not rest only on the former.
    assert_eq!(r["evidence"]["unconfirmed"], false);
    let mut backing: Vec<(String, String)> = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert!(report.contains(c["excerpt"].as_str().unwrap()), "{c}");
            assert_eq!(c["aboutRelation"], r["id"]);
            (
                c["source"]["publisher"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                c["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    backing.sort();
    assert_eq!(
        backing,
        [
            ("Meduza".to_string(), "REPORTED".to_string()),
            (
                "Novaya Gazeta Europe".to_string(),
                "UNCONFIRMED".to_string()
            )
        ]
    );
    // The relation's id is stable: its kind and ends as first drawn.
    assert_eq!(
        r["id"],
        format!(
            "LED_TO:{}->{}",
            seed_id("event", "enlistment-offers"),
            seed_id("event", "contract-signings")
        )
    );
}

#[tokio::test]
async fn a_place_the_report_does_not_locate_is_inferred_and_an_undrawn_relation_is_null() {
    let app = seeded().await;
    let r = relation(
        &app,
        "PLACE_WITHIN",
        seed_id("place", "special-detention-center"),
        seed_id("place", "st-petersburg"),
    )
    .await;
    assert_eq!(r["claims"], json!([]));
    assert!(r["inference"]["reasoning"]
        .as_str()
        .unwrap()
        .contains("does not name or locate"));
    let none = relation(
        &app,
        "EVENT_LED_TO",
        seed_id("event", "charges"),
        seed_id("event", "raids"),
    )
    .await;
    assert!(none.is_null());
}

#[tokio::test]
async fn re_importing_the_seed_changes_no_relation_evidence() {
    // The seed under this test's own collection, so that importing it twice touches nothing shared.
    let app = crate::helpers::TestApp::spawn().await;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.json"
    ))
    .unwrap()
    .replace(crate::helpers::SEED, &app.collection);
    let snapshot = || async {
        let d = app
            .data(
                r#"query($c: [ID!], $from: ID!, $to: ID!) {
                     claims(collections: $c, first: 100) { totalCount nodes { id aboutRelation status excerpt } }
                     relation(relation: EVENT_LED_TO, from: $from, to: $to) { id inference { reasoning } claims { id } } }"#,
                json!({"c": [app.collection],
                       "from": format!("{}:event:mass-detentions", app.collection),
                       "to": format!("{}:event:charges", app.collection)}),
            )
            .await;
        d
    };
    casegraph::import::import_json(&app.store, &text)
        .await
        .unwrap_or_else(|e| panic!("{}", e.detail()));
    let first = snapshot().await;
    casegraph::import::import_json(&app.store, &text)
        .await
        .unwrap_or_else(|e| panic!("{}", e.detail()));
    let second = snapshot().await;
    assert_eq!(first, second);
    let about_relations = first["claims"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["aboutRelation"].is_string())
        .count();
    assert_eq!(about_relations, 24);
    assert!(first["relation"]["inference"]["reasoning"].is_string());
    app.cleanup().await;
}
