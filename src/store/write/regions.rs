//! Keeping the events' region relationships exact (`records::region_keys!`): every writer gathers
//! what it moved into a [`Moved`] and ends with [`refresh`], in its own transaction, once all its
//! nodes and links are written.
//!
//! What moves an event's regions: its own date (its `spanClass` and `sortDate` are copied on every
//! relationship), its `AT` link, and the `WITHIN` link of its place or of any place above it. So a
//! writer refreshes the events it wrote or re-linked, and every event at or below each place whose
//! parent it actually changed. A parent set again to the parent a place already has changes
//! nothing and refreshes nothing: an idempotent re-import of 10^4 places must not rewrite every
//! event's relationships.
//!
//! Refreshing rebuilds an event's relationships whole ([`region_keys`]): the writers need not know
//! which of them were right, and what one statement rebuilds from the stored graph is exact however
//! many writes of the change set led to it.

use std::collections::{BTreeMap, BTreeSet};

use super::LinkSet;
use crate::{
    domain::{NodeId, Relation},
    error::AppResult,
    store::{records::region_keys, Statement, Tx},
};

/// What a write moved: the events whose regions it must rebuild.
#[derive(Debug, Default)]
#[must_use = "the moved events' regions must be refreshed (`regions::refresh`)"]
pub(super) struct Moved {
    /// Events written or re-linked (their date or place may have changed).
    events: BTreeSet<String>,
    /// Places whose parent changed: every event at or below each.
    subtrees: BTreeSet<String>,
}

impl Moved {
    /// Events written or re-linked: the events of `cs` (a new date moves them) and the `from` of
    /// its `AT` link sets (a link set may come without its event: a put-off link of an import).
    pub(super) fn events_of(cs: &super::ChangeSet) -> Moved {
        let mut moved = Moved::default();
        moved.add_events(cs.events.iter().map(|e| &e.ident.id));
        moved.add_events(
            cs.links
                .iter()
                .filter(|l| l.relation == Relation::EventAt)
                .map(|l| &l.from),
        );
        moved
    }

    pub(super) fn add_events<'a>(&mut self, ids: impl IntoIterator<Item = &'a NodeId>) {
        self.events
            .extend(ids.into_iter().map(|id| id.as_str().to_owned()));
    }

    pub(super) fn add_event_ids(&mut self, ids: impl IntoIterator<Item = String>) {
        self.events.extend(ids);
    }

    /// Every event at or below each of these places.
    pub(super) fn add_subtrees(&mut self, ids: impl IntoIterator<Item = String>) {
        self.subtrees.extend(ids);
    }

    pub(super) fn extend(&mut self, other: Moved) {
        self.events.extend(other.events);
        self.subtrees.extend(other.subtrees);
    }
}

/// Rebuilds the region relationships of the given events (`$events`, ids): an index seek each.
pub(super) fn events_statement() -> Statement {
    Statement::new(concat!(
        "UNWIND $events AS id MATCH (a:Node {id: id}) USING INDEX SEEK a:Node(id) WHERE a:Event",
        region_keys!("a")
    ))
}

/// Rebuilds the region relationships of every event at or below the given places (`$places`),
/// walking down from each place's id seek; events in `$events` were rebuilt by
/// [`events_statement`] already. Nested places may reach one event twice: it is rebuilt once.
pub(super) fn subtrees_statement() -> Statement {
    Statement::new(concat!(
        "UNWIND $places AS id MATCH (p:Node {id: id}) USING INDEX SEEK p:Node(id) WHERE p:Place \
         MATCH (p)<-[:WITHIN*0..32]-(:Place)<-[:AT]-(a:Event) WHERE NOT a.id IN $events \
         WITH DISTINCT a",
        region_keys!("a")
    ))
}

/// Rebuilds the region relationships of everything `moved` names, after every write of the
/// transaction that moved them: up to two statements, none when nothing moved.
pub(super) async fn refresh(tx: &mut Tx, moved: Moved) -> AppResult<()> {
    let events: Vec<String> = moved.events.into_iter().collect();
    if !events.is_empty() {
        tx.run(events_statement().param("events", &events)).await?;
    }
    if !moved.subtrees.is_empty() {
        let places: Vec<String> = moved.subtrees.into_iter().collect();
        tx.run(
            subtrees_statement()
                .param("places", places)
                .param("events", events),
        )
        .await?;
    }
    Ok(())
}

/// The statements with typical parameters, for the `EXPLAIN` test: each starts from the id seeks
/// of the events or places it is given, never from a label.
pub fn statements_for_explain() -> Vec<Statement> {
    vec![
        events_statement().param("events", ["e"]),
        subtrees_statement()
            .param("places", ["p"])
            .param("events", ["e"]),
        parents_statement().param("ids", ["p"]),
    ]
}

/// The stored parents of the places `$ids`.
fn parents_statement() -> Statement {
    Statement::new(
        "UNWIND $ids AS id MATCH (p:Node {id: id}) USING INDEX SEEK p:Node(id) WHERE p:Place \
         RETURN {id: p.id, parents: COLLECT { MATCH (p)-[:WITHIN]->(q:Place) RETURN q.id }} AS row",
    )
}

/// The places among `links`' `WITHIN` sets whose parent the sets change: read before they are
/// written, compared with what they set (a place has one parent at most, so a set's target, or none
/// for an empty set, is its parent afterwards whatever the mode). A set naming the parent the place
/// has moves nothing below it.
pub(super) async fn reparented(tx: &mut Tx, links: &[LinkSet]) -> AppResult<Vec<String>> {
    let within: Vec<&LinkSet> = links
        .iter()
        .filter(|l| l.relation == Relation::PlaceWithin)
        .collect();
    if within.is_empty() {
        return Ok(Vec::new());
    }
    let ids: BTreeSet<&str> = within.iter().map(|l| l.from.as_str()).collect();
    #[derive(serde::Deserialize)]
    struct Parents {
        id: String,
        parents: Vec<String>,
    }
    let stored: Vec<Parents> = tx.rows(parents_statement().param("ids", ids)).await?;
    let before: BTreeMap<String, Vec<String>> =
        stored.into_iter().map(|p| (p.id, p.parents)).collect();
    let mut changed = BTreeSet::new();
    for set in within {
        let after: Vec<String> = set
            .targets
            .iter()
            .map(|(t, _)| t.as_str().to_owned())
            .collect();
        // A place not stored yet has no parent, and nothing below it but what this write links.
        let had = before.get(set.from.as_str()).cloned().unwrap_or_default();
        if had != after {
            changed.insert(set.from.as_str().to_owned());
        }
    }
    Ok(changed.into_iter().collect())
}
