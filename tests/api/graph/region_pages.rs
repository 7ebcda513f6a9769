//! Events at a place or anywhere within it, by date, in a date window: read from the events'
//! region relationships (`records::region_keys`), one class of date spans at a time. Every page,
//! forwards and backwards, must be the model's.

use casegraph::store::{
    read::{statements_of, Filter, ListKind, SortKey},
    Scope, Statement,
};
use serde_json::{json, Value};

use crate::helpers::{test_config, TestApp};

/// The places: `region` holds `north` and `south`; `town` lies within both (two paths, one place,
/// see [`app_with_regions`]);
/// `elsewhere` is outside.
const PLACES: [(&str, Option<&str>); 5] = [
    ("region", None),
    ("north", Some("region")),
    ("south", Some("region")),
    ("town", Some("north")),
    ("elsewhere", None),
];

/// Events: (local id, place, EDTF, earliest, latest, type), the bounds as the store derives them.
/// Single days in and around the window, intervals straddling either end, open ends (an open start
/// sorts first, with the key ''), dates before the year 1000, ties on one day, and the same dates
/// outside the region. Spans of every size (`records::span_class`: a region is read one class
/// at a time, each from the earliest start that can still reach the window): two, three and ten
/// days, months, years, several years, a decade, each just before, across and inside the window's
/// start.
#[allow(clippy::type_complexity)]
#[rustfmt::skip]
const EVENTS: [(&str, &str, &str, Option<&str>, Option<&str>, &str); 35] = [
    ("e01", "region", "2023-03-01", Some("2023-03-01"), Some("2023-03-01"), "raid"),
    ("e02", "north", "2023-03-15", Some("2023-03-15"), Some("2023-03-15"), "raid"),
    ("e03", "town", "2023-03-15", Some("2023-03-15"), Some("2023-03-15"), "detention"),
    ("e04", "south", "2023-04-30", Some("2023-04-30"), Some("2023-04-30"), "raid"),
    ("e05", "town", "2023-05-01", Some("2023-05-01"), Some("2023-05-01"), "raid"),
    ("e06", "south", "2023-02-28", Some("2023-02-28"), Some("2023-02-28"), "raid"),
    ("e07", "north", "2021-05-01/..", Some("2021-05-01"), None, "raid"),
    ("e08", "town", "2024-01-01/..", Some("2024-01-01"), None, "raid"),
    ("e09", "region", "../2023-03-10", None, Some("2023-03-10"), "detention"),
    ("e10", "south", "../2022-12", None, Some("2022-12-31"), "raid"),
    ("e11", "town", "2022-12/2023-03", Some("2022-12-01"), Some("2023-03-31"), "raid"),
    ("e12", "north", "2023-04/2023-06", Some("2023-04-01"), Some("2023-06-30"), "raid"),
    ("e13", "south", "2023", Some("2023-01-01"), Some("2023-12-31"), "raid"),
    ("e14", "region", "2023-03", Some("2023-03-01"), Some("2023-03-31"), "raid"),
    ("e15", "town", "0900/2023-03-05", Some("0900-01-01"), Some("2023-03-05"), "raid"),
    ("e16", "north", "0850", Some("0850-01-01"), Some("0850-12-31"), "raid"),
    ("e17", "south", "0900/..", Some("0900-01-01"), None, "detention"),
    ("e18", "elsewhere", "2023-03-15", Some("2023-03-15"), Some("2023-03-15"), "raid"),
    ("e19", "elsewhere", "2021-05-01/..", Some("2021-05-01"), None, "raid"),
    ("e20", "elsewhere", "../2023-04", None, Some("2023-04-30"), "raid"),
    ("e21", "region", "2023-04-02", Some("2023-04-02"), Some("2023-04-02"), "raid"),
    ("e22", "town", "2023-04-02", Some("2023-04-02"), Some("2023-04-02"), "raid"),
    ("e23", "town", "2023-02-19/2023-03-01", Some("2023-02-19"), Some("2023-03-01"), "raid"),
    ("e24", "north", "2022-02/2023-03", Some("2022-02-01"), Some("2023-03-31"), "raid"),
    ("e25", "south", "2021", Some("2021-01-01"), Some("2021-12-31"), "raid"),
    ("e26", "region", "2016/2023-03", Some("2016-01-01"), Some("2023-03-31"), "detention"),
    ("e27", "town", "2023-02-28/2023-03-01", Some("2023-02-28"), Some("2023-03-01"), "raid"),
    ("e28", "north", "2023-02-27/2023-02-28", Some("2023-02-27"), Some("2023-02-28"), "raid"),
    ("e29", "south", "2023-04-29/2023-05-02", Some("2023-04-29"), Some("2023-05-02"), "raid"),
    ("e30", "town", "201X", Some("2010-01-01"), Some("2019-12-31"), "raid"),
    ("e31", "region", "2022", Some("2022-01-01"), Some("2022-12-31"), "raid"),
    ("e32", "north", "2023-02", Some("2023-02-01"), Some("2023-02-28"), "raid"),
    ("e33", "south", "2023-04", Some("2023-04-01"), Some("2023-04-30"), "raid"),
    ("e34", "town", "2020-01-01/2023-03-01", Some("2020-01-01"), Some("2023-03-01"), "detention"),
    ("e35", "elsewhere", "2022-02/2023-03", Some("2022-02-01"), Some("2023-03-31"), "raid"),
];

/// The windows asked: the bench's two months, one before the year 1000, open ends, a single day,
/// and one starting in the year 1 (the long classes' earliest starts fall before the year 0).
const WINDOWS: [(Option<&str>, Option<&str>); 8] = [
    (Some("2023-03-01"), Some("2023-04-30")),
    (Some("0800-01-01"), Some("0899-12-31")),
    (None, Some("2023-03-01")),
    (Some("2023-04-30"), None),
    (None, None),
    (Some("2023-03-01"), Some("2023-03-01")),
    (Some("2022-12-31"), Some("2023-01-01")),
    (Some("0001-01-01"), Some("2015-06-30")),
];

fn document(collection: &str) -> Value {
    let id = |local: &str| format!("{collection}:{local}");
    let claim = |about: String| json!([{ "id": format!("{about}:claim"), "source": id("source"), "excerpt": "as reported", "status": "REPORTED" }]);
    json!({
        "format": "casegraph/v1",
        "collection": { "id": collection, "name": "regions" },
        "terms": [
            { "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid", "description": "A raid." },
            { "vocabulary": "EVENT_TYPE", "key": "detention", "label": "Detention", "description": "A detention." }
        ],
        "places": PLACES.iter().map(|(p, within)| {
            let mut place = json!({ "id": id(p), "kind": "CITY", "name": p, "description": "a place", "precision": "CITY" });
            if let Some(w) = within {
                place["within"] = id(w).into();
            }
            place
        }).collect::<Vec<_>>(),
        "sources": [{ "id": id("source"), "kind": "NEWS_REPORT", "title": "A report" }],
        "events": EVENTS.iter().map(|(e, place, edtf, _, _, ty)| json!({ "id": id(e), "type": ty,
            "title": e, "place": id(place), "date": { "edtf": edtf }, "claims": claim(id(e)) })).collect::<Vec<_>>(),
    })
}

/// A test app with the graph above.
async fn app_with_regions() -> TestApp {
    let app = TestApp::spawn_with(test_config()).await;
    casegraph::import::import_json(&app.store, &document(&app.collection).to_string())
        .await
        .expect("import");
    // The model gives a place one parent (a link re-points it); a second `WITHIN`, written by hand,
    // makes the hierarchy a DAG, in which an event must still be listed once. No writer of the
    // service made it, so the town's events get their region relationship to `south` by hand too
    // (as `records::region_keys` writes it; `region`, reached twice, keeps one).
    let c = app.collection.clone();
    app.store
        .session(Scope::all())
        .write(move |tx| {
            let c = c.clone();
            Box::pin(async move {
                tx.run(
                    Statement::new(
                        "MATCH (t:Place {id: $c + ':town'}), (s:Place {id: $c + ':south'}) \
                         CREATE (t)-[:WITHIN]->(s) \
                         WITH t, s MATCH (t)<-[:AT]-(a:Event) WHERE NOT (a)-[:IN_REGION]->(s) \
                         CREATE (a)-[:IN_REGION {regionId: s.id, spanClass: a.spanClass, \
                                                 sortDate: a.sortDate, eventId: a.id}]->(s)",
                    )
                    .param("c", c),
                )
                .await
            })
        })
        .await
        .expect("a second parent");
    app
}

/// The model: the region's events (at `place` or within it) overlapping the window, of the types
/// asked, in date order (an open start first), ties broken by id.
fn expected(
    collection: &str,
    place: &str,
    (from, to): (Option<&str>, Option<&str>),
    types: Option<&[&str]>,
    descending: bool,
) -> Vec<String> {
    let within = |mut p: &str| loop {
        if p == place || (p == "town" && ["north", "south", "region"].contains(&place)) {
            return true;
        }
        match PLACES.iter().find(|(q, _)| *q == p).unwrap().1 {
            Some(parent) => p = parent,
            None => return false,
        }
    };
    let mut out: Vec<(String, String)> = EVENTS
        .iter()
        .filter(|(_, p, _, _, _, _)| within(p))
        .filter(|(_, _, _, earliest, latest, _)| {
            // ISO dates of four-digit years compare as strings.
            let starts_by_to = match (earliest, to) {
                (Some(e), Some(t)) => e <= &t,
                _ => true,
            };
            let ends_from = match (latest, from) {
                (Some(l), Some(f)) => l >= &f,
                _ => true,
            };
            starts_by_to && ends_from
        })
        .filter(|(_, _, _, _, _, ty)| types.is_none_or(|t| t.contains(ty)))
        .map(|(e, _, _, earliest, _, _)| {
            (
                earliest.unwrap_or("").to_string(),
                format!("{collection}:{e}"),
            )
        })
        .collect();
    out.sort();
    if descending {
        out.reverse();
    }
    out.into_iter().map(|(_, id)| id).collect()
}

const PAGE: &str = r#"query($c: [ID!], $place: ID!, $from: String, $to: String, $types: [String!], $first: Int, $after: String, $last: Int, $before: String, $dir: SortDirection) {
  events(collections: $c, filter: { place: $place, date: { from: $from, to: $to }, types: $types }, sort: DATE, direction: $dir,
         first: $first, after: $after, last: $last, before: $before) {
    edges { node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"#;

/// Every page of a list, walked forwards by `first`/`after` or backwards by `last`/`before`.
async fn walked(app: &TestApp, vars: Value, size: usize, backwards: bool) -> Vec<String> {
    let mut pages: Vec<Vec<String>> = Vec::new();
    let mut cursor = Value::Null;
    for _ in 0..100 {
        let mut v = vars.clone();
        if backwards {
            v["last"] = size.into();
            v["before"] = cursor;
        } else {
            v["first"] = size.into();
            v["after"] = cursor;
        }
        let data = app.data(PAGE, v).await;
        let list = &data["events"];
        pages.push(super::ids(list));
        let info = &list["pageInfo"];
        let more = if backwards {
            &info["hasPreviousPage"]
        } else {
            &info["hasNextPage"]
        };
        if more != &json!(true) {
            if backwards {
                pages.reverse();
            }
            return pages.concat();
        }
        cursor = if backwards {
            info["startCursor"].clone()
        } else {
            info["endCursor"].clone()
        };
    }
    panic!("more than 100 pages");
}

async fn check_pages(app: &TestApp) {
    let c = &app.collection;
    for place in ["region", "north", "south", "town", "elsewhere"] {
        for window in WINDOWS {
            for types in [None, Some(&["raid"][..])] {
                for descending in [false, true] {
                    let want = expected(c, place, window, types, descending);
                    let vars = json!({"c": [c], "place": format!("{c}:{place}"), "from": window.0,
                        "to": window.1, "types": types, "dir": if descending { "DESC" } else { "ASC" }});
                    // Forwards by one (ties on a day), backwards by three, and all in one page.
                    for (size, backwards) in [(1, false), (3, true), (50, false)] {
                        {
                            assert_eq!(
                                walked(app, vars.clone(), size, backwards).await,
                                want,
                                "{place} {window:?} {types:?} descending {descending}, pages of {size}, \
                                 backwards {backwards}"
                            );
                        }
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_region_gives_the_model_pages_in_one_round_trip() {
    let app = app_with_regions().await;
    check_pages(&app).await;
    let c = &app.collection;
    let r = app
        .gql(
            PAGE,
            json!({"c": [c], "place": format!("{c}:region"), "first": 5}),
        )
        .await;
    assert_eq!(r["extensions"]["roundTrips"], json!(1), "{r}");
    // The region's relationships span collections: a page keeps to the request's.
    let vars = json!({"c": ["another"], "place": format!("{c}:region"), "first": 50});
    assert_eq!(
        super::ids(&app.data(PAGE, vars).await["events"]),
        Vec::<String>::new()
    );
    app.cleanup().await;
}

#[tokio::test]
async fn a_region_is_read_by_ordered_seeks_of_its_relationships_cut_at_the_page() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::all());
    let day = |d: &str| Some(d.parse().unwrap());
    let mut statements = Vec::new();
    for from in [day("2023-03-01"), None] {
        let window = casegraph::domain::DateRange::new(from, day("2023-04-30")).unwrap();
        for descending in [false, true] {
            let mut q = crate::plans::first_page(
                ListKind::Event,
                vec![
                    Filter::Types(vec!["raid".into()]),
                    Filter::EventWithinPlace("no-such-place".into()),
                    Filter::DateOverlap(window),
                ],
                SortKey::DateEarliest,
            );
            q.descending = descending;
            let [page, _] = statements_of(&q);
            assert!(page.text().contains("IN_REGION"), "{}", page.text());
            statements.push(page);
        }
    }
    for (text, ops) in crate::plans::plans_of(&db, statements).await {
        crate::plans::assert_no_scan(&text, &ops);
        // Two seeks of the relationship index (the first class's and every other class's), each in
        // the index's order with a limit right above it: no class is sorted or read past the page.
        let seeks: Vec<usize> = ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.contains("RelationshipIndexSeek"))
            .map(|(i, _)| i)
            .collect();
        assert_eq!(seeks.len(), 2, "{ops:?}\n{text}");
        for seek in seeks {
            let above = &ops[seek.saturating_sub(4)..seek];
            assert!(
                above
                    .iter()
                    .any(|o| o.starts_with("PartialTop") || o.starts_with("Limit")),
                "a class read without a limit: {ops:?}\n{text}"
            );
            assert!(
                !above
                    .iter()
                    .any(|o| o.starts_with("Top") || o.starts_with("Sort")),
                "a class sorted, not read in order: {ops:?}\n{text}"
            );
        }
        // Nothing walks the hierarchy.
        assert!(
            !ops.iter().any(|o| o.starts_with("VarLengthExpand")),
            "{ops:?}\n{text}"
        );
    }
    app.cleanup().await;
}

const UPDATE: &str =
    "mutation($id: ID!, $patch: EventPatch!) { updateEvent(id: $id, patch: $patch) { id } }";

/// A region is read one class of date spans at a time, each from the earliest start that can still
/// reach the window: an event whose dates change must move to its new class in its region
/// relationships, or it is missed (a single day that now runs on into the window) or read where it
/// can no longer be.
#[tokio::test]
async fn an_event_whose_dates_change_is_read_in_its_new_span_class() {
    let app = app_with_regions().await;
    let c = app.collection.clone();
    let june = json!({"c": [c], "place": format!("{c}:region"), "from": "2023-06-01",
        "to": "2023-06-30", "first": 50});
    let e02 = format!("{c}:e02");
    for (edtf, listed) in [
        (None, false),
        // Three and a half months from its old start: it reaches June.
        (Some("2023-03-15/2023-07-01"), true),
        (Some("2023-03-15/.."), true),
        (Some("2023-03-15"), false),
    ] {
        if let Some(edtf) = edtf {
            app.data(
                UPDATE,
                json!({"id": e02, "patch": {"date": {"edtf": edtf}}}),
            )
            .await;
        }
        for dir in ["ASC", "DESC"] {
            let mut vars = june.clone();
            vars["dir"] = dir.into();
            let ids = super::ids(&app.data(PAGE, vars).await["events"]);
            assert_eq!(ids.contains(&e02), listed, "{edtf:?} {dir}: {ids:?}");
        }
    }
    app.cleanup().await;
}
