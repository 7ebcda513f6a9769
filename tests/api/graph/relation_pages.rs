//! The hand-drawn relations are pages too: a source's citations (`cites`, `citedBy`), an event's
//! sequence, causes and wholes (`followedBy`, `precededBy`, `ledTo`, `causedBy`, `partOf`) and an
//! actor's bodies (`memberOf`, `answersTo`). Their inverse directions grow with the data (a
//! much-cited outlet has thousands of citers), so each takes `first`/`after`/`last`/`before`, the
//! default page size when none is given, and is cut inside the plan's one statement.

use serde_json::{json, Value};

use crate::{
    helpers::{test_config, TestApp},
    plans::PlanCheck,
};

/// Neighbours on the busy side: more than a page of 3.
const MANY: usize = 7;

/// Publication dates (sources) and event dates of the `MANY` neighbours 1..=7, out of id order; 2 and
/// 4 share a day, so the id decides between them.
const DAYS: [&str; MANY] = [
    "2024-03-05",
    "2024-01-10",
    "2024-02-01",
    "2024-01-10",
    "2023-12-31",
    "2024-06-01",
    "2024-02-15",
];

/// The neighbours' numbers by (date, id): 5, 2, 4, 3, 7, 1, 6.
fn in_order() -> Vec<usize> {
    let mut n: Vec<usize> = (1..=MANY).collect();
    n.sort_by_key(|&n| (DAYS[n - 1], n));
    n
}

fn id(collection: &str, kind: &str, n: usize) -> String {
    format!("{collection}:{kind}:{n:02}")
}

/// Source 00 cited by sources 01–07 (each with its own excerpt); source 01 also cites 08 and 09.
/// Event 00 followed by and led to from events 01–07; event 01 also followed by and leading to 08
/// and 09, and part of 10, 11 and 12. Actor 00 member of and answering to actors 01–03.
fn relations(collection: &str) -> Value {
    let id = |kind: &str, n: usize| id(collection, kind, n);
    let claims = |about: String| json!([{ "id": format!("{about}:claim"), "source": id("source", 0), "excerpt": "as reported", "status": "REPORTED" }]);
    let mut sources = vec![
        json!({ "id": id("source", 0), "kind": "NEWS_REPORT", "title": "much cited", "published": { "edtf": "2023-01-01" } }),
        json!({ "id": id("source", 8), "kind": "NEWS_REPORT", "title": "older", "published": { "edtf": "2022-05-01" } }),
        json!({ "id": id("source", 9), "kind": "NEWS_REPORT", "title": "oldest", "published": { "edtf": "2022-02-01" } }),
    ];
    sources.extend((1..=MANY).map(|n| {
        let mut cites =
            vec![json!({ "source": id("source", 0), "excerpt": format!("excerpt {n:02}") })];
        if n == 1 {
            cites.push(json!({ "source": id("source", 8), "excerpt": "cites 08" }));
            cites.push(json!({ "source": id("source", 9), "excerpt": "cites 09" }));
        }
        json!({ "id": id("source", n), "kind": "NEWS_REPORT", "title": format!("citer {n:02}"),
                "published": { "edtf": DAYS[n - 1] }, "cites": cites })
    }));
    let event = |n: usize, day: &str| {
        json!({ "id": id("event", n), "type": "raid", "title": format!("event {n:02}"), "date": { "edtf": day },
                "claims": claims(id("event", n)) })
    };
    let mut events = vec![
        event(0, "2025-01-01"),
        event(8, "2025-03-01"),
        event(9, "2025-02-01"),
    ];
    events.extend((10..=12).map(|n| event(n, &format!("2020-01-{n}"))));
    events.extend((1..=MANY).map(|n| {
        let mut e = event(n, DAYS[n - 1]);
        let next: Vec<String> = if n == 1 {
            vec![id("event", 0), id("event", 8), id("event", 9)]
        } else {
            vec![id("event", 0)]
        };
        e["followedBy"] = json!(next);
        e["ledTo"] = json!(next);
        if n == 1 {
            e["partOf"] = json!([id("event", 12), id("event", 10), id("event", 11)]);
        }
        e
    }));
    let bodies: Vec<String> = (1..=3).map(|n| id("actor", n)).collect();
    let mut actors = vec![
        json!({ "id": id("actor", 0), "kind": "STATE_UNIT", "name": "unit",
                                  "memberOf": bodies, "answersTo": bodies }),
    ];
    actors.extend((1..=3).map(
        |n| json!({ "id": id("actor", n), "kind": "STATE_BODY", "name": format!("body {n}") }),
    ));
    json!({
        "format": "casegraph/v1",
        "collection": { "id": collection, "name": "relations" },
        "terms": [{ "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid", "description": "A raid." }],
        "actors": actors,
        "sources": sources,
        "events": events,
    })
}

async fn app_with_relations(app: TestApp) -> TestApp {
    casegraph::import::import_json(&app.store, &relations(&app.collection).to_string())
        .await
        .expect("import");
    app
}

const CITED_BY: &str = r#"query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $dir: SortDirection) {
  node(id: $id) { ... on Source { page: citedBy(first: $first, after: $after, last: $last, before: $before, direction: $dir) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { excerpt source { id title } } } } } } }"#;

/// The same query for a list of events from the hub event.
fn event_query(field: &str) -> String {
    format!(
        r#"query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $dir: SortDirection) {{
  node(id: $id) {{ ... on Event {{ page: {field}(first: $first, after: $after, last: $last, before: $before, direction: $dir) {{
    totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    edges {{ cursor node {{ title }} }} }} }} }} }}"#
    )
}

/// The items of one page, as the neighbours' numbers (from a source's or an event's title), checking
/// that each citation carries its own excerpt.
fn numbers(page: &Value) -> Vec<usize> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let node = &e["node"];
            let title = node["title"]
                .as_str()
                .or(node["source"]["title"].as_str())
                .unwrap();
            let n: usize = title[title.len() - 2..].parse().unwrap();
            if let Some(excerpt) = node.get("excerpt") {
                assert_eq!(excerpt, &json!(format!("excerpt {n:02}")), "{node}");
            }
            n
        })
        .collect()
}

/// Walks the whole list in pages of 3, forwards (`first`/`after`) or backwards (`last`/`before`),
/// checking each page's size, total and round trips; returns the items in the list's order.
async fn walk(app: &TestApp, query: &str, id: &str, forwards: bool) -> Vec<usize> {
    let (mut seen, mut cursor, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let vars = if forwards {
            json!({ "id": id, "first": 3, "after": cursor })
        } else {
            json!({ "id": id, "last": 3, "before": cursor })
        };
        let r = app.gql(query, vars).await;
        assert!(r.get("errors").is_none(), "{r}");
        let page = &r["data"]["node"]["page"];
        assert_eq!(page["totalCount"], MANY, "{page}");
        let items = numbers(page);
        assert!(items.len() <= 3, "a page of 3 returned {items:?}");
        // The node, its page and the page's count: one statement.
        assert_eq!(r["extensions"]["roundTrips"], 1, "{r}");
        pages += 1;
        assert!(pages <= MANY, "paging does not end");
        let info = &page["pageInfo"];
        if forwards {
            seen.extend(items);
            if !info["hasNextPage"].as_bool().unwrap() {
                break;
            }
            cursor = info["endCursor"].clone();
        } else {
            seen.splice(0..0, items);
            if !info["hasPreviousPage"].as_bool().unwrap() {
                break;
            }
            cursor = info["startCursor"].clone();
        }
    }
    assert_eq!(pages, MANY.div_ceil(3), "pages of 3");
    seen
}

#[tokio::test]
async fn a_sources_citers_page_forwards_and_backwards_by_publication_date_each_once() {
    let app = app_with_relations(TestApp::spawn().await).await;
    let cited = id(&app.collection, "source", 0);
    assert_eq!(walk(&app, CITED_BY, &cited, true).await, in_order());
    assert_eq!(walk(&app, CITED_BY, &cited, false).await, in_order());
    // Descending walks the same citers the other way.
    let d = app
        .data(CITED_BY, json!({ "id": cited, "first": 10, "dir": "DESC" }))
        .await;
    let mut reversed = in_order();
    reversed.reverse();
    assert_eq!(numbers(&d["node"]["page"]), reversed);
    app.cleanup().await;
}

#[tokio::test]
async fn an_events_predecessors_and_causes_page_forwards_and_backwards_by_date_each_once() {
    let app = app_with_relations(TestApp::spawn().await).await;
    let hub = id(&app.collection, "event", 0);
    for field in ["precededBy", "causedBy"] {
        let q = event_query(field);
        assert_eq!(walk(&app, &q, &hub, true).await, in_order(), "{field}");
        assert_eq!(walk(&app, &q, &hub, false).await, in_order(), "{field}");
    }
    // A sort of their own, like every list of events.
    let d = app
        .data(
            r#"query($id: ID!) { node(id: $id) { ... on Event {
                 causedBy(first: 3, sort: TITLE, direction: DESC) { nodes { title } } } } }"#,
            json!({ "id": hub }),
        )
        .await;
    assert_eq!(
        d["node"]["causedBy"]["nodes"],
        json!([{ "title": "event 07" }, { "title": "event 06" }, { "title": "event 05" }])
    );
    app.cleanup().await;
}

#[tokio::test]
async fn every_relation_list_gets_the_default_page_size_when_none_is_given() {
    let mut config = test_config();
    config.graphql.default_page_size = 2;
    let app = app_with_relations(TestApp::spawn_with(config).await).await;
    let c = app.collection.clone();
    let page = "{ totalCount pageInfo { hasNextPage } nodes { __typename } }";
    let q = format!(
        r#"query($s0: ID!, $s1: ID!, $e0: ID!, $e1: ID!, $a0: ID!) {{
          s0: node(id: $s0) {{ ... on Source {{ citedBy {page} }} }}
          s1: node(id: $s1) {{ ... on Source {{ cites {page} }} }}
          e0: node(id: $e0) {{ ... on Event {{ precededBy {page} causedBy {page} }} }}
          e1: node(id: $e1) {{ ... on Event {{ followedBy {page} ledTo {page} partOf {page} }} }}
          a0: node(id: $a0) {{ ... on Actor {{ memberOf {page} answersTo {page} }} }} }}"#
    );
    let d = app
        .data(
            &q,
            json!({ "s0": id(&c, "source", 0), "s1": id(&c, "source", 1), "e0": id(&c, "event", 0),
                    "e1": id(&c, "event", 1), "a0": id(&c, "actor", 0) }),
        )
        .await;
    for (node, field, total) in [
        ("s0", "citedBy", MANY),
        ("s1", "cites", 3),
        ("e0", "precededBy", MANY),
        ("e0", "causedBy", MANY),
        ("e1", "followedBy", 3),
        ("e1", "ledTo", 3),
        ("e1", "partOf", 3),
        ("a0", "memberOf", 3),
        ("a0", "answersTo", 3),
    ] {
        let list = &d[node][field];
        assert_eq!(list["totalCount"], total, "{field}: {list}");
        assert_eq!(
            list["nodes"].as_array().unwrap().len(),
            2,
            "{field}: {list}"
        );
        assert_eq!(list["pageInfo"]["hasNextPage"], true, "{field}: {list}");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn relation_pages_under_a_list_are_cut_per_parent_in_the_lists_statement() {
    let app = app_with_relations(TestApp::spawn().await).await;
    let r = app
        .gql(
            r#"query($c: [ID!]) {
              events(collections: $c, first: 50, sort: TITLE) { nodes { title
                precededBy(first: 2) { totalCount nodes { title } }
                followedBy(last: 1) { nodes { title } } } }
              sources(collections: $c, first: 50) { nodes { title
                cites(first: 2, direction: DESC) { totalCount nodes { excerpt source { title } } } } } }"#,
            json!({ "c": [app.collection] }),
        )
        .await;
    assert!(r.get("errors").is_none(), "{r}");
    let events = r["data"]["events"]["nodes"].as_array().unwrap();
    let by_title = |list: &[Value], title: &str| {
        list.iter()
            .find(|n| n["title"] == title)
            .unwrap_or_else(|| panic!("{title} missing"))
            .clone()
    };
    let hub = by_title(events, "event 00");
    assert_eq!(hub["precededBy"]["totalCount"], MANY);
    assert_eq!(
        hub["precededBy"]["nodes"],
        json!([{ "title": "event 05" }, { "title": "event 02" }])
    );
    // Event 01 is followed by 00 (2025-01-01), 09 (02-01) and 08 (03-01): the last of them.
    let first = by_title(events, "event 01");
    assert_eq!(
        first["followedBy"]["nodes"],
        json!([{ "title": "event 08" }])
    );
    assert_eq!(first["precededBy"]["totalCount"], 0);
    let sources = r["data"]["sources"]["nodes"].as_array().unwrap();
    let citer = by_title(sources, "citer 01");
    assert_eq!(citer["cites"]["totalCount"], 3);
    assert_eq!(
        citer["cites"]["nodes"],
        json!([{ "excerpt": "excerpt 01", "source": { "title": "much cited" } },
               { "excerpt": "cites 08", "source": { "title": "older" } }])
    );
    // Each list with its nested pages: one statement each.
    assert_eq!(r["extensions"]["roundTrips"], 2, "{r}");
    app.cleanup().await;
}

#[tokio::test]
async fn relation_pages_start_from_the_anchors_index_seek() {
    let app = app_with_relations(TestApp::spawn().await).await;
    let db = app
        .store
        .session(casegraph::store::Scope::only(vec![app.collection.clone()]));
    let check = PlanCheck::start(&db).await;
    let cited = id(&app.collection, "source", 0);
    let hub = id(&app.collection, "event", 0);
    let unit = id(&app.collection, "actor", 0);
    let second = app.data(CITED_BY, json!({ "id": cited, "first": 3 })).await["node"]["page"]
        ["pageInfo"]["endCursor"]
        .clone();
    app.data(
        CITED_BY,
        json!({ "id": cited, "first": 3, "after": second }),
    )
    .await;
    app.data(&event_query("causedBy"), json!({ "id": hub, "last": 3 }))
        .await;
    app.data(
        r#"query($id: ID!) { node(id: $id) { ... on Actor { memberOf(first: 1) { nodes { name } } } } }"#,
        json!({ "id": unit }),
    )
    .await;
    let scans = check
        .scans(
            4,
            &[
                "<-[r1:CITES]-(n1:Source)",
                "<-[r1:LED_TO]-(n1:Event)",
                "LIMIT $w1l",
            ],
        )
        .await;
    assert!(scans.is_empty(), "{scans:#?}");
    app.cleanup().await;
}
