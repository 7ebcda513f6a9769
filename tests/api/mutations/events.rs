//! Events: upserts, patches, deletes.

use serde_json::{json, Value};

use crate::helpers::*;

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
    let back = node_with(&app, &big, "... on Event { parts { nodes { id } } }").await;
    assert_eq!(ids(&back["parts"]), vec![e.clone()]);
    let back = node_with(&app, &next, "... on Event { precededBy { nodes { id } } }").await;
    assert_eq!(ids(&back["precededBy"]), vec![e.clone()]);
    let back = node_with(&app, &later, "... on Event { causedBy { nodes { id } } }").await;
    assert_eq!(ids(&back["causedBy"]), vec![e.clone()]);
    let back = node_with(&app, &p, "... on Place { events { nodes { id } } }").await;
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
    let after = flat(after);
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
    let after = flat(after);
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
    let rest = node_with(&app, &a, "... on Actor { participations { nodes { id } } }").await;
    assert_eq!(rest["participations"], json!([]));
    let rest = node_with(&app, &s, "... on Source { claims { nodes { id } } }").await;
    assert_eq!(ids(&rest["claims"]), vec![kept_claim.clone()]);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
