//! Relay nodes, collection filters and keyset pagination over the seed dataset.

use serde_json::{json, Value};

use super::{ids, titles};
use crate::helpers::{seed_id, seeded, SEED};

#[tokio::test]
async fn relay_node_and_nodes_fetch_any_kind_by_id() {
    let app = seeded().await;
    let ids_asked = json!([
        seed_id("event", "raids"),
        seed_id("actor", "fontanka"),
        "no-such-id",
        seed_id("place", "russia")
    ]);
    let d = app
        .data(
            r#"query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"#,
            json!({ "ids": ids_asked }),
        )
        .await;
    let types: Vec<Value> = d["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["__typename"].clone())
        .collect();
    assert_eq!(
        types,
        vec![json!("Event"), json!("Actor"), Value::Null, json!("Place")]
    );
}

#[tokio::test]
async fn a_collection_filter_hides_other_collections() {
    let app = seeded().await;
    let d = app
        .data(
            r#"{ events(collections: ["some-other-collection"]) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["events"]["totalCount"], 0);
}

#[tokio::test]
async fn cursor_pagination_walks_forwards_and_backwards_without_gaps_or_repeats() {
    let app = seeded().await;
    let q = r#"query($c: [ID!], $first: Int, $after: String, $last: Int, $before: String) {
        events(collections: $c, first: $first, after: $after, last: $last, before: $before) {
          totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id title } } } }"#;
    let all = app.data(q, json!({ "c": [SEED], "first": 100 })).await;
    let everything = titles(&all["events"]);
    assert_eq!(
        everything.len() as i64,
        all["events"]["totalCount"].as_i64().unwrap()
    );
    assert!(everything.len() >= 16);

    let mut forward = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = app
            .data(q, json!({ "c": [SEED], "first": 5, "after": after }))
            .await;
        forward.extend(titles(&page["events"]));
        if !page["events"]["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["events"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_string);
    }
    assert_eq!(
        forward, everything,
        "pages of 5 concatenate to the whole list"
    );

    let mut backward = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let page = app
            .data(q, json!({ "c": [SEED], "last": 4, "before": before }))
            .await;
        let mut t = titles(&page["events"]);
        t.extend(backward);
        backward = t;
        if !page["events"]["pageInfo"]["hasPreviousPage"]
            .as_bool()
            .unwrap()
        {
            break;
        }
        before = page["events"]["pageInfo"]["startCursor"]
            .as_str()
            .map(str::to_string);
    }
    assert_eq!(
        backward, everything,
        "paging backwards gives the same order"
    );
}

#[tokio::test]
async fn cursors_are_stable_when_nodes_are_inserted_before_them() {
    let app = seeded().await;
    // A private copy of some events, so the insert does not disturb other tests.
    let col = app.collection.clone();
    app.data(
        r#"mutation($c: ID!) { upsertCollection(input: {id: $c, name: "pagination"}) { id }
           upsertTerm(input: {collection: $c, vocabulary: EVENT_TYPE, key: "raid", label: "Raid"}) { id } }"#,
        json!({ "c": col }),
    )
    .await;
    for day in 10..20 {
        app.data(
            r#"mutation($c: ID!, $id: ID!, $d: String!) { upsertEvent(input: {id: $id, collection: $c, type: "raid", title: $id, date: {edtf: $d}}) { id } }"#,
            json!({ "c": col, "id": format!("{col}:e{day}"), "d": format!("2025-02-{day}") }),
        )
        .await;
    }
    let q = r#"query($c: [ID!], $after: String) { events(collections: $c, first: 3, after: $after) { pageInfo { endCursor } edges { node { id } } } }"#;
    let first = app.data(q, json!({ "c": [col] })).await;
    assert_eq!(
        ids(&first["events"]),
        vec![
            format!("{col}:e10"),
            format!("{col}:e11"),
            format!("{col}:e12")
        ]
    );
    let cursor = first["events"]["pageInfo"]["endCursor"].clone();
    // Insert two events that sort before the cursor: an offset cursor would now repeat e11 and e12.
    for (id, d) in [("a", "2025-02-01"), ("b", "2025-02-02")] {
        app.data(
            r#"mutation($c: ID!, $id: ID!, $d: String!) { upsertEvent(input: {id: $id, collection: $c, type: "raid", title: $id, date: {edtf: $d}}) { id } }"#,
            json!({ "c": col, "id": format!("{col}:{id}"), "d": d }),
        )
        .await;
    }
    let next = app.data(q, json!({ "c": [col], "after": cursor })).await;
    assert_eq!(
        ids(&next["events"]),
        vec![
            format!("{col}:e13"),
            format!("{col}:e14"),
            format!("{col}:e15")
        ]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_malformed_cursor_or_date_is_bad_user_input_naming_the_argument() {
    let app = seeded().await;
    let r = app
        .gql(
            r#"{ events(after: "not-a-cursor") { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error(&r),
        ("BAD_USER_INPUT".into(), Some("after".into()))
    );
    let r = app
        .gql(
            r#"{ events(filter: {date: {from: "2025-13-01"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error(&r),
        ("BAD_USER_INPUT".into(), Some("filter.date.from".into()))
    );
    let r = app
        .gql(
            r#"{ events(filter: {date: {from: "2025-02-01", to: "2025-01-01"}}) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::first_error(&r),
        ("BAD_USER_INPUT".into(), Some("filter.date.to".into()))
    );
    let r = app
        .gql(r#"{ events(first: 5, last: 5) { totalCount } }"#, json!({}))
        .await;
    assert_eq!(crate::helpers::first_error(&r).0, "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_source_count_beyond_a_32_bit_int_is_bad_user_input_naming_the_field() {
    let app = seeded().await;
    for (literal, field) in [
        ("minSources: 2147483648", "filter.provenance.minSources"),
        (
            "maxSources: 9007199254740993",
            "filter.provenance.maxSources",
        ),
        ("minSources: -1", "filter.provenance.minSources"),
    ] {
        let r = app
            .gql(
                &format!("{{ counts(filter: {{provenance: {{{literal}}}}}) {{ totalCount }} }}"),
                json!({}),
            )
            .await;
        assert_eq!(
            crate::helpers::first_error(&r),
            ("BAD_USER_INPUT".into(), Some(field.into())),
            "{literal}"
        );
    }
}
