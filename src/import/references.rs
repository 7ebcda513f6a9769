//! A document is self-contained: every reference resolves to a record of the right kind in the same
//! document, every taxonomy key to one of its terms, no id is used twice, and no hierarchy goes round
//! in a circle. That keeps a file checkable without the database and makes it an upsertable unit — a
//! rule of files only (a mutation refers to nodes already stored; the store checks those). See
//! docs/model.md, "Rules by entry point".

use std::collections::{HashMap, HashSet};

use super::document::{ClaimRecord, ImportDocument, TermRecord};
use crate::domain::{NodeId, TermKey, ValidationError, Vocabulary};

/// Every reference problem of `doc`, each with its path.
pub fn check(doc: &ImportDocument) -> Vec<ValidationError> {
    let mut r = References::default();
    r.index_ids(doc);
    r.index_terms(&doc.terms);
    for (i, a) in doc.actors.iter().enumerate() {
        let at = format!("actors[{i}]");
        r.references(
            &format!("{at}.memberOf"),
            &a.member_of,
            RecordKind::Actor,
            &a.id,
        );
        r.references(
            &format!("{at}.answersTo"),
            &a.answers_to,
            RecordKind::Actor,
            &a.id,
        );
    }
    for (i, p) in doc.places.iter().enumerate() {
        let at = format!("places[{i}].within");
        if p.within.as_deref() == Some(p.id.as_str()) {
            r.error(&at, "a place cannot lie within itself");
        } else {
            r.optional_reference(&at, p.within.as_ref(), RecordKind::Place);
        }
    }
    for (i, s) in doc.sources.iter().enumerate() {
        let at = format!("sources[{i}]");
        r.optional_reference(
            &format!("{at}.publisher"),
            s.publisher.as_ref(),
            RecordKind::Actor,
        );
        for (j, c) in s.cites.iter().enumerate() {
            let path = format!("{at}.cites[{j}].source");
            if c.source == s.id {
                r.error(&path, "a source cannot cite itself");
            } else {
                r.reference(&path, &c.source, RecordKind::Source);
            }
        }
    }
    for (i, e) in doc.events.iter().enumerate() {
        let at = format!("events[{i}]");
        r.term_key(&format!("{at}.type"), &e.event_type, Vocabulary::EventType);
        r.optional_reference(&format!("{at}.place"), e.place.as_ref(), RecordKind::Place);
        r.references(
            &format!("{at}.partOf"),
            &e.part_of,
            RecordKind::Event,
            &e.id,
        );
        r.references(
            &format!("{at}.followedBy"),
            &e.followed_by,
            RecordKind::Event,
            &e.id,
        );
        r.references(&format!("{at}.ledTo"), &e.led_to, RecordKind::Event, &e.id);
        r.claims(&at, &e.claims);
    }
    for (i, p) in doc.participations.iter().enumerate() {
        let at = format!("participations[{i}]");
        r.reference(&format!("{at}.event"), &p.event, RecordKind::Event);
        r.reference(&format!("{at}.actor"), &p.actor, RecordKind::Actor);
        r.term_key(&format!("{at}.role"), &p.role, Vocabulary::ParticipantRole);
        r.claims(&at, &p.claims);
    }
    for (i, c) in doc.counts.iter().enumerate() {
        let at = format!("counts[{i}]");
        r.reference(&format!("{at}.event"), &c.event, RecordKind::Event);
        if c.part_of.as_deref() == Some(c.id.as_str()) {
            r.error(&format!("{at}.partOf"), "a count cannot be part of itself");
        } else {
            r.optional_reference(
                &format!("{at}.partOf"),
                c.part_of.as_ref(),
                RecordKind::Count,
            );
        }
        r.claims(&at, &c.claims);
    }
    // Claims about relations (`super::relations`) cite sources of the file like any claim.
    for (i, rel) in doc.relations.iter().enumerate() {
        r.claims(&format!("relations[{i}]"), &rel.claims);
    }
    r.no_cycles(
        "places",
        "within",
        doc.places
            .iter()
            .map(|p| (&p.id, p.within.iter().collect())),
    );
    r.no_cycles(
        "events",
        "partOf",
        doc.events
            .iter()
            .map(|e| (&e.id, e.part_of.iter().collect())),
    );
    r.no_cycles(
        "counts",
        "partOf",
        doc.counts
            .iter()
            .map(|c| (&c.id, c.part_of.iter().collect())),
    );
    r.no_cycles(
        "actors",
        "memberOf",
        doc.actors
            .iter()
            .map(|a| (&a.id, a.member_of.iter().collect())),
    );
    r.errors
}

/// What sort of record an id belongs to, for checking that a reference points at the right kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordKind {
    Collection,
    Actor,
    Place,
    Source,
    Event,
    Participation,
    Count,
    Claim,
}

impl RecordKind {
    fn noun(self) -> &'static str {
        match self {
            RecordKind::Collection => "the collection",
            RecordKind::Actor => "an actor",
            RecordKind::Place => "a place",
            RecordKind::Source => "a source",
            RecordKind::Event => "an event",
            RecordKind::Participation => "a participation",
            RecordKind::Count => "a count",
            RecordKind::Claim => "a claim",
        }
    }
}

#[derive(Default)]
struct References {
    errors: Vec<ValidationError>,
    /// id → (kind, path of the record that defines it); first definition wins.
    ids: HashMap<String, (RecordKind, String)>,
    terms: HashSet<(Vocabulary, String)>,
}

impl References {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ValidationError::new(path, message));
    }

    fn check<T>(&mut self, path: &str, result: Result<T, ValidationError>) -> Option<T> {
        result.map_err(|e| self.errors.push(e.under(path))).ok()
    }

    // -- ids, references, vocabulary -----------------------------------------------------------

    fn index_ids(&mut self, doc: &ImportDocument) {
        let mut all: Vec<(String, &str, RecordKind)> = vec![(
            "collection.id".into(),
            &doc.collection.id,
            RecordKind::Collection,
        )];
        fn add_claims<'a>(
            all: &mut Vec<(String, &'a str, RecordKind)>,
            base: &str,
            claims: &'a [ClaimRecord],
        ) {
            for (j, c) in claims.iter().enumerate() {
                all.push((format!("{base}.claims[{j}].id"), &c.id, RecordKind::Claim));
            }
        }
        for (i, a) in doc.actors.iter().enumerate() {
            all.push((format!("actors[{i}].id"), &a.id, RecordKind::Actor));
        }
        for (i, p) in doc.places.iter().enumerate() {
            all.push((format!("places[{i}].id"), &p.id, RecordKind::Place));
        }
        for (i, s) in doc.sources.iter().enumerate() {
            all.push((format!("sources[{i}].id"), &s.id, RecordKind::Source));
        }
        for (i, e) in doc.events.iter().enumerate() {
            all.push((format!("events[{i}].id"), &e.id, RecordKind::Event));
            add_claims(&mut all, &format!("events[{i}]"), &e.claims);
        }
        for (i, p) in doc.participations.iter().enumerate() {
            all.push((
                format!("participations[{i}].id"),
                &p.id,
                RecordKind::Participation,
            ));
            add_claims(&mut all, &format!("participations[{i}]"), &p.claims);
        }
        for (i, c) in doc.counts.iter().enumerate() {
            all.push((format!("counts[{i}].id"), &c.id, RecordKind::Count));
            add_claims(&mut all, &format!("counts[{i}]"), &c.claims);
        }
        for (i, r) in doc.relations.iter().enumerate() {
            add_claims(&mut all, &format!("relations[{i}]"), &r.claims);
        }

        for (path, id, kind) in all {
            if self.check(&path, NodeId::parse(id)).is_none() {
                continue;
            }
            match self.ids.get(id) {
                Some((_, first)) => {
                    let message = format!("duplicate id `{id}`: already used by {first}");
                    self.error(&path, message);
                }
                None => {
                    let record = path.trim_end_matches(".id").to_owned();
                    self.ids.insert(id.to_owned(), (kind, record));
                }
            }
        }
    }

    fn index_terms(&mut self, terms: &[TermRecord]) {
        for (i, t) in terms.iter().enumerate() {
            if !self.terms.insert((t.vocabulary, t.key.clone())) {
                self.error(
                    &format!("terms[{i}].key"),
                    format!("duplicate {} term `{}`", t.vocabulary, t.key),
                );
            }
        }
    }

    /// Checks that `id` names a record of `kind` in this document.
    fn reference(&mut self, path: &str, id: &str, kind: RecordKind) -> Option<NodeId> {
        let node_id = self.check(path, NodeId::parse(id))?;
        match self.ids.get(id) {
            Some((found, _)) if *found == kind => Some(node_id),
            Some((found, record)) => {
                let message = format!("`{id}` is {} ({record}), not {}", found.noun(), kind.noun());
                self.error(path, message);
                None
            }
            None => {
                self.error(
                    path,
                    format!(
                        "no {} with id `{id}` in this document (references must resolve within \
                         the document)",
                        kind.noun()
                            .trim_start_matches("an ")
                            .trim_start_matches("a ")
                    ),
                );
                None
            }
        }
    }

    fn optional_reference(
        &mut self,
        path: &str,
        id: Option<&String>,
        kind: RecordKind,
    ) -> Option<Option<NodeId>> {
        match id {
            None => Some(None),
            Some(id) => self.reference(path, id, kind).map(Some),
        }
    }

    /// A list of references to `kind`, none of them `own_id` and none listed twice.
    fn references(
        &mut self,
        path: &str,
        ids: &[String],
        kind: RecordKind,
        own_id: &str,
    ) -> Option<Vec<NodeId>> {
        let mut out = Vec::with_capacity(ids.len());
        let mut ok = true;
        let mut seen = HashSet::new();
        for (i, id) in ids.iter().enumerate() {
            let item = format!("{path}[{i}]");
            if id == own_id {
                self.error(&item, format!("`{id}` refers to the record itself"));
                ok = false;
            } else if !seen.insert(id.as_str()) {
                self.error(&item, format!("`{id}` is listed twice"));
                ok = false;
            } else if let Some(node_id) = self.reference(&item, id, kind) {
                out.push(node_id);
            } else {
                ok = false;
            }
        }
        ok.then_some(out)
    }

    fn term_key(&mut self, path: &str, key: &str, vocabulary: Vocabulary) -> Option<TermKey> {
        let key = self.check(path, TermKey::parse(key))?;
        if self.terms.contains(&(vocabulary, key.as_str().to_owned())) {
            return Some(key);
        }
        let other = Vocabulary::ALL
            .iter()
            .copied()
            .find(|v| *v != vocabulary && self.terms.contains(&(*v, key.as_str().to_owned())));
        let message = match other {
            Some(other) => format!("`{key}` is a {other} term, not a {vocabulary} term"),
            None => format!("no {vocabulary} term with key `{key}` in this document's `terms`"),
        };
        self.error(path, message);
        None
    }

    /// Reports each cycle along one relationship once, at the record where it was found.
    fn no_cycles<'a>(
        &mut self,
        list: &str,
        field: &str,
        edges: impl Iterator<Item = (&'a String, Vec<&'a String>)>,
    ) {
        let edges: Vec<(&String, Vec<&String>)> = edges.collect();
        let index: HashMap<&str, usize> = edges
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (id.as_str(), i))
            .collect();
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; edges.len()];
        let mut cycles: Vec<(usize, Vec<usize>)> = Vec::new();

        fn visit(
            node: usize,
            edges: &[(&String, Vec<&String>)],
            index: &HashMap<&str, usize>,
            state: &mut [u8],
            path: &mut Vec<usize>,
            cycles: &mut Vec<(usize, Vec<usize>)>,
        ) {
            state[node] = 1;
            path.push(node);
            for target in &edges[node].1 {
                // Dangling and self references are reported elsewhere, with a clearer message.
                let Some(&next) = index.get(target.as_str()) else {
                    continue;
                };
                if next == node {
                    continue;
                }
                match state[next] {
                    0 => visit(next, edges, index, state, path, cycles),
                    1 => {
                        let start = path.iter().position(|n| *n == next).unwrap_or(0);
                        cycles.push((node, path[start..].to_vec()));
                    }
                    _ => {}
                }
            }
            path.pop();
            state[node] = 2;
        }

        for start in 0..edges.len() {
            if state[start] == 0 {
                visit(
                    start,
                    &edges,
                    &index,
                    &mut state,
                    &mut Vec::new(),
                    &mut cycles,
                );
            }
        }
        for (at, members) in cycles {
            let mut names: Vec<&str> = members.iter().map(|m| edges[*m].0.as_str()).collect();
            names.push(edges[members[0]].0.as_str());
            self.error(
                &format!("{list}[{at}].{field}"),
                format!("`{field}` goes round in a circle: {}", names.join(" → ")),
            );
        }
    }

    fn claims(&mut self, at: &str, claims: &[ClaimRecord]) {
        for (j, c) in claims.iter().enumerate() {
            self.reference(
                &format!("{at}.claims[{j}].source"),
                &c.source,
                RecordKind::Source,
            );
        }
    }
}
