//! A whole document at once — a collection with its terms, actors, places, sources, events,
//! participations and counts — checked with every problem reported, then written in one transaction.
//! The importer's way in; the rules are the same per-kind checks mutations use, with
//! [`Origin::Import`].

use std::sync::Arc;

use crate::{
    domain::{NodeId, ValidationError},
    error::AppResult,
    store::{
        write::{self, ChangeSet, Summary},
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
    db.write(|tx| Box::pin(async move { write::apply(tx, &cs).await }))
        .await
}
