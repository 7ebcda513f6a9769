//! Idempotent upserts: the same writes twice leave the same graph.

use serde_json::{json, Value};

use crate::helpers::*;

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
    let claims = "claims { nodes { id status excerpt note createdAt source { id } } }";
    let q = format!(
        "query($c: [ID!]) {{
           events(collections: $c, first: 100) {{ totalCount nodes {{
             id type title date {{ {DATE} }} place {{ id }} partOf {{ nodes {{ id }} }} followedBy {{ nodes {{ id }} }} ledTo {{ nodes {{ id }} }} {claims}
             participants {{ nodes {{ id role actor {{ id }} {claims} }} }}
             counts {{ nodes {{ id subject value qualifier lower upper unit subgroup partOf {{ id }} {claims} }} }} }} }}
           actors(collections: $c, first: 100) {{ totalCount nodes {{ {ACTOR} publications {{ nodes {{ id }} }} }} }}
           places(collections: $c, first: 100) {{ totalCount nodes {{ {PLACE} children {{ nodes {{ id }} }} }} }}
           sources(collections: $c, first: 100) {{ totalCount nodes {{ id title url language published {{ edtf }}
             publisher {{ id }} cites {{ nodes {{ excerpt source {{ id }} }} }} }} }}
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
