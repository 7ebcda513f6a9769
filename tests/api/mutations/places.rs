//! Places: upserts, patches, deletes.

use serde_json::{json, Value};

use crate::helpers::*;

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
    let children = node_with(&app, &russia, "... on Place { children { nodes { id } } }").await;
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
