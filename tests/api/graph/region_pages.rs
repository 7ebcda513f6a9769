//! Events at a place or anywhere within it, by date, in a date window: a big region is read by
//! walking the date index (`store::read::REGION_PROBE`), a small one from the place. Both ways must
//! give the same pages; a store whose probe is 1 walks every region, one whose probe is huge none.

use casegraph::store::{
    read::{region_statements, Filter, ListKind, SortKey},
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
/// outside the region. Spans of every size (`records::span_class`: a walked region is read one class
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

/// A test app whose store walks a region once it holds `probe` events, with the graph above.
async fn app_with_regions(probe: usize) -> TestApp {
    let mut config = test_config();
    config.neo4j.region_probe = probe;
    let app = TestApp::spawn_with(config).await;
    casegraph::import::import_json(&app.store, &document(&app.collection).to_string())
        .await
        .expect("import");
    // The model gives a place one parent (a link re-points it); a second `WITHIN` makes the
    // hierarchy a DAG, which the walk must still count once. Written by hand, it adds by hand what
    // a writer would (`records::region_keys`): the town's events lie in the south too, once.
    let c = app.collection.clone();
    app.store
        .session(Scope::all())
        .write(move |tx| {
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
async fn a_walked_region_gives_the_pages_of_a_region_read_from_its_place() {
    // Probe 1: every region with an event is walked in date order.
    let walking = app_with_regions(1).await;
    check_pages(&walking).await;
    // The same graph in another collection, read from the place: a region never holds this many.
    let reading = app_with_regions(usize::MAX >> 1).await;
    check_pages(&reading).await;
    // The walking store did walk (the probe's statement, then the walk's); the reading one did not.
    for (app, trips) in [(&walking, 2), (&reading, 1)] {
        let c = &app.collection;
        let r = app
            .gql(
                PAGE,
                json!({"c": [c], "place": format!("{c}:region"), "first": 5}),
            )
            .await;
        assert_eq!(r["extensions"]["roundTrips"], json!(trips), "{r}");
    }
    // The walk reads every event of the label: it keeps to the request's collections.
    let c = &walking.collection;
    let vars = json!({"c": [reading.collection], "place": format!("{c}:region"), "first": 50});
    assert_eq!(
        super::ids(&walking.data(PAGE, vars).await["events"]),
        Vec::<String>::new()
    );
    walking.cleanup().await;
    reading.cleanup().await;
}

/// What the probe counts for a place: the events at each place of its region, a place reached by
/// two paths (`town`, see [`app_with_regions`]) twice.
fn probed_size(place: &str) -> usize {
    let own = EVENTS.iter().filter(|e| e.1 == place).count();
    let mut children: Vec<&str> = PLACES
        .iter()
        .filter(|(_, parent)| *parent == Some(place))
        .map(|(p, _)| *p)
        .collect();
    if place == "south" {
        children.push("town");
    }
    own + children.into_iter().map(probed_size).sum::<usize>()
}

/// The probe stops counting at the store's `region_probe`: a region holding exactly that many
/// events is still walked, one holding fewer is read from its place, and a region far above it is
/// walked though its count stopped early. The pages are the model's either way.
#[tokio::test]
async fn the_probe_walks_a_region_from_exactly_its_threshold() {
    let places = ["region", "north", "south", "town", "elsewhere"];
    let threshold = probed_size("town");
    assert!(probed_size("region") > 2 * threshold && probed_size("elsewhere") < threshold);
    for probe in [threshold, threshold + 1] {
        let app = app_with_regions(probe).await;
        let c = &app.collection;
        for place in places {
            let vars = json!({"c": [c], "place": format!("{c}:{place}"), "from": "2023-03-01",
                "to": "2023-04-30", "first": 50});
            let r = app.gql(PAGE, vars).await;
            let trips = if probed_size(place) >= probe { 2 } else { 1 };
            assert_eq!(
                r["extensions"]["roundTrips"],
                json!(trips),
                "{place} (probed {}) with probe {probe}: {r}",
                probed_size(place)
            );
            let window = (Some("2023-03-01"), Some("2023-04-30"));
            assert_eq!(
                super::ids(&r["data"]["events"]),
                expected(c, place, window, None, false),
                "{place} with probe {probe}"
            );
        }
        app.cleanup().await;
    }
}

#[tokio::test]
async fn a_big_region_walks_the_date_index_in_order_and_stops_at_the_page() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::all());
    let day = |d: &str| Some(d.parse().unwrap());
    let mut statements = Vec::new();
    let mut probes = Vec::new();
    // A window with a start is walked one span class at a time; one without, along the date index.
    for from in [day("2023-03-01"), None] {
        let window = casegraph::domain::DateRange::new(from, day("2023-04-30")).unwrap();
        for descending in [false, true] {
            let mut q = crate::plans::first_page(
                ListKind::Event,
                vec![
                    Filter::EventWithinPlace("no-such-place".into()),
                    Filter::DateOverlap(window),
                ],
                SortKey::DateEarliest,
            );
            q.descending = descending;
            let [probed, page] = region_statements(&q).expect("a region's events by date");
            probes.push(probed);
            assert!(
                page.text().contains("n.sortDate <= $toKey"),
                "{}",
                page.text()
            );
            assert_eq!(page.text().contains("spanClass"), from.is_some());
            statements.push(page);
        }
    }
    // The probed page (the probe, and the read of a small region from the place) starts from the id
    // index, which its hints make sure of even in the suite's small database (the planner read it
    // from an index of places or nodes now and then, while other tests wrote places); and the probe
    // cuts the region's events at `$probe` before counting them, so that it stops there.
    for (text, ops) in crate::plans::plans_of(&db, probes).await {
        crate::plans::assert_no_scan(&text, &ops);
        assert!(
            ops.windows(2)
                .any(|w| w[0].starts_with("Limit") && w[1].starts_with("Unwind")),
            "a probe that counts every event of the region: {ops:?}\n{text}"
        );
    }
    for (text, ops) in crate::plans::plans_of(&db, statements).await {
        crate::plans::assert_no_scan(&text, &ops);
        // The walk reads the date index (or each span class's part of it) from the window's end, with
        // an ordered limit right above each seek so that it stops at the page.
        let seek = if text.contains("spanClass") {
            "NodeIndexSeek@"
        } else {
            "NodeIndexSeekByRange"
        };
        let walks: Vec<usize> = ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.starts_with(seek) || o.as_str() == seek.trim_end_matches('@'))
            .map(|(i, _)| i)
            .collect();
        // Two seeks of the span classes' index: the first class's and every other class's.
        let expected = if text.contains("spanClass") { 2 } else { 1 };
        assert_eq!(walks.len(), expected, "{ops:?}\n{text}");
        for walk in walks {
            let above = &ops[walk.saturating_sub(4)..walk];
            assert!(
                above
                    .iter()
                    .any(|o| o.starts_with("PartialTop") || o.starts_with("Limit")),
                "a walk without a limit: {ops:?}\n{text}"
            );
            assert!(
                !above
                    .iter()
                    .any(|o| o.starts_with("Top") || o.starts_with("Sort")),
                "the walk is sorted, not read in order: {ops:?}\n{text}"
            );
        }
    }
    app.cleanup().await;
}

const UPDATE: &str =
    "mutation($id: ID!, $patch: EventPatch!) { updateEvent(id: $id, patch: $patch) { id } }";

/// A walked region reads each class of date spans from the earliest start that can still reach the
/// window: an event whose dates change must move to its new class, or it is missed (a single day
/// that now runs on into the window) or read where it can no longer be.
#[tokio::test]
async fn an_event_whose_dates_change_is_walked_in_its_new_span_class() {
    let app = app_with_regions(1).await;
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
