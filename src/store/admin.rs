//! Whole-collection operations: emptiness checks for the seed, and deletion (used by tests' clean-up).

use std::sync::Arc;

use super::{Scope, Statement, Store};
use crate::error::AppResult;

/// What [`delete_collection`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deleted {
    pub nodes: i64,
    pub relationships: i64,
}

/// Deletes every node of a collection and its relationships, in batches so that a large collection
/// does not need one huge transaction (`casegraph delete-collection`, and the tests' clean-up). Each
/// batch commits on its own: an interrupted run leaves part of the collection, and running it again
/// deletes the rest.
pub async fn delete_collection(store: &Arc<Store>, collection: &str) -> AppResult<Deleted> {
    // Relationships first, in bounded batches: a batch of nodes taken with all their relationships
    // (an actor of a large collection has thousands, each with its properties) can outgrow the
    // server's per-transaction memory limit however few nodes it holds.
    let relationships = batched_delete(
        store,
        collection,
        "MATCH (:Node {collection: $collection})-[r]-() WITH DISTINCT r LIMIT $batch \
         DELETE r RETURN count(*) AS row",
    )
    .await?;
    let nodes = batched_delete(
        store,
        collection,
        "MATCH (n:Node {collection: $collection}) WITH n LIMIT $batch \
         DETACH DELETE n RETURN count(*) AS row",
    )
    .await?;
    // Its import checkpoints go with it: importing the same file again must write it again.
    let c = collection.to_owned();
    store
        .session(Scope::only(vec![c.clone()]))
        .write(move |tx| {
            let c = c.clone();
            Box::pin(async move { super::write::bulk::forget_collection(tx, &c).await })
        })
        .await?;
    Ok(Deleted {
        nodes,
        relationships,
    })
}

/// Rows one transaction of [`delete_collection`] deletes.
const DELETE_BATCH: i64 = 5000;

/// Runs `cypher` (which deletes at most `$batch` rows and returns how many) until it deletes none,
/// each run its own transaction; returns how many it deleted in all.
async fn batched_delete(
    store: &Arc<Store>,
    collection: &str,
    cypher: &'static str,
) -> AppResult<i64> {
    let db = store.session(Scope::only(vec![collection.to_string()]));
    let mut total = 0;
    loop {
        let deleted: Vec<i64> = db
            .write(|tx| {
                Box::pin(
                    tx.rows(
                        Statement::new(cypher)
                            .param("collection", collection)
                            .param("batch", DELETE_BATCH),
                    ),
                )
            })
            .await?;
        match deleted.first().copied().unwrap_or(0) {
            0 => return Ok(total),
            n => total += n,
        }
    }
}

/// Whether the database holds any casegraph node at all.
pub async fn is_empty(store: &Arc<Store>) -> AppResult<bool> {
    let db = store.session(Scope::all());
    let rows: Vec<bool> = db
        .rows(Statement::new(
            "OPTIONAL MATCH (n:Node) WITH n LIMIT 1 RETURN n IS NULL AS row",
        ))
        .await?;
    Ok(rows.first().copied().unwrap_or(true))
}
