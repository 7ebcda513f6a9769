//! Bad input, references: unknown ids and nodes of another kind (exact codes and fields).

use serde_json::json;

use crate::helpers::*;

// Bad input: exact codes and fields

#[tokio::test]
async fn unknown_ids_are_not_found_and_the_error_names_the_input_that_held_them() {
    let app = setup().await;
    let missing = id(&app, "missing");
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = source(&app, "s", "Report").await;
    let c = &app.collection;

    let cases = [
        (
            "Event",
            json!({"collection": c, "type": "raid", "title": "x", "date": {"edtf": "2025"}, "place": missing}),
            "input.place",
        ),
        (
            "Event",
            json!({"collection": c, "type": "raid", "title": "x", "date": {"edtf": "2025"},
            "claims": [{"source": missing, "status": "REPORTED"}]}),
            "input.claims[0].source",
        ),
        (
            "Participation",
            json!({"collection": c, "event": missing, "actor": a, "role": "target"}),
            "input.event",
        ),
        (
            "Participation",
            json!({"collection": c, "event": e, "actor": missing, "role": "target"}),
            "input.actor",
        ),
        (
            "Count",
            json!({"collection": c, "event": missing, "subject": "x", "value": 1, "qualifier": "EXACT"}),
            "input.event",
        ),
        (
            "Count",
            json!({"collection": c, "event": e, "subject": "x", "value": 1, "qualifier": "EXACT",
            "partOf": missing}),
            "input.partOf",
        ),
        (
            "Claim",
            json!({"collection": c, "about": missing, "source": s, "status": "REPORTED"}),
            "input.about",
        ),
        (
            "Claim",
            json!({"collection": c, "about": e, "source": missing, "status": "REPORTED"}),
            "input.source",
        ),
        (
            "Source",
            json!({"collection": c, "kind": "OTHER", "title": "x", "publisher": missing}),
            "input.publisher",
        ),
        (
            "Place",
            json!({"collection": c, "kind": "CITY", "name": "x", "precision": "CITY", "within": missing}),
            "input.within",
        ),
        (
            "Actor",
            json!({"collection": format!("{c}-missing"), "kind": "PERSON", "name": "x"}),
            "input.collection",
        ),
    ];
    for (kind, input, field) in cases {
        assert_eq!(
            upsert_error(&app, kind, input.clone()).await,
            err("NOT_FOUND", field),
            "{kind} {input}"
        );
    }
    let (code, field) = upsert_error(
        &app,
        "Actor",
        json!({"collection": c, "kind": "PERSON", "name": "x", "memberOf": [a, missing]}),
    )
    .await;
    assert_eq!(code, "NOT_FOUND");
    assert!(field.unwrap().starts_with("input.memberOf"));

    for kind in [
        "Collection",
        "Term",
        "Event",
        "Actor",
        "Place",
        "Source",
        "Participation",
        "Count",
        "Claim",
    ] {
        assert_eq!(
            delete_error(&app, kind, &missing).await,
            err("NOT_FOUND", "id"),
            "delete{kind}"
        );
    }
    for name in [
        "updateEvent",
        "updateActor",
        "updatePlace",
        "updateSource",
        "updateParticipation",
        "updateCount",
    ] {
        let q = format!("mutation($id: ID!) {{ {name}(id: $id, patch: {{}}) {{ id }} }}");
        assert_eq!(
            first_error(&app.gql(&q, json!({"id": missing})).await),
            err("NOT_FOUND", "id"),
            "{name}"
        );
    }
    // An id of the wrong kind is not found for a patch either.
    let q = "mutation($id: ID!) { updateEvent(id: $id, patch: {title: \"x\"}) { id } }";
    assert_eq!(
        first_error(&app.gql(q, json!({"id": a})).await),
        err("NOT_FOUND", "id")
    );
    let r = app
        .gql(RATE, json!({"id": missing, "status": "RETRACTED"}))
        .await;
    assert_eq!(first_error(&r), err("NOT_FOUND", "id"));
    assert_eq!(
        link_error(&app, "EVENT_AT", &missing, &e).await,
        err("NOT_FOUND", "from")
    );
    assert_eq!(
        link_error(&app, "EVENT_AT", &e, &missing).await,
        err("NOT_FOUND", "to")
    );
    assert_eq!(
        first_error(
            &app.gql(UNLINK, json!({"r": "EVENT_AT", "from": missing, "to": e}))
                .await
        ),
        err("NOT_FOUND", "from")
    );
    assert_eq!(
        first_error(
            &app.gql(UNLINK, json!({"r": "EVENT_AT", "from": e, "to": missing}))
                .await
        ),
        err("NOT_FOUND", "to")
    );
    let merge = "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }";
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": missing, "d": a})).await),
        err("NOT_FOUND", "keep")
    );
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": a, "d": missing})).await),
        err("NOT_FOUND", "duplicate")
    );
    let merge = "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { id } }";
    let place = place(&app, "p", "City").await;
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": missing, "d": place})).await),
        err("NOT_FOUND", "keep")
    );
    assert_eq!(
        first_error(&app.gql(merge, json!({"k": place, "d": a})).await),
        err("NOT_FOUND", "duplicate")
    );

    // None of the failures wrote anything.
    assert_eq!(total(&app, "events").await, 1);
    assert_eq!(total(&app, "actors").await, 1);
    assert_eq!(total(&app, "counts").await, 0);
    assert_eq!(total(&app, "claims").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_reference_to_a_node_of_another_kind_is_bad_user_input() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = source(&app, "s", "Report").await;
    let c = &app.collection;
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"collection": c, "type": "raid", "title": "x",
            "date": {"edtf": "2025"}, "place": a})
        )
        .await,
        err("BAD_USER_INPUT", "input.place")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Participation",
            json!({"collection": c, "event": a, "actor": e, "role": "target"})
        )
        .await
        .0,
        "BAD_USER_INPUT"
    );
    assert_eq!(
        upsert_error(
            &app,
            "Claim",
            json!({"collection": c, "about": s, "source": s, "status": "REPORTED"})
        )
        .await,
        err("BAD_USER_INPUT", "input.about")
    );
    assert_eq!(
        link_error(&app, "SOURCE_PUBLISHED_BY", &s, &e).await,
        err("BAD_USER_INPUT", "to")
    );
    assert_eq!(total(&app, "events").await, 1);
    app.cleanup().await;
}
