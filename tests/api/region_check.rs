//! The events' region relationships checked against a derivation from scratch: what every test's
//! `cleanup` and the scenarios of `regions.rs` assert.

use std::sync::Arc;

use casegraph::store::Store;

/// Each event of `collection` whose stored `IN_REGION` relationships differ from those derived from
/// scratch (`records::region_keys`: one to its place and to every place that lies above it, each
/// with the place's id and the event's `spanClass`, `sortDate` and id): the event, what is stored
/// and not derived (stale or extra, duplicates included) and what is derived and not stored
/// (missing). Also relationships of the collection's events to anything but a place.
pub async fn region_mismatches(store: &Arc<Store>, collection: &str) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Row {
        event: String,
        stored: Vec<String>,
        derived: Vec<String>,
    }
    let rows: Vec<Row> = store
        .session(casegraph::store::Scope::all())
        .rows(
            casegraph::store::Statement::new(
                "MATCH (a:Node {collection: $c}) WHERE a:Event \
                 CALL (a) { MATCH (a)-[r:IN_REGION]->(x) \
                   RETURN collect(coalesce(x.id, '?') + (CASE WHEN x:Place THEN '' ELSE ' (not a place)' END) \
                     + ' ' + toString(r.regionId) + ' ' + toString(r.spanClass) + ' ' \
                     + toString(r.sortDate) + ' ' + toString(r.eventId)) AS stored } \
                 CALL (a) { MATCH (a)-[:AT]->(:Place)-[:WITHIN*0..32]->(region:Place) \
                   WITH DISTINCT a, region \
                   RETURN collect(region.id + ' ' + region.id + ' ' + toString(a.spanClass) + ' ' \
                     + toString(a.sortDate) + ' ' + a.id) AS derived } \
                 RETURN {event: a.id, stored: stored, derived: derived} AS row",
            )
            .param("c", collection),
        )
        .await
        .expect("read the region relationships");
    // Ids are read without the collection's prefix: the messages say which place, not which test.
    let prefix = format!("{collection}:");
    let mut out = Vec::new();
    for mut row in rows {
        for list in [&mut row.stored, &mut row.derived] {
            list.iter_mut().for_each(|s| *s = s.replace(&prefix, ""));
        }
        row.stored.sort();
        row.derived.sort();
        if row.stored != row.derived {
            let mut extra = row.stored.clone();
            for d in &row.derived {
                if let Some(i) = extra.iter().position(|s| s == d) {
                    extra.remove(i);
                }
            }
            let mut missing = row.derived.clone();
            for s in &row.stored {
                if let Some(i) = missing.iter().position(|d| d == s) {
                    missing.remove(i);
                }
            }
            out.push(format!(
                "{}: stale or extra {extra:?}, missing {missing:?} (place region spanClass sortDate event)",
                row.event
            ));
        }
    }
    out.sort();
    out
}

/// Fails the test if any event of `collection` has other region relationships than its place and
/// hierarchy give ([`region_mismatches`]). Returns how many the collection's events have.
pub async fn assert_regions_exact(store: &Arc<Store>, collection: &str) -> usize {
    let wrong = region_mismatches(store, collection).await;
    assert!(
        wrong.is_empty(),
        "IN_REGION differs from the events' places and dates:\n{}",
        wrong.join("\n")
    );
    let count: Vec<i64> = store
        .session(casegraph::store::Scope::all())
        .rows(
            casegraph::store::Statement::new(
                "MATCH (a:Node {collection: $c})-[r:IN_REGION]->() WHERE a:Event RETURN count(r) AS row",
            )
            .param("c", collection),
        )
        .await
        .expect("count the region relationships");
    count.first().copied().unwrap_or(0) as usize
}
