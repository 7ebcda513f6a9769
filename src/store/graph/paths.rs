//! Shortest paths between two nodes over chosen relations, with the evidence of every hop.
//!
//! One statement: both ends are found through the `Node(id)` index, then Neo4j's `SHORTEST k` search
//! runs between them over the chosen relationship types, with a literal upper bound on the length.
//! The search counts stored relationships, in which an actor's part in an event is two (actor →
//! participation → event, a statement of its own); the answer counts it as one hop. So paths are
//! found fewest-stored-relationships first, and the hop limit applies to the hops the answer shows.

use serde::Deserialize;
use serde_json::Value;

use super::{
    claims_of, decode_claims, projection, run_bounded, scope, Bound, Budget, EdgeRecord,
    RelationKind,
};
use crate::{
    error::{AppError, AppResult},
    store::{records::NodeRecord, Cypher, Db, Statement},
};

/// What to look for.
#[derive(Debug, Clone)]
pub struct PathQuery {
    pub from: String,
    pub to: String,
    pub kinds: Vec<RelationKind>,
    /// Hops as the answer counts them (a participation is one), at least 1.
    pub max_hops: u32,
    /// How many paths, at least 1.
    pub k: u32,
}

/// One hop of a path: the relation and whether the path crosses it in its stored direction.
#[derive(Debug, Clone)]
pub struct Hop {
    pub edge: EdgeRecord,
    /// True when the path goes from the relation's `from` to its `to`.
    pub forward: bool,
}

/// A path: its nodes (participations folded into their hops) and its hops, `hops.len() + 1 == nodes.len()`.
#[derive(Debug, Clone)]
pub struct PathRecord {
    pub nodes: Vec<NodeRecord>,
    pub hops: Vec<Hop>,
}

fn statement(kinds: &[RelationKind], k: u32, raw_hops: u32) -> Statement {
    // The two numbers are validated integers from the code (Cypher takes no parameter here); the
    // relationship types come from `RelationKind`'s constants.
    let mut text = Cypher::new();
    text.push(concat!(
        "MATCH (a:Node {id: $from}) USING INDEX SEEK a:Node(id) WHERE ",
        scope!("a"),
        " MATCH (b:Node {id: $to}) USING INDEX SEEK b:Node(id) WHERE ",
        scope!("b"),
        " MATCH p = SHORTEST "
    ))
    .push(k as usize)
    .push(" (a)(()-[:");
    RelationKind::push_type_alternation(&mut text, kinds);
    text.push(concat!("]-(x WHERE ", scope!("x"), ")){1,"))
        .push(raw_hops as usize)
        .push("}(b) WITH p LIMIT ")
        .push(k as usize)
        .push(concat!(
            " RETURN {nodes: [n IN nodes(p) | ",
            projection!("n"),
            "], \
                 rels: [r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id, \
                                                 id: r.id, inference: r.inference}], \
                 relClaims: COLLECT { UNWIND relationships(p) AS r MATCH (rcl:Claim {aboutRelation: r.id}) \
                                      RETURN {id: r.id, claim: ",
            projection!("rcl"),
            "} }, \
                 claims: [x IN nodes(p) WHERE x:Participation | {id: x.id, claims: ",
            claims_of!("x"),
            "}]} AS row"
        ));
    text.into_statement()
}

#[derive(Deserialize)]
struct Rel {
    #[serde(rename = "type")]
    rel_type: String,
    from: String,
    to: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    inference: Option<String>,
}

/// A claim about one relationship of the path, by the relationship's id.
#[derive(Deserialize)]
struct RelClaim {
    id: String,
    claim: Value,
}

#[derive(Deserialize)]
struct HubClaims {
    id: String,
    claims: Vec<Value>,
}

#[derive(Deserialize)]
struct Row {
    nodes: Vec<Value>,
    rels: Vec<Rel>,
    claims: Vec<HubClaims>,
    #[serde(default, rename = "relClaims")]
    rel_claims: Vec<RelClaim>,
}

/// Finds up to `k` paths (the caller has checked that both ends exist in its scope).
pub async fn paths(db: &Db, q: &PathQuery, budget: &mut Budget) -> AppResult<Vec<PathRecord>> {
    let statement = statement(&q.kinds, q.k, q.max_hops * 2)
        .param("from", &q.from)
        .param("to", &q.to);
    let Some(rows) = run_bounded::<Row>(db, statement, budget).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for row in rows {
        let path = fold(row)?;
        if path.hops.len() <= q.max_hops as usize {
            out.push(path);
        }
    }
    out.sort_by_key(|p| p.hops.len());
    if out.len() < q.k as usize {
        // There may be more (or any) paths beyond the hop limit.
        budget.hit(Bound::HopLimit);
    }
    Ok(out)
}

/// Folds each `actor → participation → event` pair of stored relationships into one hop.
fn fold(row: Row) -> AppResult<PathRecord> {
    let nodes = row
        .nodes
        .into_iter()
        .map(NodeRecord::decode)
        .collect::<AppResult<Vec<_>>>()?;
    let mut claims: std::collections::HashMap<String, Vec<Value>> =
        row.claims.into_iter().map(|h| (h.id, h.claims)).collect();
    let mut rel_claims: std::collections::HashMap<String, Vec<Value>> = Default::default();
    for c in row.rel_claims {
        rel_claims.entry(c.id).or_default().push(c.claim);
    }
    let mut kept = vec![nodes[0].clone()];
    let mut hops = Vec::new();
    let mut i = 1;
    while i < nodes.len() {
        let rel = &row.rels[i - 1];
        match &nodes[i] {
            NodeRecord::Participation(p) if i + 1 < nodes.len() => {
                let (prev, next) = (&nodes[i - 1], &nodes[i + 1]);
                // The actor is whichever end is not the event.
                let forward = matches!(prev, NodeRecord::Actor(_));
                let (actor, event) = if forward { (prev, next) } else { (next, prev) };
                hops.push(Hop {
                    edge: EdgeRecord {
                        kind: RelationKind::ParticipatedIn,
                        from: actor.id().to_string(),
                        to: event.id().to_string(),
                        participation: Some(p.clone()),
                        claims: decode_claims(claims.remove(&p.id).unwrap_or_default())?,
                        inference: None,
                        relation_id: None,
                    },
                    forward,
                });
                kept.push(next.clone());
                i += 2;
            }
            node => {
                let kind = RelationKind::parse(&rel.rel_type).ok_or_else(|| {
                    AppError::internal(format!("unexpected relation {:?}", rel.rel_type))
                })?;
                hops.push(Hop {
                    forward: rel.from == nodes[i - 1].id(),
                    edge: EdgeRecord {
                        kind,
                        from: rel.from.clone(),
                        to: rel.to.clone(),
                        participation: None,
                        claims: decode_claims(
                            rel.id
                                .as_ref()
                                .and_then(|id| rel_claims.remove(id))
                                .unwrap_or_default(),
                        )?,
                        inference: rel.inference.clone(),
                        relation_id: rel.id.clone(),
                    },
                });
                kept.push(node.clone());
                i += 1;
            }
        }
    }
    Ok(PathRecord { nodes: kept, hops })
}

/// The statement with typical arguments, for the `EXPLAIN` test.
pub fn statement_for_explain() -> Statement {
    statement(&RelationKind::ALL, 3, 8)
}
