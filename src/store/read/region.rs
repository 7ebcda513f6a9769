//! A list of events at a place or anywhere within it, sorted by date: the investigators' most common
//! question. Read from the place, it costs every event of the region (all are reached, filtered and
//! sorted), which grows with the graph: a top-level region holds a fifth of all events. A big
//! region is instead read by walking the events' date index in the page's order, keeping those that
//! match and lie within the region, which stops at the page's end. For a window with a start, the
//! index walked is that of the events' date-span classes ([`classed`]), so that the walk need not
//! pass every event before the window to find the long ones that still reach into it. See
//! docs/decisions.md, "Events of a region".

use serde_json::Value;

use super::{direction, filter::seek_anchor, ordered, Filter, ListKind, ListQuery, SortKey, SCOPE};
use crate::store::{
    records::{span_days, MAX_SPAN_CLASS, OPEN_SPAN},
    Cypher,
};

/// How many events make a region big enough to be walked in date order. Read from the place, a
/// region costs ~4.3 db hits per event (35,000 for the 8,200 events of a second-level region at
/// 100k events). The walk costs about `page / share of the walked events that match`, which does
/// not grow with the graph but grows as the region's share shrinks; its worst case was an ascending
/// page of a late window, which first passed every earlier event (one property read each) to find
/// the open-ended ones that still overlap it (now read by span class, [`classed`]). Measured at
/// 100k events, before the span classes (docs/decisions.md): a region of a third of the events,
/// 10,000 hits walked against 142,000 read; one of 8% about even ascending (27,000–36,000 against
/// 32,000–40,000) and 4–5x cheaper descending; one of 2.5% (2,600 events) 3–7x dearer. The even point grows with the square root of the graph's size (the
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
/// The sum stops at [`REGION_PROBE`]: each place's degree is unwound into that many rows and the
/// rows cut at `$probe`, and since the expansion is lazy, a big region's places are read only until
/// they hold that many events (`hits` is then `$probe`; below it, the whole sum as before). At 10^6
/// events the bench's region (2,416 places, 83,600 events) was 9,666 db hits, ~17 ms on a busy
/// machine, and is 1,420 (405 places), ~6 ms; a top-level region (9,665 places) 38,662 hits, ~49
/// ms, and is the same as the bench's. A small region costs as before, plus a row per event (a
/// region of 5,700 events ~0.3 ms, against the ~25,000 db hits of reading its page). The places are
/// not tested for their label: only places are `WITHIN` a place (`Relation::PlaceWithin`).
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
    seek_anchor(&mut text, i, "v")
        .push(":Place MATCH (a")
        .push(i)
        .push(
            ")<-[:WITHIN*0..32]-(p) WITH COUNT { (p)<-[:AT]-() } AS events \
         UNWIND range(1, events) AS event WITH event LIMIT $probe RETURN count(event)",
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

/// The head of the walk of the whole date index ([`walk`]), in the page's order.
pub(super) const DATE_WALK: &str = "MATCH (n:Event) USING INDEX n:Event(sortDate) WHERE ";

/// The region's events that match the other filters, bound to `n`, read from the index that `head`
/// names and bounds (its `WHERE` open: [`DATE_WALK`], or one class of [`classed`]), in its order
/// (which the caller bounds and cuts at the page). Each event is first tested on its own properties
/// (collections, dates, type …) and only then walked up to the region: a `CASE` keeps that order,
/// which the planner would otherwise reverse. Before a late window, most events the walk meets end
/// before it; each then costs a property read, not a walk up the hierarchy.
pub(super) fn walk(q: &ListQuery, head: &'static str) -> (Cypher, Vec<(String, Value)>) {
    let mut text = Cypher::new();
    let mut params = Vec::new();
    text.push(head).push("CASE WHEN ").push(SCOPE);
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

/// The walk of one span class (`$firstClass` from `$firstLo`, or each `span` of `$spans`) up to the
/// window's end, for an ascending and a descending page; `top`, the last key of the first class's
/// page when it is full, bounds the other classes on the page's far side.
const CLASS_WALKS: [[&str; 2]; 2] = [
    [
        "MATCH (n:Event) USING INDEX SEEK n:Event(spanClass, sortDate) \
         WHERE n.spanClass = $firstClass AND n.sortDate >= $firstLo AND n.sortDate <= $toKey AND ",
        "MATCH (n:Event) USING INDEX SEEK n:Event(spanClass, sortDate) \
         WHERE n.spanClass = span.class AND n.sortDate >= span.lo \
         AND n.sortDate <= coalesce(top, $toKey) AND ",
    ],
    [
        "MATCH (n:Event) USING INDEX SEEK n:Event(spanClass, sortDate) \
         WHERE n.spanClass = $firstClass AND n.sortDate >= $firstLo AND n.sortDate <= $toKey AND ",
        "MATCH (n:Event) USING INDEX SEEK n:Event(spanClass, sortDate) \
         WHERE n.spanClass = span.class AND n.sortDate >= coalesce(top, span.lo) \
         AND n.sortDate <= $toKey AND ",
    ],
];

/// A region's events in a window with a start, walked one class of date spans at a time
/// (`records::span_class`, index `cg_event_span_date`), in the page's order; `None` for a window
/// without a start (or starting outside the years 0–9999), which [`walk`] reads from the whole date
/// index.
///
/// An event of class `c` lasts at most `span_days(c)` days, so it overlaps a window starting on
/// `from` only if it starts on or after `from - span_days(c)`: each class is read from there to the
/// window's end, both ends bounded, where the whole index had to be passed from its start (an
/// ascending page of a late window read every earlier event to find the open-ended ones that still
/// overlap it). Only the open class ([`OPEN_SPAN`]) is read from the index's start.
///
/// The page's first rows are among each class's first rows, so each class is cut at the page and
/// the heads merged. One class is read first — the open one for an ascending page (its events start
/// earliest), single days for a descending one (the commonest) — and when it fills the page, its
/// last key bounds the others: at 10^6 events the bench's page is then all open events, and every
/// other class's seek is empty. Measured there (docs/decisions.md): the ascending page's walk
/// 40,850 db hits (17,808 events passed) → 5,618 (165), ~33 → ~8 ms; the descending one even
/// (15,200 → 15,250), but bounded below where the whole index's walk was not. Both per-class seeks
/// need `n.spanClass` in their `ORDER BY` for the composite index to give its order (without it, a
/// full sort of each class's range).
pub(super) fn classed(q: &ListQuery) -> Option<(Cypher, Vec<(String, Value)>)> {
    use chrono::Datelike;
    let from = q.filters.iter().find_map(|f| match f {
        Filter::DateOverlap(window) => window.from(),
        _ => None,
    })?;
    if !(0..=9999).contains(&from.year()) {
        return None;
    }
    // A date key of the years 0–9999 (which compare as strings); '' (below every key) otherwise.
    let lo = |class: i64| -> String {
        if class == OPEN_SPAN {
            return String::new();
        }
        from.checked_sub_signed(chrono::TimeDelta::days(span_days(class)))
            .filter(|d| d.year() >= 0)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let ascending = direction(q) == " ASC";
    let first = if ascending { OPEN_SPAN } else { 0 };
    let spans: Vec<Value> = (OPEN_SPAN..=MAX_SPAN_CLASS)
        .filter(|c| *c != first)
        .map(|c| serde_json::json!({"class": c, "lo": lo(c)}))
        .collect();
    let [head, rest] = CLASS_WALKS[usize::from(!ascending)];
    let dir = direction(q);
    let order = |text: &mut Cypher| {
        for piece in [
            " WITH n ORDER BY n.spanClass",
            dir,
            ", n.sortDate",
            dir,
            ", n.id",
            dir,
            " LIMIT $limit",
        ] {
            text.push(piece);
        }
    };
    let (one, mut params) = walk(q, head);
    let (other, _) = walk(q, rest);
    let mut text = Cypher::new();
    text.push("CALL () { ").append(one);
    super::keyset(q, &mut text);
    order(&mut text);
    text.push(
        " RETURN collect(n) AS head } \
         WITH head, CASE WHEN size(head) >= $limit THEN head[-1].sortDate END AS top \
         CALL (head, top) { UNWIND head AS n RETURN n UNION ALL \
         UNWIND $spans AS span CALL (span, top) { ",
    )
    .append(other);
    super::keyset(q, &mut text);
    order(&mut text);
    text.push(" RETURN n } RETURN n }");
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
