//! Conflicts: figures about the same thing (the same event, subject, sub-group and unit) on which the
//! sources disagree, or that a claim disputes, with every source and its outlet side by side.
//!
//! Two figures that agree, from two sources, corroborate each other: they are not a conflict.

use serde::Deserialize;
use serde_json::Value;

use super::{decode_claims, projection, run_bounded, scope, Bound, Budget};
use crate::{
    error::{AppError, AppResult},
    store::{
        cypher,
        records::{ActorRecord, ClaimRecord, CountRecord, EventRecord, NodeRecord, SourceRecord},
        Db, Statement,
    },
};

/// Where to look for conflicts.
#[derive(Debug, Clone)]
pub enum ConflictScope {
    /// The figures about one event.
    Event(String),
    /// Everything in the request's collections (through the collection index when they are named).
    Collections,
}

/// One claim behind a figure: the source it cites and the outlet that published the source.
#[derive(Debug, Clone)]
pub struct Backing {
    pub claim: ClaimRecord,
    pub source: SourceRecord,
    pub outlet: Option<ActorRecord>,
}

/// A figure with its backing.
#[derive(Debug, Clone)]
pub struct Figure {
    pub count: CountRecord,
    pub backing: Vec<Backing>,
}

/// Why a group of figures is in conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// Sources give different figures (value, qualifier or bounds).
    DifferentFigures,
    /// A claim behind one of the figures is disputed.
    Disputed,
}

/// Figures about the same thing that do not agree.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub event: EventRecord,
    pub subject: String,
    pub subgroup: Option<String>,
    pub unit: String,
    pub kinds: Vec<ConflictKind>,
    pub figures: Vec<Figure>,
}

fn conflicts_statement(scope_kind: &ConflictScope, named_collections: bool) -> Statement {
    let find = match (scope_kind, named_collections) {
        (ConflictScope::Event(_), _) => concat!(
            "MATCH (e:Node {id: $event}) USING INDEX SEEK e:Node(id) WHERE e:Event AND ",
            scope!("e"),
            " MATCH (e)<-[:COUNT_OF]-(n:Count) WHERE ",
            scope!("n")
        ),
        // The hint keeps the plan on the index when there are few figures and a scan looks cheap.
        (ConflictScope::Collections, true) => {
            "UNWIND $collections AS col \
             MATCH (e:Event {collection: col}) USING INDEX SEEK e:Event(collection) \
             MATCH (e)<-[:COUNT_OF]-(n:Count)"
        }
        // No collection named and no restriction: every figure of the graph, by label.
        (ConflictScope::Collections, false) => concat!(
            "MATCH (n:Count) MATCH (n)-[:COUNT_OF]->(e:Event) WHERE ",
            scope!("e")
        ),
    };
    cypher!(
        find,
        concat!(
            " WITH e, n.subject AS subject, n.subgroup AS subgroup, n.unit AS unit, collect(n) AS counts \
             WHERE size(counts) > 1 \
                OR any(c IN counts WHERE EXISTS { MATCH (c)<-[:ABOUT]-(:Claim {status: 'DISPUTED'}) }) \
             WITH e, subject, subgroup, unit, counts ORDER BY e.dateEarliest, e.id, subject LIMIT $limit \
             RETURN {event: ",
            projection!("e"),
            ", subject: subject, subgroup: subgroup, unit: unit, \
                     figures: [c IN counts | {count: ",
            projection!("c"),
            ", backing: \
                       [(c)<-[:ABOUT]-(cl:Claim)-[:CITES]->(s:Source) | {claim: ",
            projection!("cl"),
            ", source: ",
            projection!("s"),
            ", \
                          outlet: head([(s)-[:PUBLISHED_BY]->(o:Actor) | ",
            projection!("o"),
            "])}]}]} AS row"
        )
    )
}

#[derive(Deserialize)]
struct BackingRow {
    claim: Value,
    source: Value,
    outlet: Option<Value>,
}

#[derive(Deserialize)]
struct FigureRow {
    count: Value,
    backing: Vec<BackingRow>,
}

#[derive(Deserialize)]
struct Row {
    event: Value,
    subject: String,
    subgroup: Option<String>,
    unit: String,
    figures: Vec<FigureRow>,
}

/// The conflicts in scope, at most `budget.max_nodes` of them.
pub async fn conflicts(
    db: &Db,
    scope_kind: &ConflictScope,
    named_collections: bool,
    budget: &mut Budget,
) -> AppResult<Vec<Conflict>> {
    let mut statement = conflicts_statement(scope_kind, named_collections)
        .param("limit", (budget.max_nodes + 1) as i64);
    if let ConflictScope::Event(id) = scope_kind {
        statement = statement.param("event", id);
    }
    let Some(rows) = run_bounded::<Row>(db, statement, budget).await? else {
        return Ok(Vec::new());
    };
    if rows.len() > budget.max_nodes {
        budget.hit(Bound::NodeLimit);
    }
    let mut out = Vec::new();
    for row in rows.into_iter().take(budget.max_nodes) {
        let conflict = decode(row)?;
        if !conflict.kinds.is_empty() {
            out.push(conflict);
        }
    }
    Ok(out)
}

fn decode(row: Row) -> AppResult<Conflict> {
    let NodeRecord::Event(event) = NodeRecord::decode(row.event)? else {
        return Err(AppError::internal(
            "a conflict about something that is not an event",
        ));
    };
    let mut figures = Vec::new();
    for f in row.figures {
        let NodeRecord::Count(count) = NodeRecord::decode(f.count)? else {
            return Err(AppError::internal("a figure that is not a count"));
        };
        let mut backing = Vec::new();
        for b in f.backing {
            let claim = decode_claims(vec![b.claim])?.remove(0);
            let NodeRecord::Source(source) = NodeRecord::decode(b.source)? else {
                return Err(AppError::internal(
                    "a claim citing something that is not a source",
                ));
            };
            let outlet = match b.outlet {
                Some(Value::Null) | None => None,
                Some(o) => match NodeRecord::decode(o)? {
                    NodeRecord::Actor(a) => Some(a),
                    _ => return Err(AppError::internal("an outlet that is not an actor")),
                },
            };
            backing.push(Backing {
                claim,
                source,
                outlet,
            });
        }
        backing.sort_by(|a, b| a.source.title.cmp(&b.source.title));
        figures.push(Figure { count, backing });
    }
    figures.sort_by(|a, b| a.count.id.cmp(&b.count.id));
    let kinds = kinds_of(&figures);
    Ok(Conflict {
        event,
        subject: row.subject,
        subgroup: row.subgroup,
        unit: row.unit,
        kinds,
        figures,
    })
}

/// Why these figures are in conflict, if they are.
fn kinds_of(figures: &[Figure]) -> Vec<ConflictKind> {
    let shape = |c: &CountRecord| (c.value, c.qualifier.clone(), c.lower, c.upper);
    let mut kinds = Vec::new();
    if let Some(first) = figures.first() {
        if figures
            .iter()
            .any(|f| shape(&f.count) != shape(&first.count))
        {
            kinds.push(ConflictKind::DifferentFigures);
        }
    }
    if figures
        .iter()
        .flat_map(|f| &f.backing)
        .any(|b| b.claim.status == "DISPUTED")
    {
        kinds.push(ConflictKind::Disputed);
    }
    kinds
}

/// The statements, for the `EXPLAIN` test (the anchored ones: by event, by named collection).
pub fn statements_for_explain() -> Vec<Statement> {
    vec![
        conflicts_statement(&ConflictScope::Event(String::new()), false),
        conflicts_statement(&ConflictScope::Collections, true),
    ]
}
