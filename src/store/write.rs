//! Writes. Every mutation and every import builds a [`ChangeSet`] of validated values and applies it
//! with [`apply`] inside one transaction: it fully happens or not at all.
//!
//! The order inside [`apply`] is what keeps writes whole: check that ids are not taken by another kind
//! or collection; upsert the nodes (one `UNWIND` statement per kind, so a large import costs a handful
//! of round trips); then check every reference (after the upserts, so that a change set may refer to
//! its own new nodes); then set the relationships. Any failure aborts the transaction.

use serde::Serialize;
use serde_json::{json, Value};

use super::{
    records::{term_id, NodeRecord, NODE_PROJECTION},
    Statement, Tx,
};
use crate::{
    domain::{
        ActorKind, ClaimStatus, Coordinates, Figure, FuzzyDate, LocationPrecision, PlaceKind,
        SourceKind, Vocabulary,
    },
    error::{AppError, AppResult},
};

/// A node's identity in a change set: its id, collection, and the input field that named it (for errors).
#[derive(Debug, Clone)]
pub struct Ident {
    pub id: String,
    pub collection: String,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct CollectionWrite {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct TermWrite {
    pub collection: String,
    pub vocabulary: Vocabulary,
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub field: String,
}

#[derive(Debug, Clone)]
pub struct ActorWrite {
    pub ident: Ident,
    pub kind: ActorKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PlaceWrite {
    pub ident: Ident,
    pub kind: PlaceKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub location: Option<Coordinates>,
    pub precision: LocationPrecision,
}

#[derive(Debug, Clone)]
pub struct SourceWrite {
    pub ident: Ident,
    pub kind: SourceKind,
    pub title: String,
    pub url: Option<String>,
    pub language: Option<String>,
    pub published: Option<FuzzyDate>,
}

#[derive(Debug, Clone)]
pub struct EventWrite {
    pub ident: Ident,
    pub event_type: String,
    pub title: String,
    pub description: Option<String>,
    pub date: FuzzyDate,
}

#[derive(Debug, Clone)]
pub struct ParticipationWrite {
    pub ident: Ident,
    pub event: String,
    pub actor: String,
    pub role: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CountWrite {
    pub ident: Ident,
    pub event: String,
    pub subject: String,
    pub figure: Figure,
    pub subgroup: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ClaimWrite {
    pub ident: Ident,
    /// The event, participation or count the claim supports.
    pub about: String,
    pub source: String,
    pub excerpt: Option<String>,
    pub status: ClaimStatus,
    pub note: Option<String>,
}

/// The relationships a caller may set between nodes (the structural ones — participation, count,
/// claim — are set by those nodes' own writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum, Serialize)]
pub enum Relation {
    /// Event → Place: where the event happened (at most one).
    EventAt,
    /// Place → Place: the place lies within the other (at most one parent).
    PlaceWithin,
    /// Event → Event: part of a larger event.
    EventPartOf,
    /// Event → Event: followed by the other.
    EventFollowedBy,
    /// Event → Event: led to (caused) the other.
    EventLedTo,
    /// Actor → Actor: belongs to (a unit of a body; a sub-group of a group).
    ActorMemberOf,
    /// Actor → Actor: answers to (is subordinate to).
    ActorAnswersTo,
    /// Source → Actor: published by (at most one publisher).
    SourcePublishedBy,
    /// Source → Source: cites, with the citing passage as excerpt.
    SourceCites,
    /// Count → Count: a breakdown of the other figure (at most one).
    CountPartOf,
}

impl Relation {
    /// (type, from label, to label, to-one, may form a cycle that must be refused)
    fn spec(self) -> (&'static str, &'static str, &'static str, bool, bool) {
        match self {
            Relation::EventAt => ("AT", "Event", "Place", true, false),
            Relation::PlaceWithin => ("WITHIN", "Place", "Place", true, true),
            Relation::EventPartOf => ("PART_OF", "Event", "Event", false, true),
            Relation::EventFollowedBy => ("FOLLOWED_BY", "Event", "Event", false, false),
            Relation::EventLedTo => ("LED_TO", "Event", "Event", false, false),
            Relation::ActorMemberOf => ("MEMBER_OF", "Actor", "Actor", false, true),
            Relation::ActorAnswersTo => ("ANSWERS_TO", "Actor", "Actor", false, true),
            Relation::SourcePublishedBy => ("PUBLISHED_BY", "Source", "Actor", true, false),
            Relation::SourceCites => ("CITES", "Source", "Source", false, false),
            Relation::CountPartOf => ("PART_OF", "Count", "Count", true, true),
        }
    }

    pub fn from_label(self) -> &'static str {
        self.spec().1
    }
    pub fn to_label(self) -> &'static str {
        self.spec().2
    }
    pub fn is_to_one(self) -> bool {
        self.spec().3
    }
}

/// "The outgoing `relation` of `from` is exactly `targets`": a re-import or an upsert replaces the set,
/// touching only what differs.
#[derive(Debug, Clone)]
pub struct LinkSet {
    pub relation: Relation,
    pub from: String,
    pub targets: Vec<(String, Option<String>)>,
    /// The input field that listed the targets (for errors).
    pub field: String,
}

/// Everything one mutation or one import writes.
#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    pub collections: Vec<CollectionWrite>,
    pub terms: Vec<TermWrite>,
    pub actors: Vec<ActorWrite>,
    pub places: Vec<PlaceWrite>,
    pub sources: Vec<SourceWrite>,
    pub events: Vec<EventWrite>,
    pub participations: Vec<ParticipationWrite>,
    pub counts: Vec<CountWrite>,
    pub claims: Vec<ClaimWrite>,
    pub links: Vec<LinkSet>,
}

/// What an apply wrote, by kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub collections: usize,
    pub terms: usize,
    pub actors: usize,
    pub places: usize,
    pub sources: usize,
    pub events: usize,
    pub participations: usize,
    pub counts: usize,
    pub claims: usize,
    pub links: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} collection(s), {} term(s), {} actor(s), {} place(s), {} source(s), {} event(s), {} participation(s), {} count(s), {} claim(s), {} relation set(s)",
            self.collections, self.terms, self.actors, self.places, self.sources, self.events, self.participations, self.counts, self.claims, self.links
        )
    }
}

fn date_json(d: &Option<FuzzyDate>) -> Value {
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

/// Applies a change set inside the caller's transaction.
pub async fn apply(tx: &mut Tx, cs: &ChangeSet) -> AppResult<Summary> {
    check_scope(tx, cs)?;
    check_identities(tx, cs).await?;

    if !cs.collections.is_empty() {
        let rows: Vec<Value> = cs
            .collections
            .iter()
            .map(|c| json!({"id": c.id, "name": c.name, "description": c.description}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Collection, n.createdAt = datetime() \
             SET n.collection = row.id, n.name = row.name, n.description = row.description",
        ).param("rows", rows))
        .await?;
    }
    if !cs.terms.is_empty() {
        let rows: Vec<Value> = cs
            .terms
            .iter()
            .map(|t| json!({"id": term_id(&t.collection, t.vocabulary, &t.key), "collection": t.collection,
                "vocabulary": t.vocabulary.as_str(), "key": t.key, "label": t.label, "description": t.description}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Term, n.createdAt = datetime() \
             SET n.collection = row.collection, n.vocabulary = row.vocabulary, n.key = row.key, \
                 n.label = row.label, n.description = row.description",
        ).param("rows", rows))
        .await?;
    }
    if !cs.actors.is_empty() {
        let rows: Vec<Value> = cs
            .actors
            .iter()
            .map(|a| {
                json!({"id": a.ident.id, "collection": a.ident.collection, "kind": a.kind.as_str(),
                "name": a.name, "aliases": a.aliases, "description": a.description})
            })
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Actor, n.createdAt = datetime() \
             SET n.collection = row.collection, n.kind = row.kind, n.name = row.name, n.aliases = row.aliases, \
                 n.description = row.description",
        ).param("rows", rows))
        .await?;
    }
    if !cs.places.is_empty() {
        let rows: Vec<Value> = cs
            .places
            .iter()
            .map(|p| json!({"id": p.ident.id, "collection": p.ident.collection, "kind": p.kind.as_str(),
                "name": p.name, "aliases": p.aliases, "description": p.description,
                "lat": p.location.as_ref().map(|l| l.latitude()), "lon": p.location.as_ref().map(|l| l.longitude()),
                "precision": p.precision.as_str()}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Place, n.createdAt = datetime() \
             SET n.collection = row.collection, n.kind = row.kind, n.name = row.name, n.aliases = row.aliases, \
                 n.description = row.description, n.precision = row.precision, \
                 n.location = CASE WHEN row.lat IS NULL THEN null \
                              ELSE point({latitude: row.lat, longitude: row.lon}) END",
        ).param("rows", rows))
        .await?;
    }
    if !cs.sources.is_empty() {
        let rows: Vec<Value> = cs
            .sources
            .iter()
            .map(|s| json!({"id": s.ident.id, "collection": s.ident.collection, "kind": s.kind.as_str(),
                "title": s.title, "url": s.url, "language": s.language, "published": date_json(&s.published)}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Source, n.createdAt = datetime() \
             SET n.collection = row.collection, n.kind = row.kind, n.title = row.title, n.url = row.url, \
                 n.language = row.language, \
                 n.publishedEdtf = row.published.edtf, \
                 n.publishedEarliest = date(row.published.earliest), n.publishedLatest = date(row.published.latest), \
                 n.publishedPrecision = row.published.precision, \
                 n.publishedApproximate = row.published.approximate, n.publishedUncertain = row.published.uncertain, \
                 n.publishedInferred = row.published.inferred, n.publishedBasis = row.published.basis",
        ).param("rows", rows))
        .await?;
    }
    if !cs.events.is_empty() {
        let rows: Vec<Value> = cs
            .events
            .iter()
            .map(|e| json!({"id": e.ident.id, "collection": e.ident.collection, "type": e.event_type,
                "title": e.title, "description": e.description, "date": date_json(&Some(e.date.clone()))}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Event, n.createdAt = datetime() \
             SET n.collection = row.collection, n.type = row.type, n.title = row.title, \
                 n.description = row.description, \
                 n.dateEdtf = row.date.edtf, n.dateEarliest = date(row.date.earliest), \
                 n.dateLatest = date(row.date.latest), n.datePrecision = row.date.precision, \
                 n.dateApproximate = row.date.approximate, n.dateUncertain = row.date.uncertain, \
                 n.dateInferred = row.date.inferred, n.dateBasis = row.date.basis",
        ).param("rows", rows))
        .await?;
    }
    if !cs.participations.is_empty() {
        let rows: Vec<Value> = cs
            .participations
            .iter()
            .map(|p| {
                json!({"id": p.ident.id, "collection": p.ident.collection, "event": p.event,
                "actor": p.actor, "role": p.role, "description": p.description})
            })
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Participation, n.createdAt = datetime() \
             SET n.collection = row.collection, n.role = row.role, n.description = row.description \
             WITH n, row \
             CALL (n, row) { \
               OPTIONAL MATCH (n)-[old:IN_EVENT]->(e) WHERE e.id <> row.event DELETE old } \
             CALL (n, row) { \
               OPTIONAL MATCH (a)-[old:PARTICIPATES_AS]->(n) WHERE a.id <> row.actor DELETE old } \
             CALL (n, row) { \
               MATCH (e:Event {id: row.event}) MERGE (n)-[:IN_EVENT]->(e) } \
             CALL (n, row) { \
               MATCH (a:Actor {id: row.actor}) MERGE (a)-[:PARTICIPATES_AS]->(n) }",
        ).param("rows", rows))
        .await?;
    }
    if !cs.counts.is_empty() {
        let rows: Vec<Value> = cs
            .counts
            .iter()
            .map(|c| json!({"id": c.ident.id, "collection": c.ident.collection, "event": c.event,
                "subject": c.subject, "value": c.figure.value(), "qualifier": c.figure.qualifier().as_str(),
                "lower": c.figure.lower(), "upper": c.figure.upper(), "unit": c.figure.unit(),
                "wording": c.figure.wording(), "subgroup": c.subgroup}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Count, n.createdAt = datetime() \
             SET n.collection = row.collection, n.subject = row.subject, n.value = row.value, \
                 n.qualifier = row.qualifier, n.lower = row.lower, n.upper = row.upper, n.unit = row.unit, \
                 n.wording = row.wording, n.subgroup = row.subgroup \
             WITH n, row \
             CALL (n, row) { \
               OPTIONAL MATCH (n)-[old:COUNT_OF]->(e) WHERE e.id <> row.event DELETE old } \
             CALL (n, row) { \
               MATCH (e:Event {id: row.event}) MERGE (n)-[:COUNT_OF]->(e) }",
        ).param("rows", rows))
        .await?;
    }
    if !cs.claims.is_empty() {
        let rows: Vec<Value> = cs
            .claims
            .iter()
            .map(|c| json!({"id": c.ident.id, "collection": c.ident.collection, "about": c.about,
                "source": c.source, "excerpt": c.excerpt, "status": c.status.as_str(), "note": c.note}))
            .collect();
        tx.run(Statement::new(
            "UNWIND $rows AS row MERGE (n:Node {id: row.id}) ON CREATE SET n:Claim, n.createdAt = datetime() \
             SET n.collection = row.collection, n.excerpt = row.excerpt, n.status = row.status, n.note = row.note \
             WITH n, row \
             CALL (n, row) { \
               OPTIONAL MATCH (n)-[old:ABOUT]->(x) WHERE x.id <> row.about DELETE old } \
             CALL (n, row) { \
               OPTIONAL MATCH (n)-[old:CITES]->(s) WHERE s.id <> row.source DELETE old } \
             CALL (n, row) { \
               MATCH (x:Node {id: row.about}) WHERE x:Event OR x:Participation OR x:Count \
               MERGE (n)-[:ABOUT]->(x) } \
             CALL (n, row) { \
               MATCH (s:Source {id: row.source}) MERGE (n)-[:CITES]->(s) }",
        ).param("rows", rows))
        .await?;
    }

    check_references(tx, cs).await?;
    apply_links(tx, &cs.links).await?;

    Ok(Summary {
        collections: cs.collections.len(),
        terms: cs.terms.len(),
        actors: cs.actors.len(),
        places: cs.places.len(),
        sources: cs.sources.len(),
        events: cs.events.len(),
        participations: cs.participations.len(),
        counts: cs.counts.len(),
        claims: cs.claims.len(),
        links: cs.links.len(),
    })
}

/// Every node written must belong to a collection the caller may write to.
fn check_scope(tx: &Tx, cs: &ChangeSet) -> AppResult<()> {
    let Some(allowed) = &tx.scope().0 else {
        return Ok(());
    };
    let mut all = cs
        .collections
        .iter()
        .map(|c| (&c.id, &c.field))
        .collect::<Vec<_>>();
    all.extend(cs.terms.iter().map(|t| (&t.collection, &t.field)));
    for (_, ident) in idents(cs) {
        all.push((&ident.collection, &ident.field));
    }
    match all.into_iter().find(|(c, _)| !allowed.contains(c)) {
        Some((c, field)) => Err(AppError::not_found(
            "Collection",
            c.clone(),
            format!("{field}.collection"),
        )),
        None => Ok(()),
    }
}

fn idents(cs: &ChangeSet) -> impl Iterator<Item = (&'static str, &Ident)> {
    cs.actors
        .iter()
        .map(|x| ("Actor", &x.ident))
        .chain(cs.places.iter().map(|x| ("Place", &x.ident)))
        .chain(cs.sources.iter().map(|x| ("Source", &x.ident)))
        .chain(cs.events.iter().map(|x| ("Event", &x.ident)))
        .chain(
            cs.participations
                .iter()
                .map(|x| ("Participation", &x.ident)),
        )
        .chain(cs.counts.iter().map(|x| ("Count", &x.ident)))
        .chain(cs.claims.iter().map(|x| ("Claim", &x.ident)))
}

/// An id may not be reused for another kind of node or moved to another collection by an upsert, and
/// may appear only once in a change set.
async fn check_identities(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let mut rows: Vec<Value> = cs
        .collections
        .iter()
        .map(|c| json!({"id": c.id, "label": "Collection", "collection": c.id, "field": format!("{}.id", c.field)}))
        .collect();
    // A term's id is derived from its key, so a clash is the key's fault.
    for t in &cs.terms {
        let id = term_id(&t.collection, t.vocabulary, &t.key);
        rows.push(json!({"id": id, "label": "Term", "collection": t.collection, "field": format!("{}.key", t.field)}));
    }
    for (label, ident) in idents(cs) {
        rows.push(json!({"id": ident.id, "label": label, "collection": ident.collection, "field": format!("{}.id", ident.field)}));
    }
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        let id = r["id"].as_str().unwrap_or_default();
        if !seen.insert(id.to_string()) {
            return Err(AppError::conflict(
                r["field"].as_str(),
                format!("the id {id:?} is given twice"),
            ));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Clash {
        id: String,
        field: String,
        labels: Vec<String>,
        collection: Option<String>,
    }
    let clashes: Vec<Clash> = tx
        .rows(Statement::new(
            "UNWIND $rows AS row MATCH (x:Node {id: row.id}) \
             WHERE NOT row.label IN labels(x) OR x.collection <> row.collection \
             RETURN {id: row.id, field: row.field, labels: [l IN labels(x) WHERE l <> 'Node'], collection: x.collection} AS row \
             LIMIT 1",
        ).param("rows", rows))
        .await?;
    match clashes.into_iter().next() {
        None => Ok(()),
        Some(c) => Err(AppError::conflict(
            Some(&c.field),
            format!(
                "the id {:?} already names a {} in collection {:?}",
                c.id,
                c.labels.join("/"),
                c.collection.unwrap_or_default()
            ),
        )),
    }
}

/// Every reference must name an existing node of the right kind in the same collection; every taxonomy
/// key must be a term of that collection. One round trip for the whole change set.
async fn check_references(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let mut refs: Vec<Value> = Vec::new();
    let mut push = |id: &str, labels: &[&str], collection: &str, field: String, term: bool| {
        refs.push(json!({"id": id, "labels": labels, "collection": collection, "field": field, "term": term}));
    };
    for t in &cs.terms {
        push(
            &t.collection,
            &["Collection"],
            &t.collection,
            format!("{}.collection", t.field),
            false,
        );
    }
    for (_, ident) in idents(cs) {
        push(
            &ident.collection,
            &["Collection"],
            &ident.collection,
            format!("{}.collection", ident.field),
            false,
        );
    }
    for e in &cs.events {
        let id = term_id(&e.ident.collection, Vocabulary::EventType, &e.event_type);
        push(
            &id,
            &["Term"],
            &e.ident.collection,
            format!("{}.type", e.ident.field),
            true,
        );
    }
    for p in &cs.participations {
        let c = &p.ident.collection;
        push(
            &p.event,
            &["Event"],
            c,
            format!("{}.event", p.ident.field),
            false,
        );
        push(
            &p.actor,
            &["Actor"],
            c,
            format!("{}.actor", p.ident.field),
            false,
        );
        let id = term_id(c, Vocabulary::ParticipantRole, &p.role);
        push(&id, &["Term"], c, format!("{}.role", p.ident.field), true);
    }
    for k in &cs.counts {
        push(
            &k.event,
            &["Event"],
            &k.ident.collection,
            format!("{}.event", k.ident.field),
            false,
        );
    }
    for c in &cs.claims {
        let col = &c.ident.collection;
        push(
            &c.about,
            &["Event", "Participation", "Count"],
            col,
            format!("{}.about", c.ident.field),
            false,
        );
        push(
            &c.source,
            &["Source"],
            col,
            format!("{}.source", c.ident.field),
            false,
        );
    }
    if refs.is_empty() {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Missing {
        id: String,
        field: String,
        labels: Vec<String>,
        term: bool,
        found: Option<Vec<String>>,
        collection: Option<String>,
    }
    let missing: Vec<Missing> = tx
        .rows(Statement::new(
            "UNWIND $refs AS ref OPTIONAL MATCH (x:Node {id: ref.id}) \
             WITH ref, x WHERE x IS NULL OR x.collection <> ref.collection \
                OR NOT any(l IN ref.labels WHERE l IN labels(x)) \
             RETURN {id: ref.id, field: ref.field, labels: ref.labels, term: ref.term, \
                     found: CASE WHEN x IS NULL THEN null ELSE [l IN labels(x) WHERE l <> 'Node'] END, \
                     collection: x.collection} AS row LIMIT 1",
        ).param("refs", refs))
        .await?;
    let Some(m) = missing.into_iter().next() else {
        return Ok(());
    };
    if m.term {
        let key = m.id.rsplit(':').next().unwrap_or(&m.id).to_string();
        return Err(AppError::bad_input(
            m.field,
            format!(
                "{key:?} is not a term of this collection's taxonomy; add it with upsertTerm first"
            ),
        ));
    }
    let wanted = m.labels.join(" or ");
    Err(match (m.found, m.collection) {
        (None, _) => AppError::NotFound {
            kind: leak(&wanted),
            id: m.id,
            field: Some(m.field),
        },
        (Some(found), Some(col)) if !found.iter().any(|l| m.labels.contains(l)) => {
            AppError::bad_input(
                m.field,
                format!(
                    "{:?} is a {} (in {col:?}), not a {wanted}",
                    m.id,
                    found.join("/")
                ),
            )
        }
        (Some(_), col) => AppError::bad_input(
            m.field,
            format!(
                "{:?} belongs to collection {:?}; links stay within one collection",
                m.id,
                col.unwrap_or_default()
            ),
        ),
    })
}

/// Error kinds are `&'static str` names of node kinds; the few combinations are interned here.
fn leak(s: &str) -> &'static str {
    match s {
        "Event" => "Event",
        "Actor" => "Actor",
        "Place" => "Place",
        "Source" => "Source",
        "Count" => "Count",
        "Collection" => "Collection",
        "Term" => "Term",
        "Participation" => "Participation",
        "Claim" => "Claim",
        _ => "Event, Participation or Count",
    }
}

async fn apply_links(tx: &mut Tx, links: &[LinkSet]) -> AppResult<()> {
    apply_link_sets(tx, links, true).await
}

/// Replaces each set's targets. A bad target of a to-many relation is named by its position in the
/// list (`input.partOf[1]`) when `indexed`; `link` turns that off, since its one target is `to`.
async fn apply_link_sets(tx: &mut Tx, links: &[LinkSet], indexed: bool) -> AppResult<()> {
    use std::collections::BTreeMap;
    let mut by_relation: BTreeMap<&'static str, (Relation, Vec<&LinkSet>)> = BTreeMap::new();
    for l in links {
        let (ty, from, to, ..) = l.relation.spec();
        let key: &'static str = match (ty, from, to) {
            ("AT", ..) => "AT",
            ("WITHIN", ..) => "WITHIN",
            ("PART_OF", "Event", _) => "PART_OF_EVENT",
            ("PART_OF", _, _) => "PART_OF_COUNT",
            ("FOLLOWED_BY", ..) => "FOLLOWED_BY",
            ("LED_TO", ..) => "LED_TO",
            ("MEMBER_OF", ..) => "MEMBER_OF",
            ("ANSWERS_TO", ..) => "ANSWERS_TO",
            ("PUBLISHED_BY", ..) => "PUBLISHED_BY",
            _ => "CITES",
        };
        by_relation
            .entry(key)
            .or_insert((l.relation, Vec::new()))
            .1
            .push(l);
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
    #[derive(serde::Deserialize)]
    struct Bad {
        id: String,
        set: usize,
        index: usize,
        reason: String,
    }
    for (_, (relation, sets)) in by_relation {
        let (ty, from_label, to_label, _, acyclic) = relation.spec();
        let rows: Vec<Value> = sets
            .iter()
            .enumerate()
            .map(|(n, s)| {
                json!({
                    "from": s.from,
                    "set": n,
                    "targets": s.targets.iter().enumerate()
                        .map(|(i, (t, e))| json!({"id": t, "excerpt": e, "index": i}))
                        .collect::<Vec<_>>(),
                    "ids": s.targets.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let fail = |b: Bad| {
            let field = target_field(sets[b.set], b.index, indexed);
            match b.reason.as_str() {
                "missing" => AppError::NotFound {
                    kind: leak(to_label),
                    id: b.id,
                    field: Some(field),
                },
                "kind" => AppError::bad_input(field, format!("{:?} is not a {to_label}", b.id)),
                "collection" => AppError::bad_input(
                    field,
                    format!("{:?} is in another collection; links stay within one", b.id),
                ),
                _ => {
                    AppError::bad_input(field, format!("linking to {:?} would make a cycle", b.id))
                }
            }
        };
        // References first: each target must exist, be of the right kind, and share the collection.
        let check = format!(
            "UNWIND $rows AS row MATCH (a:{from_label} {{id: row.from}}) \
             UNWIND row.targets AS t OPTIONAL MATCH (b:Node {{id: t.id}}) \
             WITH row, t, CASE WHEN b IS NULL THEN 'missing' \
                               WHEN NOT b:{to_label} THEN 'kind' \
                               WHEN b.collection <> a.collection THEN 'collection' ELSE null END AS reason \
             WHERE reason IS NOT NULL \
             RETURN {{id: t.id, set: row.set, index: t.index, reason: reason}} AS row LIMIT 1"
        );
        let bad: Vec<Bad> = tx
            .rows(Statement::assembled(check).param("rows", rows.clone()))
            .await?;
        if let Some(b) = bad.into_iter().next() {
            return Err(fail(b));
        }
        let text = format!(
            "UNWIND $rows AS row MATCH (a:{from_label} {{id: row.from}}) \
             CALL (a, row) {{ OPTIONAL MATCH (a)-[old:{ty}]->(b:{to_label}) WHERE NOT b.id IN row.ids DELETE old }} \
             CALL (a, row) {{ UNWIND row.targets AS t MATCH (b:{to_label} {{id: t.id}}) \
                             MERGE (a)-[r:{ty}]->(b) SET r.excerpt = t.excerpt }}"
        );
        tx.run(Statement::assembled(text).param("rows", rows.clone()))
            .await?;
        // Cycles are looked for after the write, so that two sets of one change set that close a loop
        // between them (a within b, b within a) are caught as well as a loop through stored links.
        if acyclic {
            let cycle = format!(
                "UNWIND $rows AS row MATCH (a:{from_label} {{id: row.from}}) \
                 UNWIND row.targets AS t MATCH (a)-[:{ty}]->(b:{to_label} {{id: t.id}}) \
                 WHERE EXISTS {{ MATCH (b)-[:{ty}*1..32]->(a) }} \
                 RETURN {{id: t.id, set: row.set, index: t.index, reason: 'cycle'}} AS row LIMIT 1"
            );
            let bad: Vec<Bad> = tx
                .rows(Statement::assembled(cycle).param("rows", rows))
                .await?;
            if let Some(b) = bad.into_iter().next() {
                return Err(fail(b));
            }
        }
    }
    Ok(())
}

/// The input field that named target `i` of a link set.
fn target_field(set: &LinkSet, i: usize, indexed: bool) -> String {
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
    from: &str,
    to: &str,
    excerpt: Option<String>,
    remove: bool,
) -> AppResult<bool> {
    let (ty, from_label, to_label, to_one, _) = relation.spec();
    #[derive(serde::Deserialize)]
    struct Ends {
        from: bool,
        to: bool,
        linked: bool,
        excerpt: Option<String>,
    }
    let ends: Vec<Ends> = tx
        .rows(
            Statement::assembled(format!(
                "OPTIONAL MATCH (a:{from_label} {{id: $from}}) WHERE ($collections IS NULL OR a.collection IN $collections) \
                 OPTIONAL MATCH (b:Node {{id: $to}}) WHERE ($collections IS NULL OR b.collection IN $collections) \
                 OPTIONAL MATCH (a)-[r:{ty}]->(b:{to_label}) \
                 RETURN {{from: a IS NOT NULL, to: b IS NOT NULL, linked: r IS NOT NULL, excerpt: r.excerpt}} AS row \
                 LIMIT 1"
            ))
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
        return Err(AppError::not_found(leak(from_label), from, "from"));
    }
    if !ends.to {
        return Err(AppError::not_found(leak(to_label), to, "to"));
    }
    if remove {
        if !ends.linked {
            return Ok(false);
        }
        tx.run(
            Statement::assembled(format!(
                "MATCH (a:{from_label} {{id: $from}})-[r:{ty}]->(b:{to_label} {{id: $to}}) DELETE r"
            ))
            .param("from", from)
            .param("to", to),
        )
        .await?;
        return Ok(true);
    }
    if ends.linked && (excerpt.is_none() || excerpt == ends.excerpt) {
        return Ok(false);
    }
    // A citation linked again without an excerpt keeps the one it has.
    let excerpt = excerpt.or(ends.excerpt);
    // Adding keeps the other targets, except for to-one relations, where the new target replaces them.
    let mut targets: Vec<(String, Option<String>)> = vec![(to.to_string(), excerpt)];
    if !to_one {
        #[derive(serde::Deserialize)]
        struct Target {
            id: String,
            excerpt: Option<String>,
        }
        let current: Vec<Target> = tx
            .rows(
                Statement::assembled(format!(
                "MATCH (a:{from_label} {{id: $from}})-[r:{ty}]->(b:{to_label}) WHERE b.id <> $to \
                 RETURN {{id: b.id, excerpt: r.excerpt}} AS row"
            ))
                .param("from", from)
                .param("to", to),
            )
            .await?;
        targets.extend(current.into_iter().map(|t| (t.id, t.excerpt)));
    }
    apply_link_sets(
        tx,
        &[LinkSet {
            relation,
            from: from.to_string(),
            targets,
            field: "to".into(),
        }],
        false,
    )
    .await?;
    Ok(true)
}

/// Re-rates a claim (and optionally its note). Claims are never deleted for being wrong: they are
/// marked `DISPUTED` or `RETRACTED`.
pub async fn rate_claim(
    tx: &mut Tx,
    id: &str,
    status: ClaimStatus,
    note: Option<String>,
) -> AppResult<()> {
    let updated: Vec<String> = tx
        .rows(Statement::new(
            "MATCH (n:Claim {id: $id}) WHERE ($collections IS NULL OR n.collection IN $collections) \
             SET n.status = $status, n.note = coalesce($note, n.note), n.ratedAt = datetime() RETURN n.id AS row",
        ).param("id", id).param("status", status.as_str()).param("note", note))
        .await?;
    if updated.is_empty() {
        return Err(AppError::not_found("Claim", id, "id"));
    }
    Ok(())
}

/// The kinds of node the API can delete or merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Collection,
    Term,
    Event,
    Actor,
    Place,
    Source,
    Participation,
    Count,
    Claim,
}

impl NodeKind {
    pub fn label(self) -> &'static str {
        match self {
            NodeKind::Collection => "Collection",
            NodeKind::Term => "Term",
            NodeKind::Event => "Event",
            NodeKind::Actor => "Actor",
            NodeKind::Place => "Place",
            NodeKind::Source => "Source",
            NodeKind::Participation => "Participation",
            NodeKind::Count => "Count",
            NodeKind::Claim => "Claim",
        }
    }

    /// What goes with the node when it is deleted, so that nothing dangles: the reified statements
    /// that only exist through it (`dep`), and every claim about the node or those statements.
    fn dependents(self) -> &'static str {
        match self {
            NodeKind::Event => {
                "OPTIONAL MATCH (n)<-[:IN_EVENT|COUNT_OF]-(dep) WHERE dep:Participation OR dep:Count"
            }
            NodeKind::Actor => "OPTIONAL MATCH (n)-[:PARTICIPATES_AS]->(dep:Participation)",
            _ => "WITH n, null AS dep",
        }
    }
}

/// Deletes one node and everything that would dangle without it. Returns how many nodes went.
/// Sources still cited by claims, and terms still in use, are refused with `CONFLICT`: deleting them
/// would silently strip facts of their provenance or type.
pub async fn delete_node(tx: &mut Tx, kind: NodeKind, id: &str) -> AppResult<i64> {
    let label = kind.label();
    let found: Vec<String> = tx
        .rows(Statement::assembled(format!(
            "MATCH (n:{label} {{id: $id}}) WHERE ($collections IS NULL OR n.collection IN $collections) RETURN n.id AS row"
        )).param("id", id))
        .await?;
    if found.is_empty() {
        return Err(AppError::not_found(label, id, "id"));
    }
    match kind {
        NodeKind::Collection => {
            let n: Vec<i64> = tx
                .rows(
                    Statement::new(
                        // (`all` would be read as the `all()` predicate, not a variable.)
                        "MATCH (n:Node {collection: $id}) WITH collect(n) AS doomed \
                     FOREACH (x IN doomed | DETACH DELETE x) RETURN size(doomed) AS row",
                    )
                    .param("id", id),
                )
                .await?;
            return Ok(n.first().copied().unwrap_or(0));
        }
        NodeKind::Source => {
            let citing: Vec<i64> = tx
                .rows(
                    Statement::new(
                        "MATCH (:Source {id: $id})<-[:CITES]-(c:Claim) RETURN count(c) AS row",
                    )
                    .param("id", id),
                )
                .await?;
            let n = citing.first().copied().unwrap_or(0);
            if n > 0 {
                return Err(AppError::conflict(
                    Some("id"),
                    format!(
                        "{n} claim(s) cite this source; re-rate (RETRACTED) or delete them first"
                    ),
                ));
            }
        }
        NodeKind::Term => {
            let used: Vec<i64> = tx
                .rows(Statement::new(
                    "MATCH (t:Term {id: $id}) \
                     OPTIONAL MATCH (x:Node {collection: t.collection}) \
                       WHERE (t.vocabulary = 'EVENT_TYPE' AND x:Event AND x.type = t.key) \
                          OR (t.vocabulary = 'PARTICIPANT_ROLE' AND x:Participation AND x.role = t.key) \
                     RETURN count(x) AS row",
                ).param("id", id))
                .await?;
            let n = used.first().copied().unwrap_or(0);
            if n > 0 {
                return Err(AppError::conflict(
                    Some("id"),
                    format!("{n} node(s) still use this term"),
                ));
            }
        }
        _ => {}
    }
    // The claims are found from each doomed node (an anchored expansion), never by scanning all claims.
    let text = format!(
        "MATCH (n:{label} {{id: $id}}) {deps} \
         WITH n, collect(DISTINCT dep) AS deps \
         UNWIND [n] + deps AS x \
         OPTIONAL MATCH (x)<-[:ABOUT]-(c:Claim) \
         WITH n, deps, collect(DISTINCT c) AS claims \
         WITH [n] + deps + claims AS doomed \
         FOREACH (x IN doomed | DETACH DELETE x) \
         RETURN size(doomed) AS row",
        deps = kind.dependents()
    );
    let n: Vec<i64> = tx.rows(Statement::assembled(text).param("id", id)).await?;
    Ok(n.first().copied().unwrap_or(0))
}

/// Merges `duplicate` into `keep` (two actors, or two places): every relationship and every claim of
/// the duplicate moves to the kept node, the duplicate's name and aliases become aliases, and the
/// duplicate's id is remembered in `mergedIds`. Then the duplicate is deleted.
pub async fn merge_nodes(
    tx: &mut Tx,
    kind: NodeKind,
    keep: &str,
    duplicate: &str,
) -> AppResult<()> {
    let label = kind.label();
    if keep == duplicate {
        return Err(AppError::bad_input(
            "duplicate",
            "cannot merge a node into itself",
        ));
    }
    #[derive(serde::Deserialize)]
    struct Pair {
        keep: Option<String>,
        dup: Option<String>,
    }
    let pair: Vec<Pair> = tx
        .rows(Statement::assembled(format!(
            "OPTIONAL MATCH (k:{label} {{id: $keep}}) WHERE ($collections IS NULL OR k.collection IN $collections) \
             OPTIONAL MATCH (d:{label} {{id: $dup}}) WHERE ($collections IS NULL OR d.collection IN $collections) \
             RETURN {{keep: k.collection, dup: d.collection}} AS row"
        )).param("keep", keep).param("dup", duplicate))
        .await?;
    let pair = pair.into_iter().next().unwrap_or(Pair {
        keep: None,
        dup: None,
    });
    match (pair.keep, pair.dup) {
        (None, _) => return Err(AppError::not_found(label, keep, "keep")),
        (_, None) => return Err(AppError::not_found(label, duplicate, "duplicate")),
        (Some(a), Some(b)) if a != b => {
            return Err(AppError::bad_input(
                "duplicate",
                "the two nodes are in different collections",
            ))
        }
        _ => {}
    }
    // Each relationship type the kind can have, in each direction. Types come from the code only.
    let moves: &[(&str, bool)] = match kind {
        NodeKind::Actor => &[
            ("PARTICIPATES_AS", true),
            ("MEMBER_OF", true),
            ("MEMBER_OF", false),
            ("ANSWERS_TO", true),
            ("ANSWERS_TO", false),
            ("PUBLISHED_BY", false),
        ],
        NodeKind::Place => &[("AT", false), ("WITHIN", false), ("WITHIN", true)],
        _ => {
            return Err(AppError::bad_input(
                "keep",
                "only actors and places can be merged",
            ))
        }
    };
    for (ty, outgoing) in moves {
        // Hierarchies stay acyclic: a link that would close a loop through the kept node (the duplicate
        // belonged to one of the kept node's own members) is dropped, as is one to the kept node itself.
        let acyclic = matches!(*ty, "MEMBER_OF" | "ANSWERS_TO" | "WITHIN");
        let text = if *outgoing {
            format!(
                "MATCH (d:{label} {{id: $dup}})-[r:{ty}]->(x) MATCH (k:{label} {{id: $keep}}) \
                 WITH k, x, r WHERE x <> k AND NOT EXISTS {{ MATCH (k)-[:{ty}]->(x) }} \
                 {guard} {cycle} MERGE (k)-[:{ty}]->(x)",
                // A place keeps its own parent if it has one: a place lies within one place only. A
                // parent that is the duplicate itself goes with it, so it does not count.
                guard = if *ty == "WITHIN" {
                    "AND NOT EXISTS { MATCH (k)-[:WITHIN]->(p) WHERE p.id <> $dup }"
                } else {
                    ""
                },
                cycle = if acyclic {
                    format!("AND NOT EXISTS {{ MATCH (x)-[:{ty}*1..32]->(k) }}")
                } else {
                    String::new()
                }
            )
        } else {
            format!(
                "MATCH (d:{label} {{id: $dup}})<-[r:{ty}]-(x) MATCH (k:{label} {{id: $keep}}) \
                 WITH k, x, r WHERE x <> k AND NOT EXISTS {{ MATCH (k)<-[:{ty}]-(x) }} \
                 {cycle} MERGE (k)<-[:{ty}]-(x)",
                cycle = if acyclic {
                    format!("AND NOT EXISTS {{ MATCH (k)-[:{ty}*1..32]->(x) }}")
                } else {
                    String::new()
                }
            )
        };
        tx.run(
            Statement::assembled(text)
                .param("dup", duplicate)
                .param("keep", keep),
        )
        .await?;
    }
    let finish = format!(
        "MATCH (k:{label} {{id: $keep}}), (d:{label} {{id: $dup}}) \
         SET k.aliases = [a IN coalesce(k.aliases, []) + [d.name] + coalesce(d.aliases, []) WHERE a <> k.name | a], \
             k.mergedIds = coalesce(k.mergedIds, []) + [d.id] + coalesce(d.mergedIds, []), \
             k.description = coalesce(k.description, d.description) \
         {extra} \
         WITH k, d, k.aliases AS al \
         SET k.aliases = reduce(acc = [], a IN al | CASE WHEN a IN acc THEN acc ELSE acc + a END) \
         DETACH DELETE d",
        extra = if kind == NodeKind::Place { ", k.location = coalesce(k.location, d.location)" } else { "" }
    );
    tx.run(
        Statement::assembled(finish)
            .param("dup", duplicate)
            .param("keep", keep),
    )
    .await?;
    Ok(())
}

/// Guards a read-modify-write (a patch) against lost updates: inside the write transaction, takes the
/// node's write lock (held until commit) and checks that it still is what the patch was computed from.
/// If another write landed in between, the patch is refused with `CONFLICT` instead of silently undoing
/// that write.
pub async fn expect_unchanged(tx: &mut Tx, before: &NodeRecord) -> AppResult<()> {
    // Setting and removing a property is Neo4j's way to take a node's exclusive lock in Cypher.
    let text = format!(
        "MATCH (n:Node {{id: $id}}) WHERE ($collections IS NULL OR n.collection IN $collections) \
         SET n._lock = true REMOVE n._lock RETURN {NODE_PROJECTION} AS row"
    );
    let rows: Vec<Value> = tx
        .rows(Statement::assembled(text).param("id", before.id()))
        .await?;
    let now = rows
        .into_iter()
        .next()
        .map(NodeRecord::decode)
        .transpose()?;
    match now {
        None => Err(AppError::not_found("node", before.id(), "id")),
        Some(now) if &now != before => Err(AppError::conflict(
            Some("id"),
            "it was changed by another write since this update read it; read it again and retry",
        )),
        Some(_) => Ok(()),
    }
}
