//! Links: link and unlink each relation; to-one, cycles, collections.

use serde_json::{json, Value};

use crate::helpers::*;

// Links

#[tokio::test]
async fn link_and_unlink_set_and_remove_each_relation_and_say_whether_anything_changed() {
    let app = setup().await;
    let e1 = event(&app, "e1", "One").await;
    let e2 = event(&app, "e2", "Two").await;
    let p1 = place(&app, "p1", "City").await;
    let p2 = place(&app, "p2", "Country").await;
    let a1 = actor(&app, "a1", "Unit").await;
    let a2 = actor(&app, "a2", "Body").await;
    let s1 = source(&app, "s1", "Citing").await;
    let s2 = source(&app, "s2", "Cited").await;
    let k1 = count(&app, "k1", &e1, 2).await;
    let k2 = count(&app, "k2", &e1, 31).await;

    // (relation, from, to, field on `from`, field on `to`)
    let cases = [
        ("EVENT_AT", &e1, &p1, "place", "events"),
        ("PLACE_WITHIN", &p1, &p2, "parent", "children"),
        ("EVENT_PART_OF", &e1, &e2, "eventPartOf", "parts"),
        ("EVENT_FOLLOWED_BY", &e1, &e2, "followedBy", "precededBy"),
        ("EVENT_LED_TO", &e1, &e2, "ledTo", "causedBy"),
        ("ACTOR_MEMBER_OF", &a1, &a2, "memberOf", "members"),
        ("ACTOR_ANSWERS_TO", &a1, &a2, "answersTo", "subordinates"),
        ("SOURCE_PUBLISHED_BY", &s1, &a2, "publisher", "publications"),
        ("SOURCE_CITES", &s1, &s2, "cites", "citedBy"),
        ("COUNT_PART_OF", &k1, &k2, "countPartOf", "breakdown"),
    ];
    for (relation, from, to, forward, backward) in cases {
        assert!(
            link(&app, relation, from, to).await,
            "{relation}: link changes"
        );
        assert_eq!(
            targets(&outgoing(&app, from).await[forward]),
            vec![to.clone()],
            "{relation}: {forward}"
        );
        assert_eq!(
            targets(&incoming(&app, to).await[backward]),
            vec![from.clone()],
            "{relation}: {backward}"
        );
        assert!(
            !link(&app, relation, from, to).await,
            "{relation}: linking again changes nothing"
        );
        assert_eq!(targets(&outgoing(&app, from).await[forward]).len(), 1);

        assert!(
            unlink(&app, relation, from, to).await,
            "{relation}: unlink changes"
        );
        assert_eq!(
            targets(&outgoing(&app, from).await[forward]),
            Vec::<String>::new(),
            "{relation}: unlinked"
        );
        assert_eq!(
            targets(&incoming(&app, to).await[backward]),
            Vec::<String>::new()
        );
        assert!(
            !unlink(&app, relation, from, to).await,
            "{relation}: unlinking again changes nothing"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn linking_a_source_citation_keeps_its_excerpt_and_adds_to_the_others() {
    let app = setup().await;
    let s = source(&app, "s", "Citing").await;
    let a = source(&app, "a", "Cited A").await;
    let b = source(&app, "b", "Cited B").await;
    let r = app
        .data(
            LINK,
            json!({"r": "SOURCE_CITES", "from": s, "to": a, "excerpt": "as A said"}),
        )
        .await;
    assert_eq!(r["link"]["changed"], true);
    assert!(link(&app, "SOURCE_CITES", &s, &b).await);
    let cites = outgoing(&app, &s).await["cites"].clone();
    assert_eq!(
        cites,
        json!([{"excerpt": "as A said", "source": {"id": a}}, {"excerpt": null, "source": {"id": b}}])
    );
    // A new excerpt for an existing citation is a change.
    let r = app
        .data(
            LINK,
            json!({"r": "SOURCE_CITES", "from": s, "to": a, "excerpt": "A reported"}),
        )
        .await;
    assert_eq!(r["link"]["changed"], true);
    assert_eq!(
        outgoing(&app, &s).await["cites"][0],
        json!({"excerpt": "A reported", "source": {"id": a}})
    );
    app.cleanup().await;
}

#[tokio::test]
async fn linking_a_to_one_relation_replaces_the_old_target() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let p1 = place(&app, "p1", "Old place").await;
    let p2 = place(&app, "p2", "New place").await;
    let p3 = place(&app, "p3", "Child").await;
    let a1 = actor(&app, "a1", "Old publisher").await;
    let a2 = actor(&app, "a2", "New publisher").await;
    let s = source(&app, "s", "Report").await;
    let k = count(&app, "k", &e, 2).await;
    let k1 = count(&app, "k1", &e, 31).await;
    let k2 = count(&app, "k2", &e, 40).await;

    // (relation, from, old target, new target, field on `from`, field on the targets)
    let cases = [
        ("EVENT_AT", &e, &p1, &p2, "place", "events"),
        ("PLACE_WITHIN", &p3, &p1, &p2, "parent", "children"),
        (
            "SOURCE_PUBLISHED_BY",
            &s,
            &a1,
            &a2,
            "publisher",
            "publications",
        ),
        ("COUNT_PART_OF", &k, &k1, &k2, "countPartOf", "breakdown"),
    ];
    for (relation, from, old, new, forward, backward) in cases {
        assert!(link(&app, relation, from, old).await);
        assert!(link(&app, relation, from, new).await);
        assert_eq!(
            outgoing(&app, from).await[forward],
            json!({"id": new}),
            "{relation}: the new target replaced the old"
        );
        assert_eq!(
            targets(&incoming(&app, old).await[backward]),
            Vec::<String>::new(),
            "{relation}: the old target lost the link"
        );
        assert_eq!(
            targets(&incoming(&app, new).await[backward]),
            vec![from.clone()]
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn links_that_would_make_a_cycle_are_refused_and_change_nothing() {
    let app = setup().await;
    let p1 = place(&app, "p1", "District").await;
    let p2 = place(&app, "p2", "City").await;
    let p3 = place(&app, "p3", "Country").await;
    assert!(link(&app, "PLACE_WITHIN", &p1, &p2).await);
    assert!(link(&app, "PLACE_WITHIN", &p2, &p3).await);
    assert_eq!(
        link_error(&app, "PLACE_WITHIN", &p3, &p1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        link_error(&app, "PLACE_WITHIN", &p1, &p1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &p3).await["parent"], Value::Null);
    assert_eq!(outgoing(&app, &p1).await["parent"], json!({"id": p2}));

    let e1 = event(&app, "e1", "Part").await;
    let e2 = event(&app, "e2", "Whole").await;
    let e3 = event(&app, "e3", "Larger whole").await;
    assert!(link(&app, "EVENT_PART_OF", &e1, &e2).await);
    assert!(link(&app, "EVENT_PART_OF", &e2, &e3).await);
    assert_eq!(
        link_error(&app, "EVENT_PART_OF", &e3, &e1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        link_error(&app, "EVENT_PART_OF", &e2, &e1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &e3).await["eventPartOf"], json!([]));
    assert_eq!(
        targets(&outgoing(&app, &e2).await["eventPartOf"]),
        vec![e3.clone()]
    );

    let a1 = actor(&app, "a1", "Unit").await;
    let a2 = actor(&app, "a2", "Body").await;
    assert!(link(&app, "ACTOR_MEMBER_OF", &a1, &a2).await);
    assert_eq!(
        link_error(&app, "ACTOR_MEMBER_OF", &a2, &a1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &a2).await["memberOf"], json!([]));
    assert!(link(&app, "ACTOR_ANSWERS_TO", &a1, &a2).await);
    assert_eq!(
        link_error(&app, "ACTOR_ANSWERS_TO", &a2, &a1).await,
        err("BAD_USER_INPUT", "to")
    );
    let k1 = count(&app, "k1", &e1, 2).await;
    let k2 = count(&app, "k2", &e1, 31).await;
    assert!(link(&app, "COUNT_PART_OF", &k1, &k2).await);
    assert_eq!(
        link_error(&app, "COUNT_PART_OF", &k2, &k1).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(outgoing(&app, &k2).await["countPartOf"], Value::Null);

    // The same holds for the relations an upsert or a patch sets.
    assert_eq!(
        upsert_error(
            &app,
            "Place",
            json!({"id": p3, "collection": app.collection, "kind": "COUNTRY", "name": "Country",
                   "precision": "COUNTRY", "within": p1}),
        )
        .await,
        err("BAD_USER_INPUT", "input.within")
    );
    assert_eq!(
        read(&app, "Place", &p3).await["kind"],
        "CITY",
        "the refused upsert wrote nothing"
    );
    assert_eq!(
        upsert_error(
            &app,
            "Actor",
            json!({"id": a2, "collection": app.collection, "kind": "STATE_BODY", "name": "Body",
                   "memberOf": [a1]}),
        )
        .await
        .1
        .map(|f| f.starts_with("input.memberOf")),
        Some(true)
    );
    let r = app
        .gql(
            "mutation($id: ID!, $patch: EventPatch!) { updateEvent(id: $id, patch: $patch) { id } }",
            json!({"id": e3, "patch": {"partOf": [e1], "title": "Renamed"}}),
        )
        .await;
    let (code, field) = first_error(&r);
    assert_eq!(code, "BAD_USER_INPUT");
    assert!(field.unwrap().starts_with("patch.partOf"));
    assert_eq!(read(&app, "Event", &e3).await["title"], "Larger whole");
    app.cleanup().await;
}

#[tokio::test]
async fn links_and_references_across_collections_are_refused() {
    let app = setup().await;
    let other = format!("{}-other", app.collection);
    upsert(
        &app,
        "Collection",
        json!({"id": other, "name": "Another investigation"}),
    )
    .await;
    let foreign_actor = format!("{other}:actor");
    upsert(
        &app,
        "Actor",
        json!({"id": foreign_actor, "collection": other, "kind": "PERSON", "name": "Someone"}),
    )
    .await;
    let foreign_place = format!("{other}:place");
    upsert(
        &app,
        "Place",
        json!({"id": foreign_place, "collection": other, "kind": "CITY", "name": "Elsewhere",
        "precision": "CITY"}),
    )
    .await;
    let foreign_source = format!("{other}:source");
    upsert(
        &app,
        "Source",
        json!({"id": foreign_source, "collection": other, "kind": "OTHER", "title": "Elsewhere"}),
    )
    .await;

    let a = actor(&app, "a", "Unit").await;
    let e = event(&app, "e", "Raid").await;
    let p = place(&app, "p", "City").await;

    assert_eq!(
        link_error(&app, "ACTOR_MEMBER_OF", &a, &foreign_actor).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        link_error(&app, "PLACE_WITHIN", &p, &foreign_place).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"id": e, "collection": app.collection, "type": "raid",
            "title": "Raid", "date": {"edtf": "2025"}, "place": foreign_place})
        )
        .await,
        err("BAD_USER_INPUT", "input.place")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Participation",
            json!({"id": id(&app, "pa"), "collection": app.collection,
            "event": e, "actor": foreign_actor, "role": "target"})
        )
        .await,
        err("BAD_USER_INPUT", "input.actor")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Claim",
            json!({"id": id(&app, "cl"), "collection": app.collection,
            "about": e, "source": foreign_source, "status": "REPORTED"})
        )
        .await,
        err("BAD_USER_INPUT", "input.source")
    );
    let merge = app
        .gql(
            "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }",
            json!({"k": a, "d": foreign_actor}),
        )
        .await;
    assert_eq!(first_error(&merge), err("BAD_USER_INPUT", "duplicate"));

    assert_eq!(outgoing(&app, &a).await["memberOf"], json!([]));
    assert_eq!(outgoing(&app, &p).await["parent"], Value::Null);
    assert_eq!(outgoing(&app, &e).await["place"], Value::Null);
    assert!(exists(&app, &foreign_actor).await);
    assert_eq!(total(&app, "claims").await, 0);
    assert!(!exists(&app, &id(&app, "pa")).await);

    delete(&app, "Collection", &other).await;
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
