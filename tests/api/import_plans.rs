//! Every id lookup of an import is an index seek: the statements a real import sends (captured from the
//! store's own `cypher` log events) are looked up in Neo4j's query collector, which records the plan of
//! each, and no plan may scan a label, all nodes, or a whole index.

use std::sync::{Arc, Mutex};

use casegraph::{
    import::bulk::{self, OnError, Options},
    store::{plans::Collection, Scope},
};
use tracing_subscriber::layer::SubscriberExt;

use crate::{
    helpers::TestApp,
    import::{document, ndjson, temp_file, with_relations},
};

/// The plan operators that read more than the ids asked for.
const SCANS: [&str; 3] = ["NodeByLabelScan", "AllNodesScan", "NodeIndexScan"];

/// Collects the statement texts the store logs (`cypher = …`).
struct Statements(Arc<Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Cypher(Option<String>);
        impl tracing::field::Visit for Cypher {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                if field.name() == "cypher" {
                    self.0 = Some(value.to_owned());
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut found = Cypher(None);
        event.record(&mut found);
        if let Some(text) = found.0 {
            self.0.lock().unwrap().push(text);
        }
    }
}

// A current-thread runtime (the default): every statement of the import is sent from this thread,
// where the capturing subscriber is installed.
#[tokio::test]
async fn every_statement_of_an_import_looks_ids_up_by_index_seek() {
    let app = TestApp::spawn().await;
    let c = app.collection.clone();
    let texts = Arc::new(Mutex::new(Vec::new()));
    let subscriber = tracing_subscriber::registry().with(Statements(texts.clone()));
    let _capture = tracing::subscriber::set_default(subscriber);

    let db = app.store.session(Scope::all());
    let collection = Collection::start(&db)
        .await
        .expect("query collection starts");

    // Every path: batches with relations to stored and to later records (put off), a re-import that
    // skips committed batches, a skipped bad record, a document, and forgetting the checkpoints.
    let lines = ndjson(&with_relations(document(&c, 20)));
    let file = temp_file(
        "plans.ndjson",
        &format!("{lines}{{\"record\":\"actor\"}}\n"),
    );
    let path = file.to_str().unwrap();
    let skip = Options {
        batch_size: 7,
        on_error: OnError::Skip,
        ..Options::default()
    };
    bulk::import(&app.store, path, &skip).await.expect("import");
    bulk::import(&app.store, path, &skip).await.expect("again");
    let doc = temp_file(
        "plans.json",
        &with_relations(document(&format!("{c}-doc"), 5)).to_string(),
    );
    bulk::import(&app.store, doc.to_str().unwrap(), &skip)
        .await
        .expect("document");
    casegraph::store::admin::delete_collection(&app.store, &format!("{c}-doc"))
        .await
        .unwrap();

    drop(_capture);

    let mut texts: Vec<String> = texts.lock().unwrap().clone();
    texts.retain(|t| t != "BEGIN" && t != "COMMIT" && !t.starts_with("CALL db.stats"));
    texts.sort();
    texts.dedup();
    assert!(texts.len() >= 20, "too few statements captured: {texts:#?}");
    for needed in [
        "IN_EVENT",
        "ImportBatch",
        "ImportPending",
        "CITES",
        "FOLLOWED_BY",
        "aboutRelation",
    ] {
        assert!(
            texts.iter().any(|t| t.contains(needed)),
            "no statement with {needed} was captured: {texts:#?}"
        );
    }
    // Waits for every captured statement to be recorded: an unrecorded one is an error.
    let plans = collection
        .plans(&texts)
        .await
        .expect("every statement's plan");
    collection.finish().await.expect("query collection stops");
    let mut scans = Vec::new();
    for (text, plan) in &plans {
        let plan = plan.to_string();
        for scan in SCANS {
            if plan.contains(scan) {
                scans.push(format!("{scan} in {text}\n  plan: {plan}"));
            }
        }
    }
    assert!(scans.is_empty(), "{}", scans.join("\n\n"));
    let _ = std::fs::remove_file(file);
    let _ = std::fs::remove_file(doc);
    app.cleanup().await;
}
