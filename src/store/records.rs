//! Typed records read from the graph.
//!
//! Every read returns nodes through one projection, [`NODE_PROJECTION`], that turns Neo4j's temporal
//! and spatial values into strings and numbers, so a single decoder serves every kind of node.

use serde::Deserialize;
use serde_json::Value;

use crate::error::{AppError, AppResult};

/// Projects node `n` into a map: all properties but the search key (a second, lowercased copy of its
/// text that no answer reads), its labels, and the values that JSON cannot carry natively (dates,
/// datetimes, points) converted. `toString(null)` is null, so this one projection fits
/// every label. Claims also carry the id of the source they cite, which every provenance answer needs.
pub const NODE_PROJECTION: &str = "n {.*, \
    searchText: null, \
    labels: labels(n), \
    dateEarliest: toString(n.dateEarliest), dateLatest: toString(n.dateLatest), \
    publishedEarliest: toString(n.publishedEarliest), publishedLatest: toString(n.publishedLatest), \
    createdAt: toString(n.createdAt), \
    location: CASE WHEN n.location IS NULL THEN null ELSE {latitude: n.location.y, longitude: n.location.x} END, \
    sourceId: CASE WHEN n:Claim THEN head([(n)-[:CITES]->(s:Source) | s.id]) ELSE null END \
  }";

/// Sets the stored keys of node `n` derived from its own properties: the sort keys lists are ordered
/// by (see `read::SortKey`), each held in a property with an index so that a page is read in index
/// order, and the search key the `text` filters seek ([`SEARCH_SEPARATOR`]). Every write of a node's
/// properties runs this after them (`write/nodes.rs`, `write/merges.rs`,
/// `write/relation_evidence.rs`), and a migration fills it in for nodes written before it existed. A
/// key another label does not have is set to null, which stores nothing. The sort values are those
/// the lists used to compute per query, so older cursors stay valid. An event also keeps the class
/// of its date's span ([`span_class`]), which its region relationships copy ([`region_keys`]) so
/// that a region's events are read one class at a time (`read::region`).
pub const SORT_KEYS: &str = "n.sortDate = CASE WHEN n:Event THEN coalesce(toString(n.dateEarliest), '') END, \
    n.spanClass = CASE WHEN n:Event THEN CASE WHEN n.dateEarliest IS NULL OR n.dateLatest IS NULL THEN -1 \
      ELSE size([t IN [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152] \
        WHERE t <= duration.inDays(n.dateEarliest, n.dateLatest).days]) END END, \
    n.sortTitle = CASE WHEN n:Event THEN toLower(coalesce(n.title, n.label, '')) END, \
    n.sortName = CASE WHEN n:Actor OR n:Place OR n:Collection THEN toLower(coalesce(n.name, n.label, '')) END, \
    n.sortPublished = CASE WHEN n:Source THEN coalesce(toString(n.publishedEarliest), '') END, \
    n.sortCreated = CASE WHEN n:Claim THEN coalesce(toString(n.createdAt), '') END, \
    n.sortFigure = CASE WHEN n:Count THEN coalesce(n.value, n.lower, n.upper, -1) END, \
    n.sortTerm = CASE WHEN n:Term THEN n.vocabulary + ':' + n.key END, \
    n.searchText = CASE WHEN n:Event OR n:Actor OR n:Place OR n:Source OR n:Count OR n:Claim THEN left( \
      reduce(s = '', x IN [n.name, n.title, n.label, n.subject, n.wording] + coalesce(n.aliases, []) \
        + [n.description, n.excerpt] | CASE WHEN x IS NULL THEN s ELSE s + '\\u001F' + toLower(x) END), \
      8191) END";

/// Rebuilds the `IN_REGION` relationships of the event bound to `$a`: one to its place and one to
/// each place that place lies within (`AT`, then `WITHIN*0..32`), each holding copies of the place's
/// id and of the event's span class, sort key and id, in that order, for the relationship index
/// `cg_event_region` (`regionId, spanClass, sortDate, eventId`). A region's events by date are read
/// from that index one span class at a time, each seek ordered and cut at the page
/// (`read::region`), so a page costs the same in a region of 100 events or of 200,000: nothing
/// walks the hierarchy or reads the whole region at read time. The copies must be rebuilt by every
/// write that changes an event's place or date, or a place's position in the hierarchy (for each
/// event at or below it); a migration fills them in for graphs written before they existed.
/// Deleting and creating all of an event's copies (~4–5) keeps this one statement for every case.
/// It first takes the event's write lock (setting a property does, even to its own value), so that
/// two transactions rebuilding one event's copies (a writer and the start-up backfill) run one
/// after the other instead of both finding none and both creating them.
macro_rules! region_keys {
    ($a:literal) => {
        concat!(
            " CALL (",
            $a,
            ") { SET ",
            $a,
            ".sortDate = ",
            $a,
            ".sortDate \
             WITH ",
            $a,
            " OPTIONAL MATCH (",
            $a,
            ")-[old:IN_REGION]->() DELETE old } \
             CALL (",
            $a,
            ") { MATCH (",
            $a,
            ")-[:AT]->(:Place)-[:WITHIN*0..32]->(region:Place) \
             WITH DISTINCT ",
            $a,
            ", region \
             CREATE (",
            $a,
            ")-[:IN_REGION {regionId: region.id, spanClass: ",
            $a,
            ".spanClass, \
             sortDate: ",
            $a,
            ".sortDate, eventId: ",
            $a,
            ".id}]->(region) }"
        )
    };
}
pub(crate) use region_keys;

/// The span class of an event's date whose start or end is open or unknown: it may overlap any
/// later window, however far.
pub const OPEN_SPAN: i64 = -1;

/// The largest span class: a date spans at most 0000-01-01 to 9999-12-31, under 2^22 days.
pub const MAX_SPAN_CLASS: i64 = 22;

/// The class of an event's date span, stored as `spanClass` ([`SORT_KEYS`] computes the same in
/// Cypher; the offline export calls this): for `d` days from its earliest to its latest day, the
/// number of binary digits of `d` (0 for a single day, 1 for two days, 2 for three or four …), so
/// that an event of class `c` lasts at most [`span_days`]`(c)` days after its start; [`OPEN_SPAN`]
/// when either bound is missing. A window starting on `from` can then only overlap the events of
/// class `c` that start on or after `from - span_days(c)` (`read::region`).
pub fn span_class(earliest: Option<chrono::NaiveDate>, latest: Option<chrono::NaiveDate>) -> i64 {
    match (earliest, latest) {
        (Some(e), Some(l)) => {
            let days = (l - e).num_days().max(0) as u64;
            i64::from(u64::BITS - days.leading_zeros()).min(MAX_SPAN_CLASS)
        }
        _ => OPEN_SPAN,
    }
}

/// The most days from its start to its end that an event of span class `class` (not open) lasts.
pub fn span_days(class: i64) -> i64 {
    (1i64 << class) - 1
}

/// Sets the copies a participation `n` keeps of its actor `a` and its event `e`, for the index that
/// holds an actor's events in date order (`cg_participation_actor_events`, `read::seek`): the actor's
/// id, the event's sort key (`sortDate`, set by [`SORT_KEYS`]) and id. Every writer of a
/// participation's ends sets them; an event's upsert passes a new `sortDate` on to its
/// participations and a merge of actors re-points `actorId` (`write/nodes.rs`, `write/fresh.rs`,
/// `write/merges.rs`); a migration fills them in for participations written before they existed.
/// (An event's own copy of its place's id, `placeId`, is kept with the `AT` link: `write/links.rs`.)
pub const PARTICIPATION_KEYS: &str =
    "n.actorId = a.id, n.eventSortDate = e.sortDate, n.eventId = e.id";

/// The separator of the fields in the search key `searchText` of the kinds with a `text` filter
/// (see [`SORT_KEYS`]): every text field the filter searches (names,
/// aliases, title, description, subject, wording, excerpt), each lowercased with Cypher's `toLower`
/// (as the filter used to do per query) and preceded by U+001F, in one string property with a TEXT
/// index per label (`schema/constraints.cypher`). `searchText CONTAINS $word` is then one index
/// scan (`NodeIndexContainsScan`) instead of lowercasing every field of every node of the label.
/// Stored text may not hold control characters (`domain::NonEmptyText`), so a word without U+001F
/// matches inside one field only, as before; a word with it matches nothing (`read::Filter::Text`).
/// A TEXT index refuses a value over 32,766 bytes of UTF-8 (the write fails), so the key keeps its
/// first 8,191 characters (`left` counts code points, at most 4 bytes each): names, titles,
/// subjects, wordings and aliases first, then description and excerpt. A node whose searched text
/// is longer (a description near its 10,000-character limit) loses its end from search.
pub const SEARCH_SEPARATOR: char = '\u{1F}';

/// [`NODE_PROJECTION`] for any variable: `§n` marks it (see `read::render`). A test checks that the two
/// agree.
pub const NODE_PROJECTION_OF: &str = "§n {.*, \
    searchText: null, \
    labels: labels(§n), \
    dateEarliest: toString(§n.dateEarliest), dateLatest: toString(§n.dateLatest), \
    publishedEarliest: toString(§n.publishedEarliest), publishedLatest: toString(§n.publishedLatest), \
    createdAt: toString(§n.createdAt), \
    location: CASE WHEN §n.location IS NULL THEN null ELSE {latitude: §n.location.y, longitude: §n.location.x} END, \
    sourceId: CASE WHEN §n:Claim THEN head([(§n)-[:CITES]->(s:Source) | s.id]) ELSE null END \
  }";

/// A property the projection read but the node does not have comes as null: the same as absent.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CollectionRecord {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TermRecord {
    pub id: String,
    pub collection: String,
    pub vocabulary: String,
    pub key: String,
    pub label: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    pub id: String,
    pub collection: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub title: String,
    pub description: Option<String>,
    pub date_edtf: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub date_inferred: bool,
    pub date_basis: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActorRecord {
    pub id: String,
    pub collection: String,
    pub kind: String,
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LatLon {
    pub latitude: f64,
    pub longitude: f64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceRecord {
    pub id: String,
    pub collection: String,
    pub kind: String,
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    pub description: Option<String>,
    pub location: Option<LatLon>,
    pub precision: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRecord {
    pub id: String,
    pub collection: String,
    pub kind: String,
    pub title: String,
    pub url: Option<String>,
    pub language: Option<String>,
    pub published_edtf: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub published_inferred: bool,
    pub published_basis: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipationRecord {
    pub id: String,
    pub collection: String,
    pub role: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountRecord {
    pub id: String,
    pub collection: String,
    pub subject: String,
    pub value: Option<i64>,
    pub qualifier: String,
    pub lower: Option<i64>,
    pub upper: Option<i64>,
    pub unit: String,
    pub subgroup: Option<String>,
    pub wording: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimRecord {
    pub id: String,
    pub collection: String,
    pub status: String,
    pub excerpt: Option<String>,
    pub note: Option<String>,
    pub created_at: Option<String>,
    pub source_id: Option<String>,
    /// For a claim about a relation: the relation's stored id (see `store::evidence`).
    #[serde(default)]
    pub about_relation: Option<String>,
}

/// Any node, decoded by its label.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeRecord {
    Collection(CollectionRecord),
    Term(TermRecord),
    Event(EventRecord),
    Actor(ActorRecord),
    Place(PlaceRecord),
    Source(SourceRecord),
    Participation(ParticipationRecord),
    Count(CountRecord),
    Claim(ClaimRecord),
}

impl NodeRecord {
    /// Decodes one projected node (see [`NODE_PROJECTION`]).
    pub fn decode(value: Value) -> AppResult<Self> {
        let labels: Vec<String> = value
            .get("labels")
            .and_then(|l| serde_json::from_value(l.clone()).ok())
            .unwrap_or_default();
        let has = |l: &str| labels.iter().any(|x| x == l);
        fn de<T: serde::de::DeserializeOwned>(v: Value) -> AppResult<T> {
            serde_json::from_value(v)
                .map_err(|e| AppError::internal(format!("malformed stored node: {e}")))
        }
        Ok(if has("Event") {
            NodeRecord::Event(de(value)?)
        } else if has("Actor") {
            NodeRecord::Actor(de(value)?)
        } else if has("Place") {
            NodeRecord::Place(de(value)?)
        } else if has("Source") {
            NodeRecord::Source(de(value)?)
        } else if has("Participation") {
            NodeRecord::Participation(de(value)?)
        } else if has("Count") {
            NodeRecord::Count(de(value)?)
        } else if has("Claim") {
            NodeRecord::Claim(de(value)?)
        } else if has("Term") {
            NodeRecord::Term(de(value)?)
        } else if has("Collection") {
            NodeRecord::Collection(de(value)?)
        } else {
            return Err(AppError::internal(format!(
                "node with unknown labels {labels:?}"
            )));
        })
    }

    /// The node's kind, as its label.
    pub fn label(&self) -> &'static str {
        match self {
            NodeRecord::Collection(_) => "Collection",
            NodeRecord::Term(_) => "Term",
            NodeRecord::Event(_) => "Event",
            NodeRecord::Actor(_) => "Actor",
            NodeRecord::Place(_) => "Place",
            NodeRecord::Source(_) => "Source",
            NodeRecord::Participation(_) => "Participation",
            NodeRecord::Count(_) => "Count",
            NodeRecord::Claim(_) => "Claim",
        }
    }

    pub fn id(&self) -> &str {
        match self {
            NodeRecord::Collection(r) => &r.id,
            NodeRecord::Term(r) => &r.id,
            NodeRecord::Event(r) => &r.id,
            NodeRecord::Actor(r) => &r.id,
            NodeRecord::Place(r) => &r.id,
            NodeRecord::Source(r) => &r.id,
            NodeRecord::Participation(r) => &r.id,
            NodeRecord::Count(r) => &r.id,
            NodeRecord::Claim(r) => &r.id,
        }
    }
}

/// The id of a taxonomy term: derived from what identifies it, so that events and participations can
/// reach their term without a lookup and a re-import finds the same node.
pub fn term_id(collection: &str, vocabulary: crate::domain::Vocabulary, key: &str) -> String {
    format!(
        "{collection}:term:{}:{key}",
        vocabulary.as_str().to_ascii_lowercase()
    )
}

/// A property a projection reads, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Prop {
    /// As stored.
    Plain(&'static str),
    /// A temporal value, as its ISO string.
    Text(&'static str),
    /// The point, as latitude and longitude.
    Location,
    /// A claim's source id.
    SourceId,
}

/// What a record of `label` must have to decode, and what each of its GraphQL fields reads besides:
/// a projection of only these is all the resolvers of the selected fields need.
pub fn props_for(label: &str, fields: &[&str]) -> Vec<Prop> {
    use Prop::*;
    let (required, optional): (&[Prop], &[(&str, &[Prop])]) = match label {
        "Event" => (
            &[
                Plain("id"),
                Plain("collection"),
                Plain("type"),
                Plain("title"),
                Plain("dateEdtf"),
            ],
            &[
                ("description", &[Plain("description")]),
                ("date", &[Plain("dateInferred"), Plain("dateBasis")]),
            ],
        ),
        "Actor" => (
            &[
                Plain("id"),
                Plain("collection"),
                Plain("kind"),
                Plain("name"),
            ],
            &[
                ("aliases", &[Plain("aliases")]),
                ("description", &[Plain("description")]),
            ],
        ),
        "Place" => (
            &[
                Plain("id"),
                Plain("collection"),
                Plain("kind"),
                Plain("name"),
                Plain("precision"),
            ],
            &[
                ("aliases", &[Plain("aliases")]),
                ("description", &[Plain("description")]),
                ("location", &[Location]),
            ],
        ),
        "Source" => (
            &[
                Plain("id"),
                Plain("collection"),
                Plain("kind"),
                Plain("title"),
            ],
            &[
                ("url", &[Plain("url")]),
                ("language", &[Plain("language")]),
                (
                    "published",
                    &[
                        Plain("publishedEdtf"),
                        Plain("publishedInferred"),
                        Plain("publishedBasis"),
                    ],
                ),
            ],
        ),
        "Participation" => (
            &[Plain("id"), Plain("collection"), Plain("role")],
            &[("description", &[Plain("description")])],
        ),
        "Count" => (
            &[
                Plain("id"),
                Plain("collection"),
                Plain("subject"),
                Plain("qualifier"),
                Plain("unit"),
            ],
            &[
                ("value", &[Plain("value")]),
                ("lower", &[Plain("lower")]),
                ("upper", &[Plain("upper")]),
                ("subgroup", &[Plain("subgroup")]),
                ("wording", &[Plain("wording")]),
            ],
        ),
        // The source id: every provenance summary needs it, whatever the claim's own selection.
        "Claim" => (
            &[Plain("id"), Plain("collection"), Plain("status"), SourceId],
            &[
                ("excerpt", &[Plain("excerpt")]),
                ("note", &[Plain("note")]),
                ("createdAt", &[Text("createdAt")]),
                ("aboutRelation", &[Plain("aboutRelation")]),
            ],
        ),
        "Term" => (
            &[
                Plain("id"),
                Plain("collection"),
                Plain("vocabulary"),
                Plain("key"),
                Plain("label"),
            ],
            &[("description", &[Plain("description")])],
        ),
        "Collection" => (
            &[Plain("id"), Plain("name")],
            &[("description", &[Plain("description")])],
        ),
        _ => (&[], &[]),
    };
    let mut out: Vec<Prop> = required.to_vec();
    for (field, props) in optional {
        if fields.contains(field) {
            out.extend_from_slice(props);
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Option<chrono::NaiveDate> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_span_class_holds_spans_up_to_its_days_and_open_dates_have_their_own() {
        let from = day("2023-03-01");
        for (latest, class) in [
            ("2023-03-01", 0),
            ("2023-03-02", 1),
            ("2023-03-03", 2),
            ("2023-03-04", 2),
            ("2023-03-05", 3),
            ("2023-03-31", 5),
            ("2024-02-29", 9),
            ("9999-12-31", 22),
        ] {
            let c = span_class(from, day(latest));
            assert_eq!(c, class, "{latest}");
            let days = (day(latest).unwrap() - from.unwrap()).num_days();
            assert!(days <= span_days(c) && (c == 0 || days > span_days(c - 1)));
        }
        assert_eq!(span_class(day("0000-01-01"), day("9999-12-31")), 22);
        assert_eq!(span_class(from, None), OPEN_SPAN);
        assert_eq!(span_class(None, from), OPEN_SPAN);
    }

    #[test]
    fn the_stored_span_class_counts_the_same_thresholds() {
        // SORT_KEYS counts the powers of two up to the span: 2^0 … 2^21.
        let list: Vec<String> = (0..MAX_SPAN_CLASS)
            .map(|i| (1i64 << i).to_string())
            .collect();
        assert!(
            SORT_KEYS.contains(&format!("[{}]", list.join(", "))),
            "{SORT_KEYS}"
        );
    }
}
