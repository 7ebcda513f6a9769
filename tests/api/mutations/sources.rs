//! Sources: upserts, patches, deletes, citations.

use serde_json::{json, Value};

use crate::helpers::*;

// Sources

#[tokio::test]
async fn upserting_a_source_returns_it_with_publisher_citations_and_date_and_node_reads_the_same_back(
) {
    let app = setup().await;
    let outlet = actor(&app, "meduza", "Meduza").await;
    let fontanka = source(&app, "fontanka", "Fontanka report").await;
    let s = id(&app, "meduza-report");
    let written = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Meduza report",
               "url": "https://meduza.io/news/2025/01/02/raids", "language": "ru",
               "published": {"edtf": "2025-01-02"}, "publisher": outlet,
               "cites": [{"source": fontanka, "excerpt": "as Fontanka reported"}]}),
    )
    .await;
    let expected = json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Meduza report",
        "url": "https://meduza.io/news/2025/01/02/raids", "language": "ru",
        "published": {"edtf": "2025-01-02", "earliest": "2025-01-02", "latest": "2025-01-02", "precision": "DAY",
                      "approximate": false, "uncertain": false, "inferred": false, "basis": null},
        "publisher": {"id": outlet}, "cites": [{"excerpt": "as Fontanka reported", "source": {"id": fontanka}}]});
    assert_eq!(written, expected);
    assert_eq!(read(&app, "Source", &s).await, expected);
    let back = node_with(
        &app,
        &fontanka,
        "... on Source { citedBy { nodes { excerpt source { id } } } }",
    )
    .await;
    assert_eq!(
        back["citedBy"],
        json!([{"excerpt": "as Fontanka reported", "source": {"id": s}}])
    );
    let publications = node_with(
        &app,
        &outlet,
        "... on Actor { publications { nodes { id } } }",
    )
    .await;
    assert_eq!(ids(&publications["publications"]), vec![s.clone()]);

    let replaced = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "DOCUMENT", "title": "Meduza report"}),
    )
    .await;
    assert_eq!(replaced["kind"], "DOCUMENT");
    assert_eq!(replaced["url"], Value::Null);
    assert_eq!(replaced["published"], Value::Null);
    assert_eq!(replaced["publisher"], Value::Null);
    assert_eq!(replaced["cites"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn updating_a_source_changes_only_the_given_fields_and_its_relations_only_when_given() {
    let app = setup().await;
    let meduza = actor(&app, "meduza", "Meduza").await;
    let agency = actor(&app, "agency", "News agency").await;
    let fontanka = source(&app, "fontanka", "Fontanka report").await;
    let rbc = source(&app, "rbc", "RBC report").await;
    let s = id(&app, "s");
    let before = upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Meduza report",
               "url": "https://meduza.io/news/2025/01/02/raids", "language": "ru",
               "published": {"edtf": "2025-01-02"}, "publisher": meduza,
               "cites": [{"source": fontanka, "excerpt": "as Fontanka reported"}]}),
    )
    .await;

    let after = update(
        &app,
        "Source",
        &s,
        json!({"title": "Raids in St Petersburg"}),
    )
    .await;
    let mut expected = before.clone();
    expected["title"] = json!("Raids in St Petersburg");
    assert_eq!(after, expected);

    // Fields and the publisher change; the citations, not given, stay.
    let after = update(
        &app,
        "Source",
        &s,
        json!({"kind": "DOCUMENT", "url": "https://meduza.io/en/news/raids", "publisher": agency,
               "published": {"edtf": "2025-01~"}}),
    )
    .await;
    expected["kind"] = json!("DOCUMENT");
    expected["url"] = json!("https://meduza.io/en/news/raids");
    expected["publisher"] = json!({"id": agency});
    expected["published"] = json!({"edtf": "2025-01~", "earliest": "2025-01-01", "latest": "2025-01-31",
        "precision": "MONTH", "approximate": true, "uncertain": false, "inferred": false, "basis": null});
    assert_eq!(after, expected);

    // The citations are replaced as a whole; `""` removes the language; the publisher stays.
    let after = update(
        &app,
        "Source",
        &s,
        json!({"cites": [{"source": rbc, "excerpt": "RBC wrote"}], "language": ""}),
    )
    .await;
    expected["cites"] = json!([{"excerpt": "RBC wrote", "source": {"id": rbc}}]);
    expected["language"] = Value::Null;
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Source", &s).await, expected);
    let old = node_with(
        &app,
        &fontanka,
        "... on Source { citedBy { nodes { source { id } } } }",
    )
    .await;
    assert_eq!(old["citedBy"], json!([]));
    let publications = node_with(
        &app,
        &meduza,
        "... on Actor { publications { nodes { id } } }",
    )
    .await;
    assert_eq!(publications["publications"], json!([]));

    let after = update(&app, "Source", &s, json!({"cites": []})).await;
    expected["cites"] = json!([]);
    assert_eq!(after, expected);
    assert_eq!(read(&app, "Source", &s).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_source_no_claim_cites_removes_it_and_its_citations() {
    let app = setup().await;
    let cited = source(&app, "cited", "Cited").await;
    let s = id(&app, "s");
    upsert(
        &app,
        "Source",
        json!({"id": s, "collection": app.collection, "kind": "NEWS_REPORT", "title": "Citing",
               "cites": [{"source": cited}]}),
    )
    .await;
    assert_eq!(
        delete(&app, "Source", &s).await,
        json!({"id": s, "deletedNodes": 1})
    );
    assert!(!exists(&app, &s).await);
    assert_eq!(read(&app, "Source", &cited).await["cites"], json!([]));
    let back = node_with(
        &app,
        &cited,
        "... on Source { citedBy { nodes { source { id } } } }",
    )
    .await;
    assert_eq!(back["citedBy"], json!([]));
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_source_still_cited_by_a_claim_is_a_conflict_and_changes_nothing() {
    let app = setup().await;
    let s = source(&app, "s", "Report").await;
    let e = event(&app, "e", "Raid").await;
    let cl = claim(&app, "cl", &e, &s, "RETRACTED").await;

    assert_eq!(
        delete_error(&app, "Source", &s).await,
        err("CONFLICT", "id")
    );
    assert!(exists(&app, &s).await);
    let c = read(&app, "Claim", &cl).await;
    assert_eq!(c["source"], json!({"id": s}));
    assert_eq!(total(&app, "claims").await, 1);

    // After the claim goes, so can the source.
    delete(&app, "Claim", &cl).await;
    assert_eq!(delete(&app, "Source", &s).await["deletedNodes"], 1);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------
