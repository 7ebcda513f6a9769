//! A list of events at a place or anywhere within it, sorted by date: the investigators' most common
//! question. Read from the place, it costs every event of the region (all are reached, filtered and
//! sorted), which grows with the graph: a top-level region holds a fifth of all events. A big
//! region is instead read by walking the events' date index in the page's order, keeping those that
//! match and lie within the region, which stops at the page's end. See docs/decisions.md, "Events
//! of a region".

use serde_json::Value;

use super::{direction, ordered, Filter, ListKind, ListQuery, SortKey, SCOPE};
use crate::store::Cypher;

/// How many events make a region big enough to be walked in date order. Read from the place, a
/// region costs ~4.3 db hits per event (35,000 for the 8,200 events of a second-level region at
/// 100k events). The walk costs about `page / share of the walked events that match`, which does
/// not grow with the graph but grows as the region's share shrinks; its worst case is an ascending
/// page of a late window, which first passes every earlier event (one property read each) to find
/// the open-ended ones that still overlap it. Measured at 100k events (docs/decisions.md): a region
/// of a third of the events, 10,000 hits walked against 142,000 read; one of 8% about even
/// ascending (27,000–36,000 against 32,000–40,000) and 4–5x cheaper descending; one of 2.5%
/// (2,600 events) 3–7x dearer. The even point grows with the square root of the graph's size (the
/// walk's cost falls with the share, the read's rises with it): ~8,000 events at 10^5, ~25,000 at
/// 10^6, so a region of 20,000 events or more is walked.
pub const REGION_PROBE: usize = 20_000;

/// For an event list sorted by date whose anchor is a place, the subquery that counts the region's
/// events (returning the count, to be named); the page's statement reads a small region from the
/// place and, for a region of at least [`REGION_PROBE`] events, returns a row that asks for the walk
/// instead (`read::page_statement`). Either way the page is the same: the choice is only about
/// cost. `None` for other lists.
///
/// The count is the sum of the places' `AT` degrees (only events are `AT` a place), which Neo4j
/// reads from each place without visiting its events: ~1,000 db hits for a region of 8,000 events
/// and 256 places, where counting the events themselves (by the page's own expansion, up to the
/// limit) cost 17,600, half again the page. It ignores the request's collections, and a place
/// reached by two paths counts twice: a guess at the cost, never a filter.
///
/// The walk is a statement of its own, not a third branch: one statement holding the probe and
/// both ways to read the page (as `text_page` does for text) cost Neo4j ~45 ms of planning on every
/// request (measured at 100k events with EXPLAIN; any two of the three parts come from the plan
/// cache in ~2 ms), ten times the page. A big region costs a second round trip (under 1 ms).
pub(super) fn probe(q: &ListQuery) -> Option<Cypher> {
    if q.kind != ListKind::Event || q.sort != SortKey::DateEarliest {
        return None;
    }
    // The filter that anchors the list (the first that can) must be the place; its parameter
    // (`$f<i>_v`) is the page's.
    let (i, _) = q
        .filters
        .iter()
        .enumerate()
        .find(|(i, f)| f.anchor(*i, q.kind.label(), &mut Cypher::new()).is_some())?;
    if !matches!(q.filters[i], Filter::EventWithinPlace(_)) {
        return None;
    }
    let mut text = Cypher::new();
    text.push("MATCH (a:Node {id: $f").push(i).push(
        "_v}) WHERE a:Place MATCH (a)<-[:WITHIN*0..32]-(p:Place) \
               RETURN sum(COUNT { (p)<-[:AT]-() })",
    );
    Some(text)
}

/// The page's nodes, bound to `n` in the list's order, read from the place when the region is small
/// (`probe`, see [`probe`]) and none otherwise; `hits` (the region's size) stays bound, so that the
/// page's rows can say that the region is to be walked.
pub(super) fn probed(q: &ListQuery, probe: Cypher) -> (Cypher, Vec<(String, Value)>) {
    let (page, params) = ordered(q, None, false);
    let mut text = Cypher::new();
    text.push("CALL () { ")
        .append(probe)
        .push(
            " AS hits } OPTIONAL CALL (hits) { UNWIND CASE WHEN hits < $probe THEN [true] ELSE [] \
             END AS go CALL (go) { ",
        )
        .append(page)
        .push(" RETURN n } RETURN n } WITH hits, n ORDER BY ");
    let dir = direction(q);
    for piece in [q.sort.property(), dir, ", n.id", dir] {
        text.push(piece);
    }
    (text, params)
}

/// The region's events that match the other filters, bound to `n`, read from the date index (in
/// its order, which [`ordered`] bounds and cuts at the page). Each event is first tested on its own
/// properties (collections, dates, type …) and only then walked up to the region: a `CASE` keeps
/// that order, which the planner would otherwise reverse. Before a late window, most events the
/// walk meets end before it; each then costs a property read, not a walk up the hierarchy.
pub(super) fn walk(q: &ListQuery) -> (Cypher, Vec<(String, Value)>) {
    let mut text = Cypher::new();
    let mut params = Vec::new();
    text.push("MATCH (n:Event) USING INDEX n:Event(sortDate) WHERE CASE WHEN ")
        .push(SCOPE);
    let within = |f: &Filter| matches!(f, Filter::EventWithinPlace(_));
    for (i, f) in q.filters.iter().enumerate() {
        if !within(f) {
            text.push(" AND ");
            params.extend(f.predicate(i, &mut text));
        }
    }
    text.push(" THEN true");
    for (i, f) in q.filters.iter().enumerate() {
        if within(f) {
            text.push(" AND ");
            params.extend(f.predicate(i, &mut text));
        }
    }
    text.push(" ELSE false END");
    (text, params)
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
