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
//!
//! Two writes at once can each miss the other's change: one moves a place while the other links an
//! event below it; the mover does not see the new event and the linker reads the old ancestors. So
//! once a write has committed, [`settle`] compares what it refreshed with what is committed now and
//! rebuilds what differs: whichever of the two commits last sees the other's change. A write that
//! moved places always checks; one that only wrote events checks only if a move committed while it
//! ran, which the moves' counter (`(:RegionClock {key: 'moves'})`, read before the refresh and again
//! after the commit) tells for the price of two id seeks.

use std::collections::{BTreeMap, BTreeSet};

use super::LinkSet;
use crate::{
    domain::{NodeId, Relation},
    error::AppResult,
    store::{records::region_keys, Db, Statement, Tx},
};

/// Keeps the events `a` whose `IN_REGION` relationships are not exactly one to their place and to
/// each place above it, with the event's current keys ([`region_keys`]). A relationship with a
/// wrong key counts as `''`, which no derived id equals.
macro_rules! stale_only {
    () => {
        " WITH a, \
           COLLECT { MATCH (a)-[:AT]->(:Place)-[:WITHIN*0..32]->(r:Place) RETURN DISTINCT r.id } AS derived, \
           COLLECT { MATCH (a)-[x:IN_REGION]->(r) RETURN CASE WHEN r:Place AND r.id = x.regionId \
             AND x.eventId = a.id \
             AND (x.sortDate = a.sortDate OR (x.sortDate IS NULL AND a.sortDate IS NULL)) \
             AND (x.spanClass = a.spanClass OR (x.spanClass IS NULL AND a.spanClass IS NULL)) \
             THEN x.regionId ELSE '' END } AS stored \
         WHERE size(stored) <> size(derived) OR any(s IN stored WHERE NOT s IN derived) \
           OR any(d IN derived WHERE NOT d IN stored)"
    };
}

/// What a write moved: the events whose regions it must rebuild.
#[derive(Debug, Default)]
#[must_use = "the moved events' regions must be refreshed (`regions::refresh`)"]
pub(super) struct Moved {
    /// Events written or re-linked (their date or place may have changed).
    events: BTreeSet<String>,
    /// Places whose parent changed: every event at or below each.
    subtrees: BTreeSet<String>,
    /// Events this transaction created: they have no relationships to compare, so they are built
    /// without the check of [`events_statement`].
    created: BTreeSet<String>,
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
        self.created.extend(other.created);
    }

    /// Marks these events (among those added) as created by this transaction.
    pub(super) fn created<'a>(&mut self, ids: impl IntoIterator<Item = &'a NodeId>) {
        for id in ids {
            if let Some(id) = self.events.take(id.as_str()) {
                self.created.insert(id);
            }
        }
    }
}

/// Rebuilds the region relationships of the given events (`$events`, ids; an index seek each) that
/// are not already right ([`stale_only`]): an event upserted again with its place and date, or below
/// a place set again under its parent, keeps its relationships, so the write takes none of its
/// places' locks and rewrites no index entry.
pub(super) fn events_statement() -> Statement {
    Statement::new(concat!(
        "UNWIND $events AS id MATCH (a:Node {id: id}) USING INDEX SEEK a:Node(id) WHERE a:Event",
        stale_only!(),
        region_keys!("a")
    ))
}

/// Builds the region relationships of events created by this transaction (`$events`): the
/// statement of [`events_statement`] without its check, which they would all pass.
fn created_statement() -> Statement {
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
        stale_only!(),
        region_keys!("a")
    ))
}

/// Rebuilds the region relationships of everything `moved` names, after every write of the
/// transaction that moved them: a statement per kind (created events, other events, places moved)
/// and one for the moves' counter, none when nothing moved.
pub(super) async fn refresh(tx: &mut Tx, moved: Moved) -> AppResult<()> {
    if moved.events.is_empty() && moved.created.is_empty() && moved.subtrees.is_empty() {
        return Ok(());
    }
    if !moved.subtrees.is_empty() {
        tx.run(Statement::new(
            "MERGE (c:RegionClock {key: 'moves'}) ON CREATE SET c.n = 1 ON MATCH SET c.n = c.n + 1",
        ))
        .await?;
        tx.regions.moved = true;
    } else if tx.regions.clock.is_none() {
        // Before this refresh reads any place's parents: a move committed after this read shows in
        // the counter read after the commit.
        tx.regions.clock = Some(clock(tx).await?);
    }
    tx.regions.events.extend(moved.events.iter().cloned());
    tx.regions.events.extend(moved.created.iter().cloned());
    tx.regions.places.extend(moved.subtrees.iter().cloned());
    let created: Vec<String> = moved.created.into_iter().collect();
    if !created.is_empty() {
        tx.run(created_statement().param("events", &created))
            .await?;
    }
    let mut events: Vec<String> = moved.events.into_iter().collect();
    if !events.is_empty() {
        tx.run(events_statement().param("events", &events)).await?;
    }
    events.extend(created);
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

/// What a transaction's refreshes covered: the events it wrote, and the places it moved (with every
/// event below them); what [`settle`] checks once it has committed.
#[derive(Debug, Default)]
pub struct RegionScope {
    events: BTreeSet<String>,
    places: BTreeSet<String>,
    /// Whether the transaction moved places (then it always checks).
    moved: bool,
    /// The moves' counter before the transaction's first refresh.
    clock: Option<i64>,
}

fn clock_statement() -> Statement {
    Statement::new("OPTIONAL MATCH (c:RegionClock {key: 'moves'}) RETURN coalesce(c.n, 0) AS row")
}

/// The moves' counter as this transaction sees it.
async fn clock(tx: &mut Tx) -> AppResult<i64> {
    Ok(tx
        .rows(clock_statement())
        .await?
        .first()
        .copied()
        .unwrap_or(0))
}

/// How many times [`settle`] rebuilds what it finds stale before it leaves the rest to the log.
const SETTLE_ROUNDS: usize = 3;

/// After a committed write: the events of `scope` (and those below its places) whose stored
/// relationships differ from what the committed graph derives, rebuilt in a transaction of their
/// own. A rebuild may itself have raced with another move, so it is checked again, a few rounds at
/// most. The write has committed whatever happens here: a failure is logged, not returned (the
/// next write of those events, or the `Event.IN_REGION` check of `tests/api/region_check.rs`,
/// finds what is left).
pub(crate) async fn settle(db: &Db, scope: RegionScope) {
    if scope.events.is_empty() && scope.places.is_empty() {
        return;
    }
    if !scope.moved {
        // No move committed since the refresh read the hierarchy: what it read is still true.
        match db.rows::<i64>(clock_statement()).await {
            Ok(now) if now.first().copied().unwrap_or(0) == scope.clock.unwrap_or(0) => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(error.detail = %e.detail(), "could not read the moves' counter after a write");
                return;
            }
        }
    }
    let mut events: Vec<String> = scope.events.into_iter().collect();
    let mut places: Vec<String> = scope.places.into_iter().collect();
    for round in 1..=SETTLE_ROUNDS {
        let stale: Vec<String> = match db
            .rows(
                stale_statement()
                    .param("events", &events)
                    .param("places", &places),
            )
            .await
        {
            Ok(stale) => stale,
            Err(e) => {
                tracing::warn!(error.detail = %e.detail(), "could not check the region relationships after a write");
                return;
            }
        };
        if stale.is_empty() {
            return;
        }
        tracing::info!(
            events = stale.len(),
            round,
            "a concurrent write left region relationships stale; rebuilding them"
        );
        let rebuilt = db
            .write_once(&|tx: &mut Tx| {
                let stale = stale.clone();
                Box::pin(async move { tx.run(events_statement().param("events", stale)).await })
            })
            .await;
        if let Err(e) = rebuilt {
            tracing::warn!(error.detail = %e.detail(), "could not rebuild stale region relationships");
        }
        events = stale;
        places = Vec::new();
    }
    tracing::warn!(
        events = events.len(),
        "region relationships may still be stale after {SETTLE_ROUNDS} rounds"
    );
}

/// The events among `$events` and below `$places` whose relationships are stale ([`stale_only`]).
fn stale_statement() -> Statement {
    Statement::new(concat!(
        "CALL () { \
           UNWIND $events AS id MATCH (a:Node {id: id}) USING INDEX SEEK a:Node(id) WHERE a:Event \
           RETURN a \
           UNION \
           UNWIND $places AS id MATCH (p:Node {id: id}) USING INDEX SEEK p:Node(id) WHERE p:Place \
           MATCH (p)<-[:WITHIN*0..32]-(:Place)<-[:AT]-(a:Event) RETURN a }",
        stale_only!(),
        " RETURN a.id AS row"
    ))
}

/// The statements with typical parameters, for the `EXPLAIN` test: each starts from the id seeks
/// of the events or places it is given, never from a label.
pub fn statements_for_explain() -> Vec<Statement> {
    vec![
        clock_statement(),
        created_statement().param("events", ["e"]),
        stale_statement()
            .param("events", ["e"])
            .param("places", ["p"]),
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
