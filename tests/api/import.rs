//! `casegraph import` at scale (src/import/bulk.rs): a streamed file — NDJSON or a document — written
//! in batches with checkpoints writes the same graph as the whole-document import, changes nothing
//! when run again, resumes after a kill without a half-written batch, reports a bad record with its
//! position, and looks every id up through the index.

use std::path::PathBuf;

use casegraph::{
    import::bulk::{self, OnError, Options},
    store::{Scope, Statement, Store},
};
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// A collection of `k` events with everything a record can refer to, including relations that name
/// records further on in the file (a source citing a later source, an event followed by the next).
pub fn document(collection: &str, k: usize) -> Value {
    let id = |kind: &str, n: usize| format!("{collection}:{kind}:{n}");
    let claims = |about: String, n: usize| {
        json!([{ "id": format!("{about}:claim"), "source": id("source", n % 2),
                 "excerpt": "as reported", "status": "REPORTED" }])
    };
    json!({
        "format": "casegraph/v1",
        "collection": { "id": collection, "name": "bulk", "description": "generated" },
        "terms": [
            { "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid" },
            { "vocabulary": "PARTICIPANT_ROLE", "key": "target", "label": "Target" }
        ],
        "actors": (0..3).map(|n| json!({ "id": id("actor", n), "kind": "GROUP", "name": format!("actor {n}"),
            "aliases": ["a", "b"], "memberOf": if n > 0 { vec![id("actor", 0)] } else { vec![] } })).collect::<Vec<_>>(),
        "places": [
            { "id": id("place", 0), "kind": "COUNTRY", "name": "Country", "precision": "COUNTRY" },
            { "id": id("place", 1), "kind": "CITY", "name": "City", "within": id("place", 0), "precision": "CITY",
              "location": { "latitude": 59.9, "longitude": 30.3 } }
        ],
        "sources": [
            { "id": id("source", 0), "kind": "NEWS_REPORT", "title": "A report", "publisher": id("actor", 0),
              "published": { "edtf": "2025-01" },
              "cites": [{ "source": id("source", 1), "excerpt": "as the other said" }] },
            { "id": id("source", 1), "kind": "OTHER", "title": "Another" }
        ],
        "events": (0..k).map(|n| json!({ "id": id("event", n), "type": "raid", "title": format!("event {n}"),
            "place": id("place", n % 2), "date": { "edtf": "2025-01-01" },
            "partOf": if n > 0 && n % 3 == 0 { vec![id("event", n - 1)] } else { vec![] },
            "followedBy": if n + 1 < k { vec![id("event", n + 1)] } else { vec![] },
            "claims": claims(id("event", n), n) })).collect::<Vec<_>>(),
        "participations": (0..k).map(|n| json!({ "id": id("part", n), "event": id("event", n),
            "actor": id("actor", n % 3), "role": "target", "claims": claims(id("part", n), n) })).collect::<Vec<_>>(),
        "counts": (0..k).map(|n| json!({ "id": id("count", n), "event": id("event", n), "subject": "people",
            "value": n, "qualifier": "EXACT", "partOf": if n > 0 { Some(id("count", 0)) } else { None },
            "claims": claims(id("count", n), n) })).collect::<Vec<_>>(),
    })
}

/// `doc` with a `relations` list: evidence for relations its records draw — a sourced membership, a
/// sourced sequence whose relation points forward (put off until the file is written) and an
/// inferred containment.
pub fn with_relations(mut doc: Value) -> Value {
    let c = doc["collection"]["id"].as_str().unwrap().to_owned();
    let id = |kind: &str, n: usize| format!("{c}:{kind}:{n}");
    doc["relations"] = json!([
        { "relation": "ACTOR_MEMBER_OF", "from": id("actor", 1), "to": id("actor", 0),
          "claims": [{ "id": format!("{c}:claim:member"), "source": id("source", 0),
                       "excerpt": "a unit of the other", "status": "REPORTED" }] },
        { "relation": "EVENT_FOLLOWED_BY", "from": id("event", 0), "to": id("event", 1),
          "claims": [{ "id": format!("{c}:claim:followed"), "source": id("source", 1),
                       "excerpt": "then came the next", "status": "CONFIRMED" }] },
        { "relation": "PLACE_WITHIN", "from": id("place", 1), "to": id("place", 0),
          "inference": { "reasoning": "the city is named with the country" } }
    ]);
    doc
}

/// The relation evidence of `collection`: each relation's claims (id, source) and inference, sorted.
pub async fn evidence_of(store: &std::sync::Arc<Store>, collection: &str) -> Vec<String> {
    let rows: Vec<String> = store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (a:Node {collection: $c})-[r]->(b) WHERE r.id IS NOT NULL \
                 WITH r, COLLECT { MATCH (x:Claim {aboutRelation: r.id})-[:CITES]->(s) \
                                   RETURN x.id + '<' + s.id + ' ' + x.status + ' ' + x.excerpt } AS claims \
                 WHERE size(claims) > 0 OR r.inference IS NOT NULL \
                 RETURN r.id + ' ' + coalesce(r.inference, '') + ' ' \
                        + reduce(s = '', x IN claims | s + x + ',') AS row",
            )
            .param("c", collection),
        )
        .await
        .expect("read the evidence");
    let mut out: Vec<String> = rows
        .into_iter()
        .map(|r| r.replace(collection, "C"))
        .collect();
    out.sort();
    out
}

/// The same document as NDJSON: a header line, then one record per line.
pub fn ndjson(doc: &Value) -> String {
    let mut out = json!({ "format": doc["format"], "collection": doc["collection"] }).to_string();
    for (list, record) in [
        ("terms", "term"),
        ("actors", "actor"),
        ("places", "place"),
        ("sources", "source"),
        ("events", "event"),
        ("participations", "participation"),
        ("counts", "count"),
        ("relations", "relation"),
    ] {
        for item in doc[list].as_array().into_iter().flatten() {
            let mut item = item.clone();
            item["record"] = json!(record);
            out.push('\n');
            out.push_str(&item.to_string());
        }
    }
    out.push('\n');
    out
}

pub fn temp_file(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("casegraph-{}-{name}", uuid::Uuid::now_v7()));
    std::fs::write(&path, text).expect("write a temporary file");
    path
}

fn options(batch_size: usize) -> Options {
    Options {
        batch_size,
        ..Options::default()
    }
}

/// Every node of `collection` and its outgoing relationships, as sorted text with the collection's
/// id replaced, so that two collections written from the same data compare equal.
pub async fn graph_of(store: &std::sync::Arc<Store>, collection: &str) -> Vec<String> {
    let db = store.session(Scope::all());
    let rows: Vec<String> = db
        .rows(
            Statement::new(
                "MATCH (n:Node {collection: $c}) \
                 WITH n, [k IN keys(n) WHERE NOT k IN ['createdAt', 'sortCreated'] | k + '=' + \
                     CASE WHEN toStringOrNull(n[k]) IS NULL \
                          THEN reduce(s = '', x IN n[k] | s + '|' + toString(x)) ELSE toString(n[k]) END] AS props \
                 OPTIONAL MATCH (n)-[r]->(m) \
                 WITH n, props, r, m ORDER BY type(r), m.id \
                 WITH n, props, collect(type(r) + '>' + m.id + coalesce(' ' + r.excerpt, '')) AS rels \
                 RETURN reduce(s = '', l IN labels(n) | s + l + ':') + n.id + ' ' \
                        + reduce(s = '', p IN props | s + p + ';') + ' ' \
                        + reduce(s = '', x IN rels | s + x + ',') AS row",
            )
            .param("c", collection),
        )
        .await
        .expect("dump the graph");
    let mut out: Vec<String> = rows
        .into_iter()
        .map(|r| {
            let mut parts: Vec<&str> = r.split(';').collect();
            parts.sort();
            parts.join(";").replace(collection, "C")
        })
        .collect();
    out.sort();
    out
}

fn app_with(collection: &str, app: &TestApp) -> TestApp {
    TestApp {
        router: app.router.clone(),
        store: app.store.clone(),
        config: app.config.clone(),
        collection: collection.to_owned(),
    }
}

#[tokio::test]
async fn a_streamed_import_writes_the_same_graph_as_a_whole_document_import() {
    let app = TestApp::spawn().await;
    let (whole, lines, doc) = (
        format!("{}-whole", app.collection),
        format!("{}-ndjson", app.collection),
        format!("{}-doc", app.collection),
    );
    let full = |c: &str| with_relations(document(c, 12));
    casegraph::import::import_json(&app.store, &full(&whole).to_string())
        .await
        .expect("whole-document import");
    let file = temp_file("a.ndjson", &ndjson(&full(&lines)));
    let report = bulk::import(&app.store, file.to_str().unwrap(), &options(5))
        .await
        .expect("NDJSON import");
    assert_eq!(report.records, 2 + 3 + 2 + 2 + 36 + 3);
    assert_eq!(report.batches_written, 10, "{report}");
    let file2 = temp_file("b.json", &full(&doc).to_string());
    bulk::import(&app.store, file2.to_str().unwrap(), &options(2))
        .await
        .expect("streamed document import");

    let expected = graph_of(&app.store, &whole).await;
    assert_eq!(
        expected.len(),
        1 + 2 + 3 + 2 + 2 + 36 + 36 + 2,
        "nodes and claims"
    );
    assert_eq!(graph_of(&app.store, &lines).await, expected);
    assert_eq!(graph_of(&app.store, &doc).await, expected);
    // The `relations` entries: both streamed forms carry them (an NDJSON `relation` line, a
    // document's list), the forward one included, as the whole-document import does.
    let evidence = evidence_of(&app.store, &whole).await;
    assert_eq!(
        evidence,
        [
            "FOLLOWED_BY:C:event:0->C:event:1  C:claim:followed<C:source:1 CONFIRMED then came the next,",
            "MEMBER_OF:C:actor:1->C:actor:0  C:claim:member<C:source:0 REPORTED a unit of the other,",
            "WITHIN:C:place:1->C:place:0 the city is named with the country ",
        ]
    );
    assert_eq!(evidence_of(&app.store, &lines).await, evidence);
    assert_eq!(evidence_of(&app.store, &doc).await, evidence);
    // No put-off relation is left behind.
    let pending: Vec<i64> = app
        .store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (p:ImportPending) WHERE p.collection IN $c RETURN count(p) AS row",
            )
            .param("c", [&lines, &doc]),
        )
        .await
        .unwrap();
    assert_eq!(pending, vec![0]);
    for c in [whole, lines, doc] {
        app_with(&c, &app).cleanup().await;
    }
    let _ = std::fs::remove_file(file);
    let _ = std::fs::remove_file(file2);
    app.cleanup().await;
}

#[tokio::test]
async fn importing_again_changes_nothing_restart_rewrites_the_same_and_deleting_forgets_the_checkpoints(
) {
    let app = TestApp::spawn().await;
    let file = temp_file(
        "again.ndjson",
        &ndjson(&with_relations(document(&app.collection, 10))),
    );
    let path = file.to_str().unwrap();
    let first = bulk::import(&app.store, path, &options(4))
        .await
        .expect("first");
    let graph = graph_of(&app.store, &app.collection).await;
    let again = bulk::import(&app.store, path, &options(4))
        .await
        .expect("again");
    assert_eq!(again.batches_written, 0, "{again}");
    assert_eq!(again.batches_resumed, first.batches_written);
    assert_eq!(graph_of(&app.store, &app.collection).await, graph);
    let evidence = evidence_of(&app.store, &app.collection).await;
    assert_eq!(evidence.len(), 3, "{evidence:#?}");
    let restart = Options {
        restart: true,
        ..options(4)
    };
    let rewritten = bulk::import(&app.store, path, &restart)
        .await
        .expect("restart");
    assert_eq!(rewritten.batches_written, first.batches_written);
    assert_eq!(graph_of(&app.store, &app.collection).await, graph);
    // Deleting the collection forgets its checkpoints: the same file writes it all again.
    casegraph::store::admin::delete_collection(&app.store, &app.collection)
        .await
        .unwrap();
    let after = bulk::import(&app.store, path, &options(4))
        .await
        .expect("after delete");
    assert_eq!(after.batches_written, first.batches_written, "{after}");
    assert_eq!(graph_of(&app.store, &app.collection).await, graph);
    assert_eq!(evidence_of(&app.store, &app.collection).await, evidence);
    let _ = std::fs::remove_file(file);
    app.cleanup().await;
}

/// A small NDJSON file with three bad records among good ones.
fn with_bad_records(c: &str) -> String {
    let doc = document(c, 3);
    let mut lines: Vec<String> = ndjson(&doc).lines().map(str::to_owned).collect();
    // Lines are 1-based: 1 header, 2–3 terms, 4–6 actors, 7–8 places, 9–10 sources, 11–13 events,
    // 14–16 participations, 17–19 counts.
    let mut bad_date: Value = serde_json::from_str(&lines[11]).unwrap();
    bad_date["date"]["edtf"] = json!("2025-02-30");
    lines[11] = bad_date.to_string();
    lines[14] = lines[14].replacen("\"role\"", "\"rloe\"", 1);
    lines.push(
        json!({ "record": "participation", "id": format!("{c}:part:x"), "event": format!("{c}:event:nope"),
                "actor": format!("{c}:actor:0"), "role": "target",
                "claims": [{ "id": format!("{c}:part:x:claim"), "source": format!("{c}:source:0"),
                             "excerpt": "e", "status": "REPORTED" }] })
        .to_string(),
    );
    lines.join("\n")
}

#[tokio::test]
async fn a_bad_record_stops_the_import_with_its_line_and_reason_and_its_batch_unwritten() {
    let app = TestApp::spawn().await;
    let file = temp_file("bad.ndjson", &with_bad_records(&app.collection));
    let e = bulk::import(&app.store, file.to_str().unwrap(), &options(10))
        .await
        .expect_err("a bad record stops the import");
    let message = e.detail();
    assert_eq!(e.field(), Some("line 12.date.edtf"), "{message}");
    assert!(
        message.starts_with("line 12: date.edtf: `2025-02-30`"),
        "{message}"
    );
    // Line 12 is found while the first batch is still being written (the next batch is checked
    // meanwhile): the message counts it only as it commits.
    assert!(
        message.contains("(the import stopped there: 1 batch(es) written"),
        "{message}"
    );
    // The first batch (lines 2–11) committed; the second, holding line 12, did not.
    assert_eq!(
        crate::helpers::total_in(&app, "events", &app.collection).await,
        1
    );
    let _ = std::fs::remove_file(file);
    app.cleanup().await;
}

#[tokio::test]
async fn with_on_error_skip_bad_records_are_left_out_counted_and_listed_with_their_positions() {
    let app = TestApp::spawn().await;
    let c = &app.collection;
    let file = temp_file("skip.ndjson", &with_bad_records(c));
    let skip = Options {
        on_error: OnError::Skip,
        ..options(4)
    };
    let report = bulk::import(&app.store, file.to_str().unwrap(), &skip)
        .await
        .expect("skipping goes on");
    let listed: Vec<String> = report.skipped.iter().map(|p| p.to_string()).collect();
    // Line 12's event is skipped, and with it what needs it: its participation (line 15, also
    // misspelt), its count (line 18); the participation on line 20 names no event at all. Once the
    // file is written, the event on line 11 cannot be followed by line 12's: that relation is left out.
    assert_eq!(
        report
            .skipped
            .iter()
            .map(|p| p.at.as_str())
            .collect::<Vec<_>>(),
        ["line 12", "line 15", "line 18", "line 20", "line 11"],
        "{listed:#?}"
    );
    assert!(listed[0].contains("day 30 does not exist"), "{listed:#?}");
    assert!(listed[1].contains("rloe"), "{listed:#?}");
    // (Line 12 is in an earlier batch: by then it is simply not there.)
    assert!(
        listed[2].contains(&format!(
            "no event with id `{c}:event:1` before this record or in the database"
        )),
        "{listed:#?}"
    );
    assert!(
        listed[3].contains(&format!("no event with id `{c}:event:nope`")),
        "{listed:#?}"
    );
    assert!(
        listed[4].contains("relation left out: followedBy[0]"),
        "{listed:#?}"
    );
    assert!(
        report.to_string().contains("5 record(s) skipped"),
        "{report}"
    );
    assert_eq!(crate::helpers::total_in(&app, "events", c).await, 2);
    let _ = std::fs::remove_file(file);
    app.cleanup().await;
}

#[tokio::test]
async fn a_second_entry_for_a_relations_evidence_is_an_error_at_its_line_not_a_silent_replacement()
{
    let app = TestApp::spawn().await;
    let c = &app.collection;
    let mut lines = ndjson(&with_relations(document(c, 3)));
    // The `PLACE_WITHIN` entry again, now with other reasoning: a whole document refuses it
    // (`relations::check`); a stream did keep the last one.
    lines.push_str(
        &json!({ "record": "relation", "relation": "PLACE_WITHIN", "from": format!("{c}:place:1"),
                 "to": format!("{c}:place:0"), "inference": { "reasoning": "a second opinion" } })
        .to_string(),
    );
    lines.push('\n');
    let count = lines.lines().count();
    let at = format!("line {count}");
    let file = temp_file("twice.ndjson", &lines);
    let path = file.to_str().unwrap();
    // Every record but the last in the first batch: the first entry is committed before the second
    // is read, and a rerun resumes past it.
    let size = count - 2;
    let e = bulk::import(&app.store, path, &options(size))
        .await
        .expect_err("a second entry stops the import");
    assert_eq!(e.field(), Some(at.as_str()), "{}", e.detail());
    assert!(
        e.detail().contains("an earlier entry already covers"),
        "{}",
        e.detail()
    );

    // Rerun skipping: the first batch is resumed, and its entry still counts; the second is listed,
    // and the first entry's evidence is the one written.
    let skip = Options {
        on_error: OnError::Skip,
        ..options(size)
    };
    let report = bulk::import(&app.store, path, &skip).await.expect("skip");
    assert_eq!(report.batches_resumed, 1, "{report}");
    let listed: Vec<String> = report.skipped.iter().map(|p| p.to_string()).collect();
    assert_eq!(listed.len(), 1, "{listed:#?}");
    assert!(listed[0].starts_with(&format!("{at}: ")), "{listed:#?}");
    let evidence = evidence_of(&app.store, c).await;
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("the city is named with the country")),
        "{evidence:#?}"
    );
    assert!(
        !evidence.iter().any(|e| e.contains("a second opinion")),
        "{evidence:#?}"
    );
    let _ = std::fs::remove_file(file);
    app.cleanup().await;
}
