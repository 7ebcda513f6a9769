//! The investigators' questions, asked of the seed dataset; lists, filters, pagination, Relay nodes,
//! and the round-trip budget of nested queries.

use serde_json::{json, Value};

use crate::helpers::{seed_id, seeded, SEED};

fn titles(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect()
}

fn ids(connection: &Value) -> Vec<String> {
    connection["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect()
}

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
    let data = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Event { title
                 participants { role roleTerm { label } actor { name kind } } } } }"#,
            json!({ "id": seed_id("event", "enlistment-offers") }),
        )
        .await;
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
    let data = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Event { counts {
                 value qualifier subgroup partOf { value subject }
                 claims { status excerpt source { title publisher { name } } } } } } }"#,
            json!({ "id": seed_id("event", "deportations") }),
        )
        .await;
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
    let data = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Count { value breakdown { value subgroup } } } }"#,
            json!({ "id": seed_id("count", "charged-31") }),
        )
        .await;
    let parts = data["node"]["breakdown"].as_array().unwrap();
    let sum: i64 = parts.iter().map(|p| p["value"].as_i64().unwrap()).sum();
    assert_eq!(parts.len(), 3);
    assert_eq!(sum, data["node"]["value"].as_i64().unwrap());
}

#[tokio::test]
async fn conflicting_figures_coexist_each_with_its_own_source() {
    let app = seeded().await;
    let data = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Event { counts {
                 value qualifier lower wording claims { source { publisher { name } } } } } } }"#,
            json!({ "id": seed_id("event", "mass-detentions") }),
        )
        .await;
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
                 cites { excerpt source { publisher { name } citedBy { source { id } } } } } } }"#,
            json!({ "id": seed_id("source", "meduza-report") }),
        )
        .await;
    let cites = data["node"]["cites"].as_array().unwrap();
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
        cites[0]["source"]["citedBy"][0]["source"]["id"],
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
async fn relay_node_and_nodes_fetch_any_kind_by_id() {
    let app = seeded().await;
    let ids_asked = json!([
        seed_id("event", "raids"),
        seed_id("actor", "fontanka"),
        "no-such-id",
        seed_id("place", "russia")
    ]);
    let d = app
        .data(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"#,
            json!({ "ids": ids_asked }),
        )
        .await;
    let types: Vec<Value> = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].clone())
        .collect();
    assert_eq!(
        types,
        vec![json!("Event"), json!("Actor"), Value::Null, json!("Place")]
    );
}

#[tokio::test]
async fn a_collection_filter_hides_other_collections() {
    let app = seeded().await;
    let d = app
        .data(
            r#"{ events(collections: ["some-other-collection"]) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["events"]["totalCount"], 0);
}

#[tokio::test]
async fn cursor_pagination_walks_forwards_and_backwards_without_gaps_or_repeats() {
    let app = seeded().await;
    let q = r#"query($c: [ID!], $first: Int, $after: String, $last: Int, $before: String) {
        events(collections: $c, first: $first, after: $after, last: $last, before: $before) {
          totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id title } } } }"#;
    let all = app.data(q, json!({ "c": [SEED], "first": 100 })).await;
    let everything = titles(&all["events"]);
    assert_eq!(
        everything.len() as i64,
        all["events"]["totalCount"].as_i64().unwrap()
    );
    assert!(everything.len() >= 16);

    let mut forward = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .data(q, json!({ "c": [SEED], "first": 5, "after": after }))
            .await;
        forward.extend(titles(&page["events"]));
        if !page["events"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["events"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_string);
    }
    assert_eq!(
        forward, everything,
        "pages of 5 concatenate to the whole list"
    );

    let mut backward = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = app
            .data(q, json!({ "c": [SEED], "last": 4, "before": before }))
            .await;
        let mut t = titles(&page["events"]);
        t.extend(backward);
        backward = t;
        if !page["events"]["pageInfo"]["hasPreviousPage"]
            .as_bool()
            .unwrap()
        {
            break;
        }
        before = page["events"]["pageInfo"]["startCursor"]
            .as_str()
            .map(str::to_string);
    }
    assert_eq!(
        backward, everything,
        "paging backwards gives the same order"
    );
}

#[tokio::test]
async fn cursors_are_stable_when_nodes_are_inserted_before_them() {
    let app = seeded().await;
    // A private copy of some events, so the insert does not disturb other tests.
    let col = app.collection.clone();
    app.data(
        r#"mutation($c: ID!) { upsertCollection(input: {id: $c, name: "pagination"}) { id }
           upsertTerm(input: {collection: $c, vocabulary: EVENT_TYPE, key: "raid", label: "Raid"}) { id } }"#,
        json!({ "c": col }),
    )
    .await;
    for day in 10..20 {
        app.data(
            r#"mutation($c: ID!, $id: ID!, $d: String!) { upsertEvent(input: {id: $id, collection: $c, type: "raid", title: $id, date: {edtf: $d}}) { id } }"#,
            json!({ "c": col, "id": format!("{col}:e{day}"), "d": format!("2025-02-{day}") }),
        )
        .await;
    }
    let q = r#"query($c: [ID!], $after: String) { events(collections: $c, first: 3, after: $after) { pageInfo { endCursor } edges { node { id } } } }"#;
    let first = app.data(q, json!({ "c": [col] })).await;
    assert_eq!(
        ids(&first["events"]),
        vec![
            format!("{col}:e10"),
            format!("{col}:e11"),
            format!("{col}:e12")
        ]
    );
    let cursor = first["events"]["pageInfo"]["endCursor"].clone();
    // Insert two events that sort before the cursor: an offset cursor would now repeat e11 and e12.
    for (id, d) in [("a", "2025-02-01"), ("b", "2025-02-02")] {
        app.data(
            r#"mutation($c: ID!, $id: ID!, $d: String!) { upsertEvent(input: {id: $id, collection: $c, type: "raid", title: $id, date: {edtf: $d}}) { id } }"#,
            json!({ "c": col, "id": format!("{col}:{id}"), "d": d }),
        )
        .await;
    }
    let next = app.data(q, json!({ "c": [col], "after": cursor })).await;
    assert_eq!(
        ids(&next["events"]),
        vec![
            format!("{col}:e13"),
            format!("{col}:e14"),
            format!("{col}:e15")
        ]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_malformed_cursor_or_date_is_bad_user_input_naming_the_argument() {
    let app = seeded().await;
    let r = app
        .gql(
            r#"{ events(after: "not-a-cursor") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error(&r),
        ("BAD_USER_INPUT".into(), Some("after".into()))
    );
    let r = app
        .gql(
            r#"{ events(filter: {date: {from: "2025-13-01"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error(&r),
        ("BAD_USER_INPUT".into(), Some("filter.date.from".into()))
    );
    let r = app
        .gql(
            r#"{ events(filter: {date: {from: "2025-02-01", to: "2025-01-01"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error(&r),
        ("BAD_USER_INPUT".into(), Some("filter.date.to".into()))
    );
    let r = app
        .gql(r#"{ events(first: 5, last: 5) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(crate::helpers::first_error(&r).0, "BAD_USER_INPUT");
}

/// The most statements [`DEEP`] may cost, whatever the number of results (see the test below).
const DEEP_STATEMENTS: u64 = 14;

/// The nested query an investigator's graph view would send: events → participants → actor → that
/// actor's other events → their places, counts → claims → sources.
const DEEP: &str = r#"query($c: [ID!], $first: Int) { events(collections: $c, first: $first) { edges { node {
    title place { name parent { name } }
    participants { role actor { name events { title place { name } } } }
    counts { value claims { status source { title publisher { name } } } }
    claims { status source { title } }
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
    // At most one statement per (level, relationship) of the query, never one per result. DEEP has
    // 14 such: the list itself, then event → place → parent, event → participants → actor →
    // participations → events → place, event → counts → claims → source → publisher, and
    // event → claims → source. Loads of one relationship at two levels may share a statement, so
    // fewer is fine; an N+1 would cost hundreds of statements for 40 events.
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
