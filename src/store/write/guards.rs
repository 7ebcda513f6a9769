//! The checks that keep a change set whole and honest, run inside its transaction: the caller may
//! write to every collection it names; an id names one kind of node in one collection; every reference
//! names an existing node of the right kind in the same collection, and every taxonomy key a term of
//! that collection; a patch was computed from what is still stored.

use serde_json::{json, Value};

use super::{ChangeSet, Ident};
use crate::{
    domain::{NodeKind, Vocabulary},
    error::{AppError, AppResult},
    store::{
        cypher,
        records::{term_id, NodeRecord, NODE_PROJECTION},
        Statement, Tx,
    },
};

/// Every node written must belong to a collection the caller may write to.
pub(super) fn check_scope(tx: &Tx, cs: &ChangeSet) -> AppResult<()> {
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
    match all
        .into_iter()
        .find(|(c, _)| !allowed.iter().any(|a| a == c.as_str()))
    {
        Some((c, field)) => Err(AppError::not_found(
            NodeKind::Collection,
            c.as_str(),
            format!("{field}.collection"),
        )),
        None => Ok(()),
    }
}

fn idents(cs: &ChangeSet) -> impl Iterator<Item = (NodeKind, &Ident)> {
    cs.actors
        .iter()
        .map(|x| (NodeKind::Actor, &x.ident))
        .chain(cs.places.iter().map(|x| (NodeKind::Place, &x.ident)))
        .chain(cs.sources.iter().map(|x| (NodeKind::Source, &x.ident)))
        .chain(cs.events.iter().map(|x| (NodeKind::Event, &x.ident)))
        .chain(
            cs.participations
                .iter()
                .map(|x| (NodeKind::Participation, &x.ident)),
        )
        .chain(cs.counts.iter().map(|x| (NodeKind::Count, &x.ident)))
        .chain(cs.claims.iter().map(|x| (NodeKind::Claim, &x.ident)))
}

/// An id may not be reused for another kind of node or moved to another collection by an upsert, and
/// may appear only once in a change set.
pub(super) async fn check_identities(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let mut rows: Vec<Value> = cs
        .collections
        .iter()
        .map(|c| json!({"id": c.id, "label": NodeKind::Collection.label(), "collection": c.id, "field": format!("{}.id", c.field)}))
        .collect();
    // A term's id is derived from its key, so a clash is the key's fault.
    for t in &cs.terms {
        let id = term_id(t.collection.as_str(), t.vocabulary, t.key.as_str());
        rows.push(json!({"id": id, "label": NodeKind::Term.label(), "collection": t.collection, "field": format!("{}.key", t.field)}));
    }
    for (kind, ident) in idents(cs) {
        rows.push(json!({"id": ident.id, "label": kind.label(), "collection": ident.collection, "field": format!("{}.id", ident.field)}));
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
             RETURN {id: row.id, field: row.field, labels: [l IN labels(x) WHERE l <> 'Node'], collection: x.collection} AS row",
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
pub(super) async fn check_references(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let mut refs: Vec<Value> = Vec::new();
    // Each reference remembers which kinds it may name, by its index in `KINDS`, so that a missing
    // one is reported with a `NodeKind`, not a string.
    const KINDS: [&[NodeKind]; 7] = [
        &[NodeKind::Collection],
        &[NodeKind::Term],
        &[NodeKind::Event],
        &[NodeKind::Actor],
        &[NodeKind::Source],
        NodeKind::FACTS,
        &[NodeKind::Count],
    ];
    // A reference to a node this change set writes is satisfied by the change set itself: its id
    // was checked against the database by `check_identities` (same kind, same collection).
    let mut own: std::collections::HashMap<String, (NodeKind, &str)> = Default::default();
    for c in &cs.collections {
        own.insert(
            c.id.as_str().to_owned(),
            (NodeKind::Collection, c.id.as_str()),
        );
    }
    for t in &cs.terms {
        let id = term_id(t.collection.as_str(), t.vocabulary, t.key.as_str());
        own.insert(id, (NodeKind::Term, t.collection.as_str()));
    }
    for (kind, ident) in idents(cs) {
        own.insert(
            ident.id.as_str().to_owned(),
            (kind, ident.collection.as_str()),
        );
    }
    let mut push = |id: &str, kinds: usize, collection: &str, field: String, term: bool| {
        if own
            .get(id)
            .is_some_and(|(k, c)| *c == collection && KINDS[kinds].contains(k))
        {
            return;
        }
        let labels: Vec<&str> = KINDS[kinds].iter().map(|k| k.label()).collect();
        refs.push(json!({"id": id, "labels": labels, "kinds": kinds, "collection": collection, "field": field, "term": term}));
    };
    let (collection_k, term_k, event_k, actor_k, source_k, fact_k) = (0, 1, 2, 3, 4, 5);
    for t in &cs.terms {
        push(
            t.collection.as_str(),
            collection_k,
            t.collection.as_str(),
            format!("{}.collection", t.field),
            false,
        );
    }
    for (_, ident) in idents(cs) {
        push(
            ident.collection.as_str(),
            collection_k,
            ident.collection.as_str(),
            format!("{}.collection", ident.field),
            false,
        );
    }
    for e in &cs.events {
        let id = term_id(
            e.ident.collection.as_str(),
            Vocabulary::EventType,
            e.event_type.as_str(),
        );
        push(
            &id,
            term_k,
            e.ident.collection.as_str(),
            format!("{}.type", e.ident.field),
            true,
        );
    }
    for p in &cs.participations {
        let c = p.ident.collection.as_str();
        push(
            p.event.as_str(),
            event_k,
            c,
            format!("{}.event", p.ident.field),
            false,
        );
        push(
            p.actor.as_str(),
            actor_k,
            c,
            format!("{}.actor", p.ident.field),
            false,
        );
        let id = term_id(c, Vocabulary::ParticipantRole, p.role.as_str());
        push(&id, term_k, c, format!("{}.role", p.ident.field), true);
    }
    for k in &cs.counts {
        push(
            k.event.as_str(),
            event_k,
            k.ident.collection.as_str(),
            format!("{}.event", k.ident.field),
            false,
        );
    }
    for c in &cs.claims {
        let col = c.ident.collection.as_str();
        push(
            c.about.as_str(),
            fact_k,
            col,
            format!("{}.about", c.ident.field),
            false,
        );
        push(
            c.source.as_str(),
            source_k,
            col,
            format!("{}.source", c.ident.field),
            false,
        );
    }
    // Many references name the same node (every node its collection, every claim one of a few
    // sources): each is looked up once, reported at its first use.
    let mut seen = std::collections::HashSet::new();
    refs.retain(|r| {
        seen.insert((
            r["id"].to_string(),
            r["kinds"].to_string(),
            r["collection"].to_string(),
        ))
    });
    if refs.is_empty() {
        return Ok(());
    }
    #[derive(serde::Deserialize)]
    struct Missing {
        id: String,
        field: String,
        labels: Vec<String>,
        kinds: usize,
        term: bool,
        found: Option<Vec<String>>,
        collection: Option<String>,
    }
    let missing: Vec<Missing> = tx
        .rows(Statement::new(
            // Every bad row, not `LIMIT 1`: see `links::apply_relation`.
            "UNWIND $refs AS ref OPTIONAL MATCH (x:Node {id: ref.id}) \
             WITH ref, x WHERE x IS NULL OR x.collection <> ref.collection \
                OR NOT any(l IN ref.labels WHERE l IN labels(x)) \
             RETURN {id: ref.id, field: ref.field, labels: ref.labels, kinds: ref.kinds, term: ref.term, \
                     found: CASE WHEN x IS NULL THEN null ELSE [l IN labels(x) WHERE l <> 'Node'] END, \
                     collection: x.collection} AS row",
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
    let wanted = NodeKind::describe(KINDS[m.kinds]);
    Err(match (m.found, m.collection) {
        (None, _) => AppError::not_found_any(KINDS[m.kinds], m.id, m.field),
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

/// Guards a read-modify-write (a patch) against lost updates: inside the write transaction, takes the
/// node's write lock (held until commit) and checks that it still is what the patch was computed from.
/// If another write landed in between, the patch is refused with `CONFLICT` instead of silently undoing
/// that write.
pub async fn expect_unchanged(tx: &mut Tx, before: &NodeRecord) -> AppResult<()> {
    // Setting and removing a property is Neo4j's way to take a node's exclusive lock in Cypher.
    let statement = cypher!(
        "MATCH (n:Node {id: $id}) WHERE ($collections IS NULL OR n.collection IN $collections) \
         SET n._lock = true REMOVE n._lock RETURN ",
        NODE_PROJECTION,
        " AS row"
    );
    let rows: Vec<Value> = tx.rows(statement.param("id", before.id())).await?;
    let now = rows
        .into_iter()
        .next()
        .map(NodeRecord::decode)
        .transpose()?;
    match now {
        None => Err(AppError::not_found_any(NodeKind::ALL, before.id(), "id")),
        Some(now) if &now != before => Err(AppError::conflict(
            Some("id"),
            "it was changed by another write since this update read it; read it again and retry",
        )),
        Some(_) => Ok(()),
    }
}
