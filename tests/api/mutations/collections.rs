//! Collections and terms: upserts, derived term ids, deletes.

use serde_json::json;

use crate::helpers::*;

// Collections and terms

#[tokio::test]
async fn upserting_a_collection_creates_it_and_upserting_it_again_updates_it() {
    let app = TestApp::spawn().await;
    let first = upsert(
        &app,
        "Collection",
        json!({"id": app.collection, "name": "First name", "description": "what it holds"}),
    )
    .await;
    let expected =
        json!({"id": app.collection, "name": "First name", "description": "what it holds"});
    assert_eq!(first, expected);
    assert_eq!(read(&app, "Collection", &app.collection).await, expected);

    let second = upsert(
        &app,
        "Collection",
        json!({"id": app.collection, "name": "Second name"}),
    )
    .await;
    let expected = json!({"id": app.collection, "name": "Second name", "description": null});
    assert_eq!(second, expected);
    assert_eq!(read(&app, "Collection", &app.collection).await, expected);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_collection_removes_every_node_in_it() {
    let app = setup().await;
    let a = actor(&app, "a", "Police").await;
    let p = place(&app, "p", "St Petersburg").await;
    let s = source(&app, "s", "Report").await;
    let e = event(&app, "e", "Raid").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let c = count(&app, "c", &e, 3).await;
    let cl = claim(&app, "cl", &c, &s, "REPORTED").await;
    let raid_term = format!("{}:term:event_type:raid", app.collection);

    let deleted = delete(&app, "Collection", &app.collection).await;
    // The collection, 4 terms, and the 7 nodes above.
    assert_eq!(deleted, json!({"id": app.collection, "deletedNodes": 12}));
    for id in [&app.collection, &raid_term, &a, &p, &s, &e, &pa, &c, &cl] {
        assert!(!exists(&app, id).await, "{id} survived its collection");
    }
    app.cleanup().await;
}

#[tokio::test]
async fn upserting_a_term_derives_its_id_and_upserting_it_again_updates_its_label() {
    let app = setup().await;
    let term_id = format!("{}:term:event_type:house_search", app.collection);
    let t = upsert(
        &app,
        "Term",
        json!({"collection": app.collection, "vocabulary": "EVENT_TYPE", "key": "house_search",
               "label": "House search"}),
    )
    .await;
    let expected = json!({"id": term_id, "collection": app.collection, "vocabulary": "EVENT_TYPE",
                          "key": "house_search", "label": "House search", "description": null});
    assert_eq!(t, expected);
    assert_eq!(read(&app, "Term", &term_id).await, expected);

    let t = upsert(
        &app,
        "Term",
        json!({"collection": app.collection, "vocabulary": "EVENT_TYPE", "key": "house_search",
               "label": "Search of a home", "description": "Police search a flat"}),
    )
    .await;
    assert_eq!(t["id"], term_id);
    assert_eq!(t["label"], "Search of a home");
    assert_eq!(t["description"], "Police search a flat");
    let terms = app
        .data(
            "query($c: [ID!]) { terms(collections: $c, vocabulary: EVENT_TYPE) { nodes { key label } } }",
            json!({"c": [app.collection]}),
        )
        .await;
    // Sorted by key by the server.
    let terms = terms["terms"]["nodes"].as_array().unwrap().clone();
    assert_eq!(
        terms,
        vec![
            json!({"key": "detention", "label": "detention"}),
            json!({"key": "house_search", "label": "Search of a home"}),
            json!({"key": "raid", "label": "raid"})
        ]
    );
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_an_unused_term_removes_it() {
    let app = setup().await;
    let term_id = format!("{}:term:participant_role:target", app.collection);
    assert_eq!(
        delete(&app, "Term", &term_id).await,
        json!({"id": term_id, "deletedNodes": 1})
    );
    assert!(!exists(&app, &term_id).await);
    app.cleanup().await;
}

#[tokio::test]
async fn deleting_a_term_still_in_use_is_a_conflict_and_keeps_the_term() {
    let app = setup().await;
    let e = event(&app, "e", "Raid").await;
    let a = actor(&app, "a", "Police").await;
    let pa = participation(&app, "pa", &e, &a, "perpetrator").await;
    let raid = format!("{}:term:event_type:raid", app.collection);
    let perpetrator = format!("{}:term:participant_role:perpetrator", app.collection);

    assert_eq!(
        delete_error(&app, "Term", &raid).await,
        err("CONFLICT", "id")
    );
    assert_eq!(
        delete_error(&app, "Term", &perpetrator).await,
        err("CONFLICT", "id")
    );
    assert!(exists(&app, &raid).await);
    assert!(exists(&app, &perpetrator).await);

    // Once nothing uses the role, it can go.
    delete(&app, "Participation", &pa).await;
    assert_eq!(delete(&app, "Term", &perpetrator).await["deletedNodes"], 1);
    assert!(!exists(&app, &perpetrator).await);
    app.cleanup().await;
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_collection_larger_than_one_request_deletes_is_refused_whole_and_the_command_deletes_it()
{
    let mut config = test_config();
    config.graphql.max_delete_nodes = 8;
    let app = TestApp::spawn_with(config).await;
    upsert(
        &app,
        "Collection",
        json!({"id": app.collection, "name": "Too large for one request"}),
    )
    .await;
    let mut ids = vec![app.collection.clone()];
    for i in 0..9 {
        ids.push(actor(&app, &format!("a{i}"), &format!("Actor {i}")).await);
    }

    // Ten nodes against a limit of eight: refused before anything is deleted.
    assert_eq!(
        delete_error(&app, "Collection", &app.collection).await,
        err("DELETE_TOO_LARGE", "id")
    );
    for id in &ids {
        assert!(
            exists(&app, id).await,
            "{id} was deleted by a refused request"
        );
    }

    // The command deletes in batches, says what it deleted, and a second run finds nothing.
    let run = || async {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_casegraph"))
            .args(["delete-collection", &app.collection])
            .output()
            .await
            .expect("run casegraph delete-collection");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    };
    let first = run().await;
    assert!(first.contains("10 nodes"), "{first}");
    for id in &ids {
        assert!(!exists(&app, id).await, "{id} survived delete-collection");
    }
    let again = run().await;
    assert!(again.contains("nothing deleted"), "{again}");
}
