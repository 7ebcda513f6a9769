//! Actors: upserts, patches, deletes.

use serde_json::{json, Value};

use crate::helpers::*;

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
    let members = node_with(&app, &ministry, "... on Actor { members { nodes { id } } }").await;
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
    let after = flat(after);
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
    let after = flat(after);
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
    let after = flat(after);
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
    let participants = node_with(&app, &e, "... on Event { participants { nodes { id } } }").await;
    assert_eq!(ids(&participants["participants"]), vec![kept.clone()]);
    assert_eq!(total(&app, "claims").await, 1);

    // Deleting a publisher leaves its sources without one.
    delete(&app, "Actor", &outlet).await;
    assert_eq!(read(&app, "Source", &s).await["publisher"], Value::Null);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
