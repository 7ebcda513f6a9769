//! Bad input, values: dates, figures, patches, taxonomy keys (exact codes and fields).

use serde_json::{json, Value};

use crate::helpers::*;

#[tokio::test]
async fn malformed_and_impossible_dates_are_bad_user_input_on_the_date_field() {
    let app = setup().await;
    let c = &app.collection;
    let event_with =
        |date: Value| json!({"collection": c, "type": "raid", "title": "x", "date": date});
    for edtf in ["yesterday", "2025-13-01", "2025-02-30", "", "2025/01/01"] {
        assert_eq!(
            upsert_error(&app, "Event", event_with(json!({"edtf": edtf}))).await,
            err("BAD_USER_INPUT", "input.date.edtf"),
            "{edtf:?}"
        );
    }
    // An interval whose end is before its start.
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            event_with(json!({"edtf": "2025-01-02/2025-01-01"}))
        )
        .await,
        err("BAD_USER_INPUT", "input.date.edtf")
    );
    // An inferred date must say from what.
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            event_with(json!({"edtf": "2025-01-01", "inferred": true}))
        )
        .await,
        err("BAD_USER_INPUT", "input.date.basis")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            event_with(json!({"edtf": "2025-01-01", "inferred": true, "basis": "  "}))
        )
        .await,
        err("BAD_USER_INPUT", "input.date.basis")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Source",
            json!({"collection": c, "kind": "OTHER", "title": "x",
            "published": {"edtf": "2025-00"}})
        )
        .await,
        err("BAD_USER_INPUT", "input.published.edtf")
    );
    let e = event(&app, "e", "Raid").await;
    let r = app
        .gql(
            "mutation($id: ID!) { updateEvent(id: $id, patch: {date: {edtf: \"2025-01-31/2025-01-01\"}}) { id } }",
            json!({"id": e}),
        )
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "patch.date.edtf"));
    assert_eq!(read(&app, "Event", &e).await["date"]["edtf"], "2025-01-01");
    assert_eq!(total(&app, "events").await, 1);
    assert_eq!(total(&app, "sources").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn impossible_figures_are_bad_user_input_on_the_number_at_fault() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let c = &app.collection;
    let figure = |extra: Value| {
        let mut input = json!({"collection": c, "event": e, "subject": "people detained", "qualifier": "ABOUT"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    let cases = [
        (json!({"value": -1}), "input.value"),
        (json!({"lower": -5, "value": 3}), "input.lower"),
        (json!({"lower": 10, "upper": 5}), "input.upper"),
        (json!({"value": 50, "lower": 100}), "input.value"),
        (json!({"value": 500, "upper": 100}), "input.value"),
        (json!({"qualifier": "EXACT", "lower": 3}), "input.value"),
        (json!({}), "input.value"),
        (json!({"value": 3, "unit": "  "}), "input.unit"),
        (json!({"value": 3, "subject": ""}), "input.subject"),
    ];
    for (extra, field) in cases {
        assert_eq!(
            upsert_error(&app, "Count", figure(extra.clone())).await,
            err("BAD_USER_INPUT", field),
            "{extra}"
        );
    }
    assert_eq!(total(&app, "counts").await, 0);
    app.cleanup().await;
}

#[tokio::test]
async fn a_count_patch_is_checked_as_a_whole_figure_and_the_error_names_the_field_at_fault() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let c = id(&app, "c");
    let stored = upsert(
        &app,
        "Count",
        json!({"id": c, "collection": app.collection, "event": e, "subject": "people detained",
               "value": 120, "qualifier": "ABOUT", "lower": 100, "upper": 150}),
    )
    .await;
    let bounds_only = id(&app, "bounds-only");
    upsert(
        &app,
        "Count",
        json!({"id": bounds_only, "collection": app.collection, "event": e, "subject": "people detained",
               "qualifier": "MORE_THAN", "lower": 3000}),
    )
    .await;
    let cases = [
        // The patch moves a bound past the stored value: the bound is at fault, not the value.
        (&c, json!({"lower": 130}), "patch.lower"),
        (&c, json!({"upper": 110}), "patch.upper"),
        // …or past the other stored bound.
        (&c, json!({"lower": 200}), "patch.lower"),
        (&c, json!({"upper": 90, "value": 80}), "patch.upper"),
        // A value outside the stored bounds is the value's fault.
        (&c, json!({"value": 90}), "patch.value"),
        (&c, json!({"value": 151}), "patch.value"),
        (&c, json!({"value": -1}), "patch.value"),
        // Of two changes, the one the figure cannot take.
        (
            &c,
            json!({"qualifier": "EXACT", "lower": 130}),
            "patch.lower",
        ),
        // EXACT needs a value: the qualifier is at fault where the stored figure has none.
        (
            &bounds_only,
            json!({"qualifier": "EXACT"}),
            "patch.qualifier",
        ),
        (
            &c,
            json!({"qualifier": "EXACT", "value": null}),
            "patch.value",
        ),
        (
            &c,
            json!({"value": null, "lower": null, "upper": null}),
            "patch.value",
        ),
        (&c, json!({"unit": "  "}), "patch.unit"),
        (&c, json!({"subject": ""}), "patch.subject"),
    ];
    for (id, patch, field) in cases {
        assert_eq!(
            update_error(&app, "Count", id, patch.clone()).await,
            err("BAD_USER_INPUT", field),
            "{patch}"
        );
    }
    assert_eq!(read(&app, "Count", &c).await, stored);
    assert_eq!(
        read(&app, "Count", &bounds_only).await["qualifier"],
        "MORE_THAN"
    );
    app.cleanup().await;
}

#[tokio::test]
async fn bad_source_participation_and_count_patches_are_refused_on_their_field_and_change_nothing()
{
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let s = id(&app, "s");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Report",
               "url": "https://example.org/report", "language": "ru", "publisher": a}),
    )
    .await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let parent = count(&app, "parent", &e, 31).await;
    let child = id(&app, "child");
    upsert(
        &app,
        "Count",
        json!({"id": child, "collection": app.collection, "event": e, "subject": "released",
               "value": 2, "qualifier": "EXACT", "partOf": parent}),
    )
    .await;
    let missing = id(&app, "missing");
    let before = json!({
        "source": read(&app, "Source", &s).await,
        "participation": read(&app, "Participation", &pa).await,
        "parent": read(&app, "Count", &parent).await,
        "child": read(&app, "Count", &child).await,
    });

    let cases = [
        (
            "Source",
            &s,
            json!({"title": "  "}),
            err("BAD_USER_INPUT", "patch.title"),
        ),
        (
            "Source",
            &s,
            json!({"url": "ftp://example.org/x"}),
            err("BAD_USER_INPUT", "patch.url"),
        ),
        (
            "Source",
            &s,
            json!({"language": "english!"}),
            err("BAD_USER_INPUT", "patch.language"),
        ),
        (
            "Source",
            &s,
            json!({"published": {"edtf": "2025-13"}}),
            err("BAD_USER_INPUT", "patch.published.edtf"),
        ),
        (
            "Source",
            &s,
            json!({"published": {"edtf": "2025", "inferred": true}}),
            err("BAD_USER_INPUT", "patch.published.basis"),
        ),
        (
            "Source",
            &s,
            json!({"publisher": e}),
            err("BAD_USER_INPUT", "patch.publisher"),
        ),
        (
            "Source",
            &s,
            json!({"publisher": "a b"}),
            err("BAD_USER_INPUT", "patch.publisher"),
        ),
        (
            "Source",
            &s,
            json!({"publisher": missing}),
            err("NOT_FOUND", "patch.publisher"),
        ),
        (
            "Source",
            &s,
            json!({"cites": [{"source": "a b"}]}),
            err("BAD_USER_INPUT", "patch.cites[0].source"),
        ),
        (
            "Source",
            &s,
            json!({"cites": [{"source": s}]}),
            err("BAD_USER_INPUT", "patch.cites[0]"),
        ),
        (
            "Source",
            &s,
            json!({"cites": [{"source": missing}]}),
            err("NOT_FOUND", "patch.cites[0]"),
        ),
        (
            "Participation",
            &pa,
            json!({"role": "arson"}),
            err("BAD_USER_INPUT", "patch.role"),
        ),
        (
            "Participation",
            &pa,
            json!({"role": "Not A Key"}),
            err("BAD_USER_INPUT", "patch.role"),
        ),
        (
            "Participation",
            &pa,
            json!({"event": a}),
            err("BAD_USER_INPUT", "patch.event"),
        ),
        (
            "Participation",
            &pa,
            json!({"actor": e}),
            err("BAD_USER_INPUT", "patch.actor"),
        ),
        (
            "Participation",
            &pa,
            json!({"event": missing}),
            err("NOT_FOUND", "patch.event"),
        ),
        (
            "Participation",
            &pa,
            json!({"actor": missing}),
            err("NOT_FOUND", "patch.actor"),
        ),
        (
            "Count",
            &child,
            json!({"partOf": e}),
            err("BAD_USER_INPUT", "patch.partOf"),
        ),
        (
            "Count",
            &child,
            json!({"partOf": child}),
            err("BAD_USER_INPUT", "patch.partOf"),
        ),
        (
            "Count",
            &parent,
            json!({"partOf": child}),
            err("BAD_USER_INPUT", "patch.partOf"),
        ),
        (
            "Count",
            &child,
            json!({"partOf": missing}),
            err("NOT_FOUND", "patch.partOf"),
        ),
    ];
    for (kind, id, patch, expected) in cases {
        assert_eq!(
            update_error(&app, kind, id, patch.clone()).await,
            expected,
            "update{kind} {patch}"
        );
    }
    // An id of another kind is not found for these patches either.
    for (kind, other) in [("Source", &e), ("Participation", &a), ("Count", &pa)] {
        assert_eq!(
            update_error(&app, kind, other, json!({})).await,
            err("NOT_FOUND", "id"),
            "update{kind}"
        );
    }
    let after = json!({
        "source": read(&app, "Source", &s).await,
        "participation": read(&app, "Participation", &pa).await,
        "parent": read(&app, "Count", &parent).await,
        "child": read(&app, "Count", &child).await,
    });
    assert_eq!(after, before);
    app.cleanup().await;
}

#[tokio::test]
async fn unknown_taxonomy_keys_are_bad_user_input_on_type_and_role() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let c = &app.collection;
    for key in ["arson", "Not A Key", "perpetrator"] {
        assert_eq!(
            upsert_error(
                &app,
                "Event",
                json!({"collection": c, "type": key, "title": "x",
                "date": {"edtf": "2025"}})
            )
            .await,
            err("BAD_USER_INPUT", "input.type"),
            "{key}"
        );
    }
    // `raid` is an event type, not a role.
    for key in ["witness", "raid", "Target"] {
        assert_eq!(
            upsert_error(
                &app,
                "Participation",
                json!({"collection": c, "event": e, "actor": a, "role": key})
            )
            .await,
            err("BAD_USER_INPUT", "input.role"),
            "{key}"
        );
    }
    let r = app
        .gql(
            "mutation($id: ID!) { updateEvent(id: $id, patch: {type: \"arson\"}) { id } }",
            json!({"id": e}),
        )
        .await;
    assert_eq!(first_error(&r), err("BAD_USER_INPUT", "patch.type"));
    // A term of another collection does not count.
    let other = format!("{c}-other");
    upsert(&app, "Collection", json!({"id": other, "name": "Other"})).await;
    upsert(
        &app,
        "Term",
        json!({"collection": other, "vocabulary": "EVENT_TYPE", "key": "arson", "label": "Arson"}),
    )
    .await;
    assert_eq!(
        upsert_error(
            &app,
            "Event",
            json!({"collection": c, "type": "arson", "title": "x", "date": {"edtf": "2025"}})
        )
        .await,
        err("BAD_USER_INPUT", "input.type")
    );
    assert_eq!(
        upsert_error(
            &app,
            "Term",
            json!({"collection": c, "vocabulary": "EVENT_TYPE", "key": "Bad Key", "label": "x"})
        )
        .await,
        err("BAD_USER_INPUT", "input.key")
    );
    assert_eq!(read(&app, "Event", &e).await["type"], "raid");
    assert_eq!(total(&app, "events").await, 1);
    delete(&app, "Collection", &other).await;
    app.cleanup().await;
}
