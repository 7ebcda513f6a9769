//! Statistics over the events in scope: by type, by month, by place, and the figures of people
//! affected by event type. Each is one statement, run only when its field is asked for.
//!
//! Events are read through the `Event(collection)` index when the request names its collections;
//! without that, every event of the graph is counted (a label scan, bounded by the time limit).

use serde::Deserialize;
use serde_json::Value;

use super::{projection, run_bounded, scope, Bound, Budget};
use crate::{
    error::{AppError, AppResult},
    store::{
        cypher,
        records::{CountRecord, NodeRecord, PlaceRecord},
        Db, Statement,
    },
};

fn events(named_collections: bool) -> &'static str {
    if named_collections {
        // The hint keeps the plan on the index even when a scan looks as cheap (small graphs).
        "UNWIND $collections AS col MATCH (n:Event {collection: col}) USING INDEX SEEK n:Event(collection)"
    } else {
        concat!("MATCH (n:Event) WHERE ", scope!("n"))
    }
}

/// How many events of each type.
#[derive(Debug, Clone, Deserialize)]
pub struct TypeCount {
    #[serde(rename = "type")]
    pub event_type: String,
    pub events: i64,
}

fn by_type_statement(named: bool) -> Statement {
    cypher!(
        events(named),
        " WITH n.type AS type, count(*) AS events ORDER BY events DESC, type LIMIT $limit \
         RETURN {type: type, events: events} AS row"
    )
}

/// Events per type, most frequent first.
pub async fn by_type(db: &Db, named: bool, budget: &mut Budget) -> AppResult<Vec<TypeCount>> {
    limited(db, by_type_statement(named), budget).await
}

/// The events of one month.
#[derive(Debug, Clone, Deserialize)]
pub struct MonthCount {
    /// `YYYY-MM`; null for the events that no month can hold (open or vaguer than 20 years).
    pub month: Option<String>,
    /// Events whose whole date lies within the month.
    pub within: i64,
    /// Events whose date overlaps the month (including those within it).
    pub overlapping: i64,
}

/// Longest span, in months, spread over months; vaguer dates are counted apart, not smeared out.
const MAX_SPAN_MONTHS: usize = 240;

fn by_month_statement(named: bool) -> Statement {
    cypher!(
        events(named),
        " WITH n, n.dateEarliest AS lo, n.dateLatest AS hi \
         WITH n, lo, CASE WHEN lo IS NULL OR hi IS NULL THEN null \
                          ELSE (hi.year - lo.year) * 12 + hi.month - lo.month END AS span \
         WITH n, lo, span, CASE WHEN span IS NULL OR span > ",
        MAX_SPAN_MONTHS,
        " THEN [null] \
                               ELSE range(0, span) END AS steps \
         UNWIND steps AS step \
         WITH CASE WHEN step IS NULL THEN null \
                   ELSE toString(date.truncate('month', lo) + duration({months: step})) END AS day, \
              span = 0 AS inside \
         WITH CASE WHEN day IS NULL THEN null ELSE left(day, 7) END AS month, inside \
         WITH month, sum(CASE WHEN inside THEN 1 ELSE 0 END) AS within, count(*) AS overlapping \
         ORDER BY month LIMIT $limit \
         RETURN {month: month, within: within, overlapping: overlapping} AS row"
    )
}

/// Events per month (null month last: open or very vague dates).
pub async fn by_month(db: &Db, named: bool, budget: &mut Budget) -> AppResult<Vec<MonthCount>> {
    limited(db, by_month_statement(named), budget).await
}

/// The events at a place.
#[derive(Debug, Clone)]
pub struct PlaceCount {
    /// Null for events with no place.
    pub place: Option<PlaceRecord>,
    /// Events at the place itself.
    pub here: i64,
    /// Events at the place or anywhere within it.
    pub including_within: i64,
}

/// The places holding each event are read by expanding from its place (a pattern comprehension), so
/// that the planner cannot turn them into a join against every place.
fn by_place_statement(named: bool) -> Statement {
    cypher!(
        events(named),
        " OPTIONAL MATCH (n)-[:AT]->(direct:Place) \
         WITH n, direct, CASE WHEN direct IS NULL THEN [null] \
                              ELSE [(direct)-[:WITHIN*0..32]->(q:Place) | q] END AS containing \
         UNWIND containing AS p \
         WITH p, count(DISTINCT n) AS total, count(DISTINCT CASE WHEN direct = p THEN n END) AS here \
         ORDER BY total DESC, p.name LIMIT $limit \
         RETURN {place: CASE WHEN p IS NULL THEN null ELSE ",
        projection!("p"),
        " END, here: here, total: total} AS row"
    )
}

#[derive(Deserialize)]
struct PlaceRow {
    place: Option<Value>,
    here: i64,
    total: i64,
}

/// Events per place, counting what lies within each place too.
pub async fn by_place(db: &Db, named: bool, budget: &mut Budget) -> AppResult<Vec<PlaceCount>> {
    let rows: Vec<PlaceRow> = limited(db, by_place_statement(named), budget).await?;
    rows.into_iter()
        .map(|r| {
            let place = match r.place {
                Some(Value::Null) | None => None,
                Some(v) => match NodeRecord::decode(v)? {
                    NodeRecord::Place(p) => Some(p),
                    _ => return Err(AppError::internal("a place that is not a place")),
                },
            };
            Ok(PlaceCount {
                place,
                here: r.here,
                including_within: r.total,
            })
        })
        .collect()
}

/// A figure about an event, with what the sums need: the event's type, the statuses of its claims
/// and the figure it is a part of (if any).
#[derive(Debug, Clone)]
pub struct AffectedRow {
    pub event_id: String,
    pub event_type: String,
    pub count: CountRecord,
    pub statuses: Vec<String>,
    pub part_of: Option<String>,
}

fn affected_statement(named: bool) -> Statement {
    cypher!(
        events(named),
        " MATCH (n)<-[:COUNT_OF]-(c:Count) WHERE c.unit = $unit \
         WITH n, c ORDER BY n.id, c.id LIMIT $limit \
         RETURN {event: n.id, type: n.type, count: ",
        projection!("c"),
        ", \
                 statuses: [(c)<-[:ABOUT]-(cl:Claim) | cl.status], \
                 partOf: head([(c)-[:PART_OF]->(pc:Count) | pc.id])} AS row"
    )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AffectedDbRow {
    event: String,
    #[serde(rename = "type")]
    event_type: String,
    count: Value,
    statuses: Vec<String>,
    part_of: Option<String>,
}

/// Every figure in `unit` about the events in scope.
pub async fn affected(
    db: &Db,
    named: bool,
    unit: &str,
    budget: &mut Budget,
) -> AppResult<Vec<AffectedRow>> {
    let statement = affected_statement(named)
        .param("unit", unit)
        .param("limit", (budget.max_nodes + 1) as i64);
    let rows: Vec<AffectedDbRow> = match run_bounded(db, statement, budget).await? {
        Some(rows) => rows,
        None => return Ok(Vec::new()),
    };
    if rows.len() > budget.max_nodes {
        budget.hit(Bound::NodeLimit);
    }
    rows.into_iter()
        .take(budget.max_nodes)
        .map(|r| {
            let NodeRecord::Count(count) = NodeRecord::decode(r.count)? else {
                return Err(AppError::internal("a figure that is not a count"));
            };
            Ok(AffectedRow {
                event_id: r.event,
                event_type: r.event_type,
                count,
                statuses: r.statuses,
                part_of: r.part_of,
            })
        })
        .collect()
}

/// Runs a statement with `$limit` = node limit + 1 and marks the budget when there was more.
async fn limited<T: serde::de::DeserializeOwned>(
    db: &Db,
    statement: Statement,
    budget: &mut Budget,
) -> AppResult<Vec<T>> {
    let statement = statement.param("limit", (budget.max_nodes + 1) as i64);
    let Some(mut rows) = run_bounded::<T>(db, statement, budget).await? else {
        return Ok(Vec::new());
    };
    if rows.len() > budget.max_nodes {
        budget.hit(Bound::NodeLimit);
        rows.truncate(budget.max_nodes);
    }
    Ok(rows)
}

/// The statements over named collections (the anchored form), for the `EXPLAIN` test.
pub fn statements_for_explain() -> Vec<Statement> {
    vec![
        by_type_statement(true),
        by_month_statement(true),
        by_place_statement(true),
        affected_statement(true),
    ]
}
