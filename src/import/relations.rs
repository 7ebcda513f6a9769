//! The `relations` list of a `casegraph/v1` file: the evidence for relations the file draws (an
//! event's `ledTo`, a place's `within`, an actor's `memberOf`, a source's `publisher` …). Each entry
//! names one relation by kind and ends, and gives the claims it rests on or, where no source states
//! it, the analyst's `inference` with its reasoning (docs/data-format.md, "Relations").
//!
//! The relation itself is drawn where it always was, on its node's record: an entry adds evidence to
//! it, so the file's own reference rule is that the relation it names is one the file draws.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::document::{ClaimRecord, ImportDocument};
use crate::{
    app::{
        claim::ClaimDraft,
        relation::{InferenceDraft, RelationEvidenceDraft},
    },
    domain::{Relation, ValidationError},
};

/// The evidence for one relation the file draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RelationRecord {
    pub relation: Relation,
    pub from: String,
    pub to: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<ClaimRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inference: Option<InferenceRecord>,
}

/// The analyst's reasoning for a relation no source states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InferenceRecord {
    pub reasoning: String,
}

/// Every relation the document draws, as (relation, from, to).
pub fn drawn(doc: &ImportDocument) -> Vec<(Relation, &str, &str)> {
    let mut out = Vec::new();
    for a in &doc.actors {
        out.extend(
            a.member_of
                .iter()
                .map(|t| (Relation::ActorMemberOf, a.id.as_str(), t.as_str())),
        );
        out.extend(
            a.answers_to
                .iter()
                .map(|t| (Relation::ActorAnswersTo, a.id.as_str(), t.as_str())),
        );
    }
    for p in &doc.places {
        out.extend(
            p.within
                .iter()
                .map(|t| (Relation::PlaceWithin, p.id.as_str(), t.as_str())),
        );
    }
    for s in &doc.sources {
        out.extend(
            s.publisher
                .iter()
                .map(|t| (Relation::SourcePublishedBy, s.id.as_str(), t.as_str())),
        );
        out.extend(
            s.cites
                .iter()
                .map(|c| (Relation::SourceCites, s.id.as_str(), c.source.as_str())),
        );
    }
    for e in &doc.events {
        out.extend(
            e.place
                .iter()
                .map(|t| (Relation::EventAt, e.id.as_str(), t.as_str())),
        );
        for (relation, targets) in [
            (Relation::EventPartOf, &e.part_of),
            (Relation::EventFollowedBy, &e.followed_by),
            (Relation::EventLedTo, &e.led_to),
        ] {
            out.extend(
                targets
                    .iter()
                    .map(|t| (relation, e.id.as_str(), t.as_str())),
            );
        }
    }
    for c in &doc.counts {
        out.extend(
            c.part_of
                .iter()
                .map(|t| (Relation::CountPartOf, c.id.as_str(), t.as_str())),
        );
    }
    out
}

/// Each entry names a relation the file draws, and each relation is given evidence once.
pub fn check(doc: &ImportDocument) -> Vec<ValidationError> {
    let drawn: HashSet<(Relation, &str, &str)> = drawn(doc).into_iter().collect();
    let mut seen = HashSet::new();
    let mut errors = Vec::new();
    for (i, r) in doc.relations.iter().enumerate() {
        let key = (r.relation, r.from.as_str(), r.to.as_str());
        if !drawn.contains(&key) {
            errors.push(ValidationError::new(
                format!("relations[{i}]"),
                format!(
                    "the file draws no {:?} relation from {:?} to {:?}: draw it on the record of {:?} first",
                    r.relation, r.from, r.to, r.from
                ),
            ));
        } else if !seen.insert(key) {
            errors.push(ValidationError::new(
                format!("relations[{i}]"),
                "gives evidence for a relation an earlier entry already covers",
            ));
        }
    }
    errors
}

/// The entries as drafts of the application layer: field for field.
pub fn drafts(doc: &ImportDocument) -> Vec<RelationEvidenceDraft> {
    doc.relations
        .iter()
        .map(|r| draft(r, &doc.collection.id))
        .collect()
}

/// One entry as a draft of the application layer (also the streamed import's, `super::bulk`).
pub fn draft(r: &RelationRecord, collection: &str) -> RelationEvidenceDraft {
    RelationEvidenceDraft {
        relation: r.relation,
        from: r.from.clone(),
        to: r.to.clone(),
        collection: Some(collection.to_owned()),
        claims: r
            .claims
            .iter()
            .map(|c| ClaimDraft {
                id: Some(c.id.clone()),
                source: c.source.clone(),
                excerpt: c.excerpt.clone(),
                status: c.status,
                note: c.note.clone(),
            })
            .collect(),
        inference: r.inference.as_ref().map(|i| InferenceDraft {
            reasoning: i.reasoning.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::render_errors;

    const SEED_JSON: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.json"
    );
    const SEED_REPORT: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.txt"
    );

    fn seed_text() -> String {
        std::fs::read_to_string(SEED_JSON).expect("seed file is readable")
    }

    fn errors_of(doc: &ImportDocument) -> Vec<ValidationError> {
        doc.validate().err().unwrap_or_default()
    }

    #[test]
    fn every_relation_of_the_seed_is_sourced_verbatim_or_marked_as_inference() {
        let doc = ImportDocument::from_json(&seed_text()).unwrap();
        let report = std::fs::read_to_string(SEED_REPORT).unwrap();
        let cs = doc
            .validate()
            .unwrap_or_else(|e| panic!("{}", render_errors(&e)))
            .changes;
        let mut sourced = 0;
        let mut inferred = 0;
        for (relation, from, to) in drawn(&doc) {
            if !relation.takes_evidence() {
                continue;
            }
            let evidence = cs
                .relation_evidence
                .iter()
                .find(|e| e.relation == relation && e.from.as_str() == from && e.to.as_str() == to)
                .unwrap_or_else(|| panic!("no evidence for {relation:?} {from} -> {to}"));
            assert!(
                !evidence.claims.is_empty() || evidence.inference.is_some(),
                "{relation:?} {from} -> {to} is neither sourced nor inferred"
            );
            for c in &evidence.claims {
                let excerpt = c
                    .excerpt
                    .as_ref()
                    .expect("a file's claims quote their source");
                assert!(
                    report.contains(excerpt.as_str()),
                    "{relation:?} {from} -> {to}: not in the report: {excerpt}"
                );
            }
            if evidence.claims.is_empty() {
                inferred += 1;
            } else {
                sourced += 1;
            }
        }
        // Counted by hand from the report: 23 relations it states, 17 the encoder inferred.
        assert_eq!((sourced, inferred), (23, 17));
        // The issue's own example: the report does not say that the raids led to the charges.
        let charges = cs
            .relation_evidence
            .iter()
            .find(|e| {
                e.relation == Relation::EventLedTo && e.to.as_str().ends_with(":event:charges")
            })
            .unwrap();
        assert!(charges.claims.is_empty());
        assert!(charges
            .inference
            .as_ref()
            .unwrap()
            .as_str()
            .contains("does not say that the raids led to them"));
    }

    fn with_relation(entry: serde_json::Value) -> ImportDocument {
        let mut value: serde_json::Value = serde_json::from_str(&seed_text()).unwrap();
        value["relations"] = serde_json::json!([entry]);
        ImportDocument::from_json(&value.to_string()).unwrap()
    }

    #[test]
    fn an_entry_for_a_relation_the_file_does_not_draw_is_refused_on_its_path() {
        let doc = with_relation(serde_json::json!({
            "relation": "EVENT_LED_TO",
            "from": "meduza-2025-01-spb-raids:event:charges",
            "to": "meduza-2025-01-spb-raids:event:raids",
            "inference": {"reasoning": "a guess"}
        }));
        let errors = errors_of(&doc);
        assert_eq!(errors.len(), 1, "{}", render_errors(&errors));
        assert_eq!(errors[0].field, "relations[0]");
        assert!(
            errors[0].message.contains("draws no"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_relation_claim_cites_a_source_of_the_file_and_has_an_id_of_its_own() {
        let doc = with_relation(serde_json::json!({
            "relation": "EVENT_LED_TO",
            "from": "meduza-2025-01-spb-raids:event:mass-detentions",
            "to": "meduza-2025-01-spb-raids:event:charges",
            "claims": [{
                "id": "meduza-2025-01-spb-raids:claim:event:raids:fontanka",
                "source": "meduza-2025-01-spb-raids:source:no-such-source",
                "excerpt": "Two of those charged were released",
                "status": "REPORTED"
            }]
        }));
        let mut fields: Vec<String> = errors_of(&doc).into_iter().map(|e| e.field).collect();
        fields.sort();
        assert_eq!(
            fields,
            ["relations[0].claims[0].id", "relations[0].claims[0].source"]
        );
    }

    #[test]
    fn an_entry_needs_a_claim_or_an_inference_and_a_relation_that_takes_evidence() {
        let doc = with_relation(serde_json::json!({
            "relation": "EVENT_LED_TO",
            "from": "meduza-2025-01-spb-raids:event:mass-detentions",
            "to": "meduza-2025-01-spb-raids:event:charges"
        }));
        let fields: Vec<String> = errors_of(&doc).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["relations[0].claims"]);

        let doc = with_relation(serde_json::json!({
            "relation": "SOURCE_CITES",
            "from": "meduza-2025-01-spb-raids:source:meduza-report",
            "to": "meduza-2025-01-spb-raids:source:fontanka-report",
            "inference": {"reasoning": "  "}
        }));
        let fields: Vec<String> = errors_of(&doc).into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["relations[0].relation", "relations[0].inference.reasoning"]
        );
    }
}
