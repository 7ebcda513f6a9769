//! The ego network of a node: everything within `depth` relations of it, level by level.
//!
//! One statement per level (so at most 3, plus one for the anchor): each starts from the previous
//! level's ids through the `Node(id)` index, follows the chosen relations both ways, filters the
//! neighbours and stops at a `LIMIT`. Going level by level, rather than one var-length pattern,
//! keeps the work proportional to the answer: a var-length pattern enumerates every *path* to a node,
//! a level only every *edge*.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::{
    claims_of, projection, relation_claims_of, run_bounded, scope, Bound, Budget, EdgeRecord,
    EdgeRow, RelationKind,
};
use crate::{
    domain::{DateRange, NodeKind},
    error::{AppError, AppResult},
    store::{read::nodes_by_id, records::NodeRecord, Cypher, Db, Statement},
};

/// What to explore.
#[derive(Debug, Clone)]
pub struct NeighbourhoodQuery {
    pub anchor: String,
    /// 1 to 3.
    pub depth: u32,
    pub kinds: Vec<RelationKind>,
    /// Keep only events of these types (other nodes are not filtered).
    pub event_types: Option<Vec<String>>,
    /// Keep only events whose date overlaps this window.
    pub window: Option<DateRange>,
    /// Keep only events and participations with a claim of one of these statuses.
    pub statuses: Option<Vec<String>>,
    /// Keep relations without a standing claim (drawn as the analyst's inference, or without any
    /// evidence). Participations are kept either way.
    pub include_unsourced: bool,
    /// Keep only relations (participations included) with at least / at most this many distinct
    /// sources among their standing claims.
    pub min_sources: Option<i64>,
    pub max_sources: Option<i64>,
}

/// The subgraph found: nodes with their distance from the anchor, and the edges between them.
#[derive(Debug, Clone)]
pub struct Subgraph {
    pub nodes: Vec<(NodeRecord, u32)>,
    pub edges: Vec<EdgeRecord>,
}

/// The level statement: finds the neighbours of `a` as `n`, with the relation's kind, its stored
/// ends and, for participations, the hub `p`. `PLAIN` stands for the relations without claims.
fn level_statement() -> Statement {
    const HEAD: &str = "UNWIND $frontier AS fid \
         MATCH (a:Node {id: fid}) USING INDEX SEEK a:Node(id) \
         CALL (a) { \
           MATCH (a:Actor)-[:PARTICIPATES_AS]->(p:Participation)-[:IN_EVENT]->(n:Event) WHERE $participation \
           RETURN 'PARTICIPATED_IN' AS kind, a AS src, n AS dst, n, p, null AS rel \
           UNION ALL \
           MATCH (a:Event)<-[:IN_EVENT]-(p:Participation)<-[:PARTICIPATES_AS]-(n:Actor) WHERE $participation \
           RETURN 'PARTICIPATED_IN' AS kind, n AS src, a AS dst, n, p, null AS rel \
           UNION ALL \
           MATCH (a)-[r:";
    const OUTGOING_TAIL: &str = "]->(n:Event|Actor|Place|Source) WHERE type(r) IN $kinds \
           RETURN type(r) AS kind, a AS src, n AS dst, n, null AS p, r AS rel \
           UNION ALL \
           MATCH (a)<-[r:";
    const TAIL: &str = concat!(
        "]-(n:Event|Actor|Place|Source) WHERE type(r) IN $kinds \
           RETURN type(r) AS kind, n AS src, a AS dst, n, null AS p, r AS rel \
         } \
         WITH kind, src, dst, n, p, rel \
         WHERE ",
        scope!("n"),
        " AND NOT n.id IN $earlier AND ",
        "($types IS NULL OR NOT n:Event OR n.type IN $types) \
        AND (NOT n:Event OR (($from IS NULL OR n.dateLatest IS NULL OR n.dateLatest >= date($from)) \
             AND ($to IS NULL OR n.dateEarliest IS NULL OR n.dateEarliest <= date($to))))",
        " AND ",
        "($statuses IS NULL OR \
        ((p IS NULL OR EXISTS { MATCH (p)<-[:ABOUT]-(c:Claim) WHERE c.status IN $statuses }) \
         AND (rel IS NULL OR EXISTS { MATCH (c:Claim {aboutRelation: rel.id}) WHERE c.status IN $statuses }) \
         AND (NOT n:Event OR EXISTS { MATCH (n)<-[:ABOUT]-(c:Claim) WHERE c.status IN $statuses })))",
        " \
           AND ($unsourced OR p IS NOT NULL \
                OR EXISTS { MATCH (c:Claim {aboutRelation: rel.id}) WHERE c.status IN $standing }) \
         WITH kind, src, dst, n, p, rel, \
              CASE WHEN $minSources IS NULL AND $maxSources IS NULL THEN 0 \
                   WHEN p IS NULL THEN size(COLLECT { MATCH (c:Claim {aboutRelation: rel.id})-[:CITES]->(s:Source) \
                                                      WHERE c.status IN $standing RETURN DISTINCT s.id }) \
                   ELSE size(COLLECT { MATCH (p)<-[:ABOUT]-(c:Claim)-[:CITES]->(s:Source) \
                                       WHERE c.status IN $standing RETURN DISTINCT s.id }) END AS sources \
         WHERE ($minSources IS NULL OR sources >= $minSources) AND ($maxSources IS NULL OR sources <= $maxSources) \
         WITH kind, src, dst, n, p, rel LIMIT $limit \
         RETURN {kind: kind, from: src.id, to: dst.id, node: ",
        projection!("n"),
        ", \
                 participation: CASE WHEN p IS NULL THEN null ELSE ",
        projection!("p"),
        " END, \
                 claims: CASE WHEN p IS NULL THEN ",
        relation_claims_of!("rel"),
        " ELSE ",
        claims_of!("p"),
        " END, inference: rel.inference, rid: rel.id} AS row"
    );
    let plain: Vec<RelationKind> = RelationKind::ALL
        .into_iter()
        .filter(|k| !k.via_hub())
        .collect();
    let mut text = Cypher::new();
    text.push(HEAD);
    RelationKind::push_type_alternation(&mut text, &plain);
    text.push(OUTGOING_TAIL);
    RelationKind::push_type_alternation(&mut text, &plain);
    text.push(TAIL);
    text.into_statement()
}

#[derive(serde::Deserialize)]
struct LevelRow {
    node: Value,
    #[serde(flatten)]
    edge: EdgeRow,
}

/// Explores the neighbourhood. Fails with `NOT_FOUND` when the anchor is not in the caller's scope.
pub async fn neighbourhood(
    db: &Db,
    q: &NeighbourhoodQuery,
    budget: &mut Budget,
) -> AppResult<Subgraph> {
    let anchor = nodes_by_id(db, std::slice::from_ref(&q.anchor))
        .await?
        .remove(&q.anchor)
        // Any node can be the centre.
        .ok_or_else(|| AppError::not_found_any(NodeKind::ALL, q.anchor.clone(), "id"))?;
    let mut nodes: Vec<(NodeRecord, u32)> = vec![(anchor, 0)];
    let mut seen: HashSet<String> = HashSet::from([q.anchor.clone()]);
    let mut edges: Vec<EdgeRecord> = Vec::new();
    let mut edge_ids: HashSet<String> = HashSet::new();
    let mut earlier: Vec<String> = Vec::new();
    let mut frontier: Vec<String> = vec![q.anchor.clone()];

    let each_level = level_statement();
    let plain: Vec<&str> = q
        .kinds
        .iter()
        .filter(|k| !k.via_hub())
        .map(|k| k.as_str())
        .collect();
    // Rows per level: enough for the node budget with room for edges between known nodes.
    let row_limit = budget.max_nodes.saturating_mul(2).max(2);

    for level in 1..=q.depth {
        if frontier.is_empty() {
            break;
        }
        let statement = each_level
            .clone()
            .param("frontier", &frontier)
            .param("earlier", &earlier)
            .param("kinds", &plain)
            .param(
                "participation",
                q.kinds.contains(&RelationKind::ParticipatedIn),
            )
            .param("types", &q.event_types)
            .param(
                "from",
                q.window
                    .as_ref()
                    .and_then(|w| w.from())
                    .map(|d| d.to_string()),
            )
            .param(
                "to",
                q.window
                    .as_ref()
                    .and_then(|w| w.to())
                    .map(|d| d.to_string()),
            )
            .param("statuses", &q.statuses)
            .param("unsourced", q.include_unsourced)
            .param("standing", crate::store::read::standing_statuses())
            .param("minSources", q.min_sources)
            .param("maxSources", q.max_sources)
            .param("limit", row_limit as i64);
        let Some(rows) = run_bounded::<LevelRow>(db, statement, budget).await? else {
            break;
        };
        if rows.len() >= row_limit {
            budget.hit(Bound::NodeLimit);
        }
        let mut next: Vec<String> = Vec::new();
        let mut found: HashMap<String, NodeRecord> = HashMap::new();
        for row in rows {
            let edge = row.edge.decode()?;
            let node = NodeRecord::decode(row.node)?;
            let id = node.id().to_string();
            if !seen.contains(&id) {
                if seen.len() >= budget.max_nodes {
                    budget.hit(Bound::NodeLimit);
                    continue;
                }
                seen.insert(id.clone());
                next.push(id.clone());
                found.insert(id, node);
            }
            if edge_ids.insert(edge.id()) {
                edges.push(edge);
            }
        }
        for id in &next {
            if let Some(n) = found.remove(id) {
                nodes.push((n, level));
            }
        }
        earlier.append(&mut frontier);
        frontier = next;
    }
    // An edge whose far end was cut by the node limit is dropped: every edge joins two listed nodes.
    edges.retain(|e| seen.contains(&e.from) && seen.contains(&e.to));
    Ok(Subgraph { nodes, edges })
}

/// The statement texts, for the `EXPLAIN` test.
pub fn statements_for_explain() -> Vec<(Statement, Vec<(&'static str, Value)>)> {
    vec![(
        level_statement(),
        vec![
            ("frontier", Value::from(vec!["x"])),
            ("earlier", Value::Array(vec![])),
            ("kinds", Value::from(vec!["LED_TO"])),
            ("participation", Value::Bool(true)),
            ("types", Value::Null),
            ("from", Value::Null),
            ("to", Value::Null),
            ("statuses", Value::Null),
            ("unsourced", Value::Bool(true)),
            ("standing", Value::from(vec!["REPORTED"])),
            ("minSources", Value::from(1)),
            ("maxSources", Value::Null),
            ("limit", Value::from(10)),
        ],
    )]
}
