//! Claims: adding, re-rating, deleting.

use serde_json::json;

use crate::helpers::*;

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
    let on_event = node_with(&app, &e, "... on Event { claims { nodes { id } } }").await;
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
    let provenance = "... on Event { claims { nodes { id status } } provenance { claimCount standingClaimCount sourceCount confirmed statuses } }";
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
    let left = node_with(&app, &s, "... on Source { claims { nodes { id } } }").await;
    assert_eq!(ids(&left["claims"]), vec![c2.clone()]);
    let left = node_with(&app, &e, "... on Event { claims { nodes { id } } }").await;
    assert_eq!(ids(&left["claims"]), vec![c2.clone()]);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
