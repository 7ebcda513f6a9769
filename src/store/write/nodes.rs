//! Upserts of nodes: one `UNWIND` statement per kind, so a large import costs a handful of round trips.
//! Each kind's statement sets every property the kind has; adding a plain field to a kind adds it to
//! the row and to the `SET` here.

use serde_json::{json, Value};

use super::ChangeSet;
use crate::{
    domain::{FuzzyDate, NonEmptyText},
    error::AppResult,
    store::{
        cypher,
        records::{term_id, PARTICIPATION_KEYS, SORT_KEYS},
        Statement, Tx,
    },
};

fn date_json(d: Option<&FuzzyDate>) -> Value {
    match d {
        None => Value::Null,
        Some(d) => json!({
            "edtf": d.edtf(),
            "earliest": d.earliest().map(|x| x.to_string()),
            "latest": d.latest().map(|x| x.to_string()),
            "precision": d.precision().as_str(),
            "approximate": d.approximate(),
            "uncertain": d.uncertain(),
            "inferred": d.inferred(),
            "basis": d.basis(),
        }),
    }
}

// The properties each kind's write sets (`n` the node, `row` its row), shared by the upsert ([`upsert_all`])
// and the create of nodes known to be new (`super::fresh`). A plain field of a kind is added to its row
// below and to its `SET` here.
pub(super) const COLLECTION_SET: &str =
    "n.collection = row.id, n.name = row.name, n.description = row.description";
pub(super) const TERM_SET: &str = "n.collection = row.collection, n.vocabulary = row.vocabulary, \
    n.key = row.key, n.label = row.label, n.description = row.description";
pub(super) const ACTOR_SET: &str =
    "n.collection = row.collection, n.kind = row.kind, n.name = row.name, \
    n.aliases = row.aliases, n.description = row.description";
pub(super) const PLACE_SET: &str = "n.collection = row.collection, n.kind = row.kind, n.name = row.name, \
    n.aliases = row.aliases, n.description = row.description, n.precision = row.precision, \
    n.location = CASE WHEN row.lat IS NULL THEN null ELSE point({latitude: row.lat, longitude: row.lon}) END";
pub(super) const SOURCE_SET: &str = "n.collection = row.collection, n.kind = row.kind, n.title = row.title, \
    n.url = row.url, n.language = row.language, n.publishedEdtf = row.published.edtf, \
    n.publishedEarliest = date(row.published.earliest), n.publishedLatest = date(row.published.latest), \
    n.publishedPrecision = row.published.precision, \
    n.publishedApproximate = row.published.approximate, n.publishedUncertain = row.published.uncertain, \
    n.publishedInferred = row.published.inferred, n.publishedBasis = row.published.basis";
pub(super) const EVENT_SET: &str =
    "n.collection = row.collection, n.type = row.type, n.title = row.title, \
    n.description = row.description, \
    n.dateEdtf = row.date.edtf, n.dateEarliest = date(row.date.earliest), \
    n.dateLatest = date(row.date.latest), n.datePrecision = row.date.precision, \
    n.dateApproximate = row.date.approximate, n.dateUncertain = row.date.uncertain, \
    n.dateInferred = row.date.inferred, n.dateBasis = row.date.basis";
pub(super) const PARTICIPATION_SET: &str =
    "n.collection = row.collection, n.role = row.role, n.description = row.description";
pub(super) const COUNT_SET: &str =
    "n.collection = row.collection, n.subject = row.subject, n.value = row.value, \
    n.qualifier = row.qualifier, n.lower = row.lower, n.upper = row.upper, n.unit = row.unit, \
    n.wording = row.wording, n.subgroup = row.subgroup";
pub(super) const CLAIM_SET: &str = "n.collection = row.collection, n.excerpt = row.excerpt, \
    n.status = row.status, n.note = row.note";

/// Each kind's rows, one per node, with what its `SET` reads.
pub(super) fn collection_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.collections
        .iter()
        .map(|c| json!({"id": c.id, "name": c.name, "description": c.description}))
        .collect()
}

pub(super) fn term_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.terms
        .iter()
        .map(|t| json!({"id": term_id(t.collection.as_str(), t.vocabulary, t.key.as_str()), "collection": t.collection,
            "vocabulary": t.vocabulary.as_str(), "key": t.key, "label": t.label, "description": t.description}))
        .collect()
}

/// A node without aliases stores none (null), not an empty list: a CSV file of the offline load
/// (`csv.rs`) cannot hold an empty list, and both ways must write the same graph. Reads take a
/// missing list as empty.
fn aliases(list: &[NonEmptyText]) -> Option<&[NonEmptyText]> {
    (!list.is_empty()).then_some(list)
}

pub(super) fn actor_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.actors
        .iter()
        .map(|a| {
            json!({"id": a.ident.id, "collection": a.ident.collection, "kind": a.kind.as_str(),
            "name": a.name, "aliases": aliases(&a.aliases), "description": a.description})
        })
        .collect()
}

pub(super) fn place_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.places
        .iter()
        .map(|p| json!({"id": p.ident.id, "collection": p.ident.collection, "kind": p.kind.as_str(),
            "name": p.name, "aliases": aliases(&p.aliases), "description": p.description,
            "lat": p.location.as_ref().map(|l| l.latitude()), "lon": p.location.as_ref().map(|l| l.longitude()),
            "precision": p.precision.as_str()}))
        .collect()
}

pub(super) fn source_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.sources
        .iter()
        .map(|s| json!({"id": s.ident.id, "collection": s.ident.collection, "kind": s.kind.as_str(),
            "title": s.title, "url": s.url, "language": s.language, "published": date_json(s.published.as_ref())}))
        .collect()
}

pub(super) fn event_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.events
        .iter()
        .map(|e| {
            json!({"id": e.ident.id, "collection": e.ident.collection, "type": e.event_type,
            "title": e.title, "description": e.description, "date": date_json(Some(&e.date))})
        })
        .collect()
}

pub(super) fn participation_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.participations
        .iter()
        .map(|p| {
            json!({"id": p.ident.id, "collection": p.ident.collection, "event": p.event,
            "actor": p.actor, "role": p.role, "description": p.description})
        })
        .collect()
}

pub(super) fn count_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.counts
        .iter()
        .map(|c| json!({"id": c.ident.id, "collection": c.ident.collection, "event": c.event,
            "subject": c.subject, "value": c.figure.value(), "qualifier": c.figure.qualifier().as_str(),
            "lower": c.figure.lower(), "upper": c.figure.upper(), "unit": c.figure.unit(),
            "wording": c.figure.wording(), "subgroup": c.subgroup}))
        .collect()
}

pub(super) fn claim_rows(cs: &ChangeSet) -> Vec<Value> {
    cs.claims
        .iter()
        .map(|c| {
            json!({"id": c.ident.id, "collection": c.ident.collection, "about": c.about,
            "source": c.source, "excerpt": c.excerpt, "status": c.status.as_str(), "note": c.note})
        })
        .collect()
}

/// Upserts every node of the change set (relationships are the callers' next step), with its stored
/// sort keys (`records::SORT_KEYS`), derived in the same statement from what it just set.
pub(super) async fn upsert_all(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let kinds: [(Vec<Value>, Statement); 9] = [
        (
            collection_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Collection, n.createdAt = datetime() SET ",
                COLLECTION_SET,
                " SET ",
                SORT_KEYS
            ),
        ),
        (
            term_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Term, n.createdAt = datetime() SET ",
                TERM_SET,
                " SET ",
                SORT_KEYS
            ),
        ),
        (
            actor_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Actor, n.createdAt = datetime() SET ",
                ACTOR_SET,
                " SET ",
                SORT_KEYS
            ),
        ),
        (
            place_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Place, n.createdAt = datetime() SET ",
                PLACE_SET,
                " SET ",
                SORT_KEYS
            ),
        ),
        (
            source_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Source, n.createdAt = datetime() SET ",
                SOURCE_SET,
                " SET ",
                SORT_KEYS
            ),
        ),
        (
            event_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Event, n.createdAt = datetime() SET ",
                EVENT_SET,
                " SET ",
                SORT_KEYS,
                // A new date moves the event in its actors' lists: the participations' copies follow.
                " WITH n CALL (n) { MATCH (n)<-[:IN_EVENT]-(p:Participation) \
                   WHERE p.eventSortDate IS NULL OR p.eventSortDate <> n.sortDate \
                   SET p.eventSortDate = n.sortDate, p.eventId = n.id }"
            ),
        ),
        (
            participation_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Participation, n.createdAt = datetime() SET ",
                PARTICIPATION_SET,
                " SET ",
                SORT_KEYS,
                " WITH n, row \
                 CALL (n, row) { \
                   OPTIONAL MATCH (n)-[old:IN_EVENT]->(e) WHERE e.id <> row.event DELETE old } \
                 CALL (n, row) { \
                   OPTIONAL MATCH (a)-[old:PARTICIPATES_AS]->(n) WHERE a.id <> row.actor DELETE old } \
                 CALL (n, row) { \
                   MATCH (e:Node {id: row.event}) USING INDEX SEEK e:Node(id) WHERE e:Event MERGE (n)-[:IN_EVENT]->(e) } \
                 CALL (n, row) { \
                   MATCH (a:Node {id: row.actor}) USING INDEX SEEK a:Node(id) WHERE a:Actor MERGE (a)-[:PARTICIPATES_AS]->(n) } \
                 CALL (n) { MATCH (a:Actor)-[:PARTICIPATES_AS]->(n)-[:IN_EVENT]->(e:Event) SET ",
                PARTICIPATION_KEYS,
                " }"
            ),
        ),
        (
            count_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Count, n.createdAt = datetime() SET ",
                COUNT_SET,
                " SET ",
                SORT_KEYS,
                " WITH n, row \
                 CALL (n, row) { \
                   OPTIONAL MATCH (n)-[old:COUNT_OF]->(e) WHERE e.id <> row.event DELETE old } \
                 CALL (n, row) { \
                   MATCH (e:Node {id: row.event}) USING INDEX SEEK e:Node(id) WHERE e:Event MERGE (n)-[:COUNT_OF]->(e) }"
            ),
        ),
        (
            claim_rows(cs),
            cypher!(
                "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Claim, n.createdAt = datetime() SET ",
                CLAIM_SET,
                " SET ",
                SORT_KEYS,
                " WITH n, row \
                 CALL (n, row) { \
                   OPTIONAL MATCH (n)-[old:ABOUT]->(x) WHERE x.id <> row.about DELETE old } \
                 CALL (n, row) { \
                   OPTIONAL MATCH (n)-[old:CITES]->(s) WHERE s.id <> row.source DELETE old } \
                 CALL (n, row) { \
                   MATCH (x:Node {id: row.about}) USING INDEX SEEK x:Node(id) WHERE x:Event OR x:Participation OR x:Count \
                   MERGE (n)-[:ABOUT]->(x) } \
                 CALL (n, row) { \
                   MATCH (s:Node {id: row.source}) USING INDEX SEEK s:Node(id) WHERE s:Source MERGE (n)-[:CITES]->(s) }"
            ),
        ),
    ];
    for (rows, statement) in kinds {
        if !rows.is_empty() {
            tx.run(statement.param("rows", rows)).await?;
        }
    }
    Ok(())
}
