//! The checks that keep a change set whole and honest, run inside its transaction: the caller may
//! write to every collection it names; an id names one kind of node in one collection; every reference
//! names an existing node of the right kind in the same collection, and every taxonomy key a term of
//! that collection; a patch was computed from what is still stored.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

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

/// A stored node, as far as the guards need it: its kinds' labels (without `Node`) and collection.
#[derive(Debug, Clone, serde::Deserialize)]
pub(super) struct Found {
    id: String,
    labels: Vec<String>,
    collection: Option<String>,
}

impl Found {
    pub(super) fn is(&self, label: &str) -> bool {
        self.labels.iter().any(|l| l == label)
    }

    pub(super) fn collection(&self) -> Option<&str> {
        self.collection.as_deref()
    }
}

/// The stored nodes among `ids`, by id: one statement, one index seek per id (absent ids are simply
/// not returned). Every check below is a question about this map, so that a bulk write asks Neo4j
/// once for all of them ([`super::apply_bulk`]).
pub(super) type Stored = HashMap<String, Found>;

pub(super) async fn lookup(tx: &mut Tx, mut ids: Vec<&str>) -> AppResult<Stored> {
    let mut seen = HashSet::new();
    ids.retain(|id| seen.insert(*id));
    if ids.is_empty() {
        return Ok(Stored::new());
    }
    let found: Vec<Found> = tx
        .rows(
            Statement::new(
                "UNWIND $ids AS id MATCH (x:Node {id: id}) USING INDEX SEEK x:Node(id) \
                 RETURN {id: x.id, labels: [l IN labels(x) WHERE l <> 'Node'], collection: x.collection} AS row",
            )
            .param("ids", ids),
        )
        .await?;
    Ok(found.into_iter().map(|f| (f.id.clone(), f)).collect())
}

/// The ids a change set writes (its own nodes), each with its kind, collection and the input field
/// that gave it, in the change set's order.
pub(super) struct Identity {
    pub(super) id: String,
    pub(super) kind: NodeKind,
    pub(super) collection: String,
    field: String,
}

pub(super) fn identities(cs: &ChangeSet) -> Vec<Identity> {
    let mut rows: Vec<Identity> = cs
        .collections
        .iter()
        .map(|c| Identity {
            id: c.id.to_string(),
            kind: NodeKind::Collection,
            collection: c.id.to_string(),
            field: format!("{}.id", c.field),
        })
        .collect();
    // A term's id is derived from its key, so a clash is the key's fault.
    for t in &cs.terms {
        rows.push(Identity {
            id: term_id(t.collection.as_str(), t.vocabulary, t.key.as_str()),
            kind: NodeKind::Term,
            collection: t.collection.to_string(),
            field: format!("{}.key", t.field),
        });
    }
    for (kind, ident) in idents(cs) {
        rows.push(Identity {
            id: ident.id.to_string(),
            kind,
            collection: ident.collection.to_string(),
            field: format!("{}.id", ident.field),
        });
    }
    rows
}

/// An id may not be reused for another kind of node or moved to another collection by an upsert, and
/// may appear only once in a change set.
pub(super) async fn check_identities(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let rows = identities(cs);
    check_unique(&rows)?;
    let ids = rows.iter().map(|r| r.id.as_str()).collect();
    let stored = lookup(tx, ids).await?;
    check_clashes(&rows, &stored)
}

/// No id twice in one change set.
pub(super) fn check_unique(rows: &[Identity]) -> AppResult<()> {
    let mut seen = HashSet::new();
    for r in rows {
        if !seen.insert(r.id.as_str()) {
            return Err(AppError::conflict(
                Some(&r.field),
                format!("the id {:?} is given twice", r.id),
            ));
        }
    }
    Ok(())
}

/// No id already naming a node of another kind or collection (the first such, in the change set's
/// order).
pub(super) fn check_clashes(rows: &[Identity], stored: &Stored) -> AppResult<()> {
    let clash = rows.iter().find_map(|r| {
        let x = stored.get(&r.id)?;
        (!x.is(r.kind.label()) || x.collection() != Some(r.collection.as_str())).then_some((r, x))
    });
    match clash {
        None => Ok(()),
        Some((r, x)) => Err(AppError::conflict(
            Some(&r.field),
            format!(
                "the id {:?} already names a {} in collection {:?}",
                r.id,
                x.labels.join("/"),
                x.collection.clone().unwrap_or_default()
            ),
        )),
    }
}

/// Each reference may name one of these kinds, by index.
const KINDS: [&[NodeKind]; 7] = [
    &[NodeKind::Collection],
    &[NodeKind::Term],
    &[NodeKind::Event],
    &[NodeKind::Actor],
    &[NodeKind::Source],
    NodeKind::FACTS,
    &[NodeKind::Count],
];

/// One reference of a change set to a node it does not write itself.
pub(super) struct Reference {
    pub(super) id: String,
    /// Index in `KINDS`: a missing one is reported with a `NodeKind`, not a string.
    kinds: usize,
    collection: String,
    field: String,
    term: bool,
}

/// The references of a change set that its own nodes do not satisfy, each once (reported at its
/// first use), in the change set's order.
pub(super) fn references(cs: &ChangeSet) -> Vec<Reference> {
    let mut refs: Vec<Reference> = Vec::new();
    // A reference to a node this change set writes is satisfied by the change set itself: its id
    // was checked against the database by `check_identities` (same kind, same collection).
    let own: HashMap<String, (NodeKind, String)> = identities(cs)
        .into_iter()
        .map(|r| (r.id, (r.kind, r.collection)))
        .collect();
    // Many references name the same node (every node its collection, every claim one of a few
    // sources): each is looked up once.
    let mut seen = HashSet::new();
    let mut push = |id: &str, kinds: usize, collection: &str, field: String, term: bool| {
        if own
            .get(id)
            .is_some_and(|(k, c)| c == collection && KINDS[kinds].contains(k))
        {
            return;
        }
        if !seen.insert((id.to_owned(), kinds, collection.to_owned())) {
            return;
        }
        refs.push(Reference {
            id: id.to_owned(),
            kinds,
            collection: collection.to_owned(),
            field,
            term,
        });
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
    refs
}

/// Every reference must name an existing node of the right kind in the same collection; every taxonomy
/// key must be a term of that collection. One round trip for the whole change set.
pub(super) async fn check_references(tx: &mut Tx, cs: &ChangeSet) -> AppResult<()> {
    let refs = references(cs);
    let ids = refs.iter().map(|r| r.id.as_str()).collect();
    let stored = lookup(tx, ids).await?;
    check_found(&refs, &stored)
}

/// The first reference that `stored` does not satisfy, as its error.
pub(super) fn check_found(refs: &[Reference], stored: &Stored) -> AppResult<()> {
    let bad = refs.iter().find_map(|r| {
        let x = stored.get(&r.id);
        let ok = x.is_some_and(|x| {
            x.collection() == Some(r.collection.as_str())
                && KINDS[r.kinds].iter().any(|k| x.is(k.label()))
        });
        (!ok).then_some((r, x))
    });
    let Some((m, found)) = bad else {
        return Ok(());
    };
    if m.term {
        let key = m.id.rsplit(':').next().unwrap_or(&m.id).to_string();
        return Err(AppError::bad_input(
            m.field.clone(),
            format!(
                "{key:?} is not a term of this collection's taxonomy; add it with upsertTerm first"
            ),
        ));
    }
    let wanted = NodeKind::describe(KINDS[m.kinds]);
    let field = m.field.clone();
    Err(match found {
        None => AppError::not_found_any(KINDS[m.kinds], m.id.clone(), field),
        Some(x) if !KINDS[m.kinds].iter().any(|k| x.is(k.label())) => AppError::bad_input(
            field,
            format!(
                "{:?} is a {} (in {:?}), not a {wanted}",
                m.id,
                x.labels.join("/"),
                x.collection().unwrap_or_default()
            ),
        ),
        Some(x) => AppError::bad_input(
            field,
            format!(
                "{:?} belongs to collection {:?}; links stay within one collection",
                m.id,
                x.collection().unwrap_or_default()
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
        "MATCH (n:Node {id: $id}) USING INDEX SEEK n:Node(id) WHERE ($collections IS NULL OR n.collection IN $collections) \
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
