//! What spans nodes: linking and unlinking two nodes, merging duplicates, deleting a node with what
//! would dangle without it.

use crate::{
    domain::{NodeKind, Relation},
    error::AppResult,
    store::{records::NodeRecord, write, Db},
};

use super::{first_error, in_transaction, reread, Check};

/// Adds one relationship (`remove`: removes it). For to-one relations the new target replaces the old
/// one. Returns whether anything changed. Errors name `from`, `to` or `excerpt`.
pub async fn link(
    db: &Db,
    relation: Relation,
    from: &str,
    to: &str,
    excerpt: Option<String>,
    remove: bool,
) -> AppResult<bool> {
    let mut v = Check::new();
    let from = v.id("from", from);
    let to = v.id("to", to);
    let excerpt = v.opt_paragraph("excerpt", excerpt.as_deref());
    let (from, to, excerpt) = v
        .finish(from.zip(to).zip(excerpt).map(|((f, t), e)| (f, t, e)))
        .map_err(|e| first_error(e, ""))?;
    in_transaction(db, |tx| {
        let (from, to, excerpt) = (from.clone(), to.clone(), excerpt.clone());
        Box::pin(async move { write::link_one(tx, relation, &from, &to, excerpt, remove).await })
    })
    .await
}

/// Deletes a node of `kind` and everything that would dangle without it; returns how many nodes went.
/// A collection of more than `max_collection_nodes` nodes is refused (`DELETE_TOO_LARGE`): one
/// transaction must hold the whole deletion, and Neo4j bounds a transaction's memory.
pub async fn delete(
    db: &Db,
    kind: NodeKind,
    id: &str,
    max_collection_nodes: usize,
) -> AppResult<(String, i64)> {
    let mut v = Check::new();
    let key = v.id("id", id);
    let key = v.finish(key).map_err(|e| first_error(e, ""))?;
    let n = in_transaction(db, |tx| {
        let k = key.clone();
        Box::pin(async move { write::delete_node(tx, kind, &k, max_collection_nodes).await })
    })
    .await?;
    Ok((key.as_str().to_string(), n))
}

/// Merges `duplicate` into `keep` (two actors, or two places) and returns the kept node.
pub async fn merge(db: &Db, kind: NodeKind, keep: &str, duplicate: &str) -> AppResult<NodeRecord> {
    let mut v = Check::new();
    let keep = v.id("keep", keep);
    let duplicate = v.id("duplicate", duplicate);
    let (keep, duplicate) = v
        .finish(keep.zip(duplicate))
        .map_err(|e| first_error(e, ""))?;
    in_transaction(db, |tx| {
        let (k, d) = (keep.clone(), duplicate.clone());
        Box::pin(async move { write::merge_nodes(tx, kind, &k, &d).await })
    })
    .await?;
    reread(db, keep.as_str()).await
}
