//! The bounds of the graph questions: every anchored statement starts from an index, and on a
//! generated graph of 10,000 events the questions stop at their node and time limits and say so.

use std::time::{Duration, Instant};

use casegraph::store::{
    graph::{conflicts, neighbourhood, paths, statistics, timeline},
    plans::plan_operators,
    Scope, Statement,
};
use serde_json::{json, Value};

use crate::helpers::{seed_id, seeded, test_config, TestApp};

/// Parameters every graph statement may name; unused ones are ignored by Neo4j.
fn explain(statement: Statement) -> Statement {
    let params: Vec<(&str, Value)> = vec![
        ("collections", json!(["c"])),
        ("id", json!("x")),
        ("event", json!("x")),
        ("from", json!("x")),
        ("to", json!("y")),
        ("frontier", json!(["x"])),
        ("earlier", json!([])),
        ("kinds", json!(["LED_TO"])),
        ("participation", json!(true)),
        ("types", Value::Null),
        ("statuses", Value::Null),
        ("unsourced", json!(true)),
        ("standing", json!(["REPORTED"])),
        ("minSources", json!(1)),
        ("maxSources", Value::Null),
        ("unit", json!("person")),
        ("limit", json!(10)),
        ("eventLimit", json!(10)),
    ];
    params
        .into_iter()
        .fold(statement, |s, (k, v)| s.param(k, v))
}

#[tokio::test]
async fn every_anchored_graph_statement_starts_from_an_index() {
    let app = seeded().await;
    let db = app.store.session(Scope::all());
    let mut texts: Vec<(String, Statement)> = Vec::new();
    for (t, _) in neighbourhood::statements_for_explain() {
        texts.push(("neighbourhood".into(), t));
    }
    // The neighbourhood's level statement with its own parameter values (from and to are dates).
    texts.push(("paths".into(), paths::statement_for_explain()));
    for t in timeline::statements_for_explain() {
        texts.push(("timeline/co-occurrence".into(), t));
    }
    for t in conflicts::statements_for_explain() {
        texts.push(("conflicts".into(), t));
    }
    for t in statistics::statements_for_explain() {
        texts.push(("statistics".into(), t));
    }
    assert!(texts.len() >= 11);
    for (what, statement) in texts {
        let text = statement.text().to_string();
        let mut statement = explain(statement);
        if what == "neighbourhood" {
            statement = statement
                .param("from", Value::Null)
                .param("to", Value::Null);
        }
        let ops = plan_operators(&db, statement)
            .await
            .unwrap_or_else(|e| panic!("{what}: {}", e.detail()));
        assert!(!ops.is_empty(), "{what}: no plan");
        assert!(
            ops.iter().any(|o| o.contains("IndexSeek")),
            "{what} does not start from an index: {ops:?}\n{text}"
        );
        for scan in ["NodeByLabelScan", "AllNodesScan", "UnionNodeByLabelsScan"] {
            assert!(
                !ops.iter().any(|o| o.starts_with(scan)),
                "{what} scans ({scan}): {ops:?}\n{text}"
            );
        }
    }
}

/// A statement of the test fixture over `i` in `0..n`, run in write transactions of `CHUNK` each:
/// small enough to stay well inside the driver's receive timeout on a busy machine.
async fn fixture(app: &TestApp, n: i64, text: &'static str) {
    const CHUNK: i64 = 2_500;
    let db = app.store.session(Scope::only(vec![app.collection.clone()]));
    for lo in (0..n).step_by(CHUNK as usize) {
        let hi = (lo + CHUNK).min(n) - 1;
        let c = app.collection.clone();
        db.write(move |tx| {
            let c = c.clone();
            Box::pin(async move {
                let statement = Statement::new(text)
                    .param("c", c)
                    .param("lo", lo)
                    .param("hi", hi);
                tx.run(statement).await?;
                Ok(())
            })
        })
        .await
        .unwrap_or_else(|e| panic!("fixture: {}\n{text}", e.detail()));
    }
}

const EVENTS: i64 = 10_000;
const ACTORS: i64 = 200;

/// 10,000 events in a FOLLOWED_BY chain, each with two participants among 200 actors and a place
/// among 50; a figure on every tenth event, two disagreeing ones on every hundredth.
async fn generate(app: &TestApp) {
    fixture(
        app,
        50,
        "UNWIND range($lo, $hi) AS i CREATE (:Node:Place {id: $c + ':place:' + i, collection: $c, \
         kind: 'CITY', name: 'Place ' + i, precision: 'CITY'})",
    )
    .await;
    fixture(
        app,
        ACTORS,
        "UNWIND range($lo, $hi) AS i CREATE (:Node:Actor {id: $c + ':actor:' + i, collection: $c, \
         kind: 'GROUP', name: 'Actor ' + i, aliases: []})",
    )
    .await;
    fixture(
        app,
        EVENTS,
        "UNWIND range($lo, $hi) AS i \
         WITH i, date('2024-01-01') + duration({days: i % 365}) AS d \
         CREATE (:Node:Event {id: $c + ':event:' + i, collection: $c, \
           type: ['raid', 'detention', 'charge', 'release', 'fine'][i % 5], title: 'Event ' + i, \
           dateEdtf: toString(d), dateEarliest: d, dateLatest: d, datePrecision: 'DAY', \
           dateApproximate: false, dateUncertain: false, dateInferred: false})",
    )
    .await;
    fixture(
        app,
        EVENTS - 1,
        "UNWIND range($lo, $hi) AS i \
         MATCH (a:Node {id: $c + ':event:' + i}), (b:Node {id: $c + ':event:' + (i + 1)}) \
         CREATE (a)-[:FOLLOWED_BY]->(b)",
    )
    .await;
    fixture(
        app,
        EVENTS,
        "UNWIND range($lo, $hi) AS i \
         MATCH (e:Node {id: $c + ':event:' + i}), (pl:Node {id: $c + ':place:' + (i % 50)}) \
         CREATE (e)-[:AT]->(pl)",
    )
    .await;
    for text in [
        "UNWIND range($lo, $hi) AS i \
         MATCH (e:Node {id: $c + ':event:' + i}), (a:Node {id: $c + ':actor:' + (i % 200)}) \
         CREATE (a)-[:PARTICIPATES_AS]->(:Node:Participation {id: $c + ':p:' + i + ':a', \
           collection: $c, role: 'perpetrator'})-[:IN_EVENT]->(e)",
        "UNWIND range($lo, $hi) AS i \
         MATCH (e:Node {id: $c + ':event:' + i}), (a:Node {id: $c + ':actor:' + ((i * 7 + 3) % 200)}) \
         CREATE (a)-[:PARTICIPATES_AS]->(:Node:Participation {id: $c + ':p:' + i + ':b', \
           collection: $c, role: 'target'})-[:IN_EVENT]->(e)",
        "UNWIND [i IN range($lo, $hi) WHERE i % 10 = 0] AS i \
         MATCH (e:Node {id: $c + ':event:' + i}) \
         CREATE (:Node:Count {id: $c + ':count:' + i, collection: $c, subject: 'people detained', \
           value: i, qualifier: 'EXACT', unit: 'person'})-[:COUNT_OF]->(e)",
        "UNWIND [i IN range($lo, $hi) WHERE i % 100 = 0] AS i \
         MATCH (e:Node {id: $c + ':event:' + i}) \
         CREATE (:Node:Count {id: $c + ':count:' + i + ':alt', collection: $c, subject: 'people detained', \
           lower: i, qualifier: 'AT_LEAST', unit: 'person'})-[:COUNT_OF]->(e)",
    ] {
        fixture(app, EVENTS, text).await;
    }
}

async fn timed(app: &TestApp, query: &str, vars: Value) -> (Value, Duration) {
    let started = Instant::now();
    let r = app.gql(query, vars).await;
    (r, started.elapsed())
}

#[tokio::test]
async fn on_10000_events_the_questions_stop_at_their_bounds_and_say_so() {
    let mut config = test_config();
    config.graphql.graph.max_nodes = 300;
    // The node and hop limits are under test here, not the clock: on a busy machine a depth-3 search
    // can take seconds, and the default time limit would end it first (TIME_LIMIT has its own part).
    config.graphql.graph.time_limit = Duration::from_secs(60);
    // The driver's receive timeout is its connect timeout: give the fixture's writes (and the
    // clean-up's deletes) room on a busy machine.
    config.neo4j.connect_timeout = Duration::from_secs(60);
    config.neo4j.query_timeout = Duration::from_secs(60);
    let app = TestApp::spawn_with(config).await;
    let started = Instant::now();
    generate(&app).await;
    let generated = started.elapsed();
    let c = app.collection.clone();
    let id = |kind: &str, n: i64| format!("{c}:{kind}:{n}");

    // Depth 3 around a busy actor reaches thousands of nodes: it stops at 300 and says so.
    let (r, hood_time) = timed(
        &app,
        r#"query($id: ID!) { neighbourhood(id: $id, depth: 3) {
             nodes { id } edges { id } bounds { truncated truncatedBy nodeLimit } } }"#,
        json!({ "id": id("actor", 0) }),
    )
    .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let hood = &r["data"]["neighbourhood"];
    assert_eq!(hood["nodes"].as_array().unwrap().len(), 300);
    assert_eq!(hood["bounds"]["truncatedBy"], json!(["NODE_LIMIT"]));
    assert!(r["extensions"]["roundTrips"].as_u64().unwrap() <= 4);

    // The two ends of the chain are 9,999 events apart, and further than 6 hops through actors:
    // nothing within the hop limit, and the answer says so.
    let (r, path_time) = timed(
        &app,
        r#"query($a: ID!, $b: ID!) { paths(from: $a, to: $b, relations: [FOLLOWED_BY], k: 2) {
             paths { length } bounds { truncatedBy hopLimit } } }"#,
        json!({ "a": id("event", 0), "b": id("event", 9999) }),
    )
    .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(r["data"]["paths"]["paths"], json!([]));
    assert_eq!(
        r["data"]["paths"]["bounds"]["truncatedBy"],
        json!(["HOP_LIMIT"])
    );
    // Through the actors, a path exists within the limit.
    let (r, actor_path_time) = timed(
        &app,
        r#"query($a: ID!, $b: ID!) { paths(from: $a, to: $b, k: 3) {
             paths { length hops { edge { kind } } } bounds { truncatedBy } } }"#,
        json!({ "a": id("event", 0), "b": id("event", 9999) }),
    )
    .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let found = r["data"]["paths"]["paths"].as_array().unwrap();
    assert!(!found.is_empty(), "{r:#}");
    assert!(found.iter().all(|p| p["length"].as_i64().unwrap() <= 6));

    // The collection's timeline holds 10,000 events: the first 300, in order, and truncated.
    let (r, timeline_time) = timed(
        &app,
        r#"query($c: ID!) { timeline(collection: $c) { entries { earliest } bounds { truncatedBy } } }"#,
        json!({ "c": c }),
    )
    .await;
    let entries = r["data"]["timeline"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 300);
    assert_eq!(
        r["data"]["timeline"]["bounds"]["truncatedBy"],
        json!(["NODE_LIMIT"])
    );

    // Conflicts: every hundredth event has two figures that disagree: 100, over the limit of 300?
    // No: 100 conflicts fit; all are found, in one statement.
    let (r, conflicts_time) = timed(
        &app,
        r#"query($c: [ID!]) { conflicts(collections: $c) { conflicts { subject } bounds { truncated } } }"#,
        json!({ "c": [c] }),
    )
    .await;
    assert_eq!(
        r["data"]["conflicts"]["conflicts"]
            .as_array()
            .unwrap()
            .len(),
        100
    );
    assert_eq!(r["data"]["conflicts"]["bounds"]["truncated"], false);

    let (r, stats_time) = timed(
        &app,
        r#"query($c: [ID!]) { statistics(collections: $c) {
             eventsByType { items { eventType events } }
             eventsByMonth { items { month within } bounds { truncated } } } }"#,
        json!({ "c": [c] }),
    )
    .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let types = r["data"]["statistics"]["eventsByType"]["items"]
        .as_array()
        .unwrap();
    assert_eq!(types.len(), 5);
    assert!(types.iter().all(|t| t["events"] == 2000));

    eprintln!(
        "generated graph ({EVENTS} events, {ACTORS} actors) in {generated:?}; neighbourhood depth 3 \
         {hood_time:?}, paths (chain) {path_time:?}, paths (all relations, k=3) {actor_path_time:?}, \
         timeline {timeline_time:?}, conflicts {conflicts_time:?}, statistics {stats_time:?}"
    );

    // With a time limit of 1 ms, no question can finish: each answers at once, marked TIME_LIMIT,
    // and its statement is terminated on the server.
    let mut config = test_config();
    config.graphql.graph.time_limit = Duration::from_millis(1);
    let hurried = TestApp::spawn_with(config).await;
    let (r, hurried_time) = timed(
        &hurried,
        r#"query($c: ID!) { timeline(collection: $c) { entries { earliest } bounds { truncated truncatedBy timeLimitMs } } }"#,
        json!({ "c": c }),
    )
    .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    assert_eq!(
        r["data"]["timeline"]["bounds"]["truncatedBy"],
        json!(["TIME_LIMIT"])
    );
    assert_eq!(r["data"]["timeline"]["bounds"]["timeLimitMs"], 1);
    assert!(hurried_time < Duration::from_secs(5), "{hurried_time:?}");
    let (r, _) = timed(
        &hurried,
        r#"query($a: ID!) { neighbourhood(id: $a, depth: 3) { nodes { id } bounds { truncatedBy } } }"#,
        json!({ "a": id("actor", 0) }),
    )
    .await;
    assert!(r.get("errors").is_none(), "{r:#}");
    let hit = r["data"]["neighbourhood"]["bounds"]["truncatedBy"]
        .as_array()
        .unwrap();
    assert!(hit.contains(&json!("TIME_LIMIT")), "{r:#}");

    app.cleanup().await;
}

#[tokio::test]
async fn a_seed_question_under_the_default_bounds_is_not_truncated() {
    // The counterpart of the test above: the bounds do not cut ordinary answers.
    let app = seeded().await;
    let r = app
        .data(
            r#"query($a: ID!) { neighbourhood(id: $a, depth: 2) { bounds { truncated hopLimit nodeLimit timeLimitMs } } }"#,
            json!({ "a": seed_id("event", "raids") }),
        )
        .await;
    let b = &r["neighbourhood"]["bounds"];
    assert_eq!(b["truncated"], false);
    assert_eq!(b["hopLimit"], 2);
    assert_eq!(b["nodeLimit"], 500);
    assert_eq!(
        b["timeLimitMs"],
        app.config.graphql.graph.time_limit.as_millis() as u64
    );
}

#[tokio::test]
async fn a_statement_over_the_time_limit_is_terminated_on_the_server() {
    use casegraph::store::graph::{run_bounded, Bound, Budget};
    let app = TestApp::spawn().await;
    let db = app.store.session(Scope::all());
    // Counts to a hundred million: seconds of work that no answer may wait for.
    let slow = Statement::new(
        "UNWIND range(1, 100000000) AS i WITH i WHERE i % 7 = 3 RETURN count(*) AS row",
    );
    let mut budget = Budget::new(10, Duration::from_millis(300));
    let started = Instant::now();
    let rows: Option<Vec<i64>> = run_bounded(&db, slow, &mut budget).await.unwrap();
    assert!(rows.is_none());
    assert_eq!(budget.hit, vec![Bound::TimeLimit]);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The server no longer runs it. (Dropping the driver's stream already resets the connection,
    // which stops the statement; the explicit TERMINATE in `run_bounded` covers a connection that
    // stays open. This checks the outcome, whichever of the two achieves it.)
    let still: Vec<i64> = db
        .rows(Statement::new(
            "SHOW TRANSACTIONS YIELD currentQuery AS q \
             WHERE q CONTAINS 'range(1, 100000000)' AND NOT q CONTAINS 'SHOW' RETURN count(*) AS row",
        ))
        .await
        .unwrap();
    assert_eq!(still, vec![0], "the timed-out statement still runs");
}
