//! A whole document at once — a collection with its terms, actors, places, sources, events,
//! participations and counts — checked with every problem reported, then written in one transaction.
//! The importer's way in; the rules are the same per-kind checks mutations use, with
//! [`Origin::Import`].

use std::sync::Arc;

use crate::{
    domain::{NodeId, ValidationError},
    error::AppResult,
    store::{
        write::{self, bulk, ChangeSet, LinkSet, Summary},
        Scope, Store,
    },
};

use super::{
    actor::ActorDraft,
    collection::{CollectionDraft, TermDraft},
    count::CountDraft,
    event::EventDraft,
    participation::ParticipationDraft,
    place::PlaceDraft,
    relation::RelationEvidenceDraft,
    source::SourceDraft,
    Check, Origin,
};

/// Every record of one document as drafts, in the document's order. Each list's name is the field
/// path of its records (`actors[3].name`).
#[derive(Debug, Clone)]
pub struct Batch {
    pub collection: CollectionDraft,
    pub terms: Vec<TermDraft>,
    pub actors: Vec<ActorDraft>,
    pub places: Vec<PlaceDraft>,
    pub sources: Vec<SourceDraft>,
    pub events: Vec<EventDraft>,
    pub participations: Vec<ParticipationDraft>,
    pub counts: Vec<CountDraft>,
    /// Evidence for relations drawn by the records above (`relations[3].claims[0].excerpt`).
    pub relations: Vec<RelationEvidenceDraft>,
}

impl Batch {
    /// Checks every record with the rules of `origin`; all problems at once, each with its path.
    pub fn check(&self, origin: Origin) -> Result<ChangeSet, Vec<ValidationError>> {
        let mut v = Check::new();
        let mut cs = ChangeSet::default();
        v.within("collection", |v| self.collection.check(v, origin, &mut cs));
        // Every record belongs to the collection: with its id wrong, each would say so again.
        if !v.is_clean() {
            return Err(v.into_errors());
        }
        fn each<T>(
            v: &mut Check,
            list: &str,
            items: &[T],
            mut one: impl FnMut(&T, &mut Check) -> Option<NodeId>,
        ) {
            for (i, item) in items.iter().enumerate() {
                v.within(&format!("{list}[{i}]"), |v| one(item, v));
            }
        }
        each(&mut v, "terms", &self.terms, |t, v| {
            t.check(v, origin, &mut cs)
        });
        each(&mut v, "actors", &self.actors, |a, v| {
            a.check(v, origin, &mut cs)
        });
        each(&mut v, "places", &self.places, |p, v| {
            p.check(v, origin, &mut cs)
        });
        each(&mut v, "sources", &self.sources, |s, v| {
            s.check(v, origin, &mut cs)
        });
        each(&mut v, "events", &self.events, |e, v| {
            e.check(v, origin, &mut cs)
        });
        each(&mut v, "participations", &self.participations, |p, v| {
            p.check(v, origin, &mut cs)
        });
        each(&mut v, "counts", &self.counts, |c, v| {
            c.check(v, origin, &mut cs)
        });
        // A file says everything about a relation it gives evidence for: `replace`.
        for (i, r) in self.relations.iter().enumerate() {
            v.within(&format!("relations[{i}]"), |v| {
                r.check(v, origin, true, &mut cs)
            });
        }
        if v.is_clean() {
            Ok(cs)
        } else {
            Err(v.into_errors())
        }
    }
}

/// Writes a checked document's change set in one transaction.
pub async fn write(store: &Arc<Store>, cs: ChangeSet) -> AppResult<Summary> {
    let db = store.session(Scope::all());
    // Shared, not copied, by each attempt (a deadlock reruns the transaction).
    let cs = Arc::new(cs);
    db.write(|tx| {
        let cs = cs.clone();
        Box::pin(async move { write::apply(tx, &cs).await })
    })
    .await
}

/// One record of a streamed import (`crate::import::bulk`): the same drafts as in a [`Batch`], checked
/// one at a time so that a bad record is reported (or skipped) on its own.
#[derive(Debug, Clone)]
pub enum Draft {
    Term(TermDraft),
    Actor(ActorDraft),
    Place(PlaceDraft),
    Source(SourceDraft),
    Event(EventDraft),
    Participation(ParticipationDraft),
    Count(CountDraft),
    /// A `relations` entry: evidence for a relation drawn by an earlier record.
    Relation(RelationEvidenceDraft),
}

impl Draft {
    /// Checks the record with the rules of `origin`, under the path `at` (`line 12`, `events[3]`),
    /// into a change set of its own: all of it, or — with every problem — none of it.
    pub fn check(&self, at: &str, origin: Origin) -> Result<ChangeSet, Vec<ValidationError>> {
        let mut v = Check::new();
        let mut cs = ChangeSet::default();
        v.within(at, |v| {
            let written = match self {
                Draft::Term(t) => t.check(v, origin, &mut cs),
                Draft::Actor(a) => a.check(v, origin, &mut cs),
                Draft::Place(p) => p.check(v, origin, &mut cs),
                Draft::Source(s) => s.check(v, origin, &mut cs),
                Draft::Event(e) => e.check(v, origin, &mut cs),
                Draft::Participation(p) => p.check(v, origin, &mut cs),
                Draft::Count(c) => c.check(v, origin, &mut cs),
                // A file says everything about a relation it gives evidence for: `replace`.
                Draft::Relation(r) => return r.check(v, origin, true, &mut cs),
            };
            written.map(|_| ())
        });
        if v.is_clean() {
            Ok(cs)
        } else {
            Err(v.into_errors())
        }
    }
}

/// Checks a collection on its own (a streamed import's first record), into its change set.
pub fn check_collection(
    draft: &CollectionDraft,
    origin: Origin,
) -> Result<ChangeSet, Vec<ValidationError>> {
    let mut v = Check::new();
    let mut cs = ChangeSet::default();
    v.within("collection", |v| draft.check(v, origin, &mut cs));
    if v.is_clean() {
        Ok(cs)
    } else {
        Err(v.into_errors())
    }
}

/// One batch of a streamed import, ready to write.
#[derive(Debug, Clone, Default)]
pub struct Chunk {
    pub collection: String,
    pub changes: ChangeSet,
    /// Relations naming records not yet written, each with its record's position: put off.
    pub deferred: Vec<(String, LinkSet)>,
    /// `relations` entries (position, JSON), written once the whole file is: put off too.
    pub evidence: Vec<(String, String)>,
    /// The batch's checkpoint key, its number and how many records it holds.
    pub checkpoint: String,
    pub number: u64,
    pub records: usize,
}

/// Writes one batch of a streamed import, its put-off relations and its checkpoint in one transaction:
/// the batch and the record that it committed stand or fall together (see `store::write::bulk`).
pub async fn write_chunk(
    store: &Arc<Store>,
    chunk: Arc<Chunk>,
    pending: String,
) -> AppResult<Summary> {
    let db = store.session(Scope::all());
    db.write(move |tx| {
        let (chunk, pending) = (chunk.clone(), pending.clone());
        Box::pin(async move {
            let summary = write::apply_bulk(tx, &chunk.changes).await?;
            let (c, key) = (&chunk.collection, &chunk.checkpoint);
            bulk::defer_links(tx, c, &pending, key, &chunk.deferred).await?;
            bulk::defer_evidence(tx, c, key, &chunk.evidence).await?;
            bulk::record_batch(tx, c, key, chunk.number, chunk.records).await?;
            Ok(summary)
        })
    })
    .await
}

/// Applies put-off relations (now that the whole file is written) and deletes their pending records,
/// in one transaction; `drop` lists pending records to delete unapplied.
pub async fn write_pending(
    store: &Arc<Store>,
    links: Vec<LinkSet>,
    done: Vec<String>,
) -> AppResult<Summary> {
    let cs = ChangeSet {
        links,
        ..ChangeSet::default()
    };
    write_pending_changes(store, cs, done).await
}

/// Writes put-off changes (a streamed import's relation evidence, checked again from its record) and
/// deletes their pending records, in one transaction.
pub async fn write_pending_changes(
    store: &Arc<Store>,
    cs: ChangeSet,
    done: Vec<String>,
) -> AppResult<Summary> {
    let db = store.session(Scope::all());
    let cs = Arc::new(cs);
    db.write(move |tx| {
        let (cs, done) = (cs.clone(), done.clone());
        Box::pin(async move {
            let summary = write::apply(tx, &cs).await?;
            bulk::drop_pending(tx, &done).await?;
            Ok(summary)
        })
    })
    .await
}
