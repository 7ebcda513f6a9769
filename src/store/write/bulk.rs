//! What a bulk import (`crate::import::bulk`) needs beyond [`super::apply`]: which of a batch's ids are
//! already stored (one index seek each, so that a record's references resolve against the database
//! with an error that names the record), and the checkpoints that make an import resumable.
//!
//! A checkpoint is an `ImportBatch` node written in the same transaction as its batch: either both
//! commit or neither, so "the checkpoint exists" means exactly "the batch is in the database".

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::{json, Value};

use super::LinkSet;
use crate::{
    domain::{NodeId, NonEmptyText, Relation},
    error::{AppError, AppResult},
    store::{Db, Statement, Tx},
};

/// A stored node, as far as resolving a reference needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct StoredNode {
    pub id: String,
    /// Its kind's label (`Event`, `Term` …), without `Node`.
    pub labels: Vec<String>,
    pub collection: Option<String>,
}

/// The stored nodes among `ids` (absent ids are simply not returned).
pub async fn stored_nodes(db: &Db, ids: &[&str]) -> AppResult<Vec<StoredNode>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    db.rows(
        Statement::new(
            "UNWIND $ids AS id MATCH (x:Node {id: id}) USING INDEX SEEK x:Node(id) \
             RETURN {id: x.id, labels: [l IN labels(x) WHERE l <> 'Node'], collection: x.collection} AS row",
        )
        .param("ids", ids),
    )
    .await
}

/// The keys of the checkpoints already committed under `prefix` (an index range seek).
pub async fn committed_batches(db: &Db, prefix: &str) -> AppResult<HashSet<String>> {
    let rows: Vec<String> = db
        .rows(
            Statement::new(
                "MATCH (b:ImportBatch) WHERE b.key STARTS WITH $prefix RETURN b.key AS row",
            )
            .param("prefix", prefix),
        )
        .await?;
    Ok(rows.into_iter().collect())
}

/// Records, inside the batch's transaction, that the batch keyed `key` (number `batch`) of
/// `collection` committed.
pub async fn record_batch(
    tx: &mut Tx,
    collection: &str,
    key: &str,
    batch: u64,
    records: usize,
) -> AppResult<()> {
    tx.run(
        Statement::new(
            "MERGE (b:ImportBatch {key: $key}) \
             SET b.collection = $collection, b.batch = $batch, b.records = $records, \
                 b.committedAt = datetime()",
        )
        .param("key", key)
        .param("collection", collection)
        .param("batch", batch)
        .param("records", records),
    )
    .await
}

/// A link set put off until its targets are written: a record of a streamed import may name records
/// that come later in the file in its relations (`followedBy`, `cites` …). Stored in the batch's own
/// transaction, applied (and deleted) once the whole file is written.
#[derive(Debug, Clone, Deserialize)]
pub struct PendingLinks {
    pub key: String,
    /// The checkpoint key of the batch that put it off.
    pub batch: String,
    /// Where its record is in the file (`line 12`).
    pub at: String,
    relation: usize,
    from: String,
    field: String,
    targets: Vec<String>,
    /// JSON text of a list of optional excerpts (a Neo4j list property cannot hold nulls).
    excerpts: String,
}

impl PendingLinks {
    /// The link set again, from what was stored (values were checked when the batch was written).
    pub fn link_set(&self) -> AppResult<LinkSet> {
        let stored = |e: crate::domain::ValidationError| {
            AppError::internal(format!("a pending link set does not parse: {}", e.message))
        };
        let relation = *Relation::ALL
            .get(self.relation)
            .ok_or_else(|| AppError::internal("a pending link set names no relation"))?;
        let excerpts: Vec<Option<String>> = serde_json::from_str(&self.excerpts)
            .map_err(|e| AppError::internal(format!("pending excerpts: {e}")))?;
        let targets = self
            .targets
            .iter()
            .zip(&excerpts)
            .map(|(t, e)| {
                let id = NodeId::parse(t).map_err(stored)?;
                let excerpt = e
                    .as_deref()
                    .map(|e| NonEmptyText::parse_max(e, "excerpt", usize::MAX))
                    .transpose()
                    .map_err(stored)?;
                Ok((id, excerpt))
            })
            .collect::<AppResult<Vec<_>>>()?;
        Ok(LinkSet {
            relation,
            from: NodeId::parse(&self.from).map_err(stored)?,
            targets,
            field: self.field.clone(),
        })
    }
}

/// Stores link sets to apply later (see [`PendingLinks`]), each under `prefix` + its node and relation.
pub async fn defer_links(
    tx: &mut Tx,
    collection: &str,
    prefix: &str,
    batch: &str,
    sets: &[(String, LinkSet)],
) -> AppResult<()> {
    if sets.is_empty() {
        return Ok(());
    }
    let rows: Vec<Value> = sets
        .iter()
        .map(|(at, l)| {
            let relation = Relation::ALL.iter().position(|r| *r == l.relation);
            json!({
                "key": format!("{prefix}{}/{}", l.from.as_str(), relation.unwrap_or_default()),
                "at": at, "relation": relation, "from": l.from, "field": l.field,
                "targets": l.targets.iter().map(|(t, _)| t).collect::<Vec<_>>(),
                "excerpts": json!(l.targets.iter().map(|(_, e)| e).collect::<Vec<_>>()).to_string(),
            })
        })
        .collect();
    tx.run(
        Statement::new(
            "UNWIND $rows AS row MERGE (p:ImportPending {key: row.key}) \
             SET p.collection = $collection, p.batch = $batch, p.at = row.at, p.relation = row.relation, p.from = row.from, \
                 p.field = row.field, p.targets = row.targets, p.excerpts = row.excerpts",
        )
        .param("rows", rows)
        .param("collection", collection)
        .param("batch", batch),
    )
    .await
}

/// The prefix under which a collection's put-off relation evidence is kept (apart from its put-off
/// link sets, which must all be set first).
pub fn evidence_prefix(collection: &str) -> String {
    format!("{collection}/evidence/")
}

/// Stores `relations` entries (position, the entry's JSON) of a streamed import's batch, to write
/// once the whole file is: the relation an entry names may itself be put off. Keyed by the entry's
/// batch and place in it (a second entry for one relation is refused when it is read).
pub async fn defer_evidence(
    tx: &mut Tx,
    collection: &str,
    batch: &str,
    entries: &[(String, String)],
) -> AppResult<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let prefix = evidence_prefix(collection);
    let rows: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, (at, record))| {
            // The key only has to be unique per entry of the file: its batch and place in it.
            json!({"key": format!("{prefix}{batch}/{i:06}"), "at": at, "record": record})
        })
        .collect();
    tx.run(
        Statement::new(
            "UNWIND $rows AS row MERGE (p:ImportPending {key: row.key}) \
             SET p.collection = $collection, p.batch = $batch, p.at = row.at, p.record = row.record",
        )
        .param("rows", rows)
        .param("collection", collection)
        .param("batch", batch),
    )
    .await
}

/// Put-off relation evidence (see [`defer_evidence`]).
#[derive(Debug, Clone, Deserialize)]
pub struct PendingEvidence {
    pub key: String,
    /// The checkpoint key of the batch that put it off.
    pub batch: String,
    /// Where its entry is in the file (`relations[3]`).
    pub at: String,
    /// The entry, as JSON.
    pub record: String,
}

/// Up to `limit` pending evidence entries under `prefix`, in key order.
pub async fn pending_evidence(
    db: &Db,
    prefix: &str,
    limit: usize,
) -> AppResult<Vec<PendingEvidence>> {
    db.rows(
        Statement::new(
            "MATCH (p:ImportPending) WHERE p.key STARTS WITH $prefix \
             RETURN {key: p.key, batch: p.batch, at: p.at, record: p.record} AS row \
             ORDER BY p.key LIMIT $limit",
        )
        .param("prefix", prefix)
        .param("limit", limit),
    )
    .await
}

/// Up to `limit` pending link sets under `prefix`, in key order.
pub async fn pending_links(db: &Db, prefix: &str, limit: usize) -> AppResult<Vec<PendingLinks>> {
    db.rows(
        Statement::new(
            "MATCH (p:ImportPending) WHERE p.key STARTS WITH $prefix \
             RETURN {key: p.key, batch: p.batch, at: p.at, relation: p.relation, from: p.from, \
                     field: p.field, targets: p.targets, excerpts: p.excerpts} AS row \
             ORDER BY p.key LIMIT $limit",
        )
        .param("prefix", prefix)
        .param("limit", limit),
    )
    .await
}

/// Deletes pending link sets (applied, or given up).
pub async fn drop_pending(tx: &mut Tx, keys: &[String]) -> AppResult<()> {
    tx.run(
        Statement::new("UNWIND $keys AS k MATCH (p:ImportPending {key: k}) DELETE p")
            .param("keys", keys),
    )
    .await
}

/// Forgets a collection's checkpoints and put-off relations (with the collection itself: importing
/// the same file again must write it again). Keys start with the collection's id.
pub async fn forget_collection(tx: &mut Tx, collection: &str) -> AppResult<()> {
    for statement in [
        Statement::new(
            "MATCH (b:ImportBatch) WHERE b.key STARTS WITH $prefix AND b.collection = $collection \
             DELETE b",
        ),
        Statement::new(
            "MATCH (p:ImportPending) WHERE p.key STARTS WITH $prefix AND p.collection = $collection \
             DELETE p",
        ),
    ] {
        let prefix = format!("{collection}/");
        tx.run(statement.param("prefix", prefix).param("collection", collection))
            .await?;
    }
    Ok(())
}
