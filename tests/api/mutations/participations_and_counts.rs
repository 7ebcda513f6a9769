//! Participations and counts: upserts, patches, deletes, breakdowns.

use serde_json::{json, Value};

use crate::helpers::*;

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
        "... on Event { participants { nodes { id role actor { id name } } } }",
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
        "... on Actor { participations { nodes { id } } events { nodes { id } } }",
    )
    .await;
    assert_eq!(old, json!({"participations": [], "events": []}));
    let new = node_with(
        &app,
        &fms,
        "... on Actor { events(role: \"target\") { nodes { id } } }",
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
    let old = node_with(
        &app,
        &police,
        "... on Actor { participations { nodes { id } } }",
    )
    .await;
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
    let old = node_with(
        &app,
        &raid,
        "... on Event { participants { nodes { id } } }",
    )
    .await;
    assert_eq!(old["participants"], json!([]));
    let new = node_with(
        &app,
        &detention,
        "... on Event { participants { nodes { id } } }",
    )
    .await;
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
    let breakdown = node_with(
        &app,
        &detained,
        "... on Count { breakdown { nodes { id } } }",
    )
    .await;
    assert_eq!(ids(&breakdown["breakdown"]), vec![women.clone()]);
    let counts = node_with(&app, &e, "... on Event { counts { nodes { id } } }").await;
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
    let breakdown = node_with(
        &app,
        &detained,
        "... on Count { breakdown { nodes { id } } }",
    )
    .await;
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
