//! The bulk write ([`apply_bulk`]): a streamed import's batch, where nearly every node is new.
//!
//! [`super::apply`] is made for a mutation: it cannot know what is stored, so every node is a `MERGE`,
//! every relationship first looks for the old one to drop, and each check is its own statement. A
//! batch of thousands of records paid that for every row. Here one statement asks which of the batch's
//! ids (its own and every one it names) are stored, one index seek each; every check is answered from
//! that answer; and the nodes that are not stored are written with plain `CREATE`, their
//! relationships with them, their sort keys in the same statement. Stored nodes (a re-import with
//! `--restart`, a record that updates a stored one) take the upsert path as before: the outcome is the
//! same graph either way (tests/api/import.rs compares it with GraphQL's and the whole-document
//! import's).
//!
//! Every create statement returns how many rows it wrote: a row whose node or target vanished (a
//! concurrent delete between the lookup and the write) would otherwise be dropped silently, so a
//! shortfall aborts the transaction instead.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::{
    guards,
    links::{self, rel_type, LinkMode},
    nodes::{self, *},
    ChangeSet, LinkSet, Summary,
};
use crate::{
    domain::{NodeKind, Relation},
    error::{AppError, AppResult},
    store::{
        cypher,
        records::{PARTICIPATION_KEYS, SORT_KEYS},
        Statement, Tx,
    },
};

/// Applies a change set inside the caller's transaction, as [`super::apply`] does, in the fewest
/// statements: see the module's documentation.
pub async fn apply_bulk(tx: &mut Tx, cs: &ChangeSet) -> AppResult<Summary> {
    guards::check_scope(tx, cs)?;
    let own = guards::identities(cs);
    guards::check_unique(&own)?;
    let refs = guards::references(cs);
    let mut ids: Vec<&str> = own.iter().map(|r| r.id.as_str()).collect();
    ids.extend(refs.iter().map(|r| r.id.as_str()));
    for l in &cs.links {
        ids.extend(l.targets.iter().map(|(t, _)| t.as_str()));
    }
    let stored = guards::lookup(tx, ids).await?;
    guards::check_clashes(&own, &stored)?;
    guards::check_found(&refs, &stored)?;
    let kinds: HashMap<&str, (NodeKind, &str)> = own
        .iter()
        .map(|r| (r.id.as_str(), (r.kind, r.collection.as_str())))
        .collect();

    let (new, old) = split(cs, &stored);
    create_all(tx, &new).await?;
    nodes::upsert_all(tx, &old).await?;

    let (new_links, old_links): (Vec<&LinkSet>, Vec<&LinkSet>) = cs
        .links
        .iter()
        .partition(|l| !stored.contains_key(l.from.as_str()));
    let new_links: Vec<LinkSet> = new_links.into_iter().cloned().collect();
    links::check_shapes(&new_links, true)?;
    check_targets(&new_links, &kinds, &stored)?;
    create_links(tx, &new_links).await?;
    let old_links: Vec<LinkSet> = old_links.into_iter().cloned().collect();
    // The new places' `WITHIN` links move no stored event: what lies below a new place is linked
    // by this change set, as a new or written event, or below a stored place whose set gives it
    // another parent (which `apply_link_sets` reports).
    let mut moved = super::regions::Moved::events_of(cs);
    moved.created(new.events.iter().map(|e| &e.ident.id));
    moved.extend(links::apply_link_sets(tx, &old_links, LinkMode::Replace).await?);
    super::apply_relation_evidence(tx, &cs.relation_evidence).await?;
    super::regions::refresh(tx, moved).await?;
    Ok(super::summary(cs))
}

/// The change set's nodes that are not stored (`new`) and those that are (`old`); links and evidence
/// are the caller's.
fn split(cs: &ChangeSet, stored: &guards::Stored) -> (ChangeSet, ChangeSet) {
    let (mut new, mut old) = (ChangeSet::default(), ChangeSet::default());
    macro_rules! part {
        ($list:ident, $id:expr) => {
            for x in &cs.$list {
                let id: String = $id(x);
                if stored.contains_key(&id) {
                    old.$list.push(x.clone());
                } else {
                    new.$list.push(x.clone());
                }
            }
        };
    }
    part!(collections, |c: &super::CollectionWrite| c.id.to_string());
    part!(
        terms,
        |t: &super::TermWrite| crate::store::records::term_id(
            t.collection.as_str(),
            t.vocabulary,
            t.key.as_str()
        )
    );
    part!(actors, |x: &super::ActorWrite| x.ident.id.to_string());
    part!(places, |x: &super::PlaceWrite| x.ident.id.to_string());
    part!(sources, |x: &super::SourceWrite| x.ident.id.to_string());
    part!(events, |x: &super::EventWrite| x.ident.id.to_string());
    part!(participations, |x: &super::ParticipationWrite| x
        .ident
        .id
        .to_string());
    part!(counts, |x: &super::CountWrite| x.ident.id.to_string());
    part!(claims, |x: &super::ClaimWrite| x.ident.id.to_string());
    (new, old)
}

/// A statement's second lookup by id sits in a `CALL` after the first: two independent
/// `(x:Node {id: …})` patterns were planned as a cartesian product that scans an index on the test
/// database's statistics (tests/api/import_plans.rs).
///
/// Creates nodes known not to be stored, each kind in one statement that also draws the node's own
/// relationships (a participation's event and actor, a count's event, a claim's fact and source) and
/// sets its sort keys. Kinds in dependency order: a claim's fact is created before the claim.
async fn create_all(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let kinds: [(Vec<Value>, Statement); 9] = [
        (
            collection_rows(cs),
            cypher!(
                "UNWIND $rows AS row CREATE (n:Node:Collection {id: row.id, createdAt: datetime()}) SET ",
                COLLECTION_SET,
                " SET ",
                SORT_KEYS,
                " RETURN count(*) AS row"
            ),
        ),
        (
            term_rows(cs),
            cypher!(
                "UNWIND $rows AS row CREATE (n:Node:Term {id: row.id, createdAt: datetime()}) SET ",
                TERM_SET,
                " SET ",
                SORT_KEYS,
                " RETURN count(*) AS row"
            ),
        ),
        (
            actor_rows(cs),
            cypher!(
                "UNWIND $rows AS row CREATE (n:Node:Actor {id: row.id, createdAt: datetime()}) SET ",
                ACTOR_SET,
                " SET ",
                SORT_KEYS,
                " RETURN count(*) AS row"
            ),
        ),
        (
            place_rows(cs),
            cypher!(
                "UNWIND $rows AS row CREATE (n:Node:Place {id: row.id, createdAt: datetime()}) SET ",
                PLACE_SET,
                " SET ",
                SORT_KEYS,
                " RETURN count(*) AS row"
            ),
        ),
        (
            source_rows(cs),
            cypher!(
                "UNWIND $rows AS row CREATE (n:Node:Source {id: row.id, createdAt: datetime()}) SET ",
                SOURCE_SET,
                " SET ",
                SORT_KEYS,
                " RETURN count(*) AS row"
            ),
        ),
        (
            event_rows(cs),
            cypher!(
                "UNWIND $rows AS row CREATE (n:Node:Event {id: row.id, createdAt: datetime()}) SET ",
                EVENT_SET,
                " SET ",
                SORT_KEYS,
                " RETURN count(*) AS row"
            ),
        ),
        (
            participation_rows(cs),
            cypher!(
                "UNWIND $rows AS row MATCH (e:Node {id: row.event}) USING INDEX SEEK e:Node(id) WHERE e:Event \
                 CALL (e, row) { MATCH (a:Node {id: row.actor}) USING INDEX SEEK a:Node(id) WHERE a:Actor \
                 CREATE (n:Node:Participation {id: row.id, createdAt: datetime()}) SET ",
                PARTICIPATION_SET,
                " SET ",
                SORT_KEYS,
                // The copies of the event's key are read once the relationship locks the event: a
                // concurrent new date of it is then committed and seen, or waits and passes itself on.
                " CREATE (n)-[:IN_EVENT]->(e), (a)-[:PARTICIPATES_AS]->(n) SET ",
                PARTICIPATION_KEYS,
                " RETURN 1 AS done } \
                 RETURN count(*) AS row"
            ),
        ),
        (
            count_rows(cs),
            cypher!(
                "UNWIND $rows AS row MATCH (e:Node {id: row.event}) USING INDEX SEEK e:Node(id) WHERE e:Event \
                 CREATE (n:Node:Count {id: row.id, createdAt: datetime()}) SET ",
                COUNT_SET,
                " SET ",
                SORT_KEYS,
                " CREATE (n)-[:COUNT_OF]->(e) RETURN count(*) AS row"
            ),
        ),
        (
            claim_rows(cs),
            cypher!(
                "UNWIND $rows AS row \
                 MATCH (x:Node {id: row.about}) USING INDEX SEEK x:Node(id) WHERE x:Event OR x:Participation OR x:Count \
                 CALL (x, row) { MATCH (s:Node {id: row.source}) USING INDEX SEEK s:Node(id) WHERE s:Source \
                 CREATE (n:Node:Claim {id: row.id, createdAt: datetime()}) SET ",
                CLAIM_SET,
                " SET ",
                SORT_KEYS,
                " CREATE (n)-[:ABOUT]->(x), (n)-[:CITES]->(s) RETURN 1 AS done } \
                 RETURN count(*) AS row"
            ),
        ),
    ];
    for (rows, statement) in kinds {
        if !rows.is_empty() {
            let sent = rows.len();
            let written: Vec<usize> = tx.rows(statement.param("rows", rows)).await?;
            expect_written(sent, &written)?;
        }
    }
    Ok(())
}

/// A create statement wrote one row per row sent, or the transaction is given up.
fn expect_written(sent: usize, written: &[usize]) -> AppResult<()> {
    let written = written.first().copied().unwrap_or_default();
    if written == sent {
        Ok(())
    } else {
        Err(AppError::internal(format!(
            "a bulk write wrote {written} of {sent} rows: a node it needs was deleted meanwhile"
        )))
    }
}

/// Each target of the new nodes' link sets names a node of the relation's kind in the set's node's
/// collection: written by this change set or stored. The first one that does not is the error, named
/// as [`super::apply`] names it.
fn check_targets(
    sets: &[LinkSet],
    own: &HashMap<&str, (NodeKind, &str)>,
    stored: &guards::Stored,
) -> AppResult<()> {
    for set in sets {
        let rule = set.relation.rule();
        let collection = own.get(set.from.as_str()).map(|(_, c)| *c);
        for (i, (target, _)) in set.targets.iter().enumerate() {
            let field = || links::target_field(set, i, true);
            let (is_kind, theirs) = match (own.get(target.as_str()), stored.get(target.as_str())) {
                (Some((kind, c)), _) => (*kind == rule.to, Some(*c)),
                (None, Some(x)) => (x.is(rule.to.label()), x.collection()),
                (None, None) => {
                    return Err(AppError::not_found(rule.to, target.as_str(), field()));
                }
            };
            if !is_kind {
                return Err(AppError::bad_input(
                    field(),
                    format!("{:?} is not a {}", target.as_str(), rule.to.label()),
                ));
            }
            if theirs != collection {
                return Err(AppError::bad_input(
                    field(),
                    format!(
                        "{:?} is in another collection; links stay within one",
                        target.as_str()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Draws the link sets of new nodes: nothing to replace, so one `CREATE` per target (a target listed
/// twice is drawn once, with its last excerpt, as the upsert's `MERGE` would). Acyclic relations are
/// then checked for loops, as [`super::apply`] does.
async fn create_links(tx: &mut Tx, sets: &[LinkSet]) -> AppResult<()> {
    for relation in Relation::ALL.iter().copied() {
        let these: Vec<&LinkSet> = sets
            .iter()
            .filter(|l| l.relation == relation && !l.targets.is_empty())
            .collect();
        if these.is_empty() {
            continue;
        }
        let rule = relation.rule();
        let (ty, from_label, to_label) = (rel_type(relation), rule.from.label(), rule.to.label());
        let mut rows: Vec<Value> = Vec::new();
        for s in &these {
            // Each target once, at its last place in the list (its excerpt is the one kept).
            let last: HashMap<&str, usize> = s
                .targets
                .iter()
                .enumerate()
                .map(|(i, (t, _))| (t.as_str(), i))
                .collect();
            for (i, (t, e)) in s.targets.iter().enumerate() {
                if last[t.as_str()] == i {
                    rows.push(json!({"from": s.from, "to": t, "excerpt": e,
                        "id": super::relation_id(relation, s.from.as_str(), t.as_str())}));
                }
            }
        }
        let sent = rows.len();
        let statement = cypher!(
            "UNWIND $rows AS row MATCH (a:Node {id: row.from}) USING INDEX SEEK a:Node(id) WHERE a:",
            from_label,
            " CALL (a, row) { MATCH (b:Node {id: row.to}) USING INDEX SEEK b:Node(id) WHERE b:",
            to_label,
            " CREATE (a)-[r:",
            ty,
            " {id: row.id}]->(b) SET r.excerpt = row.excerpt",
            // An event keeps its place's id for the place's index of events (`links::PLACE_KEY`).
            if relation == Relation::EventAt {
                " SET a.placeId = b.id"
            } else {
                ""
            },
            " RETURN 1 AS done } \
             RETURN count(*) AS row"
        );
        let written: Vec<usize> = tx.rows(statement.param("rows", rows)).await?;
        expect_written(sent, &written)?;
        let targeted = links::set_rows(&these);
        links::check_cycles(tx, relation, &these, targeted, true).await?;
    }
    Ok(())
}
