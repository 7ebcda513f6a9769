//! Nested lists that grow with the data are pages: `first`/`after`/`last`/`before`, a default and a
//! largest page size, a sort on the stored keys, and each page read inside the plan's one statement.

use casegraph::store::{
    plans::plan_operators,
    read::{
        tree::{self, Branch, Only, Window},
        Edge, SortKey,
    },
    Scope,
};
use serde_json::{json, Value};

use crate::helpers::{first_error, TestApp};

/// Events an actor takes part in: more than the default page of 20.
const EVENTS: usize = 25;

/// One busy actor in `EVENTS` events (in two roles in event 3, which must still come once), each
/// event on its own day but two on the same day (ties are broken by id), at one place; a second actor
/// in the even-numbered events only.
fn busy_actor(collection: &str) -> Value {
    let id = |kind: &str, n: usize| format!("{collection}:{kind}:{n:02}");
    let day = |n: usize| format!("2024-{:02}-{:02}", 1 + n / 28, 1 + n % 28);
    let claim = |about: String, status: &str| json!([{ "id": format!("{about}:claim"), "source": id("source", 0), "excerpt": "as reported", "status": status }]);
    let mut participations: Vec<Value> = (0..EVENTS)
        .map(|n| json!({ "id": id("part-a", n), "event": id("event", n), "actor": id("actor", 0), "role": "target",
            "claims": claim(id("part-a", n), "REPORTED") }))
        .collect();
    participations.push(
        json!({ "id": id("part-c", 3), "event": id("event", 3), "actor": id("actor", 0),
        "role": "perpetrator", "claims": claim(id("part-c", 3), "UNCONFIRMED") }),
    );
    participations.extend((0..EVENTS).step_by(2).map(|n| {
        json!({ "id": id("part-b", n), "event": id("event", n),
        "actor": id("actor", 1), "role": "target", "claims": claim(id("part-b", n), "REPORTED") })
    }));
    json!({
        "format": "casegraph/v1",
        "collection": { "id": collection, "name": "busy" },
        "terms": [
            { "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid", "description": "A raid." },
            { "vocabulary": "PARTICIPANT_ROLE", "key": "target", "label": "Target", "description": "Acted upon." },
            { "vocabulary": "PARTICIPANT_ROLE", "key": "perpetrator", "label": "Perpetrator", "description": "Acted." }
        ],
        "actors": [
            { "id": id("actor", 0), "kind": "GROUP", "name": "busy", "description": "a group" },
            { "id": id("actor", 1), "kind": "GROUP", "name": "half", "description": "a group" }
        ],
        "places": [{ "id": id("place", 0), "kind": "CITY", "name": "City", "description": "a city", "precision": "CITY" }],
        "sources": [{ "id": id("source", 0), "kind": "NEWS_REPORT", "title": "A report" }],
        "events": (0..EVENTS).map(|n| json!({ "id": id("event", n), "type": "raid", "title": format!("event {n:02}"),
            "description": "happened", "place": id("place", 0),
            // Events 10 and 11 share a day: the id decides.
            "date": { "edtf": day(if n == 11 { 10 } else { n }) },
            "claims": claim(id("event", n), if n % 3 == 0 { "CONFIRMED" } else { "REPORTED" }) })).collect::<Vec<_>>(),
        "participations": participations,
    })
}

async fn app_with_busy_actor() -> TestApp {
    let app = TestApp::spawn().await;
    casegraph::import::import_json(&app.store, &busy_actor(&app.collection).to_string())
        .await
        .expect("import");
    app
}

const ACTOR_EVENTS: &str = r#"query($id: ID!, $first: Int, $after: String, $last: Int, $before: String, $dir: SortDirection) {
  node(id: $id) { ... on Actor { events(first: $first, after: $after, last: $last, before: $before, direction: $dir) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title } } } } } }"#;

fn titles(events: &Value) -> Vec<String> {
    events["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect()
}

/// Every event by date then id: `event 00` … `event 24` (10 and 11 share a day; 10 has the smaller id).
fn in_order() -> Vec<String> {
    (0..EVENTS).map(|n| format!("event {n:02}")).collect()
}

#[tokio::test]
async fn paging_through_an_actors_events_returns_each_once_in_order_one_statement_a_page() {
    let app = app_with_busy_actor().await;
    let actor = format!("{}:actor:00", app.collection);
    let (mut seen, mut after, mut pages) = (Vec::new(), Value::Null, 0);
    loop {
        let r = app
            .gql(
                ACTOR_EVENTS,
                json!({ "id": actor, "first": 7, "after": after }),
            )
            .await;
        assert!(r.get("errors").is_none(), "{r}");
        let events = &r["data"]["node"]["events"];
        assert_eq!(events["totalCount"], EVENTS, "{events}");
        let page = titles(events);
        assert!(page.len() <= 7);
        seen.extend(page);
        pages += 1;
        // The node and its page (with its count): one statement of the plan.
        assert_eq!(r["extensions"]["roundTrips"], 1, "{r}");
        if !events["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = events["pageInfo"]["endCursor"].clone();
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(pages, 4);
    assert_eq!(seen, in_order());

    // …and backwards from the end, newest page first.
    let (mut back, mut before) = (Vec::new(), Value::Null);
    loop {
        let r = app
            .data(
                ACTOR_EVENTS,
                json!({ "id": actor, "last": 10, "before": before }),
            )
            .await;
        let events = &r["node"]["events"];
        let mut page = titles(events);
        page.extend(back);
        back = page;
        if !events["pageInfo"]["hasPreviousPage"].as_bool().unwrap() {
            break;
        }
        before = events["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(back, in_order());

    // Descending walks the same items the other way.
    let down = app
        .data(
            ACTOR_EVENTS,
            json!({ "id": actor, "first": 30, "dir": "DESC" }),
        )
        .await;
    let mut reversed = in_order();
    reversed.reverse();
    assert_eq!(titles(&down["node"]["events"]), reversed);
    app.cleanup().await;
}

#[tokio::test]
async fn a_nested_list_without_a_page_size_gets_the_default_and_one_above_the_largest_is_refused() {
    let app = app_with_busy_actor().await;
    let actor = format!("{}:actor:00", app.collection);
    let d = app.data(ACTOR_EVENTS, json!({ "id": actor })).await;
    let events = &d["node"]["events"];
    assert_eq!(titles(events), in_order()[..20].to_vec());
    assert_eq!(events["pageInfo"]["hasNextPage"], true);

    for (vars, field) in [
        (json!({ "id": actor, "first": 101 }), "first"),
        (json!({ "id": actor, "last": -1 }), "last"),
        (json!({ "id": actor, "after": "not-a-cursor" }), "after"),
    ] {
        let r = app.gql(ACTOR_EVENTS, vars).await;
        assert_eq!(
            first_error(&r),
            ("BAD_USER_INPUT".to_string(), Some(field.to_string())),
            "{r}"
        );
    }
    app.cleanup().await;
}

#[tokio::test]
async fn nested_pages_under_a_list_are_cut_per_parent_with_their_filters_and_sorts() {
    let app = app_with_busy_actor().await;
    let q = r#"query($c: [ID!]) { actors(collections: $c) { nodes {
        name
        events(first: 3, sort: TITLE, direction: DESC) { totalCount nodes { title } }
        asPerpetrator: events(role: "perpetrator") { totalCount nodes { title } }
        participations(first: 2) { nodes { role event { title }
          claims { totalCount nodes { status } } } }
    } }
    places(collections: $c) { nodes { events(last: 2) { nodes { title claims(status: [CONFIRMED]) { nodes { status } } } } } } }"#;
    let r = app.gql(q, json!({ "c": [app.collection] })).await;
    assert!(r.get("errors").is_none(), "{r}");
    let actors = r["data"]["actors"]["nodes"].as_array().unwrap();
    let names = |v: &Value| -> Vec<String> {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_string())
            .collect()
    };
    // "busy" then "half", by name.
    assert_eq!(
        names(&actors[0]["events"]),
        ["event 24", "event 23", "event 22"]
    );
    assert_eq!(actors[0]["events"]["totalCount"], EVENTS);
    assert_eq!(
        names(&actors[1]["events"]),
        ["event 24", "event 22", "event 20"]
    );
    assert_eq!(actors[1]["events"]["totalCount"], EVENTS.div_ceil(2));
    assert_eq!(names(&actors[0]["asPerpetrator"]), ["event 03"]);
    assert_eq!(actors[0]["asPerpetrator"]["totalCount"], 1);
    assert_eq!(actors[1]["asPerpetrator"]["totalCount"], 0);
    // Participations by role, then id: the one perpetrator first.
    let parts = actors[0]["participations"]["nodes"].as_array().unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0]["role"], "perpetrator");
    assert_eq!(parts[0]["claims"]["totalCount"], 1);
    assert_eq!(parts[1]["event"]["title"], "event 00");
    assert_eq!(
        parts[1]["claims"]["nodes"],
        json!([{ "status": "REPORTED" }])
    );
    let place = &r["data"]["places"]["nodes"][0]["events"]["nodes"];
    assert_eq!(place[0]["title"], "event 23");
    assert_eq!(place[0]["claims"]["nodes"], json!([]));
    assert_eq!(place[1]["title"], "event 24");
    assert_eq!(
        place[1]["claims"]["nodes"],
        json!([{ "status": "CONFIRMED" }])
    );
    // Each list with everything below it: one statement each.
    assert_eq!(r["extensions"]["roundTrips"], 2, "{r}");
    app.cleanup().await;
}

#[tokio::test]
async fn a_nested_page_is_read_from_the_parent_by_its_relationships_never_by_a_label_scan() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::only(vec![app.collection.clone()]));
    let window = |only| Window {
        sort: SortKey::DateEarliest,
        descending: false,
        after: Some(casegraph::store::read::Position {
            key: json!("2024-01-01"),
            id: "x".into(),
        }),
        before: None,
        limit: 20,
        from_end: false,
        only,
        total: true,
    };
    let tree = [Branch {
        edge: Edge::EventParticipations,
        window: Some(Window {
            sort: SortKey::Role,
            after: None,
            ..window(None)
        }),
        below: vec![(
            "Participation",
            vec![Branch {
                edge: Edge::ParticipationActor,
                window: None,
                below: vec![(
                    "Actor",
                    vec![Branch {
                        edge: Edge::ActorEvents,
                        window: Some(window(Some(Only::Role("target".into())))),
                        below: vec![],
                        props: None,
                    }],
                )],
                props: None,
            }],
        )],
        props: None,
    }];
    let statement = tree::statement(&tree)
        .param("ids", json!(["e"]))
        .param("collections", json!([app.collection]));
    let text = statement.text().to_string();
    assert!(text.contains("LIMIT $w3l"), "{text}");
    let ops = plan_operators(&db, statement).await.expect("explain");
    assert!(
        ops.iter().any(|o| o.contains("IndexSeek")),
        "{ops:?}\n{text}"
    );
    for scan in ["NodeByLabelScan", "AllNodesScan", "UnionNodeByLabelsScan"] {
        assert!(
            !ops.iter().any(|o| o.starts_with(scan)),
            "{scan}: {ops:?}\n{text}"
        );
    }
    app.cleanup().await;
}

/// What an actor's or a place's events should be, by the fixture and the writes since: each event's
/// date, the participations (id, actor, event) and each event's place. The order is (date, id).
struct Model {
    collection: String,
    dates: Vec<String>,
    parts: Vec<(String, usize, usize)>,
    places: Vec<Option<usize>>,
}

impl Model {
    fn of_fixture(collection: &str) -> Model {
        let mut parts: Vec<(String, usize, usize)> = (0..EVENTS)
            .map(|n| (format!("{collection}:part-a:{n:02}"), 0, n))
            .collect();
        parts.push((format!("{collection}:part-c:03"), 0, 3));
        parts.extend(
            (0..EVENTS)
                .step_by(2)
                .map(|n| (format!("{collection}:part-b:{n:02}"), 1, n)),
        );
        Model {
            collection: collection.to_string(),
            dates: (0..EVENTS)
                .map(|n| {
                    let n = if n == 11 { 10 } else { n };
                    format!("2024-{:02}-{:02}", 1 + n / 28, 1 + n % 28)
                })
                .collect(),
            parts,
            places: vec![Some(0); EVENTS],
        }
    }

    fn event(&self, n: usize) -> String {
        format!("{}:event:{n:02}", self.collection)
    }

    fn sorted(&self, mut events: Vec<usize>) -> Vec<String> {
        events.sort_by_key(|&n| (self.dates[n].clone(), self.event(n)));
        events.dedup();
        events.into_iter().map(|n| self.event(n)).collect()
    }

    fn of_actor(&self, actor: usize) -> Vec<String> {
        let events = self.parts.iter().filter(|p| p.1 == actor).map(|p| p.2);
        self.sorted(events.collect())
    }

    fn of_place(&self, place: usize) -> Vec<String> {
        let events = (0..EVENTS).filter(|&n| self.places[n] == Some(place));
        self.sorted(events.collect())
    }
}

/// Every page of `kind`'s node `id`'s events, four at a time by their cursors, ascending; and the
/// whole list descending (asserted to be its reverse). The ids, in order.
async fn walk_events(app: &TestApp, kind: &str, id: &str) -> Vec<String> {
    let q = format!(
        r#"query($id: ID!, $after: String, $first: Int, $dir: SortDirection) {{ node(id: $id) {{ ... on {kind} {{
        events(first: $first, after: $after, direction: $dir) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ id }} }} }} }} }}"#
    );
    let ids = |events: &Value| -> Vec<String> {
        events["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_string())
            .collect()
    };
    let (mut seen, mut after) = (Vec::new(), Value::Null);
    loop {
        let d = app
            .data(&q, json!({ "id": id, "first": 4, "after": after }))
            .await;
        let events = &d["node"]["events"];
        seen.extend(ids(events));
        if !events["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = events["pageInfo"]["endCursor"].clone();
        assert!(seen.len() <= 2 * EVENTS, "paging does not end");
    }
    let down = app
        .data(&q, json!({ "id": id, "first": 100, "dir": "DESC" }))
        .await;
    let mut reversed = ids(&down["node"]["events"]);
    reversed.reverse();
    assert_eq!(reversed, seen, "{kind} {id}: descending is not the reverse");
    seen
}

/// An actor's and a place's events by date are read from indexes of copied keys (`read::seek`): a
/// participation's copy of its actor and its event's date, an event's copy of its place. Every write
/// that changes what they copy must change the copy too, or the lists come out in the wrong order,
/// miss events or list them at the wrong node. Each step checks every list against a model.
#[tokio::test]
async fn an_actors_and_a_places_events_follow_every_write_of_dates_places_participations_and_merges(
) {
    let app = app_with_busy_actor().await;
    let c = app.collection.clone();
    let mut m = Model::of_fixture(&c);
    let actor = |n: usize| format!("{c}:actor:{n:02}");
    let place = |n: usize| format!("{c}:place:{n:02}");
    let check = |m: &Model, step: &'static str, actors: Vec<usize>, places: Vec<usize>| {
        let app = &app;
        let (actor, place) = (&actor, &place);
        let expected: Vec<Vec<String>> = actors
            .iter()
            .map(|&a| m.of_actor(a))
            .chain(places.iter().map(|&p| m.of_place(p)))
            .collect();
        async move {
            let mut got = Vec::new();
            for &a in &actors {
                got.push(walk_events(app, "Actor", &actor(a)).await);
            }
            for &p in &places {
                got.push(walk_events(app, "Place", &place(p)).await);
            }
            assert_eq!(got, expected, "after {step}");
        }
    };
    check(&m, "the import", vec![0, 1], vec![0]).await;

    let write = |q: &'static str, vars: Value| {
        let app = &app;
        async move {
            let r = app.gql(q, vars).await;
            assert!(r.get("errors").is_none(), "{q}: {r}");
        }
    };
    // A new date: event 04 (of both actors) moves to the end of every list.
    write(
        "mutation($id: ID!) { updateEvent(id: $id, patch: { date: { edtf: \"2025-06-01\" } }) { id } }",
        json!({ "id": m.event(4) }),
    )
    .await;
    m.dates[4] = "2025-06-01".into();
    check(&m, "a new date", vec![0, 1], vec![0]).await;

    // A new place for event 06; no place for event 07 (unlinked) nor event 09 (upserted without one).
    write(
        "mutation($id: ID!, $c: ID!) { upsertPlace(input: { id: $id, collection: $c, kind: CITY, precision: CITY, name: \"Town\" }) { id } }",
        json!({ "id": place(1), "c": c }),
    )
    .await;
    write(
        "mutation($id: ID!, $p: ID!) { updateEvent(id: $id, patch: { place: $p }) { id } }",
        json!({ "id": m.event(6), "p": place(1) }),
    )
    .await;
    m.places[6] = Some(1);
    write(
        "mutation($id: ID!, $p: ID!) { unlink(relation: EVENT_AT, from: $id, to: $p) { changed } }",
        json!({ "id": m.event(7), "p": place(0) }),
    )
    .await;
    m.places[7] = None;
    write(
        "mutation($id: ID!, $c: ID!, $d: String!) { upsertEvent(input: { id: $id, collection: $c, type: \"raid\",
           title: \"event 09\", date: { edtf: $d } }) { id } }",
        json!({ "id": m.event(9), "c": c, "d": m.dates[9] }),
    )
    .await;
    m.places[9] = None;
    check(&m, "moving and unlinking events", vec![], vec![0, 1]).await;
    // Linked again, and a place merged into another: its events move with it.
    write(
        "mutation($id: ID!, $p: ID!) { link(relation: EVENT_AT, from: $id, to: $p) { changed } }",
        json!({ "id": m.event(7), "p": place(1) }),
    )
    .await;
    m.places[7] = Some(1);
    check(&m, "linking", vec![], vec![0, 1]).await;
    write(
        "mutation($k: ID!, $d: ID!) { mergePlaces(keep: $k, duplicate: $d) { id } }",
        json!({ "k": place(0), "d": place(1) }),
    )
    .await;
    m.places[6] = Some(0);
    m.places[7] = Some(0);
    check(&m, "merging places", vec![], vec![0]).await;

    // Participations deleted (event 03 stays: the actor is in it twice) and moved to another event.
    for p in ["part-a:08", "part-a:03"] {
        write(
            "mutation($id: ID!) { deleteParticipation(id: $id) { deletedNodes } }",
            json!({ "id": format!("{c}:{p}") }),
        )
        .await;
        m.parts.retain(|x| x.0 != format!("{c}:{p}"));
    }
    write(
        "mutation($id: ID!, $e: ID!) { updateParticipation(id: $id, patch: { event: $e }) { id } }",
        json!({ "id": format!("{c}:part-b:10"), "e": m.event(11) }),
    )
    .await;
    m.parts
        .iter_mut()
        .filter(|x| x.0 == format!("{c}:part-b:10"))
        .for_each(|x| x.2 = 11);
    check(&m, "deleting and moving participations", vec![0, 1], vec![]).await;

    // Actors merged: the kept one has both lists, each event once.
    write(
        "mutation($k: ID!, $d: ID!) { mergeActors(keep: $k, duplicate: $d) { id } }",
        json!({ "k": actor(1), "d": actor(0) }),
    )
    .await;
    m.parts.iter_mut().for_each(|x| x.1 = 1);
    check(&m, "merging actors", vec![1], vec![0]).await;

    // A place deleted: its events are at none, and a new place of the same id starts empty.
    write(
        "mutation($id: ID!) { deletePlace(id: $id) { deletedNodes } }",
        json!({ "id": place(0) }),
    )
    .await;
    write(
        "mutation($id: ID!, $c: ID!) { upsertPlace(input: { id: $id, collection: $c, kind: CITY, precision: CITY, name: \"Again\" }) { id } }",
        json!({ "id": place(0), "c": c }),
    )
    .await;
    m.places = vec![None; EVENTS];
    check(&m, "deleting a place", vec![1], vec![0]).await;
    app.cleanup().await;
}

/// An actor's or a place's events by date, a page in either direction from a cursor, are a seek on
/// the index that holds the anchor's events in order, stopped at the page's `LIMIT`: nothing sorts
/// the neighbours (`Sort`/`Top` over them read every neighbour's key, O(degree) per page).
#[tokio::test]
async fn an_actors_and_a_places_events_by_date_are_an_ordered_index_seek_without_a_sort() {
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::only(vec![app.collection.clone()]));
    let at = Some(casegraph::store::read::Position {
        key: json!("2024-01-01"),
        id: "x".into(),
    });
    for (edge, only) in [
        (Edge::ActorEvents, None),
        (Edge::ActorEvents, Some(Only::Role("target".into()))),
        (Edge::PlaceEvents, None),
    ] {
        for (descending, from_end) in [(false, false), (true, false), (false, true)] {
            let window = Window {
                sort: SortKey::DateEarliest,
                descending,
                after: if from_end { None } else { at.clone() },
                before: if from_end { at.clone() } else { None },
                limit: 10,
                from_end,
                only: only.clone(),
                total: false,
            };
            let tree = [Branch {
                window: Some(window),
                ..Branch::whole(edge)
            }];
            let statement = tree::statement(&tree)
                .param("ids", json!(["a"]))
                .param("collections", json!([app.collection]));
            let text = statement.text().to_string();
            let ops = plan_operators(&db, statement).await.expect("explain");
            let has = |op: &str| ops.iter().any(|o| o.starts_with(op));
            assert!(has("NodeIndexSeek") && has("Limit"), "{ops:?}\n{text}");
            for sort in ["Sort", "Top", "PartialSort", "PartialTop", "Expand"] {
                assert!(!has(sort), "{sort}: {ops:?}\n{text}");
            }
        }
    }
    app.cleanup().await;
}
