//! Merging a duplicate actor or place into the node that stays.

use super::regions::{self, Moved};
use crate::{
    domain::{NodeId, NodeKind},
    error::{AppError, AppResult},
    store::{cypher, Statement, Tx},
};

/// Each relationship type a kind can have, in each direction (`true`: outgoing), and whether it is a
/// hierarchy that must stay acyclic. Types come from the code only.
const fn moves(kind: NodeKind) -> &'static [(&'static str, bool, bool)] {
    match kind {
        NodeKind::Actor => &[
            ("PARTICIPATES_AS", true, false),
            ("MEMBER_OF", true, true),
            ("MEMBER_OF", false, true),
            ("ANSWERS_TO", true, true),
            ("ANSWERS_TO", false, true),
            ("PUBLISHED_BY", false, false),
        ],
        NodeKind::Place => &[
            ("AT", false, false),
            ("WITHIN", false, true),
            ("WITHIN", true, true),
        ],
        _ => &[],
    }
}

/// Merges `duplicate` into `keep` (two actors, or two places): every relationship and every claim of
/// the duplicate moves to the kept node, the duplicate's name and aliases become aliases, and the
/// duplicate's id is remembered in `mergedIds`. Then the duplicate is deleted.
pub async fn merge_nodes(
    tx: &mut Tx,
    kind: NodeKind,
    keep: &NodeId,
    duplicate: &NodeId,
) -> AppResult<()> {
    let label = kind.label();
    if keep == duplicate {
        return Err(AppError::bad_input(
            "duplicate",
            "cannot merge a node into itself",
        ));
    }
    if moves(kind).is_empty() {
        return Err(AppError::bad_input(
            "keep",
            "only actors and places can be merged",
        ));
    }
    #[derive(serde::Deserialize)]
    struct Pair {
        keep: Option<String>,
        dup: Option<String>,
    }
    let pair: Vec<Pair> = tx
        .rows(
            cypher!(
                "OPTIONAL MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:",
                label,
                " AND ($collections IS NULL OR k.collection IN $collections) \
                 OPTIONAL MATCH (d:Node {id: $dup}) USING INDEX SEEK d:Node(id) WHERE d:",
                label,
                " AND ($collections IS NULL OR d.collection IN $collections) \
                 RETURN {keep: k.collection, dup: d.collection} AS row"
            )
            .param("keep", keep)
            .param("dup", duplicate),
        )
        .await?;
    let pair = pair.into_iter().next().unwrap_or(Pair {
        keep: None,
        dup: None,
    });
    match (pair.keep, pair.dup) {
        (None, _) => return Err(AppError::not_found(kind, keep.as_str(), "keep")),
        (_, None) => return Err(AppError::not_found(kind, duplicate.as_str(), "duplicate")),
        (Some(a), Some(b)) if a != b => {
            return Err(AppError::bad_input(
                "duplicate",
                "the two nodes are in different collections",
            ))
        }
        _ => {}
    }
    let before = match kind {
        NodeKind::Place => Some(place_moves(tx, keep, duplicate).await?),
        _ => None,
    };
    for &(ty, outgoing, acyclic) in moves(kind) {
        tx.run(
            move_statement(label, ty, outgoing, acyclic)
                .param("dup", duplicate)
                .param("keep", keep),
        )
        .await?;
    }
    // A relation of the duplicate that the kept node already had (or that was dropped) takes its
    // claims to the kept node's relation, or, where there is none, with it.
    let reanchor = cypher!(
        "MATCH (d:Node {id: $dup}) USING INDEX SEEK d:Node(id) WHERE d:", label, " \
         MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:", label, " \
         MATCH (d)-[r]-(x) WHERE r.id IS NOT NULL \
         OPTIONAL MATCH (k)-[r2]-(x) WHERE type(r2) = type(r) AND (startNode(r2) = k) = (startNode(r) = d) \
         WITH r, head(collect(r2)) AS r2 \
         CALL (r, r2) { WITH r, r2 WHERE r2 IS NOT NULL AND r2.id IS NULL SET r2.id = r.id } \
         CALL (r, r2) { MATCH (c:Claim {aboutRelation: r.id}) \
           FOREACH (_ IN CASE WHEN r2 IS NULL THEN [1] ELSE [] END | DETACH DELETE c) \
           FOREACH (_ IN CASE WHEN r2 IS NULL THEN [] ELSE [1] END | SET c.aboutRelation = r2.id) }"
    );
    tx.run(reanchor.param("dup", duplicate).param("keep", keep))
        .await?;
    let finish = cypher!(
        "MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:", label, " \
         MATCH (d:Node {id: $dup}) USING INDEX SEEK d:Node(id) WHERE d:", label, " \
         SET k.aliases = [a IN coalesce(k.aliases, []) + [d.name] + coalesce(d.aliases, []) WHERE a <> k.name | a], \
             k.mergedIds = coalesce(k.mergedIds, []) + [d.id] + coalesce(d.mergedIds, []), \
             k.description = coalesce(k.description, d.description) ",
        if kind == NodeKind::Place { ", k.location = coalesce(k.location, d.location)" } else { "" },
        " WITH k, d, k.aliases AS al \
         SET k.aliases = reduce(acc = [], a IN al | CASE WHEN a IN acc THEN acc ELSE acc + a END) \
         DETACH DELETE d \
         WITH k AS n SET ", crate::store::records::SORT_KEYS
    );
    tx.run(finish.param("dup", duplicate).param("keep", keep))
        .await?;
    if let Some(before) = before {
        refresh_merged_places(tx, keep, before).await?;
    }
    Ok(())
}

/// What a merge of places may move below them, read before it: the duplicate's events (now at the
/// kept place) and children (now below it, or roots where moving them would close a loop), and the
/// kept place's parents, which it keeps or takes from the duplicate.
#[derive(serde::Deserialize)]
struct PlaceMoves {
    events: Vec<String>,
    children: Vec<String>,
    parents: Vec<String>,
}

async fn place_moves(tx: &mut Tx, keep: &NodeId, duplicate: &NodeId) -> AppResult<PlaceMoves> {
    let read: Vec<PlaceMoves> = tx
        .rows(
            Statement::new(
                "MATCH (d:Node {id: $dup}) USING INDEX SEEK d:Node(id) WHERE d:Place \
                 CALL (d) { MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:Place \
                            RETURN COLLECT { MATCH (k)-[:WITHIN]->(q:Place) RETURN q.id } AS parents } \
                 RETURN {events: COLLECT { MATCH (d)<-[:AT]-(e:Event) RETURN e.id }, \
                         children: COLLECT { MATCH (d)<-[:WITHIN]-(c:Place) RETURN c.id }, \
                         parents: parents} AS row",
            )
            .param("dup", duplicate)
            .param("keep", keep),
        )
        .await?;
    read.into_iter()
        .next()
        .ok_or_else(|| AppError::internal("a merged place vanished during its merge"))
}

/// Rebuilds the regions of what a merge of places moved (`before`, read before it): the
/// duplicate's events and everything below its children; and everything below the kept place if
/// its parent changed (it took the duplicate's, or the duplicate was its parent), not otherwise:
/// merging a small duplicate into a city does not rewrite the city's events.
async fn refresh_merged_places(tx: &mut Tx, keep: &NodeId, before: PlaceMoves) -> AppResult<()> {
    let parents: Vec<String> = tx
        .rows(
            Statement::new(
                "MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:Place \
                 MATCH (k)-[:WITHIN]->(q:Place) RETURN q.id AS row",
            )
            .param("keep", keep),
        )
        .await?;
    let mut moved = Moved::default();
    moved.add_event_ids(before.events);
    moved.add_subtrees(before.children);
    if sorted(parents) != sorted(before.parents) {
        moved.add_subtrees([keep.as_str().to_owned()]);
    }
    regions::refresh(tx, moved).await
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// Moves one relationship type of the duplicate to the kept node. Hierarchies stay acyclic: a link that
/// would close a loop through the kept node (the duplicate belonged to one of the kept node's own
/// members) is dropped, as is one to the kept node itself.
fn move_statement(
    label: &'static str,
    ty: &'static str,
    outgoing: bool,
    acyclic: bool,
) -> Statement {
    if outgoing {
        cypher!(
            // Both ends by the id index (a `{id}` under the kind's own label would scan the label).
            "MATCH (d:Node {id: $dup}) USING INDEX SEEK d:Node(id) WHERE d:",
            label,
            " MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:",
            label,
            " MATCH (d)-[r:",
            ty,
            "]->(x) \
             WITH k, x, r WHERE x <> k AND NOT EXISTS { MATCH (k)-[:",
            ty,
            "]->(x) } ",
            // A place keeps its own parent if it has one: a place lies within one place only. A
            // parent that is the duplicate itself goes with it, so it does not count.
            if ty == "WITHIN" {
                "AND NOT EXISTS { MATCH (k)-[:WITHIN]->(p) WHERE p.id <> $dup } "
            } else {
                ""
            },
            if acyclic {
                "AND NOT EXISTS { MATCH (x)-[:"
            } else {
                ""
            },
            if acyclic { ty } else { "" },
            if acyclic { "*1..32]->(k) } " } else { "" },
            "MERGE (k)-[nr:",
            ty,
            "]->(x) \
             SET nr.id = coalesce(nr.id, r.id), nr.inference = coalesce(nr.inference, r.inference)",
            // A moved participation names its new actor in its copy (`records::PARTICIPATION_KEYS`).
            if ty == "PARTICIPATES_AS" {
                ", x.actorId = k.id"
            } else {
                ""
            }
        )
    } else {
        cypher!(
            "MATCH (d:Node {id: $dup}) USING INDEX SEEK d:Node(id) WHERE d:",
            label,
            " MATCH (k:Node {id: $keep}) USING INDEX SEEK k:Node(id) WHERE k:",
            label,
            " MATCH (d)<-[r:",
            ty,
            "]-(x) \
             WITH k, x, r WHERE x <> k AND NOT EXISTS { MATCH (k)<-[:",
            ty,
            "]-(x) } ",
            if acyclic {
                "AND NOT EXISTS { MATCH (k)-[:"
            } else {
                ""
            },
            if acyclic { ty } else { "" },
            if acyclic { "*1..32]->(x) } " } else { "" },
            "MERGE (k)<-[nr:",
            ty,
            "]-(x) \
             SET nr.id = coalesce(nr.id, r.id), nr.inference = coalesce(nr.inference, r.inference)",
            // A moved event names its new place in its copy (`links::PLACE_KEY`).
            if ty == "AT" { ", x.placeId = k.id" } else { "" }
        )
    }
}
