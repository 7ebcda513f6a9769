//! Atomicity: a mutation that fails in its last step leaves nothing written.

use serde_json::json;

use crate::helpers::*;

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
    let participants = node_with(&app, &e, "... on Event { participants { nodes { id } } }").await;
    assert_eq!(participants["participants"], json!([]));
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
