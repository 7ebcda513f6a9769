//! A list of events at a place or anywhere within it, sorted by date: the investigators' most common
//! question. Each event holds one `IN_REGION` relationship to its place and to every place that
//! place lies within, with copies of the place's id and of its own span class, sort key and id
//! (`records::region_keys`, kept by every writer), indexed together (`cg_event_region`). A region's
//! page is read from that index one class of date spans at a time, each seek in the page's order and
//! cut at the page, and the classes' heads merged: it reads about a page per class whatever the
//! region's size, and walks no hierarchy. See docs/decisions.md, "Events of a region".

use serde_json::Value;

use super::{direction, Filter, ListKind, ListQuery, SortKey, SCOPE};
use crate::store::{
    records::{span_days, MAX_SPAN_CLASS, OPEN_SPAN},
    Cypher,
};

/// The seek of the span class read first (`$firstClass` from `$firstLo`) up to the window's end.
/// The hint names the relationship index; `r.eventId IS NOT NULL` lets the planner read all four keys
/// from it, so that it gives the page's order (ties on a day broken by id) and no class is sorted.
const FIRST_SEEK: &str = "MATCH (n)-[r:IN_REGION]->() \
     USING INDEX SEEK r:IN_REGION(regionId, spanClass, sortDate, eventId) \
     WHERE r.regionId = $region AND r.spanClass = $firstClass AND r.sortDate >= $firstLo \
     AND r.sortDate <= $toKey AND r.eventId IS NOT NULL";

/// The seek of each other class (`span` of `$spans`), for an ascending and a descending page: `top`,
/// the last key of the first class's page when it is full, bounds it on the page's far side.
const OTHER_SEEKS: [&str; 2] = [
    "MATCH (n)-[r:IN_REGION]->() \
     USING INDEX SEEK r:IN_REGION(regionId, spanClass, sortDate, eventId) \
     WHERE r.regionId = $region AND r.spanClass = span.class AND r.sortDate >= span.lo \
     AND r.sortDate <= coalesce(top, $toKey) AND r.eventId IS NOT NULL",
    "MATCH (n)-[r:IN_REGION]->() \
     USING INDEX SEEK r:IN_REGION(regionId, spanClass, sortDate, eventId) \
     WHERE r.regionId = $region AND r.spanClass = span.class \
     AND r.sortDate >= coalesce(top, span.lo) AND r.sortDate <= $toKey AND r.eventId IS NOT NULL",
];

/// The events of one class's seek (`head`, its `WHERE` open) that the page may hold: within the
/// keyset's bounds, in the request's collections, and matching every filter but the region that
/// anchors the list (the seek is the region). A `CASE` keeps the event's own tests after the seek's
/// range, which the planner would otherwise try first.
fn seek(q: &ListQuery, anchor: usize, head: &'static str) -> (Cypher, Vec<(String, Value)>) {
    let mut text = Cypher::new();
    let mut params = Vec::new();
    text.push(head);
    super::keyset_on(q, &mut text, "r.sortDate", "r.eventId");
    text.push(" AND CASE WHEN ").push(SCOPE);
    for (i, f) in q.filters.iter().enumerate() {
        if i != anchor {
            text.push(" AND ");
            params.extend(f.predicate(i, &mut text));
        }
    }
    text.push(" THEN true ELSE false END WITH n, r ORDER BY r.regionId");
    let dir = direction(q);
    for piece in [
        dir,
        ", r.spanClass",
        dir,
        ", r.sortDate",
        dir,
        ", r.eventId",
        dir,
        " LIMIT $limit",
    ] {
        text.push(piece);
    }
    (text, params)
}

/// For a list of events by date whose anchor (the first filter that can anchor) is a place: the
/// page's nodes, bound to `n` in the list's order, read from the region's relationships; `None` for
/// any other list.
///
/// An event of class `c` lasts at most `span_days(c)` days, so it overlaps a window starting on
/// `from` only if it starts on or after `from - span_days(c)`: each class is read from there to the
/// window's end, both ends bounded (only the open class, [`OPEN_SPAN`], from the index's start; and
/// every class from its start when the window has none). The page's first rows are among each
/// class's first rows, so each class is cut at the page and the heads merged. One class is read
/// first — the open one for an ascending page (its events start earliest), single days for a
/// descending one (the commonest) — and when it fills the page, its last key bounds the others.
/// The seeks only narrow: every filter, the date window's included, is still tested on each event.
pub(super) fn flat(q: &ListQuery) -> Option<(Cypher, Vec<(String, Value)>)> {
    use chrono::Datelike;
    if q.kind != ListKind::Event || q.sort != SortKey::DateEarliest {
        return None;
    }
    let (anchor, region) = q
        .filters
        .iter()
        .enumerate()
        .find(|(i, f)| f.anchor(*i, q.kind.label(), &mut Cypher::new()).is_some())?;
    let Filter::EventWithinPlace(region) = region else {
        return None;
    };
    // The window's start, when it is a date the keys can hold (years 0–9999, compared as strings).
    let from = q
        .filters
        .iter()
        .find_map(|f| match f {
            Filter::DateOverlap(window) => window.from(),
            _ => None,
        })
        .filter(|from| (0..=9999).contains(&from.year()));
    // The smallest key an event of the class can have and still overlap the window: '' (below
    // every key) for the open class, a window without a start, or a bound before the year 0.
    let lo = |class: i64| -> String {
        match from {
            Some(from) if class != OPEN_SPAN => from
                .checked_sub_signed(chrono::TimeDelta::days(span_days(class)))
                .filter(|d| d.year() >= 0)
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    let ascending = direction(q) == " ASC";
    let first = if ascending { OPEN_SPAN } else { 0 };
    let spans: Vec<Value> = (OPEN_SPAN..=MAX_SPAN_CLASS)
        .filter(|c| *c != first)
        .map(|c| serde_json::json!({"class": c, "lo": lo(c)}))
        .collect();
    let (one, mut params) = seek(q, anchor, FIRST_SEEK);
    let (other, _) = seek(q, anchor, OTHER_SEEKS[usize::from(!ascending)]);
    let dir = direction(q);
    let mut text = Cypher::new();
    text.push("CALL () { ")
        .append(one)
        .push(
            " RETURN collect(n) AS head } \
             WITH head, CASE WHEN size(head) >= $limit THEN head[-1].sortDate END AS top \
             CALL (head, top) { UNWIND head AS n RETURN n UNION ALL \
             UNWIND $spans AS span CALL (span, top) { ",
        )
        .append(other)
        .push(" RETURN n } RETURN n }");
    for piece in [
        " WITH n ORDER BY n.sortDate",
        dir,
        ", n.id",
        dir,
        " LIMIT $limit",
    ] {
        text.push(piece);
    }
    params.extend([
        ("region".to_string(), region.clone().into()),
        (
            "toKey".to_string(),
            to_key(q).unwrap_or_else(|| LAST_KEY.into()).into(),
        ),
        ("firstClass".to_string(), first.into()),
        ("firstLo".to_string(), lo(first).into()),
        ("spans".to_string(), spans.into()),
    ]);
    Some((text, params))
}

/// A key above every event's: a year beyond 9999 cannot be stored (see [`to_key`]).
const LAST_KEY: &str = "9999-12-31";

/// The largest sort key (`sortDate`) an event can have and still overlap the list's date window:
/// the window's end as the store writes a date (`toString(date)`, `YYYY-MM-DD`). An event starting
/// after `to` has a larger key; an event with no start has '' (records::SORT_KEYS), smaller than any.
/// Keys compare as strings, which is the dates' order only for years 0–9999 written with four digits
/// (a negative year starts with '-', before every digit, and so stays below the bound; a year beyond
/// 9999 cannot be stored, see `domain::FuzzyDate`); for a window ending in another year the bound is
/// the last key.
fn to_key(q: &ListQuery) -> Option<String> {
    use chrono::Datelike;
    q.filters.iter().find_map(|f| match f {
        Filter::DateOverlap(window) => window
            .to()
            .filter(|d| (0..=9999).contains(&d.year()))
            .map(|d| d.format("%Y-%m-%d").to_string()),
        _ => None,
    })
}
