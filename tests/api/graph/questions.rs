//! The investigators' questions, asked of the seed dataset: who, where, when, how many, and who says so.

use serde_json::{json, Value};

use super::ids;
use crate::helpers::{flat, seed_id, seeded, SEED};

#[tokio::test]
async fn events_in_st_petersburg_between_dec_31_and_jan_1_include_everything_within_the_city() {
    let app = seeded().await;
    let data = app
        .data(
            r#"query($c: [ID!], $p: ID) { events(collections: $c, first: 50,
                 filter: { place: $p, date: { from: "2024-12-31", to: "2025-01-01" } }) {
                 totalCount edges { node { id title place { id } date { edtf inferred basis } } } } }"#,
            json!({ "c": [SEED], "p": seed_id("place", "st-petersburg") }),
        )
        .await;
    let found = ids(&data["events"]);
    // In the city itself, and in places within it (the police stations, the detention centre).
    for e in [
        "raids",
        "mass-detentions",
        "enlistment-offers",
        "men-taken-to-police-stations",
        "women-and-children-taken-to-detention-center",
    ] {
        assert!(
            found.contains(&seed_id("event", e)),
            "{e} missing from {found:?}"
        );
    }
    // Events placed only at the country level, or with no place, are not "in St. Petersburg".
    for e in [
        "citizenship-for-contracts",
        "contract-signings",
        "deportations",
    ] {
        assert!(
            !found.contains(&seed_id("event", e)),
            "{e} should not be in {found:?}"
        );
    }
    assert_eq!(
        data["events"]["totalCount"].as_i64().unwrap() as usize,
        found.len()
    );
    // The year is inferred, and says from what.
    let raid = data["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["id"] == seed_id("event", "raids"))
        .unwrap();
    assert_eq!(raid["node"]["date"]["edtf"], "2024-12-31/2025-01-01");
    assert_eq!(raid["node"]["date"]["inferred"], true);
    assert!(raid["node"]["date"]["basis"]
        .as_str()
        .unwrap()
        .contains("2025"));
}

#[tokio::test]
async fn a_time_window_means_overlap_and_excludes_what_lies_outside_it() {
    let app = seeded().await;
    let q = r#"query($c: [ID!], $from: String, $to: String) { events(collections: $c, first: 50,
                 filter: { date: { from: $from, to: $to } }) { edges { node { id } } } }"#;
    // Jan 1 alone overlaps the Dec 31 – Jan 1 raids.
    let d = app
        .data(
            q,
            json!({ "c": [SEED], "from": "2025-01-01", "to": "2025-01-01" }),
        )
        .await;
    assert!(ids(&d["events"]).contains(&seed_id("event", "raids")));
    // A window entirely before Dec 31 keeps only what has an open start ("in recent months").
    let d = app
        .data(
            q,
            json!({ "c": [SEED], "from": "2024-06-01", "to": "2024-06-30" }),
        )
        .await;
    let found = ids(&d["events"]);
    assert!(!found.contains(&seed_id("event", "raids")));
    assert!(
        found.contains(&seed_id("event", "citizenship-for-contracts")),
        "{found:?}"
    );
    assert!(
        !found.contains(&seed_id("event", "contract-signings")),
        "open end only reaches forward: {found:?}"
    );
    // A window years later keeps only what has an open end (the signings, "from January 1 on").
    let d = app
        .data(q, json!({ "c": [SEED], "from": "2030-01-01" }))
        .await;
    let found = ids(&d["events"]);
    assert!(
        found.contains(&seed_id("event", "contract-signings")),
        "{found:?}"
    );
    assert!(
        !found.contains(&seed_id("event", "raids"))
            && !found.contains(&seed_id("event", "citizenship-for-contracts")),
        "{found:?}"
    );
}

#[tokio::test]
async fn each_event_lists_who_took_part_and_in_what_role() {
    let app = seeded().await;
    let data = flat(
        app.data(
            r#"query($id: ID!) { node(id: $id) { ... on Event { title
                 participants { nodes { role roleTerm { label } actor { name kind } } } } } }"#,
            json!({ "id": seed_id("event", "enlistment-offers") }),
        )
        .await,
    );
    let parts = data["node"]["participants"].as_array().unwrap();
    let pairs: Vec<(String, String)> = parts
        .iter()
        .map(|p| {
            (
                p["actor"]["name"].as_str().unwrap().to_string(),
                p["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        pairs.contains(&("Military enlistment officers".into(), "offerer".into())),
        "{pairs:?}"
    );
    assert!(pairs.iter().any(|(_, r)| r == "target"));
    assert!(
        parts.iter().all(|p| p["roleTerm"]["label"].is_string()),
        "every role is a term of the taxonomy"
    );
}

#[tokio::test]
async fn how_many_were_deported_and_who_says_so() {
    let app = seeded().await;
    let data = flat(
        app.data(
            r#"query($id: ID!) { node(id: $id) { ... on Event { counts { nodes {
                 value qualifier subgroup partOf { value subject }
                 claims { nodes { status excerpt source { title publisher { name } } } } } } } } }"#,
            json!({ "id": seed_id("event", "deportations") }),
        )
        .await,
    );
    let counts = data["node"]["counts"].as_array().unwrap();
    assert_eq!(counts.len(), 1);
    let c = &counts[0];
    assert_eq!(c["value"], 27);
    assert_eq!(c["qualifier"], "EXACT");
    assert_eq!(c["partOf"]["value"], 31, "27 of the 31 charged");
    let claim = &c["claims"][0];
    assert_eq!(claim["status"], "OFFICIAL_STATEMENT");
    assert_eq!(
        claim["source"]["publisher"]["name"],
        "Joint press service of the St. Petersburg courts"
    );
    assert!(claim["excerpt"]
        .as_str()
        .unwrap()
        .contains("27 were deported"));
}

#[tokio::test]
async fn the_official_breakdown_adds_up_to_the_31_charged() {
    let app = seeded().await;
    let data = flat(
        app.data(
            r#"query($id: ID!) { node(id: $id) { ... on Count { value breakdown { nodes { value subgroup } } } } }"#,
            json!({ "id": seed_id("count", "charged-31") }),
        )
        .await,
    );
    let parts = data["node"]["breakdown"].as_array().unwrap();
    let sum: i64 = parts.iter().map(|p| p["value"].as_i64().unwrap()).sum();
    assert_eq!(parts.len(), 3);
    assert_eq!(sum, data["node"]["value"].as_i64().unwrap());
}

#[tokio::test]
async fn conflicting_figures_coexist_each_with_its_own_source() {
    let app = seeded().await;
    let data = flat(
        app.data(
            r#"query($id: ID!) { node(id: $id) { ... on Event { counts { nodes {
                 value qualifier lower wording claims { nodes { source { publisher { name } } } } } } } } }"#,
            json!({ "id": seed_id("event", "mass-detentions") }),
        )
        .await,
    );
    let counts = data["node"]["counts"].as_array().unwrap();
    let by_outlet = |outlet: &str| {
        counts
            .iter()
            .find(|c| c["claims"][0]["source"]["publisher"]["name"] == outlet)
            .unwrap_or_else(|| panic!("{outlet}"))
    };
    let fontanka = by_outlet("Fontanka");
    assert_eq!(
        (fontanka["value"].as_i64(), fontanka["qualifier"].as_str()),
        (Some(3000), Some("AT_LEAST"))
    );
    let novaya = by_outlet("Novaya Gazeta Europe");
    assert_eq!(novaya["qualifier"], "MORE_THAN");
    assert_eq!(novaya["wording"], "much higher");
}

#[tokio::test]
async fn which_figures_are_unconfirmed() {
    let app = seeded().await;
    let data = app
        .data(
            r#"query($c: [ID!]) { counts(collections: $c, filter: { provenance: { statusIn: [UNCONFIRMED] } }) {
                 totalCount edges { node { value subject provenance { singleUnconfirmedSource sourceCount } } } } }"#,
            json!({ "c": [SEED] }),
        )
        .await;
    let edges = data["counts"]["edges"].as_array().unwrap();
    assert_eq!(data["counts"]["totalCount"], 1);
    assert_eq!(edges[0]["node"]["value"], 1500);
    assert_eq!(
        edges[0]["node"]["provenance"]["singleUnconfirmedSource"],
        true
    );
    assert_eq!(edges[0]["node"]["provenance"]["sourceCount"], 1);
}

#[tokio::test]
async fn only_what_rests_on_official_statements() {
    let app = seeded().await;
    let data = app
        .data(
            r#"query($c: [ID!]) { counts(collections: $c, first: 50, filter: { provenance: { statusIn: [OFFICIAL_STATEMENT], maxSources: 1 } }) {
                 edges { node { value } } } }"#,
            json!({ "c": [SEED] }),
        )
        .await;
    let mut values: Vec<i64> = data["counts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["value"].as_i64().unwrap())
        .collect();
    values.sort();
    assert_eq!(values, vec![2, 2, 27, 31]);
}

#[tokio::test]
async fn which_sources_meduza_cites() {
    let app = seeded().await;
    let data = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Source { title publisher { name }
                 cites { nodes { excerpt source { publisher { name } citedBy { nodes { source { id } } } } } } } } }"#,
            json!({ "id": seed_id("source", "meduza-report") }),
        )
        .await;
    let cites = data["node"]["cites"]["nodes"].as_array().unwrap();
    let outlets: Vec<&str> = cites
        .iter()
        .filter_map(|c| c["source"]["publisher"]["name"].as_str())
        .collect();
    for o in [
        "Fontanka",
        "Novaya Gazeta Europe",
        "Joint press service of the St. Petersburg courts",
    ] {
        assert!(outlets.contains(&o), "{o} missing from {outlets:?}");
    }
    assert!(
        cites.iter().all(|c| c["excerpt"].is_string()),
        "each citation carries its passage"
    );
    assert_eq!(
        cites[0]["source"]["citedBy"]["nodes"][0]["source"]["id"],
        seed_id("source", "meduza-report")
    );
}

#[tokio::test]
async fn events_filtered_by_actor_role_source_and_type() {
    let app = seeded().await;
    let q = r#"query($c: [ID!], $f: EventFilter) { events(collections: $c, first: 50, filter: $f) { totalCount edges { node { id } } } }"#;
    let police = seed_id("actor", "st-petersburg-police");
    let d = app
        .data(
            q,
            json!({ "c": [SEED], "f": { "actor": police, "role": "perpetrator" } }),
        )
        .await;
    assert_eq!(
        d["events"]["totalCount"], 3,
        "raids, cordon, detentions: {}",
        d
    );
    let d = app.data(q, json!({ "c": [SEED], "f": { "source": seed_id("source", "courts-press-service-statement") } })).await;
    let found = ids(&d["events"]);
    for e in ["charges", "releases", "fines", "deportations"] {
        assert!(found.contains(&seed_id("event", e)), "{e}: {found:?}");
    }
    let d = app
        .data(
            q,
            json!({ "c": [SEED], "f": { "types": ["deportation", "fine"] } }),
        )
        .await;
    assert_eq!(d["events"]["totalCount"], 2);
    let d = app
        .data(q, json!({ "c": [SEED], "f": { "text": "CORDON" } }))
        .await;
    let found = ids(&d["events"]);
    assert!(
        found.contains(&seed_id("event", "cordon")),
        "case-insensitive text: {found:?}"
    );
    assert!(!found.contains(&seed_id("event", "deportations")));
}

#[tokio::test]
async fn places_within_a_place_and_their_ancestors() {
    let app = seeded().await;
    let d = app
        .data(
            r#"query($c: [ID!], $p: ID) { places(collections: $c, filter: { within: $p }) { edges { node { id name ancestors { name } } } } }"#,
            json!({ "c": [SEED], "p": seed_id("place", "st-petersburg") }),
        )
        .await;
    let edges = d["places"]["edges"].as_array().unwrap();
    assert_eq!(
        edges.len(),
        3,
        "the city, its police stations and the detention centre"
    );
    let centre = edges
        .iter()
        .find(|e| e["node"]["id"] == seed_id("place", "special-detention-center"))
        .unwrap();
    let ancestors: Vec<&str> = centre["node"]["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(ancestors, vec!["St. Petersburg", "Russia"], "nearest first");
}

#[tokio::test]
async fn who_acted_as_perpetrator_and_in_what() {
    let app = seeded().await;
    let d = app
        .data(
            r#"query($c: [ID!]) { participations(collections: $c, first: 100, filter: { roles: ["perpetrator"] }) {
                 totalCount nodes { role actor { name } event { title } } } }"#,
            json!({ "c": [SEED] }),
        )
        .await;
    let nodes = d["participations"]["nodes"].as_array().unwrap();
    assert_eq!(
        d["participations"]["totalCount"].as_u64().unwrap() as usize,
        nodes.len()
    );
    assert!(nodes.iter().all(|n| n["role"] == "perpetrator"));
    let actors: Vec<&str> = nodes
        .iter()
        .map(|n| n["actor"]["name"].as_str().unwrap())
        .collect();
    assert!(
        actors.contains(&"St. Petersburg police")
            && actors.contains(&"Military enlistment officers"),
        "{actors:?}"
    );
    // Narrowed to one actor and one event.
    let d = app
        .data(
            r#"query($c: [ID!], $a: ID, $e: ID) { participations(collections: $c, filter: { actor: $a, event: $e }) {
                 nodes { role } } }"#,
            json!({ "c": [SEED], "a": seed_id("actor", "military-enlistment-officers"), "e": seed_id("event", "enlistment-offers") }),
        )
        .await;
    assert_eq!(d["participations"]["nodes"], json!([{ "role": "offerer" }]));
}

#[tokio::test]
async fn every_kind_of_fact_answers_for_its_claims_and_provenance_through_one_interface() {
    let app = seeded().await;
    let data = app
        .data(
            r#"query($c: [ID!]) { claims(collections: $c, first: 100) { nodes { id aboutRelation subject {
                 __typename ... on Fact { claims { nodes { id } } provenance { claimCount sourceCount } } } } } }"#,
            json!({ "c": [SEED] }),
        )
        .await;
    // Claims about relations (an event led to another) have a relation, not a fact, as subject.
    let (facts, relations): (Vec<&Value>, Vec<&Value>) = data["claims"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .partition(|n| !n["subject"].is_null());
    assert!(!relations.is_empty());
    assert!(relations.iter().all(|n| n["aboutRelation"].is_string()));
    assert!(facts.iter().all(|n| n["aboutRelation"].is_null()));
    let nodes = facts;
    let mut kinds: Vec<&str> = nodes
        .iter()
        .map(|n| n["subject"]["__typename"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds, ["Count", "Event", "Participation"]);
    for n in nodes {
        let subject = &n["subject"];
        let claims: Vec<&str> = subject["claims"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert!(claims.contains(&n["id"].as_str().unwrap()), "{n:#}");
        assert_eq!(
            subject["provenance"]["claimCount"].as_u64().unwrap() as usize,
            claims.len(),
            "{n:#}"
        );
    }
}
