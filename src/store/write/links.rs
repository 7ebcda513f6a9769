//! Relationships a caller may set: whole sets from upserts and imports ([`LinkMode::Replace`]), single
//! links from `link` ([`LinkMode::Add`]), removal from `unlink`. Which relations are to-one or must stay
//! acyclic is the domain's rule ([`Relation::rule`]); how each is spelt in Cypher is [`rel_type`].

use serde_json::{json, Value};

use super::{
    regions::{self, Moved},
    LinkSet,
};
use crate::{
    domain::{NodeId, NonEmptyText, Relation},
    error::{AppError, AppResult},
    store::{cypher, Statement, Tx},
};

/// The relationship type of each relation. Types come only from here.
pub(in crate::store) const fn rel_type(relation: Relation) -> &'static str {
    match relation {
        Relation::EventAt => "AT",
        Relation::PlaceWithin => "WITHIN",
        Relation::EventPartOf | Relation::CountPartOf => "PART_OF",
        Relation::EventFollowedBy => "FOLLOWED_BY",
        Relation::EventLedTo => "LED_TO",
        Relation::ActorMemberOf => "MEMBER_OF",
        Relation::ActorAnswersTo => "ANSWERS_TO",
        Relation::SourcePublishedBy => "PUBLISHED_BY",
        Relation::SourceCites => "CITES",
    }
}

/// An event keeps a copy of its place's id (`placeId`) for the place's index of its events in date
/// order (`cg_event_place_events`, `read::seek`): set again from the event's `AT` link after every
/// write of it (an event is at one place at most; none removes it). Removals outside link sets do
/// the same: `unlink`, an empty set, deleting or merging a place.
const PLACE_KEY: &str = " CALL (a) { OPTIONAL MATCH (a)-[:AT]->(p:Place) \
    WITH a, min(p.id) AS place SET a.placeId = place }";

/// Whether a link set says everything its node has (an upsert, an import) or adds to what is there
/// (`link`). To-one relations replace their target either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMode {
    Replace,
    Add,
}

/// Sets each link set's targets. A bad target of a to-many relation is named by its position in the
/// list (`input.partOf[1]`) in `Replace` mode; `Add` names the one target by the set's field (`to`).
/// Returns the events whose regions the sets moved (their `AT`, and everything below a place whose
/// `WITHIN` changed), for the caller to refresh once its change set is written.
pub(super) async fn apply_link_sets(
    tx: &mut Tx,
    links: &[LinkSet],
    mode: LinkMode,
) -> AppResult<Moved> {
    let indexed = mode == LinkMode::Replace;
    check_shapes(links, indexed)?;
    let mut moved = Moved::default();
    moved.add_events(
        links
            .iter()
            .filter(|l| l.relation == Relation::EventAt)
            .map(|l| &l.from),
    );
    // Read before anything is written: which places get another parent than the one they have.
    moved.add_subtrees(regions::reparented(tx, links).await?);
    // Sets that list no target (most events have no `partOf`) only drop what was there: one
    // statement for all of them, whatever their relations, instead of a round per relation.
    if mode == LinkMode::Replace {
        clear_empty_sets(tx, links).await?;
    }
    // One round of statements per relation, in a fixed order, whatever the number of sets.
    for relation in Relation::ALL.iter().copied() {
        let sets: Vec<&LinkSet> = links
            .iter()
            .filter(|l| {
                l.relation == relation && !(mode == LinkMode::Replace && l.targets.is_empty())
            })
            .collect();
        if !sets.is_empty() {
            apply_relation(tx, relation, &sets, mode, indexed).await?;
        }
    }
    Ok(moved)
}

/// A to-one relation takes one target, and no node is linked to itself.
pub(super) fn check_shapes(links: &[LinkSet], indexed: bool) -> AppResult<()> {
    for l in links {
        if l.relation.is_to_one() && l.targets.len() > 1 {
            return Err(AppError::bad_input(
                l.field.clone(),
                "takes at most one target",
            ));
        }
        if let Some(i) = l.targets.iter().position(|(t, _)| t == &l.from) {
            return Err(AppError::bad_input(
                target_field(l, i, indexed),
                "a node cannot be linked to itself",
            ));
        }
    }
    Ok(())
}

/// Removes every link of the sets that list no target. A node's outgoing relationship types are
/// enough to tell the relation (`PART_OF` from an event is `EventPartOf`, from a count `CountPartOf`),
/// so the rows carry the types to clear, as parameters.
async fn clear_empty_sets(tx: &mut Tx, links: &[LinkSet]) -> AppResult<()> {
    let mut by_node: std::collections::BTreeMap<&str, Vec<&'static str>> = Default::default();
    for l in links.iter().filter(|l| l.targets.is_empty()) {
        by_node
            .entry(l.from.as_str())
            .or_default()
            .push(rel_type(l.relation));
    }
    if by_node.is_empty() {
        return Ok(());
    }
    let rows: Vec<Value> = by_node
        .into_iter()
        .map(|(from, types)| json!({"from": from, "types": types}))
        .collect();
    tx.run(
        Statement::new(
            "UNWIND $rows AS row MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) \
             CALL (a, row) { MATCH (a)-[old]->() WHERE type(old) IN row.types \
                             CALL (old) { MATCH (oc:Claim {aboutRelation: old.id}) DETACH DELETE oc } \
                             DELETE old } \
             FOREACH (_ IN CASE WHEN 'AT' IN row.types AND a:Event THEN [1] ELSE [] END | REMOVE a.placeId)",
        )
        .param("rows", rows),
    )
    .await
}

/// The statements' rows of link sets: each set by its place in `sets`, each target by its place in
/// its list (to name the input at fault).
pub(super) fn set_rows(sets: &[&LinkSet]) -> Vec<Value> {
    sets.iter()
        .enumerate()
        .map(|(n, s)| {
            json!({
                "from": s.from,
                "set": n,
                "targets": s.targets.iter().enumerate()
                    .map(|(i, (t, e))| json!({"id": t, "excerpt": e, "index": i}))
                    .collect::<Vec<_>>(),
                "ids": s.targets.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            })
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct Bad {
    id: String,
    set: usize,
    index: usize,
    reason: String,
}

async fn apply_relation(
    tx: &mut Tx,
    relation: Relation,
    sets: &[&LinkSet],
    mode: LinkMode,
    indexed: bool,
) -> AppResult<()> {
    let rule = relation.rule();
    let (ty, from_label, to_label) = (rel_type(relation), rule.from.label(), rule.to.label());
    let rows = set_rows(sets);
    let fail = |b: Bad| {
        let field = target_field(sets[b.set], b.index, indexed);
        match b.reason.as_str() {
            "missing" => AppError::not_found(rule.to, b.id, field),
            "kind" => AppError::bad_input(field, format!("{:?} is not a {to_label}", b.id)),
            "collection" => AppError::bad_input(
                field,
                format!("{:?} is in another collection; links stay within one", b.id),
            ),
            _ => AppError::bad_input(field, format!("linking to {:?} would make a cycle", b.id)),
        }
    };
    // References first: each target must exist, be of the right kind, and share the collection.
    // Checks return every bad row and the caller reports the first: with `LIMIT 1` the planner may
    // prefer scanning the id index lazily, row after row, to seeking it (tests/api/import_plans.rs).
    let check = cypher!(
        "UNWIND $rows AS row MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) WHERE a:", from_label, " \
         UNWIND row.targets AS t OPTIONAL MATCH (b:Node {id: t.id}) USING INDEX SEEK b:Node(id) \
         WITH row, t, CASE WHEN b IS NULL THEN 'missing' \
                           WHEN NOT b:", to_label, " THEN 'kind' \
                           WHEN b.collection <> a.collection THEN 'collection' ELSE null END AS reason \
         WHERE reason IS NOT NULL \
         RETURN {id: t.id, set: row.set, index: t.index, reason: reason} AS row"
    );
    // Sets with no targets (most events list no `partOf`) have nothing to check: only the write sees
    // them, to drop what a re-import no longer lists.
    let targeted: Vec<Value> = rows
        .iter()
        .filter(|r| r["ids"].as_array().is_some_and(|ids| !ids.is_empty()))
        .cloned()
        .collect();
    let bad: Vec<Bad> = if targeted.is_empty() {
        Vec::new()
    } else {
        tx.rows(check.param("rows", targeted.clone())).await?
    };
    if let Some(b) = bad.into_iter().next() {
        return Err(fail(b));
    }
    // Replacing drops the targets not listed; adding keeps them, except for a to-one relation, whose
    // new target replaces the old one. A target linked again without an excerpt keeps the one it has.
    let replace = mode == LinkMode::Replace || rule.to_one;
    let write = cypher!(
        "UNWIND $rows AS row MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) WHERE a:",
        from_label,
        " \
         CALL (a, row) { OPTIONAL MATCH (a)-[old:",
        ty,
        "]->(b:",
        to_label,
        ") \
                         WHERE $replace AND NOT b.id IN row.ids \
                         CALL (old) { MATCH (oc:Claim {aboutRelation: old.id}) DETACH DELETE oc } \
                         DELETE old } \
         CALL (a, row) { UNWIND row.targets AS t MATCH (b:Node {id: t.id}) USING INDEX SEEK b:Node(id) WHERE b:",
        to_label,
        " \
                         MERGE (a)-[r:",
        ty,
        "]->(b) \
                         SET r.excerpt = CASE WHEN $replace THEN t.excerpt \
                                              ELSE coalesce(t.excerpt, r.excerpt) END, \
                             r.id = coalesce(r.id, '",
        ty,
        ":' + a.id + '->' + b.id) }",
        if relation == Relation::EventAt {
            PLACE_KEY
        } else {
            ""
        }
    );
    tx.run(write.param("rows", rows).param("replace", replace))
        .await?;
    // Cycles are looked for after the write, so that two sets of one change set that close a loop
    // between them (a within b, b within a) are caught as well as a loop through stored links.
    check_cycles(tx, relation, sets, targeted, indexed).await
}

/// Fails if a link of `rows` (the sets' rows with targets) closes a loop of an acyclic relation.
pub(super) async fn check_cycles(
    tx: &mut Tx,
    relation: Relation,
    sets: &[&LinkSet],
    targeted: Vec<Value>,
    indexed: bool,
) -> AppResult<()> {
    let rule = relation.rule();
    let (ty, from_label, to_label) = (rel_type(relation), rule.from.label(), rule.to.label());
    if rule.acyclic && !targeted.is_empty() {
        let cycle = cypher!(
            "UNWIND $rows AS row MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) WHERE a:",
            from_label,
            " \
             UNWIND row.targets AS t MATCH (b:Node {id: t.id}) USING INDEX SEEK b:Node(id) WHERE b:",
            to_label,
            " AND (a)-[:",
            ty,
            "]->(b) \
             AND EXISTS { MATCH (b)-[:",
            ty,
            "*1..32]->(a) } \
             RETURN {id: t.id, set: row.set, index: t.index, reason: 'cycle'} AS row"
        );
        let bad: Vec<Bad> = tx.rows(cycle.param("rows", targeted)).await?;
        if let Some(b) = bad.into_iter().next() {
            return Err(AppError::bad_input(
                target_field(sets[b.set], b.index, indexed),
                format!("linking to {:?} would make a cycle", b.id),
            ));
        }
    }
    Ok(())
}

/// The input field that named target `i` of a link set.
pub(super) fn target_field(set: &LinkSet, i: usize, indexed: bool) -> String {
    if indexed && !set.relation.is_to_one() {
        format!("{}[{i}]", set.field)
    } else {
        set.field.clone()
    }
}

/// Adds (or, with `remove`, removes) one relationship. Returns whether anything changed: linking what
/// is already linked (with the same excerpt, or none given) and unlinking what is not linked change
/// nothing. Unknown ids at either end are `NOT_FOUND`.
pub async fn link_one(
    tx: &mut Tx,
    relation: Relation,
    from: &NodeId,
    to: &NodeId,
    excerpt: Option<NonEmptyText>,
    remove: bool,
) -> AppResult<bool> {
    let rule = relation.rule();
    let (ty, from_label, to_label) = (rel_type(relation), rule.from.label(), rule.to.label());
    #[derive(serde::Deserialize)]
    struct Ends {
        from: bool,
        to: bool,
        linked: bool,
        excerpt: Option<String>,
    }
    let ends: Vec<Ends> = tx
        .rows(
            cypher!(
                "OPTIONAL MATCH (a:Node {id: $from}) USING INDEX SEEK a:Node(id) \
                   WHERE a:", from_label, " AND ($collections IS NULL OR a.collection IN $collections) \
                 OPTIONAL MATCH (b:Node {id: $to}) USING INDEX SEEK b:Node(id) \
                   WHERE ($collections IS NULL OR b.collection IN $collections) \
                 OPTIONAL MATCH (a)-[r:", ty, "]->(b:", to_label, ") \
                 RETURN {from: a IS NOT NULL, to: b IS NOT NULL, linked: r IS NOT NULL, excerpt: r.excerpt} AS row \
                 LIMIT 1"
            )
            .param("from", from)
            .param("to", to),
        )
        .await?;
    let ends = ends.into_iter().next().unwrap_or(Ends {
        from: false,
        to: false,
        linked: false,
        excerpt: None,
    });
    if !ends.from {
        return Err(AppError::not_found(rule.from, from.as_str(), "from"));
    }
    if !ends.to {
        return Err(AppError::not_found(rule.to, to.as_str(), "to"));
    }
    if remove {
        if !ends.linked {
            return Ok(false);
        }
        tx.run(
            cypher!(
                "MATCH (a:Node {id: $from}) USING INDEX SEEK a:Node(id) WHERE a:",
                from_label,
                " MATCH (b:Node {id: $to}) USING INDEX SEEK b:Node(id) WHERE b:",
                to_label,
                " MATCH (a)-[r:",
                ty,
                "]->(b) \
                 CALL (r) { MATCH (c:Claim {aboutRelation: r.id}) DETACH DELETE c } DELETE r",
                // An event is at one place at most: unlinked, it is at none.
                if relation == Relation::EventAt {
                    " REMOVE a.placeId"
                } else {
                    ""
                }
            )
            .param("from", from)
            .param("to", to),
        )
        .await?;
        // Unlinked from its place, an event lies in no region; unlinked from its parent, a place
        // and everything below it leave the regions above.
        let mut moved = Moved::default();
        match relation {
            Relation::EventAt => moved.add_events([from]),
            Relation::PlaceWithin => moved.add_subtrees([from.as_str().to_owned()]),
            _ => {}
        }
        regions::refresh(tx, moved).await?;
        return Ok(true);
    }
    let same_excerpt = excerpt.as_ref().map(NonEmptyText::as_str) == ends.excerpt.as_deref();
    if ends.linked && (excerpt.is_none() || same_excerpt) {
        return Ok(false);
    }
    let set = LinkSet {
        relation,
        from: from.clone(),
        targets: vec![(to.clone(), excerpt)],
        field: "to".into(),
    };
    let moved = apply_link_sets(tx, &[set], LinkMode::Add).await?;
    regions::refresh(tx, moved).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NodeKind;

    #[test]
    fn every_relation_has_a_type_and_part_of_is_shared_by_events_and_counts() {
        for r in Relation::ALL {
            assert!(!rel_type(*r).is_empty());
        }
        assert_eq!(
            rel_type(Relation::EventPartOf),
            rel_type(Relation::CountPartOf)
        );
        // The labels at either end keep the two apart.
        assert_ne!(
            Relation::EventPartOf.rule().from,
            Relation::CountPartOf.rule().from
        );
    }

    #[test]
    fn the_node_kinds_the_errors_name_are_the_relations_ends() {
        assert_eq!(Relation::SourcePublishedBy.rule().to, NodeKind::Actor);
    }
}
