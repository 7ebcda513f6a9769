//! The events' region relationships (`records::region_keys`: an event's `IN_REGION` to its place
//! and to every place above it) stay exact through every writer: after each scenario the stored
//! relationships of every event of the test's collection are compared with a derivation from
//! scratch (`region_check::region_mismatches`: missing ones and stale or extra ones both fail). The same
//! check runs in every test's `cleanup`, so a writer used by any other test is checked too.

use std::sync::Arc;

use casegraph::{
    import::bulk,
    store::{Scope, Statement, Store},
};
use serde_json::{json, Value};

use crate::{
    helpers::*,
    import::{ndjson, temp_file},
    region_check::{assert_regions_exact, region_mismatches},
};

/// The regions each event of the collection is in, as `event -> [place ids]`, sorted: what the read
/// path will see, in a form a scenario can state.
async fn regions(app: &TestApp) -> Vec<String> {
    let rows: Vec<String> = app
        .store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (a:Node {collection: $c}) WHERE a:Event \
                 WITH a, COLLECT { MATCH (a)-[r:IN_REGION]->() RETURN r.regionId ORDER BY r.regionId } AS ids \
                 RETURN a.id + ' ' + reduce(s = '', x IN ids | s + '<' + x) AS row",
            )
            .param("c", &app.collection),
        )
        .await
        .expect("read the regions");
    let prefix = format!("{}:", app.collection);
    let mut out: Vec<String> = rows.into_iter().map(|r| r.replace(&prefix, "")).collect();
    out.sort();
    out
}

/// Checks the relationships against the derivation and returns [`regions`].
async fn exact(app: &TestApp) -> Vec<String> {
    assert_regions_exact(&app.store, &app.collection).await;
    regions(app).await
}

/// The element ids of the region relationships of the collection's events: the same ids before and
/// after a write mean it rewrote none of them.
async fn element_ids(app: &TestApp) -> Vec<String> {
    let mut ids: Vec<String> = app
        .store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (a:Node {collection: $c})-[r:IN_REGION]->() WHERE a:Event \
                 RETURN elementId(r) AS row",
            )
            .param("c", &app.collection),
        )
        .await
        .expect("read the relationships' ids");
    ids.sort();
    ids
}

async fn place_within(app: &TestApp, local: &str, within: Option<&str>) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Place",
        json!({"id": id, "collection": app.collection, "kind": "CITY", "name": local,
               "precision": "CITY", "within": within}),
    )
    .await;
    id
}

async fn event_at(app: &TestApp, local: &str, place: Option<&str>, edtf: &str) -> String {
    let id = id(app, local);
    upsert(
        app,
        "Event",
        json!({"id": id, "collection": app.collection, "type": "raid", "title": local,
               "date": {"edtf": edtf}, "place": place}),
    )
    .await;
    id
}

/// The stored copies of one event's relationships: `regionId spanClass sortDate`, sorted.
async fn copies(app: &TestApp, event: &str) -> Vec<String> {
    let mut rows: Vec<String> = app
        .store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (a:Node {id: $id})-[r:IN_REGION]->() \
                 RETURN r.regionId + ' ' + toString(r.spanClass) + ' ' + r.sortDate AS row",
            )
            .param("id", event),
        )
        .await
        .expect("read the copies");
    let prefix = format!("{}:", app.collection);
    rows.iter_mut().for_each(|r| *r = r.replace(&prefix, ""));
    rows.sort();
    rows
}

#[tokio::test]
async fn an_event_s_regions_follow_its_place_and_its_date() {
    let app = setup().await;
    let country = place_within(&app, "country", None).await;
    let city = place_within(&app, "city", Some(&country)).await;
    let district = place_within(&app, "district", Some(&city)).await;
    let other = place_within(&app, "other", None).await;

    let raid = event_at(&app, "raid", Some(&district), "2025-01-01").await;
    assert_eq!(exact(&app).await, ["raid <city<country<district"]);
    assert_eq!(
        copies(&app, &raid).await,
        [
            "city 0 2025-01-01",
            "country 0 2025-01-01",
            "district 0 2025-01-01"
        ]
    );

    // A new date: every copy follows (a month spans 31 days: class 5).
    update(&app, "Event", &raid, json!({"date": {"edtf": "2024-12"}})).await;
    assert_eq!(exact(&app).await, ["raid <city<country<district"]);
    assert_eq!(
        copies(&app, &raid).await,
        [
            "city 5 2024-12-01",
            "country 5 2024-12-01",
            "district 5 2024-12-01"
        ]
    );

    // Another place, by a patch, by `link` (a to-one relation: it replaces), by an upsert.
    update(&app, "Event", &raid, json!({"place": city})).await;
    assert_eq!(exact(&app).await, ["raid <city<country"]);
    assert!(link(&app, "EVENT_AT", &raid, &other).await);
    assert_eq!(exact(&app).await, ["raid <other"]);
    event_at(&app, "raid", Some(&district), "2024-12").await;
    assert_eq!(exact(&app).await, ["raid <city<country<district"]);

    // No place: unlinked, or upserted without one.
    assert!(unlink(&app, "EVENT_AT", &raid, &district).await);
    assert_eq!(exact(&app).await, ["raid "]);
    event_at(&app, "raid", Some(&city), "2024-12").await;
    assert_eq!(exact(&app).await, ["raid <city<country"]);
    event_at(&app, "raid", None, "2024-12").await;
    assert_eq!(exact(&app).await, ["raid "]);

    // Deleted, it takes its relationships with it.
    let second = event_at(&app, "second", Some(&district), "2025").await;
    assert_eq!(
        exact(&app).await,
        ["raid ", "second <city<country<district"]
    );
    delete(&app, "Event", &second).await;
    delete(&app, "Event", &raid).await;
    assert!(exact(&app).await.is_empty());
    app.cleanup().await;
}

/// country > city > district > street, and a second country; events at each level.
async fn hierarchy(app: &TestApp) -> [String; 5] {
    let country = place_within(app, "country", None).await;
    let city = place_within(app, "city", Some(&country)).await;
    let district = place_within(app, "district", Some(&city)).await;
    let street = place_within(app, "street", Some(&district)).await;
    let abroad = place_within(app, "abroad", None).await;
    event_at(app, "e-city", Some(&city), "2025-01-01").await;
    event_at(app, "e-district", Some(&district), "2025-01-02").await;
    event_at(app, "e-street", Some(&street), "2025-01-03").await;
    event_at(app, "e-abroad", Some(&abroad), "2025-01-04").await;
    [country, city, district, street, abroad]
}

#[tokio::test]
async fn moving_a_place_moves_everything_below_it_and_setting_the_same_parent_rewrites_nothing() {
    let app = setup().await;
    let [country, city, district, street, abroad] = hierarchy(&app).await;
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <city<country",
            "e-district <city<country<district",
            "e-street <city<country<district<street"
        ]
    );

    // The district (with its street and their events) moves abroad: by `link`, which replaces.
    assert!(link(&app, "PLACE_WITHIN", &district, &abroad).await);
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <city<country",
            "e-district <abroad<district",
            "e-street <abroad<district<street"
        ]
    );
    // Back under the city by an upsert of the district, then the city into the other country by a
    // patch: the grandchildren follow.
    place_within(&app, "district", Some(&city)).await;
    update(&app, "Place", &city, json!({"within": abroad})).await;
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <abroad<city",
            "e-district <abroad<city<district",
            "e-street <abroad<city<district<street"
        ]
    );

    // The same parent again, by an upsert, a patch and `link`: nothing below is rewritten.
    let before = element_ids(&app).await;
    place_within(&app, "city", Some(&abroad)).await;
    update(&app, "Place", &district, json!({"within": city})).await;
    assert!(!link(&app, "PLACE_WITHIN", &street, &district).await);
    update(&app, "Place", &city, json!({"name": "The city"})).await;
    assert_eq!(
        element_ids(&app).await,
        before,
        "nothing moved, nothing rewritten"
    );

    // Unlinked from its parent, or upserted without one, a place takes its subtree out.
    assert!(unlink(&app, "PLACE_WITHIN", &city, &abroad).await);
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <city",
            "e-district <city<district",
            "e-street <city<district<street"
        ]
    );
    place_within(&app, "city", Some(&country)).await;
    place_within(&app, "district", None).await;
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <city<country",
            "e-district <district",
            "e-street <district<street"
        ]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_place_takes_its_events_out_of_every_region_and_its_children_out_of_those_above()
{
    let app = setup().await;
    let [_, city, _, _, _] = hierarchy(&app).await;
    // The city goes: its event is at no place, the district becomes a root with what is below it.
    delete(&app, "Place", &city).await;
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city ",
            "e-district <district",
            "e-street <district<street"
        ]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn merging_places_moves_the_duplicate_s_events_and_children_and_the_kept_place_s_subtree() {
    let app = setup().await;
    let [country, city, district, _, abroad] = hierarchy(&app).await;
    const MERGE: &str =
        "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { id } }";
    // A duplicate of the city, elsewhere, with an event and a child of its own (with an event).
    let dup = place_within(&app, "city-dup", Some(&abroad)).await;
    let quarter = place_within(&app, "quarter", Some(&dup)).await;
    event_at(&app, "e-dup", Some(&dup), "2025-02-01").await;
    event_at(&app, "e-quarter", Some(&quarter), "2025-02-02").await;
    app.data(MERGE, json!({"k": city, "d": dup})).await;
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <city<country",
            "e-district <city<country<district",
            "e-dup <city<country",
            "e-quarter <city<country<quarter",
            "e-street <city<country<district<street"
        ]
    );

    // A root kept place takes the duplicate's parent: everything below it moves.
    let town = place_within(&app, "town", None).await;
    event_at(&app, "e-town", Some(&town), "2025-03-01").await;
    let town_dup = place_within(&app, "town-dup", Some(&abroad)).await;
    app.data(MERGE, json!({"k": town, "d": town_dup})).await;
    assert!(exact(&app)
        .await
        .contains(&"e-town <abroad<town".to_string()));

    // The duplicate is the kept place's parent: the kept place takes the duplicate's parent.
    app.data(MERGE, json!({"k": district, "d": city})).await;
    assert_eq!(
        exact(&app).await,
        [
            "e-abroad <abroad",
            "e-city <country<district",
            "e-district <country<district",
            "e-dup <country<district",
            "e-quarter <country<district<quarter",
            "e-street <country<district<street",
            "e-town <abroad<town"
        ]
    );

    // The duplicate lies above the kept place: its child on the way down cannot move under the
    // kept place (a loop) and becomes a root, with the kept place below it.
    let region = place_within(&app, "region", Some(&abroad)).await;
    let area = place_within(&app, "area", Some(&region)).await;
    let spot = place_within(&app, "spot", Some(&area)).await;
    event_at(&app, "e-spot", Some(&spot), "2025-04-01").await;
    event_at(&app, "e-area", Some(&area), "2025-04-02").await;
    app.data(MERGE, json!({"k": spot, "d": region})).await;
    let after = exact(&app).await;
    assert!(after.contains(&"e-area <area".to_string()), "{after:?}");
    assert!(
        after.contains(&"e-spot <area<spot".to_string()),
        "{after:?}"
    );
    let _ = country;
    app.cleanup().await;
}

#[tokio::test]
async fn merging_events_is_refused_and_moves_nothing() {
    let app = setup().await;
    let [_, city, ..] = hierarchy(&app).await;
    let twin = event_at(&app, "twin", Some(&city), "2025-01-01").await;
    let before = element_ids(&app).await;
    // Only actors and places merge: there is no mutation for events.
    let response = app
        .gql(
            "mutation($k: ID!, $d: ID!) { mergeEvents(keep: $k, duplicate: $d) { id } }",
            json!({"k": id(&app, "e-city"), "d": twin}),
        )
        .await;
    assert_eq!(first_error(&response).0, "GRAPHQL_VALIDATION_FAILED");
    assert_eq!(element_ids(&app).await, before);
    exact(&app).await;
    app.cleanup().await;
}

#[tokio::test]
async fn a_relation_drawn_with_its_evidence_places_the_event() {
    let app = setup().await;
    let [_, city, ..] = hierarchy(&app).await;
    let e = event_at(&app, "evidenced", None, "2025-05-01").await;
    app.data(
        "mutation($from: ID!, $to: ID!) { link(relation: EVENT_AT, from: $from, to: $to, \
           inference: {reasoning: \"the report names the city\"}) { changed } }",
        json!({"from": e, "to": city}),
    )
    .await;
    assert!(exact(&app)
        .await
        .contains(&"evidenced <city<country".to_string()));
    app.cleanup().await;
}

/// Every fact of a data file rests on a claim: one citing the file's report.
fn claims(app: &TestApp, local: &str) -> Value {
    json!([{"id": format!("{}:{local}:claim", app.collection), "source": id(app, "report"),
            "excerpt": "as reported", "status": "REPORTED"}])
}

/// A file for the test's collection: a place given before its parent (its `within` is put off), an
/// event before its place (its `place` is put off), and events at every level.
fn file(app: &TestApp) -> Value {
    let c = &app.collection;
    let id = |local: &str| format!("{c}:{local}");
    let place = |local: &str, within: Option<String>| json!({"id": id(local), "kind": "CITY", "name": local, "precision": "CITY", "within": within});
    let event = |local: &str, place: &str| {
        json!({"id": id(local), "type": "raid", "title": local, "date": {"edtf": "2025-01-01"},
               "place": id(place), "claims": claims(app, local)})
    };
    json!({
        "format": "casegraph/v1",
        "collection": {"id": c, "name": "regions"},
        "terms": [{"vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid"}],
        "sources": [{"id": id("report"), "kind": "NEWS_REPORT", "title": "A report"}],
        "places": [place("district", Some(id("city"))), place("city", Some(id("country"))),
                   place("country", None)],
        "events": [event("e-district", "district"), event("e-city", "city"),
                   event("e-country", "country")],
    })
}

async fn import(store: &Arc<Store>, path: &str, restart: bool) {
    let options = bulk::Options {
        batch_size: 2,
        restart,
        ..bulk::Options::default()
    };
    let report = bulk::import(store, path, &options)
        .await
        .expect("the import");
    assert!(report.skipped.is_empty());
}

#[tokio::test]
async fn an_import_writes_the_regions_and_importing_again_rewrites_none_of_the_places() {
    let app = TestApp::spawn().await;
    let mut doc = file(&app);
    // The streamed import reads records in the file's order: an event before its place (last in
    // the file, below the district), so its `place` is put off until the file is written.
    doc["events"].as_array_mut().unwrap().push(json!({
        "id": id(&app, "e-early"), "type": "raid", "title": "early", "date": {"edtf": "2025-01"},
        "place": id(&app, "later"), "claims": claims(&app, "e-early")}));
    let later = json!({"id": id(&app, "later"), "kind": "CITY", "name": "later",
                       "precision": "CITY", "within": id(&app, "district")});
    let mut text = ndjson(&doc);
    let mut line = later.clone();
    line["record"] = json!("place");
    text.push_str(&format!("{line}\n"));
    doc["places"].as_array_mut().unwrap().push(later);
    let path = temp_file("regions.ndjson", &text);
    let path = path.to_str().unwrap();

    import(&app.store, path, false).await;
    let expected = [
        "e-city <city<country",
        "e-country <country",
        "e-district <city<country<district",
        "e-early <city<country<district<later",
    ];
    assert_eq!(exact(&app).await, expected);

    // Again (every batch skipped), then again from scratch (every record written again).
    let before = element_ids(&app).await;
    import(&app.store, path, false).await;
    assert_eq!(element_ids(&app).await, before);
    import(&app.store, path, true).await;
    assert_eq!(exact(&app).await, expected);

    // The same records as one document, in one transaction (`import_json`).
    casegraph::import::import_json(&app.store, &doc.to_string())
        .await
        .expect("the document import");
    assert_eq!(exact(&app).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn re_importing_places_under_the_parents_they_have_rewrites_no_event_s_regions() {
    let app = TestApp::spawn().await;
    let doc = file(&app);
    let path = temp_file("regions-places.ndjson", &ndjson(&doc));
    let path = path.to_str().unwrap();
    import(&app.store, path, false).await;
    let before = element_ids(&app).await;
    assert_eq!(before.len(), 6);
    // Only the places again (their events stay as they are): nothing below them moves.
    let mut places = doc.clone();
    places["events"] = json!([]);
    let path = temp_file("regions-places-only.ndjson", &ndjson(&places));
    import(&app.store, path.to_str().unwrap(), true).await;
    assert_eq!(element_ids(&app).await, before);
    exact(&app).await;
    app.cleanup().await;
}

#[tokio::test]
async fn the_backfill_rebuilds_the_regions_of_events_that_have_none() {
    let app = setup().await;
    hierarchy(&app).await;
    let expected = exact(&app).await;
    let _: Vec<i64> = app
        .store
        .session(Scope::all())
        .write(|tx| {
            Box::pin(
                tx.rows(
                    Statement::new(
                        "MATCH (a:Node {collection: $c})-[r:IN_REGION]->() WHERE a:Event \
                         DELETE r RETURN count(*) AS row",
                    )
                    .param("c", app.collection.clone()),
                ),
            )
        })
        .await
        .expect("remove the relationships");
    assert!(!region_mismatches(&app.store, &app.collection)
        .await
        .is_empty());
    app.store.migrate().await.expect("the migrations");
    assert_eq!(exact(&app).await, expected);
    app.cleanup().await;
}

/// The refresh starts from the id seeks of the events, or of the places it walks down from: never
/// from a label or an index scan (`EXPLAIN`; the mutation and import plan tests catch the others).
#[tokio::test]
async fn every_region_statement_starts_from_an_id_seek() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::all());
    for statement in casegraph::store::write::region_statements() {
        let text = statement.text().to_string();
        let ops = casegraph::store::plans::plan_operators(&db, statement)
            .await
            .unwrap_or_else(|e| panic!("{}: {text}", e.detail()));
        assert!(
            ops.iter().any(|o| o.starts_with("NodeUniqueIndexSeek")),
            "{ops:?}\n{text}"
        );
        crate::plans::assert_no_scan(&text, &ops);
        assert!(
            !ops.iter()
                .any(|o| o.contains("LabelScan") || o.contains("IndexScan")),
            "{ops:?}\n{text}"
        );
    }
}

/// north and south, a city in north, a district in the city: what the concurrent tests move.
async fn two_countries(app: &TestApp) -> [String; 4] {
    let north = place_within(app, "north", None).await;
    let south = place_within(app, "south", None).await;
    let city = place_within(app, "city", Some(&north)).await;
    let district = place_within(app, "district", Some(&city)).await;
    [north, south, city, district]
}

/// Runs a mutation as a client told "try again" would: a write that still deadlocks after the
/// service's own retries (`Db::write`) comes back with `DATABASE_UNAVAILABLE`, nothing written.
async fn until_written(app: &TestApp, query: &str, variables: Value) {
    for _ in 0..20 {
        let response = app.gql(query, variables.clone()).await;
        match response.get("errors") {
            None => return,
            Some(e) if e[0]["extensions"]["code"] == "DATABASE_UNAVAILABLE" => continue,
            Some(e) => panic!("unexpected errors: {e:#}"),
        }
    }
    panic!("still refused after 20 tries: {query}");
}

/// Three writers at once: one moves a city between two countries, one puts new events in a
/// district of that city, one moves an event between the district and the city. They take the same
/// locks in different orders, so some deadlock and are run again (by the service, then by the
/// client); none may be lost, and no event may keep a stale region. (The race between a move and an
/// event write has a test of its own, in a fixed order: the next one.)
#[tokio::test]
async fn a_place_moved_while_events_below_it_are_written_leaves_no_stale_region() {
    let app = setup().await;
    let [north, south, city, district] = two_countries(&app).await;
    let moving = event_at(&app, "moving", None, "2025-02-01").await;
    const ROUNDS: usize = 20;
    let link = |from: String, relation: &'static str, to: String| {
        until_written(&app, LINK, json!({"r": relation, "from": from, "to": to}))
    };
    let moves = async {
        for i in 0..ROUNDS {
            let to = if i % 2 == 0 { &south } else { &north };
            link(city.clone(), "PLACE_WITHIN", to.clone()).await;
        }
    };
    let writes = async {
        for i in 0..ROUNDS {
            let input = json!({"id": id(&app, &format!("e{i:02}")), "collection": app.collection,
                "type": "raid", "title": "e", "date": {"edtf": "2025-01-01"}, "place": district});
            until_written(&app, &upsert_mutation("Event"), json!({ "input": input })).await;
        }
    };
    let relinks = async {
        for i in 0..ROUNDS {
            let to = if i % 2 == 0 { &district } else { &city };
            link(moving.clone(), "EVENT_AT", to.clone()).await;
        }
    };
    tokio::join!(moves, writes, relinks);
    let wrong = region_mismatches(&app.store, &app.collection).await;
    assert!(
        wrong.is_empty(),
        "stale after concurrent writes:\n{}",
        wrong.join("\n")
    );
    // Every write landed: the city ends where the last move put it, with the new events below it.
    assert_eq!(
        regions(&app)
            .await
            .iter()
            .filter(|r| r.ends_with("<city<district<north"))
            .count(),
        ROUNDS
    );
    app.cleanup().await;
}

/// The race itself, in a fixed order: a move of the city stays open (uncommitted) while an event
/// is put in its district, and the event's transaction stays open until the move has committed and
/// checked. So the event's transaction read the city's old country, and the move's refresh and
/// check ran before the event was committed: only the event's own check after its commit (the
/// moves' counter changed meanwhile) puts it in the new country.
#[tokio::test]
async fn an_event_placed_under_a_move_not_yet_committed_ends_in_the_new_region() {
    use casegraph::domain::{NodeId, Relation};
    let app = setup().await;
    let [_, south, city, district] = two_countries(&app).await;
    let event = event_at(&app, "event", None, "2025-01-01").await;
    let ids = |x: &str| NodeId::parse(x).unwrap();
    let (city, south, district, event) = (ids(&city), ids(&south), ids(&district), ids(&event));
    let (moving_tx, moving) = tokio::sync::watch::channel(false);
    let (done_tx, done) = tokio::sync::watch::channel(false);
    let db = app.store.session(Scope::all());
    let mover = async {
        db.write(|tx| {
            let (city, south, moving_tx) = (city.clone(), south.clone(), moving_tx.clone());
            Box::pin(async move {
                casegraph::store::write::link_one(
                    tx,
                    Relation::PlaceWithin,
                    &city,
                    &south,
                    None,
                    false,
                )
                .await?;
                let _ = moving_tx.send(true);
                // Long enough for the event's transaction to read the hierarchy (or to wait for
                // this one's lock on the city, which it holds until the commit).
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                Ok(())
            })
        })
        .await
        .expect("the move commits");
        let _ = done_tx.send(true);
    };
    let placer = async {
        let mut moving = moving.clone();
        moving.wait_for(|m| *m).await.unwrap();
        db.write(|tx| {
            let (event, district, mut done) = (event.clone(), district.clone(), done.clone());
            Box::pin(async move {
                casegraph::store::write::link_one(
                    tx,
                    Relation::EventAt,
                    &event,
                    &district,
                    None,
                    false,
                )
                .await?;
                done.wait_for(|d| *d).await.expect("the mover reports");
                Ok(())
            })
        })
        .await
        .expect("the event is placed");
    };
    tokio::join!(mover, placer);
    assert_eq!(exact(&app).await, ["event <city<district<south"]);
    app.cleanup().await;
}

/// A refresh rebuilds only what is wrong: an event upserted again as it is, or patched in a field
/// its relationships do not copy, keeps them (same element ids: no write, none of its places'
/// locks); a new date rewrites that event's, and only its.
#[tokio::test]
async fn an_event_written_again_unchanged_keeps_its_relationships() {
    let app = setup().await;
    let [_, _, district, ..] = hierarchy(&app).await;
    let before = element_ids(&app).await;
    assert_eq!(before.len(), 10);
    let event = event_at(&app, "e-district", Some(&district), "2025-01-02").await;
    assert_eq!(element_ids(&app).await, before);
    update(&app, "Event", &event, json!({"title": "renamed"})).await;
    assert_eq!(element_ids(&app).await, before);
    update(
        &app,
        "Event",
        &event,
        json!({"date": {"edtf": "2025-02-02"}}),
    )
    .await;
    let after = element_ids(&app).await;
    assert_eq!(after.len(), 10);
    // The district's event has three (district, city, country): those are new, the other seven kept.
    assert_eq!(after.iter().filter(|id| before.contains(id)).count(), 7);
    exact(&app).await;
    app.cleanup().await;
}
