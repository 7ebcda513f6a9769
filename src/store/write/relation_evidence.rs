//! Evidence for relations: claims about a relationship, and the analyst's reasoning where it was
//! drawn without a source.
//!
//! Neo4j cannot point a relationship at a relationship, so a claim cannot be `ABOUT` one. Instead every
//! relationship a caller sets carries a stable `id` (see [`relation_id`]), and a claim about it holds
//! that id in `aboutRelation`, an indexed property: reading a relation's claims is an index seek from
//! the relationship's id, and a claim still `CITES` its source like any other. The reasoning of an
//! inferred relation is the relationship's `inference` property. See docs/model.md ("Evidence on
//! relations") and docs/decisions.md.

use std::collections::HashSet;

use serde_json::{json, Value};

use super::{links::rel_type, RelationEvidenceWrite};
use crate::{
    domain::{NodeKind, Relation},
    error::{AppError, AppResult},
    store::{cypher, Statement, Tx},
};

/// The id a relationship is given when it is first drawn: its type and ends. The id is stored, not
/// recomputed: a relationship moved by a merge keeps it, so that the claims anchored to it stay.
/// `store::write::links` writes the same expression in Cypher (`'<TYPE>:' + a.id + '->' + b.id`).
pub fn relation_id(relation: Relation, from: &str, to: &str) -> String {
    format!("{}:{from}->{to}", rel_type(relation))
}

#[derive(serde::Deserialize)]
struct Bad {
    index: usize,
    claim: Option<usize>,
    id: Option<String>,
    reason: String,
}

/// Writes the evidence of each relation, after the link sets of the same change set. Every relation
/// named must exist and take evidence; every claim's source must be a source of the relation's
/// collection; a claim's id must not name another kind of node or another collection.
pub async fn apply_relation_evidence(
    tx: &mut Tx,
    items: &[RelationEvidenceWrite],
) -> AppResult<()> {
    let mut ids = HashSet::new();
    for item in items {
        if !item.relation.takes_evidence() {
            return Err(AppError::bad_input(
                format!("{}.relation", item.field),
                "this relation takes no claims of its own (a citation carries its passage; a breakdown rests on the figures' claims)",
            ));
        }
        for c in &item.claims {
            if !ids.insert(c.id.as_str()) {
                return Err(AppError::conflict(
                    Some(&format!("{}.id", c.field)),
                    format!("the id {:?} is given twice", c.id.as_str()),
                ));
            }
        }
    }
    // One round of statements per relation, in a fixed order, whatever the number of items.
    for relation in Relation::ALL.iter().copied() {
        let of: Vec<&RelationEvidenceWrite> =
            items.iter().filter(|i| i.relation == relation).collect();
        if !of.is_empty() {
            apply_one_relation(tx, relation, &of).await?;
        }
    }
    Ok(())
}

async fn apply_one_relation(
    tx: &mut Tx,
    relation: Relation,
    items: &[&RelationEvidenceWrite],
) -> AppResult<()> {
    let rows: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            json!({
                "index": i,
                "from": item.from,
                "to": item.to,
                "collection": item.collection,
                "inference": item.inference,
                "replace": item.replace,
                "claims": item.claims.iter().enumerate().map(|(k, c)| json!({
                    "claim": k,
                    "id": c.id,
                    "source": c.source,
                    "excerpt": c.excerpt,
                    "status": c.status.as_str(),
                    "note": c.note,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let field = |b: &Bad| {
        let item = items[b.index];
        match b.claim {
            Some(k) => item.claims[k].field.clone(),
            None => item.field.clone(),
        }
    };
    // The relations exist, within the caller's collections (and the named collection, if any); each
    // claim's source is a source of that collection; each claim's id is free or a claim of it.
    let check = check_statement(relation);
    let bad: Vec<Bad> = tx.rows(check.param("rows", rows.clone())).await?;
    if let Some(b) = bad.into_iter().next() {
        let f = field(&b);
        let item = items[b.index];
        let id = b.id.clone().unwrap_or_default();
        return Err(match b.reason.as_str() {
            "missing" => AppError::bad_input(
                f,
                format!(
                    "no {relation:?} relation from {:?} to {:?} (in your collections): draw it before citing it",
                    item.from.as_str(),
                    item.to.as_str()
                ),
            ),
            "collection" => AppError::bad_input(
                format!("{f}.collection"),
                "the relation is in another collection",
            ),
            "source-missing" => AppError::not_found(NodeKind::Source, id, format!("{f}.source")),
            "source-kind" => {
                AppError::bad_input(format!("{f}.source"), format!("{id:?} is not a Source"))
            }
            "source-collection" => AppError::bad_input(
                format!("{f}.source"),
                format!("{id:?} is in another collection; a claim cites a source of its own"),
            ),
            _ => AppError::conflict(
                Some(&format!("{f}.id")),
                format!("the id {id:?} names another kind of node, or one of another collection"),
            ),
        });
    }
    let write = write_statement(relation);
    tx.run(write.param("rows", rows)).await?;
    Ok(())
}

/// The relations exist, within the caller's collections (and the named collection, if any); each
/// claim's source is a source of that collection; each claim's id is free or a claim of it.
///
/// Both statements seek `from` by id and expand from it: with both ends given as `(:Node {id})` the
/// planner, on a large database, scanned the id index for one of them (tests/api/import_plans.rs).
fn check_statement(relation: Relation) -> Statement {
    let rule = relation.rule();
    let (ty, from_label, to_label) = (rel_type(relation), rule.from.label(), rule.to.label());
    cypher!(
        "UNWIND $rows AS row \
         OPTIONAL MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) WHERE a:", from_label, " \
         OPTIONAL MATCH (a)-[r:", ty, "]->(b) WHERE b.id = row.to AND b:", to_label, " \
         WITH row, a, r \
         CALL (row, a, r) { \
           WITH row, a, r WHERE r IS NULL OR NOT ($collections IS NULL OR a.collection IN $collections) \
             OR (row.collection IS NOT NULL AND a.collection <> row.collection) \
           RETURN {index: row.index, claim: null, id: null, \
                   reason: CASE WHEN r IS NULL OR NOT ($collections IS NULL OR a.collection IN $collections) \
                                THEN 'missing' ELSE 'collection' END} AS bad \
           UNION ALL \
           WITH row, a, r WHERE r IS NOT NULL \
           UNWIND row.claims AS c \
           OPTIONAL MATCH (s:Node {id: c.source}) USING INDEX SEEK s:Node(id) \
           OPTIONAL MATCH (x:Node {id: c.id}) USING INDEX SEEK x:Node(id) \
           WITH row, a, c, s, x \
           WHERE s IS NULL OR NOT s:Source OR s.collection <> a.collection \
              OR (x IS NOT NULL AND (NOT x:Claim OR x.collection <> a.collection)) \
           RETURN {index: row.index, claim: c.claim, \
                   id: CASE WHEN s IS NULL OR NOT s:Source OR s.collection <> a.collection THEN c.source ELSE c.id END, \
                   reason: CASE WHEN s IS NULL THEN 'source-missing' WHEN NOT s:Source THEN 'source-kind' \
                                WHEN s.collection <> a.collection THEN 'source-collection' ELSE 'id' END} AS bad \
         } \
         RETURN bad AS row"
    )
}

/// Sets the relationship's id and inference, and upserts its claims (anchored by `aboutRelation`).
fn write_statement(relation: Relation) -> Statement {
    let rule = relation.rule();
    let (ty, from_label, to_label) = (rel_type(relation), rule.from.label(), rule.to.label());
    cypher!(
        "UNWIND $rows AS row \
         MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) WHERE a:", from_label, " \
         MATCH (a)-[r:", ty, "]->(b) WHERE b.id = row.to AND b:", to_label, " \
         SET r.id = coalesce(r.id, '", ty, ":' + a.id + '->' + b.id), \
             r.inference = CASE WHEN row.replace THEN row.inference ELSE coalesce(row.inference, r.inference) END \
         WITH a, r, row \
         UNWIND row.claims AS c \
         MERGE (n:Node {id: c.id}) ON CREATE SET n:Claim, n.createdAt = datetime() \
         SET n.collection = a.collection, n.aboutRelation = r.id, n.excerpt = c.excerpt, \
             n.status = c.status, n.note = c.note \
         SET ", crate::store::records::SORT_KEYS, " \
         WITH n, c \
         CALL (n) { OPTIONAL MATCH (n)-[old:ABOUT]->() DELETE old } \
         CALL (n, c) { OPTIONAL MATCH (n)-[old:CITES]->(s) WHERE s.id <> c.source DELETE old } \
         CALL (n, c) { MATCH (s:Node {id: c.source}) USING INDEX SEEK s:Node(id) WHERE s:Source MERGE (n)-[:CITES]->(s) }"
    )
}

/// The statements with typical parameters, for the `EXPLAIN` test (no label scans).
pub fn statements_for_explain() -> Vec<Statement> {
    let rows = serde_json::json!([{"index": 0, "from": "x", "to": "y", "collection": null,
        "inference": null, "replace": false,
        "claims": [{"claim": 0, "id": "c", "source": "s", "excerpt": null, "status": "REPORTED", "note": null}]}]);
    [Relation::EventLedTo, Relation::PlaceWithin]
        .into_iter()
        .flat_map(|r| [check_statement(r), write_statement(r)])
        .map(|s| s.param("rows", rows.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relation_id_is_its_type_and_ends() {
        assert_eq!(
            relation_id(Relation::EventLedTo, "e:1", "e:2"),
            "LED_TO:e:1->e:2"
        );
    }
}
