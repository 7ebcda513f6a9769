//! List filters: each a fixed predicate on `n` with its values as parameters.

use serde_json::Value;

use crate::{
    domain::{ActorKind, ClaimStatus, PlaceKind, SourceKind, Vocabulary},
    store::Cypher,
};

/// A filter on a list. Each variant contributes a fixed predicate on `n` and binds its values as
/// parameters: user input never becomes Cypher text. Closed sets of values (kinds, statuses,
/// vocabularies) are the domain's enums, so a filter cannot ask for a value the model does not have.
#[derive(Debug, Clone)]
pub enum Filter {
    /// `n.type` (events) is one of these term keys.
    Types(Vec<String>),
    /// `n.kind` is one of these.
    ActorKinds(Vec<ActorKind>),
    PlaceKinds(Vec<PlaceKind>),
    SourceKinds(Vec<SourceKind>),
    /// The event's date interval overlaps the window (either end may be open); the same rule as
    /// `FuzzyDate`'s bounds: a missing bound on either side is unbounded.
    DateOverlap(crate::domain::DateRange),
    /// The event happened at this place or anywhere within it; for places: lies within it (or is it).
    EventWithinPlace(String),
    PlaceWithinPlace(String),
    /// The event has a participant matching actor and/or role.
    Participant {
        actor: Option<String>,
        role: Option<String>,
    },
    /// The node (or, for events, any of its participations and counts) rests on a claim citing this
    /// source, or a source published by this outlet (actor).
    CitesSource(String),
    /// Participations in one of these roles.
    Roles(Vec<String>),
    /// Participations of this actor.
    ParticipationOfActor(String),
    /// Participations in this event.
    ParticipationInEvent(String),
    /// Claims citing this source, or a source published by this outlet (for claim lists).
    ClaimCites(String),
    /// Counts about this event.
    CountOfEvent(String),
    /// Claims with one of these statuses (for claim lists).
    ClaimStatusIn(Vec<ClaimStatus>),
    /// Case-insensitive substring of the node's names, aliases, title, description, subject, wording
    /// or excerpt (one field: the stored search key, see `records::SEARCH_SEPARATOR`).
    Text(String),
    /// The node has at least one claim with one of these statuses.
    ProvenanceStatusIn(Vec<ClaimStatus>),
    /// The node has no claim with any of these statuses.
    ProvenanceStatusNotIn(Vec<ClaimStatus>),
    /// Distinct sources among the node's standing claims (see [`ClaimStatus::is_standing`]): at least
    /// / at most.
    MinSources(i64),
    MaxSources(i64),
    /// Terms of one vocabulary.
    Vocabulary(Vocabulary),
    /// Facts in dispute (`true`) or not (`false`): a `DISPUTED` claim behind the node (for events,
    /// also behind any of its participations or figures), or, for figures and events, two figures about
    /// the same thing (event, subject, sub-group, unit) that differ — the conflicts of the graph
    /// questions. See [`IN_DISPUTE`].
    InDispute(bool),
}

/// The predicate of [`Filter::InDispute`], on `n` (an event, a participation or a figure), with the
/// disputed status as parameter `$<f>_disputed`. The first part finds a disputed claim about `n` or,
/// for an event, about its participations and figures; the second, for a figure or an event, two
/// figures of the event about the same thing that do not say the same. (Two `MATCH` clauses: in one,
/// a figure could not reach its event and come back as itself over the same relationship.)
const IN_DISPUTE: [&str; 2] = [
    "(EXISTS { MATCH (n)<-[:IN_EVENT|COUNT_OF*0..1]-()<-[:ABOUT]-(dc:Claim) WHERE dc.status = ",
    " } OR EXISTS { MATCH (n)-[:COUNT_OF*0..1]->(de:Event) MATCH (de)<-[:COUNT_OF]-(da:Count) \
     WHERE (n:Event OR da = n) AND EXISTS { MATCH (de)<-[:COUNT_OF]-(db:Count) \
       WHERE db <> da AND db.subject = da.subject AND db.unit = da.unit \
         AND coalesce(db.subgroup, '') = coalesce(da.subgroup, '') \
         AND NOT (db.qualifier = da.qualifier AND coalesce(db.value, -1) = coalesce(da.value, -1) \
                  AND coalesce(db.lower, -1) = coalesce(da.lower, -1) \
                  AND coalesce(db.upper, -1) = coalesce(da.upper, -1)) } })",
];

fn names<T: Copy>(values: &[T], name: fn(T) -> &'static str) -> Value {
    values.iter().map(|v| name(*v)).collect::<Vec<_>>().into()
}

/// The names of the claim statuses that count as support, from the one Rust rule
/// ([`ClaimStatus::is_standing`]); passed to Cypher as a parameter, never spelt out in a statement.
pub fn standing_statuses() -> Vec<&'static str> {
    ClaimStatus::ALL
        .iter()
        .filter(|s| s.is_standing())
        .map(|s| s.as_str())
        .collect()
}

/// From a source anchor `a<i>`, the sources it stands for: itself, or, for an outlet (an actor), the
/// sources it published (`source:` takes either).
const OUTLET_SOURCES: &str = ")<-[:PUBLISHED_BY*0..1]-(:Source)";

/// Appends `MATCH (a<i>:Node {id: $f<i>_<param>}) USING INDEX SEEK a<i>:Node(id) WHERE a<i>`, for
/// the caller to go on with the anchor's label test (`:Place`). The anchor is found by the id index
/// whatever the planner's estimates: in a small or young graph it sometimes read the anchor from a
/// scan of its label (or of another index) and filtered by id, which is never cheaper once the graph
/// has grown.
pub(super) fn seek_anchor<'a>(
    out: &'a mut Cypher,
    i: usize,
    param: &'static str,
) -> &'a mut Cypher {
    out.push("MATCH (a")
        .push(i)
        .push(":Node {id: $f")
        .push(i)
        .push("_")
        .push(param)
        .push("}) USING INDEX SEEK a")
        .push(i)
        .push(":Node(id) WHERE a")
        .push(i)
}

impl Filter {
    /// For a filter that names a node the results are reached from (a place, an actor, a source, an
    /// event), appends `MATCH`es that start at that node (found by the id index) and walk to every `n`
    /// of `label` it reaches, and returns its parameters; then the filter needs no predicate. `None`
    /// for a filter that only tests each node.
    pub(super) fn anchor(
        &self,
        i: usize,
        label: &'static str,
        out: &mut Cypher,
    ) -> Option<Vec<(String, Value)>> {
        let (id, start, walk): (&String, &'static str, &'static str) = match self {
            // A region's events are its `IN_REGION` relationships (`records::region_keys`), one per
            // event, found by their index: no walk down the hierarchy, no label test (only events
            // have them). The keys after the first are named so that the planner can use the index.
            Filter::EventWithinPlace(id) if label == "Event" => {
                out.push("MATCH (n)-[r")
                    .push(i)
                    .push(":IN_REGION]->() USING INDEX SEEK r")
                    .push(i)
                    .push(":IN_REGION(regionId, spanClass, sortDate, eventId) WHERE r")
                    .push(i)
                    .push(".regionId = $f")
                    .push(i)
                    .push("_v");
                for key in [".spanClass", ".sortDate", ".eventId"] {
                    out.push(" AND r").push(i).push(key).push(" IS NOT NULL");
                }
                return Some(vec![(format!("f{i}_v"), id.clone().into())]);
            }
            Filter::PlaceWithinPlace(id) if label == "Place" => {
                (id, "Place", "<-[:WITHIN*0..32]-(n:Place)")
            }
            Filter::Participant {
                actor: Some(id),
                role,
            } if label == "Event" => {
                seek_anchor(out, i, "actor")
                    .push(":Actor MATCH (a")
                    .push(i)
                    .push(")-[:PARTICIPATES_AS]->(pa")
                    .push(i)
                    .push(":Participation)-[:IN_EVENT]->(n:Event) WHERE $f")
                    .push(i)
                    .push("_role IS NULL OR pa")
                    .push(i)
                    .push(".role = $f")
                    .push(i)
                    .push("_role");
                return Some(vec![
                    (format!("f{i}_actor"), id.clone().into()),
                    (format!("f{i}_role"), role.clone().into()),
                ]);
            }
            Filter::CitesSource(id) => {
                seek_anchor(out, i, "v")
                    .push(":Source OR a")
                    .push(i)
                    .push(":Actor MATCH (a")
                    .push(i)
                    .push(OUTLET_SOURCES)
                    .push("<-[:CITES]-(:Claim)-[:ABOUT]->()-[:IN_EVENT|COUNT_OF*0..1]->(n:")
                    .push(label)
                    .push(")");
                return Some(vec![(format!("f{i}_v"), id.clone().into())]);
            }
            Filter::ParticipationOfActor(id) if label == "Participation" => {
                (id, "Actor", "-[:PARTICIPATES_AS]->(n:Participation)")
            }
            Filter::ParticipationInEvent(id) if label == "Participation" => {
                (id, "Event", "<-[:IN_EVENT]-(n:Participation)")
            }
            Filter::ClaimCites(id) if label == "Claim" => {
                seek_anchor(out, i, "v")
                    .push(":Source OR a")
                    .push(i)
                    .push(":Actor MATCH (a")
                    .push(i)
                    .push(OUTLET_SOURCES)
                    .push("<-[:CITES]-(n:Claim)");
                return Some(vec![(format!("f{i}_v"), id.clone().into())]);
            }
            Filter::CountOfEvent(id) if label == "Count" => {
                (id, "Event", "<-[:COUNT_OF]-(n:Count)")
            }
            _ => return None,
        };
        seek_anchor(out, i, "v")
            .push(":")
            .push(start)
            .push(" MATCH (a")
            .push(i)
            .push(")")
            .push(walk);
        Some(vec![(format!("f{i}_v"), id.clone().into())])
    }

    /// Appends the predicate for filter number `i` to `out` and returns its parameters, named
    /// `f<i>_<name>` so that two filters never share one.
    pub(super) fn predicate(&self, i: usize, out: &mut Cypher) -> Vec<(String, Value)> {
        let key = |name: &str| format!("f{i}_{name}");
        // `$f<i>_<name>` in the text: the index is a number the code counted.
        let param = |out: &mut Cypher, name: &'static str| {
            out.push("$f").push(i).push("_").push(name);
        };
        let one = |name: &str, v: Value| vec![(key(name), v)];
        macro_rules! text {
            ($($piece:tt),+ $(,)?) => {{ $( text!(@one $piece); )+ }};
            (@one ($p:literal)) => { param(out, $p) };
            (@one $s:tt) => { out.push($s) };
        }
        match self {
            Filter::Types(t) => {
                text!("n.type IN ", ("v"));
                one("v", t.clone().into())
            }
            Filter::ActorKinds(k) => {
                text!("n.kind IN ", ("v"));
                one("v", names(k, ActorKind::as_str))
            }
            Filter::PlaceKinds(k) => {
                text!("n.kind IN ", ("v"));
                one("v", names(k, PlaceKind::as_str))
            }
            Filter::SourceKinds(k) => {
                text!("n.kind IN ", ("v"));
                one("v", names(k, SourceKind::as_str))
            }
            Filter::DateOverlap(window) => {
                text!(
                    "(",
                    ("from"),
                    " IS NULL OR n.dateLatest IS NULL OR n.dateLatest >= date(",
                    ("from"),
                    ")) AND (",
                    ("to"),
                    " IS NULL OR n.dateEarliest IS NULL OR n.dateEarliest <= date(",
                    ("to"),
                    "))"
                );
                vec![
                    (key("from"), window.from().map(|d| d.to_string()).into()),
                    (key("to"), window.to().map(|d| d.to_string()).into()),
                ]
            }
            Filter::EventWithinPlace(id) => {
                // Its own relationship variable: `r<i>` is free wherever the filter is tested
                // (the region's page binds `r`, see `read::region`).
                out.push("EXISTS { MATCH (n)-[r")
                    .push(i)
                    .push(":IN_REGION]->() WHERE r")
                    .push(i)
                    .push(".regionId = ");
                param(out, "v");
                out.push(" }");
                one("v", id.clone().into())
            }
            Filter::PlaceWithinPlace(id) => {
                text!(
                    "EXISTS { MATCH (n)-[:WITHIN*0..32]->(:Place {id: ",
                    ("v"),
                    "}) }"
                );
                one("v", id.clone().into())
            }
            Filter::Participant { actor, role } => {
                text!(
                    "EXISTS { MATCH (n)<-[:IN_EVENT]-(pa:Participation)<-[:PARTICIPATES_AS]-(ac:Actor) \
                     WHERE (", ("actor"), " IS NULL OR ac.id = ", ("actor"), ") AND (", ("role"),
                    " IS NULL OR pa.role = ", ("role"), ") }"
                );
                vec![
                    (key("actor"), actor.clone().into()),
                    (key("role"), role.clone().into()),
                ]
            }
            Filter::CitesSource(id) => {
                text!(
                    "EXISTS { MATCH (n)<-[:IN_EVENT|COUNT_OF*0..1]-()<-[:ABOUT]-(:Claim)-[:CITES]->(:Source)\
                     -[:PUBLISHED_BY*0..1]->(:Node {id: ",
                    ("v"), "}) }"
                );
                one("v", id.clone().into())
            }
            Filter::Roles(r) => {
                text!("n.role IN ", ("v"));
                one("v", r.clone().into())
            }
            Filter::ParticipationOfActor(id) => {
                text!(
                    "EXISTS { MATCH (n)<-[:PARTICIPATES_AS]-(:Actor {id: ",
                    ("v"),
                    "}) }"
                );
                one("v", id.clone().into())
            }
            Filter::ParticipationInEvent(id) => {
                text!(
                    "EXISTS { MATCH (n)-[:IN_EVENT]->(:Event {id: ",
                    ("v"),
                    "}) }"
                );
                one("v", id.clone().into())
            }
            Filter::ClaimCites(id) => {
                text!(
                    "EXISTS { MATCH (n)-[:CITES]->(:Source)-[:PUBLISHED_BY*0..1]->(:Node {id: ",
                    ("v"),
                    "}) }"
                );
                one("v", id.clone().into())
            }
            Filter::CountOfEvent(id) => {
                text!(
                    "EXISTS { MATCH (n)-[:COUNT_OF]->(:Event {id: ",
                    ("v"),
                    "}) }"
                );
                one("v", id.clone().into())
            }
            Filter::ClaimStatusIn(s) => {
                text!("n.status IN ", ("v"));
                one("v", names(s, ClaimStatus::as_str))
            }
            Filter::Text(t) => {
                // The stored search key (`records::SEARCH_SEPARATOR`), read through its TEXT index. A
                // word holding the key's field separator would match across two fields; no stored
                // text holds it, so it matches nothing (`CONTAINS null` is null: no row).
                text!("n.searchText CONTAINS ", ("v"));
                let word = t.to_lowercase();
                let word = if word.contains(crate::store::records::SEARCH_SEPARATOR) {
                    Value::Null
                } else {
                    word.into()
                };
                one("v", word)
            }
            Filter::ProvenanceStatusIn(s) => {
                text!(
                    "EXISTS { MATCH (n)<-[:ABOUT]-(c:Claim) WHERE c.status IN ",
                    ("v"),
                    " }"
                );
                one("v", names(s, ClaimStatus::as_str))
            }
            Filter::ProvenanceStatusNotIn(s) => {
                text!(
                    "NOT EXISTS { MATCH (n)<-[:ABOUT]-(c:Claim) WHERE c.status IN ",
                    ("v"),
                    " }"
                );
                one("v", names(s, ClaimStatus::as_str))
            }
            Filter::MinSources(k) | Filter::MaxSources(k) => {
                let op = if matches!(self, Filter::MinSources(_)) {
                    " >= "
                } else {
                    " <= "
                };
                text!(
                    "size(COLLECT { MATCH (n)<-[:ABOUT]-(sc:Claim)-[:CITES]->(ss:Source) \
                     WHERE sc.status IN ",
                    ("standing"),
                    " RETURN DISTINCT ss.id })",
                    op,
                    ("v")
                );
                vec![
                    (key("v"), (*k).into()),
                    (key("standing"), standing_statuses().into()),
                ]
            }
            Filter::Vocabulary(v) => {
                text!("n.vocabulary = ", ("v"));
                one("v", v.as_str().into())
            }
            Filter::InDispute(yes) => {
                if !yes {
                    out.push("NOT ");
                }
                let [head, tail] = IN_DISPUTE;
                text!(head, ("disputed"), tail);
                one("disputed", ClaimStatus::Disputed.as_str().into())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standing_statuses_come_from_the_rust_rule() {
        assert_eq!(
            standing_statuses(),
            ["OFFICIAL_STATEMENT", "REPORTED", "CONFIRMED", "UNCONFIRMED"]
        );
    }

    #[test]
    fn the_sources_filter_passes_the_standing_statuses_as_a_parameter() {
        let mut text = Cypher::new();
        let params = Filter::MinSources(2).predicate(3, &mut text);
        let text = format!("{:?}", text.into_statement());
        assert!(text.contains("sc.status IN $f3_standing"), "{text}");
        for status in ClaimStatus::ALL {
            assert!(
                !text.contains(status.as_str()),
                "{status} spelt out in {text}"
            );
        }
        let standing = params.iter().find(|(k, _)| k == "f3_standing").unwrap();
        assert_eq!(standing.1, serde_json::json!(standing_statuses()));
    }
}
