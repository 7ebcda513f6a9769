//! The graph questions asked of the seed: paths, neighbourhoods, timelines, co-occurrence, conflicts
//! and statistics, with their evidence, bounds and round trips.

use serde_json::{json, Value};

use crate::helpers::{first_error, seed_id, seeded, SEED};

fn round_trips(response: &Value) -> u64 {
    response["extensions"]["roundTrips"]
        .as_u64()
        .expect("extensions.roundTrips")
}

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect()
}

const PATHS: &str = r#"query($from: ID!, $to: ID!, $k: Int!, $rel: [GraphRelation!]) {
  paths(from: $from, to: $to, k: $k, relations: $rel) {
    bounds { truncated truncatedBy hopLimit }
    paths { length leansOnUnsourced leansOnUnconfirmed unsourcedHops caveats
      nodes { id }
      hops { from to direction edge { kind from to role
        evidence { basis note sourceCount claims { status excerpt source { title publisher { name } } } } } } } } }"#;

#[tokio::test]
async fn the_police_reach_the_defence_ministry_through_the_arrests_the_offers_and_the_signings() {
    let app = seeded().await;
    let r = app
        .gql(
            PATHS,
            json!({ "from": seed_id("actor", "st-petersburg-police"),
                    "to": seed_id("actor", "russian-defense-ministry"), "k": 3 }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let paths = r["data"]["paths"]["paths"].as_array().unwrap();
    assert!(!paths.is_empty());
    let best = &paths[0];
    let nodes = strs(&best["nodes"], "id");
    assert_eq!(
        nodes,
        vec![
            seed_id("actor", "st-petersburg-police"),
            seed_id("event", "mass-detentions"),
            seed_id("event", "enlistment-offers"),
            seed_id("event", "contract-signings"),
            seed_id("actor", "russian-defense-ministry"),
        ]
    );
    let hops = best["hops"].as_array().unwrap();
    let kinds: Vec<&str> = hops
        .iter()
        .map(|h| h["edge"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "PARTICIPATED_IN",
            "FOLLOWED_BY",
            "LED_TO",
            "PARTICIPATED_IN"
        ]
    );
    // The police took part in the arrests: the path walks that relation forward, and it rests on
    // Fontanka's sentence.
    assert_eq!(hops[0]["direction"], "FORWARD");
    assert_eq!(hops[0]["edge"]["role"], "perpetrator");
    assert_eq!(hops[0]["edge"]["evidence"]["basis"], "CLAIMED");
    let claim = &hops[0]["edge"]["evidence"]["claims"][0];
    assert!(
        claim["excerpt"].as_str().unwrap().contains("3,000"),
        "{claim:#}"
    );
    assert_eq!(claim["source"]["publisher"]["name"], "Fontanka");
    // The event links rest on the report's own sentences: the officers came to people already
    // detained (Novaya Gazeta Europe), and Meduza's headline ties the pressure to the signing.
    let report = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.txt"
    ))
    .unwrap();
    for h in &hops[1..3] {
        assert_eq!(h["edge"]["evidence"]["basis"], "CLAIMED", "{h:#}");
        for c in h["edge"]["evidence"]["claims"].as_array().unwrap() {
            assert!(report.contains(c["excerpt"].as_str().unwrap()), "{c:#}");
        }
    }
    assert_eq!(
        hops[1]["edge"]["evidence"]["claims"][0]["source"]["publisher"]["name"],
        "Novaya Gazeta Europe"
    );
    assert_eq!(best["leansOnUnsourced"], false);
    assert_eq!(best["unsourcedHops"], 0);
    assert_eq!(best["caveats"], json!([]));
    // The last hop is walked from the signings to the ministry, against the stored direction.
    assert_eq!(hops[3]["direction"], "BACKWARD");
    assert_eq!(
        hops[3]["edge"]["from"],
        seed_id("actor", "russian-defense-ministry")
    );
    assert_eq!(hops[3]["to"], seed_id("actor", "russian-defense-ministry"));
    assert_eq!(hops[3]["edge"]["evidence"]["basis"], "CLAIMED");
    // Paths come shortest first.
    let lengths: Vec<i64> = paths
        .iter()
        .map(|p| p["length"].as_i64().unwrap())
        .collect();
    assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "{lengths:?}");
    // Ends (one trip) and the search (one trip), plus the batched sources and outlets asked for.
    assert!(round_trips(&r) <= 4, "{}", round_trips(&r));
}

#[tokio::test]
async fn a_path_over_sourced_relations_only_goes_through_the_people_in_both_events() {
    let app = seeded().await;
    let r = app
        .data(
            PATHS,
            json!({ "from": seed_id("actor", "st-petersburg-police"),
                    "to": seed_id("actor", "russian-defense-ministry"), "k": 1,
                    "rel": ["PARTICIPATED_IN"] }),
        )
        .await;
    let best = &r["paths"]["paths"][0];
    assert_eq!(best["leansOnUnsourced"], false, "{best:#}");
    assert!(strs(&best["nodes"], "id").contains(&seed_id("actor", "detained-migrants")));
    assert_eq!(best["caveats"], json!([]));
}

#[tokio::test]
async fn a_path_that_leans_on_an_unconfirmed_claim_says_so() {
    let app = seeded().await;
    // The 1,500 signatures rest on an unconfirmed figure; the participation of the detainees in the
    // signings rests on Novaya Gazeta Europe's report.
    let r = app
        .data(
            PATHS,
            json!({ "from": seed_id("actor", "military-enlistment-officers"),
                    "to": seed_id("actor", "russian-defense-ministry"), "k": 3 }),
        )
        .await;
    let paths = r["paths"]["paths"].as_array().unwrap();
    assert!(!paths.is_empty());
    for p in paths {
        let unconfirmed = p["hops"].as_array().unwrap().iter().any(|h| {
            h["edge"]["evidence"]["claims"]
                .as_array()
                .unwrap()
                .iter()
                .all(|c| c["status"] == "UNCONFIRMED")
                && h["edge"]["evidence"]["basis"] == "CLAIMED"
        });
        assert_eq!(p["leansOnUnconfirmed"], unconfirmed, "{p:#}");
    }
}

#[tokio::test]
async fn path_bounds_and_bad_ends_are_refused_with_codes() {
    let app = seeded().await;
    let vars = |k: i64| {
        json!({ "from": seed_id("actor", "st-petersburg-police"),
                "to": seed_id("actor", "russian-defense-ministry"), "k": k })
    };
    let r = app.gql(PATHS, vars(99)).await;
    assert_eq!(first_error(&r), ("LIMIT_EXCEEDED".into(), Some("k".into())));
    let r = app
        .gql(
            "query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 99) { paths { length } } }",
            json!({ "a": seed_id("actor", "st-petersburg-police"), "b": seed_id("event", "raids") }),
        )
        .await;
    assert_eq!(
        first_error(&r),
        ("LIMIT_EXCEEDED".into(), Some("maxHops".into()))
    );
    let r = app
        .gql(
            "query($a: ID!, $b: ID!) { paths(from: $a, to: $b) { paths { length } } }",
            json!({ "a": "no-such-node", "b": seed_id("event", "raids") }),
        )
        .await;
    assert_eq!(first_error(&r), ("NOT_FOUND".into(), Some("from".into())));
    // Two hops cannot reach the ministry from the police: nothing found, and the answer says that
    // longer paths were not searched.
    let r = app
        .data(
            "query($a: ID!, $b: ID!) { paths(from: $a, to: $b, maxHops: 2) {
               paths { length } bounds { truncated truncatedBy } } }",
            json!({ "a": seed_id("actor", "st-petersburg-police"),
                    "b": seed_id("actor", "russian-defense-ministry") }),
        )
        .await;
    assert_eq!(r["paths"]["paths"], json!([]));
    assert_eq!(r["paths"]["bounds"]["truncatedBy"], json!(["HOP_LIMIT"]));
}

const HOOD: &str = r#"query($id: ID!, $depth: Int!, $rel: [GraphRelation!], $types: [String!],
    $unsourced: Boolean = true, $max: Int, $status: [ClaimStatus!]) {
  neighbourhood(id: $id, depth: $depth, relations: $rel, eventTypes: $types,
                includeUnsourced: $unsourced, maxNodes: $max, claimStatus: $status) {
    anchor
    bounds { truncated truncatedBy nodeLimit }
    nodes { id distance kind label node { id ... on Actor { name } ... on Event { type } } }
    edges { id kind from to direction role evidence { basis inference { reasoning } claims { status } } } } }"#;

#[tokio::test]
async fn around_the_enlistment_officers_are_the_police_and_the_ministry() {
    let app = seeded().await;
    let r = app
        .gql(
            HOOD,
            json!({ "id": seed_id("actor", "military-enlistment-officers"), "depth": 3 }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let hood = &r["data"]["neighbourhood"];
    let nodes = hood["nodes"].as_array().unwrap();
    let distance = |id: String| {
        nodes
            .iter()
            .find(|n| n["id"] == id.as_str())
            .map(|n| n["distance"].as_i64().unwrap())
    };
    assert_eq!(
        distance(seed_id("actor", "military-enlistment-officers")),
        Some(0)
    );
    assert_eq!(distance(seed_id("event", "enlistment-offers")), Some(1));
    // Officers → offers ← followed the arrests ← the police: three relations.
    assert_eq!(distance(seed_id("actor", "st-petersburg-police")), Some(3));
    // Officers → offers → led to the signings ← the ministry.
    assert_eq!(
        distance(seed_id("actor", "russian-defense-ministry")),
        Some(3)
    );
    assert_eq!(hood["bounds"]["truncated"], false);
    // The offers followed the arrests: seen from the officers, that edge points inward (towards
    // the anchor), the offers' link to the signings outward.
    let edge = |kind: &str, from: &str, to: &str| {
        hood["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| {
                e["kind"] == kind
                    && e["from"] == seed_id("event", from).as_str()
                    && e["to"] == seed_id("event", to).as_str()
            })
            .unwrap_or_else(|| panic!("{kind} {from} -> {to}"))
            .clone()
    };
    assert_eq!(
        edge("FOLLOWED_BY", "mass-detentions", "enlistment-offers")["direction"],
        "INWARD"
    );
    assert_eq!(
        edge("LED_TO", "enlistment-offers", "contract-signings")["direction"],
        "OUTWARD"
    );
    // Every edge joins two listed nodes, participations carry claims, event links say they do not.
    let ids: Vec<String> = strs(&hood["nodes"], "id");
    for e in hood["edges"].as_array().unwrap() {
        assert!(
            ids.contains(&e["from"].as_str().unwrap().to_string()),
            "{e}"
        );
        assert!(ids.contains(&e["to"].as_str().unwrap().to_string()), "{e}");
        match e["kind"].as_str().unwrap() {
            "PARTICIPATED_IN" => {
                assert!(e["role"].is_string());
                assert_eq!(e["evidence"]["basis"], "CLAIMED", "{e}");
            }
            // Every other relation cites the report or is the encoder's inference, with reasons.
            _ => match e["evidence"]["basis"].as_str().unwrap() {
                "CLAIMED" => assert_ne!(e["evidence"]["claims"], json!([]), "{e}"),
                "INFERRED" => assert!(e["evidence"]["inference"]["reasoning"].is_string(), "{e}"),
                other => panic!("{other}: {e}"),
            },
        }
    }
    // The anchor, then one statement per level: a fixed number whatever the answer's size.
    assert!(round_trips(&r) <= 4, "{}", round_trips(&r));
}

#[tokio::test]
async fn neighbourhood_filters_keep_only_what_was_asked_for() {
    let app = seeded().await;
    let anchor = seed_id("event", "mass-detentions");
    // Only participations: every neighbour is an actor.
    let d = app
        .data(
            HOOD,
            json!({ "id": anchor, "depth": 1, "rel": ["PARTICIPATED_IN"] }),
        )
        .await;
    let nodes = d["neighbourhood"]["nodes"].as_array().unwrap();
    assert!(nodes.len() > 2);
    assert!(
        nodes[1..].iter().all(|n| n["kind"] == "Actor"),
        "{nodes:#?}"
    );
    // Without unsourced relations, the inferred links disappear; participations and sourced links stay.
    let d = app
        .data(
            HOOD,
            json!({ "id": anchor, "depth": 2, "unsourced": false }),
        )
        .await;
    let edges = d["neighbourhood"]["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["kind"] == "PARTICIPATED_IN"));
    assert!(edges.iter().any(|e| e["kind"] == "PART_OF"), "{edges:#?}");
    assert!(
        edges.iter().all(|e| e["evidence"]["basis"] == "CLAIMED"),
        "{edges:#?}"
    );
    // The raids leading to the charges is inference: gone.
    assert!(!edges
        .iter()
        .any(|e| e["kind"] == "LED_TO" && e["to"] == seed_id("event", "charges").as_str()));
    // Event types: from the police, only detentions.
    let d = app
        .data(
            HOOD,
            json!({ "id": seed_id("actor", "st-petersburg-police"), "depth": 1, "types": ["detention"] }),
        )
        .await;
    let events: Vec<&Value> = d["neighbourhood"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "Event")
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["node"]["type"], "detention");
    // Claim status: the seed has no confirmed claims, so nothing but the anchor is left.
    let d = app
        .data(
            HOOD,
            json!({ "id": anchor, "depth": 2, "status": ["CONFIRMED"] }),
        )
        .await;
    let nodes = d["neighbourhood"]["nodes"].as_array().unwrap();
    assert!(
        nodes
            .iter()
            .all(|n| n["kind"] != "Event" || n["id"] == anchor.as_str()),
        "{nodes:#?}"
    );
}

#[tokio::test]
async fn a_neighbourhood_over_its_node_limit_says_so() {
    let app = seeded().await;
    let r = app
        .data(
            HOOD,
            json!({ "id": seed_id("event", "mass-detentions"), "depth": 3, "max": 4 }),
        )
        .await;
    let hood = &r["neighbourhood"];
    assert_eq!(hood["nodes"].as_array().unwrap().len(), 4);
    assert_eq!(hood["bounds"]["truncated"], true);
    assert_eq!(hood["bounds"]["truncatedBy"], json!(["NODE_LIMIT"]));
    assert_eq!(hood["bounds"]["nodeLimit"], 4);
    let r = app
        .gql(HOOD, json!({ "id": seed_id("event", "raids"), "depth": 4 }))
        .await;
    assert_eq!(
        first_error(&r),
        ("LIMIT_EXCEEDED".into(), Some("depth".into()))
    );
    let r = app
        .gql(
            HOOD,
            json!({ "id": seed_id("event", "raids"), "depth": 1, "max": 100000 }),
        )
        .await;
    assert_eq!(
        first_error(&r),
        ("LIMIT_EXCEEDED".into(), Some("maxNodes".into()))
    );
    let r = app
        .gql(HOOD, json!({ "id": "nothing-here", "depth": 1 }))
        .await;
    assert_eq!(first_error(&r), ("NOT_FOUND".into(), Some("id".into())));
}

const TIMELINE: &str = r#"query($c: ID, $a: ID, $p: ID) {
  timeline(collection: $c, actor: $a, place: $p) {
    bounds { truncated }
    entries { position placement earliest latest precision inferred note roles event { id title } } } }"#;

#[tokio::test]
async fn the_timeline_runs_from_dec_31_to_jan_1_with_the_recent_months_placed_honestly() {
    let app = seeded().await;
    let r = app.gql(TIMELINE, json!({ "c": SEED })).await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let entries = r["data"]["timeline"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 16);
    let at = |name: &str| {
        entries
            .iter()
            .position(|e| e["event"]["id"] == seed_id("event", name).as_str())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    // "In recent months": start unknown, so placed first, and marked as such.
    for name in [
        "citizenship-for-contracts",
        "arrests-of-migrants-with-russian-citizenship",
        "migrants-taken-to-enlistment-offices",
    ] {
        let e = &entries[at(name)];
        assert!(at(name) < 3, "{name} at {}", at(name));
        assert_eq!(e["placement"], "OPEN_START");
        assert_eq!(e["earliest"], Value::Null);
        assert_eq!(e["latest"], "2025-01-31");
        assert!(e["note"].as_str().unwrap().contains("start unknown"));
    }
    // Then Dec 31 – Jan 1, then Jan 1, then what runs on from Jan 1.
    assert!(at("raids") < at("enlistment-offers"));
    assert!(at("mass-detentions") < at("enlistment-offers"));
    assert!(at("enlistment-offers") < at("contract-signings"));
    assert_eq!(entries[at("raids")]["placement"], "WITHIN_SPAN");
    assert_eq!(entries[at("raids")]["earliest"], "2024-12-31");
    assert_eq!(entries[at("enlistment-offers")]["placement"], "DAY");
    assert_eq!(entries[at("contract-signings")]["placement"], "OPEN_END");
    assert_eq!(entries[at("raids")]["inferred"], true);
    // Known starts never go backwards.
    let starts: Vec<&str> = entries
        .iter()
        .filter_map(|e| e["earliest"].as_str())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "{starts:?}");
    assert_eq!(starts.first(), Some(&"2024-12-31"));
    let positions: Vec<i64> = entries
        .iter()
        .map(|e| e["position"].as_i64().unwrap())
        .collect();
    assert_eq!(positions, (1..=16).collect::<Vec<_>>());
    assert_eq!(round_trips(&r), 1);
}

#[tokio::test]
async fn a_place_timeline_includes_what_lies_within_it_and_an_actor_timeline_its_roles() {
    let app = seeded().await;
    let d = app
        .data(TIMELINE, json!({ "p": seed_id("place", "st-petersburg") }))
        .await;
    let ids: Vec<String> = d["timeline"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&seed_id("event", "men-taken-to-police-stations")));
    assert!(!ids.contains(&seed_id("event", "citizenship-for-contracts")));
    let d = app
        .data(
            TIMELINE,
            json!({ "a": seed_id("actor", "st-petersburg-police") }),
        )
        .await;
    let entries = d["timeline"]["entries"].as_array().unwrap();
    assert!(entries.len() >= 3);
    assert!(
        entries.iter().all(|e| e["roles"] == json!(["perpetrator"])),
        "{entries:#?}"
    );
    let r = app.gql(TIMELINE, json!({ "a": "x", "p": "y" })).await;
    assert_eq!(first_error(&r).0, "BAD_USER_INPUT");
    let r = app.gql(TIMELINE, json!({ "p": "no-such-place" })).await;
    assert_eq!(first_error(&r), ("NOT_FOUND".into(), Some("place".into())));
    let r = app
        .gql(
            TIMELINE,
            json!({ "p": seed_id("actor", "st-petersburg-police") }),
        )
        .await;
    assert_eq!(
        first_error(&r),
        ("BAD_USER_INPUT".into(), Some("place".into()))
    );
}

#[tokio::test]
async fn the_detained_migrants_share_most_events_with_the_police() {
    let app = seeded().await;
    let r = app
        .gql(
            r#"query($a: ID!) { coOccurrence(actor: $a) { bounds { truncated }
                 actors { sharedEventCount actor { id name } events { id } } } }"#,
            json!({ "a": seed_id("actor", "detained-migrants") }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let actors = r["data"]["coOccurrence"]["actors"].as_array().unwrap();
    let counts: Vec<i64> = actors
        .iter()
        .map(|a| a["sharedEventCount"].as_i64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "ranked: {counts:?}"
    );
    for a in actors {
        assert_eq!(
            a["events"].as_array().unwrap().len() as i64,
            a["sharedEventCount"].as_i64().unwrap()
        );
    }
    let police = actors
        .iter()
        .find(|a| a["actor"]["id"] == seed_id("actor", "st-petersburg-police").as_str())
        .expect("the police share events with the detainees");
    let shared = strs(&police["events"], "id");
    assert!(shared.contains(&seed_id("event", "raids")));
    assert!(shared.contains(&seed_id("event", "mass-detentions")));
    assert_eq!(actors[0]["actor"]["id"], police["actor"]["id"]);
    assert!(!actors
        .iter()
        .any(|a| a["actor"]["id"] == seed_id("actor", "detained-migrants").as_str()));
    assert_eq!(round_trips(&r), 1);
}
