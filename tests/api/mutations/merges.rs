//! Merges of duplicate actors and places.

use serde_json::json;

use crate::helpers::*;

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
                members {{ nodes {{ id }} }} subordinates {{ nodes {{ id }} }} publications {{ nodes {{ id }} }}
                participations {{ nodes {{ id role claims {{ nodes {{ id }} }} }} }} }} }}"
            ),
            json!({"k": keep, "d": dup}),
        )
        .await["mergeActors"]
        .clone();
    let merged = flat(merged);
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
    let members = node_with(&app, &ministry, "... on Actor { members { nodes { id } } }").await;
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
                children {{ nodes {{ id }} }} events {{ nodes {{ id }} }} }} }}"
            ),
            json!({"k": keep, "d": dup}),
        )
        .await["mergePlaces"]
        .clone();
    let merged = flat(merged);
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
    let children = node_with(&app, &region, "... on Place { children { nodes { id } } }").await;
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
            "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { parent { id } children { nodes { id } } aliases } }",
            json!({"k": keep, "d": dup}),
        )
        .await["mergePlaces"]
        .clone();
    let merged = flat(merged);
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
            "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { memberOf { nodes { id } } members { nodes { id } } } }",
            json!({"k": keep, "d": dup}),
        )
        .await["mergeActors"]
        .clone();
    let merged = flat(merged);
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
