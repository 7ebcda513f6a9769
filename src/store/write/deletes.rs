//! Deletes: a node and everything that would dangle without it, or a refusal when deleting would strip
//! facts of their provenance or their type.

use super::regions::{self, Moved};
use crate::{
    domain::{NodeId, NodeKind},
    error::{AppError, AppResult},
    store::{cypher, Statement, Tx},
};

/// What goes with a node when it is deleted, so that nothing dangles: the reified statements that only
/// exist through it (`dep`). Every claim about the node or those statements goes too.
const fn dependents(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Event => {
            "OPTIONAL MATCH (n)<-[:IN_EVENT|COUNT_OF]-(dep) WHERE dep:Participation OR dep:Count"
        }
        NodeKind::Actor => "OPTIONAL MATCH (n)-[:PARTICIPATES_AS]->(dep:Participation)",
        _ => "WITH n, null AS dep",
    }
}

/// Deletes one node and everything that would dangle without it. Returns how many nodes went.
/// Sources still cited by claims, and terms still in use, are refused with `CONFLICT`: deleting them
/// would silently strip facts of their provenance or type.
pub async fn delete_node(
    tx: &mut Tx,
    kind: NodeKind,
    id: &NodeId,
    max_collection_nodes: usize,
) -> AppResult<i64> {
    let label = kind.label();
    let found: Vec<String> = tx
        .rows(
            cypher!(
                // By the id index: `{id}` under the kind's own label would scan the label.
                "MATCH (n:Node {id: $id}) USING INDEX SEEK n:Node(id) WHERE n:",
                label,
                " AND ($collections IS NULL OR n.collection IN $collections) RETURN n.id AS row"
            )
            .param("id", id),
        )
        .await?;
    if found.is_empty() {
        return Err(AppError::not_found(kind, id.as_str(), "id"));
    }
    match kind {
        NodeKind::Collection => {
            // Counted first (an index count, no node read), so that an oversized deletion is refused
            // with its own code rather than failing on Neo4j's transaction memory after a long wait.
            let size: Vec<i64> = tx
                .rows(
                    Statement::new("MATCH (n:Node {collection: $id}) RETURN count(n) AS row")
                        .param("id", id),
                )
                .await?;
            let size = size.first().copied().unwrap_or(0);
            if size > max_collection_nodes as i64 {
                return Err(AppError::DeleteTooLarge {
                    field: "id".into(),
                    message: format!(
                        "the collection holds {size} nodes, more than one request deletes \
                         ({max_collection_nodes}, CASEGRAPH_MAX_DELETE_NODES); delete it in batches \
                         with `casegraph delete-collection {}`",
                        id.as_str()
                    ),
                });
            }
            let n: Vec<i64> = tx
                .rows(
                    Statement::new(
                        // (`all` would be read as the `all()` predicate, not a variable.)
                        "MATCH (n:Node {collection: $id}) WITH collect(n) AS doomed \
                     FOREACH (x IN doomed | DETACH DELETE x) RETURN size(doomed) AS row",
                    )
                    .param("id", id),
                )
                .await?;
            super::bulk::forget_collection(tx, id.as_str()).await?;
            return Ok(n.first().copied().unwrap_or(0));
        }
        NodeKind::Source => {
            let citing: Vec<i64> = tx
                .rows(
                    Statement::new(
                        "MATCH (s:Node {id: $id})<-[:CITES]-(c:Claim) WHERE s:Source \
                         RETURN count(c) AS row",
                    )
                    .param("id", id),
                )
                .await?;
            let n = citing.first().copied().unwrap_or(0);
            if n > 0 {
                return Err(AppError::conflict(
                    Some("id"),
                    format!(
                        "{n} claim(s) cite this source; re-rate (RETRACTED) or delete them first"
                    ),
                ));
            }
        }
        NodeKind::Term => {
            let used: Vec<i64> = tx
                .rows(
                    Statement::new(
                        // Uses are found by the type and role indexes, not by reading the collection.
                        "MATCH (t:Node {id: $id}) USING INDEX SEEK t:Node(id) WHERE t:Term \
                     CALL (t) { OPTIONAL MATCH (e:Event {type: t.key}) \
                       WHERE t.vocabulary = 'EVENT_TYPE' AND e.collection = t.collection \
                       RETURN count(e) AS events } \
                     CALL (t) { OPTIONAL MATCH (p:Participation {role: t.key}) \
                       WHERE t.vocabulary = 'PARTICIPANT_ROLE' AND p.collection = t.collection \
                       RETURN count(p) AS roles } \
                     RETURN events + roles AS row",
                    )
                    .param("id", id),
                )
                .await?;
            let n = used.first().copied().unwrap_or(0);
            if n > 0 {
                return Err(AppError::conflict(
                    Some("id"),
                    format!("{n} node(s) still use this term"),
                ));
            }
        }
        _ => {}
    }
    // The places that lose their parent with a deleted place: everything below them leaves the
    // regions above it once it is gone.
    let mut orphans = Vec::new();
    if kind == NodeKind::Place {
        // Its events are at no place any more: their copies of its id go (`links::PLACE_KEY`), and
        // so does every region they were in (the deleted place's relationships go with it, those
        // to the places above it would stay). Its children are returned: they become roots.
        orphans = tx
            .rows(
                Statement::new(
                    "MATCH (n:Node {id: $id}) USING INDEX SEEK n:Node(id) WHERE n:Place \
                     CALL (n) { MATCH (n)<-[:AT]-(e:Event) REMOVE e.placeId \
                                WITH e MATCH (e)-[r:IN_REGION]->() DELETE r } \
                     MATCH (n)<-[:WITHIN]-(c:Place) RETURN c.id AS row",
                )
                .param("id", id),
            )
            .await?;
    }
    // The claims are found from each doomed node (an anchored expansion), never by scanning all claims;
    // the claims about its relations through their ids (an index seek on `Claim(aboutRelation)`).
    let statement = cypher!(
        "MATCH (n:Node {id: $id}) USING INDEX SEEK n:Node(id) WHERE n:",
        label,
        " ",
        dependents(kind),
        " WITH n, collect(DISTINCT dep) AS deps \
         UNWIND [n] + deps AS x \
         OPTIONAL MATCH (x)<-[:ABOUT]-(c:Claim) \
         WITH n, deps, collect(DISTINCT c) AS claims \
         CALL (n, deps) { UNWIND [n] + deps AS y MATCH (y)-[rr]-() WHERE rr.id IS NOT NULL \
           MATCH (rc:Claim {aboutRelation: rr.id}) RETURN collect(DISTINCT rc) AS relationClaims } \
         WITH [n] + deps + claims + relationClaims AS doomed \
         FOREACH (x IN doomed | DETACH DELETE x) \
         RETURN size(doomed) AS row"
    );
    let n: Vec<i64> = tx.rows(statement.param("id", id)).await?;
    if !orphans.is_empty() {
        let mut moved = Moved::default();
        moved.add_subtrees(orphans);
        regions::refresh(tx, moved).await?;
    }
    Ok(n.first().copied().unwrap_or(0))
}
