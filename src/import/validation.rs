//! From a parsed document to a checked change set: the format tag, the document's own reference rules
//! ([`super::references`]), and every record translated into the application layer's drafts and
//! checked by the same code a mutation goes through, with [`Origin::Import`]. Every problem is reported
//! at once, each with its JSON path (`events[3].date.edtf`), so a user fixes a file in one pass.

use std::collections::HashSet;

use super::{
    document::{
        ActorRecord, ClaimRecord, CollectionRecord, CountRecord, DateRecord, EventRecord,
        ImportDocument, ParticipationRecord, PlaceRecord, SourceRecord, TermRecord, FORMAT_TAG,
    },
    references,
};
use crate::{
    app::{
        actor::ActorDraft,
        batch::Batch,
        claim::ClaimDraft,
        collection::{CollectionDraft, TermDraft},
        count::CountDraft,
        event::EventDraft,
        participation::ParticipationDraft,
        place::PlaceDraft,
        source::{CitationDraft, SourceDraft},
        DateDraft, Origin,
    },
    domain::ValidationError,
    store::write::ChangeSet,
};

/// A document that passed every check: the change set that writes it.
#[derive(Debug, Clone)]
pub struct ValidatedDocument {
    pub changes: ChangeSet,
}

impl ImportDocument {
    /// Checks everything that does not need the database and returns all problems found.
    pub fn validate(&self) -> Result<ValidatedDocument, Vec<ValidationError>> {
        let mut errors = Vec::new();
        if self.format != FORMAT_TAG {
            errors.push(ValidationError::new(
                "format",
                format!("is `{}`; this importer reads `{FORMAT_TAG}`", self.format),
            ));
        }
        errors.extend(references::check(self));
        errors.extend(super::relations::check(self));
        let checked = self.to_batch().check(Origin::Import);
        match checked {
            Ok(changes) if errors.is_empty() => Ok(ValidatedDocument { changes }),
            Ok(_) => Err(errors),
            Err(more) => {
                errors.extend(more);
                // A malformed id is found by both the reference index and the record's own check:
                // one error per field.
                let mut fields = HashSet::new();
                errors.retain(|e| fields.insert(e.field.clone()));
                Err(errors)
            }
        }
    }

    /// The document's records as drafts: field for field, nothing checked or defaulted here.
    pub fn to_batch(&self) -> Batch {
        let c = self.collection.id.as_str();
        Batch {
            collection: collection_draft(&self.collection),
            terms: self.terms.iter().map(|t| term_draft(t, c)).collect(),
            actors: self.actors.iter().map(|a| actor_draft(a, c)).collect(),
            places: self.places.iter().map(|p| place_draft(p, c)).collect(),
            sources: self.sources.iter().map(|s| source_draft(s, c)).collect(),
            events: self.events.iter().map(|e| event_draft(e, c)).collect(),
            participations: self
                .participations
                .iter()
                .map(|p| participation_draft(p, c))
                .collect(),
            relations: super::relations::drafts(self),
            counts: self.counts.iter().map(|n| count_draft(n, c)).collect(),
        }
    }
}

// One mapping per record kind, shared by the whole-document path above and the streamed import
// (`super::bulk`): field for field, nothing checked or defaulted here.

pub(super) fn collection_draft(c: &CollectionRecord) -> CollectionDraft {
    CollectionDraft {
        id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
    }
}

pub(super) fn term_draft(t: &TermRecord, collection: &str) -> TermDraft {
    TermDraft {
        collection: collection.to_owned(),
        vocabulary: t.vocabulary,
        key: t.key.clone(),
        label: t.label.clone(),
        description: t.description.clone(),
    }
}

pub(super) fn actor_draft(a: &ActorRecord, collection: &str) -> ActorDraft {
    ActorDraft {
        id: Some(a.id.clone()),
        collection: collection.to_owned(),
        kind: a.kind,
        name: a.name.clone(),
        aliases: a.aliases.clone(),
        description: a.description.clone(),
        member_of: a.member_of.clone(),
        answers_to: a.answers_to.clone(),
    }
}

pub(super) fn place_draft(p: &PlaceRecord, collection: &str) -> PlaceDraft {
    PlaceDraft {
        id: Some(p.id.clone()),
        collection: collection.to_owned(),
        kind: p.kind,
        name: p.name.clone(),
        aliases: p.aliases.clone(),
        description: p.description.clone(),
        within: p.within.clone(),
        location: p.location.map(|l| (l.latitude, l.longitude)),
        precision: p.precision,
    }
}

pub(super) fn source_draft(s: &SourceRecord, collection: &str) -> SourceDraft {
    SourceDraft {
        id: Some(s.id.clone()),
        collection: collection.to_owned(),
        kind: s.kind,
        title: s.title.clone(),
        url: s.url.clone(),
        language: s.language.clone(),
        published: s.published.as_ref().map(date),
        publisher: s.publisher.clone(),
        cites: s
            .cites
            .iter()
            .map(|x| CitationDraft {
                source: x.source.clone(),
                excerpt: x.excerpt.clone(),
            })
            .collect(),
    }
}

pub(super) fn event_draft(e: &EventRecord, collection: &str) -> EventDraft {
    EventDraft {
        id: Some(e.id.clone()),
        collection: collection.to_owned(),
        event_type: e.event_type.clone(),
        title: e.title.clone(),
        description: e.description.clone(),
        date: date(&e.date),
        place: e.place.clone(),
        part_of: e.part_of.clone(),
        followed_by: e.followed_by.clone(),
        led_to: e.led_to.clone(),
        claims: claims(&e.claims),
    }
}

pub(super) fn participation_draft(p: &ParticipationRecord, collection: &str) -> ParticipationDraft {
    ParticipationDraft {
        id: Some(p.id.clone()),
        collection: collection.to_owned(),
        event: p.event.clone(),
        actor: p.actor.clone(),
        role: p.role.clone(),
        description: p.description.clone(),
        claims: claims(&p.claims),
    }
}

pub(super) fn count_draft(n: &CountRecord, collection: &str) -> CountDraft {
    CountDraft {
        id: Some(n.id.clone()),
        collection: collection.to_owned(),
        event: n.event.clone(),
        subject: n.subject.clone(),
        value: n.value,
        qualifier: n.qualifier,
        lower: n.lower,
        upper: n.upper,
        unit: n.unit.clone(),
        subgroup: n.subgroup.clone(),
        wording: n.wording.clone(),
        part_of: n.part_of.clone(),
        claims: claims(&n.claims),
    }
}

fn date(d: &DateRecord) -> DateDraft {
    DateDraft {
        edtf: d.edtf.clone(),
        inferred: d.inferred,
        basis: d.basis.clone(),
    }
}

fn claims(records: &[ClaimRecord]) -> Vec<ClaimDraft> {
    records
        .iter()
        .map(|c| ClaimDraft {
            id: Some(c.id.clone()),
            source: c.source.clone(),
            excerpt: c.excerpt.clone(),
            status: c.status,
            note: c.note.clone(),
        })
        .collect()
}
