//! User values reach Cypher only as parameters; concurrent patches never lose a write.

use serde_json::json;

use crate::helpers::*;

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
        // in mutations/rules.rs); they get the text on one line, paragraphs get it as it is.
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
    db.write(|tx| {
        let fresh = fresh.clone();
        Box::pin(async move { write::expect_unchanged(tx, &fresh).await })
    })
    .await
    .expect("an unchanged node passes");
    app.cleanup().await;
}
