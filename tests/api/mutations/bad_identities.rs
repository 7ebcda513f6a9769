//! Bad input: ids taken by another kind or collection; URLs, languages, coordinates, ids; page sizes.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn an_id_already_used_by_another_kind_or_collection_is_a_conflict() {
    let app = setup().await;
    let c = &app.collection;
    let a = actor(&app, "a", "Police").await;
    let e = event(&app, "e", "Raid").await;
    let s = source(&app, "s", "Report").await;
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"id": a, "collection": c, "kind": "CITY", "name": "x", "precision": "CITY"})
        )
        .await,
        err("CONFLICT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Claim",
            json!({"id": e, "collection": c, "about": e, "source": s, "status": "REPORTED"})
        )
        .await,
        err("CONFLICT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"id": id(&app, "e2"), "collection": c, "type": "raid", "title": "x",
            "date": {"edtf": "2025"}, "claims": [{"id": s, "source": s, "status": "REPORTED"}]})
        )
        .await,
        err("CONFLICT", "input.claims[0].id")
    );
    assert_eq!(
        upsert_error(&app, "Collection", json!({"id": a, "name": "x"})).await,
        err("CONFLICT", "input.id")
    );
    // An upsert may not move a node to another collection.
    let other = format!("{c}-other");
    upsert(&app, "Collection", json!({"id": other, "name": "Other"})).await;
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": a, "collection": other, "kind": "PERSON", "name": "x"})
        )
        .await,
        err("CONFLICT", "input.id")
    );
    // A term's id is derived from its key: a node already holding that id blocks the term.
    let taken = format!("{c}:term:event_type:arson");
    upsert(
        &app,
        "Actor",
        json!({"id": taken, "collection": c, "kind": "PERSON", "name": "Arson"}),
    )
    .await;
    assert_eq!(
        upsert_error(
            &app,
            "Term",
            json!({"collection": c, "vocabulary": "EVENT_TYPE", "key": "arson", "label": "Arson"})
        )
        .await,
        err("CONFLICT", "input.key")
    );
    assert_eq!(read(&app, "Actor", &taken).await["name"], "Arson");
    assert_eq!(read(&app, "Actor", &a).await["collection"], c.as_str());
    assert_eq!(read(&app, "Actor", &a).await["name"], "Police");
    assert_eq!(total(&app, "places").await, 0);
    assert_eq!(total(&app, "claims").await, 0);
    assert!(!exists(&app, &id(&app, "e2")).await);
    delete(&app, "Collection", &other).await;
    app.cleanup().await;
}

#[tokio::test]
async fn invalid_urls_languages_coordinates_and_ids_are_bad_user_input_on_their_field() {
    let app = setup().await;
    let c = &app.collection;
    for url in [
        "ftp://example.org/x",
        "not a url",
        "https://",
        "https://exa mple.org",
    ] {
        assert_eq!(
            upsert_error(
                &app,
                "Source",
                json!({"collection": c, "kind": "OTHER", "title": "x", "url": url})
            )
            .await,
            err("BAD_USER_INPUT", "input.url"),
            "{url}"
        );
    }
    assert_eq!(
        upsert_error(
            &app,
            "Source",
            json!({"collection": c, "kind": "OTHER", "title": "x", "language": "english!"})
        )
        .await,
        err("BAD_USER_INPUT", "input.language")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"collection": c, "kind": "CITY", "name": "x", "precision": "EXACT",
            "location": {"latitude": 91.0, "longitude": 0.0}})
        )
        .await,
        err("BAD_USER_INPUT", "input.location.latitude")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"collection": c, "kind": "CITY", "name": "x", "precision": "EXACT",
            "location": {"latitude": 0.0, "longitude": -180.5}})
        )
        .await,
        err("BAD_USER_INPUT", "input.location.longitude")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": "a b", "collection": c, "kind": "PERSON", "name": "x"})
        )
        .await,
        err("BAD_USER_INPUT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": "x'}) DETACH DELETE n //", "collection": c, "kind": "PERSON", "name": "x"})
        )
        .await,
        err("BAD_USER_INPUT", "input.id")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"collection": c, "kind": "PERSON", "name": "   "})
        )
        .await,
        err("BAD_USER_INPUT", "input.name")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"collection": c, "kind": "PERSON", "name": "x", "aliases": ["ok", ""]})
        )
        .await,
        err("BAD_USER_INPUT", "input.aliases[1]")
    );
    assert_eq!(total(&app, "sources").await, 0);
    assert_eq!(total(&app, "places").await, 0);
    assert_eq!(total(&app, "actors").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_page_size_above_the_cap_is_bad_user_input_on_first() {
    let app = setup().await;
    for list in ["events", "actors", "places", "sources", "counts", "claims"] {
        let r = app
            .gql(
                &format!("{{ {list}(first: 1000) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(first_error(&r), err("BAD_USER_INPUT", "first"), "{list}");
    }
    let r = app
        .gql("{ events(last: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "last"));
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
