//! Timelines (the events of an actor, a place with everything within it, or a collection, in time
//! order) and co-occurrence (the actors that share events with an actor).
//!
//! Fuzzy dates are ordered by their bounds: earliest possible day first, then latest possible day,
//! so a day sorts before the month that contains it, and the month before a later day of it. An
//! event whose start is unknown ("in recent months": `../2025-01`) cannot be placed after anything,
//! so it comes first, marked open; an event with an open end comes after everything that starts on
//! the same day.

use serde::Deserialize;
use serde_json::Value;

use super::{projection, run_bounded, scope, Bound, Budget};
use crate::{
    error::{AppError, AppResult},
    store::{
        cypher,
        records::{ActorRecord, EventRecord, NodeRecord},
        Db, Statement,
    },
};

/// Whose or what's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimelineAnchor {
    Actor,
    Place,
    Collection,
}

/// One event of a timeline, with the roles the anchor actor played in it (actor timelines only).
#[derive(Debug, Clone)]
pub struct TimelineRow {
    pub event: EventRecord,
    pub roles: Vec<String>,
}

fn timeline_statement(anchor: TimelineAnchor) -> Statement {
    let find = match anchor {
        TimelineAnchor::Actor => concat!(
            "MATCH (a:Node {id: $id}) USING INDEX SEEK a:Node(id) WHERE a:Actor AND ",
            scope!("a"),
            " MATCH (a)-[:PARTICIPATES_AS]->(pa:Participation)-[:IN_EVENT]->(n:Event) WHERE ",
            scope!("n"),
            " WITH n, collect(DISTINCT pa.role) AS roles"
        ),
        // The region's events are the place's `IN_REGION` relationships (`records::region_keys`):
        // each event once, with no walk down the hierarchy.
        TimelineAnchor::Place => concat!(
            "MATCH (a:Node {id: $id}) USING INDEX SEEK a:Node(id) WHERE a:Place AND ",
            scope!("a"),
            " MATCH (a)<-[:IN_REGION]-(n:Event) WHERE ",
            scope!("n"),
            " WITH n, [] AS roles"
        ),
        TimelineAnchor::Collection => concat!(
            "MATCH (n:Event {collection: $id}) USING INDEX SEEK n:Event(collection) WHERE ",
            scope!("n"),
            " WITH n, [] AS roles"
        ),
    };
    cypher!(
        find,
        " WITH n, roles ORDER BY n.dateEarliest IS NOT NULL, n.dateEarliest, \
         n.dateLatest IS NULL, n.dateLatest, n.title, n.id LIMIT $limit \
         RETURN {event: ",
        projection!("n"),
        ", roles: roles} AS row"
    )
}

#[derive(Deserialize)]
struct Row {
    event: Value,
    roles: Vec<String>,
}

/// The events in time order, at most `budget.max_nodes` of them.
pub async fn timeline(
    db: &Db,
    anchor: TimelineAnchor,
    id: &str,
    budget: &mut Budget,
) -> AppResult<Vec<TimelineRow>> {
    let statement = timeline_statement(anchor)
        .param("id", id)
        .param("limit", (budget.max_nodes + 1) as i64);
    let Some(rows) = run_bounded::<Row>(db, statement, budget).await? else {
        return Ok(Vec::new());
    };
    if rows.len() > budget.max_nodes {
        budget.hit(Bound::NodeLimit);
    }
    rows.into_iter()
        .take(budget.max_nodes)
        .map(|r| match NodeRecord::decode(r.event)? {
            NodeRecord::Event(event) => Ok(TimelineRow {
                event,
                roles: r.roles,
            }),
            _ => Err(AppError::internal("a timeline row that is not an event")),
        })
        .collect()
}

/// An actor that shares events with the anchor actor.
#[derive(Debug, Clone)]
pub struct CoActor {
    pub actor: ActorRecord,
    pub events: Vec<EventRecord>,
}

const CO_OCCURRENCE: &str = concat!(
    "MATCH (a:Node {id: $id}) USING INDEX SEEK a:Node(id) WHERE a:Actor AND ",
    scope!("a"),
    " CALL (a) { \
       MATCH (a)-[:PARTICIPATES_AS]->(:Participation)-[:IN_EVENT]->(e:Event) WHERE ",
    scope!("e"),
    " RETURN DISTINCT e LIMIT $eventLimit \
     } \
     WITH a, collect(e) AS mine \
     UNWIND mine AS e \
     MATCH (e)<-[:IN_EVENT]-(:Participation)<-[:PARTICIPATES_AS]-(n:Actor) WHERE n <> a AND ",
    scope!("n"),
    " WITH n, size(mine) AS scanned, collect(DISTINCT e) AS shared \
     ORDER BY size(shared) DESC, n.name, n.id LIMIT $limit \
     RETURN {actor: ",
    projection!("n"),
    ", scanned: scanned, events: [e IN shared | ",
    projection!("e"),
    "]} AS row"
);

#[derive(Deserialize)]
struct CoRow {
    actor: Value,
    scanned: usize,
    events: Vec<Value>,
}

/// The actors sharing events with `actor`, most shared events first. The anchor's events are read up
/// to the node limit; beyond it the answer is marked truncated.
pub async fn co_occurrence(db: &Db, actor: &str, budget: &mut Budget) -> AppResult<Vec<CoActor>> {
    let statement = Statement::new(CO_OCCURRENCE)
        .param("id", actor)
        .param("eventLimit", budget.max_nodes as i64)
        .param("limit", (budget.max_nodes + 1) as i64);
    let Some(rows) = run_bounded::<CoRow>(db, statement, budget).await? else {
        return Ok(Vec::new());
    };
    if rows.len() > budget.max_nodes || rows.iter().any(|r| r.scanned >= budget.max_nodes) {
        budget.hit(Bound::NodeLimit);
    }
    rows.into_iter()
        .take(budget.max_nodes)
        .map(|r| {
            let NodeRecord::Actor(actor) = NodeRecord::decode(r.actor)? else {
                return Err(AppError::internal("a co-actor that is not an actor"));
            };
            let events = r
                .events
                .into_iter()
                .map(|e| match NodeRecord::decode(e)? {
                    NodeRecord::Event(e) => Ok(e),
                    _ => Err(AppError::internal("a shared event that is not an event")),
                })
                .collect::<AppResult<_>>()?;
            Ok(CoActor { actor, events })
        })
        .collect()
}

/// The statements, for the `EXPLAIN` test.
pub fn statements_for_explain() -> Vec<Statement> {
    vec![
        timeline_statement(TimelineAnchor::Actor),
        timeline_statement(TimelineAnchor::Place),
        timeline_statement(TimelineAnchor::Collection),
        Statement::new(CO_OCCURRENCE),
    ]
}
