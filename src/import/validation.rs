//! From a parsed document to a checked change set: the format tag, the document's own reference rules
//! ([`super::references`]), and every record translated into the application layer's drafts and
//! checked by the same code a mutation goes through, with [`Origin::Import`]. Every problem is reported
//! at once, each with its JSON path (`events[3].date.edtf`), so a user fixes a file in one pass.

use std::collections::HashSet;

use super::{
    document::{ClaimRecord, DateRecord, ImportDocument, FORMAT_TAG},
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
        let collection = self.collection.id.clone();
        let c = || collection.clone();
        Batch {
            collection: CollectionDraft {
                id: self.collection.id.clone(),
                name: self.collection.name.clone(),
                description: self.collection.description.clone(),
            },
            terms: self
                .terms
                .iter()
                .map(|t| TermDraft {
                    collection: c(),
                    vocabulary: t.vocabulary,
                    key: t.key.clone(),
                    label: t.label.clone(),
                    description: t.description.clone(),
                })
                .collect(),
            actors: self
                .actors
                .iter()
                .map(|a| ActorDraft {
                    id: Some(a.id.clone()),
                    collection: c(),
                    kind: a.kind,
                    name: a.name.clone(),
                    aliases: a.aliases.clone(),
                    description: a.description.clone(),
                    member_of: a.member_of.clone(),
                    answers_to: a.answers_to.clone(),
                })
                .collect(),
            places: self
                .places
                .iter()
                .map(|p| PlaceDraft {
                    id: Some(p.id.clone()),
                    collection: c(),
                    kind: p.kind,
                    name: p.name.clone(),
                    aliases: p.aliases.clone(),
                    description: p.description.clone(),
                    within: p.within.clone(),
                    location: p.location.map(|l| (l.latitude, l.longitude)),
                    precision: p.precision,
                })
                .collect(),
            sources: self
                .sources
                .iter()
                .map(|s| SourceDraft {
                    id: Some(s.id.clone()),
                    collection: c(),
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
                })
                .collect(),
            events: self
                .events
                .iter()
                .map(|e| EventDraft {
                    id: Some(e.id.clone()),
                    collection: c(),
                    event_type: e.event_type.clone(),
                    title: e.title.clone(),
                    description: e.description.clone(),
                    date: date(&e.date),
                    place: e.place.clone(),
                    part_of: e.part_of.clone(),
                    followed_by: e.followed_by.clone(),
                    led_to: e.led_to.clone(),
                    claims: claims(&e.claims),
                })
                .collect(),
            participations: self
                .participations
                .iter()
                .map(|p| ParticipationDraft {
                    id: Some(p.id.clone()),
                    collection: c(),
                    event: p.event.clone(),
                    actor: p.actor.clone(),
                    role: p.role.clone(),
                    description: p.description.clone(),
                    claims: claims(&p.claims),
                })
                .collect(),
            counts: self
                .counts
                .iter()
                .map(|n| CountDraft {
                    id: Some(n.id.clone()),
                    collection: c(),
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
                })
                .collect(),
            relations: super::relations::drafts(self),
        }
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
