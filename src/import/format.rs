//! The `casegraph/v1` import format: one JSON document holding a whole collection — its
//! vocabulary, actors, places, sources, events, participations and counts, each fact with the
//! claims that source it. `docs/data-format.md` is the user's guide to it.
//!
//! Reading a document is two steps. [`ImportDocument::from_json`] only checks the shape
//! (`deny_unknown_fields` everywhere, so a misspelt key is an error, not silently dropped data).
//! [`ImportDocument::validate`] then checks meaning — ids, references, vocabulary, dates,
//! figures — and reports *every* problem at once with its JSON path (`events[3].date.edtf`), so a
//! user fixes a file in one pass rather than one error per run. What it returns holds only
//! domain types, so the writer downstream cannot be handed an unchecked value.
//!
//! A document is self-contained: every reference resolves to a record in the same document.
//! That keeps validation free of I/O and makes each file an upsertable unit.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::domain::{
    ActorKind, ClaimStatus, Coordinates, CountQualifier, Figure, FigureParts, FuzzyDate,
    LanguageTag, LocationPrecision, NodeId, NonEmptyText, PlaceKind, SourceKind, TermKey,
    ValidationError, Vocabulary, WebUrl,
};

/// The value of the `format` field this code reads and writes.
pub const FORMAT_TAG: &str = "casegraph/v1";

// ---------------------------------------------------------------------------------------------
// The document as written
// ---------------------------------------------------------------------------------------------

/// A `casegraph/v1` document, as parsed from JSON and not yet validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImportDocument {
    pub format: String,
    pub collection: CollectionRecord,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<TermRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<ActorRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<PlaceRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<SourceRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub participations: Vec<ParticipationRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<CountRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CollectionRecord {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TermRecord {
    pub vocabulary: Vocabulary,
    pub key: String,
    pub label: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ActorRecord {
    pub id: String,
    pub kind: ActorKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_of: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers_to: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlaceRecord {
    pub id: String,
    pub kind: PlaceKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationRecord>,
    pub precision: LocationPrecision,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LocationRecord {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SourceRecord {
    pub id: String,
    pub kind: SourceKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateRecord>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<CitationRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CitationRecord {
    pub source: String,
    pub excerpt: String,
}

/// A fuzzy date as written: an EDTF string, whether it was inferred, and from what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DateRecord {
    pub edtf: String,
    #[serde(default)]
    pub inferred: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EventRecord {
    pub id: String,
    /// Key of an `EVENT_TYPE` term.
    #[serde(rename = "type")]
    pub event_type: String,
    pub title: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub date: DateRecord,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub part_of: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followed_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub led_to: Vec<String>,
    #[serde(default)]
    pub claims: Vec<ClaimRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParticipationRecord {
    pub id: String,
    pub event: String,
    pub actor: String,
    /// Key of a `PARTICIPANT_ROLE` term.
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub claims: Vec<ClaimRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CountRecord {
    pub id: String,
    pub event: String,
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    pub qualifier: CountQualifier,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<i64>,
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wording: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    #[serde(default)]
    pub claims: Vec<ClaimRecord>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClaimRecord {
    pub id: String,
    pub source: String,
    pub excerpt: String,
    pub status: ClaimStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The document as validated
// ---------------------------------------------------------------------------------------------

/// Records after validation: every field a domain type, every reference known to resolve
/// within the same document and to point at the right kind of node.
pub mod valid {
    use crate::domain::{
        ActorKind, ClaimStatus, Coordinates, Figure, FuzzyDate, LanguageTag, LocationPrecision,
        NodeId, NonEmptyText, PlaceKind, SourceKind, TermKey, Vocabulary, WebUrl,
    };

    #[derive(Debug, Clone, PartialEq)]
    pub struct Collection {
        pub id: NodeId,
        pub name: NonEmptyText,
        pub description: Option<NonEmptyText>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Term {
        pub vocabulary: Vocabulary,
        pub key: TermKey,
        pub label: NonEmptyText,
        pub description: NonEmptyText,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Actor {
        pub id: NodeId,
        pub kind: ActorKind,
        pub name: NonEmptyText,
        pub aliases: Vec<NonEmptyText>,
        pub description: NonEmptyText,
        pub member_of: Vec<NodeId>,
        pub answers_to: Vec<NodeId>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Place {
        pub id: NodeId,
        pub kind: PlaceKind,
        pub name: NonEmptyText,
        pub aliases: Vec<NonEmptyText>,
        pub description: NonEmptyText,
        pub within: Option<NodeId>,
        pub location: Option<Coordinates>,
        pub precision: LocationPrecision,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Source {
        pub id: NodeId,
        pub kind: SourceKind,
        pub title: NonEmptyText,
        pub url: Option<WebUrl>,
        pub language: Option<LanguageTag>,
        pub publisher: Option<NodeId>,
        pub published: Option<FuzzyDate>,
        pub cites: Vec<Citation>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Citation {
        pub source: NodeId,
        pub excerpt: NonEmptyText,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Event {
        pub id: NodeId,
        pub event_type: TermKey,
        pub title: NonEmptyText,
        pub description: NonEmptyText,
        pub place: Option<NodeId>,
        pub date: FuzzyDate,
        pub part_of: Vec<NodeId>,
        pub followed_by: Vec<NodeId>,
        pub led_to: Vec<NodeId>,
        pub claims: Vec<Claim>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Participation {
        pub id: NodeId,
        pub event: NodeId,
        pub actor: NodeId,
        pub role: TermKey,
        pub description: Option<NonEmptyText>,
        pub claims: Vec<Claim>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Count {
        pub id: NodeId,
        pub event: NodeId,
        pub subject: NonEmptyText,
        pub figure: Figure,
        pub subgroup: Option<NonEmptyText>,
        pub part_of: Option<NodeId>,
        pub claims: Vec<Claim>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Claim {
        pub id: NodeId,
        pub source: NodeId,
        pub excerpt: NonEmptyText,
        pub status: ClaimStatus,
        pub note: Option<NonEmptyText>,
    }
}

/// A document that passed [`ImportDocument::validate`], in the same order as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedDocument {
    pub collection: valid::Collection,
    pub terms: Vec<valid::Term>,
    pub actors: Vec<valid::Actor>,
    pub places: Vec<valid::Place>,
    pub sources: Vec<valid::Source>,
    pub events: Vec<valid::Event>,
    pub participations: Vec<valid::Participation>,
    pub counts: Vec<valid::Count>,
}

impl ValidatedDocument {
    /// Every claim in the document with the id of the fact it is about.
    pub fn claims(&self) -> impl Iterator<Item = (&NodeId, &valid::Claim)> {
        let events = self
            .events
            .iter()
            .flat_map(|e| e.claims.iter().map(move |c| (&e.id, c)));
        let participations = self
            .participations
            .iter()
            .flat_map(|p| p.claims.iter().map(move |c| (&p.id, c)));
        let counts = self
            .counts
            .iter()
            .flat_map(|n| n.claims.iter().map(move |c| (&n.id, c)));
        events.chain(participations).chain(counts)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------------------------

impl ImportDocument {
    /// Parses the JSON shape. The error says where (line and column) and what serde expected,
    /// including the valid names when an enum value is unknown.
    pub fn from_json(json: &str) -> Result<Self, ValidationError> {
        serde_json::from_str(json)
            .map_err(|e| ValidationError::new("", format!("not a casegraph/v1 document: {e}")))
    }

    /// Checks everything that does not need the database and returns all problems found.
    pub fn validate(&self) -> Result<ValidatedDocument, Vec<ValidationError>> {
        let mut v = Validator::default();

        if self.format != FORMAT_TAG {
            v.error(
                "format",
                format!("is `{}`; this importer reads `{FORMAT_TAG}`", self.format),
            );
        }
        // Ids and terms first, so that references can be checked against the whole document
        // whatever order records appear in.
        v.index_ids(self);
        v.index_terms(&self.terms);

        let collection = v.collection(&self.collection);
        let terms = v.all("terms", &self.terms, Validator::term);
        let actors = v.all("actors", &self.actors, Validator::actor);
        let places = v.all("places", &self.places, Validator::place);
        let sources = v.all("sources", &self.sources, Validator::source);
        let events = v.all("events", &self.events, Validator::event);
        let participations = v.all(
            "participations",
            &self.participations,
            Validator::participation,
        );
        let counts = v.all("counts", &self.counts, Validator::count);

        v.no_cycles(
            "places",
            "within",
            self.places
                .iter()
                .map(|p| (&p.id, p.within.iter().collect())),
        );
        v.no_cycles(
            "events",
            "partOf",
            self.events
                .iter()
                .map(|e| (&e.id, e.part_of.iter().collect())),
        );
        v.no_cycles(
            "counts",
            "partOf",
            self.counts
                .iter()
                .map(|c| (&c.id, c.part_of.iter().collect())),
        );
        v.no_cycles(
            "actors",
            "memberOf",
            self.actors
                .iter()
                .map(|a| (&a.id, a.member_of.iter().collect())),
        );

        match (
            collection,
            terms,
            actors,
            places,
            sources,
            events,
            participations,
            counts,
        ) {
            (
                Some(collection),
                Some(terms),
                Some(actors),
                Some(places),
                Some(sources),
                Some(events),
                Some(participations),
                Some(counts),
            ) if v.errors.is_empty() => Ok(ValidatedDocument {
                collection,
                terms,
                actors,
                places,
                sources,
                events,
                participations,
                counts,
            }),
            _ => Err(v.errors),
        }
    }
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
struct Validator {
    errors: Vec<ValidationError>,
    /// id → (kind, path of the record that defines it); first definition wins.
    ids: HashMap<String, (RecordKind, String)>,
    terms: HashSet<(Vocabulary, String)>,
}

impl Validator {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ValidationError::new(path, message));
    }

    fn check<T>(&mut self, path: &str, result: Result<T, ValidationError>) -> Option<T> {
        result.map_err(|e| self.errors.push(e.under(path))).ok()
    }

    fn text(&mut self, path: &str, value: &str) -> Option<NonEmptyText> {
        self.check(path, NonEmptyText::parse(value, ""))
    }

    fn name(&mut self, path: &str, value: &str) -> Option<NonEmptyText> {
        self.check(path, NonEmptyText::line(value, ""))
    }

    fn optional_text(
        &mut self,
        path: &str,
        value: Option<&String>,
    ) -> Option<Option<NonEmptyText>> {
        match value {
            None => Some(None),
            Some(v) => self.text(path, v).map(Some),
        }
    }

    /// Validates each record; `None` if any failed (their errors are already recorded).
    fn all<R, T>(
        &mut self,
        list: &str,
        records: &[R],
        mut one: impl FnMut(&mut Self, &str, &R) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::with_capacity(records.len());
        let mut failed = false;
        for (i, record) in records.iter().enumerate() {
            match one(self, &format!("{list}[{i}]"), record) {
                Some(t) => out.push(t),
                None => failed = true,
            }
        }
        (!failed).then_some(out)
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

    // -- records ----------------------------------------------------------------------------

    fn collection(&mut self, c: &CollectionRecord) -> Option<valid::Collection> {
        let id = NodeId::parse(&c.id).ok();
        let name = self.name("collection.name", &c.name);
        let description = self.optional_text("collection.description", c.description.as_ref());
        Some(valid::Collection {
            id: id?,
            name: name?,
            description: description?,
        })
    }

    fn term(&mut self, path: &str, t: &TermRecord) -> Option<valid::Term> {
        let key = self.check(&format!("{path}.key"), TermKey::parse(&t.key));
        let label = self.name(&format!("{path}.label"), &t.label);
        let description = self.text(&format!("{path}.description"), &t.description);
        Some(valid::Term {
            vocabulary: t.vocabulary,
            key: key?,
            label: label?,
            description: description?,
        })
    }

    fn aliases(&mut self, path: &str, aliases: &[String]) -> Option<Vec<NonEmptyText>> {
        let checked: Vec<Option<NonEmptyText>> = aliases
            .iter()
            .enumerate()
            .map(|(i, a)| self.name(&format!("{path}.aliases[{i}]"), a))
            .collect();
        checked.into_iter().collect()
    }

    fn actor(&mut self, path: &str, a: &ActorRecord) -> Option<valid::Actor> {
        let id = NodeId::parse(&a.id).ok();
        let name = self.name(&format!("{path}.name"), &a.name);
        let aliases = self.aliases(path, &a.aliases);
        let description = self.text(&format!("{path}.description"), &a.description);
        let member_of = self.references(
            &format!("{path}.memberOf"),
            &a.member_of,
            RecordKind::Actor,
            &a.id,
        );
        let answers_to = self.references(
            &format!("{path}.answersTo"),
            &a.answers_to,
            RecordKind::Actor,
            &a.id,
        );
        Some(valid::Actor {
            id: id?,
            kind: a.kind,
            name: name?,
            aliases: aliases?,
            description: description?,
            member_of: member_of?,
            answers_to: answers_to?,
        })
    }

    fn place(&mut self, path: &str, p: &PlaceRecord) -> Option<valid::Place> {
        let id = NodeId::parse(&p.id).ok();
        let name = self.name(&format!("{path}.name"), &p.name);
        let aliases = self.aliases(path, &p.aliases);
        let description = self.text(&format!("{path}.description"), &p.description);
        let within = if p.within.as_deref() == Some(p.id.as_str()) {
            self.error(
                &format!("{path}.within"),
                "a place cannot lie within itself",
            );
            None
        } else {
            self.optional_reference(
                &format!("{path}.within"),
                p.within.as_ref(),
                RecordKind::Place,
            )
        };
        let location = match p.location {
            None => Some(None),
            Some(l) => self
                .check(
                    &format!("{path}.location"),
                    Coordinates::new(l.latitude, l.longitude),
                )
                .map(Some),
        };
        Some(valid::Place {
            id: id?,
            kind: p.kind,
            name: name?,
            aliases: aliases?,
            description: description?,
            within: within?,
            location: location?,
            precision: p.precision,
        })
    }

    fn date(&mut self, path: &str, d: &DateRecord) -> Option<FuzzyDate> {
        self.check(
            path,
            FuzzyDate::parse(&d.edtf, d.inferred, d.basis.as_deref()),
        )
    }

    fn source(&mut self, path: &str, s: &SourceRecord) -> Option<valid::Source> {
        let id = NodeId::parse(&s.id).ok();
        let title = self.name(&format!("{path}.title"), &s.title);
        let url = match &s.url {
            None => Some(None),
            Some(u) => self
                .check(&format!("{path}.url"), WebUrl::parse(u))
                .map(Some),
        };
        let language = match &s.language {
            None => Some(None),
            Some(l) => self
                .check(&format!("{path}.language"), LanguageTag::parse(l))
                .map(Some),
        };
        let publisher = self.optional_reference(
            &format!("{path}.publisher"),
            s.publisher.as_ref(),
            RecordKind::Actor,
        );
        let published = match &s.published {
            None => Some(None),
            Some(d) => self.date(&format!("{path}.published"), d).map(Some),
        };
        let mut cites = Some(Vec::with_capacity(s.cites.len()));
        for (i, c) in s.cites.iter().enumerate() {
            let at = format!("{path}.cites[{i}]");
            let target = if c.source == s.id {
                self.error(&format!("{at}.source"), "a source cannot cite itself");
                None
            } else {
                self.reference(&format!("{at}.source"), &c.source, RecordKind::Source)
            };
            let excerpt = self.text(&format!("{at}.excerpt"), &c.excerpt);
            match (target, excerpt, cites.as_mut()) {
                (Some(source), Some(excerpt), Some(list)) => {
                    list.push(valid::Citation { source, excerpt })
                }
                _ => cites = None,
            }
        }
        Some(valid::Source {
            id: id?,
            kind: s.kind,
            title: title?,
            url: url?,
            language: language?,
            publisher: publisher?,
            published: published?,
            cites: cites?,
        })
    }

    /// Claims of one fact; a fact without any is rejected, because an unsourced statement is
    /// exactly what this graph exists to avoid.
    fn claims(&mut self, path: &str, claims: &[ClaimRecord]) -> Option<Vec<valid::Claim>> {
        if claims.is_empty() {
            self.error(
                &format!("{path}.claims"),
                "cite at least one source: every fact needs a claim",
            );
            return None;
        }
        let mut out = Some(Vec::with_capacity(claims.len()));
        for (i, c) in claims.iter().enumerate() {
            let at = format!("{path}.claims[{i}]");
            let id = NodeId::parse(&c.id).ok();
            let source = self.reference(&format!("{at}.source"), &c.source, RecordKind::Source);
            let excerpt = self.text(&format!("{at}.excerpt"), &c.excerpt);
            let note = self.optional_text(&format!("{at}.note"), c.note.as_ref());
            match (id, source, excerpt, note, out.as_mut()) {
                (Some(id), Some(source), Some(excerpt), Some(note), Some(list)) => {
                    list.push(valid::Claim {
                        id,
                        source,
                        excerpt,
                        status: c.status,
                        note,
                    })
                }
                _ => out = None,
            }
        }
        out
    }

    fn event(&mut self, path: &str, e: &EventRecord) -> Option<valid::Event> {
        let id = NodeId::parse(&e.id).ok();
        let event_type = self.term_key(
            &format!("{path}.type"),
            &e.event_type,
            Vocabulary::EventType,
        );
        let title = self.name(&format!("{path}.title"), &e.title);
        let description = self.text(&format!("{path}.description"), &e.description);
        let place = self.optional_reference(
            &format!("{path}.place"),
            e.place.as_ref(),
            RecordKind::Place,
        );
        let date = self.date(&format!("{path}.date"), &e.date);
        let part_of = self.references(
            &format!("{path}.partOf"),
            &e.part_of,
            RecordKind::Event,
            &e.id,
        );
        let followed_by = self.references(
            &format!("{path}.followedBy"),
            &e.followed_by,
            RecordKind::Event,
            &e.id,
        );
        let led_to = self.references(
            &format!("{path}.ledTo"),
            &e.led_to,
            RecordKind::Event,
            &e.id,
        );
        let claims = self.claims(path, &e.claims);
        Some(valid::Event {
            id: id?,
            event_type: event_type?,
            title: title?,
            description: description?,
            place: place?,
            date: date?,
            part_of: part_of?,
            followed_by: followed_by?,
            led_to: led_to?,
            claims: claims?,
        })
    }

    fn participation(
        &mut self,
        path: &str,
        p: &ParticipationRecord,
    ) -> Option<valid::Participation> {
        let id = NodeId::parse(&p.id).ok();
        let event = self.reference(&format!("{path}.event"), &p.event, RecordKind::Event);
        let actor = self.reference(&format!("{path}.actor"), &p.actor, RecordKind::Actor);
        let role = self.term_key(
            &format!("{path}.role"),
            &p.role,
            Vocabulary::ParticipantRole,
        );
        let description =
            self.optional_text(&format!("{path}.description"), p.description.as_ref());
        let claims = self.claims(path, &p.claims);
        Some(valid::Participation {
            id: id?,
            event: event?,
            actor: actor?,
            role: role?,
            description: description?,
            claims: claims?,
        })
    }

    fn count(&mut self, path: &str, c: &CountRecord) -> Option<valid::Count> {
        let id = NodeId::parse(&c.id).ok();
        let event = self.reference(&format!("{path}.event"), &c.event, RecordKind::Event);
        let subject = self.name(&format!("{path}.subject"), &c.subject);
        let figure = self.check(
            path,
            Figure::new(FigureParts {
                value: c.value,
                qualifier: c.qualifier,
                lower: c.lower,
                upper: c.upper,
                unit: c.unit.clone(),
                wording: c.wording.clone(),
            }),
        );
        let subgroup = match &c.subgroup {
            None => Some(None),
            Some(s) => self.name(&format!("{path}.subgroup"), s).map(Some),
        };
        let part_of = if c.part_of.as_deref() == Some(c.id.as_str()) {
            self.error(
                &format!("{path}.partOf"),
                "a count cannot be part of itself",
            );
            None
        } else {
            self.optional_reference(
                &format!("{path}.partOf"),
                c.part_of.as_ref(),
                RecordKind::Count,
            )
        };
        let claims = self.claims(path, &c.claims);
        Some(valid::Count {
            id: id?,
            event: event?,
            subject: subject?,
            figure: figure?,
            subgroup: subgroup?,
            part_of: part_of?,
            claims: claims?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const SEED_JSON: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.json"
    );
    const SEED_REPORT: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/seed/meduza-2025-01-st-petersburg-migrant-raids.txt"
    );
    const SEED_PREFIX: &str = "meduza-2025-01-spb-raids";

    fn seed_document() -> ImportDocument {
        let text = std::fs::read_to_string(SEED_JSON).expect("seed file is readable");
        ImportDocument::from_json(&text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn seed() -> ValidatedDocument {
        seed_document().validate().unwrap_or_else(|errors| {
            panic!(
                "seed is invalid:\n{}",
                crate::domain::render_errors(&errors)
            )
        })
    }

    fn seed_id(rest: &str) -> String {
        format!("{SEED_PREFIX}:{rest}")
    }

    /// A small valid document that each failure test breaks in one place.
    fn minimal() -> Value {
        json!({
            "format": "casegraph/v1",
            "collection": { "id": "c", "name": "Test" },
            "terms": [
                { "vocabulary": "EVENT_TYPE", "key": "raid",
                  "label": "Raid", "description": "A raid." },
                { "vocabulary": "PARTICIPANT_ROLE", "key": "target",
                  "label": "Target", "description": "Targeted." }
            ],
            "actors": [
                { "id": "c:a:police", "kind": "STATE_BODY", "name": "Police", "description": "Police." }
            ],
            "places": [
                { "id": "c:p:city", "kind": "CITY", "name": "City", "description": "A city.",
                  "precision": "CITY" }
            ],
            "sources": [
                { "id": "c:s:report", "kind": "NEWS_REPORT", "title": "Report" }
            ],
            "events": [
                { "id": "c:e:raid", "type": "raid", "title": "Raid", "description": "A raid.",
                  "place": "c:p:city", "date": { "edtf": "2025-01-01" },
                  "claims": [ { "id": "c:cl:1", "source": "c:s:report", "excerpt": "x",
                                "status": "REPORTED" } ] }
            ],
            "participations": [
                { "id": "c:pa:1", "event": "c:e:raid", "actor": "c:a:police", "role": "target",
                  "claims": [ { "id": "c:cl:2", "source": "c:s:report", "excerpt": "x",
                                "status": "REPORTED" } ] }
            ],
            "counts": [
                { "id": "c:n:1", "event": "c:e:raid", "subject": "people", "value": 3,
                  "qualifier": "EXACT", "unit": "person",
                  "claims": [ { "id": "c:cl:3", "source": "c:s:report", "excerpt": "x",
                                "status": "REPORTED" } ] }
            ]
        })
    }

    fn errors_of(doc: Value) -> Vec<ValidationError> {
        let doc: ImportDocument = serde_json::from_value(doc).expect("shape is valid");
        doc.validate().expect_err("document should be rejected")
    }

    fn only_error(doc: Value) -> ValidationError {
        let mut errors = errors_of(doc);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.remove(0)
    }

    // -- the seed ------------------------------------------------------------------------------

    #[test]
    fn the_seed_parses_and_validates() {
        let doc = seed();
        assert_eq!(doc.collection.id.as_str(), SEED_PREFIX);
    }

    #[test]
    fn the_seed_has_the_expected_totals() {
        let doc = seed();
        let totals = [
            doc.terms.len(),
            doc.actors.len(),
            doc.places.len(),
            doc.sources.len(),
            doc.events.len(),
            doc.participations.len(),
            doc.counts.len(),
            doc.claims().count(),
        ];
        assert_eq!(totals, [21, 19, 6, 5, 16, 30, 7, 59]);
    }

    #[test]
    fn every_seed_excerpt_is_verbatim_from_the_report() {
        let report = std::fs::read_to_string(SEED_REPORT).expect("report text is readable");
        let doc = seed();
        for (fact, claim) in doc.claims() {
            assert!(
                report.contains(claim.excerpt.as_str()),
                "{fact}: excerpt not in the report: {}",
                claim.excerpt
            );
        }
        for source in &doc.sources {
            for citation in &source.cites {
                assert!(
                    report.contains(citation.excerpt.as_str()),
                    "{}",
                    citation.excerpt
                );
            }
        }
    }

    #[test]
    fn every_seed_id_is_prefixed_by_the_collection() {
        let text = std::fs::read_to_string(SEED_JSON).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        fn walk(v: &Value, out: &mut Vec<String>) {
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(id)) = map.get("id") {
                        out.push(id.clone());
                    }
                    map.values().for_each(|v| walk(v, out));
                }
                Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut ids = Vec::new();
        walk(&value, &mut ids);
        assert!(ids.len() > 100);
        for id in ids {
            assert!(id.starts_with(SEED_PREFIX), "{id}");
        }
    }

    #[test]
    fn the_seed_keeps_both_detention_figures_side_by_side() {
        let doc = seed();
        let detentions = seed_id("event:mass-detentions");
        let figures: Vec<&valid::Count> = doc
            .counts
            .iter()
            .filter(|c| c.event.as_str() == detentions)
            .collect();
        assert_eq!(figures.len(), 2);
        let fontanka = figures
            .iter()
            .find(|c| c.claims[0].source.as_str() == seed_id("source:fontanka-report"))
            .expect("Fontanka's figure");
        assert_eq!(fontanka.figure.value(), Some(3000));
        assert_eq!(fontanka.figure.qualifier(), CountQualifier::AtLeast);
        let novaya = figures
            .iter()
            .find(|c| c.claims[0].source.as_str() == seed_id("source:novaya-gazeta-europe-report"))
            .expect("Novaya Gazeta Europe's figure");
        assert_eq!(novaya.figure.value(), None);
        assert_eq!(novaya.figure.qualifier(), CountQualifier::MoreThan);
        assert_eq!(novaya.figure.lower(), Some(3000));
        assert_eq!(novaya.figure.wording(), Some("much higher"));
        for c in figures {
            assert_eq!(c.claims[0].status, ClaimStatus::Reported);
        }
    }

    #[test]
    fn the_seed_marks_the_1500_contracts_as_unconfirmed() {
        let doc = seed();
        let count = doc
            .counts
            .iter()
            .find(|c| c.figure.value() == Some(1500))
            .expect("the 1,500 figure");
        assert_eq!(count.claims.len(), 1);
        assert_eq!(count.claims[0].status, ClaimStatus::Unconfirmed);
        assert!(count.claims[0]
            .note
            .as_ref()
            .unwrap()
            .as_str()
            .contains("has not been confirmed"));
    }

    #[test]
    fn the_seed_breakdown_of_charges_adds_up_to_31() {
        let doc = seed();
        let whole = seed_id("count:charged-31");
        let total = doc.counts.iter().find(|c| c.id.as_str() == whole).unwrap();
        assert_eq!(total.figure.value(), Some(31));
        assert_eq!(total.claims[0].status, ClaimStatus::OfficialStatement);
        let parts: Vec<&valid::Count> = doc
            .counts
            .iter()
            .filter(|c| c.part_of.as_ref().map(NodeId::as_str) == Some(whole.as_str()))
            .collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(
            parts.iter().filter_map(|c| c.figure.value()).sum::<i32>(),
            31
        );
    }

    #[test]
    fn the_seed_infers_its_dates_from_the_banner_and_says_so() {
        let doc = seed();
        let raids = doc
            .events
            .iter()
            .find(|e| e.id.as_str() == seed_id("event:raids"))
            .unwrap();
        assert_eq!(raids.date.edtf(), "2024-12-31/2025-01-01");
        assert!(raids.date.inferred());
        assert!(raids.date.basis().unwrap().contains("Meduza survived 2024"));
        let recent = doc
            .events
            .iter()
            .find(|e| e.id.as_str() == seed_id("event:citizenship-for-contracts"))
            .unwrap();
        assert_eq!(recent.date.earliest(), None);
        assert!(recent.date.basis().unwrap().contains("In recent months"));
        for e in &doc.events {
            assert!(e.date.inferred(), "{}: the report prints no year", e.id);
        }
    }

    #[test]
    fn the_seed_cites_its_sources_from_meduzas_report() {
        let doc = seed();
        let meduza = doc
            .sources
            .iter()
            .find(|s| s.id.as_str() == seed_id("source:meduza-report"))
            .unwrap();
        let cited: Vec<&str> = meduza.cites.iter().map(|c| c.source.as_str()).collect();
        for other in [
            "fontanka-report",
            "novaya-gazeta-europe-report",
            "courts-press-service-statement",
        ] {
            assert!(
                cited.contains(&seed_id(&format!("source:{other}")).as_str()),
                "{other}"
            );
        }
        assert_eq!(
            meduza.publisher.as_ref().unwrap().as_str(),
            seed_id("actor:meduza")
        );
        assert!(meduza.published.as_ref().unwrap().inferred());
        assert!(
            doc.places.iter().all(|p| p.location.is_none()),
            "the report gives no coordinates"
        );
        assert!(
            doc.sources.iter().all(|s| s.url.is_none()),
            "the report prints no URLs"
        );
    }

    #[test]
    fn the_seed_round_trips_through_json() {
        let doc = seed_document();
        let again = ImportDocument::from_json(&serde_json::to_string(&doc).unwrap()).unwrap();
        assert_eq!(doc, again);
    }

    #[test]
    fn the_example_in_the_format_guide_is_valid() {
        let guide =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/data-format.md"))
                .expect("docs/data-format.md is readable");
        let start = guide
            .find("```json\n")
            .expect("the guide has a JSON example")
            + "```json\n".len();
        let end = start + guide[start..].find("```").expect("the example is closed");
        let doc = ImportDocument::from_json(&guide[start..end]).unwrap_or_else(|e| panic!("{e}"));
        if let Err(errors) = doc.validate() {
            panic!("{}", crate::domain::render_errors(&errors));
        }
    }

    // -- the rules -----------------------------------------------------------------------------

    #[test]
    fn the_minimal_document_is_valid() {
        let doc: ImportDocument = serde_json::from_value(minimal()).unwrap();
        let valid = doc.validate().unwrap();
        assert_eq!(valid.claims().count(), 3);
    }

    #[test]
    fn a_broken_reference_names_the_field_and_the_missing_id() {
        let mut doc = minimal();
        doc["participations"][0]["actor"] = json!("c:a:nobody");
        let e = only_error(doc);
        assert_eq!(e.field, "participations[0].actor");
        assert!(e.message.contains("no actor with id `c:a:nobody`"), "{e}");
    }

    #[test]
    fn a_reference_to_the_wrong_kind_of_record_says_what_it_found() {
        let mut doc = minimal();
        doc["events"][0]["place"] = json!("c:a:police");
        let e = only_error(doc);
        assert_eq!(e.field, "events[0].place");
        assert!(
            e.message.contains("is an actor (actors[0]), not a place"),
            "{e}"
        );
    }

    #[test]
    fn a_duplicate_id_names_both_records() {
        let mut doc = minimal();
        doc["counts"][0]["claims"][0]["id"] = json!("c:e:raid");
        let e = only_error(doc);
        assert_eq!(e.field, "counts[0].claims[0].id");
        assert!(
            e.message
                .contains("duplicate id `c:e:raid`: already used by events[0]"),
            "{e}"
        );
    }

    #[test]
    fn an_invalid_id_is_rejected_at_its_path() {
        let mut doc = minimal();
        doc["actors"][0]["id"] = json!("has space");
        doc["participations"][0]["actor"] = json!("has space");
        let errors = errors_of(doc);
        assert!(
            errors.iter().any(|e| e.field == "actors[0].id"),
            "{errors:#?}"
        );
    }

    #[test]
    fn a_bad_date_names_the_edtf_field() {
        let mut doc = minimal();
        doc["events"][0]["date"]["edtf"] = json!("2025-02-30");
        let e = only_error(doc);
        assert_eq!(e.field, "events[0].date.edtf");
        assert!(e.message.contains("does not exist"), "{e}");
    }

    #[test]
    fn an_inferred_date_without_basis_names_the_basis_field() {
        let mut doc = minimal();
        doc["sources"][0]["published"] = json!({ "edtf": "2025-01", "inferred": true });
        let e = only_error(doc);
        assert_eq!(e.field, "sources[0].published.basis");
    }

    #[test]
    fn a_negative_count_names_the_value_field() {
        let mut doc = minimal();
        doc["counts"][0]["value"] = json!(-3);
        let e = only_error(doc);
        assert_eq!(e.field, "counts[0].value");
        assert!(e.message.contains("negative"), "{e}");
    }

    #[test]
    fn bounds_out_of_order_name_the_upper_field() {
        let mut doc = minimal();
        doc["counts"][0]["qualifier"] = json!("ABOUT");
        doc["counts"][0]["lower"] = json!(5);
        doc["counts"][0]["upper"] = json!(1);
        doc["counts"][0].as_object_mut().unwrap().remove("value");
        let e = only_error(doc);
        assert_eq!(e.field, "counts[0].upper");
        assert!(e.message.contains("upper below lower"));
    }

    #[test]
    fn an_unknown_term_key_is_rejected() {
        let mut doc = minimal();
        doc["events"][0]["type"] = json!("riot");
        let e = only_error(doc);
        assert_eq!(e.field, "events[0].type");
        assert!(
            e.message.contains("no EVENT_TYPE term with key `riot`"),
            "{e}"
        );
    }

    #[test]
    fn a_term_from_the_wrong_vocabulary_is_rejected() {
        let mut doc = minimal();
        doc["participations"][0]["role"] = json!("raid");
        let e = only_error(doc);
        assert_eq!(e.field, "participations[0].role");
        assert!(
            e.message
                .contains("`raid` is a EVENT_TYPE term, not a PARTICIPANT_ROLE term"),
            "{e}"
        );
    }

    #[test]
    fn a_fact_without_claims_is_rejected() {
        let mut doc = minimal();
        doc["events"][0]["claims"] = json!([]);
        let e = only_error(doc);
        assert_eq!(e.field, "events[0].claims");
    }

    #[test]
    fn a_claim_citing_an_unknown_source_is_rejected() {
        let mut doc = minimal();
        doc["events"][0]["claims"][0]["source"] = json!("c:s:missing");
        let e = only_error(doc);
        assert_eq!(e.field, "events[0].claims[0].source");
    }

    #[test]
    fn the_format_tag_is_checked() {
        let mut doc = minimal();
        doc["format"] = json!("casegraph/v2");
        let e = only_error(doc);
        assert_eq!(e.field, "format");
    }

    #[test]
    fn places_within_each_other_in_a_circle_are_rejected() {
        let mut doc = minimal();
        doc["places"] = json!([
            { "id": "c:p:city", "kind": "CITY", "name": "City", "description": "d",
              "precision": "CITY", "within": "c:p:region" },
            { "id": "c:p:region", "kind": "REGION", "name": "Region", "description": "d",
              "precision": "REGION", "within": "c:p:city" }
        ]);
        let e = only_error(doc);
        assert!(e.field.ends_with(".within"), "{e}");
        assert!(
            e.message.contains("c:p:city → c:p:region → c:p:city"),
            "{e}"
        );
    }

    #[test]
    fn an_event_part_of_itself_is_rejected() {
        let mut doc = minimal();
        doc["events"][0]["partOf"] = json!(["c:e:raid"]);
        let e = only_error(doc);
        assert_eq!(e.field, "events[0].partOf[0]");
    }

    #[test]
    fn out_of_range_coordinates_name_the_axis() {
        let mut doc = minimal();
        doc["places"][0]["location"] = json!({ "latitude": 95.0, "longitude": 30.0 });
        let e = only_error(doc);
        assert_eq!(e.field, "places[0].location.latitude");
    }

    #[test]
    fn every_problem_is_reported_in_one_pass() {
        let mut doc = minimal();
        doc["events"][0]["date"]["edtf"] = json!("someday");
        doc["counts"][0]["value"] = json!(-1);
        doc["participations"][0]["event"] = json!("c:e:none");
        doc["actors"][0]["name"] = json!("  ");
        let fields: Vec<String> = errors_of(doc).into_iter().map(|e| e.field).collect();
        for expected in [
            "events[0].date.edtf",
            "counts[0].value",
            "participations[0].event",
            "actors[0].name",
        ] {
            assert!(
                fields.iter().any(|f| f == expected),
                "{expected} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn a_misspelt_key_is_a_parse_error() {
        let mut doc = minimal();
        doc["events"][0]["palce"] = json!("c:p:city");
        let e = ImportDocument::from_json(&doc.to_string()).unwrap_err();
        assert!(e.message.contains("unknown field `palce`"), "{e}");
    }

    #[test]
    fn an_unknown_enum_value_is_a_parse_error_listing_the_choices() {
        let mut doc = minimal();
        doc["actors"][0]["kind"] = json!("POLICE");
        let e = ImportDocument::from_json(&doc.to_string()).unwrap_err();
        assert!(e.message.contains("STATE_BODY"), "{e}");
    }
}
