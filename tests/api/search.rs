//! The `text` filters: what they find (case-insensitive substrings of the documented fields, in any
//! script, kept up to date by every write) and how (from each kind's search index, never a label scan).

use serde_json::json;

use crate::plans::{assert_no_scan, first_page};
use casegraph::store::{
    read::{statements_of, Filter, ListKind, SortKey},
    Scope, Statement,
};

use crate::helpers::{id, ids, setup, update, upsert, TestApp};

/// The ids a list of `kind` (`actors` …) holds for `text`, within the test's collection.
async fn found(app: &TestApp, list: &str, text: &str) -> Vec<String> {
    let q = format!(
        "query($c: [ID!], $t: String) {{ {list}(collections: $c, first: 50, filter: {{text: $t}}) \
         {{ nodes {{ id }} }} }}"
    );
    let data = app
        .data(&q, json!({"c": [app.collection], "t": text}))
        .await;
    ids(&data[list]["nodes"])
}

async fn actors(app: &TestApp, text: &str) -> Vec<String> {
    found(app, "actors", text).await
}

#[tokio::test]
async fn text_is_found_in_any_documented_field_whatever_its_case_or_script() {
    let app = setup().await;
    let c = &app.collection;
    let a = id(&app, "olga");
    upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": c, "kind": "PERSON", "name": "Ольга Петрова",
               "aliases": ["Olga P."], "description": "Human-rights LAWYER"}),
    )
    .await;
    for word in [
        "ольга",
        "ОЛЬГА",
        "olga p",
        "lawyer",
        "Rights law",
        "петрова",
    ] {
        assert_eq!(actors(&app, word).await, vec![a.clone()], "{word}");
    }
    // A word is found inside one field: not across a name and an alias.
    assert!(actors(&app, "петрова olga").await.is_empty());
    // Nor by the separator of the stored search key, which no stored text may hold.
    assert!(actors(&app, "петрова\u{1F}olga").await.is_empty());
    assert!(actors(&app, "nobody").await.is_empty());

    // Every kind with a `text` filter, on the fields its documentation names.
    let p = id(&app, "place");
    upsert(
        &app,
        "Place",
        json!({"id": p, "collection": c, "kind": "CITY", "name": "Санкт-Петербург",
               "aliases": ["Leningrad"], "precision": "CITY"}),
    )
    .await;
    let e = id(&app, "event");
    upsert(
        &app,
        "Event",
        json!({"id": e, "collection": c, "type": "raid", "title": "Dawn raid",
               "description": "Officers searched the flat", "date": {"edtf": "2025-01-10"}, "place": p}),
    )
    .await;
    let s = id(&app, "source");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": c, "kind": "NEWS_REPORT", "title": "Fontanka report"}),
    )
    .await;
    let n = id(&app, "count");
    upsert(
        &app,
        "Count",
        json!({"id": n, "collection": c, "event": e, "subject": "people detained", "value": 40,
               "qualifier": "ABOUT", "wording": "some forty people"}),
    )
    .await;
    let k = id(&app, "claim");
    upsert(
        &app,
        "Claim",
        json!({"id": k, "collection": c, "about": e, "source": s, "status": "REPORTED",
               "excerpt": "Police detained about FORTY people"}),
    )
    .await;
    for (list, word, expected) in [
        ("places", "LENINGRAD", &p),
        ("places", "ПЕТЕРБУРГ", &p),
        ("events", "DAWN", &e),
        ("events", "the flat", &e),
        ("sources", "fontanka", &s),
        ("counts", "detained", &n),
        ("counts", "forty", &n),
        ("claims", "about forty", &k),
    ] {
        assert_eq!(
            found(&app, list, word).await,
            vec![expected.clone()],
            "{list} {word}"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn the_search_key_follows_updates_and_merges() {
    let app = setup().await;
    let c = &app.collection;
    let a = id(&app, "a");
    upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": c, "kind": "PERSON", "name": "Anna", "description": "a journalist"}),
    )
    .await;
    update(&app, "Actor", &a, json!({"description": "an editor"})).await;
    assert!(actors(&app, "journalist").await.is_empty());
    assert_eq!(actors(&app, "editor").await, vec![a.clone()]);
    update(&app, "Actor", &a, json!({"aliases": ["Anya"]})).await;
    assert_eq!(actors(&app, "anya").await, vec![a.clone()]);

    // A merge gives the kept actor the duplicate's names as aliases: it is found by them.
    let d = id(&app, "d");
    upsert(
        &app,
        "Actor",
        json!({"id": d, "collection": c, "kind": "PERSON", "name": "Anushka"}),
    )
    .await;
    app.data(
        "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }",
        json!({"k": a, "d": d}),
    )
    .await;
    assert_eq!(actors(&app, "anushka").await, vec![a.clone()]);
    app.cleanup().await;
}

#[tokio::test]
async fn the_migration_fills_in_the_search_key_of_nodes_written_before_it() {
    let app = setup().await;
    let c = &app.collection;
    let a = id(&app, "old");
    upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": c, "kind": "PERSON", "name": "Written Before"}),
    )
    .await;
    let db = app.store.session(Scope::all());
    let old = a.clone();
    db.write(move |tx| {
        let old = old.clone();
        Box::pin(async move {
            tx.run(Statement::new("MATCH (n:Node {id: $id}) REMOVE n.searchText").param("id", old))
                .await
        })
    })
    .await
    .expect("the key is removed");
    assert!(actors(&app, "written").await.is_empty());
    app.store.migrate().await.expect("migrations apply");
    assert_eq!(actors(&app, "written").await, vec![a.clone()]);
    app.cleanup().await;
}

#[tokio::test]
async fn a_text_filter_reads_the_search_index_and_never_scans_the_label() {
    let app = TestApp::spawn().await;
    let mut statements = Vec::new();
    for (kind, sort) in [
        (ListKind::Event, SortKey::DateEarliest),
        (ListKind::Event, SortKey::Title),
        (ListKind::Actor, SortKey::Name),
        (ListKind::Place, SortKey::Name),
        (ListKind::Source, SortKey::Published),
        (ListKind::Count, SortKey::Figure),
        (ListKind::Claim, SortKey::CreatedAt),
    ] {
        let q = first_page(kind, vec![Filter::Text("Police".into())], sort);
        statements.extend(statements_of(&q));
    }
    let db = app.store.session(Scope::all());
    for (text, ops) in crate::plans::plans_of(&db, statements).await {
        assert!(
            ops.iter().any(|o| o.starts_with("NodeIndexContainsScan")),
            "not read from the search index: {ops:?}\n{text}"
        );
        // A page of a common word walks its sort key's index in order (`read::TEXT_PROBE_PER_ITEM`):
        // that walk must stop at the page's end, so an ordered limit sits right above it.
        let mut rest = ops.clone();
        while let Some(at) = rest.iter().position(|o| o.starts_with("NodeIndexScan")) {
            assert!(
                rest[at.saturating_sub(4)..at]
                    .iter()
                    .any(|o| o.starts_with("PartialTop") || o.starts_with("Limit")),
                "an index walk without a limit: {ops:?}\n{text}"
            );
            rest[at] = "walked".into();
        }
        assert_no_scan(&text, &rest);
    }
}

/// The names of a text-filtered page of actors, walked page by page of `size` in `direction`.
async fn walked(app: &TestApp, word: &str, size: usize, direction: &str) -> Vec<String> {
    let q = format!(
        "query($c: [ID!], $t: String, $after: String) {{ actors(collections: $c, first: {size}, \
         after: $after, direction: {direction}, filter: {{text: $t}}) \
         {{ edges {{ node {{ id }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
    );
    let mut out = Vec::new();
    let mut after = serde_json::Value::Null;
    loop {
        let data = app
            .data(
                &q,
                json!({"c": [app.collection], "t": word, "after": after}),
            )
            .await;
        let page = &data["actors"];
        for e in page["edges"].as_array().unwrap() {
            out.push(e["node"]["id"].as_str().unwrap().to_string());
        }
        if page["pageInfo"]["hasNextPage"] != json!(true) {
            return out;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

#[tokio::test]
async fn common_and_rare_words_give_the_same_pages_whichever_index_reads_them() {
    let app = setup().await;
    let c = &app.collection;
    // 25 actors hold "common": with pages of 1 the probe (10 per item, so 20) calls it common and
    // the page walks the name index; with pages of 5 (probe 60) it reads the search index. Names
    // repeat (the id breaks the tie) and come in no particular order.
    let mut expected = Vec::new();
    for i in 0..25 {
        let a = id(&app, &format!("common-{i:02}"));
        let name = format!("Common {}", (i * 7) % 11);
        upsert(
            &app,
            "Actor",
            json!({"id": a, "collection": c, "kind": "PERSON", "name": name}),
        )
        .await;
        expected.push((name.to_lowercase(), a));
    }
    for i in 0..3 {
        let a = id(&app, &format!("rare-{i}"));
        upsert(
            &app,
            "Actor",
            json!({"id": a, "collection": c, "kind": "PERSON", "name": format!("Rare Common {i}")}),
        )
        .await;
        expected.push((format!("rare common {i}"), a));
    }
    expected.sort();
    let ascending: Vec<String> = expected.iter().map(|(_, a)| a.clone()).collect();
    let descending: Vec<String> = ascending.iter().rev().cloned().collect();
    for size in [1, 2, 5, 50] {
        assert_eq!(
            walked(&app, "common", size, "ASC").await,
            ascending,
            "{size}"
        );
        assert_eq!(
            walked(&app, "COMMON", size, "DESC").await,
            descending,
            "{size}"
        );
    }
    let rare: Vec<String> = ascending
        .iter()
        .filter(|a| a.contains("rare"))
        .cloned()
        .collect();
    for size in [1, 2] {
        assert_eq!(walked(&app, "rare", size, "ASC").await, rare, "{size}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn a_text_filtered_page_answers_every_field_asked_through_fragments() {
    let app = setup().await;
    let c = &app.collection;
    let a = id(&app, "reader");
    upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": c, "kind": "PERSON", "name": "Vera Reader",
               "aliases": ["V. R."], "description": "reads a lot"}),
    )
    .await;
    // Through edges, nodes, named and inline fragments alike; with the count of the same filter.
    let data = app
        .data(
            "query($c: [ID!]) {
               a: actors(collections: $c, filter: {text: \"vera\"}) { edges { node { ...F } } }
               b: actors(collections: $c, filter: {text: \"vera\"}) { nodes { id ... on Actor { aliases } } }
               c: actors(collections: $c, filter: {text: \"vera\"}) { totalCount edges { cursor node { id } } } }
             fragment F on Actor { id name kind description }",
            json!({"c": [c]}),
        )
        .await;
    assert_eq!(
        data["a"]["edges"][0]["node"],
        json!({"id": a, "name": "Vera Reader", "kind": "PERSON", "description": "reads a lot"})
    );
    assert_eq!(
        data["b"]["nodes"][0],
        json!({"id": a, "aliases": ["V. R."]})
    );
    assert_eq!(data["c"]["totalCount"], 1);
    assert!(data["c"]["edges"][0]["cursor"].is_string());
    app.cleanup().await;
}

#[tokio::test]
async fn the_longest_texts_are_written_and_searched_within_the_search_index_limit() {
    let app = setup().await;
    let c = &app.collection;
    // 10,000 four-byte characters, many aliases: the whole text is over the 32,766 bytes a TEXT index
    // entry may hold, and the write must not fail on it.
    let a = id(&app, "long");
    let aliases: Vec<String> = (0..40).map(|i| format!("alias number {i}")).collect();
    upsert(
        &app,
        "Actor",
        json!({"id": a, "collection": c, "kind": "PERSON", "name": "Long Story",
               "aliases": aliases, "description": "😀".repeat(10_000)}),
    )
    .await;
    assert_eq!(actors(&app, "long story").await, vec![a.clone()]);
    assert_eq!(actors(&app, "alias number 39").await, vec![a.clone()]);
    app.cleanup().await;
}
