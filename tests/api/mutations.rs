//! Every mutation against the real Neo4j: upserts, patches, deletes, links, claims, merges; the errors
//! of bad input (code and field); atomicity; and user text that must reach Cypher only as parameters.
//!
//! Each test writes only into its own collection (`app.collection`) and ids prefixed by it.

use serde_json::{json, Value};

use crate::helpers::{first_error, TestApp};

// ---------------------------------------------------------------------------------------------
// What the tests select of each kind of node.

const ACTOR: &str = "id collection kind name aliases description memberOf { id } answersTo { id }";
const PLACE: &str =
    "id collection kind name aliases description location { latitude longitude } precision parent { id }";
const DATE: &str = "edtf earliest latest precision approximate uncertain inferred basis";
const CLAIM_BRIEF: &str = "id status excerpt note source { id }";

fn selection(kind: &str) -> String {
    match kind {
        "Collection" => "id name description".into(),
        "Term" => "id collection vocabulary key label description".into(),
        "Actor" => ACTOR.into(),
        "Place" => PLACE.into(),
        "Source" => format!(
            "id collection kind title url language published {{ {DATE} }} publisher {{ id }} \
             cites {{ excerpt source {{ id }} }}"
        ),
        "Event" => format!(
            "id collection type title description date {{ {DATE} }} place {{ id }} partOf {{ id }} \
             followedBy {{ id }} ledTo {{ id }} claims {{ {CLAIM_BRIEF} }}"
        ),
        "Participation" => {
            format!("id collection role description actor {{ id }} event {{ id }} claims {{ {CLAIM_BRIEF} }}")
        }
        "Count" => format!(
            "id collection subject value qualifier lower upper unit subgroup wording event {{ id }} \
             partOf {{ id }} claims {{ {CLAIM_BRIEF} }}"
        ),
        "Claim" => "id collection status excerpt note createdAt source { id } \
                    subject { __typename ... on Event { id } ... on Participation { id } ... on Count { id } }"
            .into(),
        other => panic!("no selection for {other}"),
    }
}

/// The mutation that writes one node of `kind` from `$input`.
fn upsert_mutation(kind: &str) -> String {
    let (name, input) = match kind {
        "Claim" => ("addClaim".to_string(), "ClaimInput".to_string()),
        k => (format!("upsert{k}"), format!("{k}Input")),
    };
    format!(
        "mutation($input: {input}!) {{ {name}(input: $input) {{ {} }} }}",
        selection(kind)
    )
}

fn mutation_name(kind: &str) -> String {
    match kind {
        "Claim" => "addClaim".into(),
        k => format!("upsert{k}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/// A node id inside this test's collection.
fn id(app: &TestApp, local: &str) -> String {
    format!("{}:{local}", app.collection)
}

/// A test app whose collection exists, with event types `raid`, `detention` and roles
/// `perpetrator`, `target`.
async fn setup() -> TestApp {
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
async fn upsert(app: &TestApp, kind: &str, input: Value) -> Value {
    let data = app
        .data(&upsert_mutation(kind), json!({ "input": input }))
        .await;
    data[mutation_name(kind)].clone()
}

/// Tries to write one node; returns the error's code and field.
async fn upsert_error(app: &TestApp, kind: &str, input: Value) -> (String, Option<String>) {
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
fn update_mutation(kind: &str) -> String {
    format!(
        "mutation($id: ID!, $patch: {kind}Patch!) {{ update{kind}(id: $id, patch: $patch) {{ {} }} }}",
        selection(kind)
    )
}

/// Patches one node and returns what the mutation returned; fails the test on any error.
async fn update(app: &TestApp, kind: &str, id: &str, patch: Value) -> Value {
    let data = app
        .data(&update_mutation(kind), json!({"id": id, "patch": patch}))
        .await;
    data[format!("update{kind}")].clone()
}

/// Tries to patch one node; returns the error's code and field.
async fn update_error(
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

fn err(code: &str, field: &str) -> (String, Option<String>) {
    (code.to_string(), Some(field.to_string()))
}

/// Reads a node back through `node(id:)` with the same selection the mutations return.
async fn read(app: &TestApp, kind: &str, id: &str) -> Value {
    let q = format!(
        "query($id: ID!) {{ node(id: $id) {{ __typename ... on {kind} {{ {} }} }} }}",
        selection(kind)
    );
    let mut node = app.data(&q, json!({ "id": id })).await["node"].clone();
    assert_eq!(node["__typename"], kind, "{id} is not a {kind}: {node:#}");
    node.as_object_mut().unwrap().remove("__typename");
    node
}

/// Runs any query with `$id` and returns `data.node`.
async fn node_with(app: &TestApp, id: &str, selection: &str) -> Value {
    let q = format!("query($id: ID!) {{ node(id: $id) {{ {selection} }} }}");
    app.data(&q, json!({ "id": id })).await["node"].clone()
}

async fn exists(app: &TestApp, id: &str) -> bool {
    !node_with(app, id, "id").await.is_null()
}

/// `totalCount` of one list (`events`, `actors`, `places`, `sources`, `counts`, `claims`) in `collection`.
async fn total_in(app: &TestApp, list: &str, collection: &str) -> i64 {
    let q = format!("query($c: [ID!]) {{ {list}(collections: $c) {{ totalCount }} }}");
    app.data(&q, json!({ "c": [collection] })).await[list]["totalCount"]
        .as_i64()
        .unwrap()
}

async fn total(app: &TestApp, list: &str) -> i64 {
    total_in(app, list, &app.collection).await
}

/// The ids in a list of `{ id }` objects, sorted.
fn ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list:#}"))
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn delete(app: &TestApp, kind: &str, id: &str) -> Value {
    let q = format!("mutation($id: ID!) {{ delete{kind}(id: $id) {{ id deletedNodes }} }}");
    app.data(&q, json!({ "id": id })).await[format!("delete{kind}")].clone()
}

async fn delete_error(app: &TestApp, kind: &str, id: &str) -> (String, Option<String>) {
    let q = format!("mutation($id: ID!) {{ delete{kind}(id: $id) {{ id deletedNodes }} }}");
    first_error(&app.gql(&q, json!({ "id": id })).await)
}

const LINK: &str = "mutation($r: Relation!, $from: ID!, $to: ID!, $excerpt: String) { \
                    link(relation: $r, from: $from, to: $to, excerpt: $excerpt) { changed } }";
const UNLINK: &str =
    "mutation($r: Relation!, $from: ID!, $to: ID!) { unlink(relation: $r, from: $from, to: $to) { changed } }";

async fn link(app: &TestApp, relation: &str, from: &str, to: &str) -> bool {
    app.data(LINK, json!({"r": relation, "from": from, "to": to}))
        .await["link"]["changed"]
        .as_bool()
        .unwrap()
}

async fn link_error(
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

async fn unlink(app: &TestApp, relation: &str, from: &str, to: &str) -> bool {
    app.data(UNLINK, json!({"r": relation, "from": from, "to": to}))
        .await["unlink"]["changed"]
        .as_bool()
        .unwrap()
}

const RATE: &str = "mutation($id: ID!, $status: ClaimStatus!, $note: String) { \
                    rateClaim(id: $id, status: $status, note: $note) { id status note excerpt createdAt source { id } } }";

// Minimal nodes, each with a caller-supplied id; every helper returns the id.

async fn actor(app: &TestApp, local: &str, name: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Actor",
        json!({"id": id, "collection": app.collection, "kind": "STATE_BODY", "name": name}),
    )
    .await;
    id
}

async fn place(app: &TestApp, local: &str, name: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Place",
        json!({"id": id, "collection": app.collection, "kind": "CITY", "name": name, "precision": "CITY"}),
    )
    .await;
    id
}

async fn source(app: &TestApp, local: &str, title: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Source",
        json!({"id": id, "collection": app.collection, "kind": "NEWS_REPORT", "title": title}),
    )
    .await;
    id
}

async fn event(app: &TestApp, local: &str, title: &str) -> String {
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

async fn participation(app: &TestApp, local: &str, event: &str, actor: &str, role: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Participation",
        json!({"id": id, "collection": app.collection, "event": event, "actor": actor, "role": role}),
    )
    .await;
    id
}

async fn count(app: &TestApp, local: &str, event: &str, value: i64) -> String {
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

async fn claim(app: &TestApp, local: &str, about: &str, source: &str, status: &str) -> String {
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

// ---------------------------------------------------------------------------------------------
// Collections and terms

#[tokio::test]
async fn upserting_a_collection_creates_it_and_upserting_it_again_updates_it() {
    let app = TestApp::spawn().await;
    let first = upsert(
        &app,
        "Collection",
        json!({"id": app.collection, "name": "First name", "description": "what it holds"}),
    )
    .await;
    let expected =
        json!({"id": app.collection, "name": "First name", "description": "what it holds"});
    assert_eq!(first, expected);
    assert_eq!(read(&app, "Collection", &app.collection).await, expected);

    let second = upsert(
        &app,
        "Collection",
        json!({"id": app.collection, "name": "Second name"}),
    )
    .await;
    let expected = json!({"id": app.collection, "name": "Second name", "description": null});
    assert_eq!(second, expected);
    assert_eq!(read(&app, "Collection", &app.collection).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_collection_removes_every_node_in_it() {
    let app = setup().await;
    let a = actor(&app, "a", "Police").await;
    let p = place(&app, "p", "St Petersburg").await;
    let s = source(&app, "s", "Report").await;
    let e = event(&app, "e", "Raid").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let c = count(&app, "c", &e, 3).await;
    let cl = claim(&app, "cl", &c, &s, "REPORTED").await;
    let raid_term = format!("{}:term:event_type:raid", app.collection);

    let deleted = delete(&app, "Collection", &app.collection).await;
    // The collection, 4 terms, and the 7 nodes above.
    assert_eq!(deleted, json!({"id": app.collection, "deletedNodes": 12}));
    for id in [&app.collection, &raid_term, &a, &p, &s, &e, &pa, &c, &cl] {
        assert!(!exists(&app, id).await, "{id} survived its collection");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn upserting_a_term_derives_its_id_and_upserting_it_again_updates_its_label() {
    let app = setup().await;
    let term_id = format!("{}:term:event_type:house_search", app.collection);
    let t = upsert(
        &app,
        "Term",
        json!({"collection": app.collection, "vocabulary": "EVENT_TYPE", "key": "house_search",
               "label": "House search"}),
    )
    .await;
    let expected = json!({"id": term_id, "collection": app.collection, "vocabulary": "EVENT_TYPE",
                          "key": "house_search", "label": "House search", "description": null});
    assert_eq!(t, expected);
    assert_eq!(read(&app, "Term", &term_id).await, expected);

    let t = upsert(
        &app,
        "Term",
        json!({"collection": app.collection, "vocabulary": "EVENT_TYPE", "key": "house_search",
               "label": "Search of a home", "description": "Police search a flat"}),
    )
    .await;
    assert_eq!(t["id"], term_id);
    assert_eq!(t["label"], "Search of a home");
    assert_eq!(t["description"], "Police search a flat");
    let terms = app
        .data(
            "query($c: [ID!]) { terms(collections: $c, vocabulary: EVENT_TYPE) { nodes { key label } } }",
            json!({"c": [app.collection]}),
        )
        .await;
    // Sorted by key by the server.
    let terms = terms["terms"]["nodes"].as_array().unwrap().clone();
    assert_eq!(
        terms,
        vec![
            json!({"key": "detention", "label": "detention"}),
            json!({"key": "house_search", "label": "Search of a home"}),
            json!({"key": "raid", "label": "raid"})
        ]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_an_unused_term_removes_it() {
    let app = setup().await;
    let term_id = format!("{}:term:participant_role:target", app.collection);
    assert_eq!(
        delete(&app, "Term", &term_id).await,
        json!({"id": term_id, "deletedNodes": 1})
    );
    assert!(!exists(&app, &term_id).await);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_term_still_in_use_is_a_conflict_and_keeps_the_term() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let raid = format!("{}:term:event_type:raid", app.collection);
    let perpetrator = format!("{}:term:participant_role:perpetrator", app.collection);

    assert_eq!(
        delete_error(&app, "Term", &raid).await,
        err("CONFLICT", "id")
    );
    assert_eq!(
        delete_error(&app, "Term", &perpetrator).await,
        err("CONFLICT", "id")
    );
    assert!(exists(&app, &raid).await);
    assert!(exists(&app, &perpetrator).await);

    // Once nothing uses the role, it can go.
    delete(&app, "Participation", &pa).await;
    assert_eq!(delete(&app, "Term", &perpetrator).await["deletedNodes"], 1);
    assert!(!exists(&app, &perpetrator).await);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Actors

#[tokio::test]
async fn upserting_an_actor_returns_it_with_its_relations_and_node_reads_the_same_back() {
    let app = setup().await;
    let ministry = actor(&app, "ministry", "Ministry of the Interior").await;
    let government = actor(&app, "government", "Government").await;
    let a = id(&app, "press-service");
    let written = upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": app.collection, "kind": "STATE_UNIT", "name": "Press service",
               "aliases": ["PS", "Пресс-служба"], "description": "speaks for the ministry",
               "memberOf": [ministry], "answersTo": [government]}),
    )
    .await;
    let expected = json!({"id": a, "collection": app.collection, "kind": "STATE_UNIT",
        "name": "Press service", "aliases": ["PS", "Пресс-служба"], "description": "speaks for the ministry",
        "memberOf": [{"id": ministry}], "answersTo": [{"id": government}]});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Actor", &a).await, expected);
    let members = node_with(&app, &ministry, "... on Actor { members { id } }").await;
    assert_eq!(ids(&members["members"]), vec![a.clone()]);

    // Upserting replaces every field and relation: what is left out is gone.
    let replaced = upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": app.collection, "kind": "STATE_UNIT", "name": "Press service"}),
    )
    .await;
    assert_eq!(replaced["aliases"], json!([]));
    assert_eq!(replaced["description"], Value::Null);
    assert_eq!(replaced["memberOf"], json!([]));
    assert_eq!(replaced["answersTo"], json!([]));
    assert_eq!(total(&app, "actors").await, 3);
    app.cleanup().await;
}

#[tokio::test]
async fn updating_an_actor_changes_only_the_given_fields() {
    let app = setup().await;
    let ministry = actor(&app, "ministry", "Ministry").await;
    let court = actor(&app, "court", "Court").await;
    let government = actor(&app, "government", "Government").await;
    let a = id(&app, "unit");
    let before = upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": app.collection, "kind": "STATE_UNIT", "name": "Unit",
               "aliases": ["U"], "description": "a unit", "memberOf": [ministry], "answersTo": [government]}),
    )
    .await;
    let q = format!("mutation($id: ID!, $patch: ActorPatch!) {{ updateActor(id: $id, patch: $patch) {{ {ACTOR} }} }}");

    let after = app
        .data(&q, json!({"id": a, "patch": {"name": "Renamed unit"}}))
        .await["updateActor"]
        .clone();
    let mut expected = before.clone();
    expected["name"] = json!("Renamed unit");
    assert_eq!(after, expected);

    let after = app
        .data(
            &q,
            json!({"id": a, "patch": {"memberOf": [court], "kind": "STATE_BODY"}}),
        )
        .await["updateActor"]
        .clone();
    expected["memberOf"] = json!([{"id": court}]);
    expected["kind"] = json!("STATE_BODY");
    assert_eq!(after, expected);

    let after = app
        .data(
            &q,
            json!({"id": a, "patch": {"aliases": ["Unit 7", "У7"], "description": "renamed"}}),
        )
        .await["updateActor"]
        .clone();
    expected["aliases"] = json!(["Unit 7", "У7"]);
    expected["description"] = json!("renamed");
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Actor", &a).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_an_actor_removes_its_participations_and_the_claims_about_them() {
    let app = setup().await;
    let a = actor(&app, "a", "Police").await;
    let other = actor(&app, "other", "Migrants").await;
    let outlet = actor(&app, "outlet", "Fontanka").await;
    let s = id(&app, "s");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Report", "publisher": outlet}),
    )
    .await;
    let e = event(&app, "e", "Raid").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let kept = participation(&app, "kept", &e, &other, "target").await;
    let cl = claim(&app, "cl", &pa, &s, "REPORTED").await;
    let kept_claim = claim(&app, "kept-claim", &kept, &s, "REPORTED").await;

    assert_eq!(
        delete(&app, "Actor", &a).await,
        json!({"id": a, "deletedNodes": 3})
    );
    for gone in [&a, &pa, &cl] {
        assert!(!exists(&app, gone).await, "{gone} survived");
    }
    for stays in [&e, &other, &kept, &kept_claim, &s] {
        assert!(exists(&app, stays).await, "{stays} went too");
    }
    let participants = node_with(&app, &e, "... on Event { participants { id } }").await;
    assert_eq!(ids(&participants["participants"]), vec![kept.clone()]);
    assert_eq!(total(&app, "claims").await, 1);

    // Deleting a publisher leaves its sources without one.
    delete(&app, "Actor", &outlet).await;
    assert_eq!(read(&app, "Source", &s).await["publisher"], Value::Null);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Places

#[tokio::test]
async fn upserting_a_place_returns_it_with_location_and_parent_and_node_reads_the_same_back() {
    let app = setup().await;
    let russia = place(&app, "russia", "Russia").await;
    let p = id(&app, "spb");
    let written = upsert(
        &app,
        "Place",
        json!({"id": p, "collection": app.collection, "kind": "CITY", "name": "St Petersburg",
               "aliases": ["Санкт-Петербург", "Piter"], "description": "a city", "within": russia,
               "location": {"latitude": 59.9375, "longitude": 30.3086}, "precision": "CITY"}),
    )
    .await;
    let expected = json!({"id": p, "collection": app.collection, "kind": "CITY", "name": "St Petersburg",
        "aliases": ["Санкт-Петербург", "Piter"], "description": "a city",
        "location": {"latitude": 59.9375, "longitude": 30.3086}, "precision": "CITY",
        "parent": {"id": russia}});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Place", &p).await, expected);
    let children = node_with(&app, &russia, "... on Place { children { id } }").await;
    assert_eq!(ids(&children["children"]), vec![p.clone()]);

    let replaced = upsert(
        &app,
        "Place",
        json!({"id": p, "collection": app.collection, "kind": "CITY", "name": "St Petersburg", "precision": "UNKNOWN"}),
    )
    .await;
    assert_eq!(replaced["location"], Value::Null);
    assert_eq!(replaced["parent"], Value::Null);
    assert_eq!(replaced["aliases"], json!([]));
    assert_eq!(replaced["precision"], "UNKNOWN");
    app.cleanup().await;
}

#[tokio::test]
async fn updating_a_place_changes_only_the_given_fields() {
    let app = setup().await;
    let russia = place(&app, "russia", "Russia").await;
    let region = place(&app, "region", "Leningrad oblast").await;
    let p = id(&app, "station");
    let before = upsert(
        &app,
        "Place",
        json!({"id": p, "collection": app.collection, "kind": "FACILITY", "name": "Police station",
               "aliases": ["Station 1"], "description": "on Nevsky", "within": russia,
               "location": {"latitude": 59.9, "longitude": 30.3}, "precision": "APPROXIMATE"}),
    )
    .await;
    let q = format!("mutation($id: ID!, $patch: PlacePatch!) {{ updatePlace(id: $id, patch: $patch) {{ {PLACE} }} }}");

    let after = app
        .data(
            &q,
            json!({"id": p, "patch": {"name": "Police station no. 1"}}),
        )
        .await["updatePlace"]
        .clone();
    let mut expected = before.clone();
    expected["name"] = json!("Police station no. 1");
    assert_eq!(after, expected);

    let after = app
        .data(
            &q,
            json!({"id": p, "patch": {"within": region, "precision": "EXACT",
                   "location": {"latitude": -33.5, "longitude": -70.25}}}),
        )
        .await["updatePlace"]
        .clone();
    expected["parent"] = json!({"id": region});
    expected["precision"] = json!("EXACT");
    expected["location"] = json!({"latitude": -33.5, "longitude": -70.25});
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Place", &p).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_place_leaves_its_events_and_sub_places_without_it() {
    let app = setup().await;
    let city = place(&app, "city", "City").await;
    let district = id(&app, "district");
    upsert(
        &app,
        "Place",
        json!({"id": district, "collection": app.collection, "kind": "DISTRICT", "name": "District",
               "within": city, "precision": "DISTRICT"}),
    )
    .await;
    let e = id(&app, "e");
    upsert(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raid",
               "date": {"edtf": "2025-01"}, "place": city}),
    )
    .await;

    assert_eq!(
        delete(&app, "Place", &city).await,
        json!({"id": city, "deletedNodes": 1})
    );
    assert!(!exists(&app, &city).await);
    assert_eq!(read(&app, "Event", &e).await["place"], Value::Null);
    assert_eq!(read(&app, "Place", &district).await["parent"], Value::Null);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Sources

#[tokio::test]
async fn upserting_a_source_returns_it_with_publisher_citations_and_date_and_node_reads_the_same_back(
) {
    let app = setup().await;
    let outlet = actor(&app, "meduza", "Meduza").await;
    let fontanka = source(&app, "fontanka", "Fontanka report").await;
    let s = id(&app, "meduza-report");
    let written = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Meduza report",
               "url": "https://meduza.io/news/2025/01/02/raids", "language": "ru",
               "published": {"edtf": "2025-01-02"}, "publisher": outlet,
               "cites": [{"source": fontanka, "excerpt": "as Fontanka reported"}]}),
    )
    .await;
    let expected = json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Meduza report",
        "url": "https://meduza.io/news/2025/01/02/raids", "language": "ru",
        "published": {"edtf": "2025-01-02", "earliest": "2025-01-02", "latest": "2025-01-02", "precision": "DAY",
                      "approximate": false, "uncertain": false, "inferred": false, "basis": null},
        "publisher": {"id": outlet}, "cites": [{"excerpt": "as Fontanka reported", "source": {"id": fontanka}}]});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Source", &s).await, expected);
    let back = node_with(
        &app,
        &fontanka,
        "... on Source { citedBy { excerpt source { id } } }",
    )
    .await;
    assert_eq!(
        back["citedBy"],
        json!([{"excerpt": "as Fontanka reported", "source": {"id": s}}])
    );
    let publications = node_with(&app, &outlet, "... on Actor { publications { id } }").await;
    assert_eq!(ids(&publications["publications"]), vec![s.clone()]);

    let replaced = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "DOCUMENT", "title": "Meduza report"}),
    )
    .await;
    assert_eq!(replaced["kind"], "DOCUMENT");
    assert_eq!(replaced["url"], Value::Null);
    assert_eq!(replaced["published"], Value::Null);
    assert_eq!(replaced["publisher"], Value::Null);
    assert_eq!(replaced["cites"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn updating_a_source_changes_only_the_given_fields_and_its_relations_only_when_given() {
    let app = setup().await;
    let meduza = actor(&app, "meduza", "Meduza").await;
    let agency = actor(&app, "agency", "News agency").await;
    let fontanka = source(&app, "fontanka", "Fontanka report").await;
    let rbc = source(&app, "rbc", "RBC report").await;
    let s = id(&app, "s");
    let before = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Meduza report",
               "url": "https://meduza.io/news/2025/01/02/raids", "language": "ru",
               "published": {"edtf": "2025-01-02"}, "publisher": meduza,
               "cites": [{"source": fontanka, "excerpt": "as Fontanka reported"}]}),
    )
    .await;

    let after = update(
        &app,
        "Source",
        &s,
        json!({"title": "Raids in St Petersburg"}),
    )
    .await;
    let mut expected = before.clone();
    expected["title"] = json!("Raids in St Petersburg");
    assert_eq!(after, expected);

    // Fields and the publisher change; the citations, not given, stay.
    let after = update(
        &app,
        "Source",
        &s,
        json!({"kind": "DOCUMENT", "url": "https://meduza.io/en/news/raids", "publisher": agency,
               "published": {"edtf": "2025-01~"}}),
    )
    .await;
    expected["kind"] = json!("DOCUMENT");
    expected["url"] = json!("https://meduza.io/en/news/raids");
    expected["publisher"] = json!({"id": agency});
    expected["published"] = json!({"edtf": "2025-01~", "earliest": "2025-01-01", "latest": "2025-01-31",
        "precision": "MONTH", "approximate": true, "uncertain": false, "inferred": false, "basis": null});
    assert_eq!(after, expected);

    // The citations are replaced as a whole; `""` removes the language; the publisher stays.
    let after = update(
        &app,
        "Source",
        &s,
        json!({"cites": [{"source": rbc, "excerpt": "RBC wrote"}], "language": ""}),
    )
    .await;
    expected["cites"] = json!([{"excerpt": "RBC wrote", "source": {"id": rbc}}]);
    expected["language"] = Value::Null;
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Source", &s).await, expected);
    let old = node_with(
        &app,
        &fontanka,
        "... on Source { citedBy { source { id } } }",
    )
    .await;
    assert_eq!(old["citedBy"], json!([]));
    let publications = node_with(&app, &meduza, "... on Actor { publications { id } }").await;
    assert_eq!(publications["publications"], json!([]));

    let after = update(&app, "Source", &s, json!({"cites": []})).await;
    expected["cites"] = json!([]);
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Source", &s).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_source_no_claim_cites_removes_it_and_its_citations() {
    let app = setup().await;
    let cited = source(&app, "cited", "Cited").await;
    let s = id(&app, "s");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Citing",
               "cites": [{"source": cited}]}),
    )
    .await;
    assert_eq!(
        delete(&app, "Source", &s).await,
        json!({"id": s, "deletedNodes": 1})
    );
    assert!(!exists(&app, &s).await);
    assert_eq!(read(&app, "Source", &cited).await["cites"], json!([]));
    let back = node_with(&app, &cited, "... on Source { citedBy { source { id } } }").await;
    assert_eq!(back["citedBy"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_source_still_cited_by_a_claim_is_a_conflict_and_changes_nothing() {
    let app = setup().await;
    let s = source(&app, "s", "Report").await;
    let e = event(&app, "e", "Raid").await;
    let cl = claim(&app, "cl", &e, &s, "RETRACTED").await;

    assert_eq!(
        delete_error(&app, "Source", &s).await,
        err("CONFLICT", "id")
    );
    assert!(exists(&app, &s).await);
    let c = read(&app, "Claim", &cl).await;
    assert_eq!(c["source"], json!({"id": s}));
    assert_eq!(total(&app, "claims").await, 1);

    // After the claim goes, so can the source.
    delete(&app, "Claim", &cl).await;
    assert_eq!(delete(&app, "Source", &s).await["deletedNodes"], 1);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Events

#[tokio::test]
async fn upserting_an_event_returns_it_with_place_relations_and_claims_and_node_reads_the_same_back(
) {
    let app = setup().await;
    let p = place(&app, "spb", "St Petersburg").await;
    let big = event(&app, "big", "Crackdown").await;
    let next = event(&app, "next", "Detentions").await;
    let later = event(&app, "later", "Deportations").await;
    let s = source(&app, "s", "Report").await;
    let e = id(&app, "raids");
    let cl = id(&app, "raids-claim");
    let written = upsert(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raids on markets",
               "description": "police raided markets",
               "date": {"edtf": "2024-12-31/2025-01-01", "inferred": true, "basis": "the report's date"},
               "place": p, "partOf": [big], "followedBy": [next], "ledTo": [later],
               "claims": [{"id": cl, "source": s, "excerpt": "raids took place", "status": "REPORTED",
                           "note": "first report"}]}),
    )
    .await;
    let expected = json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raids on markets",
        "description": "police raided markets",
        "date": {"edtf": "2024-12-31/2025-01-01", "earliest": "2024-12-31", "latest": "2025-01-01",
                 "precision": "INTERVAL", "approximate": false, "uncertain": false, "inferred": true,
                 "basis": "the report's date"},
        "place": {"id": p}, "partOf": [{"id": big}], "followedBy": [{"id": next}], "ledTo": [{"id": later}],
        "claims": [{"id": cl, "status": "REPORTED", "excerpt": "raids took place", "note": "first report",
                    "source": {"id": s}}]});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Event", &e).await, expected);
    let c = read(&app, "Claim", &cl).await;
    assert_eq!(c["subject"], json!({"__typename": "Event", "id": e}));
    // The other ends see the relations too.
    let back = node_with(&app, &big, "... on Event { parts { id } }").await;
    assert_eq!(ids(&back["parts"]), vec![e.clone()]);
    let back = node_with(&app, &next, "... on Event { precededBy { id } }").await;
    assert_eq!(ids(&back["precededBy"]), vec![e.clone()]);
    let back = node_with(&app, &later, "... on Event { causedBy { id } }").await;
    assert_eq!(ids(&back["causedBy"]), vec![e.clone()]);
    let back = node_with(&app, &p, "... on Place { events { id } }").await;
    assert_eq!(ids(&back["events"]), vec![e.clone()]);

    // An approximate, uncertain, open-ended date keeps its flags.
    let d = upsert(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "detention", "title": "Raids on markets",
               "date": {"edtf": "../2025-01~"}}),
    )
    .await;
    assert_eq!(d["type"], "detention");
    assert_eq!(d["date"]["precision"], "OPEN");
    assert_eq!(d["date"]["earliest"], Value::Null);
    assert_eq!(d["date"]["latest"], "2025-01-31");
    assert_eq!(d["date"]["approximate"], true);
    assert_eq!(d["place"], Value::Null);
    assert_eq!(d["partOf"], json!([]));
    // Claims are added or updated by an upsert, never dropped by it.
    assert_eq!(ids(&d["claims"]), vec![cl.clone()]);
    app.cleanup().await;
}

#[tokio::test]
async fn updating_an_event_changes_only_the_given_fields() {
    let app = setup().await;
    let p = place(&app, "p", "City").await;
    let p2 = place(&app, "p2", "Other city").await;
    let big = event(&app, "big", "Crackdown").await;
    let next = event(&app, "next", "Next").await;
    let s = source(&app, "s", "Report").await;
    let e = id(&app, "e");
    let before = upsert(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raid",
               "description": "what happened", "date": {"edtf": "2025-01~"},
               "place": p, "partOf": [big], "followedBy": [next],
               "claims": [{"id": id(&app, "cl"), "source": s, "status": "REPORTED"}]}),
    )
    .await;
    let q = format!(
        "mutation($id: ID!, $patch: EventPatch!) {{ updateEvent(id: $id, patch: $patch) {{ {} }} }}",
        selection("Event")
    );

    let after = app
        .data(
            &q,
            json!({"id": e, "patch": {"title": "Raid on the market"}}),
        )
        .await["updateEvent"]
        .clone();
    let mut expected = before.clone();
    expected["title"] = json!("Raid on the market");
    assert_eq!(after, expected);

    let after = app
        .data(
            &q,
            json!({"id": e, "patch": {"date": {"edtf": "2025-01-02"}, "type": "detention", "place": p2,
                   "ledTo": [next], "followedBy": []}}),
        )
        .await["updateEvent"]
        .clone();
    expected["date"] = json!({"edtf": "2025-01-02", "earliest": "2025-01-02", "latest": "2025-01-02",
        "precision": "DAY", "approximate": false, "uncertain": false, "inferred": false, "basis": null});
    expected["type"] = json!("detention");
    expected["place"] = json!({"id": p2});
    expected["ledTo"] = json!([{"id": next}]);
    expected["followedBy"] = json!([]);
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Event", &e).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_an_event_removes_its_participations_counts_and_every_claim_about_them() {
    let app = setup().await;
    let s = source(&app, "s", "Report").await;
    let a = actor(&app, "a", "Police").await;
    let e = event(&app, "e", "Raid").await;
    let other = event(&app, "other", "Other raid").await;
    upsert(
        &app,
        "Event",
        json!({"id": other, "collection": app.collection, "type": "raid", "title": "Other raid",
               "date": {"edtf": "2025-01-01"}, "partOf": [e]}),
    )
    .await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let total_count = count(&app, "total", &e, 31).await;
    let part = id(&app, "part");
    upsert(
        &app,
        "Count",
        json!({"id": part, "collection": app.collection, "event": e, "subject": "people released",
               "value": 2, "qualifier": "EXACT", "partOf": total_count}),
    )
    .await;
    let claims = [
        claim(&app, "c-event", &e, &s, "REPORTED").await,
        claim(&app, "c-pa", &pa, &s, "REPORTED").await,
        claim(&app, "c-total", &total_count, &s, "REPORTED").await,
        claim(&app, "c-part", &part, &s, "UNCONFIRMED").await,
    ];
    let kept_claim = claim(&app, "c-other", &other, &s, "REPORTED").await;
    assert_eq!(total(&app, "claims").await, 5);

    // The event, a participation, two counts and four claims.
    assert_eq!(
        delete(&app, "Event", &e).await,
        json!({"id": e, "deletedNodes": 8})
    );
    for gone in [&e, &pa, &total_count, &part]
        .into_iter()
        .chain(claims.iter())
    {
        assert!(!exists(&app, gone).await, "{gone} survived its event");
    }
    assert_eq!(total(&app, "claims").await, 1);
    assert_eq!(total(&app, "counts").await, 0);
    assert!(exists(&app, &kept_claim).await);
    assert!(exists(&app, &a).await);
    assert!(exists(&app, &s).await);
    // No relation points at what is gone.
    assert_eq!(read(&app, "Event", &other).await["partOf"], json!([]));
    let rest = node_with(&app, &a, "... on Actor { participations { id } }").await;
    assert_eq!(rest["participations"], json!([]));
    let rest = node_with(&app, &s, "... on Source { claims { id } }").await;
    assert_eq!(ids(&rest["claims"]), vec![kept_claim.clone()]);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Participations and counts

#[tokio::test]
async fn upserting_a_participation_links_actor_and_event_and_upserting_it_again_moves_it() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let police = actor(&app, "police", "Police").await;
    let fms = actor(&app, "fms", "Migration service").await;
    let s = source(&app, "s", "Report").await;
    let pa = id(&app, "pa");
    let cl = id(&app, "pa-claim");
    let written = upsert(
        &app,
        "Participation",
        json!({"id": pa, "collection": app.collection, "event": e, "actor": police, "role": "perpetrator",
               "description": "carried out the raid",
               "claims": [{"id": cl, "source": s, "status": "OFFICIAL_STATEMENT", "excerpt": "police said"}]}),
    )
    .await;
    let expected = json!({"id": pa, "collection": app.collection, "role": "perpetrator",
        "description": "carried out the raid", "actor": {"id": police}, "event": {"id": e},
        "claims": [{"id": cl, "status": "OFFICIAL_STATEMENT", "excerpt": "police said", "note": null,
                    "source": {"id": s}}]});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Participation", &pa).await, expected);
    let through = node_with(
        &app,
        &e,
        "... on Event { participants { id role actor { id name } } }",
    )
    .await;
    assert_eq!(
        through["participants"],
        json!([{"id": pa, "role": "perpetrator", "actor": {"id": police, "name": "Police"}}])
    );

    let moved = upsert(
        &app,
        "Participation",
        json!({"id": pa, "collection": app.collection, "event": e, "actor": fms, "role": "target"}),
    )
    .await;
    assert_eq!(moved["actor"], json!({"id": fms}));
    assert_eq!(moved["role"], "target");
    assert_eq!(moved["description"], Value::Null);
    assert_eq!(ids(&moved["claims"]), vec![cl.clone()]);
    let old = node_with(
        &app,
        &police,
        "... on Actor { participations { id } events { id } }",
    )
    .await;
    assert_eq!(old, json!({"participations": [], "events": []}));
    let new = node_with(
        &app,
        &fms,
        "... on Actor { events(role: \"target\") { id } }",
    )
    .await;
    assert_eq!(ids(&new["events"]), vec![e.clone()]);
    app.cleanup().await;
}

#[tokio::test]
async fn updating_a_participation_changes_only_the_given_fields_and_moves_it_only_when_asked() {
    let app = setup().await;
    let raid = event(&app, "raid", "Raid").await;
    let detention = event(&app, "detention", "Detention").await;
    let police = actor(&app, "police", "Police").await;
    let fms = actor(&app, "fms", "Migration service").await;
    let s = source(&app, "s", "Report").await;
    let pa = id(&app, "pa");
    let before = upsert(
        &app,
        "Participation",
        json!({"id": pa, "collection": app.collection, "event": raid, "actor": police, "role": "perpetrator",
               "description": "carried out the raid",
               "claims": [{"id": id(&app, "pa-claim"), "source": s, "status": "REPORTED"}]}),
    )
    .await;

    let after = update(
        &app,
        "Participation",
        &pa,
        json!({"description": "led the raid"}),
    )
    .await;
    let mut expected = before.clone();
    expected["description"] = json!("led the raid");
    assert_eq!(after, expected);

    let after = update(&app, "Participation", &pa, json!({"role": "target"})).await;
    expected["role"] = json!("target");
    assert_eq!(after, expected);

    // Moving to another actor keeps the event, and the other way round; the claims stay throughout.
    let after = update(&app, "Participation", &pa, json!({"actor": fms})).await;
    expected["actor"] = json!({"id": fms});
    assert_eq!(after, expected);
    let old = node_with(&app, &police, "... on Actor { participations { id } }").await;
    assert_eq!(old["participations"], json!([]));

    let after = update(
        &app,
        "Participation",
        &pa,
        json!({"event": detention, "description": ""}),
    )
    .await;
    expected["event"] = json!({"id": detention});
    expected["description"] = Value::Null;
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Participation", &pa).await, expected);
    let old = node_with(&app, &raid, "... on Event { participants { id } }").await;
    assert_eq!(old["participants"], json!([]));
    let new = node_with(&app, &detention, "... on Event { participants { id } }").await;
    assert_eq!(ids(&new["participants"]), vec![pa.clone()]);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_participation_removes_it_and_the_claims_about_it() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = source(&app, "s", "Report").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let c1 = claim(&app, "c1", &pa, &s, "REPORTED").await;
    let c2 = claim(&app, "c2", &pa, &s, "DISPUTED").await;
    let event_claim = claim(&app, "c3", &e, &s, "REPORTED").await;
    assert_eq!(
        delete(&app, "Participation", &pa).await,
        json!({"id": pa, "deletedNodes": 3})
    );
    for gone in [&pa, &c1, &c2] {
        assert!(!exists(&app, gone).await, "{gone} survived");
    }
    assert!(exists(&app, &event_claim).await);
    assert!(exists(&app, &e).await);
    assert!(exists(&app, &a).await);
    assert_eq!(total(&app, "claims").await, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn upserting_a_count_returns_the_figure_as_given_with_its_breakdown_and_claims() {
    let app = setup().await;
    let e = event(&app, "e", "Raids").await;
    let s = source(&app, "s", "Report").await;
    let detained = id(&app, "detained");
    let cl = id(&app, "detained-claim");
    let written = upsert(
        &app,
        "Count",
        json!({"id": detained, "collection": app.collection, "event": e, "subject": "people detained",
               "qualifier": "MORE_THAN", "lower": 3000, "wording": "more than 3,000",
               "claims": [{"id": cl, "source": s, "status": "UNCONFIRMED", "excerpt": "over 3,000"}]}),
    )
    .await;
    let expected = json!({"id": detained, "collection": app.collection, "subject": "people detained",
        "value": null, "qualifier": "MORE_THAN", "lower": 3000, "upper": null, "unit": "person",
        "subgroup": null, "wording": "more than 3,000", "event": {"id": e}, "partOf": null,
        "claims": [{"id": cl, "status": "UNCONFIRMED", "excerpt": "over 3,000", "note": null, "source": {"id": s}}]});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Count", &detained).await, expected);

    let women = id(&app, "women");
    let part = upsert(
        &app,
        "Count",
        json!({"id": women, "collection": app.collection, "event": e, "subject": "people detained",
               "value": 120, "qualifier": "ABOUT", "lower": 100, "upper": 150, "unit": "person",
               "subgroup": "women and children", "partOf": detained}),
    )
    .await;
    assert_eq!(part["partOf"], json!({"id": detained}));
    assert_eq!(part["subgroup"], "women and children");
    assert_eq!(
        (
            part["value"].clone(),
            part["lower"].clone(),
            part["upper"].clone()
        ),
        (json!(120), json!(100), json!(150))
    );
    let breakdown = node_with(&app, &detained, "... on Count { breakdown { id } }").await;
    assert_eq!(ids(&breakdown["breakdown"]), vec![women.clone()]);
    let counts = node_with(&app, &e, "... on Event { counts { id } }").await;
    assert_eq!(
        ids(&counts["counts"]),
        sorted(vec![detained.clone(), women.clone()])
    );
    app.cleanup().await;
}

#[tokio::test]
async fn updating_a_count_changes_only_the_given_fields_and_its_parent_only_when_given() {
    let app = setup().await;
    let e = event(&app, "e", "Raids").await;
    let s = source(&app, "s", "Report").await;
    let detained = count(&app, "detained", &e, 3000).await;
    let charged = count(&app, "charged", &e, 200).await;
    let c = id(&app, "women");
    let before = upsert(
        &app,
        "Count",
        json!({"id": c, "collection": app.collection, "event": e, "subject": "people detained",
               "value": 120, "qualifier": "ABOUT", "lower": 100, "upper": 150, "unit": "person",
               "subgroup": "women", "wording": "about 120", "partOf": detained,
               "claims": [{"id": id(&app, "women-claim"), "source": s, "status": "REPORTED"}]}),
    )
    .await;

    let after = update(&app, "Count", &c, json!({"subject": "people held"})).await;
    let mut expected = before.clone();
    expected["subject"] = json!("people held");
    assert_eq!(after, expected);

    // A value inside the stored bounds; the parent figure, not given, stays.
    let after = update(
        &app,
        "Count",
        &c,
        json!({"value": 140, "wording": "some 140"}),
    )
    .await;
    expected["value"] = json!(140);
    expected["wording"] = json!("some 140");
    assert_eq!(after, expected);

    let after = update(&app, "Count", &c, json!({"partOf": charged})).await;
    expected["partOf"] = json!({"id": charged});
    assert_eq!(after, expected);
    let breakdown = node_with(&app, &detained, "... on Count { breakdown { id } }").await;
    assert_eq!(breakdown["breakdown"], json!([]));

    // Null removes a number; `""` removes the sub-group; the event stays.
    let after = update(
        &app,
        "Count",
        &c,
        json!({"value": null, "upper": null, "qualifier": "MORE_THAN", "unit": "household",
               "subgroup": ""}),
    )
    .await;
    expected["value"] = Value::Null;
    expected["upper"] = Value::Null;
    expected["qualifier"] = json!("MORE_THAN");
    expected["unit"] = json!("household");
    expected["subgroup"] = Value::Null;
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Count", &c).await, expected);
    assert_eq!(expected["event"], json!({"id": e}));
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_count_removes_it_and_its_claims_and_leaves_its_breakdown_standing() {
    let app = setup().await;
    let e = event(&app, "e", "Raids").await;
    let s = source(&app, "s", "Report").await;
    let parent = count(&app, "parent", &e, 31).await;
    let child = id(&app, "child");
    upsert(
        &app,
        "Count",
        json!({"id": child, "collection": app.collection, "event": e, "subject": "released",
               "value": 2, "qualifier": "EXACT", "partOf": parent}),
    )
    .await;
    let c1 = claim(&app, "c1", &parent, &s, "REPORTED").await;
    let c2 = claim(&app, "c2", &child, &s, "REPORTED").await;
    assert_eq!(
        delete(&app, "Count", &parent).await,
        json!({"id": parent, "deletedNodes": 2})
    );
    assert!(!exists(&app, &parent).await);
    assert!(!exists(&app, &c1).await);
    assert!(exists(&app, &c2).await);
    assert_eq!(read(&app, "Count", &child).await["partOf"], Value::Null);
    assert_eq!(total(&app, "counts").await, 1);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Claims

#[tokio::test]
async fn adding_a_claim_creates_it_and_adding_it_again_by_id_updates_it() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let k = count(&app, "k", &e, 31).await;
    let s = source(&app, "s", "Report").await;
    let s2 = source(&app, "s2", "Other report").await;
    let cl = id(&app, "cl");
    let first = upsert(
        &app,
        "Claim",
        json!({"id": cl, "collection": app.collection, "about": e, "source": s, "status": "REPORTED",
               "excerpt": "a raid", "note": "entered from the report"}),
    )
    .await;
    assert_eq!(first["status"], "REPORTED");
    assert_eq!(first["excerpt"], "a raid");
    assert_eq!(first["note"], "entered from the report");
    assert_eq!(first["source"], json!({"id": s}));
    assert_eq!(first["subject"], json!({"__typename": "Event", "id": e}));
    assert!(first["createdAt"].as_str().is_some());
    assert_eq!(read(&app, "Claim", &cl).await, first);

    let second = upsert(
        &app,
        "Claim",
        json!({"id": cl, "collection": app.collection, "about": pa, "source": s2, "status": "CONFIRMED",
               "excerpt": "police raided"}),
    )
    .await;
    assert_eq!(second["id"], cl);
    assert_eq!(second["status"], "CONFIRMED");
    assert_eq!(second["source"], json!({"id": s2}));
    assert_eq!(
        second["subject"],
        json!({"__typename": "Participation", "id": pa})
    );
    assert_eq!(
        second["createdAt"], first["createdAt"],
        "an update is not a new claim"
    );
    assert_eq!(total(&app, "claims").await, 1);
    let on_event = node_with(&app, &e, "... on Event { claims { id } }").await;
    assert_eq!(
        on_event["claims"],
        json!([]),
        "the claim moved off the event"
    );

    let third = upsert(
        &app,
        "Claim",
        json!({"collection": app.collection, "about": k, "source": s, "status": "UNCONFIRMED"}),
    )
    .await;
    assert_eq!(third["subject"], json!({"__typename": "Count", "id": k}));
    assert_ne!(third["id"], cl, "a claim without an id gets a new one");
    assert_eq!(total(&app, "claims").await, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn re_rating_a_claim_keeps_it_and_a_retracted_claim_stays_visible_but_stops_counting_as_a_source(
) {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let s1 = source(&app, "s1", "Report one").await;
    let s2 = source(&app, "s2", "Report two").await;
    let c1 = claim(&app, "c1", &e, &s1, "REPORTED").await;
    let c2 = claim(&app, "c2", &e, &s2, "CONFIRMED").await;
    let provenance = "... on Event { claims { id status } provenance { claimCount standingClaimCount sourceCount confirmed statuses } }";
    let before = node_with(&app, &e, provenance).await;
    assert_eq!(before["provenance"]["sourceCount"], 2);
    assert_eq!(before["provenance"]["confirmed"], true);
    let created = read(&app, "Claim", &c2).await["createdAt"].clone();

    let rated = app
        .data(
            RATE,
            json!({"id": c2, "status": "RETRACTED", "note": "the outlet withdrew it"}),
        )
        .await["rateClaim"]
        .clone();
    assert_eq!(
        rated,
        json!({"id": c2, "status": "RETRACTED", "note": "the outlet withdrew it",
               "excerpt": "excerpt of c2", "createdAt": created, "source": {"id": s2}})
    );
    let after = node_with(&app, &e, provenance).await;
    assert_eq!(
        after["claims"],
        json!([{"id": c1, "status": "REPORTED"}, {"id": c2, "status": "RETRACTED"}]),
        "the retracted claim is still visible"
    );
    assert_eq!(after["provenance"]["claimCount"], 2);
    assert_eq!(after["provenance"]["standingClaimCount"], 1);
    assert_eq!(after["provenance"]["sourceCount"], 1);
    assert_eq!(after["provenance"]["confirmed"], false);
    let retracted = app
        .data(
            "query($c: [ID!]) { claims(collections: $c, filter: {status: [RETRACTED]}) { totalCount nodes { id } } }",
            json!({"c": [app.collection]}),
        )
        .await;
    assert_eq!(retracted["claims"]["totalCount"], 1);
    assert_eq!(ids(&retracted["claims"]["nodes"]), vec![c2.clone()]);

    // Re-rating again without a note keeps the note.
    let back = app
        .data(RATE, json!({"id": c2, "status": "CONFIRMED"}))
        .await["rateClaim"]
        .clone();
    assert_eq!(back["status"], "CONFIRMED");
    assert_eq!(back["note"], "the outlet withdrew it");
    assert_eq!(
        node_with(&app, &e, provenance).await["provenance"]["sourceCount"],
        2
    );
    assert_eq!(total(&app, "claims").await, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_claim_removes_only_the_claim() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let s = source(&app, "s", "Report").await;
    let c1 = claim(&app, "c1", &e, &s, "REPORTED").await;
    let c2 = claim(&app, "c2", &e, &s, "REPORTED").await;
    assert_eq!(
        delete(&app, "Claim", &c1).await,
        json!({"id": c1, "deletedNodes": 1})
    );
    assert!(!exists(&app, &c1).await);
    assert!(exists(&app, &e).await);
    assert!(exists(&app, &s).await);
    let left = node_with(&app, &s, "... on Source { claims { id } }").await;
    assert_eq!(ids(&left["claims"]), vec![c2.clone()]);
    let left = node_with(&app, &e, "... on Event { claims { id } }").await;
    assert_eq!(ids(&left["claims"]), vec![c2.clone()]);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Idempotent upserts

/// Writes a small investigation through every upsert, with caller-supplied ids throughout.
async fn write_investigation(app: &TestApp) {
    let c = &app.collection;
    let i = |local: &str| id(app, local);
    upsert(
        app,
        "Collection",
        json!({"id": c, "name": "Raids", "description": "St Petersburg, winter"}),
    )
    .await;
    upsert(
        app,
        "Term",
        json!({"collection": c, "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid"}),
    )
    .await;
    upsert(app, "Term", json!({"collection": c, "vocabulary": "PARTICIPANT_ROLE", "key": "perpetrator", "label": "Perpetrator"})).await;
    upsert(app, "Term", json!({"collection": c, "vocabulary": "PARTICIPANT_ROLE", "key": "target", "label": "Target"})).await;
    upsert(app, "Place", json!({"id": i("russia"), "collection": c, "kind": "COUNTRY", "name": "Russia", "precision": "COUNTRY"})).await;
    upsert(app, "Place", json!({"id": i("spb"), "collection": c, "kind": "CITY", "name": "St Petersburg",
        "aliases": ["Санкт-Петербург"], "within": i("russia"), "location": {"latitude": 59.93, "longitude": 30.31},
        "precision": "CITY"})).await;
    upsert(
        app,
        "Actor",
        json!({"id": i("mvd"), "collection": c, "kind": "STATE_BODY", "name": "MVD"}),
    )
    .await;
    upsert(
        app,
        "Actor",
        json!({"id": i("police"), "collection": c, "kind": "STATE_UNIT", "name": "Police",
        "memberOf": [i("mvd")], "answersTo": [i("mvd")]}),
    )
    .await;
    upsert(
        app,
        "Actor",
        json!({"id": i("migrants"), "collection": c, "kind": "GROUP", "name": "Migrants"}),
    )
    .await;
    upsert(
        app,
        "Actor",
        json!({"id": i("fontanka"), "collection": c, "kind": "NEWS_OUTLET", "name": "Fontanka"}),
    )
    .await;
    upsert(app, "Source", json!({"id": i("s1"), "collection": c, "kind": "NEWS_REPORT", "title": "Fontanka report",
        "url": "https://fontanka.ru/1", "language": "ru", "published": {"edtf": "2025-01-02"}, "publisher": i("fontanka")})).await;
    upsert(
        app,
        "Source",
        json!({"id": i("s2"), "collection": c, "kind": "NEWS_REPORT", "title": "Meduza report",
        "cites": [{"source": i("s1"), "excerpt": "according to Fontanka"}]}),
    )
    .await;
    upsert(
        app,
        "Event",
        json!({"id": i("crackdown"), "collection": c, "type": "raid", "title": "Crackdown",
        "date": {"edtf": "2024-12/2025-01"}}),
    )
    .await;
    upsert(
        app,
        "Event",
        json!({"id": i("detentions"), "collection": c, "type": "raid", "title": "Detentions",
        "date": {"edtf": "2025-01-01"}}),
    )
    .await;
    upsert(app, "Event", json!({"id": i("raids"), "collection": c, "type": "raid", "title": "Raids",
        "date": {"edtf": "2024-12-31/2025-01-01", "inferred": true, "basis": "report date"},
        "place": i("spb"), "partOf": [i("crackdown")], "followedBy": [i("detentions")], "ledTo": [i("detentions")],
        "claims": [{"id": i("c-raids"), "source": i("s1"), "status": "REPORTED", "excerpt": "raids"}]})).await;
    upsert(app, "Participation", json!({"id": i("pa-police"), "collection": c, "event": i("raids"), "actor": i("police"),
        "role": "perpetrator", "claims": [{"id": i("c-pa"), "source": i("s2"), "status": "REPORTED"}]})).await;
    upsert(
        app,
        "Participation",
        json!({"id": i("pa-migrants"), "collection": c, "event": i("raids"),
        "actor": i("migrants"), "role": "target"}),
    )
    .await;
    upsert(app, "Count", json!({"id": i("k-total"), "collection": c, "event": i("raids"), "subject": "people detained",
        "qualifier": "AT_LEAST", "value": 3000, "lower": 3000,
        "claims": [{"id": i("c-k"), "source": i("s1"), "status": "UNCONFIRMED"}]})).await;
    upsert(app, "Count", json!({"id": i("k-women"), "collection": c, "event": i("raids"), "subject": "people detained",
        "subgroup": "women", "qualifier": "EXACT", "value": 40, "partOf": i("k-total")})).await;
    upsert(
        app,
        "Claim",
        json!({"id": i("c-extra"), "collection": c, "about": i("k-women"), "source": i("s2"),
        "status": "DISPUTED", "note": "other figures differ"}),
    )
    .await;
}

/// Everything the collection holds, read through the API.
async fn snapshot(app: &TestApp) -> Value {
    let claims = "claims { id status excerpt note createdAt source { id } }";
    let q = format!(
        "query($c: [ID!]) {{
           events(collections: $c, first: 100) {{ totalCount nodes {{
             id type title date {{ {DATE} }} place {{ id }} partOf {{ id }} followedBy {{ id }} ledTo {{ id }} {claims}
             participants {{ id role actor {{ id }} {claims} }}
             counts {{ id subject value qualifier lower upper unit subgroup partOf {{ id }} {claims} }} }} }}
           actors(collections: $c, first: 100) {{ totalCount nodes {{ {ACTOR} publications {{ id }} }} }}
           places(collections: $c, first: 100) {{ totalCount nodes {{ {PLACE} children {{ id }} }} }}
           sources(collections: $c, first: 100) {{ totalCount nodes {{ id title url language published {{ edtf }}
             publisher {{ id }} cites {{ excerpt source {{ id }} }} }} }}
           counts(collections: $c, first: 100) {{ totalCount }}
           claims(collections: $c, first: 100) {{ totalCount nodes {{ id status createdAt }} }}
           terms(collections: $c) {{ nodes {{ id key label }} }}
         }}"
    );
    app.data(&q, json!({"c": [app.collection]})).await
}

#[tokio::test]
async fn applying_the_same_upserts_twice_leaves_the_same_graph() {
    let app = TestApp::spawn().await;
    write_investigation(&app).await;
    let first = snapshot(&app).await;
    assert_eq!(first["events"]["totalCount"], 3);
    assert_eq!(first["actors"]["totalCount"], 4);
    assert_eq!(first["places"]["totalCount"], 2);
    assert_eq!(first["sources"]["totalCount"], 2);
    assert_eq!(first["counts"]["totalCount"], 2);
    assert_eq!(first["claims"]["totalCount"], 4);
    assert_eq!(first["terms"]["nodes"].as_array().unwrap().len(), 3);

    write_investigation(&app).await;
    let second = snapshot(&app).await;
    assert_eq!(first, second);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Links

/// Reads, from `id`, the targets of every relation a caller may set.
async fn outgoing(app: &TestApp, id: &str) -> Value {
    node_with(
        app,
        id,
        "... on Event { place { id } eventPartOf: partOf { id } followedBy { id } ledTo { id } }
         ... on Place { parent { id } }
         ... on Actor { memberOf { id } answersTo { id } }
         ... on Source { publisher { id } cites { excerpt source { id } } }
         ... on Count { countPartOf: partOf { id } }",
    )
    .await
}

/// Reads, at `id`, the other end of every relation a caller may set.
async fn incoming(app: &TestApp, id: &str) -> Value {
    node_with(
        app,
        id,
        "... on Event { parts { id } precededBy { id } causedBy { id } }
         ... on Place { events { id } children { id } }
         ... on Actor { members { id } subordinates { id } publications { id } }
         ... on Source { citedBy { excerpt source { id } } }
         ... on Count { breakdown { id } }",
    )
    .await
}

/// The ids a relation field holds: a list of nodes, one node, or citations.
fn targets(v: &Value) -> Vec<String> {
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

#[tokio::test]
async fn link_and_unlink_set_and_remove_each_relation_and_say_whether_anything_changed() {
    let app = setup().await;
    let e1 = event(&app, "e1", "One").await;
    let e2 = event(&app, "e2", "Two").await;
    let p1 = place(&app, "p1", "City").await;
    let p2 = place(&app, "p2", "Country").await;
    let a1 = actor(&app, "a1", "Unit").await;
    let a2 = actor(&app, "a2", "Body").await;
    let s1 = source(&app, "s1", "Citing").await;
    let s2 = source(&app, "s2", "Cited").await;
    let k1 = count(&app, "k1", &e1, 2).await;
    let k2 = count(&app, "k2", &e1, 31).await;

    // (relation, from, to, field on `from`, field on `to`)
    let cases = [
        ("EVENT_AT", &e1, &p1, "place", "events"),
        ("PLACE_WITHIN", &p1, &p2, "parent", "children"),
        ("EVENT_PART_OF", &e1, &e2, "eventPartOf", "parts"),
        ("EVENT_FOLLOWED_BY", &e1, &e2, "followedBy", "precededBy"),
        ("EVENT_LED_TO", &e1, &e2, "ledTo", "causedBy"),
        ("ACTOR_MEMBER_OF", &a1, &a2, "memberOf", "members"),
        ("ACTOR_ANSWERS_TO", &a1, &a2, "answersTo", "subordinates"),
        ("SOURCE_PUBLISHED_BY", &s1, &a2, "publisher", "publications"),
        ("SOURCE_CITES", &s1, &s2, "cites", "citedBy"),
        ("COUNT_PART_OF", &k1, &k2, "countPartOf", "breakdown"),
    ];
    for (relation, from, to, forward, backward) in cases {
        assert!(
            link(&app, relation, from, to).await,
            "{relation}: link changes"
        );
        assert_eq!(
            targets(&outgoing(&app, from).await[forward]),
            vec![to.clone()],
            "{relation}: {forward}"
        );
        assert_eq!(
            targets(&incoming(&app, to).await[backward]),
            vec![from.clone()],
            "{relation}: {backward}"
        );
        assert!(
            !link(&app, relation, from, to).await,
            "{relation}: linking again changes nothing"
        );
        assert_eq!(targets(&outgoing(&app, from).await[forward]).len(), 1);

        assert!(
            unlink(&app, relation, from, to).await,
            "{relation}: unlink changes"
        );
        assert_eq!(
            targets(&outgoing(&app, from).await[forward]),
            Vec::<String>::new(),
            "{relation}: unlinked"
        );
        assert_eq!(
            targets(&incoming(&app, to).await[backward]),
            Vec::<String>::new()
        );
        assert!(
            !unlink(&app, relation, from, to).await,
            "{relation}: unlinking again changes nothing"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn linking_a_source_citation_keeps_its_excerpt_and_adds_to_the_others() {
    let app = setup().await;
    let s = source(&app, "s", "Citing").await;
    let a = source(&app, "a", "Cited A").await;
    let b = source(&app, "b", "Cited B").await;
    let r = app
        .data(
            LINK,
            json!({"r": "SOURCE_CITES", "from": s, "to": a, "excerpt": "as A said"}),
        )
        .await;
    assert_eq!(r["link"]["changed"], true);
    assert!(link(&app, "SOURCE_CITES", &s, &b).await);
    let cites = outgoing(&app, &s).await["cites"].clone();
    assert_eq!(
        cites,
        json!([{"excerpt": "as A said", "source": {"id": a}}, {"excerpt": null, "source": {"id": b}}])
    );
    // A new excerpt for an existing citation is a change.
    let r = app
        .data(
            LINK,
            json!({"r": "SOURCE_CITES", "from": s, "to": a, "excerpt": "A reported"}),
        )
        .await;
    assert_eq!(r["link"]["changed"], true);
    assert_eq!(
        outgoing(&app, &s).await["cites"][0],
        json!({"excerpt": "A reported", "source": {"id": a}})
    );
    app.cleanup().await;
}

#[tokio::test]
async fn linking_a_to_one_relation_replaces_the_old_target() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let p1 = place(&app, "p1", "Old place").await;
    let p2 = place(&app, "p2", "New place").await;
    let p3 = place(&app, "p3", "Child").await;
    let a1 = actor(&app, "a1", "Old publisher").await;
    let a2 = actor(&app, "a2", "New publisher").await;
    let s = source(&app, "s", "Report").await;
    let k = count(&app, "k", &e, 2).await;
    let k1 = count(&app, "k1", &e, 31).await;
    let k2 = count(&app, "k2", &e, 40).await;

    // (relation, from, old target, new target, field on `from`, field on the targets)
    let cases = [
        ("EVENT_AT", &e, &p1, &p2, "place", "events"),
        ("PLACE_WITHIN", &p3, &p1, &p2, "parent", "children"),
        (
            "SOURCE_PUBLISHED_BY",
            &s,
            &a1,
            &a2,
            "publisher",
            "publications",
        ),
        ("COUNT_PART_OF", &k, &k1, &k2, "countPartOf", "breakdown"),
    ];
    for (relation, from, old, new, forward, backward) in cases {
        assert!(link(&app, relation, from, old).await);
        assert!(link(&app, relation, from, new).await);
        assert_eq!(
            outgoing(&app, from).await[forward],
            json!({"id": new}),
            "{relation}: the new target replaced the old"
        );
        assert_eq!(
            targets(&incoming(&app, old).await[backward]),
            Vec::<String>::new(),
            "{relation}: the old target lost the link"
        );
        assert_eq!(
            targets(&incoming(&app, new).await[backward]),
            vec![from.clone()]
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn links_that_would_make_a_cycle_are_refused_and_change_nothing() {
    let app = setup().await;
    let p1 = place(&app, "p1", "District").await;
    let p2 = place(&app, "p2", "City").await;
    let p3 = place(&app, "p3", "Country").await;
    assert!(link(&app, "PLACE_WITHIN", &p1, &p2).await);
    assert!(link(&app, "PLACE_WITHIN", &p2, &p3).await);
    assert_eq!(
        link_error(&app, "PLACE_WITHIN", &p3, &p1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        link_error(&app, "PLACE_WITHIN", &p1, &p1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &p3).await["parent"], Value::Null);
    assert_eq!(outgoing(&app, &p1).await["parent"], json!({"id": p2}));

    let e1 = event(&app, "e1", "Part").await;
    let e2 = event(&app, "e2", "Whole").await;
    let e3 = event(&app, "e3", "Larger whole").await;
    assert!(link(&app, "EVENT_PART_OF", &e1, &e2).await);
    assert!(link(&app, "EVENT_PART_OF", &e2, &e3).await);
    assert_eq!(
        link_error(&app, "EVENT_PART_OF", &e3, &e1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        link_error(&app, "EVENT_PART_OF", &e2, &e1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &e3).await["eventPartOf"], json!([]));
    assert_eq!(
        targets(&outgoing(&app, &e2).await["eventPartOf"]),
        vec![e3.clone()]
    );

    let a1 = actor(&app, "a1", "Unit").await;
    let a2 = actor(&app, "a2", "Body").await;
    assert!(link(&app, "ACTOR_MEMBER_OF", &a1, &a2).await);
    assert_eq!(
        link_error(&app, "ACTOR_MEMBER_OF", &a2, &a1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &a2).await["memberOf"], json!([]));
    assert!(link(&app, "ACTOR_ANSWERS_TO", &a1, &a2).await);
    assert_eq!(
        link_error(&app, "ACTOR_ANSWERS_TO", &a2, &a1).await,
        err("BAD_USER_INPUT", "to")
    );
    let k1 = count(&app, "k1", &e1, 2).await;
    let k2 = count(&app, "k2", &e1, 31).await;
    assert!(link(&app, "COUNT_PART_OF", &k1, &k2).await);
    assert_eq!(
        link_error(&app, "COUNT_PART_OF", &k2, &k1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &k2).await["countPartOf"], Value::Null);

    // The same holds for the relations an upsert or a patch sets.
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"id": p3, "collection": app.collection, "kind": "COUNTRY", "name": "Country",
                   "precision": "COUNTRY", "within": p1}),
        )
        .await,
        err("BAD_USER_INPUT", "input.within")
    );
    assert_eq!(
        read(&app, "Place", &p3).await["kind"],
        "CITY",
        "the refused upsert wrote nothing"
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": a2, "collection": app.collection, "kind": "STATE_BODY", "name": "Body",
                   "memberOf": [a1]}),
        )
        .await
        .1
        .map(|f| f.starts_with("input.memberOf")),
        Some(true)
    );
    let r = app
        .gql(
            "mutation($id: ID!, $patch: EventPatch!) { updateEvent(id: $id, patch: $patch) { id } }",
            json!({"id": e3, "patch": {"partOf": [e1], "title": "Renamed"}}),
        )
        .await;
    let (code, field) = first_error(&r);
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(field.unwrap().starts_with("patch.partOf"));
    assert_eq!(read(&app, "Event", &e3).await["title"], "Larger whole");
    app.cleanup().await;
}

#[tokio::test]
async fn links_and_references_across_collections_are_refused() {
    let app = setup().await;
    let other = format!("{}-other", app.collection);
    upsert(
        &app,
        "Collection",
        json!({"id": other, "name": "Another investigation"}),
    )
    .await;
    let foreign_actor = format!("{other}:actor");
    upsert(
        &app,
        "Actor",
        json!({"id": foreign_actor, "collection": other, "kind": "PERSON", "name": "Someone"}),
    )
    .await;
    let foreign_place = format!("{other}:place");
    upsert(
        &app,
        "Place",
        json!({"id": foreign_place, "collection": other, "kind": "CITY", "name": "Elsewhere",
        "precision": "CITY"}),
    )
    .await;
    let foreign_source = format!("{other}:source");
    upsert(
        &app,
        "Source",
        json!({"id": foreign_source, "collection": other, "kind": "OTHER", "title": "Elsewhere"}),
    )
    .await;

    let a = actor(&app, "a", "Unit").await;
    let e = event(&app, "e", "Raid").await;
    let p = place(&app, "p", "City").await;

    assert_eq!(
        link_error(&app, "ACTOR_MEMBER_OF", &a, &foreign_actor).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        link_error(&app, "PLACE_WITHIN", &p, &foreign_place).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"id": e, "collection": app.collection, "type": "raid",
            "title": "Raid", "date": {"edtf": "2025"}, "place": foreign_place})
        )
        .await,
        err("BAD_USER_INPUT", "input.place")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Participation",
            json!({"id": id(&app, "pa"), "collection": app.collection,
            "event": e, "actor": foreign_actor, "role": "target"})
        )
        .await,
        err("BAD_USER_INPUT", "input.actor")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Claim",
            json!({"id": id(&app, "cl"), "collection": app.collection,
            "about": e, "source": foreign_source, "status": "REPORTED"})
        )
        .await,
        err("BAD_USER_INPUT", "input.source")
    );
    let merge = app
        .gql(
            "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }",
            json!({"k": a, "d": foreign_actor}),
        )
        .await;
    assert_eq!(first_error(&merge), err("BAD_USER_INPUT", "duplicate"));

    assert_eq!(outgoing(&app, &a).await["memberOf"], json!([]));
    assert_eq!(outgoing(&app, &p).await["parent"], Value::Null);
    assert_eq!(outgoing(&app, &e).await["place"], Value::Null);
    assert!(exists(&app, &foreign_actor).await);
    assert_eq!(total(&app, "claims").await, 0);
    assert!(!exists(&app, &id(&app, "pa")).await);

    delete(&app, "Collection", &other).await;
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Merges

#[tokio::test]
async fn merging_actors_moves_every_relation_and_claim_to_the_kept_actor_and_deletes_the_duplicate()
{
    let app = setup().await;
    let keep = id(&app, "police");
    upsert(
        &app,
        "Actor",
        json!({"id": keep, "collection": app.collection, "kind": "STATE_BODY",
        "name": "Police", "aliases": ["Polizei"]}),
    )
    .await;
    let ministry = actor(&app, "ministry", "Ministry").await;
    let government = actor(&app, "government", "Government").await;
    let dup = id(&app, "politsiya");
    upsert(
        &app,
        "Actor",
        json!({"id": dup, "collection": app.collection, "kind": "STATE_BODY",
        "name": "Politsiya", "aliases": ["Полиция", "Polizei"], "description": "the police",
        "memberOf": [ministry], "answersTo": [government]}),
    )
    .await;
    // The kept actor is already a member of the ministry: the merge must not double that.
    assert!(link(&app, "ACTOR_MEMBER_OF", &keep, &ministry).await);
    let unit = id(&app, "unit");
    upsert(
        &app,
        "Actor",
        json!({"id": unit, "collection": app.collection, "kind": "STATE_UNIT",
        "name": "Patrol unit", "memberOf": [dup], "answersTo": [dup]}),
    )
    .await;
    let s = id(&app, "statement");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "OFFICIAL_STATEMENT",
        "title": "Police statement", "publisher": dup}),
    )
    .await;
    let e = event(&app, "e", "Raid").await;
    let pa = participation(&app, "pa", &e, &dup, "perpetrator").await;
    let own = participation(&app, "own", &e, &keep, "target").await;
    let cl = claim(&app, "cl", &pa, &s, "OFFICIAL_STATEMENT").await;
    let claims_before = total(&app, "claims").await;

    let merged = app
        .data(
            &format!(
                "mutation($k: ID!, $d: ID!) {{ mergeActors(keep: $k, duplicate: $d) {{ {ACTOR}
                members {{ id }} subordinates {{ id }} publications {{ id }}
                participations {{ id role claims {{ id }} }} }} }}"
            ),
            json!({"k": keep, "d": dup}),
        )
        .await["mergeActors"]
        .clone();
    assert_eq!(merged["id"], keep);
    assert_eq!(merged["name"], "Police");
    assert_eq!(
        merged["aliases"],
        json!(["Polizei", "Politsiya", "Полиция"])
    );
    assert_eq!(merged["description"], "the police");
    assert_eq!(ids(&merged["memberOf"]), vec![ministry.clone()]);
    assert_eq!(ids(&merged["answersTo"]), vec![government.clone()]);
    assert_eq!(ids(&merged["members"]), vec![unit.clone()]);
    assert_eq!(ids(&merged["subordinates"]), vec![unit.clone()]);
    assert_eq!(ids(&merged["publications"]), vec![s.clone()]);
    assert_eq!(
        ids(&merged["participations"]),
        sorted(vec![own.clone(), pa.clone()])
    );
    let moved = merged["participations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == pa)
        .unwrap();
    assert_eq!(moved["claims"], json!([{"id": cl}]));

    assert!(
        node_with(&app, &dup, "id").await.is_null(),
        "the duplicate is gone"
    );
    assert_eq!(total(&app, "claims").await, claims_before);
    assert_eq!(
        read(&app, "Participation", &pa).await["actor"],
        json!({"id": keep})
    );
    assert_eq!(
        read(&app, "Source", &s).await["publisher"],
        json!({"id": keep})
    );
    let unit_now = read(&app, "Actor", &unit).await;
    assert_eq!(unit_now["memberOf"], json!([{"id": keep}]));
    assert_eq!(unit_now["answersTo"], json!([{"id": keep}]));
    let members = node_with(&app, &ministry, "... on Actor { members { id } }").await;
    assert_eq!(ids(&members["members"]), vec![keep.clone()]);
    assert_eq!(total(&app, "actors").await, 4);
    app.cleanup().await;
}

#[tokio::test]
async fn merging_places_moves_events_and_sub_places_to_the_kept_place_and_deletes_the_duplicate() {
    let app = setup().await;
    let region = place(&app, "region", "Leningrad oblast").await;
    let keep = id(&app, "spb");
    upsert(
        &app,
        "Place",
        json!({"id": keep, "collection": app.collection, "kind": "CITY",
        "name": "St Petersburg", "precision": "CITY"}),
    )
    .await;
    let dup = id(&app, "piter");
    upsert(
        &app,
        "Place",
        json!({"id": dup, "collection": app.collection, "kind": "CITY",
        "name": "Saint-Petersburg", "aliases": ["Санкт-Петербург", "St Petersburg"],
        "location": {"latitude": 59.9, "longitude": 30.3}, "within": region, "precision": "CITY"}),
    )
    .await;
    let district = id(&app, "district");
    upsert(
        &app,
        "Place",
        json!({"id": district, "collection": app.collection, "kind": "DISTRICT",
        "name": "Admiralteysky", "within": dup, "precision": "DISTRICT"}),
    )
    .await;
    let e = id(&app, "e");
    upsert(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raid",
        "date": {"edtf": "2025-01-01"}, "place": dup}),
    )
    .await;
    let own_event = id(&app, "own");
    upsert(
        &app,
        "Event",
        json!({"id": own_event, "collection": app.collection, "type": "raid",
        "title": "Other raid", "date": {"edtf": "2025-01-02"}, "place": keep}),
    )
    .await;

    let merged = app
        .data(
            &format!(
                "mutation($k: ID!, $d: ID!) {{ mergePlaces(keep: $k, duplicate: $d) {{ {PLACE}
                children {{ id }} events {{ id }} }} }}"
            ),
            json!({"k": keep, "d": dup}),
        )
        .await["mergePlaces"]
        .clone();
    assert_eq!(merged["name"], "St Petersburg");
    assert_eq!(
        merged["aliases"],
        json!(["Saint-Petersburg", "Санкт-Петербург"])
    );
    assert_eq!(
        merged["location"],
        json!({"latitude": 59.9, "longitude": 30.3})
    );
    assert_eq!(merged["parent"], json!({"id": region}));
    assert_eq!(ids(&merged["children"]), vec![district.clone()]);
    assert_eq!(
        ids(&merged["events"]),
        sorted(vec![e.clone(), own_event.clone()])
    );
    assert!(
        node_with(&app, &dup, "id").await.is_null(),
        "the duplicate is gone"
    );
    assert_eq!(read(&app, "Event", &e).await["place"], json!({"id": keep}));
    assert_eq!(
        read(&app, "Place", &district).await["parent"],
        json!({"id": keep})
    );
    let children = node_with(&app, &region, "... on Place { children { id } }").await;
    assert_eq!(ids(&children["children"]), vec![keep.clone()]);
    // Events filtered by the kept place now include those of the duplicate.
    let within = app
        .data(
            "query($c: [ID!], $p: ID) { events(collections: $c, filter: {place: $p}) { totalCount } }",
            json!({"c": [app.collection], "p": region}),
        )
        .await;
    assert_eq!(within["events"]["totalCount"], 2);
    assert_eq!(total(&app, "places").await, 3);
    app.cleanup().await;
}

#[tokio::test]
async fn merging_a_place_into_a_place_within_it_keeps_the_parent_above_both() {
    let app = setup().await;
    let region = place(&app, "region", "Leningrad oblast").await;
    let dup = id(&app, "dup");
    upsert(
        &app,
        "Place",
        json!({"id": dup, "collection": app.collection, "kind": "CITY",
        "name": "Petersburg", "within": region, "precision": "CITY"}),
    )
    .await;
    let keep = id(&app, "keep");
    upsert(
        &app,
        "Place",
        json!({"id": keep, "collection": app.collection, "kind": "CITY",
        "name": "St Petersburg", "within": dup, "precision": "CITY"}),
    )
    .await;
    let merged = app
        .data(
            "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { parent { id } children { id } aliases } }",
            json!({"k": keep, "d": dup}),
        )
        .await["mergePlaces"]
        .clone();
    assert_eq!(
        merged,
        json!({"parent": {"id": region}, "children": [], "aliases": ["Petersburg"]})
    );
    assert!(!exists(&app, &dup).await);
    app.cleanup().await;
}

#[tokio::test]
async fn merging_never_creates_a_cycle_or_a_self_link() {
    let app = setup().await;
    // The duplicate belongs to the kept actor's own member: moving that membership would loop.
    let keep = actor(&app, "keep", "Ministry").await;
    let dup = id(&app, "dup");
    let unit = id(&app, "unit");
    upsert(
        &app,
        "Actor",
        json!({"id": unit, "collection": app.collection, "kind": "STATE_UNIT",
        "name": "Unit", "memberOf": [keep]}),
    )
    .await;
    upsert(
        &app,
        "Actor",
        json!({"id": dup, "collection": app.collection, "kind": "STATE_BODY",
        "name": "Ministry (dup)", "memberOf": [unit, keep]}),
    )
    .await;
    let merged = app
        .data(
            "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { memberOf { id } members { id } } }",
            json!({"k": keep, "d": dup}),
        )
        .await["mergeActors"]
        .clone();
    assert_eq!(
        merged["memberOf"],
        json!([]),
        "no self-membership, no loop through the unit"
    );
    assert_eq!(ids(&merged["members"]), vec![unit.clone()]);

    let r = app
        .gql(
            "mutation($k: ID!) { mergeActors(keep: $k, duplicate: $k) { id } }",
            json!({"k": keep}),
        )
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "duplicate"));
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Bad input: exact codes and fields

#[tokio::test]
async fn unknown_ids_are_not_found_and_the_error_names_the_input_that_held_them() {
    let app = setup().await;
    let missing = id(&app, "missing");
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = source(&app, "s", "Report").await;
    let c = &app.collection;

    let cases = [
        (
            "Event",
            json!({"collection": c, "type": "raid", "title": "x", "date": {"edtf": "2025"}, "place": missing}),
            "input.place",
        ),
        (
            "Event",
            json!({"collection": c, "type": "raid", "title": "x", "date": {"edtf": "2025"},
            "claims": [{"source": missing, "status": "REPORTED"}]}),
            "input.claims[0].source",
        ),
        (
            "Participation",
            json!({"collection": c, "event": missing, "actor": a, "role": "target"}),
            "input.event",
        ),
        (
            "Participation",
            json!({"collection": c, "event": e, "actor": missing, "role": "target"}),
            "input.actor",
        ),
        (
            "Count",
            json!({"collection": c, "event": missing, "subject": "x", "value": 1, "qualifier": "EXACT"}),
            "input.event",
        ),
        (
            "Count",
            json!({"collection": c, "event": e, "subject": "x", "value": 1, "qualifier": "EXACT",
            "partOf": missing}),
            "input.partOf",
        ),
        (
            "Claim",
            json!({"collection": c, "about": missing, "source": s, "status": "REPORTED"}),
            "input.about",
        ),
        (
            "Claim",
            json!({"collection": c, "about": e, "source": missing, "status": "REPORTED"}),
            "input.source",
        ),
        (
            "Source",
            json!({"collection": c, "kind": "OTHER", "title": "x", "publisher": missing}),
            "input.publisher",
        ),
        (
            "Place",
            json!({"collection": c, "kind": "CITY", "name": "x", "precision": "CITY", "within": missing}),
            "input.within",
        ),
        (
            "Actor",
            json!({"collection": format!("{c}-missing"), "kind": "PERSON", "name": "x"}),
            "input.collection",
        ),
    ];
    for (kind, input, field) in cases {
        assert_eq!(
            upsert_error(&app, kind, input.clone()).await,
            err("NOT_FOUND", field),
            "{kind} {input}"
        );
    }
    let (code, field) = upsert_error(
        &app,
        "Actor",
        json!({"collection": c, "kind": "PERSON", "name": "x", "memberOf": [a, missing]}),
    )
    .await;
    assert_eq!(code, "NOT_FOUND");
    assert!(field.unwrap().starts_with("input.memberOf"));

    for kind in [
        "Collection",
        "Term",
        "Event",
        "Actor",
        "Place",
        "Source",
        "Participation",
        "Count",
        "Claim",
    ] {
        assert_eq!(
            delete_error(&app, kind, &missing).await,
            err("NOT_FOUND", "id"),
            "delete{kind}"
        );
    }
    for name in [
        "updateEvent",
        "updateActor",
        "updatePlace",
        "updateSource",
        "updateParticipation",
        "updateCount",
    ] {
        let q = format!("mutation($id: ID!) {{ {name}(id: $id, patch: {{}}) {{ id }} }}");
        assert_eq!(
            first_error(&app.gql(&q, json!({"id": missing})).await),
            err("NOT_FOUND", "id"),
            "{name}"
        );
    }
    // An id of the wrong kind is not found for a patch either.
    let q = "mutation($id: ID!) { updateEvent(id: $id, patch: {title: \"x\"}) { id } }";
    assert_eq!(
        first_error(&app.gql(q, json!({"id": a})).await),
        err("NOT_FOUND", "id")
    );
    let r = app
        .gql(RATE, json!({"id": missing, "status": "RETRACTED"}))
        .await;
    assert_eq!(first_error(&r), err("NOT_FOUND", "id"));
    assert_eq!(
        link_error(&app, "EVENT_AT", &missing, &e).await,
        err("NOT_FOUND", "from")
    );
    assert_eq!(
        link_error(&app, "EVENT_AT", &e, &missing).await,
        err("NOT_FOUND", "to")
    );
    assert_eq!(
        first_error(
            &app.gql(UNLINK, json!({"r": "EVENT_AT", "from": missing, "to": e}))
                .await
        ),
        err("NOT_FOUND", "from")
    );
    assert_eq!(
        first_error(
            &app.gql(UNLINK, json!({"r": "EVENT_AT", "from": e, "to": missing}))
                .await
        ),
        err("NOT_FOUND", "to")
    );
    let merge = "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }";
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": missing, "d": a})).await),
        err("NOT_FOUND", "keep")
    );
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": a, "d": missing})).await),
        err("NOT_FOUND", "duplicate")
    );
    let merge = "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { id } }";
    let place = place(&app, "p", "City").await;
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": missing, "d": place})).await),
        err("NOT_FOUND", "keep")
    );
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": place, "d": a})).await),
        err("NOT_FOUND", "duplicate")
    );

    // None of the failures wrote anything.
    assert_eq!(total(&app, "events").await, 1);
    assert_eq!(total(&app, "actors").await, 1);
    assert_eq!(total(&app, "counts").await, 0);
    assert_eq!(total(&app, "claims").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_reference_to_a_node_of_another_kind_is_bad_user_input() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = source(&app, "s", "Report").await;
    let c = &app.collection;
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"collection": c, "type": "raid", "title": "x",
            "date": {"edtf": "2025"}, "place": a})
        )
        .await,
        err("BAD_USER_INPUT", "input.place")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Participation",
            json!({"collection": c, "event": a, "actor": e, "role": "target"})
        )
        .await
        .0,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        upsert_error(
            &app,
            "Claim",
            json!({"collection": c, "about": s, "source": s, "status": "REPORTED"})
        )
        .await,
        err("BAD_USER_INPUT", "input.about")
    );
    assert_eq!(
        link_error(&app, "SOURCE_PUBLISHED_BY", &s, &e).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(total(&app, "events").await, 1);
    app.cleanup().await;
}

#[tokio::test]
async fn malformed_and_impossible_dates_are_bad_user_input_on_the_date_field() {
    let app = setup().await;
    let c = &app.collection;
    let event_with =
        |date: Value| json!({"collection": c, "type": "raid", "title": "x", "date": date});
    for edtf in ["yesterday", "2025-13-01", "2025-02-30", "", "2025/01/01"] {
        assert_eq!(
            upsert_error(&app, "Event", event_with(json!({"edtf": edtf}))).await,
            err("BAD_USER_INPUT", "input.date.edtf"),
            "{edtf:?}"
        );
    }
    // An interval whose end is before its start.
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            event_with(json!({"edtf": "2025-01-02/2025-01-01"}))
        )
        .await,
        err("BAD_USER_INPUT", "input.date.edtf")
    );
    // An inferred date must say from what.
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            event_with(json!({"edtf": "2025-01-01", "inferred": true}))
        )
        .await,
        err("BAD_USER_INPUT", "input.date.basis")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            event_with(json!({"edtf": "2025-01-01", "inferred": true, "basis": "  "}))
        )
        .await,
        err("BAD_USER_INPUT", "input.date.basis")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Source",
            json!({"collection": c, "kind": "OTHER", "title": "x",
            "published": {"edtf": "2025-00"}})
        )
        .await,
        err("BAD_USER_INPUT", "input.published.edtf")
    );
    let e = event(&app, "e", "Raid").await;
    let r = app
        .gql(
            "mutation($id: ID!) { updateEvent(id: $id, patch: {date: {edtf: \"2025-01-31/2025-01-01\"}}) { id } }",
            json!({"id": e}),
        )
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "patch.date.edtf"));
    assert_eq!(read(&app, "Event", &e).await["date"]["edtf"], "2025-01-01");
    assert_eq!(total(&app, "events").await, 1);
    assert_eq!(total(&app, "sources").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn impossible_figures_are_bad_user_input_on_the_number_at_fault() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let c = &app.collection;
    let figure = |extra: Value| {
        let mut input = json!({"collection": c, "event": e, "subject": "people detained", "qualifier": "ABOUT"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    let cases = [
        (json!({"value": -1}), "input.value"),
        (json!({"lower": -5, "value": 3}), "input.lower"),
        (json!({"lower": 10, "upper": 5}), "input.upper"),
        (json!({"value": 50, "lower": 100}), "input.value"),
        (json!({"value": 500, "upper": 100}), "input.value"),
        (json!({"qualifier": "EXACT", "lower": 3}), "input.value"),
        (json!({}), "input.value"),
        (json!({"value": 3, "unit": "  "}), "input.unit"),
        (json!({"value": 3, "subject": ""}), "input.subject"),
    ];
    for (extra, field) in cases {
        assert_eq!(
            upsert_error(&app, "Count", figure(extra.clone())).await,
            err("BAD_USER_INPUT", field),
            "{extra}"
        );
    }
    assert_eq!(total(&app, "counts").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_count_patch_is_checked_as_a_whole_figure_and_the_error_names_the_field_at_fault() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let c = id(&app, "c");
    let stored = upsert(
        &app,
        "Count",
        json!({"id": c, "collection": app.collection, "event": e, "subject": "people detained",
               "value": 120, "qualifier": "ABOUT", "lower": 100, "upper": 150}),
    )
    .await;
    let bounds_only = id(&app, "bounds-only");
    upsert(
        &app,
        "Count",
        json!({"id": bounds_only, "collection": app.collection, "event": e, "subject": "people detained",
               "qualifier": "MORE_THAN", "lower": 3000}),
    )
    .await;
    let cases = [
        // The patch moves a bound past the stored value: the bound is at fault, not the value.
        (&c, json!({"lower": 130}), "patch.lower"),
        (&c, json!({"upper": 110}), "patch.upper"),
        // …or past the other stored bound.
        (&c, json!({"lower": 200}), "patch.lower"),
        (&c, json!({"upper": 90, "value": 80}), "patch.upper"),
        // A value outside the stored bounds is the value's fault.
        (&c, json!({"value": 90}), "patch.value"),
        (&c, json!({"value": 151}), "patch.value"),
        (&c, json!({"value": -1}), "patch.value"),
        // Of two changes, the one the figure cannot take.
        (
            &c,
            json!({"qualifier": "EXACT", "lower": 130}),
            "patch.lower",
        ),
        // EXACT needs a value: the qualifier is at fault where the stored figure has none.
        (
            &bounds_only,
            json!({"qualifier": "EXACT"}),
            "patch.qualifier",
        ),
        (
            &c,
            json!({"qualifier": "EXACT", "value": null}),
            "patch.value",
        ),
        (
            &c,
            json!({"value": null, "lower": null, "upper": null}),
            "patch.value",
        ),
        (&c, json!({"unit": "  "}), "patch.unit"),
        (&c, json!({"subject": ""}), "patch.subject"),
    ];
    for (id, patch, field) in cases {
        assert_eq!(
            update_error(&app, "Count", id, patch.clone()).await,
            err("BAD_USER_INPUT", field),
            "{patch}"
        );
    }
    assert_eq!(read(&app, "Count", &c).await, stored);
    assert_eq!(
        read(&app, "Count", &bounds_only).await["qualifier"],
        "MORE_THAN"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn bad_source_participation_and_count_patches_are_refused_on_their_field_and_change_nothing()
{
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = id(&app, "s");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Report",
               "url": "https://example.org/report", "language": "ru", "publisher": a}),
    )
    .await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let parent = count(&app, "parent", &e, 31).await;
    let child = id(&app, "child");
    upsert(
        &app,
        "Count",
        json!({"id": child, "collection": app.collection, "event": e, "subject": "released",
               "value": 2, "qualifier": "EXACT", "partOf": parent}),
    )
    .await;
    let missing = id(&app, "missing");
    let before = json!({
        "source": read(&app, "Source", &s).await,
        "participation": read(&app, "Participation", &pa).await,
        "parent": read(&app, "Count", &parent).await,
        "child": read(&app, "Count", &child).await,
    });

    let cases = [
        (
            "Source",
            &s,
            json!({"title": "  "}),
            err("BAD_USER_INPUT", "patch.title"),
        ),
        (
            "Source",
            &s,
            json!({"url": "ftp://example.org/x"}),
            err("BAD_USER_INPUT", "patch.url"),
        ),
        (
            "Source",
            &s,
            json!({"language": "english!"}),
            err("BAD_USER_INPUT", "patch.language"),
        ),
        (
            "Source",
            &s,
            json!({"published": {"edtf": "2025-13"}}),
            err("BAD_USER_INPUT", "patch.published.edtf"),
        ),
        (
            "Source",
            &s,
            json!({"published": {"edtf": "2025", "inferred": true}}),
            err("BAD_USER_INPUT", "patch.published.basis"),
        ),
        (
            "Source",
            &s,
            json!({"publisher": e}),
            err("BAD_USER_INPUT", "patch.publisher"),
        ),
        (
            "Source",
            &s,
            json!({"publisher": "a b"}),
            err("BAD_USER_INPUT", "patch.publisher"),
        ),
        (
            "Source",
            &s,
            json!({"publisher": missing}),
            err("NOT_FOUND", "patch.publisher"),
        ),
        (
            "Source",
            &s,
            json!({"cites": [{"source": "a b"}]}),
            err("BAD_USER_INPUT", "patch.cites[0].source"),
        ),
        (
            "Source",
            &s,
            json!({"cites": [{"source": s}]}),
            err("BAD_USER_INPUT", "patch.cites[0]"),
        ),
        (
            "Source",
            &s,
            json!({"cites": [{"source": missing}]}),
            err("NOT_FOUND", "patch.cites[0]"),
        ),
        (
            "Participation",
            &pa,
            json!({"role": "arson"}),
            err("BAD_USER_INPUT", "patch.role"),
        ),
        (
            "Participation",
            &pa,
            json!({"role": "Not A Key"}),
            err("BAD_USER_INPUT", "patch.role"),
        ),
        (
            "Participation",
            &pa,
            json!({"event": a}),
            err("BAD_USER_INPUT", "patch.event"),
        ),
        (
            "Participation",
            &pa,
            json!({"actor": e}),
            err("BAD_USER_INPUT", "patch.actor"),
        ),
        (
            "Participation",
            &pa,
            json!({"event": missing}),
            err("NOT_FOUND", "patch.event"),
        ),
        (
            "Participation",
            &pa,
            json!({"actor": missing}),
            err("NOT_FOUND", "patch.actor"),
        ),
        (
            "Count",
            &child,
            json!({"partOf": e}),
            err("BAD_USER_INPUT", "patch.partOf"),
        ),
        (
            "Count",
            &child,
            json!({"partOf": child}),
            err("BAD_USER_INPUT", "patch.partOf"),
        ),
        (
            "Count",
            &parent,
            json!({"partOf": child}),
            err("BAD_USER_INPUT", "patch.partOf"),
        ),
        (
            "Count",
            &child,
            json!({"partOf": missing}),
            err("NOT_FOUND", "patch.partOf"),
        ),
    ];
    for (kind, id, patch, expected) in cases {
        assert_eq!(
            update_error(&app, kind, id, patch.clone()).await,
            expected,
            "update{kind} {patch}"
        );
    }
    // An id of another kind is not found for these patches either.
    for (kind, other) in [("Source", &e), ("Participation", &a), ("Count", &pa)] {
        assert_eq!(
            update_error(&app, kind, other, json!({})).await,
            err("NOT_FOUND", "id"),
            "update{kind}"
        );
    }
    let after = json!({
        "source": read(&app, "Source", &s).await,
        "participation": read(&app, "Participation", &pa).await,
        "parent": read(&app, "Count", &parent).await,
        "child": read(&app, "Count", &child).await,
    });
    assert_eq!(after, before);
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_taxonomy_keys_are_bad_user_input_on_type_and_role() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let c = &app.collection;
    for key in ["arson", "Not A Key", "perpetrator"] {
        assert_eq!(
            upsert_error(
                &app,
                "Event",
                json!({"collection": c, "type": key, "title": "x",
                "date": {"edtf": "2025"}})
            )
            .await,
            err("BAD_USER_INPUT", "input.type"),
            "{key}"
        );
    }
    // `raid` is an event type, not a role.
    for key in ["witness", "raid", "Target"] {
        assert_eq!(
            upsert_error(
                &app,
                "Participation",
                json!({"collection": c, "event": e, "actor": a, "role": key})
            )
            .await,
            err("BAD_USER_INPUT", "input.role"),
            "{key}"
        );
    }
    let r = app
        .gql(
            "mutation($id: ID!) { updateEvent(id: $id, patch: {type: \"arson\"}) { id } }",
            json!({"id": e}),
        )
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "patch.type"));
    // A term of another collection does not count.
    let other = format!("{c}-other");
    upsert(&app, "Collection", json!({"id": other, "name": "Other"})).await;
    upsert(
        &app,
        "Term",
        json!({"collection": other, "vocabulary": "EVENT_TYPE", "key": "arson", "label": "Arson"}),
    )
    .await;
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"collection": c, "type": "arson", "title": "x", "date": {"edtf": "2025"}})
        )
        .await,
        err("BAD_USER_INPUT", "input.type")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Term",
            json!({"collection": c, "vocabulary": "EVENT_TYPE", "key": "Bad Key", "label": "x"})
        )
        .await,
        err("BAD_USER_INPUT", "input.key")
    );
    assert_eq!(read(&app, "Event", &e).await["type"], "raid");
    assert_eq!(total(&app, "events").await, 1);
    delete(&app, "Collection", &other).await;
    app.cleanup().await;
}

#[tokio::test]
async fn an_id_already_used_by_another_kind_or_collection_is_a_conflict() {
    let app = setup().await;
    let c = &app.collection;
    let a = actor(&app, "a", "Police").await;
    let e = event(&app, "e", "Raid").await;
    let s = source(&app, "s", "Report").await;
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"id": a, "collection": c, "kind": "CITY", "name": "x", "precision": "CITY"})
        )
        .await,
        err("CONFLICT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Claim",
            json!({"id": e, "collection": c, "about": e, "source": s, "status": "REPORTED"})
        )
        .await,
        err("CONFLICT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"id": id(&app, "e2"), "collection": c, "type": "raid", "title": "x",
            "date": {"edtf": "2025"}, "claims": [{"id": s, "source": s, "status": "REPORTED"}]})
        )
        .await,
        err("CONFLICT", "input.claims[0].id")
    );
    assert_eq!(
        upsert_error(&app, "Collection", json!({"id": a, "name": "x"})).await,
        err("CONFLICT", "input.id")
    );
    // An upsert may not move a node to another collection.
    let other = format!("{c}-other");
    upsert(&app, "Collection", json!({"id": other, "name": "Other"})).await;
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": a, "collection": other, "kind": "PERSON", "name": "x"})
        )
        .await,
        err("CONFLICT", "input.id")
    );
    // A term's id is derived from its key: a node already holding that id blocks the term.
    let taken = format!("{c}:term:event_type:arson");
    upsert(
        &app,
        "Actor",
        json!({"id": taken, "collection": c, "kind": "PERSON", "name": "Arson"}),
    )
    .await;
    assert_eq!(
        upsert_error(
            &app,
            "Term",
            json!({"collection": c, "vocabulary": "EVENT_TYPE", "key": "arson", "label": "Arson"})
        )
        .await,
        err("CONFLICT", "input.key")
    );
    assert_eq!(read(&app, "Actor", &taken).await["name"], "Arson");
    assert_eq!(read(&app, "Actor", &a).await["collection"], c.as_str());
    assert_eq!(read(&app, "Actor", &a).await["name"], "Police");
    assert_eq!(total(&app, "places").await, 0);
    assert_eq!(total(&app, "claims").await, 0);
    assert!(!exists(&app, &id(&app, "e2")).await);
    delete(&app, "Collection", &other).await;
    app.cleanup().await;
}

#[tokio::test]
async fn invalid_urls_languages_coordinates_and_ids_are_bad_user_input_on_their_field() {
    let app = setup().await;
    let c = &app.collection;
    for url in [
        "ftp://example.org/x",
        "not a url",
        "https://",
        "https://exa mple.org",
    ] {
        assert_eq!(
            upsert_error(
                &app,
                "Source",
                json!({"collection": c, "kind": "OTHER", "title": "x", "url": url})
            )
            .await,
            err("BAD_USER_INPUT", "input.url"),
            "{url}"
        );
    }
    assert_eq!(
        upsert_error(
            &app,
            "Source",
            json!({"collection": c, "kind": "OTHER", "title": "x", "language": "english!"})
        )
        .await,
        err("BAD_USER_INPUT", "input.language")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"collection": c, "kind": "CITY", "name": "x", "precision": "EXACT",
            "location": {"latitude": 91.0, "longitude": 0.0}})
        )
        .await,
        err("BAD_USER_INPUT", "input.location.latitude")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"collection": c, "kind": "CITY", "name": "x", "precision": "EXACT",
            "location": {"latitude": 0.0, "longitude": -180.5}})
        )
        .await,
        err("BAD_USER_INPUT", "input.location.longitude")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": "a b", "collection": c, "kind": "PERSON", "name": "x"})
        )
        .await,
        err("BAD_USER_INPUT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": "x'}) DETACH DELETE n //", "collection": c, "kind": "PERSON", "name": "x"})
        )
        .await,
        err("BAD_USER_INPUT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"collection": c, "kind": "PERSON", "name": "   "})
        )
        .await,
        err("BAD_USER_INPUT", "input.name")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"collection": c, "kind": "PERSON", "name": "x", "aliases": ["ok", ""]})
        )
        .await,
        err("BAD_USER_INPUT", "input.aliases[1]")
    );
    assert_eq!(total(&app, "sources").await, 0);
    assert_eq!(total(&app, "places").await, 0);
    assert_eq!(total(&app, "actors").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_page_size_above_the_cap_is_bad_user_input_on_first() {
    let app = setup().await;
    for list in ["events", "actors", "places", "sources", "counts", "claims"] {
        let r = app
            .gql(
                &format!("{{ {list}(first: 1000) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(first_error(&r), err("BAD_USER_INPUT", "first"), "{list}");
    }
    let r = app
        .gql("{ events(last: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "last"));
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// Atomicity: a mutation that fails in its last step leaves nothing written

#[tokio::test]
async fn an_event_upsert_whose_followed_by_names_a_missing_event_writes_nothing() {
    let app = setup().await;
    let p = place(&app, "p", "City").await;
    let s = source(&app, "s", "Report").await;
    let e = id(&app, "e");
    let cl = id(&app, "cl");
    let (code, field) = upsert_error(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raid",
               "date": {"edtf": "2025-01-01"}, "place": p,
               "claims": [{"id": cl, "source": s, "status": "REPORTED"}],
               "followedBy": [id(&app, "missing")]}),
    )
    .await;
    assert_eq!(code, "NOT_FOUND");
    assert!(field.unwrap().starts_with("input.followedBy"));
    assert!(!exists(&app, &e).await, "the event was not written");
    assert!(!exists(&app, &cl).await, "its claim was not written");
    assert_eq!(total(&app, "events").await, 0);
    assert_eq!(total(&app, "claims").await, 0);
    assert_eq!(incoming(&app, &p).await["events"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn an_event_upsert_whose_claim_cites_a_missing_source_writes_nothing() {
    let app = setup().await;
    let p = place(&app, "p", "City").await;
    let s = source(&app, "s", "Report").await;
    let e = id(&app, "e");
    let input = json!({"id": e, "collection": app.collection, "type": "raid", "title": "Raid",
        "date": {"edtf": "2025-01-01"}, "place": p,
        "claims": [{"id": id(&app, "ok"), "source": s, "status": "REPORTED"},
                   {"id": id(&app, "bad"), "source": id(&app, "missing"), "status": "REPORTED"}]});
    assert_eq!(
        upsert_error(&app, "Event", input).await,
        err("NOT_FOUND", "input.claims[1].source")
    );
    assert!(!exists(&app, &e).await);
    assert!(!exists(&app, &id(&app, "ok")).await);
    assert_eq!(total(&app, "events").await, 0);
    assert_eq!(total(&app, "claims").await, 0);
    assert_eq!(incoming(&app, &p).await["events"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn a_failed_upsert_of_an_existing_node_leaves_it_as_it_was() {
    let app = setup().await;
    let p1 = place(&app, "p1", "Old").await;
    let p2 = place(&app, "p2", "New").await;
    let big = event(&app, "big", "Crackdown").await;
    let s = source(&app, "s", "Report").await;
    let e = id(&app, "e");
    upsert(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "raid", "title": "Old title",
        "date": {"edtf": "2025-01-01"}, "place": p1, "partOf": [big],
        "claims": [{"id": id(&app, "cl"), "source": s, "status": "REPORTED", "excerpt": "old"}]}),
    )
    .await;
    let before = read(&app, "Event", &e).await;

    let (code, _) = upsert_error(
        &app,
        "Event",
        json!({"id": e, "collection": app.collection, "type": "detention",
        "title": "New title", "date": {"edtf": "2024"}, "place": p2, "partOf": [],
        "claims": [{"id": id(&app, "cl"), "source": s, "status": "DISPUTED", "excerpt": "new"}],
        "ledTo": [id(&app, "missing")]}),
    )
    .await;
    assert_eq!(code, "NOT_FOUND");
    assert_eq!(read(&app, "Event", &e).await, before);

    let pa_input = json!({"id": id(&app, "pa"), "collection": app.collection, "event": e,
        "actor": id(&app, "nobody"), "role": "target"});
    assert_eq!(
        upsert_error(&app, "Participation", pa_input).await,
        err("NOT_FOUND", "input.actor")
    );
    assert!(!exists(&app, &id(&app, "pa")).await);
    let participants = node_with(&app, &e, "... on Event { participants { id } }").await;
    assert_eq!(participants["participants"], json!([]));
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
// User values reach Cypher only as parameters

const HOSTILE: &[&str] = &[
    "O'Brien said \"stop\" \\ and left",
    "x'}) DETACH DELETE n //",
    "' OR 1=1 //",
    "\" OR true RETURN n //",
    "$collections",
    "{id: $id} } MATCH (m) DETACH DELETE m",
    "first line\nsecond line\r\nthird",
    "Задержания мигрантов в Санкт-Петербурге «Фонтанка»",
    "Oʻzbekiston fuqarolari qoʻlga olindi",
    "Ўзбекистон фуқаролари ҳибсга олинди",
    "tab\tinside, emoji 🚓, combining é, RTL مرحبا",
    "\\u0000 and \\n as text",
];

#[tokio::test]
async fn hostile_and_non_latin_text_is_written_and_read_back_unchanged() {
    let app = TestApp::spawn().await;
    let c = &app.collection;
    upsert(
        &app,
        "Collection",
        json!({"id": c, "name": HOSTILE[1], "description": HOSTILE[6]}),
    )
    .await;
    upsert(
        &app,
        "Term",
        json!({"collection": c, "vocabulary": "EVENT_TYPE", "key": "raid", "label": HOSTILE[2],
        "description": HOSTILE[4]}),
    )
    .await;
    upsert(&app, "Term", json!({"collection": c, "vocabulary": "PARTICIPANT_ROLE", "key": "target", "label": HOSTILE[7]})).await;
    assert_eq!(read(&app, "Collection", c).await["name"], HOSTILE[1]);
    assert_eq!(read(&app, "Collection", c).await["description"], HOSTILE[6]);
    let term = read(&app, "Term", &format!("{c}:term:event_type:raid")).await;
    assert_eq!(
        (term["label"].as_str(), term["description"].as_str()),
        (Some(HOSTILE[2]), Some(HOSTILE[4]))
    );

    let s = id(&app, "s");
    let written = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": c, "kind": "NEWS_REPORT", "title": HOSTILE[3],
        "published": {"edtf": "2025-01-02", "basis": HOSTILE[5]}}),
    )
    .await;
    assert_eq!(written["title"], HOSTILE[3]);
    assert_eq!(written["published"]["basis"], HOSTILE[5]);
    let cited = id(&app, "cited");
    upsert(
        &app,
        "Source",
        json!({"id": cited, "collection": c, "kind": "OTHER", "title": HOSTILE[9]}),
    )
    .await;

    for (i, text) in HOSTILE.iter().enumerate() {
        // Names, titles and other one-line fields refuse line breaks and tabs (a rule of their own,
        // in mutations_rules.rs); they get the text on one line, paragraphs get it as it is.
        let line = &text.replace(['\n', '\r', '\t'], " ");
        let a = id(&app, &format!("actor-{i}"));
        let p = id(&app, &format!("place-{i}"));
        let e = id(&app, &format!("event-{i}"));
        let pa = id(&app, &format!("pa-{i}"));
        let k = id(&app, &format!("count-{i}"));
        let cl = id(&app, &format!("claim-{i}"));
        let actor = upsert(
            &app,
            "Actor",
            json!({"id": a, "collection": c, "kind": "GROUP", "name": line,
            "aliases": [line], "description": text}),
        )
        .await;
        let place = upsert(
            &app,
            "Place",
            json!({"id": p, "collection": c, "kind": "AREA", "name": line,
            "aliases": [line], "description": text, "precision": "UNKNOWN"}),
        )
        .await;
        let event = upsert(&app, "Event", json!({"id": e, "collection": c, "type": "raid", "title": line,
            "description": text, "date": {"edtf": "2025-01", "inferred": true, "basis": text}, "place": p,
            "claims": [{"id": cl, "source": s, "status": "REPORTED", "excerpt": text, "note": text}]})).await;
        let part = upsert(
            &app,
            "Participation",
            json!({"id": pa, "collection": c, "event": e, "actor": a,
            "role": "target", "description": text}),
        )
        .await;
        let figure = upsert(
            &app,
            "Count",
            json!({"id": k, "collection": c, "event": e, "subject": line,
            "value": 1, "qualifier": "ABOUT", "unit": line, "subgroup": line, "wording": line}),
        )
        .await;
        for (kind, id, written) in [
            ("Actor", &a, &actor),
            ("Place", &p, &place),
            ("Event", &e, &event),
            ("Participation", &pa, &part),
            ("Count", &k, &figure),
        ] {
            assert_eq!(&read(&app, kind, id).await, written, "{kind} {i}");
        }
        for (value, what, paragraph) in [
            (&actor["name"], "actor name", false),
            (&actor["aliases"][0], "alias", false),
            (&actor["description"], "description", true),
            (&place["name"], "place name", false),
            (&event["title"], "title", false),
            (&event["date"]["basis"], "basis", true),
            (&event["claims"][0]["excerpt"], "excerpt", true),
            (&event["claims"][0]["note"], "note", true),
            (&part["description"], "participation", true),
            (&figure["subject"], "subject", false),
            (&figure["unit"], "unit", false),
            (&figure["subgroup"], "subgroup", false),
            (&figure["wording"], "wording", false),
        ] {
            let expected = if paragraph { *text } else { line.as_str() };
            assert_eq!(value.as_str(), Some(expected), "{what} of {i}");
        }
        // Text filters take the value as a parameter too, and find it.
        let found = app
            .data(
                "query($c: [ID!], $t: String) { events(collections: $c, filter: {text: $t}) { nodes { id } }
                   actors(collections: $c, filter: {text: $t}) { nodes { id } } }",
                json!({"c": [c], "t": text}),
            )
            .await;
        assert!(
            ids(&found["events"]["nodes"]).contains(&e),
            "event {i} found by its text"
        );
        assert!(
            ids(&found["actors"]["nodes"]).contains(&a),
            "actor {i} found by its text"
        );
        // Patches and links carry the text the same way.
        let q = "mutation($id: ID!, $t: String) { updateActor(id: $id, patch: {description: $t}) { description } }";
        assert_eq!(
            app.data(q, json!({"id": a, "t": text})).await["updateActor"]["description"],
            *text
        );
        app.data(
            LINK,
            json!({"r": "SOURCE_CITES", "from": s, "to": cited, "excerpt": text}),
        )
        .await;
        assert_eq!(
            outgoing(&app, &s).await["cites"][0]["excerpt"],
            *text,
            "citation excerpt {i}"
        );
    }
    let rated = app
        .data(
            RATE,
            json!({"id": id(&app, "claim-0"), "status": "DISPUTED", "note": HOSTILE[1]}),
        )
        .await;
    assert_eq!(rated["rateClaim"]["note"], HOSTILE[1]);
    // Nothing was lost along the way (a `DETACH DELETE` run from text would show here).
    let n = HOSTILE.len() as i64;
    assert_eq!(total(&app, "actors").await, n);
    assert_eq!(total(&app, "places").await, n);
    assert_eq!(total(&app, "events").await, n);
    assert_eq!(total(&app, "counts").await, n);
    assert_eq!(total(&app, "claims").await, n);
    assert_eq!(total(&app, "sources").await, 2);
    app.cleanup().await;
}

#[tokio::test]
async fn a_patch_computed_from_a_stale_read_is_a_conflict_and_does_not_undo_the_other_write() {
    use casegraph::store::{read, write, Scope};
    let app = setup().await;
    let e = event(&app, "race", "First title").await;
    let db = app.store.session(Scope::all());
    // What a patch would have read...
    let stale = read::nodes_by_id(&db, std::slice::from_ref(&e))
        .await
        .unwrap()
        .remove(&e)
        .unwrap();
    // ...before another write landed.
    update(&app, "Event", &e, json!({"title": "Second title"})).await;
    let outcome = db
        .write(|tx| {
            let stale = stale.clone();
            Box::pin(async move { write::expect_unchanged(tx, &stale).await })
        })
        .await;
    match outcome {
        Err(err) => assert_eq!(err.code(), "CONFLICT"),
        Ok(()) => panic!("a stale patch was accepted"),
    }
    assert_eq!(read(&app, "Event", &e).await["title"], "Second title");
    // A fresh read passes the same check.
    let fresh = read::nodes_by_id(&db, std::slice::from_ref(&e))
        .await
        .unwrap()
        .remove(&e)
        .unwrap();
    db.write(|tx| Box::pin(async move { write::expect_unchanged(tx, &fresh).await }))
        .await
        .expect("an unchanged node passes");
    app.cleanup().await;
}
