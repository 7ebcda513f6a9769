//! The offline first load (`casegraph export-csv`, src/import/offline.rs and src/store/write/csv/;
//! `scripts/neo4j-local import-csv`) writes exactly the graph the online import writes: one file is
//! imported online into the suite's database and offline into a Neo4j of the test's own, and the two
//! graphs are dumped — every node with its labels and every property with its type, every
//! relationship with its type, ends and properties — and compared. A mapping that drifts (a property
//! renamed on one side, a derived key computed differently, a relationship of another type) fails
//! here. The graphs are compared before the migrations too: the export writes a participation's
//! copies of its actor and event itself (`records::PARTICIPATION_KEYS`) unless its event's hash is
//! ambiguous (a collision, forced here) or its event comes later in the file, and the migrations'
//! backfill fills in exactly those. Also: a bad record stops the export with its position and leaves
//! no files; a reference to a missing node fails the import, naming it, and leaves no database.

use std::{path::Path, sync::Arc};

use casegraph::{
    import::{bulk, offline},
    store::{migrations, write::event_dates::event_hash, Scope, Statement, Store},
};
use serde_json::{json, Value};

use crate::{
    helpers::{test_config, TestApp},
    import::{document, ndjson, temp_file, with_relations},
    ready::{free_port, OwnNeo4j},
    region_check::assert_regions_exact,
};

/// The seed (renamed into collection `c`) and a generated collection's records in one NDJSON file:
/// every kind of record, relations drawn forward (put off by the online import), evidence with
/// claims and with an inference, places with and without a location, actors with and without
/// aliases, counts with ranges, text with quotes, commas, semicolons, newlines and non-ASCII.
fn mixed_file(c: &str) -> String {
    let seed_path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.json"
    );
    let seed: Value = serde_json::from_str(&std::fs::read_to_string(seed_path).unwrap()).unwrap();
    let seed_id = seed["collection"]["id"].as_str().unwrap().to_owned();
    let mut doc: Value =
        serde_json::from_str(&serde_json::to_string(&seed).unwrap().replace(&seed_id, c)).unwrap();
    let mut extra = with_relations(document(c, 7));
    extra["actors"][2]["aliases"] = json!([]);
    extra["actors"][1]["aliases"] = json!(["Unit \"B\"; the second", "вторая, часть"]);
    // Events 1 and 2 (whose ids collide in the export below) on different days.
    extra["events"][2]["date"] = json!({ "edtf": "2024-06" });
    extra["events"][3]["description"] = json!("He said \"no\", twice;\nthen left — «ушёл».");
    extra["counts"][2] = json!({ "id": format!("{c}:count:2"), "event": format!("{c}:event:2"),
        "subject": "people", "lower": 10, "upper": 20, "qualifier": "ABOUT",
        "wording": "between 10 and 20", "partOf": format!("{c}:count:0"),
        "claims": [{ "id": format!("{c}:count:2:claim"), "source": format!("{c}:source:0"),
                     "excerpt": "10 to 20 \"people\"", "status": "UNCONFIRMED" }] });
    let known: Vec<Value> = doc["terms"].as_array().unwrap().clone();
    for (list, items) in extra.as_object().unwrap() {
        let Some(items) = items.as_array() else {
            continue;
        };
        let target = doc[list.as_str()].as_array_mut().unwrap();
        for item in items {
            let same_term =
                |t: &Value| t["vocabulary"] == item["vocabulary"] && t["key"] == item["key"];
            if list != "terms" || !known.iter().any(same_term) {
                target.push(item.clone());
            }
        }
    }
    ndjson(&doc)
}

/// Every node of collection `c` (checkpoints included) and every relationship from one, as sorted
/// lines: labels, then each property as `name=type:value`. The creation times (and a claim's sort
/// key, their text: see [`stale_claim_keys`]) are left out: they are when each load ran.
async fn dump(store: &Arc<Store>, c: &str) -> Vec<String> {
    let db = store.session(Scope::all());
    let nodes: Vec<Value> = db
        .rows(
            Statement::new(
                "MATCH (n) WHERE n.collection = $c \
                 RETURN {labels: labels(n), props: \
                   [k IN keys(n) WHERE NOT k IN ['createdAt', 'committedAt', 'sortCreated'] | k + '=' + valueType(n[k]) + ':' + \
                    CASE WHEN valueType(n[k]) STARTS WITH 'LIST' \
                         THEN reduce(s = '', v IN n[k] | s + '|' + toString(v)) ELSE toString(n[k]) END]} AS row",
            )
            .param("c", c),
        )
        .await
        .expect("dump the nodes");
    let rels: Vec<Value> = db
        .rows(
            Statement::new(
                "MATCH (a)-[r]->(b) WHERE a.collection = $c \
                 RETURN {labels: [type(r), a.id, b.id], props: \
                   [k IN keys(r) | k + '=' + valueType(r[k]) + ':' + toString(r[k])]} AS row",
            )
            .param("c", c),
        )
        .await
        .expect("dump the relationships");
    let mut out: Vec<String> = nodes
        .into_iter()
        .map(|n| line(n, true))
        .chain(rels.into_iter().map(|r| line(r, false)))
        .collect();
    out.sort();
    out
}

fn line(row: Value, sort_labels: bool) -> String {
    let strings = |v: &Value| -> Vec<String> {
        serde_json::from_value(v.clone()).expect("a list of strings")
    };
    let mut labels = strings(&row["labels"]);
    if sort_labels {
        labels.sort();
    }
    let mut props = strings(&row["props"]);
    props.sort();
    format!("{} {}", labels.join(":"), props.join(" ; "))
}

/// Claims whose `sortCreated` is not the text of their `createdAt` (the one derived key of a time).
async fn stale_claim_keys(store: &Arc<Store>, c: &str) -> i64 {
    let n: Vec<i64> = store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (n:Claim) WHERE n.collection = $c AND n.sortCreated <> toString(n.createdAt) \
                 RETURN count(n) AS row",
            )
            .param("c", c),
        )
        .await
        .expect("count");
    n[0]
}

/// The export's hasher, but the generated events 1 and 2 share a hash: a collision.
fn colliding(id: &str) -> u64 {
    if id.ends_with(":event:1") || id.ends_with(":event:2") {
        42
    } else {
        event_hash(id)
    }
}

/// A participation's line without its copies of its actor and event.
fn without_copies(line: &str) -> String {
    let (labels, props) = line.split_once(' ').unwrap();
    let kept: Vec<&str> = props
        .split(" ; ")
        .filter(|p| {
            !["actorId=", "eventSortDate=", "eventId="]
                .iter()
                .any(|k| p.starts_with(k))
        })
        .collect();
    format!("{labels} {}", kept.join(" ; "))
}

fn export_dir(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("casegraph-{name}-{}", uuid::Uuid::now_v7()))
}

fn text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_offline_load_writes_exactly_the_graph_the_online_import_writes() {
    let c = format!("offline-{}", uuid::Uuid::now_v7());
    let file = temp_file("offline.ndjson", &mixed_file(&c));
    let path = file.to_str().unwrap();

    // Online, into the suite's database, in the default batches (the checkpoints' keys depend on it).
    let app = TestApp::spawn().await;
    let report = bulk::import(&app.store, path, &bulk::Options::default())
        .await
        .expect("the online import");
    assert!(report.skipped.is_empty());
    let online = dump(&app.store, &c).await;
    assert_eq!(stale_claim_keys(&app.store, &c).await, 0);

    // Offline, into a Neo4j of its own: export, import while stopped, start.
    let csv = export_dir("offline-csv");
    let exported = offline::export_hashing(path, &csv, true, colliding)
        .await
        .expect("the export");
    assert!(exported.events >= 7, "{exported}");
    assert_eq!(exported.uncopied, 2, "{exported}");
    let neo4j = OwnNeo4j {
        dir: export_dir("offline-neo4j"),
        port: free_port(),
    };
    let imported =
        tokio::task::block_in_place(|| neo4j.command(&["import-csv", csv.to_str().unwrap()]));
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(
        tokio::task::block_in_place(|| neo4j.script("start")),
        "own Neo4j starts"
    );
    let mut config = test_config();
    config.neo4j.uri = format!("bolt://127.0.0.1:{}", neo4j.port);
    let store = Store::connect(&config.neo4j).expect("pool");
    // Before the migrations: the derived sort and search keys are all there already, and so are
    // the participations' copies of their actors and events — but for the participations of the
    // two events whose ids collide, which have none: the graph is the online one but for those.
    assert_eq!(stale_claim_keys(&store, &c).await, 0);
    // The export left copies out, so its ledger does not hold their backfill: migrate runs it.
    let ledger = ledger(&store).await;
    let mut expected: Vec<String> = migrations::backfills()
        .into_iter()
        .map(|b| b.name)
        .filter(|n| n != migrations::PARTICIPATION_COPIES)
        .collect();
    expected.sort();
    assert_eq!(ledger, expected);
    let before = dump(&store, &c).await;
    // The export wrote the events' region relationships: exactly the online import's.
    let regions: Vec<&String> = online.iter().filter(|l| is_region(l)).collect();
    assert!(regions.len() >= 10, "{regions:?}");
    let exported: Vec<&String> = before.iter().filter(|l| is_region(l)).collect();
    assert_eq!(exported, regions, "the export's IN_REGION");
    let copied = |l: &&String| l.starts_with("Node:Participation ") && l.contains(" ; eventId=");
    let collided = |l: &&String| {
        [1, 2]
            .iter()
            .any(|n| l.contains(&format!(":{c}:event:{n} ; eventSortDate=")))
    };
    let not_yet: Vec<&String> = online
        .iter()
        .filter(|l| !before.contains(l) && !is_region(l))
        .collect();
    let uncopied: Vec<&String> = before.iter().filter(|l| !online.contains(l)).collect();
    assert!(
        not_yet.len() == 2 && not_yet.iter().all(|l| copied(l) && collided(l)),
        "the export wrote every participation's copies but for the colliding events': {not_yet:?}"
    );
    let mut expected: Vec<String> = not_yet.iter().map(|l| without_copies(l)).collect();
    let mut got: Vec<String> = uncopied.iter().map(|l| l.to_string()).collect();
    expected.sort();
    got.sort();
    assert_eq!(
        got, expected,
        "the colliding events' participations have no copies"
    );
    assert!(
        before.iter().filter(copied).count() >= 8,
        "the export wrote copies itself: {:?}",
        before
            .iter()
            .filter(|l| l.starts_with("Node:Participation "))
            .collect::<Vec<_>>()
    );
    store
        .migrate()
        .await
        .expect("the migrations build the constraints and indexes over the loaded graph");
    assert!(store.migrations_applied());
    // The backfills filled in those two participations' copies and the region relationships,
    // and changed nothing else.
    let offline = dump(&store, &c).await;
    let filled: Vec<&String> = offline
        .iter()
        .filter(|l| !before.contains(l) && !is_region(l))
        .collect();
    assert_eq!(
        filled, not_yet,
        "the migrations filled in only the missing copies"
    );
    let built: Vec<&String> = offline.iter().filter(|l| is_region(l)).collect();
    assert_eq!(built, regions);

    assert!(online.len() > 400, "a graph of some size: {}", online.len());
    let only_online: Vec<&String> = online.iter().filter(|l| !offline.contains(l)).collect();
    let only_offline: Vec<&String> = offline.iter().filter(|l| !online.contains(l)).collect();
    assert!(
        only_online.is_empty() && only_offline.is_empty(),
        "the graphs differ\nonly online:\n{}\nonly offline:\n{}",
        only_online
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        only_offline
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(online, offline);

    casegraph::store::admin::delete_collection(&app.store, &c)
        .await
        .expect("cleanup");
    let _ = std::fs::remove_dir_all(&csv);
    let _ = std::fs::remove_file(&file);
}

/// A dumped region relationship (`records::region_keys`).
fn is_region(line: &str) -> bool {
    line.starts_with("IN_REGION:")
}

/// The backfills the migrations ledger holds, sorted.
async fn ledger(store: &Arc<Store>) -> Vec<String> {
    let mut names: Vec<String> = store
        .session(Scope::all())
        .rows(Statement::new(
            "MATCH (m:AppliedMigration) RETURN m.name AS row",
        ))
        .await
        .expect("the ledger");
    names.sort();
    names
}

/// An export that wrote every participation's copies records every backfill as done, and
/// `casegraph migrate` skips what the ledger holds (a copy removed after the load stays missing)
/// and runs what it does not (once its entry is gone, the copy is filled in again).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complete_export_records_its_backfills_as_done_and_migrate_skips_them() {
    let c = format!("offline-ledger-{}", uuid::Uuid::now_v7());
    // The places last, after the events at them: the export writes the events' regions once it
    // knows the whole hierarchy.
    let file_text = ndjson(&document(&c, 3));
    let (places, rest): (Vec<&str>, Vec<&str>) = file_text
        .lines()
        .partition(|l| l.contains("\"record\":\"place\""));
    let reordered = format!("{}\n{}\n", rest.join("\n"), places.join("\n"));
    let file = temp_file("offline-ledger.ndjson", &reordered);
    let csv = export_dir("offline-ledger-csv");
    let exported = offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect("the export");
    assert_eq!(exported.uncopied, 0, "{exported}");
    let neo4j = OwnNeo4j {
        dir: export_dir("offline-ledger-neo4j"),
        port: free_port(),
    };
    let imported =
        tokio::task::block_in_place(|| neo4j.command(&["import-csv", csv.to_str().unwrap()]));
    assert!(imported.status.success(), "{}", text(&imported));
    assert!(tokio::task::block_in_place(|| neo4j.script("start")));
    let mut config = test_config();
    config.neo4j.uri = format!("bolt://127.0.0.1:{}", neo4j.port);
    let store = Store::connect(&config.neo4j).expect("pool");
    let mut all: Vec<String> = migrations::backfills()
        .into_iter()
        .map(|b| b.name)
        .collect();
    all.sort();
    assert_eq!(ledger(&store).await, all);

    let part = format!("{c}:part:0");
    let event_id = |store: Arc<Store>, part: String| async move {
        let rows: Vec<Option<String>> = store
            .session(Scope::all())
            .rows(
                Statement::new("MATCH (n:Participation {id: $id}) RETURN n.eventId AS row")
                    .param("id", part),
            )
            .await
            .expect("a participation");
        rows[0].clone()
    };
    assert_eq!(
        event_id(store.clone(), part.clone()).await,
        Some(format!("{c}:event:0"))
    );
    let write = |cypher: &'static str| {
        let (store, part) = (store.clone(), part.clone());
        async move {
            let _: Vec<i64> = store
                .session(Scope::all())
                .write(move |tx| {
                    Box::pin(tx.rows(Statement::new(cypher).param("id", part.clone())))
                })
                .await
                .expect("a write");
        }
    };
    write("MATCH (n:Participation {id: $id}) REMOVE n.eventId RETURN 1 AS row").await;
    store.migrate().await.expect("the migrations");
    assert_eq!(
        event_id(store.clone(), part.clone()).await,
        None,
        "the backfill the ledger holds is skipped"
    );
    // The export wrote every event's regions, though the places came last (3 events, at the
    // country, the city within it and the country: 4 relationships).
    assert_eq!(assert_regions_exact(&store, &c).await, 4);
    write("MATCH (m:AppliedMigration {name: 'Participation.eventId'}) DELETE m RETURN 1 AS row")
        .await;
    store.migrate().await.expect("the migrations");
    assert_eq!(
        event_id(store.clone(), part.clone()).await,
        Some(format!("{c}:event:0")),
        "a backfill missing from the ledger runs"
    );
    let _ = std::fs::remove_dir_all(&csv);
    let _ = std::fs::remove_file(&file);
}

/// No partial directory of an export of `dir` is left next to it.
fn no_partial_left(dir: &Path) -> bool {
    let name = format!(".{}.partial-", dir.file_name().unwrap().to_string_lossy());
    std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .all(|e| !e.unwrap().file_name().to_string_lossy().starts_with(&name))
}

/// The first pass finds a document's `relations` too (the equality test above reads NDJSON): the
/// reasoning of an inferred relation is on its relationship's row.
#[tokio::test]
async fn a_document_s_relation_evidence_reaches_its_relationship() {
    let c = format!("offline-doc-{}", uuid::Uuid::now_v7());
    let doc = with_relations(document(&c, 3));
    let file = temp_file("offline-doc.json", &doc.to_string());
    let csv = export_dir("offline-doc-csv");
    offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect("the export");
    let within = std::fs::read_to_string(csv.join("rels-WITHIN-Place-Place.csv")).unwrap();
    assert!(
        within.contains(",\"the city is named with the country\""),
        "{within}"
    );
    let claims = std::fs::read_to_string(csv.join("nodes-Claim.csv")).unwrap();
    assert!(
        claims.contains(&format!("\"{c}:claim:member\"")),
        "{claims}"
    );
    let _ = std::fs::remove_dir_all(&csv);
    let _ = std::fs::remove_file(&file);
}

/// A participation whose event comes later in the file, or whose event is there twice (with
/// another date: `neo4j-admin` refuses the duplicate, but the export must not guess), gets no copies
/// from the export; the others get their actor's id and their event's sort key and id. (The
/// migrations' backfill of those without, the colliding ones above, is the same for these.)
#[tokio::test]
async fn a_participation_gets_copies_only_of_an_event_seen_once_before_it() {
    let c = format!("offline-copies-{}", uuid::Uuid::now_v7());
    let mut doc = document(&c, 4);
    doc["events"][3]["date"] = json!({ "edtf": "../2025-01-10" });
    let text = ndjson(&doc);
    let lines: Vec<&str> = text.lines().collect();
    let find = |what: &str| lines.iter().position(|l| l.contains(what)).unwrap();
    let (event0, part0) = (
        find(&format!("\"id\":\"{c}:event:0\"")),
        find(&format!("\"id\":\"{c}:part:0\"")),
    );
    let event1 =
        lines[find(&format!("\"id\":\"{c}:event:1\""))].replace("2025-01-01", "2024-12-31");
    let mut reordered: Vec<&str> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i == event0 {
            reordered.push(lines[part0]);
        }
        if i != part0 {
            reordered.push(line);
        }
        if i == part0 {
            reordered.push(&event1);
        }
    }
    let file = temp_file("offline-copies.ndjson", &(reordered.join("\n") + "\n"));
    let csv = export_dir("offline-copies-csv");
    offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect("the export");
    let rows = std::fs::read_to_string(csv.join("nodes-Participation.csv")).unwrap();
    let row = |n: usize| {
        let start = format!("\"{c}:part:{n}\",");
        rows.lines()
            .find(|l| l.starts_with(&start))
            .unwrap_or_else(|| panic!("no row for part {n}: {rows}"))
            .to_owned()
    };
    let copies =
        |n: usize, day: &str| format!(",\"{c}:actor:{}\",\"{day}\",\"{c}:event:{n}\"", n % 3);
    assert!(row(0).ends_with(",,,"), "its event comes later: {}", row(0));
    assert!(
        row(1).ends_with(",,,"),
        "its event is there twice: {}",
        row(1)
    );
    assert!(row(2).ends_with(&copies(2, "2025-01-01")), "{}", row(2));
    // An event without an earliest day: its sort key, and the copy, are ''; its span class is the
    // open one.
    assert!(row(3).ends_with(&copies(3, "")), "{}", row(3));
    let events = std::fs::read_to_string(csv.join("nodes-Event.csv")).unwrap();
    assert!(
        events.contains(&format!("\"{c}:event:3\",")) && events.contains(",\"\",-1,\"event 3\","),
        "{events}"
    );
    let _ = std::fs::remove_dir_all(&csv);
    let _ = std::fs::remove_file(&file);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_record_or_a_missing_node_is_an_error_that_names_it_and_leaves_nothing_behind() {
    let c = format!("offline-bad-{}", uuid::Uuid::now_v7());
    let doc = document(&c, 3);
    let good = ndjson(&doc);
    let lines: Vec<&str> = good.lines().collect();

    let event = lines
        .iter()
        .position(|l| l.contains("\"record\":\"event\""))
        .unwrap();
    let at = format!("line {}", event + 1);

    // A record that fails its own checks: its line and reason, and no files.
    let mut bad = lines.clone();
    let broken = lines[event].replace("2025-01-01", "2025-13-45");
    bad[event] = &broken;
    let file = temp_file("offline-bad.ndjson", &(bad.join("\n") + "\n"));
    let csv = export_dir("offline-bad-csv");
    let e = offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect_err("a bad date");
    let message = e.detail();
    assert!(message.starts_with(&format!("{at}: date")), "{message}");
    assert!(!csv.exists() && no_partial_left(&csv), "no files left");

    // An event of a type no term defines (before it): as the online import says.
    let untyped = lines[event].replace("\"raid\"", "\"no_such_type\"");
    let mut bad = lines.clone();
    bad[event] = &untyped;
    let file = temp_file("offline-untyped.ndjson", &(bad.join("\n") + "\n"));
    let e = offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect_err("an unknown type");
    let expected = format!("{at}: type: no EVENT_TYPE term `no_such_type`");
    assert!(e.detail().contains(&expected), "{}", e.detail());
    assert!(!csv.exists() && no_partial_left(&csv));

    // Places within each other: a loop the online import refuses too.
    let place = lines
        .iter()
        .position(|l| l.contains("\"record\":\"place\""))
        .unwrap();
    let looped = lines[place].replace(
        "\"record\":\"place\"",
        &format!("\"record\":\"place\",\"within\":\"{c}:place:1\""),
    );
    let mut bad = lines.clone();
    bad[place] = &looped;
    let file = temp_file("offline-loop.ndjson", &(bad.join("\n") + "\n"));
    let e = offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect_err("a loop");
    assert!(
        e.detail()
            .contains("within: closes a loop of PlaceWithin links"),
        "{}",
        e.detail()
    );
    assert!(!csv.exists() && no_partial_left(&csv));

    // A participation naming an actor the file does not have: the records are fine on their own, so
    // the export writes them; the import's ID spaces find the missing node, name it and the
    // participation, and leave no store files behind.
    let participation = lines
        .iter()
        .position(|l| l.contains("\"record\":\"participation\""))
        .unwrap();
    let orphan =
        lines[participation].replace(&format!("{c}:actor:0"), &format!("{c}:actor:nobody"));
    let mut bad = lines.clone();
    bad[participation] = &orphan;
    let file = temp_file("offline-orphan.ndjson", &(bad.join("\n") + "\n"));
    offline::export(file.to_str().unwrap(), &csv, true)
        .await
        .expect("each record is fine on its own");
    let neo4j = OwnNeo4j {
        dir: export_dir("offline-bad-neo4j"),
        port: free_port(),
    };
    let out = tokio::task::block_in_place(|| neo4j.command(&["import-csv", csv.to_str().unwrap()]));
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains(&format!("referring to missing node {c}:actor:nobody"))
            && said.contains(&format!("{c}:part:0")),
        "{said}"
    );
    assert!(
        !neo4j.dir.join("data/databases/neo4j").exists(),
        "no database left behind"
    );
    let _ = std::fs::remove_dir_all(&csv);
}
