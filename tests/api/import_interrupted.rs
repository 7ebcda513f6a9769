//! A `casegraph import` killed mid-way leaves only whole batches behind, and running it again finishes
//! the job: the graph is the one an uninterrupted import writes.

use std::{process::Stdio, time::Duration};

use casegraph::{
    import::bulk::{self, Options},
    store::{Scope, Statement},
};
use serde_json::json;

use crate::{
    helpers::TestApp,
    import::{graph_of, temp_file},
};

/// Events that each stand alone (one claim, no relations), after a term and a source.
fn events_file(c: &str, n: usize) -> String {
    let mut lines = vec![
        json!({ "format": "casegraph/v1", "collection": { "id": c, "name": "kill" } }),
        json!({ "record": "term", "vocabulary": "EVENT_TYPE", "key": "raid", "label": "Raid" }),
        json!({ "record": "source", "id": format!("{c}:source"), "kind": "OTHER", "title": "S" }),
    ];
    for i in 0..n {
        lines.push(
            json!({ "record": "event", "id": format!("{c}:event:{i}"), "type": "raid",
            "title": format!("event {i}"), "date": { "edtf": "2025-01-01" },
            "claims": [{ "id": format!("{c}:event:{i}:claim"), "source": format!("{c}:source"),
                         "excerpt": "so", "status": "REPORTED" }] }),
        );
    }
    lines.iter().map(|l| l.to_string() + "\n").collect()
}

/// (committed batches, records in them) of `collection`.
async fn committed(app: &TestApp, collection: &str) -> (i64, i64) {
    let rows: Vec<Vec<i64>> = app
        .store
        .session(Scope::all())
        .rows(
            Statement::new(
                "MATCH (b:ImportBatch) WHERE b.key STARTS WITH $prefix AND b.collection = $c \
                 RETURN [count(b), coalesce(sum(b.records), 0)] AS row",
            )
            .param("prefix", format!("{collection}/"))
            .param("c", collection),
        )
        .await
        .unwrap();
    (rows[0][0], rows[0][1])
}

async fn count(app: &TestApp, label: &'static str, collection: &str) -> i64 {
    let statement = match label {
        "Event" => "MATCH (n:Event {collection: $c}) RETURN count(n) AS row",
        _ => "MATCH (n:Claim {collection: $c}) RETURN count(n) AS row",
    };
    let rows: Vec<i64> = app
        .store
        .session(Scope::all())
        .rows(Statement::new(statement).param("c", collection))
        .await
        .unwrap();
    rows[0]
}

#[tokio::test]
async fn an_import_killed_midway_leaves_whole_batches_and_a_rerun_equals_an_uninterrupted_import() {
    let app = TestApp::spawn().await;
    let (killed, whole) = (
        format!("{}-killed", app.collection),
        format!("{}-whole", app.collection),
    );
    const EVENTS: usize = 1000;
    const BATCH: usize = 20;
    let batches = (EVENTS + 2).div_ceil(BATCH) as i64;
    let file = temp_file("killed.ndjson", &events_file(&killed, EVENTS));
    let binary = env!("CARGO_BIN_EXE_casegraph");
    let run = || {
        let mut command = tokio::process::Command::new(binary);
        command
            .args(["import", "--batch-size", &BATCH.to_string()])
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    };

    let mut child = run().spawn().expect("start casegraph import");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        if committed(&app, &killed).await.0 >= 3 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the import wrote no batch in time"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it was killed"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().await.expect("kill the import"); // SIGKILL: no chance to clean up
    let (done, records) = committed(&app, &killed).await;
    assert!(
        done < batches,
        "the import finished before the kill ({done} of {batches} batches)"
    );
    // Exactly the committed batches' records are there: two leading records, then one event (and
    // its claim) per record. Nothing of the batch that was being written when the process died.
    assert_eq!(count(&app, "Event", &killed).await, records - 2);
    assert_eq!(count(&app, "Claim", &killed).await, records - 2);

    let out = run().output().await.expect("rerun");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{} already imported", done)),
        "{stdout}"
    );
    assert_eq!(committed(&app, &killed).await.0, batches);

    let file2 = temp_file("whole.ndjson", &events_file(&whole, EVENTS));
    let options = Options {
        batch_size: BATCH,
        ..Options::default()
    };
    bulk::import(&app.store, file2.to_str().unwrap(), &options)
        .await
        .expect("an uninterrupted import");
    let expected = graph_of(&app.store, &whole).await;
    assert_eq!(expected.len(), 1 + 1 + 1 + 2 * EVENTS);
    assert_eq!(graph_of(&app.store, &killed).await, expected);

    for c in [killed, whole] {
        casegraph::store::admin::delete_collection(&app.store, &c)
            .await
            .unwrap();
    }
    let _ = std::fs::remove_file(file);
    let _ = std::fs::remove_file(file2);
    app.cleanup().await;
}
