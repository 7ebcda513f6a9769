//! Every id lookup of an import is an index seek: no statement a real import sends may scan a label,
//! all nodes, or a whole index (see `crate::plans`).

use casegraph::{
    import::bulk::{self, OnError, Options},
    store::Scope,
};

use crate::{
    helpers::TestApp,
    import::{document, ndjson, temp_file, with_relations},
    plans::PlanCheck,
};

// A current-thread runtime (the default): every statement of the import is sent from this thread,
// where the capturing subscriber is installed.
#[tokio::test]
async fn every_statement_of_an_import_looks_ids_up_by_index_seek() {
    let app = TestApp::spawn().await;
    let c = app.collection.clone();
    let db = app.store.session(Scope::all());
    let check = PlanCheck::start(&db).await;

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

    let scans = check
        .scans(
            20,
            &[
                "IN_EVENT",
                "ImportBatch",
                "ImportPending",
                "CITES",
                "FOLLOWED_BY",
                "aboutRelation",
            ],
        )
        .await;
    assert!(scans.is_empty(), "{}", scans.join("\n\n"));
    let _ = std::fs::remove_file(file);
    let _ = std::fs::remove_file(doc);
    app.cleanup().await;
}
