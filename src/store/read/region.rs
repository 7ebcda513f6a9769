//! A list of events at a place or anywhere within it, sorted by date: the investigators' most common
//! question. Read from the place, it costs every event of the region (all of them are reached, then
//! sorted), which grows with the graph: a top-level region holds a fifth of all events. A big
//! region is instead read by walking the events' date index in the page's order, keeping those
//! within the region, which stops at the page's end. See docs/decisions.md, "Events of a region".

use serde_json::Value;

use super::{direction, ordered, sort_index_hint, Filter, ListKind, ListQuery, SortKey, SCOPE};
use crate::store::Cypher;

/// How many of a region's events (reached from the place, up to this many) make it big enough to be
/// walked in date order. Reading a small region from the place costs its events; walking the date
/// index costs about `page / share of the walked events that are in the region and the window`,
/// independent of the region's size but not bounded by it. Below this count the region is read
/// from the place: measured at 100k events (docs/decisions.md), a region of this size costs about
/// what the walk costs for a region holding a few percent of all events.
pub const REGION_PROBE: usize = 10_000;

/// The page's statement for an event list sorted by date whose anchor is a place: the probe
/// counts the region's events (in the request's collections) up to `$probe`, and only the branch it
/// picks runs (an `UNWIND` of an empty list ends the other before its `MATCH`). Both return the same
/// page: the choice is only about cost. `None` for other lists.
pub(super) fn page(q: &ListQuery) -> Option<(Cypher, Vec<(String, Value)>)> {
    if q.kind != ListKind::Event || q.sort != SortKey::DateEarliest {
        return None;
    }
    let walk = sort_index_hint(q.kind, q.sort)?;
    // The filter that anchors the list (the first that can) must be the place.
    let mut probe = Cypher::new();
    let (i, _) = q
        .filters
        .iter()
        .enumerate()
        .find(|(i, f)| f.anchor(*i, q.kind.label(), &mut Cypher::new()).is_some())?;
    if !matches!(q.filters[i], Filter::EventWithinPlace(_)) {
        return None;
    }
    q.filters[i].anchor(i, q.kind.label(), &mut probe)?;
    let mut text = Cypher::new();
    text.push("CALL () { ")
        .append(probe)
        .push(" WHERE ")
        .push(SCOPE)
        .push(" WITH n LIMIT $probe RETURN count(n) AS hits } CALL (hits) {");
    let mut params = Vec::new();
    for (cmp, walked) in [("<", false), (">=", true)] {
        if walked {
            text.push(" UNION ALL");
        }
        let (branch, p) = ordered(q, Some(walk), walked);
        text.push(" UNWIND CASE WHEN hits ")
            .push(cmp)
            .push(" $probe THEN [true] ELSE [] END AS go CALL (go) { ");
        text.append(branch).push(" RETURN n } RETURN n");
        params = p;
    }
    let key = q.sort.property();
    let dir = direction(q);
    for piece in [" } WITH n ORDER BY ", key, dir, ", n.id", dir] {
        text.push(piece);
    }
    Some((text, params))
}

/// The largest sort key (`sortDate`) an event can have and still overlap the list's date window:
/// the window's end as the store writes a date (`toString(date)`, `YYYY-MM-DD`). An event starting
/// after `to` has a larger key; an event with no start has '' (records::SORT_KEYS), smaller than any.
/// Keys compare as strings, which is the dates' order only for years 0–9999 written with four digits
/// (a negative year starts with '-', before every digit, and so stays below the bound; a year beyond
/// 9999 cannot be stored, see `domain::FuzzyDate`); for a window ending in another year there is no
/// bound and the walk goes on to the index's end.
pub(super) fn to_key(q: &ListQuery) -> Option<String> {
    use chrono::Datelike;
    q.filters.iter().find_map(|f| match f {
        Filter::DateOverlap(window) => window
            .to()
            .filter(|d| (0..=9999).contains(&d.year()))
            .map(|d| d.format("%Y-%m-%d").to_string()),
        _ => None,
    })
}
